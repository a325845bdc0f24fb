#!/usr/bin/env bats
# mq.bats - ipc-mq create, send, recv and stat, POSIX and System V
# (ls, rm and limits are in mq-ls.bats)

load helpers
bats_require_minimum_version 1.5.0

# remove a queue if it is still there (POSIX name, or --sysv KEY)
rmq() {
	ipc-mq rm "$@" 2>/dev/null || true
}

# the value of one field of "ipc-mq stat"
statf() {
	local f=$1
	shift
	ipc-mq stat "$@" | awk -v f="$f" '$1 == f { print $2 }'
}

# pid of the last background job is blocked in the kernel (not running)
is_sleeping() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]
}

# ---- names, keys, usage ---------------------------------------------------

@test "create: NAME and /NAME are one queue; an existing queue is never adopted" {
	q=$(uniq_name)
	run ipc-mq create "$q"
	assert_success
	assert_output ''
	run --separate-stderr ipc-mq create "/$q"
	assert_failure 1
	assert_output ''
	[ "$stderr" = "ipc-mq: create /$q: queue already exists" ]
	run ipc-mq stat "/$q"
	assert_success
	assert_line "name       /$q"
	rmq "$q"
}

@test "create: mode is 0600 under umask 000, and exactly --mode under umask 077" {
	q=$(uniq_name)
	k=$(uniq_key)
	umask 000
	ipc-mq create "$q"
	[ "$(statf perms "$q")" = 0600 ]
	ipc-mq create --sysv "$k"
	[ "$(statf perms --sysv "$k")" = 0600 ]
	ipcs -q | awk -v k="$k" '$1 == k { print $4 }' | grep -qx 600
	rmq "$q"
	rmq --sysv "$k"
	umask 077
	ipc-mq create --mode 0644 "$q"
	[ "$(statf perms "$q")" = 0644 ]
	ipc-mq create --sysv -m 0640 "$k"
	[ "$(statf perms --sysv "$k")" = 0640 ]
	rmq "$q"
	rmq --sysv "$k"
}

@test "create: --max-msgs and --msg-size are the queue's limits; stat shows them" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 3 --msg-size 1K "$q"
	run ipc-mq stat "$q"
	assert_success
	assert_line "maxmsgs    3"
	assert_line "msgsize    1024"
	assert_line "msgs       0"
	assert_line "owner      root (0)"
	rmq "$q"
}

@test "usage errors are status 2 with one line and nothing done" {
	local bad
	for bad in "a/b" "/" "" "$(head -c 300 /dev/zero | tr '\0' a)" "."; do
		run --separate-stderr ipc-mq create "$bad"
		assert_failure 2
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
	for bad in 0x 0xzz 4294967296 0x100000000 08 id: id:x id:99999999999; do
		run --separate-stderr ipc-mq stat --sysv "$bad"
		assert_failure 2
		[ -z "$output" ]
	done
	q=$(uniq_name)
	run -2 ipc-mq send --sysv --priority 3 0x1234 </dev/null
	run -2 ipc-mq send --type 3 "$q" </dev/null
	run -2 ipc-mq send --priority 32768 "$q" </dev/null
	run -2 ipc-mq send --priority -1 "$q" </dev/null
	run -2 ipc-mq send --sysv --type 0 0x1234 </dev/null
	run -2 ipc-mq send --mode 0644 "$q" </dev/null
	run -2 ipc-mq send --max-msgs 5 "$q" </dev/null
	run -2 ipc-mq send -0 --raw "$q" </dev/null
	run -2 ipc-mq recv --json --raw "$q"
	run -2 ipc-mq recv --priority --raw "$q"
	run -2 ipc-mq recv --type 1 "$q"
	run -2 ipc-mq recv --count 0 "$q"
	run -2 ipc-mq create --max-bytes 1K "$q"
	run -2 ipc-mq create --sysv --max-msgs 5 0x1234
	run -2 ipc-mq create --sysv id:1
	run -2 ipc-mq create --max-msgs 99999999999999999999 "$q"
	run -2 ipc-mq create --msg-size 1x "$q"
	run -2 ipc-mq send --sysv 0 </dev/null
	run -2 ipc-mq recv --sysv --proj 256 /etc/passwd
	run -2 ipc-mq create "$q" "$q"
	# nothing was made by any of them
	run -1 ipc-mq stat "$q"
}

@test "a missing queue is status 1 'no such queue', for both flavours" {
	q=$(uniq_name)
	k=$(uniq_key)
	run --separate-stderr ipc-mq send "$q" <<<x
	assert_failure 1
	[ "$stderr" = "ipc-mq: send $q: no such queue" ]
	run -1 ipc-mq recv "$q"
	run -1 ipc-mq stat "$q"
	run --separate-stderr ipc-mq recv --sysv "$k"
	assert_failure 1
	[ "$stderr" = "ipc-mq: recv $k: no such queue" ]
	run -1 ipc-mq send --sysv id:2147483647 <<<x
	run --separate-stderr ipc-mq stat --sysv ./no-such-file
	assert_failure 1
	[[ $stderr == *"No such file or directory"* ]]
}

# ---- records --------------------------------------------------------------

@test "send/recv: lines, empty records, a last line without newline" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf 'one\n\n\nfour\nlast' | ipc-mq send "$q"
	[ "$(statf msgs "$q")" = 5 ]
	[ "$(statf usedbytes "$q")" = 11 ]
	run --separate-stderr ipc-mq recv --nowait "$q"
	assert_success
	[ "$output" = "$(printf 'one\n\n\nfour\nlast')" ]
	[ -z "$stderr" ]
	[ "$(statf msgs "$q")" = 0 ]
	rmq "$q"
}

@test "send -0 / recv -0: records with embedded newlines survive" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf 'a\nb\0\0c\n\n\0' | ipc-mq send -0 "$q"
	[ "$(statf msgs "$q")" = 3 ]
	ipc-mq recv -0 --nowait "$q" >out
	printf 'a\nb\0\0c\n\n\0' >want
	cmp out want
	rmq "$q"
}

@test "--raw: 1 MiB of random bytes through an 8 KiB x 10 queue, byte for byte" {
	q=$(uniq_name)
	randfile in 1024
	ipc-mq create "$q"
	ipc-mq send --raw --eof "$q" <in &
	timeout 60 ipc-mq recv --raw "$q" >out
	wait $!
	cmp in out
	[ "$(statf msgs "$q")" = 0 ]
	rmq "$q"
}

@test "--raw: a chunk equal to the end-of-stream marker is sent as two messages" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf '\0ipckit-eof\n' >in
	ipc-mq send --raw "$q" <in
	[ "$(statf msgs "$q")" = 2 ]
	run -0 bash -c "ipc-mq recv --raw --nowait $q >out"
	cmp in out
	rmq "$q"
}

