# setup_suite.bash - the whole-suite leak check: after every test file has
# run, no IPC object, /dev/shm entry or /tmp/ipckit* file that was not
# there before may remain, whatever its name (ipcmk and ftok keys too).
# On only when IPCKIT_SUITE_CHECK=1 (make check and make sanitize set it):
# a developer running one file beside other work is not failed for
# objects that others make.
# shellcheck shell=bash

_suite_snapshot() {
	{
		ls /dev/shm 2>/dev/null | sed 's/^/shm /'
		ipcs -q 2>/dev/null | awk '$1 ~ /^0x/ { print "msq", $1, $2 }'
		ipcs -m 2>/dev/null | awk '$1 ~ /^0x/ { print "shm", $1, $2 }'
		ipcs -s 2>/dev/null | awk '$1 ~ /^0x/ { print "sem", $1, $2 }'
		d=$(awk '$3 == "mqueue" { print $2; exit }' /proc/self/mounts)
		[ -n "$d" ] && ls "$d" | sed 's/^/mq /'
		ls -d /tmp/ipckit* 2>/dev/null | sed 's/^/tmp /'
	} | sort
}

setup_suite() {
	[ "${IPCKIT_SUITE_CHECK:-}" = 1 ] || return 0
	export IPCKIT_SUITE_BEFORE
	IPCKIT_SUITE_BEFORE=$(_suite_snapshot)
}

teardown_suite() {
	local left
	[ "${IPCKIT_SUITE_CHECK:-}" = 1 ] || return 0
	left=$(comm -13 <(printf '%s\n' "$IPCKIT_SUITE_BEFORE") \
	    <(_suite_snapshot) | grep -v '^$' || true)
	if [ -n "$left" ]; then
		echo "the suite left these behind:" >&2
		echo "$left" >&2
		return 1
	fi
}
