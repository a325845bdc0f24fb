#!/usr/bin/env bats
# objects.bats - ls, rm and limits of the objects layer (lib/obj*.c), for
# every kind whose tool is built: queues (ipc-mq) always, segments
# (ipc-shm) and semaphores (ipc-sem) once they exist, and every kind at
# once (ipckit).  Both flavours, columns, JSON, the mqueue mount of this
# IPC namespace, --stale by liveness and by waiters, --older-than, rm
# --all and its owner rule, operands checked before removing, ipcmk
# interop, and the same as an ordinary user.
#
# Most tests run in `isolated`: private IPC, mount and PID namespaces with
# the new IPC namespace's mqueue file system mounted at $MQDIR and a
# private tmpfs on /dev/shm.  There the only objects are the test's own
# (so `rm --all` cannot touch what other tests running at the same time
# make), /proc shows only the test's processes, and everything dies with
# the namespace.

bats_require_minimum_version 1.5.0
load helpers

local_setup() {
	# a directory user nobody can reach, for the mqueue mount point
	MQTMP=$(mktemp -d /tmp/ipckit-objects.XXXXXX)
	chmod 755 "$MQTMP"
	MQDIR=$MQTMP/mq
	mkdir "$MQDIR"
	# the kinds whose tools are built
	KINDS=mq
	[ -x "$IPCKIT_BIN/ipc-shm" ] && KINDS="$KINDS shm"
	[ -x "$IPCKIT_BIN/ipc-sem" ] && KINDS="$KINDS sem"
	export MQTMP MQDIR KINDS
}

local_teardown() {
	rm -rf "$MQTMP"
}

# helpers for the scripts that isolated and hostview run
PRELUDE='
	set -eu
	# mkq NAME [MODE [MSG...]]: a 4 x 64 queue, with messages
	mkq() {
		ipc-mq create --max-msgs 4 --msg-size 64 --mode "${2:-600}" "$1"
		if [ $# -gt 2 ]; then
			printf "%s\n" "${@:3}" | ipc-mq send "$1"
		fi
	}
	# holds PID NAME: true once the process has the file NAME open
	# (not just fd 3 there: bats hands its own fd 3 down)
	holds() { ls -l /proc/"$1"/fd 2>/dev/null | grep -q -- "$2\$"; }
	waitfor() {
		local n=$1; shift
		while ! "$@"; do
			n=$((n - 1))
			[ "$n" -gt 0 ] || { echo "timed out: $*" >&2; return 1; }
			sleep 0.1
		done
	}
	nobody() { runuser -u nobody -- "$@"; }
	# the kinds: their tool, and where their POSIX objects are files
	tool() { echo "ipc-$1"; }
	pfile() {
		case $1 in
		mq) echo "$MQDIR/${2#/}" ;;
		shm) echo "/dev/shm/${2#/}" ;;
		sem) echo "/dev/shm/sem.${2#/}" ;;
		esac
	}
	# mkp KIND NAME [MODE [USER]]: a POSIX object, made without the
	# tool for segments and semaphores (an all-zero semaphore reads 0)
	mkp() {
		local m=${3:-600} u=${4:-root}
		case $1 in
		mq) runuser -u "$u" -- ipc-mq create --max-msgs 4 --msg-size 64 --mode "$m" "$2" ;;
		*) runuser -u "$u" -- sh -c "umask 077; head -c 64 /dev/zero >\"\$1\"; chmod $m \"\$1\"" _ "$(pfile "$1" "$2")" ;;
		esac
	}
	# mks KIND [USER]: a SysV object made by ipcmk (no pid recorded); its id
	mks() {
		local o
		case $1 in mq) o=-Q ;; shm) o="-M 4096" ;; sem) o="-S 2" ;; esac
		runuser -u "${2:-root}" -- ipcmk $o | awk "{ print \$NF }"
	}
	# ipcs -q, -m or -s
	ipcsopt() { case $1 in mq) echo -q ;; shm) echo -m ;; sem) echo -s ;; esac; }
	# how many objects ls lists
	count() { "$(tool "$1")" ls --noheadings "${@:2}" | wc -l; }
	# fail the script with a message unless "$1" = "$2"
	same() { [ "$1" = "$2" ] || { printf "FAIL %s:\n got: %s\nwant: %s\n" "${3:-}" "$1" "$2"; exit 1; }; }
'

# run a bash script in private IPC, mount and PID namespaces ("$@" are its
# arguments); the prelude mounts mqueue at $MQDIR and a tmpfs on /dev/shm
isolated() {
	local script=$1
	shift
	unshare -i -m -p -f --mount-proc --propagation private bash -c '
		mount -t mqueue none "$MQDIR"
		mount -t tmpfs -o mode=1777 none /dev/shm
		cd "$MQTMP"
		'"$PRELUDE$script" isolated "$@"
}

# the same, with no mqueue mount at all
unmounted() {
	unshare -i -m -p -f --mount-proc --propagation private bash -c '
		set -eu
		while awk '\''$3 == "mqueue" { f = 1 } END { exit !f }'\'' /proc/self/mounts; do
			umount -t mqueue -a
		done
		'"$1"
}

# as users have it: the host's IPC namespace with its mqueue file system
# mounted (at $MQDIR, in a private mount namespace so that no one else
# sees the mount); the script then starts other IPC namespaces itself
hostview() {
	unshare -m --propagation private bash -c '
		mount -t mqueue none "$MQDIR"
		cd "$MQTMP"
		'"$PRELUDE$1" hostview "${@:2}"
}

# ---- ls: the listing ------------------------------------------------------

@test "ls: header in lsipc's vocabulary, both flavours, POSIX names and SysV keys, ISO 8601 times" {
	run -0 isolated '
		mkq /jobs 600 one two
		id=$(mks mq)
		ipc-mq ls
		echo "id=$id"
		ipcs -q | awk "\$2 == $id { print \"key=\" \$1 }"
	'
	assert_line --index 0 --regexp '^FLAVOUR +NAME +KEY +ID +OWNER +PERMS +MSGS +USEDBYTES +MAXMSGS +MSGSIZE +LSPID +LRPID +CTIME$'
	assert_line --regexp '^posix +/jobs +root +0600 +2 +6 +4 +64 +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
	id=$(sed -n 's/^id=//p' <<<"$output")
	key=$(sed -n 's/^key=//p' <<<"$output")
	assert_line --regexp "^sysv +$key +$id +root +0644 +0 +0 +0 +0 +[0-9-]+T[0-9:]+[+-][0-9:]+\$"
}

@test "ls: POSIX queues of the host, seen through with_mqueue's private mount" {
	local n
	n=$(uniq_name)
	ipc-mq create --mode 640 "$n"
	echo hello | ipc-mq send "$n"
	run --separate-stderr with_mqueue ipc-mq ls --posix -o name,perms,msgs,usedbytes --noheadings
	ipc-mq rm "$n" >/dev/null
	assert_success
	[ -z "$stderr" ]
	assert_line --regexp "^/$n +0640 +1 +5\$"
}

@test "ls: the mqueue mount is found wherever it is, even with a space in its path" {
	run -0 isolated '
		mkdir "$MQTMP/my queues"
		mount -t mqueue none "$MQTMP/my queues"
		umount "$MQDIR"
		mkq /spaced
		ipc-mq ls --posix -o name --noheadings
	'
	assert_output /spaced
}