@test "--eof: the marker alone for empty input; each marker stops one receiver" {
	q=$(uniq_name)
	ipc-mq create "$q"
	for i in 1 2 3; do ipc-mq send --eof "$q" </dev/null; done
	[ "$(statf msgs "$q")" = 3 ]
	for left in 2 1 0; do
		run --separate-stderr timeout 20 ipc-mq recv "$q"
		assert_success
		assert_output ''
		[ "$(statf msgs "$q")" = "$left" ]
	done
	run -124 ipc-mq recv --nowait "$q"
	rmq "$q"
}

@test "20,000 records through a 10-deep queue with --eof arrive complete and in order" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 10 "$q"
	seq 20000 | ipc-mq send --eof "$q" &
	timeout 60 ipc-mq recv "$q" >out
	wait $!
	seq 20000 | cmp - out
	run -124 ipc-mq recv --nowait "$q"
	rmq "$q"
}

@test "an outside program reads exactly the record bytes (POSIX: ctypes mq_receive)" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf 'hello\n\nx y\n' | ipc-mq send "$q"
	run "$PY" - "/$q" <<'EOF'
import ctypes, os, sys
rt = ctypes.CDLL("librt.so.1", use_errno=True)
rt.mq_open.restype = ctypes.c_int
q = rt.mq_open(sys.argv[1].encode(), os.O_RDWR)
assert q >= 0, ctypes.get_errno()
buf = ctypes.create_string_buffer(8192)
prio = ctypes.c_uint()
for _ in range(3):
    n = rt.mq_receive(q, buf, 8192, ctypes.byref(prio))
    print(repr(buf.raw[:n]), prio.value)
# and a message it sends is one record for ipc-mq
rt.mq_send(q, b"from\tpython", 11, 7)
EOF
	assert_success
	assert_output "$(printf "b'hello' 0\nb'' 0\nb'x y' 0")"
	run ipc-mq recv --priority --nowait "$q"
	assert_output "$(printf '7\tfrom\tpython')"
	rmq "$q"
}

@test "an outside program reads exactly the record bytes (SysV: python3 sysv_ipc)" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	printf 'hello\n\nx\0y\n' | ipc-mq send --sysv --type 3 "$k"
	run "$PY" - "$k" <<'EOF'
import sys, sysv_ipc
q = sysv_ipc.MessageQueue(int(sys.argv[1], 16))
for _ in range(3):
    data, t = q.receive(block=False)
    print(repr(data), t)
q.send(b"from python", type=5)
EOF
	assert_success
	assert_output "$(printf "b'hello' 3\nb'' 3\nb'x\\\\x00y' 3")"
	run ipc-mq recv --sysv --priority --nowait "$k"
	assert_output "$(printf '5\tfrom python')"
	rmq --sysv "$k"
}

# ---- limits of the queue ----------------------------------------------------

@test "case 13: a record over msgsize: status 1 naming both sizes, the records before it stay sent" {
	q=$(uniq_name)
	ipc-mq create --msg-size 100 "$q"
	run --separate-stderr bash -c "{ echo a; echo b; head -c 300 /dev/zero | tr '\\0' x; echo; echo c; } | ipc-mq send $q"
	assert_failure 1
	[[ $stderr == "ipc-mq: send $q: message of 300 bytes exceeds the queue's msgsize 100"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run ipc-mq recv --nowait "$q"
	assert_output "$(printf 'a\nb')"
	rmq "$q"
}

@test "case 13: SysV: a record over kernel.msgmax or the queue's msg_qbytes: status 1 naming both sizes" {
	k=$(uniq_key)
	max=$(cat /proc/sys/kernel/msgmax)
	ipc-mq create --sysv "$k"
	run --separate-stderr bash -c "{ echo a; head -c $((max + 1)) /dev/zero | tr '\\0' x; echo; } | ipc-mq send --sysv $k"
	assert_failure 1
	[[ $stderr == *"message of $((max + 1)) bytes exceeds kernel.msgmax = $max"* ]]
	[ "$(statf msgs --sysv "$k")" = 1 ]
	rmq --sysv "$k"
	ipc-mq create --sysv --max-bytes 100 "$k"
	[ "$(statf maxbytes --sysv "$k")" = 100 ]
	run --separate-stderr bash -c "{ echo a; head -c 200 /dev/zero | tr '\\0' x; echo; } | ipc-mq send --sysv $k"
	assert_failure 1
	[[ $stderr == *"message of 200 bytes exceeds the queue's msg_qbytes 100"* ]]
	run ipc-mq recv --sysv --nowait "$k"
	assert_output a
	rmq --sysv "$k"
}

@test "case 14: full queue: --timeout and --nowait end in 124 with whole messages only" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 2 "$q"
	t0=$(date +%s%N)
	run --separate-stderr bash -c "seq 5 | ipc-mq send --timeout 500ms $q"
	t1=$(date +%s%N)
	assert_failure 124
	[[ $stderr == *"2 records sent"* ]]
	[ $(( (t1 - t0) / 1000000 )) -ge 500 ]
	run -124 bash -c "echo 3 | ipc-mq send --nowait $q"
	run -124 bash -c "echo 3 | ipc-mq send -q --timeout 0 $q"
	run ipc-mq recv --nowait "$q"
	assert_output "$(printf '1\n2')"
	rmq "$q"
}

@test "case 14: SysV full queue: --timeout and --nowait end in 124 with whole messages only" {
	k=$(uniq_key)
	ipc-mq create --sysv --max-bytes 10 "$k"
	run --separate-stderr bash -c "printf 'aaaa\nbbbb\ncccc\n' | ipc-mq send --sysv --timeout 0.3 $k"
	assert_failure 124
	[[ $stderr == *"2 records sent"* ]]
	# 8 of 10 bytes used: a 4-byte message does not fit, a 2-byte one does
	run -124 bash -c "echo xxxx | ipc-mq send --sysv --nowait $k"
	[ "$(statf usedbytes --sysv "$k")" = 8 ]
	echo yy | ipc-mq send --sysv --nowait "$k"
	[ "$(statf msgs --sysv "$k")" = 3 ]
	run ipc-mq recv --sysv --nowait "$k"
	assert_output "$(printf 'aaaa\nbbbb\nyy')"
	rmq --sysv "$k"
}

@test "a full queue blocks send until a receiver makes room" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 1 "$q"
	seq 3 | ipc-mq send --eof "$q" &
	pid=$!
	wait_for 100 is_sleeping "$pid"
	[ "$(statf msgs "$q")" = 1 ]
	run timeout 30 ipc-mq recv "$q"
	assert_success
	assert_output "$(printf '1\n2\n3')"
	wait "$pid"
	rmq "$q"
}

# ---- priorities and types --------------------------------------------------

@test "POSIX priorities: highest first, equal ones in order; --priority shows them" {
	q=$(uniq_name)
	ipc-mq create "$q"
	echo low1 | ipc-mq send --priority 1 "$q"
	echo top | ipc-mq send --priority 32767 "$q"
	printf 'mid1\nmid2\n' | ipc-mq send --priority 5 "$q"
	echo low2 | ipc-mq send --priority 1 "$q"
	echo zero | ipc-mq send "$q"
	run ipc-mq recv --priority --nowait "$q"
	assert_success
	assert_output "$(printf '32767\ttop\n5\tmid1\n5\tmid2\n1\tlow1\n1\tlow2\n0\tzero')"
	rmq "$q"
}

