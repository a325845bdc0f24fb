#!/usr/bin/env bats
# mq-ls.bats - ipc-mq ls, rm and limits (SPEC section 3, RELIABILITY 4,
# 34, 35): both flavours, columns, JSON, the mqueue mount, --stale by
# liveness, --older-than, rm --all and its owner rule, ipcmk interop.
#
# Most tests run in `isolated`: private IPC, mount and PID namespaces with
# the new IPC namespace's mqueue file system mounted at $MQDIR.  There the
# only queues are the test's own (so `rm --all` cannot touch what other
# tests running at the same time make), /proc shows only the test's
# processes, and every queue dies with the namespace.

bats_require_minimum_version 1.5.0
load helpers

local_setup() {
	# a directory user nobody can reach, for the mqueue mount point
	MQTMP=$(mktemp -d /tmp/ipckit-mqls.XXXXXX)
	chmod 755 "$MQTMP"
	MQDIR=$MQTMP/mq
	mkdir "$MQDIR"
	export MQTMP MQDIR
}

local_teardown() {
	rm -rf "$MQTMP"
}

# run a bash script in private IPC, mount and PID namespaces ("$@" are its
# arguments); the prelude mounts mqueue at $MQDIR and defines helpers
isolated() {
	local script=$1
	shift
	unshare -i -m -p -f --mount-proc --propagation private bash -c '
		set -eu
		mount -t mqueue none "$MQDIR"
		cd "$MQTMP"
		# mkq NAME [MODE [MSG...]]: a 4 x 64 queue, with messages
		mkq() {
			ipc-mq create --max-msgs 4 --msg-size 64 --mode "${2:-600}" "$1"
			if [ $# -gt 2 ]; then
				printf "%s\n" "${@:3}" | ipc-mq send "$1"
			fi
		}
		# holds NAME: true once some process has the queue open
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
		'"$script" isolated "$@"
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

@test "ls: header in lsipc's vocabulary, both flavours, POSIX names and SysV keys" {
	run -0 isolated '
		mkq /jobs 600 one two
		id=$(ipcmk -Q | awk "{ print \$NF }")
		ipc-mq ls
		echo "id=$id"
		ipcs -q | awk "\$2 == $id { print \"key=\" \$1 }"
	'
	assert_line --index 0 --regexp '^FLAVOUR +NAME +KEY +ID +OWNER +PERMS +MSGS +USEDBYTES +MAXMSGS +MSGSIZE +LSPID +LRPID +CTIME$'
	assert_line --regexp '^posix +/jobs +root +0600 +2 +6 +4 +64 +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}$'
	id=$(sed -n 's/^id=//p' <<<"$output")
	key=$(sed -n 's/^key=//p' <<<"$output")
	assert_line --regexp "^sysv +$key +$id +root +0644 +0 +0 +0 +0 +[0-9-]+T[0-9:]+\$"
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
	[[ $stderr == "ipc-mq: ls: "*"not mounted"*"mount -t mqueue none /dev/mqueue"* ]]
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
	[[ $stderr == *"unknown column 'bogus'"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr ipc-mq ls -o nsems	# a semaphore column
	[[ $stderr == *"unknown column 'nsems'"* ]]
	run -2 ipc-mq ls -o name,,id
	run -2 ipc-mq ls -o ''
}

@test "ls --noheadings and --raw: one line per object, single-space separated" {
	run -0 isolated '
		mkq /rawq 600 abc
		id=$(ipcmk -Q | awk "{ print \$NF }")
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

@test "ls --json: one array; key is a 0x%08x string, numbers are numbers, nulls where the flavour has none" {
	run -0 isolated '
		mkq /jq 640 a bc
		id=$(ipcmk -Q -p 0600 | awk "{ print \$NF }")
		ipc-mq ls --json >ls.json
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
	assert_line --partial '"stale": "no process has it open"'
	run -0 isolated 'ipc-mq ls --json'
	assert_output '[]'
}

@test "ls --json stays valid JSON for a name that is not UTF-8: such bytes read \\xHH" {
	run -0 isolated '
		ipc-mq create "$(printf "bad\377name\303")"
		ipc-mq create "$(printf "ok-\303\251")"
		ipc-mq ls --posix --json | "$PY" -c "
import json, sys
names = sorted(r[\"name\"] for r in json.load(sys.stdin))
print(names == [\"/bad\\\\xffname\\\\xc3\", \"/ok-\\u00e9\"] and \"json ok\" or names)"
	'
	assert_output 'json ok'
}

@test "ls --stale, POSIX: a queue a live process holds open is not stale; once it exits, it is" {
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
	[ "$(sed -n '/^== dead/,$p' <<<"$output" | grep -c 'no process has it open$')" -eq 3 ]
}

@test "after SIGKILL: ls --stale shows the leftovers, rm --all --stale removes them" {
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

@test "ls --stale: ipcmk's queue records no pid and is stale; --owner filters" {
	run -0 isolated '
		ipcmk -Q >/dev/null
		nobody ipcmk -Q >/dev/null
		ipc-mq ls --sysv --stale -o owner,stale --noheadings
		echo ---
		ipc-mq ls --owner nobody -o owner --noheadings
		ipc-mq ls --owner 65534 -o owner --noheadings
	'
	assert_line --regexp '^root +no pid recorded$'
	assert_line --regexp '^nobody +no pid recorded$'
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
		waitfor 100 test -e /proc/$!/fd/3
		id=$(ipcmk -Q | awk "{ print \$NF }")
		key=$(ipcs -q | awk "\$2 == $id { print \$1 }")
		echo "== dry"
		ipc-mq rm --all --stale --dry-run
		echo "== after $(ipc-mq ls --noheadings | wc -l) $(ipcs -q | grep -c "^0x")"
		echo "== real"
		ipc-mq rm --all --stale
		echo "== left"
		ipc-mq ls --noheadings -o name,key
		echo "expect sysv $key $id"
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

@test "rm --sysv: a key from a path through ftok, with --proj; a path that is missing is status 1" {
	touch keyfile
	run -0 --separate-stderr isolated '
		ipc-mq create --sysv "$1"
		ipc-mq create --sysv --proj 7 "$1"
		ipc-mq rm --sysv --proj 7 "$1" ./no-such-file || echo "status $?"
		ipc-mq ls --sysv -o key --noheadings
	' "$PWD/keyfile"
	k1=$(printf '0x%08x' "$(( ($(stat -c %i keyfile) & 0xffff) | (($(stat -c %d keyfile) & 0xff) << 16) | (1 << 24) ))")
	k7=$(printf '0x%08x' "$(( ($(stat -c %i keyfile) & 0xffff) | (($(stat -c %d keyfile) & 0xff) << 16) | (7 << 24) ))")
	assert_line --index 0 --regexp "^sysv $k7 [0-9]+\$"
	assert_line --index 1 'status 1'
	assert_line --index 2 "$k1"
	[ "$stderr" = "ipc-mq: rm ./no-such-file: cannot make a key of it (ftok): No such file or directory" ]
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
		ipc-mq ls --posix -o name --noheadings
	'
	assert_output --partial 'status 2'
	assert_line '/keep'
	# key 0 is IPC_PRIVATE: it names no single queue
	run -1 --separate-stderr ipc-mq rm --sysv 0
	[[ $stderr == *"IPC_PRIVATE"*"id:N"* ]]
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

@test "limits: one line per limit, values exactly as /proc/sys shows them, usage counted" {
	run -0 isolated '
		mkq /l1; mkq /l2
		ipcmk -Q >/dev/null
		ipc-mq limits
		echo "ulimit $(ulimit -q)"
	'
	local f
	for f in msg_max msgsize_max queues_max msg_default msgsize_default; do
		assert_line --regexp "^fs\\.mqueue\\.$f +$(cat /proc/sys/fs/mqueue/$f) "
	done
	for f in msgmax msgmnb; do
		assert_line --regexp "^kernel\\.$f +$(cat /proc/sys/kernel/$f) +- "
	done
	assert_line --regexp "^kernel\\.msgmni +$(cat /proc/sys/kernel/msgmni) +1 "
	assert_line --regexp "^fs\\.mqueue\\.queues_max +[0-9]+ +2 "
	# two queues of 4 x 64 bytes: 4*64 + 4*48 + 4*48 each, as the kernel
	# charges them
	assert_line --regexp "^RLIMIT_MSGQUEUE +$(sed -n 's/^ulimit //p' <<<"$output") +1280 "
	run -0 ipc-mq limits --posix
	refute_output --partial kernel.
	run -0 ipc-mq limits --sysv
	refute_output --partial fs.mqueue
	[ "${#lines[@]}" -eq 3 ]
}

@test "limits --json: an array of objects with name, value and usage" {
	run -0 bash -c 'ipc-mq limits --json | "$PY" -c "
import json, sys
rows = json.load(sys.stdin)
assert isinstance(rows, list)
d = {r[\"name\"]: r for r in rows}
assert d[\"fs.mqueue.msg_max\"][\"value\"] == int(open(\"/proc/sys/fs/mqueue/msg_max\").read())
assert d[\"kernel.msgmax\"][\"value\"] == int(open(\"/proc/sys/kernel/msgmax\").read())
assert d[\"kernel.msgmax\"][\"usage\"] is None
assert type(d[\"kernel.msgmni\"][\"usage\"]) is int
print(len(rows))
"'
	assert_output 9
}

@test "as nobody: ls --stale -v does not call a queue stale while root's processes cannot be read" {
	run -0 isolated '
		nobody ipc-mq create /nq
		# a root process holds nobody'"'"'s queue
		sleep 600 3<"$MQDIR/nq" &
		h=$!
		waitfor 100 test -e /proc/$h/fd/3
		echo "== held by root $h"
		nobody ipc-mq ls --stale -v -o name,stale --noheadings 2>&1
		echo "== root sees"
		ipc-mq ls --stale -v -o name --noheadings 2>&1
		kill $h
		wait $h || true
		echo "== released, root sees"
		ipc-mq ls --stale -o name --noheadings
		echo "== released, nobody sees"
		nobody ipc-mq ls --stale -v -o name --noheadings 2>&1
		# nobody'"'"'s own holder is readable: named, and not stale
		mkdir -m 1777 nb
		nobody bash -c "exec 3<\"\$1\"; echo \$\$ >nb/pid; exec sleep 600" _ "$MQDIR/nq" &
		waitfor 100 test -s nb/pid
		echo "== held by nobody $(cat nb/pid)"
		nobody ipc-mq ls --stale -v -o name --noheadings 2>&1
		nobody ipc-mq rm --all --stale
		echo "kept $(ipc-mq ls --noheadings | wc -l)"
		ipc-mq rm nq
	'
	h=$(sed -n 's/^== held by root //p' <<<"$output")
	n=$(sed -n 's/^== held by nobody //p' <<<"$output")
	# nobody cannot look into root's sleep: not stale, and it is named
	assert_line --regexp "^ipc-mq: ls /nq: not stale: may be in use by processes we cannot look into \\(/proc/PID/fd: Permission denied\\): .*pid $h \\(sleep\\)"
	assert_line "ipc-mq: ls /nq: not stale: open in pid $h (sleep)"
	# released: root can tell it is stale; nobody still cannot rule out
	# root's processes (pid 1, the shell of this namespace)
	[ "$(sed -n '/^== released, root/,/^== released, nobody/p' <<<"$output" | sed '1d;$d')" = /nq ]
	assert_line --regexp '^ipc-mq: ls /nq: not stale: may be in use by .*pid 1 \(bash\)'
	assert_line "ipc-mq: ls /nq: not stale: open in pid $n (sleep)"
	assert_line 'kept 1'
}

# ---- the same machinery for shared memory and semaphores ---------------
# (run once ipc-shm / ipc-sem are built; /dev/shm is a private tmpfs here,
# since POSIX segments and semaphores are not per IPC namespace)

@test "ipc-shm ls/rm/limits: ipcmk -M and /dev/shm files; attached or mapped is not stale" {
	[ -x "$IPCKIT_BIN/ipc-shm" ] || skip "ipc-shm is not built"
	run -0 isolated '
		mount -t tmpfs none /dev/shm
		id=$(ipcmk -M 10000 | awk "{ print \$NF }")
		head -c 5000 /dev/zero >/dev/shm/seg
		head -c 100 /dev/zero >/dev/shm/idle
		mkfifo hold
		# mapped, its descriptor closed (python'"'"'s mmap module would keep a dup)
		"$PY" -c "import ctypes, os, sys, sysv_ipc; c = ctypes.CDLL(None); c.mmap.restype = ctypes.c_void_p; c.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]; f = os.open(\"/dev/shm/seg\", os.O_RDWR); assert c.mmap(None, 5000, 3, 1, f, 0) not in (None, 2**64 - 1); os.close(f); s = sysv_ipc.attach($id); print(os.getpid(), flush=True); sys.stdin.read()" <hold >py.pid &
		exec 4>hold
		waitfor 100 test -s py.pid
		echo "== py $(cat py.pid) id $id"
		ipc-shm ls -o flavour,name,id,size,nattch --noheadings
		ipc-shm ls --stale -v -o name,id,stale --noheadings 2>&1
		ipc-shm ls --json -o name,key,size,nattch,cpid | "$PY" -c "import json, sys; r = json.load(sys.stdin); assert r[0][\"size\"] == 100 and r[2][\"nattch\"] == 1 and r[2][\"name\"] is None and type(r[2][\"cpid\"]) is int, r; print(\"json ok\")"
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

@test "ipc-sem ls/rm/limits: ipcmk -S and named semaphores; a live last operator keeps a set" {
	[ -x "$IPCKIT_BIN/ipc-sem" ] || skip "ipc-sem is not built"
	run -0 isolated '
		mount -t tmpfs none /dev/shm
		ipcmk -S 3 >/dev/null
		"$PY" -c "import ctypes, os; c = ctypes.CDLL(\"libc.so.6\"); c.sem_open.restype = ctypes.c_void_p; assert c.sem_open(b\"/lock\", os.O_CREAT, 0o640, 5)"
		mkfifo hold
		"$PY" -c "import os, sys, sysv_ipc; s = sysv_ipc.Semaphore(0x7e000031, sysv_ipc.IPC_CREX, initial_value=1); s.acquire(); print(os.getpid(), flush=True); sys.stdin.read()" <hold >py.pid &
		exec 4>hold
		waitfor 100 test -s py.pid
		echo "== py $(cat py.pid)"
		ipc-sem ls -o flavour,name,key,nsems,value,perms --noheadings
		ipc-sem ls --stale -v -o name,key,stale --noheadings 2>&1
		exec 4>&-
		wait
		echo "== gone"
		ipc-sem ls --stale -o name,key,stale --noheadings
		ipc-sem rm --all --stale
		echo "left $(ipc-sem ls --noheadings | wc -l) $(ls /dev/shm | wc -l) $(ipcs -s | grep -c "^0x")"
		ipc-sem limits
	'
	py=$(sed -n 's/^== py //p' <<<"$output")
	assert_line --regexp '^posix +/lock +1 +5 +0640$'
	assert_line --regexp '^sysv +0x[0-9a-f]{8} +3 +0644$'
	assert_line --regexp "^ipc-sem: ls 0x7e000031: not stale: sempid $py \\(python3\\) is alive\$"
	assert_line --regexp '^/lock +no process has it open or mapped$'
	assert_line --regexp '^ +0x[0-9a-f]{8} no pid recorded$'
	assert_line --regexp "^ +0x7e000031 sempid $py gone\$"
	assert_line 'left 0 0 0'
	read -r msl mns opm mni </proc/sys/kernel/sem
	assert_line --regexp "^kernel\\.sem\\.semmsl +$msl +- "
	assert_line --regexp "^kernel\\.sem\\.semmns +$mns +0 "
	assert_line --regexp "^kernel\\.sem\\.semopm +$opm +- "
	assert_line --regexp "^kernel\\.sem\\.semmni +$mni +0 "
	assert_line --regexp "^SEM_VALUE_MAX +$(getconf SEM_VALUE_MAX 2>/dev/null || echo 2147483647) +- "
}