@test "ls: no mqueue mount: one line says so and how to mount it, SysV still listed, status 0" {
	run --separate-stderr unmounted '
		id=$(ipcmk -Q | awk "{ print \$NF }")
		ipc-mq ls -o flavour,id --noheadings
		echo "id=$id"
	'
	assert_success
	id=$(sed -n 's/^id=//p' <<<"$output")
	assert_line --regexp "^sysv +$id\$"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == "ipc-mq: ls: POSIX queues cannot be listed here: "*"not mounted"*"mount -t mqueue none /dev/mqueue"* ]]
	# --posix alone cannot be served: status 1, the same one line
	run --separate-stderr unmounted 'ipc-mq ls --posix'
	assert_failure 1
	[[ $stderr == *"not mounted"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	# --sysv alone does not need it: no message
	run --separate-stderr unmounted 'ipc-mq ls --sysv'
	assert_success
	[ -z "$stderr" ]
	# nor does rm by name (mq_unlink)
	run -1 --separate-stderr unmounted 'ipc-mq rm nosuchqueue'
	[ "$stderr" = "ipc-mq: rm nosuchqueue: no such queue" ]
}

# bug: ls, limits and rm --all took the first mqueue mount in mountinfo,
# even one of another IPC namespace: inside `unshare -i` on a host with
# /dev/mqueue mounted, rm --all removed the host's queues
@test "ls, limits, rm --all: only this IPC namespace's mqueue mount; a mount of the host's is never used after unshare -i" {
	local n
	n=$(uniq_name)
	run --separate-stderr hostview '
		n=$1
		mkq "$n" 600 hello
		# a new IPC namespace that still has the host'"'"'s mount
		d=$(unshare -i ipc-mq rm --all --dry-run --posix 2>&1 | tr "\n" " ")
		echo "== dry $d"
		# (were the host'"'"'s queues in reach, the real run would
		# remove them all: only after a dry run that shows none)
		case $d in
		*"posix /"*) echo "== all skipped" ;;
		*) echo "== all $(unshare -i ipc-mq rm --all 2>&1 | tr "\n" " ")" ;;
		esac
		echo "== ls $(unshare -i sh -c "ipc-mq ls --posix -o name --noheadings; echo status \$?" 2>&1 | tr "\n" " ")"
		echo "== limits $(unshare -i ipc-mq limits --posix --noheadings | awk "\$1 == \"fs.mqueue.queues_max\" { print \$3 }")"
		echo "== host $(ls "$MQDIR" | grep -cx "$n")"
		# the host itself lists it, and a namespace that mounts its own
		# mqueue file system lists only its own queues
		ipc-mq ls --posix -o name,msgs --noheadings
		unshare -i -m --propagation private sh -c "mount -t mqueue none \"\$1\"; ipc-mq create own; ipc-mq ls --posix -o name --noheadings | sed \"s/^/ns: /\"" _ "$MQTMP/mq"
		ipc-mq rm "$n"
	' "$n"
	assert_success
	# the new namespace neither lists nor removes the host's queue
	assert_line '== dry ipc-mq: rm: POSIX queues cannot be listed here: the mqueue file system of this IPC namespace is not mounted (mount it with '"'"'mount -t mqueue none /dev/mqueue'"'"') '
	assert_line --partial '== all ipc-mq: rm: POSIX queues cannot be listed here'
	assert_line --regexp '^== ls ipc-mq: ls: POSIX queues cannot be listed here: .* status 1 $'
	assert_line '== limits -'
	assert_line "== host 1"
	assert_line --regexp "^/$n +1\$"
	assert_line 'ns: /own'
	refute_line --partial "ns: /$n"
	assert_line "posix /$n"
}

@test "ls -o: column names in any case, unknown or foreign columns are usage errors" {
	run -0 isolated '
		mkq /q1
		ipc-mq ls --posix -o NaMe,perms,MsgS
		echo ---
		ipc-mq ls --posix -o +uid --noheadings
	'
	assert_line --index 0 --regexp '^NAME +PERMS +MSGS$'
	assert_line --index 1 --regexp '^/q1 +0600 +0$'
	assert_line --index 3 --regexp '^posix +/q1 .* 0$'
	run -2 --separate-stderr ipc-mq ls -o name,bogus
	[[ $stderr == *"unknown column 'bogus'"*"-o help"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr ipc-mq ls -o nsems	# a semaphore column
	[[ $stderr == *"unknown column 'nsems'"* ]]
	run -2 ipc-mq ls -o name,,id
	run -2 ipc-mq ls -o name,
}

# bug: `ls -o ""` leaked the copy of the list (LeakSanitizer: status 23
# instead of 2 in the sanitizer build)
@test "ls -o '': a usage error that leaks nothing" {
	run -2 --separate-stderr ipc-mq ls -o ''
	[[ $stderr == *"empty column name"* ]]
	run -2 --separate-stderr ipc-mq ls -o +
	[[ $stderr == *"empty column name"* ]]
}

@test "ls --help and -o help list the options and the columns, one per line" {
	run -0 ipc-mq ls --help
	assert_line --index 0 --partial 'usage: ipc-mq ls '
	assert_line --regexp '^  -o, --output LIST +the columns'
	assert_line --regexp '^  -J, --json +one JSON array'
	assert_line --regexp '^      --stale +only what nobody uses'
	assert_line --regexp '^ \* NAME +POSIX name'
	assert_line --regexp '^   CUSER +creator'"'"'s user name$'
	assert_line --regexp '^   SEND +time of the last SysV msgsnd$'
	refute_line --partial NSEMS
	help=$output
	# the same columns with -o help, -h in a cluster, after other options
	run -0 ipc-mq ls -o help
	assert_line --index 0 --partial 'columns (-o LIST'
	[ "$(grep -c '^ [ *] [A-Z]' <<<"$output")" -eq "$(grep -c '^ [ *] [A-Z]' <<<"$help")" ]
	run -0 ipc-mq ls --stale -vh
	assert_output "$help"
	run -0 ipc-mq rm --help
	assert_line --regexp '^      --all +every object the caller owns'
	assert_line --regexp '^      --dry-run +print what would be removed'
	run -0 ipc-mq limits --help
	assert_line --regexp '^      --noheadings +no header line'
}

@test "ls --noheadings and --raw: one line per object, single-space separated" {
	run -0 isolated '
		mkq /rawq 600 abc
		id=$(mks mq)
		ipc-mq ls --raw --noheadings -o flavour,name,key,id,msgs,usedbytes
		echo "id=$id"
	'
	id=$(sed -n 's/^id=//p' <<<"$output")
	assert_line --index 0 'posix /rawq   1 3'
	assert_line --index 1 --regexp "^sysv  0x[0-9a-f]{8} $id 0 0\$"
	[ "${#lines[@]}" -eq 3 ]
	run -0 isolated 'ipc-mq ls --raw -o name,stale --posix; mkq /x; ipc-mq ls --raw --stale -o name,stale'
	assert_line --index 0 'NAME STALE'
	# raw cells are escaped as libsmartcols does: no space inside a field
	assert_line --index 2 '/x no\x20process\x20has\x20it\x20open'
}

@test "ls: lsipc's USER, UID, GROUP, GID, CUSER, CUID, CGROUP, CGID, and SEND and RECV of SysV queues" {
	run -0 isolated '
		mkq /pq
		chown nobody:nogroup "$MQDIR/pq"
		k=0x7e0000a1
		"$PY" -c "import sysv_ipc; q = sysv_ipc.MessageQueue($k, sysv_ipc.IPC_CREX, 0o600); q.send(b\"x\"); q.receive(); q.send(b\"y\")"
		ipcs -q -i "$(ipcs -q | awk "\$1 == \"$k\" { print \$2 }")" >/dev/null
		ipc-mq ls --raw --noheadings -o name,key,user,uid,group,gid,cuser,cuid,cgroup,cgid
		ipc-mq ls --sysv --noheadings -o send,recv,ctime
		ipc-mq ls --json -o name,user,uid,send,recv
	'
	assert_line --index 0 '/pq  nobody 65534 nogroup 65534 nobody 65534 nogroup 65534'
	assert_line --index 1 --regexp '^ 0x7e0000a1 root 0 root 0 root 0 root 0$'
	assert_line --index 2 --regexp '^[0-9-]{10}T[0-9:]{8}[+-][0-9:]{5} +[0-9-]{10}T[0-9:]{8}[+-][0-9:]{5} +[0-9-]{10}T'
	json=${lines[3]}
	run -0 "$PY" -c '
import json, sys
p, s = json.loads(sys.argv[1])
assert p == {"name": "/pq", "user": "nobody", "uid": 65534, "send": None, "recv": None}, p
assert s["name"] is None and s["uid"] == 0 and s["user"] == "root", s
assert type(s["send"]) is int and s["send"] >= s["recv"] > 1600000000, s
print("ok")' "$json"
}

@test "ls --json: one array; key is a 0x%08x string, numbers are numbers, nulls where the flavour has none; -J is --json" {
	run -0 isolated '
		mkq /jq 640 a bc
		id=$(ipcmk -Q -p 0600 | awk "{ print \$NF }")
		ipc-mq ls --json >ls.json
		ipc-mq ls -J | cmp - ls.json
		"$PY" - "$id" <<-"EOF"
		import json, re, sys
		with open("ls.json") as f:
		    rows = json.load(f)
		assert isinstance(rows, list) and len(rows) == 2, rows
		p, s = rows
		assert set(p) == set(s) == {"flavour", "name", "key", "id", "owner",
		    "perms", "msgs", "usedbytes", "maxmsgs", "msgsize", "lspid",
		    "lrpid", "ctime"}, p
		assert p["flavour"] == "posix" and p["name"] == "/jq"
		assert p["key"] is None and p["id"] is None, p
		assert p["msgs"] == 2 and p["usedbytes"] == 3 and p["maxmsgs"] == 4
		assert p["msgsize"] == 64 and p["perms"] == "0640" and p["owner"] == "root"
		assert p["lspid"] is None and p["lrpid"] is None
		assert s["flavour"] == "sysv" and s["name"] is None
		assert re.fullmatch(r"0x[0-9a-f]{8}", s["key"]), s
		assert s["id"] == int(sys.argv[1]) and s["msgs"] == 0
		assert s["lspid"] == 0 and s["lrpid"] == 0 and s["perms"] == "0600"
		for r in rows:
		    assert type(r["ctime"]) is int and r["ctime"] > 1600000000
		print("json ok")
		EOF
		ipc-mq ls --json --stale -o name,stale --posix
	'
	assert_line 'json ok'
	# --stale: the reason is a string; no queue at all is an empty array
	assert_line '[{"name":"/jq","stale":"no process has it open"}]'
	run -0 isolated 'ipc-mq ls --json'
	assert_output '[]'
}

@test "ls --json stays valid JSON for a name that is not UTF-8: such bytes read \\udcXX (surrogateescape)" {
	run -0 isolated '
		ipc-mq create "$(printf "bad\377name\303")"
		ipc-mq create "$(printf "ok-\303\251 \"q\" \\\\ \t")"
		ipc-mq ls --posix --json >ls.json
		"$PY" - <<-"EOF"
		import json
		names = sorted(r["name"] for r in json.load(open("ls.json")))
		assert names == ["/bad\udcffname\udcc3", "/ok-\u00e9 \"q\" \\ \t"], names
		# the bytes come back exactly
		assert names[0].encode("utf-8", "surrogateescape") == b"/bad\xffname\xc3"
		print("json ok")
		EOF
	'
	assert_output 'json ok'
}