@test "SysV --type: send with a type, receive with msgrcv's selection" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	echo three | ipc-mq send --sysv --type 3 "$k"
	echo one | ipc-mq send --sysv "$k"
	echo two | ipc-mq send --sysv --type 2 "$k"
	echo one-b | ipc-mq send --sysv --type 1 "$k"
	run ipc-mq recv --sysv --type 2 --nowait "$k"
	assert_output two
	run ipc-mq recv --sysv --type -3 --count 2 --priority "$k"
	assert_output "$(printf '1\tone\n1\tone-b')"
	run -124 ipc-mq recv --sysv --type 7 --nowait "$k"
	run ipc-mq recv --sysv --type 0 --nowait "$k"
	assert_output three
	rmq --sysv "$k"
}

@test "--json: one object per message, strings escaped, bytes recoverable" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	printf 'plain\nq"b\\\\t\tc\001\nutf8 \303\251 \342\202\254\nbad \377\300\n\n' >in
	ipc-mq send --priority 4 "$q" <in
	ipc-mq recv --json --nowait "$q" >out
	head -n 2 out >head2
	printf '%s\n' '{"data":"plain","priority":4}' '{"data":"q\"b\\\\t\tc\u0001","priority":4}' >want
	cmp head2 want
	run "$PY" -c '
import json, sys
got = b""
for line in open("out", encoding="utf-8", errors="surrogateescape"):
    o = json.loads(line)
    assert set(o) == {"data", "priority"} and o["priority"] == 4
    got += o["data"].encode("utf-8", "surrogateescape") + b"\n"
sys.stdout.write(str(got == open("in", "rb").read()))'
	assert_output True
	ipc-mq create --sysv "$k"
	echo x | ipc-mq send --sysv --type 9 "$k"
	run ipc-mq recv --sysv --json --nowait "$k"
	assert_output '{"data":"x","type":9}'
	rmq "$q"
	rmq --sysv "$k"
}

# ---- recv: when it stops ----------------------------------------------------

@test "recv --count N takes exactly N messages" {
	q=$(uniq_name)
	ipc-mq create "$q"
	seq 5 | ipc-mq send "$q"
	run ipc-mq recv --count 1 "$q"
	assert_output 1
	[ "$(statf msgs "$q")" = 4 ]
	run ipc-mq recv -n 3 "$q"
	assert_output "$(printf '2\n3\n4')"
	[ "$(statf msgs "$q")" = 1 ]
	rmq "$q"
}

@test "recv --timeout: 124 when nothing came, 0 when records came and then idleness" {
	q=$(uniq_name)
	ipc-mq create "$q"
	t0=$(date +%s%N)
	run --separate-stderr ipc-mq recv --timeout 300ms "$q"
	t1=$(date +%s%N)
	assert_failure 124
	assert_output ''
	[ -z "$stderr" ]
	[ $(( (t1 - t0) / 1000000 )) -ge 300 ]
	seq 3 | ipc-mq send "$q"
	run ipc-mq recv --timeout 300ms "$q"
	assert_success
	assert_output "$(printf '1\n2\n3')"
	# the idle time counts from the last message
	(sleep 0.4; echo late | ipc-mq send "$q") &
	run ipc-mq recv --timeout 5 --count 1 "$q"
	assert_output late
	wait
	rmq "$q"
}

@test "recv --nowait / --drain: what is queued, then 0; empty queue 124" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	run -124 ipc-mq recv --drain "$q"
	run -124 ipc-mq recv --sysv --nowait "$k"
	seq 3 | ipc-mq send "$q"
	seq 3 | ipc-mq send --sysv "$k"
	run -0 ipc-mq recv --drain "$q"
	assert_output "$(printf '1\n2\n3')"
	run -0 ipc-mq recv --sysv --drain "$k"
	assert_output "$(printf '1\n2\n3')"
	rmq "$q"
	rmq --sysv "$k"
}

@test "send --create makes the queue with --mode and limits, and adopts an existing one" {
	q=$(uniq_name)
	umask 000
	seq 2 | ipc-mq send --create --mode 0640 --max-msgs 4 --msg-size 64 "$q"
	[ "$(statf perms "$q")" = 0640 ]
	[ "$(statf maxmsgs "$q")" = 4 ]
	[ "$(statf msgsize "$q")" = 64 ]
	echo 3 | ipc-mq send -c "$q"
	[ "$(statf msgs "$q")" = 3 ]
	k=$(uniq_key)
	echo a | ipc-mq send --sysv --create --max-bytes 500 "$k"
	echo b | ipc-mq send --sysv --create "$k"
	[ "$(statf maxbytes --sysv "$k")" = 500 ]
	[ "$(statf perms --sysv "$k")" = 0600 ]
	run ipc-mq recv --sysv --nowait "$k"
	assert_output "$(printf 'a\nb')"
	rmq "$q"
	rmq --sysv "$k"
}

# ---- many workers -----------------------------------------------------------

@test "a job queue: 4 producers x 4 consumers deliver every record exactly once" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 10 "$q"
	for c in 1 2 3 4; do
		timeout 120 ipc-mq recv "$q" >"out.$c" &
		eval "c$c=\$!"
	done
	for p in 1 2 3 4; do
		seq -f "p$p-%g" 5000 | timeout 120 ipc-mq send "$q" &
		eval "p$p=\$!"
	done
	wait "$p1" "$p2" "$p3" "$p4"
	for c in 1 2 3 4; do ipc-mq send --eof "$q" </dev/null; done
	wait "$c1" "$c2" "$c3" "$c4"
	cat out.* | sort >all
	[ "$(wc -l <all)" -eq 20000 ]
	[ -z "$(uniq -d all)" ]
	for p in 1 2 3 4; do seq -f "p$p-%g" 5000; done | sort | cmp - all
	# every consumer took a share
	for c in 1 2 3 4; do [ -s "out.$c" ]; done
	rmq "$q"
}

@test "the man page's worker pool: recv --priority --count 1 per job, markers stop each worker" {
	q=$(uniq_name)
	tab=$(printf '\t')
	ipc-mq create --max-msgs 10 "$q"
	for w in 1 2 3; do
		(
			while m=$(timeout 60 ipc-mq recv --priority --count 1 "$q") && [ -n "$m" ]; do
				printf '%s\n' "${m#*"$tab"}" >>"done.$w"
			done
		) &
	done
	# an empty job is still a job (the line is "0<TAB>")
	{ seq 300; echo; } | ipc-mq send "$q"
	for w in 1 2 3; do ipc-mq send --eof "$q" </dev/null; done
	wait
	cat done.* | sort >all
	{ seq 300; echo; } | sort | cmp - all
	[ "$(statf msgs "$q")" = 0 ]
	rmq "$q"
}

