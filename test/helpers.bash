# helpers.bash - loaded by every test file: libraries, PATH, unique names,
# and a teardown that fails a test which leaves a kernel object behind.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
IPCKIT_BIN=${IPCKIT_BIN:-$TOP/build/bin}
PATH=$IPCKIT_BIN:$PATH
export PATH IPCKIT_BIN TOP
# Debian's python modules (sysv_ipc) live with the system interpreter
PY=/usr/bin/python3
export PY

# a counter that survives $(...) subshells: kept in the test's directory
_ipckit_next() {
	local f="$BATS_TEST_TMPDIR/.ipckit-counter" n=0
	[ -f "$f" ] && read -r n <"$f"
	n=$((n + 1))
	echo "$n" >"$f"
	echo "$n"
}

# a name no other test (or run) uses: ipckit-t<pid>-<test>-<n>
uniq_name() {
	printf 'ipckit-t%s-%s-%s\n' "$$" "${BATS_SUITE_TEST_NUMBER:-0}" "$(_ipckit_next)"
}

# a SysV key in a range of our own: 0x7e<pid:4 hex><test*16+n:2 hex>
uniq_key() {
	printf '0x7e%04x%02x\n' "$(( $$ & 0xffff ))" \
	    "$(( (${BATS_SUITE_TEST_NUMBER:-0} * 16 + $(_ipckit_next)) & 0xff ))"
}

# the tools that exist, and the verbs a tool lists in its --help
tools() {
	local f
	for f in "$TOP"/cmd/*.c; do
		[ -e "$f" ] || continue
		basename "$f" .c
	done
}

verbs() {
	"$1" --help | awk '/^verbs:/ { v = 1; next } v && NF && $1 !~ /^ipc(-|kit$)/ { print $1 }'
}

# where the mqueue file system is mounted here, if anywhere
mqueue_dir() {
	awk '$3 == "mqueue" { print $2; exit }' /proc/self/mounts
}

# run "$@" where the mqueue file system is mounted: as is when it is,
# else in a private mount namespace with a private mount of it (the
# queues themselves are the host's: only the view is private)
with_mqueue() {
	if [ -n "$(mqueue_dir)" ]; then
		"$@"
	else
		local d="$BATS_TEST_TMPDIR/mqueue-view"
		mkdir -p "$d"
		unshare -m --propagation private sh -c \
		    'mount -t mqueue mqueue "$1" && shift && exec "$@"' \
		    sh "$d" "$@"
	fi
}

# a directory that user nobody can use (this test's own: the same path
# on every call), removed in teardown, also when called as $(nobody_dir)
nobody_dir() {
	local d=/tmp/ipckit-nobody.${BATS_RUN_TMPDIR##*/}.$BATS_SUITE_TEST_NUMBER
	mkdir -p "$d" && chmod 1777 "$d" && printf '%s\n' "$d"
}

as_nobody() {
	runuser -u nobody -- "$@"
}

# everything of ours that is visible system-wide
ipc_snapshot() {
	{
		ls /dev/shm 2>/dev/null | sed 's/^/shm /'
		ipcs -q 2>/dev/null | awk '$1 ~ /^0x/ { print "msq", $1, $2 }'
		ipcs -m 2>/dev/null | awk '$1 ~ /^0x/ { print "shm", $1, $2 }'
		ipcs -s 2>/dev/null | awk '$1 ~ /^0x/ { print "sem", $1, $2 }'
		with_mqueue_ls 2>/dev/null | sed 's/^/mq /'
	} | sort
}

with_mqueue_ls() {
	local d
	d=$(mqueue_dir)
	if [ -n "$d" ]; then
		ls "$d"
	else
		d=$(mktemp -d)
		unshare -m --propagation private sh -c \
		    'mount -t mqueue mqueue "$1" && ls "$1"' sh "$d"
		rmdir "$d"
	fi
}