@test "ls: valid UTF-8 names print as they are in a UTF-8 locale, escaped in C; rm prints them the same way" {
	run -0 isolated '
		mkq "$(printf "caf\303\251")"
		mkq "$(printf "bad\377")"
		LC_ALL=C.UTF-8 ipc-mq ls --posix -o name --noheadings
		LC_ALL=C ipc-mq ls --posix -o name --noheadings
		LC_ALL=C.UTF-8 ipc-mq rm --all --dry-run
	'
	assert_line --index 0 '/bad\xff'
	assert_line --index 1 "$(printf '/caf\303\251')"
	assert_line --index 3 '/caf\xc3\xa9'
	assert_line --index 4 'posix /bad\xff'
	assert_line --index 5 "$(printf 'posix /caf\303\251')"
}

# bug 12: another user's name reached the terminal raw
@test "messages and ls --stale -v escape what others named: object names and process names" {
	run -0 --separate-stderr isolated '
		n=$(printf "red\033[31m\nx")
		mkq "$n"
		# a holder whose name (comm) has an escape too
		"$PY" -c "import ctypes, os, sys, time; ctypes.CDLL(None).prctl(15, b\"ev\x1b[2Jil\"); fd = os.open(sys.argv[1], os.O_RDONLY); print(os.getpid(), flush=True); time.sleep(600)" "$MQDIR/$n" >py.pid &
		waitfor 100 test -s py.pid
		ipc-mq ls --stale -v -o name --noheadings
		ipc-mq rm "$n" "$n" || true
		kill %1
	'
	[[ $stderr != *$'\033'* ]]
	assert_equal "$(grep -c . <<<"$stderr")" 2
	[[ $stderr == *'ipc-mq: ls /red\033[31m\nx: not stale: open in pid '[0-9]*' (ev\033[2Jil)'* ]]
	[[ $stderr == *'ipc-mq: rm red\033[31m\nx: no such queue'* ]]
	assert_output 'posix /red\x1b[31m\x0ax'
}

# ---- --stale ----------------------------------------------------------------

@test "case 35: ls --stale, POSIX: a queue a live process holds open is not stale; once it exits, it is" {
	run -0 isolated '
		mkq /held
		mkq /idle
		mkq /fd
		# a receiver waiting on the queue holds it open
		ipc-mq recv held >/dev/null &
		h=$!
		# so does any descriptor of the queue'"'"'s file
		sleep 600 3<"$MQDIR/fd" &
		s=$!
		waitfor 100 holds $h /held
		waitfor 100 holds $s /fd
		echo "== live $h $s"
		ipc-mq ls --stale -v -o name,stale --noheadings 2>&1
		ipc-mq rm --all --stale
		kill $h $s
		wait $h $s || true
		echo "== dead"
		ipc-mq ls --stale -o name,stale --noheadings
	'
	set -- $(sed -n 's/^== live //p' <<<"$output")
	# while held: only /idle is stale, and -v says who holds the others
	assert_line "ipc-mq: ls /held: not stale: open in pid $1 (ipc-mq)"
	assert_line "ipc-mq: ls /fd: not stale: open in pid $2 (sleep)"
	[ "$(sed -n '/^== live/,/^== dead/p' <<<"$output" | grep -c '^/')" -eq 1 ]
	assert_line --regexp '^/idle +no process has it open$'
	assert_line 'posix /idle'
	[ "$(sed -n '/^== dead/,$p' <<<"$output" | grep -c 'no process has it open$')" -eq 2 ]
}

@test "case 4: after SIGKILL: ls --stale shows the leftovers, rm --all --stale removes them" {
	run -0 isolated '
		ipc-mq create jobs
		ipc-mq recv jobs >/dev/null &
		r=$!
		mkfifo in
		ipc-mq send --sysv --create 0x7e000011 <in &
		s=$!
		exec 5>in
		echo one >&5
		waitfor 100 holds $r /jobs
		waitfor 100 eval "ipcs -q | grep -q \"^0x7e000011 .* 1 *\$\""
		echo "== stale while running: $(ipc-mq ls --stale --noheadings | wc -l)"
		kill -KILL $r $s
		wait $r $s || true
		exec 5>&-
		ipc-mq ls --stale -o name,key,stale --noheadings
		echo "== rm"
		ipc-mq rm --all --stale
		echo "== left $(ipc-mq ls --noheadings | wc -l)"
	'
	assert_line '== stale while running: 0'
	assert_line --regexp '^/jobs +no process has it open$'
	assert_line --regexp '^ +0x7e000011 lspid [0-9]+ gone$'
	assert_line 'posix /jobs'
	assert_line --regexp '^sysv 0x7e000011 [0-9]+$'
	assert_line '== left 0'
}