@test "SysV job queue: 3 producers x 3 consumers, exactly once" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	for c in 1 2 3; do
		timeout 120 ipc-mq recv --sysv "$k" >"out.$c" &
		eval "c$c=\$!"
	done
	for p in 1 2 3; do
		seq -f "p$p-%g" 4000 | timeout 120 ipc-mq send --sysv "$k" &
		eval "p$p=\$!"
	done
	wait "$p1" "$p2" "$p3"
	for c in 1 2 3; do ipc-mq send --sysv --eof "$k" </dev/null; done
	wait "$c1" "$c2" "$c3"
	cat out.* | sort >all
	[ -z "$(uniq -d all)" ]
	for p in 1 2 3; do seq -f "p$p-%g" 4000; done | sort | cmp - all
	rmq --sysv "$k"
}

# ---- removal, signals, closed stdout -----------------------------------------

@test "case 15: queue removed under a waiting recv (ipcrm, ipc-mq rm): status 1 'queue removed'" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	ipc-mq recv -v --sysv "$k" >out 2>err &
	pid=$!
	wait_for 100 grep -q opened err
	wait_for 100 is_sleeping "$pid"
	ipcrm -Q "$k"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 1 ]
	grep -qx "ipc-mq: recv $k: queue removed (by ipcrm, or by systemd-logind's RemoveIPC)" err

	q=$(uniq_name)
	ipc-mq create "$q"
	echo queued | ipc-mq send "$q"
	ipc-mq recv -v "$q" >out 2>err &
	pid=$!
	wait_for 100 grep -qx queued out
	wait_for 100 is_sleeping "$pid"
	ipc-mq rm "$q"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 1 ]
	grep -q "ipc-mq: recv $q: queue removed" err
}

@test "case 15: queue removed under a send waiting for room: status 1 'queue removed'" {
	k=$(uniq_key)
	ipc-mq create --sysv --max-bytes 4 "$k"
	printf 'aaaa\nbbbb\n' | ipc-mq send --sysv "$k" 2>err &
	pid=$!
	wait_for 100 is_sleeping "$pid"
	wait_for 50 eval '[ "$(statf msgs --sysv "$k")" = 1 ]'
	ipc-mq rm --sysv "$k"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 1 ]
	grep -q "queue removed" err
	q=$(uniq_name)
	ipc-mq create --max-msgs 1 "$q"
	printf 'a\nb\n' | ipc-mq send "$q" 2>err &
	pid=$!
	wait_for 100 is_sleeping "$pid"
	ipc-mq rm "$q"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 1 ]
	grep -q "queue removed" err
}

@test "SIGTERM, SIGINT, SIGHUP while waiting: the signal is re-raised (128+N)" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	for sig in TERM INT HUP; do
		for flav in "$q" "--sysv $k"; do
			# background jobs start with SIGINT ignored: undo that
			# shellcheck disable=SC2086
			env --default-signal=INT ipc-mq recv $flav >/dev/null &
			pid=$!
			wait_for 100 is_sleeping "$pid"
			kill -"$sig" "$pid"
			st=0
			wait "$pid" || st=$?
			echo "$sig $flav: $st"
			[ "$st" -eq $((128 + $(kill -l "$sig"))) ]
		done
	done
	# a sender blocked on a full queue too; nothing half-sent
	ipc-mq create --max-msgs 1 "$q.full"
	seq 3 | ipc-mq send "$q.full" &
	pid=$!
	wait_for 100 is_sleeping "$pid"
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	run ipc-mq recv --nowait "$q.full"
	assert_output 1
	rmq "$q"
	rmq "$q.full"
	rmq --sysv "$k"
}

@test "stray signals and SIGSTOP/SIGCONT during a --timeout wait neither cut it short nor restart it" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	for flav in "$q" "--sysv $k"; do
		t0=$(date +%s%N)
		# shellcheck disable=SC2086
		ipc-mq recv --timeout 2 $flav &
		pid=$!
		wait_for 50 is_sleeping "$pid"
		for s in ALRM ALRM STOP CONT ALRM; do
			kill -"$s" "$pid"
			sleep 0.2
		done
		st=0
		wait "$pid" || st=$?
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		echo "$flav: status $st after $ms ms"
		[ "$st" -eq 124 ]
		[ "$ms" -ge 2000 ]
		[ "$ms" -lt 3500 ]
	done
	rmq "$q"
	rmq --sysv "$k"
}

@test "SIGSTOP/SIGCONT mid-transfer: output equals input" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 10 "$q"
	seq 30000 | ipc-mq send --eof "$q" &
	spid=$!
	ipc-mq recv "$q" >out &
	rpid=$!
	for i in 1 2 3; do
		kill -STOP "$rpid" "$spid" 2>/dev/null || true
		sleep 0.05
		kill -CONT "$rpid" "$spid" 2>/dev/null || true
		sleep 0.05
	done
	wait "$spid"
	wait "$rpid"
	seq 30000 | cmp - out
	rmq "$q"
}

@test "recv | head -c1: a record partly read counts as written, nothing more is taken; 141, quiet" {
	local ign
	for ign in "" "trap '' PIPE;"; do
		q=$(uniq_name)
		ipc-mq create "$q"
		echo first | ipc-mq send "$q"
		rm -f out headdone st
		bash -c "$ign ipc-mq recv $q 2>err | { head -c1 >out; exec 0<&-; touch headdone; }; echo \${PIPESTATUS[0]} >st" &
		wait_for 100 test -e headdone
		printf 'second\nthird\n' | ipc-mq send "$q"
		wait_for 300 test -s st
		[ "$(cat st)" = 141 ]
		[ "$(cat out)" = f ]
		[ ! -s err ]
		# both are there; a given-back message goes to the back, so
		# "second" may now follow "third"
		run bash -c "ipc-mq recv --nowait $q | sort"
		assert_output "$(printf 'second\nthird')"
		rmq "$q"
	done
}

# run ipc-mq with stdout a pipe whose reader is already gone
closed_stdout() {
	"$PY" -c 'import os, sys
r, w = os.pipe()
os.close(r)
os.dup2(w, 1)
os.execvp("ipc-mq", ["ipc-mq"] + sys.argv[1:])' "$@"
}

@test "stdout gone before recv takes anything: nothing is taken, order kept; 141, quiet" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf 'a\nb\n' | ipc-mq send --priority 3 "$q"
	printf 'c\n\nd\n' | ipc-mq send "$q"
	run --separate-stderr closed_stdout recv "$q"
	assert_failure 141
	[ -z "$stderr" ]
	run --separate-stderr closed_stdout recv --batch --nowait --json "$q"
	assert_failure 141
	[ -z "$stderr" ]
	run ipc-mq recv --nowait --priority "$q"
	assert_output "$(printf '3\ta\n3\tb\n0\tc\n0\t\n0\td')"
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	printf 'x\ny\n' | ipc-mq send --sysv --type 2 "$k"
	run --separate-stderr closed_stdout recv --sysv --count 1 "$k"
	assert_failure 141
	[ -z "$stderr" ]
	run ipc-mq recv --sysv --nowait --priority "$k"
	assert_output "$(printf '2\tx\n2\ty')"
	rmq "$q"
	rmq --sysv "$k"
}