setup() {
	_ipckit_before=$(ipc_snapshot)
	cd "$BATS_TEST_TMPDIR" || return 1
	if declare -F local_setup >/dev/null; then
		local_setup
	fi
}

teardown() {
	local after leaked
	if declare -F local_teardown >/dev/null; then
		local_teardown
	fi
	# kill stray background jobs this test started
	jobs -p | xargs -r kill 2>/dev/null
	wait 2>/dev/null
	after=$(ipc_snapshot)
	leaked=$(comm -13 <(printf '%s\n' "$_ipckit_before") <(printf '%s\n' "$after") |
	    grep -v '^$' | only_ours || true)
	rm -rf "/tmp/ipckit-nobody.${BATS_RUN_TMPDIR##*/}.$BATS_SUITE_TEST_NUMBER"
	if [ -n "$leaked" ]; then
		echo "test leaked IPC objects:" >&2
		echo "$leaked" >&2
		ipc_remove_leaked "$leaked"
		return 1
	fi
}

# keep the objects that are surely this run's: named by uniq_name or keyed
# by uniq_key.  Objects others made meanwhile (another program, another
# bats run) are not this test's business; what a test made under another
# name (ipcmk, ftok) is caught by the whole-suite check (setup_suite.bash).
only_ours() {
	local mine
	mine=$(printf '%04x' "$(( $$ & 0xffff ))")
	grep -E "ipckit-t$$-|[[:space:]]0x7e${mine}[0-9a-f]{2}([[:space:]]|$)"
}

ipc_remove_leaked() {
	local kind a b
	while read -r kind a b; do
		case $kind in
		shm) if [ -n "$b" ]; then ipcrm -m "$b"; else rm -f "/dev/shm/$a"; fi ;;
		msq) ipcrm -q "$b" ;;
		sem) ipcrm -s "$b" ;;
		mq) "$PY" -c 'import sys,ctypes; l=ctypes.CDLL("librt.so.1"); l.mq_unlink(("/"+sys.argv[1]).encode())' "$a" ;;
		esac
	done <<<"$1" 2>/dev/null
}

# wait until a condition holds, up to N tenths of a second (generous:
# the machine may be loaded); fails the test otherwise
wait_for() {
	local _wf_left=$1	# not "n": the condition may use the test's $n
	shift
	while ! "$@"; do
		_wf_left=$(( _wf_left - 1 ))
		[ "$_wf_left" -gt 0 ] || { echo "wait_for timed out: $*" >&2; return 1; }
		sleep 0.1
	done
}

# random binary file of N KiB
randfile() {
	head -c "$(( $2 * 1024 ))" /dev/urandom >"$1"
}

# a "vg" command that runs its arguments under valgrind's memcheck (no
# invalid access, no definite or indirect leak: status 99 otherwise);
# skips the test where valgrind is missing or the tools are ASan builds
vg_setup() {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ -z "${IPCKIT_SANITIZE:-}" ] || skip "not with ASan builds"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/vg" <<-'EOS'
	#!/bin/sh
	# its report on stderr, without the notes of a valgrind older than
	# a system call (3.19 does not know pidfd_open, which then fails
	# with ENOSYS and the tools fall back)
	log=$(mktemp "$VG_LOGDIR/vg.XXXXXX") || exit 99
	valgrind -q --log-file="$log" --leak-check=full \
	    --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    --trace-children=no "$@"
	rc=$?
	grep -v -e 'WARNING: unhandled .* syscall' -e 'your own handler' \
	    -e README_MISSING_SYSCALL_OR_IOCTL -e 'we consider this a bug' \
	    -e 'valgrind.org/support/bug_reports' "$log" >&2
	rm -f "$log"
	exit "$rc"
	EOS
	chmod +x "$BATS_TEST_TMPDIR/bin/vg"
	# the reports go where bats cleans up, also after a vg that was killed
	export VG_LOGDIR=$BATS_TEST_TMPDIR
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}