@test "ls --stale, SysV: stale when every recorded pid is gone, not while lspid lives" {
	run -0 isolated '
		k1=0x7e000001 k2=0x7e000002
		# sent from a process that is gone
		"$PY" -c "import sysv_ipc; sysv_ipc.MessageQueue($k1, sysv_ipc.IPC_CREX, 0o600).send(b\"x\")"
		# sent from a process that lives on
		mkfifo hold
		"$PY" -c "import sysv_ipc, os, sys; q = sysv_ipc.MessageQueue($k2, sysv_ipc.IPC_CREX, 0o600); q.send(b\"x\"); print(os.getpid(), flush=True); sys.stdin.read()" <hold >live.pid &
		exec 4>hold
		waitfor 100 test -s live.pid
		echo "== live $(cat live.pid)"
		ipc-mq ls --sysv --stale -v -o key,lspid,stale --noheadings 2>&1
		exec 4>&-
		wait
		echo "== gone"
		ipc-mq ls --sysv --stale -o key,stale --noheadings
	'
	live=$(sed -n 's/^== live //p' <<<"$output")
	# while the sender lives, only the first queue is stale
	assert_line --regexp "^0x[0-9a-f]{8} +[0-9]+ +lspid [0-9]+ gone\$"
	assert_line --regexp "^ipc-mq: ls 0x[0-9a-f]{8}: not stale: lspid $live \\(python3\\) is alive\$"
	[ "$(sed -n '/^== live/,/^== gone/p' <<<"$output" | grep -c 'lspid [0-9]* gone$')" -eq 1 ]
	[ "$(sed -n '/^== gone/,$p' <<<"$output" | grep -c 'lspid [0-9]* gone$')" -eq 2 ]
}

# bug 3: a queue with no pid recorded counted as stale, so rm --all --stale
# removed a fresh queue that a receiver was blocked on
@test "ls --stale, SysV: a receiver blocked in msgrcv keeps a queue; no pid recorded is stale only with --older-than" {
	run -0 isolated '
		k=0x7e000003
		"$PY" -c "import sysv_ipc; sysv_ipc.MessageQueue($k, sysv_ipc.IPC_CREX, 0o600)"
		"$PY" -c "import sysv_ipc, os; print(os.getpid(), flush=True); print(sysv_ipc.MessageQueue($k).receive()[0].decode(), flush=True)" >rcv.out &
		waitfor 100 test -s rcv.out
		r=$(head -n 1 rcv.out)
		waitfor 100 grep -q "^70 " /proc/$r/syscall
		old() { [ "$(ipc-mq ls --older-than 1s --noheadings | wc -l)" -eq 1 ]; }
		waitfor 50 old
		echo "== blocked $r"
		ipc-mq rm --all --stale --older-than 1s -v 2>&1
		ipc-mq ls --sysv --stale --older-than 1s -o key,stale --noheadings
		echo "== no pid, no --older-than"
		kill $r
		wait $r || true
		ipc-mq ls --sysv --stale -v -o key,stale --noheadings 2>&1
		echo "== --older-than 1s"
		ipc-mq ls --sysv --stale --older-than 1s -o key,stale --noheadings
		ipc-mq rm --all --stale --older-than 1s
		echo "== left $(ipcs -q | grep -c "^0x")"
	'
	r=$(sed -n 's/^== blocked //p' <<<"$output")
	assert_line "ipc-mq: rm 0x7e000003: not stale: pid $r (python3) is blocked in msgrcv on it"
	[ "$(sed -n '/^== blocked/,/^== no pid/p' <<<"$output" | sed '1d;$d' | wc -l)" -eq 1 ]
	assert_line 'ipc-mq: ls 0x7e000003: not stale: no pid recorded yet: --older-than says when such an object counts'
	assert_line --regexp '^0x7e000003 +no pid recorded, older than 1\.0s$'
	assert_line 'sysv 0x7e000003 0'
	assert_line '== left 0'
}

@test "ls --stale: ipcmk's queue records no pid; --owner filters by name or uid" {
	run -0 isolated '
		ipcmk -Q >/dev/null
		nobody ipcmk -Q >/dev/null
		ipc-mq ls --sysv --stale --older-than 0 -o owner,stale --noheadings
		echo "--- $(ipc-mq ls --sysv --stale --noheadings | wc -l)"
		ipc-mq ls --owner nobody -o owner --noheadings
		ipc-mq ls --owner 65534 -o owner --noheadings
	'
	# --older-than 0: no age needed, but it was asked for
	assert_line --regexp '^root +no pid recorded, older than 0\.0s$'
	assert_line --regexp '^nobody +no pid recorded, older than 0\.0s$'
	assert_line '--- 0'
	[ "$(grep -c '^nobody$' <<<"$output")" -eq 2 ]
	run -2 --separate-stderr ipc-mq ls --owner no-such-user-here
	[[ $stderr == *"unknown user 'no-such-user-here'"* ]]
}

@test "ls --older-than: only queues older than DUR, by ctime" {
	run -0 isolated '
		mkq /young
		ipcmk -Q >/dev/null
		echo "1h: $(ipc-mq ls --older-than 1h --noheadings | wc -l)"
		echo "0: $(ipc-mq ls --older-than 0 --noheadings | wc -l)"
		older() { [ "$(ipc-mq ls --older-than 1500ms --noheadings | wc -l)" -eq 2 ]; }
		waitfor 150 older
		echo "1500ms: 2"
		ipc-mq rm --all --older-than 1h
		echo "rm 1h: $(ipc-mq ls --noheadings | wc -l)"
		ipc-mq rm --all --older-than 1s
		echo "rm 1s: $(ipc-mq ls --noheadings | wc -l)"
	'
	assert_line '1h: 0'
	assert_line '0: 2'
	assert_line '1500ms: 2'
	assert_line 'rm 1h: 2'
	assert_line 'rm 1s: 0'
	run -2 ipc-mq ls --older-than 1week
	run -2 ipc-mq ls --older-than -1
	run -2 ipc-mq rm --all --older-than ''
}