@test "a write error (/dev/full): every message taken is given back, in order, with its priority, the marker last" {
	q=$(uniq_name)
	ipc-mq create "$q"
	printf 'a\nb\n' | ipc-mq send --priority 3 "$q"
	printf 'c\n\nd\n' | ipc-mq send --eof "$q"
	run --separate-stderr bash -c "ipc-mq recv $q >/dev/full"
	assert_failure 1
	[ "$stderr" = "ipc-mq: recv $q: write error on stdout (6 messages given back): No space left on device" ]
	[ "$(statf msgs "$q")" = 6 ]
	run timeout 20 ipc-mq recv --priority "$q"
	assert_success
	assert_output "$(printf '3\ta\n3\tb\n0\tc\n0\t\n0\td')"
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	printf 'x\ny\n' | ipc-mq send --sysv --type 2 "$k"
	echo z | ipc-mq send --sysv --type 5 "$k"
	run --separate-stderr bash -c "ipc-mq recv --sysv --nowait $k >/dev/full"
	assert_failure 1
	[[ $stderr == *"(3 messages given back)"* ]]
	run ipc-mq recv --sysv --nowait --priority "$k"
	assert_output "$(printf '2\tx\n2\ty\n5\tz')"
	rmq "$q"
	rmq --sysv "$k"
}

@test "a waiting recv notices that the reader of its stdout has gone" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	echo one | ipc-mq send "$q"
	echo one | ipc-mq send --sysv "$k"
	run timeout 20 bash -c "ipc-mq recv $q | head -n 1; echo \${PIPESTATUS[0]}"
	assert_output "$(printf 'one\n141')"
	run timeout 20 bash -c "ipc-mq recv --sysv $k | head -n 1; echo \${PIPESTATUS[0]}"
	assert_output "$(printf 'one\n141')"
	rmq "$q"
	rmq --sysv "$k"
}

@test "SysV recv | head -c1: a later message stays queued with its type" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	echo first | ipc-mq send --sysv "$k"
	bash -c "ipc-mq recv --sysv $k 2>err | { head -c1 >out; exec 0<&-; touch headdone; }; echo \${PIPESTATUS[0]} >st" &
	wait_for 100 test -e headdone
	echo second | ipc-mq send --sysv --type 4 "$k"
	wait_for 300 test -s st
	[ "$(cat st)" = 141 ]
	[ ! -s err ]
	run ipc-mq recv --sysv --priority --nowait "$k"
	assert_output "$(printf '4\tsecond')"
	rmq --sysv "$k"
}

@test "started with stdin or stdout closed: a clear failure, nothing lost" {
	q=$(uniq_name)
	ipc-mq create "$q"
	run --separate-stderr bash -c "ipc-mq send $q <&-"
	assert_failure 1
	[[ $stderr == "ipc-mq: send $q: read error on stdin"* ]]
	[ "$(statf msgs "$q")" = 0 ]
	echo kept | ipc-mq send "$q"
	run --separate-stderr bash -c "ipc-mq recv --nowait $q >&-"
	assert_failure 1
	[[ $stderr == "ipc-mq: recv $q: write error on stdout"*"1 message given back"* ]]
	run ipc-mq recv --nowait "$q"
	assert_output kept
	rmq "$q"
}

# ---- recv into a pipe: paced; nothing lost, nothing torn --------------------------

@test "recv into a pipe is paced: 'recv | head -n 1' takes one message, the rest stay queued" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	seq 5 | ipc-mq send "$q"
	seq 5 | ipc-mq send --sysv "$k"
	for flav in "$q" "--sysv $k"; do
		# shellcheck disable=SC2086
		run timeout 20 bash -c "ipc-mq recv $flav | head -n 1; echo \${PIPESTATUS[0]}"
		assert_output "$(printf '1\n141')"
		# shellcheck disable=SC2086
		run bash -c "ipc-mq recv --nowait $flav >left; sort -n left"
		assert_output "$(printf '2\n3\n4\n5')"
	done
	# --batch takes what the pipe holds, for consumers that read all
	seq 5 | ipc-mq send "$q"
	run timeout 20 bash -c "ipc-mq recv --batch --nowait $q | wc -l"
	assert_output 5
	rmq "$q"
	rmq --sysv "$k"
}

@test "'recv | head -n 1' against a busy producer loses nothing (both flavours)" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create --max-msgs 10 "$q"
	ipc-mq create --sysv "$k"
	for flav in "$q" "--sysv $k"; do
		# shellcheck disable=SC2086
		seq 3000 | timeout 60 ipc-mq send $flav &
		sp=$!
		# shellcheck disable=SC2086
		wait_for 100 eval '[ "$(statf msgs $flav)" -gt 5 ]'
		# shellcheck disable=SC2086
		timeout 30 ipc-mq recv $flav | head -n 1 >first
		# shellcheck disable=SC2086
		timeout 60 ipc-mq recv --batch --timeout 2 $flav >rest
		wait "$sp"
		[ "$(wc -l <first)" -eq 1 ]
		sort -n first rest >all
		seq 3000 | cmp - all
	done
	rmq "$q"
	rmq --sysv "$k"
}

@test "'while read' workers share the jobs, one at a time" {
	q=$(uniq_name)
	ipc-mq create "$q"
	for w in 1 2; do
		timeout 60 ipc-mq recv "$q" | while read -r j; do
			echo "$j" >>"done.$w"
			sleep 0.3
		done &
	done
	wait_for 100 eval '[ "$(pgrep -c -f "^ipc-mq recv $q\$")" -eq 2 ]'
	sleep 0.3
	printf 'j%s\n' 1 2 3 4 5 6 | ipc-mq send --eof "$q"
	ipc-mq send --eof "$q" </dev/null
	wait
	sort done.1 done.2 | cmp - <(printf 'j%s\n' 1 2 3 4 5 6)
	echo "worker 1: $(wc -l <done.1), worker 2: $(wc -l <done.2)"
	[ "$(wc -l <done.1)" -ge 2 ]
	[ "$(wc -l <done.2)" -ge 2 ]
	rmq "$q"
}

@test "SIGTERM with a full, non-blocking stdout: every message taken is given back" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	for mode in "" --batch; do
		rm -f go out pid st
		seq -f '%049.0f' 201 | ipc-mq send --sysv "$k"
		# stdout: a one-page pipe, O_NONBLOCK, whose reader waits
		{
			"$PY" -c 'import fcntl, os, sys
fcntl.fcntl(1, 1031, 4096)
os.set_blocking(1, False)
os.execvp("ipc-mq", sys.argv[1:])' ipc-mq recv --sysv $mode "$k" &
			echo $! >pid
			st=0
			wait $! || st=$?
			echo "$st" >st
		} | { wait_for 300 test -e go; cat >out; } &
		wait_for 100 test -s pid
		wait_for 100 is_sleeping "$(cat pid)"
		sleep 0.3
		kill -TERM "$(cat pid)"
		wait_for 100 test -s st
		touch go
		wait
		[ "$(cat st)" -eq 143 ]
		ipc-mq recv --sysv --nowait "$k" >left
		sort out left | cmp - <(seq -f '%049.0f' 201)
	done
	rmq --sysv "$k"
}

@test "SysV: a message longer than kernel.msgmax was at open is received whole (no overflow)" {
	k=$(uniq_key)
	head -c 300000 /dev/zero | tr '\0' x >in
	for fmt in "" --json; do
		# a private IPC namespace: kernel.msgmax and msgmnb are its own
		run unshare -i bash -c "
			echo 1024 >/proc/sys/kernel/msgmax
			echo 1048576 >/proc/sys/kernel/msgmnb
			ipc-mq create --sysv $k
			ipc-mq recv --sysv $fmt --count 1 $k >out &
			sleep 0.5
			echo 1048576 >/proc/sys/kernel/msgmax
			ipc-mq send --sysv $k <in
			wait \$!"
		assert_success
		if [ -n "$fmt" ]; then
			run "$PY" -c 'import json; print(len(json.load(open("out"))["data"]))'
			assert_output 300000
		else
			cat in | cmp - <(head -c 300000 out)
			[ "$(wc -c <out)" -eq 300001 ]
		fi
	done
}

@test "a record over the 64 MiB reader limit is reported with its real size" {
	q=$(uniq_name)
	ipc-mq create "$q"
	run --separate-stderr bash -c "{ echo a; head -c $((65 * 1024 * 1024 + 3)) /dev/zero | tr '\\0' x; echo; echo b; } | ipc-mq send $q"
	assert_failure 1
	[ "$stderr" = "ipc-mq: send $q: message of $((65 * 1024 * 1024 + 3)) bytes exceeds the queue's msgsize 8192 (record 2; 1 before it sent)" ]
	[ "$(statf msgs "$q")" = 1 ]
	rmq "$q"
}

@test "a full disk: the record cut short is taken back from the file and given back whole; the count is exact" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	seq -f '%0299.0f' 40 | ipc-mq send --sysv "$k"
	# a 4 KiB file system: 13 records and 196 bytes of the 14th fit
	run --separate-stderr unshare -m bash -c "mkdir small && mount -t tmpfs -o size=4k tmpfs small &&
		ipc-mq recv --sysv --nowait $k >small/out; st=\$?; cp small/out out; exit \$st"
	assert_failure 1
	[ "$stderr" = "ipc-mq: recv $k: write error on stdout (27 messages given back): No space left on device" ]
	[ "$(wc -c <out)" -eq 3900 ]
	ipc-mq recv --sysv --nowait "$k" >left
	cat out left | cmp - <(seq -f '%0299.0f' 40)
	rmq --sysv "$k"
}

@test "a reader that goes mid-record: a record it never saw goes back whole, one it saw part of is lost and counted" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	big=$(head -c 8000 /dev/zero | tr '\0' b)
	# the reader leaves without reading: the record comes back whole
	printf '%s\n' "$big" | ipc-mq send --sysv "$k"
	run bash -c "ipc-mq recv --sysv $k 2>err | { sleep 0.5; exec 0<&-; }; echo \${PIPESTATUS[0]}"
	assert_output 141
	[ ! -s err ]
	[ "$(statf msgs --sysv "$k")" = 1 ]
	# it reads 100 bytes of it: written in part, seen in part: lost, said
	run --separate-stderr bash -c "ipc-mq recv --sysv $k | { sleep 0.5; head -c 100 >/dev/null; }"
	[[ $stderr == *"recv $k: a record was cut short on stdout (4096 of 8001 bytes written): lost"* ]]
	[ "$(statf msgs --sysv "$k")" = 0 ]
	rmq --sysv "$k"
}

# ---- recv --exec: a worker pool ------------------------------------------------------

@test "recv --exec: the record on the command's stdin, its priority and try in the environment" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	printf 'one\n\ntwo words\n' | ipc-mq send --priority 7 --eof "$q"
	run --separate-stderr ipc-mq recv --exec 'printf "%s|%s|%s|%s\n" "$(od -An -c | tr -s " ")" "$IPC_MQ_PRIORITY" "$IPC_MQ_TRY" "$IPC_MQ_QUEUE"' "$q"
	assert_success
	assert_line --index 0 " o n e \\n|7|1|/$q"
	assert_line --index 1 " \\n|7|1|/$q"
	assert_line --index 2 " t w o w o r d s \\n|7|1|/$q"
	printf 'a\0b' | ipc-mq send --sysv --type 3 -0 --eof "$k"
	run --separate-stderr ipc-mq recv --sysv -0 --exec 'od -An -c | tr -s " "; echo "$IPC_MQ_TYPE $IPC_MQ_QUEUE"' "$k"
	assert_success
	assert_output "$(printf ' a \\0\n3 %s\n b \\0\n3 %s' "$k" "$k")"
	rmq "$q"
	rmq --sysv "$k"
}

@test "recv --exec: a failed command's message goes back and is tried again, then dropped or dead-lettered" {
	q=$(uniq_name)
	ipc-mq create "$q"
	ipc-mq create "$q.dead"
	# "flaky" fails on its first try only; "bad" always
	printf 'ok\nflaky\nbad\n' | ipc-mq send --priority 2 "$q"
	run --separate-stderr ipc-mq recv -v --nowait --max-tries 2 --exec '
		read -r m; echo "$m $IPC_MQ_TRY" >>ran
		case $m in bad) exit 3 ;; flaky) [ "$IPC_MQ_TRY" -gt 1 ] ;; esac' "$q"
	assert_failure 1
	run sort ran
	assert_output "$(printf 'bad 1\nbad 2\nflaky 1\nflaky 2\nok 1')"
	[[ $stderr == *"message dropped after 2 tries (last status 3): bad"* ]]
	[[ $stderr == *"5 messages taken: 2 done, 2 failed and given back, 0 given back unfinished, 1 dropped, 0 dead-lettered, 0 lost"* ]]
	[ "$(statf msgs "$q")" = 0 ]
	# --dead-letter: moved there with its priority; status 1 says so
	echo bad | ipc-mq send --priority 4 "$q"
	run --separate-stderr ipc-mq recv --nowait --max-tries 1 --dead-letter "$q.dead" --exec 'exit 1' "$q"
	assert_failure 1
	[[ $stderr == *"moved to the dead-letter queue $q.dead after 1 try (last status 1): bad"* ]]
	run ipc-mq recv --nowait --priority "$q.dead"
	assert_output "$(printf '4\tbad')"
	run -1 ipc-mq recv --nowait --dead-letter "$q.missing" --exec true "$q"
	run -2 ipc-mq recv --nowait --dead-letter "$q" --exec true "$q"
	rmq "$q"
	rmq "$q.dead"
}