@test "rm --all --stale --dry-run prints what it would remove and removes nothing" {
	run -0 isolated '
		mkq /stale1
		mkq /busy
		sleep 600 3<"$MQDIR/busy" &
		waitfor 100 holds $! /busy
		# a SysV queue whose sender is gone
		echo x | ipc-mq send --sysv --create 0x7e000004
		id=$(ipcs -q | awk "\$1 == \"0x7e000004\" { print \$2 }")
		echo "== dry"
		ipc-mq rm --all --stale --dry-run
		echo "== after $(ipc-mq ls --noheadings | wc -l) $(ipcs -q | grep -c "^0x")"
		echo "== real"
		ipc-mq rm --all --stale
		echo "== left"
		ipc-mq ls --noheadings -o name,key
		echo "expect sysv 0x7e000004 $id"
	'
	exp=$(sed -n 's/^expect //p' <<<"$output")
	# the dry run and the real run print the same lines
	[ "$(sed -n '/^== dry/,/^== after/p' <<<"$output" | sed '1d;$d')" = "posix /stale1
$exp" ]
	assert_line '== after 3 1'
	[ "$(sed -n '/^== real/,/^== left/p' <<<"$output" | sed '1d;$d')" = "posix /stale1
$exp" ]
	[ "$(sed -n '/^== left/,/^expect/p' <<<"$output" | sed '1d;$d;s/ *$//')" = "/busy" ]
}

# ---- rm ---------------------------------------------------------------------

@test "rm --all removes only the caller's own; another user's needs --owner" {
	run -0 isolated '
		mkq /mine
		nobody ipc-mq create /theirs
		ipcmk -Q >/dev/null
		nobody ipcmk -Q >/dev/null
		echo "== root --all"
		ipc-mq rm --all | cut -d" " -f1,2 | sed "s/0x[0-9a-f]*/KEY/"
		echo "== left"
		ipc-mq ls --noheadings -o owner,flavour
		echo "== nobody --all"
		nobody ipc-mq rm --all | cut -d" " -f1,2 | sed "s/0x[0-9a-f]*/KEY/"
		echo "== left $(ipc-mq ls --noheadings | wc -l)"
	'
	[ "$(sed -n '/^== root --all/,/^== left/p' <<<"$output" | sed '1d;$d')" = "posix /mine
sysv KEY" ]
	[ "$(sed -n '/^== left$/,/^== nobody/p' <<<"$output" | sed '1d;$d' | tr -s ' ')" = "nobody posix
nobody sysv" ]
	[ "$(sed -n '/^== nobody --all/,/^== left/p' <<<"$output" | sed '1d;$d')" = "posix /theirs
sysv KEY" ]
	assert_line '== left 0'
	# root with an explicit --owner
	run -0 isolated '
		nobody ipc-mq create /theirs
		nobody ipcmk -Q >/dev/null
		ipc-mq rm --all --owner nobody | cut -d" " -f1,2 | sed "s/0x[0-9a-f]*/KEY/"
		echo "left $(ipc-mq ls --noheadings | wc -l)"
	'
	assert_output "posix /theirs
sysv KEY
left 0"
}

@test "rm: a missing object is status 1 with a message, the others are still removed" {
	run -0 --separate-stderr isolated '
		mkq /a; mkq /b
		ipc-mq rm a /nosuch /b || echo "status $?"
		echo "left $(ipc-mq ls --posix --noheadings | wc -l)"
	'
	assert_output "posix /a
posix /b
status 1
left 0"
	[ "$stderr" = "ipc-mq: rm /nosuch: no such queue" ]
	run --separate-stderr isolated '
		i1=$(ipcmk -Q | awk "{ print \$NF }")
		i2=$(ipcmk -Q | awk "{ print \$NF }")
		k2=$(ipcs -q | awk "\$2 == $i2 { print \$1 }")
		ipc-mq rm --sysv id:$i1 0x7e7e7e7e "$k2" id:999999 || echo "status $?"
		echo "left $(ipcs -q | grep -c "^0x")"
		echo "expect $i1 $k2 $i2"
	'
	assert_success
	set -- $(sed -n 's/^expect //p' <<<"$output")
	assert_line --index 0 --regexp "^sysv 0x[0-9a-f]{8} $1\$"
	assert_line --index 1 "sysv $2 $3"
	assert_line 'status 1'
	assert_line 'left 0'
	[ "$stderr" = "ipc-mq: rm 0x7e7e7e7e: no such queue
ipc-mq: rm id:999999: no such queue" ]
}

# bug 6: `rm --sysv 0x0 id:N` removed id:N although 0x0 was refused
@test "rm --sysv: an operand that names no single queue (key 0, a path ftok cannot use) stops everything" {
	run --separate-stderr isolated '
		id=$(mks mq)
		ipc-mq rm --sysv 0x0 "id:$id" || echo "status $?"
		ipc-mq rm --sysv "id:$id" ./no-such-file || echo "status $?"
		echo "left $(ipcs -q | grep -c "^0x")"
		ipc-mq rm --sysv "id:$id" >/dev/null
	'
	assert_success
	assert_output "status 1
status 1
left 1"
	[ "$stderr" = "ipc-mq: rm 0x0: key 0 is IPC_PRIVATE and names no single queue: use id:N; nothing removed
ipc-mq: rm ./no-such-file: cannot make a key of it (ftok): No such file or directory; nothing removed" ]
	# alone, the same messages without the last words
	run -1 --separate-stderr ipc-mq rm --sysv 0
	[ "$stderr" = "ipc-mq: rm 0: key 0 is IPC_PRIVATE and names no single queue: use id:N" ]
}

@test "rm --sysv: a key from a path through ftok, with --proj" {
	touch keyfile
	run -0 --separate-stderr isolated '
		ipc-mq create --sysv "$1"
		ipc-mq create --sysv --proj 7 "$1"
		ipc-mq rm --sysv --proj 7 "$1"
		ipc-mq ls --sysv -o key --noheadings
		ipc-mq rm --sysv "$1" >/dev/null
	' "$PWD/keyfile"
	k1=$(printf '0x%08x' "$(( ($(stat -c %i keyfile) & 0xffff) | (($(stat -c %d keyfile) & 0xff) << 16) | (1 << 24) ))")
	k7=$(printf '0x%08x' "$(( ($(stat -c %i keyfile) & 0xffff) | (($(stat -c %d keyfile) & 0xff) << 16) | (7 << 24) ))")
	assert_line --index 0 --regexp "^sysv $k7 [0-9]+\$"
	assert_line --index 1 "$k1"
	[ -z "$stderr" ]
}

@test "rm: usage errors (status 2) before anything is removed" {
	run -2 ipc-mq rm
	run -2 --separate-stderr ipc-mq rm --all somename
	[[ $stderr == *"--all takes no operands"* ]]
	run -2 ipc-mq rm --stale somename
	run -2 ipc-mq rm --posix --sysv --all
	run -2 ipc-mq ls --posix --sysv
	run -2 ipc-mq ls extra
	run -2 ipc-mq limits extra
	run -2 ipc-mq rm --sysv 0x1g
	run -2 ipc-mq rm 'a/b'
	# a bad operand stops everything: the good one before it stays
	run -0 isolated '
		mkq /keep
		ipc-mq rm keep "bad/name" || echo "status $?"
		id=$(mks mq)
		ipc-mq rm --sysv "id:$id" 0x1g || echo "status $?"
		ipc-mq ls -o name,id --noheadings
		echo "expect $id"
	'
	[ "$(grep -c 'status 2' <<<"$output")" -eq 2 ]
	assert_line --regexp '^/keep +$'
	assert_line --regexp " +$(sed -n 's/^expect //p' <<<"$output")\$"
}

@test "interop: ipcmk's queues are listed and removable by id and by key; ipcs and ipcrm see ours" {
	run -0 isolated '
		i1=$(ipcmk -Q | awk "{ print \$NF }")
		i2=$(ipcmk -Q | awk "{ print \$NF }")
		k2=$(ipcs -q | awk "\$2 == $i2 { print \$1 }")
		ipc-mq ls --sysv --raw --noheadings -o id,key
		echo "== ipcs"
		ipcs -q | awk "\$1 ~ /^0x/ { print \$2, \$1 }"
		ipc-mq rm --sysv id:$i1
		ipc-mq rm --sysv $k2
		echo "left $(ipcs -q | grep -c "^0x")"
		# ours, seen and removed by util-linux: by id, then by key
		ipc-mq create --sysv 0x7e000021
		ipc-mq create --sysv 0x7e000022
		ipcs -q | awk "\$1 ~ /^0x7e0000/ { print \"ipcs\", \$1 }"
		ipcrm -q "$(ipc-mq ls --sysv -o key,id --raw --noheadings | awk "\$1 == \"0x7e000021\" { print \$2 }")"
		ipcrm -Q 0x7e000022
		echo "after ipcrm $(ipc-mq ls --sysv --noheadings | wc -l)"
	'
	assert_line 'ipcs 0x7e000021'
	assert_line 'ipcs 0x7e000022'
	# ls and ipcs agree on ids and keys
	[ "$(sed -n '1,/^== ipcs/p' <<<"$output" | sed '$d' | sort)" = \
	  "$(sed -n '/^== ipcs/,/^sysv/p' <<<"$output" | sed '1d;$d' | sort)" ]
	assert_line --regexp '^sysv 0x[0-9a-f]{8} [0-9]+$'
	assert_line 'left 0'
	assert_line 'after ipcrm 0'
}

# ---- limits -------------------------------------------------------------------

@test "limits: a header, one line per limit, values exactly as /proc/sys shows them, usage and USE% counted" {
	run -0 isolated '
		mkq /l1; mkq /l2
		ipcmk -Q >/dev/null
		ipc-mq limits
		echo "ulimit $(ulimit -q)"
	'
	assert_line --index 0 --regexp '^NAME +VALUE +USAGE +USE% +DESCRIPTION$'
	local f
	for f in msg_max msgsize_max queues_max msg_default msgsize_default; do
		assert_line --regexp "^fs\\.mqueue\\.$f +$(cat /proc/sys/fs/mqueue/$f) "
	done
	for f in msgmax msgmnb; do
		assert_line --regexp "^kernel\\.$f +$(cat /proc/sys/kernel/$f) +- +- "
	done
	pct=$(awk -v m="$(cat /proc/sys/kernel/msgmni)" 'BEGIN { printf "%.2f%%", 100 / m }')
	assert_line --regexp "^kernel\\.msgmni +$(cat /proc/sys/kernel/msgmni) +1 +$pct "
	assert_line --regexp "^fs\\.mqueue\\.queues_max +[0-9]+ +2 +[0-9.]+% "
	# two queues of 4 x 64 bytes: 4*64 + 4*48 + 4*48 each, as the kernel
	# charges them
	assert_line --regexp "^RLIMIT_MSGQUEUE +$(sed -n 's/^ulimit //p' <<<"$output") +1280 "
	run -0 ipc-mq limits --posix
	refute_output --partial kernel.
	run -0 ipc-mq limits --sysv
	refute_output --partial fs.mqueue
	[ "${#lines[@]}" -eq 4 ]
	run -0 ipc-mq limits --sysv --noheadings
	[ "${#lines[@]}" -eq 3 ]
	run -0 ipc-mq limits --sysv --raw --noheadings
	assert_line --regexp "^kernel\\.msgmax $(cat /proc/sys/kernel/msgmax) - - largest\\\\x20message\$"
}

@test "limits --json: an array of objects with name, value, usage, use% and description" {
	run -0 bash -c 'ipc-mq limits --json | "$PY" -c "
import json, sys
rows = json.load(sys.stdin)
assert isinstance(rows, list)
d = {r[\"name\"]: r for r in rows}
assert set(d[\"kernel.msgmax\"]) == {\"name\", \"value\", \"usage\", \"use%\", \"description\"}
assert d[\"fs.mqueue.msg_max\"][\"value\"] == int(open(\"/proc/sys/fs/mqueue/msg_max\").read())
assert d[\"kernel.msgmax\"][\"value\"] == int(open(\"/proc/sys/kernel/msgmax\").read())
assert d[\"kernel.msgmax\"][\"usage\"] is None and d[\"kernel.msgmax\"][\"use%\"] is None
assert type(d[\"kernel.msgmni\"][\"usage\"]) is int
assert type(d[\"kernel.msgmni\"][\"use%\"]) in (int, float)
print(len(rows))
"'
	assert_output 9
	run -0 bash -c 'ipc-mq limits -J | head -c 1'
	assert_output '['
}

# ---- as an ordinary user --------------------------------------------------

# bug 8: an ordinary user's ls --stale never listed anything, since root's
# processes (pid 1 first) could not be looked into and counted as able to
# open everything
@test "as nobody: --stale judges the processes it cannot look into by their ids and the mode bits; -v names them" {
	run -0 isolated '
		nobody ipc-mq create /nq
		nobody ipc-mq create --mode 604 /open
		echo "== unused, nobody sees"
		nobody ipc-mq ls --stale -v -o name,stale --noheadings 2>&1
		# nobody'"'"'s own holder can be looked into: not stale
		mkdir -m 1777 nb
		nobody bash -c "exec 3<\"\$1\"; echo \$\$ >nb/pid; exec sleep 600" _ "$MQDIR/nq" &
		waitfor 100 test -s nb/pid
		echo "== held by nobody $(cat nb/pid)"
		nobody ipc-mq ls --stale -v -o name --noheadings 2>&1
		nobody ipc-mq rm --all --stale
		echo "kept $(ipc-mq ls --noheadings | wc -l)"
		kill "$(cat nb/pid)"
		# another user'"'"'s process whose ids may open the queue: kept
		setpriv --reuid=daemon --regid=daemon --clear-groups sleep 600 &
		d=$!
		waitfor 100 eval "[ \"\$(stat -c %U /proc/$d)\" = daemon ]"
		chmod 660 "$MQDIR/nq"
		chgrp daemon "$MQDIR/nq"
		echo "== group daemon"
		nobody ipc-mq ls --stale -v -o name --noheadings 2>&1
		kill $d
		nobody ipc-mq rm --all
	'
	# unused: both are stale for nobody, and -v names the processes it
	# could not look into (root'"'"'s bash, pid 1 here)
	assert_line --regexp '^ipc-mq: ls: could not look into [0-9]+ process(es)? \(/proc/PID/fd: Permission denied\): pid 1 \(bash\).*; each counts for what its user and group ids may use$'
	assert_line --regexp '^/nq +no process has it open$'
	# mode 0604: anybody may open it, so root'"'"'s processes keep it
	assert_line --regexp '^ipc-mq: ls /open: not stale: may be held open by processes we cannot look into \(/proc/PID/fd: Permission denied\): pid 1 \(bash\)'
	n=$(sed -n 's/^== held by nobody //p' <<<"$output")
	assert_line "ipc-mq: ls /nq: not stale: open in pid $n (sleep)"
	assert_line 'kept 2'
	assert_line --regexp "^ipc-mq: ls /nq: not stale: may be held open by processes we cannot look into \\(/proc/PID/fd: Permission denied\\): pid [0-9]+ \\(sleep\\)\$"
}

@test "as nobody: SysV --stale, a process it cannot look into keeps a queue it could read" {
	run -0 isolated '
		k=0x7e000005
		nobody "$PY" -c "import sysv_ipc; sysv_ipc.MessageQueue($k, sysv_ipc.IPC_CREX, 0o600).send(b\"x\")"
		echo "== 0600 $(nobody ipc-mq ls --sysv --stale -o stale --noheadings)"
		ipcrm -Q $k
		nobody "$PY" -c "import sysv_ipc; sysv_ipc.MessageQueue($k, sysv_ipc.IPC_CREX, 0o644).send(b\"x\")"
		nobody ipc-mq create --mode 604 /po
		echo "== 0644"
		nobody ipc-mq ls --stale -v -o key --noheadings 2>&1
		nobody ipc-mq rm --sysv $k
		nobody ipc-mq rm po
	'
	assert_line --regexp '^== 0600 lspid [0-9]+ gone$'
	assert_line --regexp '^ipc-mq: ls 0x7e000005: not stale: may be blocked on it by processes we cannot look into \(/proc/PID/syscall: Permission denied\): pid 1 \(bash\)'
	# each kind of use names the file that could not be read
	assert_line --regexp '^ipc-mq: ls /po: not stale: may be held open by processes we cannot look into \(/proc/PID/fd: Permission denied\): pid 1 \(bash\)'
	assert_line --regexp '^ipc-mq: ls: could not look into [0-9]+ processes \(/proc/PID/fd: Permission denied\): pid 1 \(bash\)'
}

# ---- valgrind -------------------------------------------------------------------

@test "valgrind: ls, rm, limits over both flavours, stale and JSON: no error, no leak" {
	vg_setup
	run -0 isolated '
		mkq /v1 600 a
		mks mq >/dev/null
		vg ipc-mq ls -o +user,cgroup,send,stale --stale -v --older-than 0
		vg ipc-mq ls --json
		vg ipc-mq limits --json >/dev/null
		vg ipc-mq limits --raw >/dev/null
		vg ipc-mq rm --all --dry-run
		vg ipc-mq rm --sysv 0 || true
		vg ipc-mq ls -o "" || true
		vg ipc-mq ls --help >/dev/null
		vg ipc-mq rm --all
		echo "left $(count mq)"
	'
	assert_line 'left 0'
}

# ---- every kind -------------------------------------------------------------------

@test "every kind: ls lists POSIX and SysV objects with the kind's columns; --json types; rm by name and key" {
	for k in $KINDS; do
		run -0 isolated '
			k=$1
			mkp "$k" /obj1 640
			id=$(mks "$k")
			"$(tool "$k")" ls --noheadings -o flavour,name,id,perms
			"$(tool "$k")" ls --json | "$PY" -c "
import json, sys
p, s = json.load(sys.stdin)
assert p[\"name\"] == \"/obj1\" and p[\"key\"] is None and p[\"id\"] is None, p
assert s[\"name\"] is None and s[\"id\"] == $id and s[\"key\"].startswith(\"0x\"), s
assert type(s[\"ctime\"]) is int and p[\"perms\"] == \"0640\"
print(\"json ok\")"
			key=$(ipcs $(ipcsopt "$k") | awk "\$2 == $id { print \$1 }")
			"$(tool "$k")" rm obj1
			"$(tool "$k")" rm --sysv "$key"
			echo "left $(count "$k")"
		' "$k"
		assert_line --index 0 --regexp '^posix +/obj1 +0640$'
		assert_line --index 1 --regexp '^sysv +[0-9]+ +0644$'
		assert_line 'json ok'
		assert_line "posix /obj1"
		assert_line --regexp '^sysv 0x[0-9a-f]{8} [0-9]+$'
		assert_line 'left 0'
	done
}

@test "every kind: --stale: a POSIX object held by a live process is kept; SysV with no pid needs --older-than" {
	for k in $KINDS; do
		run -0 isolated '
			k=$1
			mkp "$k" /held
			mkp "$k" /idle
			mks "$k" >/dev/null
			sleep 600 3<"$(pfile "$k" held)" &
			waitfor 100 holds $! "$(pfile "$k" held)"
			"$(tool "$k")" ls --stale -o flavour,name,stale --noheadings
			echo "== stale $("$(tool "$k")" ls --stale --noheadings | wc -l)"
			echo "== --older-than 0"
			"$(tool "$k")" rm --all --stale --older-than 0
			kill %1
			"$(tool "$k")" rm --all >/dev/null
		' "$k"
		assert_line --regexp '^posix +/idle +no process has it open( or mapped)?$'
		refute_line --partial /held
		# ipcmk records no pid for a queue or a set, but a segment
		# has its creator's (gone by now)
		if [ "$k" = shm ]; then
			assert_line --regexp '^sysv +cpid [0-9]+ gone$'
			assert_line '== stale 2'
		else
			assert_line '== stale 1'
		fi
		assert_line 'posix /idle'
		assert_line --regexp '^sysv 0x[0-9a-f]{8} [0-9]+$'
	done
}

@test "every kind: rm --all takes only the caller's own, --dry-run removes nothing, --owner another user's" {
	for k in $KINDS; do
		run -0 isolated '
			k=$1
			mkp "$k" /mine
			mkp "$k" /theirs 600 nobody
			mks "$k" >/dev/null
			mks "$k" nobody >/dev/null
			"$(tool "$k")" rm --all --dry-run | cut -d" " -f1,2 | sed "s/0x[0-9a-f]*/KEY/"
			echo "== $(count "$k")"
			"$(tool "$k")" rm --all >/dev/null
			echo "== $(count "$k")"
			"$(tool "$k")" rm --all --owner nobody | cut -d" " -f1,2 | sed "s/0x[0-9a-f]*/KEY/"
			echo "== $(count "$k")"
		' "$k"
		assert_output "posix /mine
sysv KEY
== 4
== 2
posix /theirs
sysv KEY
== 0"
	done
}

@test "every kind: limits has a header, USE%, --noheadings, --raw and --json" {
	for k in $KINDS; do
		run -0 ipc-$k limits
		assert_line --index 0 --regexp '^NAME +VALUE +USAGE +USE% +DESCRIPTION$'
		n=${#lines[@]}
		run -0 ipc-$k limits --noheadings
		[ "${#lines[@]}" -eq $((n - 1)) ]
		run -0 ipc-$k limits --raw --noheadings
		refute_output --regexp '  '
		run -0 bash -c "ipc-$k limits --json | \"\$PY\" -c 'import json, sys; print(len(json.load(sys.stdin)))'"
		assert_output $((n - 1))
	done
}

@test "ipc-shm ls/rm/limits: ipcmk -M and /dev/shm files; attached or mapped is not stale; rings" {
	[ -x "$IPCKIT_BIN/ipc-shm" ] || skip "ipc-shm is not built"
	run -0 isolated '
		id=$(ipcmk -M 10000 | awk "{ print \$NF }")
		head -c 5000 /dev/zero >/dev/shm/seg
		head -c 100 /dev/zero >/dev/shm/idle
		head -c 100 /dev/zero >/dev/shm/s1.ring
		mkfifo hold
		# mapped, its descriptor closed (python'"'"'s mmap module would keep a dup)
		"$PY" -c "import ctypes, os, sys, sysv_ipc; c = ctypes.CDLL(None); c.mmap.restype = ctypes.c_void_p; c.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]; f = os.open(\"/dev/shm/seg\", os.O_RDWR); assert c.mmap(None, 5000, 3, 1, f, 0) not in (None, 2**64 - 1); os.close(f); s = sysv_ipc.attach($id); print(os.getpid(), flush=True); sys.stdin.read()" <hold >py.pid &
		exec 4>hold
		waitfor 100 test -s py.pid
		echo "== py $(cat py.pid) id $id"
		ipc-shm ls -o flavour,name,id,size,nattch --noheadings
		ipc-shm ls -o name,type --posix --noheadings
		ipc-shm ls --stale -v -o name,id,stale --noheadings 2>&1
		ipc-shm ls --json -o name,key,size,nattch,cpid | "$PY" -c "import json, sys; r = json.load(sys.stdin); assert r[0][\"size\"] == 100 and r[3][\"nattch\"] == 1 and r[3][\"name\"] is None and type(r[3][\"cpid\"]) is int, r; print(\"json ok\")"
		exec 4>&-
		wait
		echo "== gone"
		ipc-shm ls --stale -o name,id,stale --noheadings
		ipc-shm rm --all --stale
		echo "left $(ipc-shm ls --noheadings | wc -l) $(ls /dev/shm | wc -l) $(ipcs -m | grep -c "^0x")"
		ipc-shm limits --sysv
	'
	set -- $(sed -n 's/^== py \([0-9]*\) id \([0-9]*\)/\1 \2/p' <<<"$output")
	assert_line --regexp '^posix +/idle +100 *$'
	assert_line --regexp '^posix +/seg +5000 *$'
	assert_line --regexp "^sysv +$2 +10000 +1\$"
	assert_line --regexp '^/s1\.ring +ring$'
	assert_line --regexp '^/seg +shm$'
	assert_line "ipc-shm: ls /seg: not stale: mapped in pid $1 (python3)"
	assert_line --regexp "^ipc-shm: ls 0x[0-9a-f]{8}: not stale: attached 1 time\$"
	assert_line --regexp '^/idle +no process has it open or mapped$'
	assert_line 'json ok'
	assert_line --regexp '^/seg +no process has it open or mapped$'
	assert_line --regexp "^ +$2 cpid [0-9]+ and lpid $1 gone\$"
	assert_line 'left 0 0 0'
	assert_line --regexp "^kernel\\.shmmax +$(cat /proc/sys/kernel/shmmax) +- "
	assert_line --regexp "^kernel\\.shmmni +$(cat /proc/sys/kernel/shmmni) +0 "
	assert_line --regexp '^kernel\.shmall +[0-9]+ +0 '
}

@test "ipc-sem ls/rm/limits: ipcmk -S and named semaphores; a live last operator or a blocked semop keeps a set" {
	[ -x "$IPCKIT_BIN/ipc-sem" ] || skip "ipc-sem is not built"
	run -0 isolated '
		ipcmk -S 3 >/dev/null
		"$PY" -c "import ctypes, os; c = ctypes.CDLL(\"libc.so.6\"); c.sem_open.restype = ctypes.c_void_p; assert c.sem_open(b\"/lock\", os.O_CREAT, 0o640, 5)"
		mkfifo hold
		"$PY" -c "import os, sys, sysv_ipc; s = sysv_ipc.Semaphore(0x7e000031, sysv_ipc.IPC_CREX, initial_value=1); s.acquire(); print(os.getpid(), flush=True); sys.stdin.read()" <hold >py.pid &
		exec 4>hold
		waitfor 100 test -s py.pid
		# a set nobody has operated on, and a process blocked on it
		"$PY" -c "import sysv_ipc; sysv_ipc.Semaphore(0x7e000032, sysv_ipc.IPC_CREX)"
		"$PY" -c "import os, sysv_ipc; print(os.getpid(), flush=True); sysv_ipc.Semaphore(0x7e000032).acquire()" >w.pid &
		waitfor 100 test -s w.pid
		waitfor 100 eval "grep -Eq \"^(65|220) \" /proc/$(cat w.pid)/syscall"
		echo "== py $(cat py.pid) $(cat w.pid)"
		ipc-sem ls -o flavour,name,key,nsems,value,perms --noheadings
		ipc-sem ls --stale -v --older-than 0 -o name,key,stale --noheadings 2>&1
		exec 4>&-
		kill %2
		wait || true
		echo "== gone"
		ipc-sem ls --stale -o name,key,stale --noheadings
		ipc-sem rm --all --stale --older-than 0
		echo "left $(ipc-sem ls --noheadings | wc -l) $(ls /dev/shm | wc -l) $(ipcs -s | grep -c "^0x")"
		ipc-sem limits
	'
	set -- $(sed -n 's/^== py //p' <<<"$output")
	assert_line --regexp '^posix +/lock +1 +5 +0640$'
	assert_line --regexp '^sysv +0x[0-9a-f]{8} +3 +0644$'
	assert_line --regexp "^ipc-sem: ls 0x7e000031: not stale: sempid $1 \\(python3\\) is alive\$"
	assert_line --regexp "^ipc-sem: ls 0x7e000032: not stale: pid $2 \\(python3\\) is blocked in semt?i?m?e?d?op on it\$"
	assert_line --regexp '^/lock +no process has it open or mapped$'
	assert_line --regexp '^ +0x[0-9a-f]{8} no pid recorded, older than 0\.0s$'
	assert_line --regexp "^ +0x7e000031 sempid $1 gone\$"
	assert_line 'left 0 0 0'
	read -r msl mns opm mni </proc/sys/kernel/sem
	assert_line --regexp "^kernel\\.sem\\.semmsl +$msl +- "
	assert_line --regexp "^kernel\\.sem\\.semmns +$mns +0 "
	assert_line --regexp "^kernel\\.sem\\.semopm +$opm +- "
	assert_line --regexp "^kernel\\.sem\\.semmni +$mni +0 "
	assert_line --regexp "^SEM_VALUE_MAX +$(getconf SEM_VALUE_MAX 2>/dev/null || echo 2147483647) +- "
}

# ---- every kind at once: the ipckit command (IPC_ANY) ------------------------

@test "ipckit ls/rm/limits: every kind with a TYPE column; --type; a name two kinds have is refused" {
	[ -x "$IPCKIT_BIN/ipckit" ] || skip "ipckit is not built"
	run --separate-stderr isolated '
		mkq /both
		head -c 10 /dev/zero >/dev/shm/both
		head -c 10 /dev/zero >/dev/shm/x.ring
		head -c 32 /dev/zero >/dev/shm/sem.s1
		ipcmk -Q >/dev/null
		ipcmk -M 100 >/dev/null
		ipcmk -S 1 >/dev/null
		ipckit ls --noheadings -o type,flavour,name
		echo "== rings $(ipckit ls --type ring -o name --noheadings)"
		echo "== ring,sem $(ipckit ls --posix --type ring,sem -o name --noheadings | tr -d " " | tr "\n" " ")"
		echo "== shm,ring $(ipckit ls --posix --type shm,ring -o name --noheadings | tr -d " " | tr "\n" " ")"
		ipckit ls --json -o type,name | "$PY" -c "import json, sys; print(\"types\", sorted(set(r[\"type\"] for r in json.load(sys.stdin))))"
		ipckit rm both s1 || echo "status $?"
		ipckit rm --type shm both x.ring
		ipckit rm s1 both nosuch || echo "status $?"
		echo "== limits $(ipckit limits --noheadings | awk "{ print \$1 }" | sort -u | tr "\n" " ")"
		ipckit rm --all
		echo "left $(ipckit ls --noheadings | wc -l)"
	'
	assert_success
	assert_line --regexp '^mq +posix +/both$'
	assert_line --regexp '^shm +posix +/both$'
	assert_line --regexp '^ring +posix +/x\.ring$'
	assert_line --regexp '^sem +posix +/s1$'
	assert_line --regexp '^mq +sysv *$'
	assert_line --regexp '^shm +sysv *$'
	assert_line --regexp '^sem +sysv *$'
	assert_line '== rings /x.ring'
	assert_line '== ring,sem /x.ring /s1 '
	assert_line '== shm,ring /both /x.ring '
	assert_line "types ['mq', 'ring', 'sem', 'shm']"
	assert_line 'shm posix /both'
	assert_line 'ring posix /x.ring'
	assert_line 'sem posix /s1'
	assert_line 'mq posix /both'
	assert_line '== limits mq sem shm '
	assert_line 'left 0'
	[ "$(grep -c '^status 1$' <<<"$output")" -eq 2 ]
	[ "$stderr" = "ipckit: rm both: names a queue and a segment: choose one with --type; nothing removed
ipckit: rm nosuch: no such object" ]
}

@test "ipckit as nobody: root's 0600 objects of every kind are not readable to it, and rm --all touches none of them" {
	run --separate-stderr isolated '
		mkq /rootq
		ipc-shm create --size 4K rootseg
		ipc-sem create rootsem
		ipcmk -Q >/dev/null
		ipcmk -M 100 >/dev/null
		ipcmk -S 1 >/dev/null
		nobody ipc-mq create nobodyq
		nobody ipc-shm read rootseg >/dev/null 2>&1 || echo "read refused $?"
		nobody ipc-sem post rootsem 2>/dev/null || echo "post refused $?"
		nobody ipckit rm --all --stale --dry-run
		nobody ipckit rm --all
		echo "== root sees"
		ipckit ls --noheadings -o type,flavour,name | sort
	'
	assert_success
	assert_line "read refused 1"
	assert_line "post refused 1"
	assert_line "mq posix /nobodyq"
	# what is left: every object of root's, nothing of nobody's
	[ "$(printf '%s\n' "$output" | sed -n '/^== root sees/,$p' | grep -c .)" -eq 7 ]
	assert_line --regexp '^mq +posix +/rootq$'
	assert_line --regexp '^shm +posix +/rootseg$'
	assert_line --regexp '^sem +posix +/rootsem$'
	assert_line --regexp '^mq +sysv *$'
	assert_line --regexp '^shm +sysv *$'
	assert_line --regexp '^sem +sysv *$'
	printf '%s\n' "$output" | sed -n '/^== root sees/,$p' | grep -qv nobodyq
}