@test "recv --exec --jobs: commands run at once; the marker ends it once they are done, after retries" {
	q=$(uniq_name)
	ipc-mq create "$q"
	for i in 1 2 3 4; do echo "$i"; done | ipc-mq send --eof "$q"
	t0=$(date +%s%N)
	run --separate-stderr timeout 30 ipc-mq recv --jobs 4 --exec 'read -r m; sleep 1; echo "$m"' "$q"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	assert_success
	run sort <<<"$output"
	assert_output "$(printf '1\n2\n3\n4')"
	echo "4 jobs of 1 s: $ms ms"
	[ "$ms" -lt 3500 ]
	# one worker, a job that fails once: it went back behind the marker,
	# so the marker goes back behind it and the job still runs
	rm -f seen
	printf 'a\nb\n' | ipc-mq send --eof "$q"
	run --separate-stderr timeout 30 ipc-mq recv --exec 'read -r m; if [ "$m" = a ] && [ ! -e seen ]; then touch seen; exit 1; fi; echo "$m"' "$q"
	assert_success
	assert_output "$(printf 'b\na')"
	[ "$(statf msgs "$q")" = 0 ]
	run -124 ipc-mq recv --nowait --exec true "$q"
	rmq "$q"
}

@test "recv --exec and SIGTERM: the command gets it, its message goes back; 143" {
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	for flav in "$q" "--sysv $k"; do
		# shellcheck disable=SC2086
		echo job | ipc-mq send $flav
		# shellcheck disable=SC2086
		ipc-mq recv --exec 'exec sleep 60' $flav &
		pid=$!
		wait_for 100 pgrep -P "$pid" -x sleep
		kill -TERM "$pid"
		st=0
		wait "$pid" || st=$?
		[ "$st" -eq 143 ]
		! pgrep -P "$pid" -x sleep
		# shellcheck disable=SC2086
		run ipc-mq recv --nowait $flav
		assert_output job
	done
	rmq "$q"
	rmq --sysv "$k"
}

@test "recv --exec, --batch, --create: usage errors" {
	q=$(uniq_name)
	run -2 ipc-mq recv --exec true --json "$q"
	run -2 ipc-mq recv --exec true --batch "$q"
	run -2 ipc-mq recv --exec true --priority "$q"
	run -2 ipc-mq recv --jobs 2 "$q"
	run -2 ipc-mq recv --max-tries 2 "$q"
	run -2 ipc-mq recv --dead-letter x "$q"
	run -2 ipc-mq recv --exec true --jobs 0 "$q"
	run -2 ipc-mq recv --drain --timeout 1 "$q"
	run -2 ipc-mq recv --max-msgs 4 "$q"
	run -2 ipc-mq recv --create --max-bytes 4K "$q"
	run -1 ipc-mq stat "$q"
}

@test "recv --create: a receiver may start before the sender makes the queue" {
	q=$(uniq_name)
	randfile in 64
	ipc-mq recv --create --mode 0640 --msg-size 4K --raw "$q" >out &
	rpid=$!
	ipc-mq send --create --mode 0640 --msg-size 4K --raw --eof "$q" <in
	wait "$rpid"
	cmp in out
	[ "$(statf perms "$q")" = 0640 ]
	[ "$(statf msgsize "$q")" = 4096 ]
	rmq "$q"
}

@test "POSIX stat: ls --json's keys, ISO 8601 times, valid JSON" {
	q=$(uniq_name)
	ipc-mq create --max-msgs 4 "$q"
	printf 'ab\nc\n' | ipc-mq send "$q"
	run ipc-mq stat "$q"
	assert_line "flavour    posix"
	assert_line "msgs       2"
	assert_line "usedbytes  3"
	assert_line "maxmsgs    4"
	assert_line "perms      0600"
	assert_line --regexp '^ctime +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
	run "$PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(sorted(o), o["name"], o["msgs"], o["usedbytes"], type(o["ctime"]).__name__)' < <(ipc-mq stat --json "$q")
	assert_output "['ctime', 'flavour', 'gid', 'group', 'maxmsgs', 'msgs', 'msgsize', 'name', 'owner', 'perms', 'uid', 'usedbytes'] /$q 2 3 int"
	rmq "$q"
}

@test "valgrind: recv paced into a pipe, --exec with retries" {
	vg_setup
	q=$(uniq_name)
	ipc-mq create "$q"
	seq 3 | ipc-mq send "$q"
	run bash -c "vg ipc-mq recv $q | head -n 1; echo \${PIPESTATUS[0]}"
	assert_output "$(printf '1\n141')"
	run bash -c "vg ipc-mq recv --json --nowait $q | cat"
	assert_success
	assert_line --index 1 '{"data":"3","priority":0}'
	printf '3\nx\n' | ipc-mq send --eof "$q"
	run vg ipc-mq recv --jobs 2 --max-tries 2 --exec 'read -r m; [ "$m" != 3 ]' "$q"
	assert_failure 1
	rmq "$q"
}

# ---- System V keys and interop -------------------------------------------------

@test "SysV keys: hex, decimal and leading-0 octal name the same queue; stat shows 0x%08x" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	dec=$((k))
	oct=$(printf '0%o' "$k")
	echo via-dec | ipc-mq send --sysv "$dec"
	echo via-oct | ipc-mq send --sysv "$oct"
	run ipc-mq stat --sysv "$oct"
	assert_line "key        $(printf '0x%08x' "$k")"
	assert_line "msgs       2"
	run ipc-mq recv --sysv --nowait "$k"
	assert_output "$(printf 'via-dec\nvia-oct')"
	rmq --sysv "$k"
}

@test "SysV ftok path: the key is shown by stat, -v and --json; --proj changes it" {
	touch keyfile
	want=$("$PY" -c 'import sysv_ipc; print("0x%08x" % sysv_ipc.ftok("keyfile", 1, silence_warning=True))')
	want2=$("$PY" -c 'import sysv_ipc; print("0x%08x" % sysv_ipc.ftok("keyfile", 2, silence_warning=True))')
	run --separate-stderr ipc-mq create -v --sysv keyfile
	assert_success
	[[ $stderr == *"key $want (ftok of keyfile, proj 1)"* ]]
	run ipc-mq stat --sysv keyfile
	assert_line "key        $want"
	assert_line "file       keyfile"
	run ipc-mq stat --sysv --json keyfile
	assert_output --partial "\"key\":\"$want\""
	ipcs -q | grep -q "^$want "
	ipc-mq create --sysv --proj 2 keyfile
	ipcs -q | grep -q "^$want2 "
	rmq --sysv keyfile
	rmq --sysv --proj 2 keyfile
}

@test "SysV interop: an ipcmk queue works via id:N; ours shows in ipcs -q and goes with ipcrm" {
	id=$(ipcmk -Q | awk '{ print $NF }')
	seq 3 | ipc-mq send --sysv "id:$id"
	run ipc-mq stat --sysv "id:$id"
	assert_line "id         $id"
	assert_line "msgs       3"
	run ipc-mq recv --sysv --nowait "id:$id"
	assert_output "$(printf '1\n2\n3')"
	ipcrm -q "$id"
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	echo x | ipc-mq send --sysv "$k"
	ipcs -q | awk -v k="$k" '$1 == k { print $6 }' | grep -qx 1
	ipcrm -Q "$k"
	run -1 ipc-mq stat --sysv "$k"
}

@test "SysV key 0 (IPC_PRIVATE): create prints id:N, usable by that id" {
	run ipc-mq create --sysv 0
	assert_success
	assert_output --regexp '^id:[0-9]+$'
	id=$output
	echo hi | ipc-mq send --sysv "$id"
	run ipc-mq recv --sysv --nowait "$id"
	assert_output hi
	ipcrm -q "${id#id:}"
}

@test "SysV stat: messages, bytes, pids and times with ls --json's keys, valid JSON" {
	k=$(uniq_key)
	ipc-mq create --sysv "$k"
	printf 'abc\nde\n' | ipc-mq send --sysv "$k"
	ipc-mq recv --sysv --count 1 "$k" >/dev/null
	run ipc-mq stat --sysv "$k"
	assert_line "msgs       1"
	assert_line "usedbytes  2"
	assert_line "maxbytes   $(cat /proc/sys/kernel/msgmnb)"
	assert_line "perms      0600"
	assert_line --regexp '^lspid +[1-9][0-9]*$'
	assert_line --regexp '^lrpid +[1-9][0-9]*$'
	# ISO 8601 with the UTC offset
	assert_line --regexp '^recv +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
	assert_line --regexp '^owner +root \(0\)$'
	run "$PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
print(o["msgs"], o["usedbytes"], o["flavour"], o["perms"], o["key"] == sys.argv[1],
      type(o["lspid"]).__name__, o["owner"], o["uid"], o["cuid"], type(o["send"]).__name__)' "$k" < <(ipc-mq stat --sysv --json "$k")
	assert_output "1 2 sysv 0600 True int root 0 0 int"
	rmq --sysv "$k"
}

# ---- limits and permissions, as an unprivileged user ------------------------------

@test "case 16: limits as nobody: msg_max, msgsize_max, RLIMIT_MSGQUEUE, msgmnb are named" {
	cd "$(nobody_dir)"
	q=$(uniq_name)
	k=$(uniq_key)
	mm=$(cat /proc/sys/fs/mqueue/msg_max)
	ms=$(cat /proc/sys/fs/mqueue/msgsize_max)
	run --separate-stderr as_nobody ipc-mq create --max-msgs $((mm + 40)) "$q"
	assert_failure 1
	[ "$stderr" = "ipc-mq: create $q: queue depth $((mm + 40)) exceeds fs.mqueue.msg_max = $mm" ]
	run --separate-stderr as_nobody ipc-mq create --msg-size $((ms + 1)) "$q"
	assert_failure 1
	[ "$stderr" = "ipc-mq: create $q: message size $((ms + 1)) exceeds fs.mqueue.msgsize_max = $ms" ]
	run --separate-stderr as_nobody bash -c "ulimit -q 4096; ipc-mq create --max-msgs 10 --msg-size 1024 $q"
	assert_failure 1
	[[ $stderr == *"RLIMIT_MSGQUEUE (ulimit -q) = 4096 bytes"* ]]
	[[ $stderr != *"Too many open files"* ]]
	mnb=$(cat /proc/sys/kernel/msgmnb)
	run --separate-stderr as_nobody ipc-mq create --sysv --max-bytes $((mnb * 2)) "$k"
	assert_failure 1
	[[ $stderr == *"--max-bytes $((mnb * 2)) exceeds kernel.msgmnb = $mnb"* ]]
	# nothing was left behind by the failed creates
	run -1 ipc-mq stat "$q"
	run -1 ipc-mq stat --sysv "$k"
}

@test "case 16: limits: fs.mqueue.queues_max is named (in a private IPC namespace)" {
	q=$(uniq_name)
	run --separate-stderr unshare -i sh -c "echo 1 >/proc/sys/fs/mqueue/queues_max &&
		runuser -u nobody -- ipc-mq create $q.a &&
		runuser -u nobody -- ipc-mq create $q.b"
	assert_failure 1
	[ "$stderr" = "ipc-mq: create $q.b: too many queues: fs.mqueue.queues_max = 1 reached" ]
}

@test "permission denied is status 1, for both flavours" {
	q=$(uniq_name)
	k=$(uniq_key)
	cd "$(nobody_dir)"
	ipc-mq create "$q"
	ipc-mq create --sysv "$k"
	run --separate-stderr as_nobody ipc-mq send "$q" <<<x
	assert_failure 1
	[[ $stderr == "ipc-mq: send $q: "*"Permission denied" ]]
	run --separate-stderr as_nobody ipc-mq recv --sysv "$k"
	assert_failure 1
	[[ $stderr == *"Permission denied" ]]
	run -1 as_nobody ipc-mq stat "$q"
	# a queue opened to others works for them
	ipc-mq create --mode 0666 "$q.open"
	echo shared | as_nobody ipc-mq send "$q.open"
	run as_nobody ipc-mq recv --nowait "$q.open"
	assert_output shared
	rmq "$q"
	rmq "$q.open"
	rmq --sysv "$k"
}

# ---- completions -------------------------------------------------------------------

@test "bash completion offers verbs, options and existing queue names" {
	q=$(uniq_name)
	ipc-mq create "$q"
	run with_mqueue bash -c "source '$TOP/completions/bash/ipc-mq'
		COMP_WORDS=(ipc-mq recv ''); COMP_CWORD=2; _ipc_mq ipc-mq '' recv
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_success
	assert_line "$q"
	run bash -c "source '$TOP/completions/bash/ipc-mq'
		COMP_WORDS=(ipc-mq send --); COMP_CWORD=2; _ipc_mq ipc-mq -- send
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_line --partial -- --priority
	assert_line --partial -- --eof
	rmq "$q"
}

@test "bash completion: names with blanks and non-ASCII bytes complete whole; recv's new options" {
	q=$(uniq_name)
	ipc-mq create "$q x"
	ipc-mq create "$q-$(printf '\303\251')"
	run with_mqueue bash -c "source '$TOP/completions/bash/ipc-mq'
		for w in '$q' '$q\\ ' '\"$q x' '$q-'; do
			COMP_WORDS=(ipc-mq recv \"\$w\"); COMP_CWORD=2; _ipc_mq ipc-mq \"\$w\" recv
			printf '%s|' \"\$w\" \"\${COMPREPLY[@]}\"; echo
		done"
	assert_success
	assert_line --index 0 "$q|$(printf '%q' "$q x")|$(printf '%q' "$q-$(printf '\303\251')")|"
	assert_line --index 1 "$q\\ |$(printf '%q' "$q x")|"
	assert_line --index 2 "\"$q x|$(printf '%q' "$q x")|"
	assert_line --index 3 "$q-|$(printf '%q' "$q-$(printf '\303\251')")|"
	run bash -c "source '$TOP/completions/bash/ipc-mq'
		COMP_WORDS=(ipc-mq recv --); COMP_CWORD=2; _ipc_mq ipc-mq -- recv
		printf '%s\n' \"\${COMPREPLY[@]}\""
	for o in --batch --exec --jobs --max-tries --dead-letter --create; do
		assert_line -- "$o"
	done
	rmq "$q x"
	rmq "$q-$(printf '\303\251')"
}
