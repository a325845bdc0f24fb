#!/usr/bin/env bats
# shm.bats - ipc-shm: segments (create, write, read, stat, ls, rm, limits),
# POSIX and System V, and the stream ring of send and recv

load helpers
bats_require_minimum_version 1.5.0

# remove segments if they are still there (POSIX names, or --sysv KEYs)
rmseg() {
	ipc-shm rm "$@" >/dev/null 2>&1 || true
}

# the value of one field of "ipc-shm stat"
statf() {
	local f=$1
	shift
	ipc-shm stat "$@" | awk -v f="$f" '$1 == f { print $2 }'
}

# a process has ended (reaped or a zombie)
gone() {
	! kill -0 "$1" 2>/dev/null || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# the ring of a name exists / does not
ring_there() {
	[ -e "/dev/shm/$1.ring" ]
}

ring_absent() {
	[ ! -e "/dev/shm/$1.ring" ]
}

# ---- usage, names, creation -------------------------------------------------

@test "case 5: usage errors and hostile operands are status 2 with one line, nothing made" {
	local n k bad
	n=$(uniq_name)
	k=$(uniq_key)
	run --separate-stderr ipc-shm create "$n"
	assert_failure 2
	[ -z "$output" ]
	[[ $stderr == "ipc-shm: create: --size is required"* ]]
	run -2 ipc-shm create --size 0 "$n"
	run -2 ipc-shm create --size -1 "$n"
	run -2 ipc-shm create --size 1x "$n"
	run -2 ipc-shm create --size 99999999999999999999 "$n"
	run -2 ipc-shm create --sysv --size 1K id:3
	run -2 ipc-shm create --size 1K "$n" "$n"
	run -2 ipc-shm write --mode 0644 "$n" </dev/null
	run -2 ipc-shm write --offset -1 "$n" </dev/null
	run -2 ipc-shm read --length x "$n"
	run -2 ipc-shm read --proj 3 "$n"
	run -2 ipc-shm send --sysv "$n" </dev/null
	run -2 ipc-shm recv --offset 3 "$n"
	run -2 ipc-shm send --size 0 "$n" </dev/null
	run -2 ipc-shm recv --nowait --timeout 1 "$n"
	for bad in "a/b" "/" "" "." "$(head -c 300 /dev/zero | tr '\0' a)"; do
		run --separate-stderr ipc-shm create --size 1K "$bad"
		assert_failure 2
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		run -2 ipc-shm send "$bad" </dev/null
	done
	# a name that fits NAME_MAX but not with ".ring" after it
	run --separate-stderr ipc-shm recv "$(head -c 252 /dev/zero | tr '\0' a)"
	assert_failure 2
	[[ $stderr == *"too long for a ring"* ]]
	for bad in 0x 0xzz 4294967296 08 id: id:x; do
		run -2 ipc-shm stat --sysv "$bad"
	done
	run -2 ipc-shm stat --sysv --proj 256 /etc/passwd
	# nothing was made by any of them
	run -1 ipc-shm stat "$n"
	[ ! -e "/dev/shm/$n" ] && ring_absent "$n"
}

@test "case 18: create: NAME and /NAME are one segment; an existing one is never adopted, both flavours" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	run ipc-shm create --size 1K "$n"
	assert_success
	assert_output ''
	run --separate-stderr ipc-shm create --size 2K "/$n"
	assert_failure 1
	[ "$stderr" = "ipc-shm: create /$n: segment already exists" ]
	[ "$(statf size "/$n")" = 1024 ]
	run ipc-shm create --sysv --size 4K "$k"
	assert_success
	run --separate-stderr ipc-shm create --sysv --size 4K "$k"
	assert_failure 1
	[ "$stderr" = "ipc-shm: create $k: segment already exists" ]
	# another user's segment under that key: not adopted either
	rmseg --sysv "$k"
	as_nobody ipc-shm create --sysv --size 4K --mode 0666 "$k"
	run -1 ipc-shm create --sysv --size 4K "$k"
	[ "$(statf owner --sysv "$k")" = nobody ]
	rmseg --sysv "$k"
	rmseg "$n"
}

@test "create: mode is 0600 under umask 000, and exactly --mode under umask 077 (segments and rings)" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	umask 000
	ipc-shm create --size 1K "$n"
	[ "$(statf perms "$n")" = 0600 ]
	[ "$(stat -c %a "/dev/shm/$n")" = 600 ]
	ipc-shm create --sysv --size 1K "$k"
	[ "$(statf perms --sysv "$k")" = 0600 ]
	ipcs -m | awk -v k="$k" '$1 == k { print $4 }' | grep -qx 600
	echo x | ipc-shm send --keep "$n" &
	wait_for 100 ring_there "$n"
	[ "$(stat -c %a "/dev/shm/$n.ring")" = 600 ]
	ipc-shm recv "$n" >/dev/null
	wait
	rmseg "$n" "$n.ring"
	rmseg --sysv "$k"
	umask 077
	ipc-shm create --size 1K --mode 0644 "$n"
	[ "$(statf perms "$n")" = 0644 ]
	ipc-shm create --sysv -m 0640 --size 1K "$k"
	[ "$(statf perms --sysv "$k")" = 0640 ]
	echo x | ipc-shm write --create --mode 0660 "$n.w"
	[ "$(statf perms "$n.w")" = 0660 ]
	rmseg "$n" "$n.w"
	rmseg --sysv "$k"
}

# ---- write and read ------------------------------------------------------------

@test "write/read: offsets, --length, and what fits is written before the overflow message" {
	local n
	n=$(uniq_name)
	ipc-shm create --size 16 "$n"
	run ipc-shm read "$n"
	assert_success
	[ "$(ipc-shm read "$n" | od -An -c | tr -d ' \n')" = "$(printf '\\0%.0s' $(seq 16))" ]
	printf 'hello' | ipc-shm write "$n"
	printf 'XY' | ipc-shm write --offset 3 "$n"
	run ipc-shm read --length 5 "$n"
	assert_output helXY
	run ipc-shm read --offset 3 --length 2 "$n"
	assert_output XY
	run --separate-stderr ipc-shm write --offset 10 "$n" <<<"0123456789"
	assert_failure 1
	[ "$stderr" = "ipc-shm: write $n: input runs past the end of the segment: 6 bytes written at offset 10, the segment's size is 16 bytes" ]
	run ipc-shm read --offset 10 "$n"
	assert_output 012345
	# exactly filling it is no overflow
	run ipc-shm write --offset 14 "$n" < <(printf 'ab')
	assert_success
	run --separate-stderr ipc-shm write --offset 17 "$n" <<<x
	assert_failure 1
	[ "$stderr" = "ipc-shm: write $n: offset 17 is past the end of the segment (size 16 bytes)" ]
	run --separate-stderr ipc-shm read --offset 12 --length 10 "$n"
	assert_failure 1
	[ "$output" = "3" ] || [ "$(printf '%s' "$output" | wc -c)" -eq 4 ]
	[[ $stderr == *"--length 10 runs past the end of the segment: 4 bytes read from offset 12, the segment's size is 16 bytes" ]]
	run -1 ipc-shm read --offset 17 "$n"
	run -0 ipc-shm read --offset 16 "$n"
	assert_output ''
	rmseg "$n"
}

@test "write/read: 4 MiB of random bytes byte for byte, POSIX and System V, offsets in K" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	randfile in 4096
	ipc-shm create --size 5M "$n"
	ipc-shm write --offset 1K "$n" <in
	ipc-shm read --offset 1K --length 4M "$n" | cmp - in
	cat in | ipc-shm write "$n"
	ipc-shm read --length 4M "$n" | cmp - in
	ipc-shm create --sysv --size 4M "$k"
	cat in | ipc-shm write --sysv "$k"
	ipc-shm read --sysv "$k" | cmp - in
	rmseg "$n"
	rmseg --sysv "$k"
}

@test "write --create: sized to the input from a file or a pipe, with an offset; adopts an existing one" {
	local n k id
	n=$(uniq_name)
	k=$(uniq_key)
	randfile in 300
	ipc-shm write --create "$n.f" <in
	[ "$(statf size "$n.f")" = 307200 ]
	ipc-shm read "$n.f" | cmp - in
	cat in | ipc-shm write --create --offset 100 "$n.p"
	[ "$(statf size "$n.p")" = 307300 ]
	ipc-shm read --offset 100 "$n.p" | cmp - in
	# an existing segment is written as it is, with the usual overflow rule
	run --separate-stderr ipc-shm write --create "$n.f" <<<"short"
	assert_success
	[ "$(statf size "$n.f")" = 307200 ]
	run ipc-shm read --length 5 "$n.f"
	assert_output short
	run --separate-stderr ipc-shm write --create "$n.e" </dev/null
	assert_failure 1
	[[ $stderr == *"empty input: no segment made"* ]]
	run -1 ipc-shm stat "$n.e"
	cat in | ipc-shm write --sysv --create "$k"
	[ "$(statf size --sysv "$k")" = 307200 ]
	ipc-shm read --sysv "$k" | cmp - in
	# key 0: a new private segment, its id printed
	run ipc-shm write --sysv --create 0 <<<"private"
	assert_success
	assert_output --regexp '^id:[0-9]+$'
	id=${output#id:}
	run ipc-shm read --sysv --length 7 "id:$id"
	assert_output private
	ipcrm -m "$id"
	rmseg "$n.f" "$n.p"
	rmseg --sysv "$k"
}

@test "a missing segment is status 1 'no such segment'; a write error and a closed stdout are reported" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	run --separate-stderr ipc-shm read "$n"
	assert_failure 1
	[ "$stderr" = "ipc-shm: read $n: no such segment" ]
	run -1 ipc-shm write "$n" <<<x
	run -1 ipc-shm stat "$n"
	run --separate-stderr ipc-shm read --sysv "$k"
	assert_failure 1
	[ "$stderr" = "ipc-shm: read $k: no such segment" ]
	run -1 ipc-shm stat --sysv "$k"
	ipc-shm create --size 1M "$n"
	run --separate-stderr bash -c "ipc-shm read $n >/dev/full"
	assert_failure 1
	[[ $stderr == *"write error on stdout"* ]]
	run bash -c "ipc-shm read $n | head -c1 >/dev/null; echo \${PIPESTATUS[0]}"
	assert_output 141
	run bash -c "trap '' PIPE; ipc-shm read $n | head -c1 >/dev/null; echo \${PIPESTATUS[0]}"
	assert_output 141
	rmseg "$n"
}

# ---- stat, keys, interop ---------------------------------------------------------

@test "stat: POSIX and System V keys and values, text and JSON (python3)" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-shm create --size 3K "$n"
	run ipc-shm stat "$n"
	assert_success
	assert_line "flavour    posix"
	assert_line "type       shm"
	assert_line "name       /$n"
	assert_line "owner      root (0)"
	assert_line "size       3072"
	assert_line --regexp '^ctime +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
	run bash -c "ipc-shm stat --json $n | $PY -c 'import json, sys; d = json.load(sys.stdin); assert d[\"size\"] == 3072 and d[\"perms\"] == \"0600\" and d[\"uid\"] == 0 and type(d[\"ctime\"]) is int, d; print(\"ok\")'"
	assert_output ok
	ipc-shm create --sysv --size 5000 "$k"
	echo x | ipc-shm write --sysv "$k"
	run ipc-shm stat --sysv "$k"
	assert_line "key        $k"
	assert_line "size       5000"
	assert_line "nattch     0"
	assert_line "status     -"
	assert_line --regexp '^cpid +[0-9]+$'
	assert_line --regexp '^lpid +[0-9]+$'
	run bash -c "ipc-shm stat --sysv --json $k | $PY -c 'import json, sys; d = json.load(sys.stdin); assert d[\"key\"] == \"$k\" and d[\"size\"] == 5000 and d[\"nattch\"] == 0 and d[\"cpid\"] > 0 and type(d[\"attach\"]) is int and d[\"status\"] is None, d; print(\"ok\")'"
	assert_output ok
	rmseg "$n"
	rmseg --sysv "$k"
}

@test "SysV keys: hex, decimal and octal name one segment; an ftok path with --proj; stat names the file" {
	local k dec oct
	k=$(uniq_key)
	dec=$((k))
	oct=0$(printf '%o' "$k")
	ipc-shm create --sysv --size 1K "$k"
	echo dec | ipc-shm write --sysv "$dec"
	run ipc-shm read --sysv --length 3 "$oct"
	assert_output dec
	rmseg --sysv "$k"
	: >keyfile
	ipc-shm create --sysv --proj 7 --size 1K ./keyfile
	run ipc-shm stat --sysv --proj 7 ./keyfile
	assert_line "file       ./keyfile"
	assert_line "proj       7"
	fk=$(ipc-shm stat --sysv --proj 7 ./keyfile | awk '$1 == "key" { print $2 }')
	run -1 ipc-shm stat --sysv --proj 8 ./keyfile
	ipc-shm rm --sysv "$fk" >/dev/null
}

@test "interop: an ipcmk -M segment is used by key and id:N; ours shows in ipcs -m and goes with ipcrm" {
	local k id
	id=$(ipcmk -M 4096 | awk '{ print $NF }')
	k=$(ipcs -m | awk -v id="$id" '$2 == id { print $1 }')
	echo hello | ipc-shm write --sysv "id:$id"
	run ipc-shm read --sysv --length 5 "$k"
	assert_output hello
	run ipc-shm ls --sysv --noheadings -o id,size
	assert_line --regexp "^ *$id +4096\$"
	ipcrm -m "$id"
	k=$(uniq_key)
	ipc-shm create --sysv --size 8K "$k"
	ipcs -m | awk -v k="$k" '$1 == k { print $5 }' | grep -qx 8192
	ipcrm -M "$k"
	run -1 ipc-shm stat --sysv "$k"
	run ipcs -m
	refute_output --partial "$k"
}

@test "ls --json: segments and a ring, parsed by python3; ls -o type marks the ring" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-shm create --size 100 "$n"
	ipc-shm create --sysv --size 200 "$k"
	echo data | ipc-shm send --keep "$n"x &
	wait_for 100 ring_there "${n}x"
	run bash -c "ipc-shm ls --json | $PY -c '
import json, sys
rows = json.load(sys.stdin)
mine = [r for r in rows if (r[\"name\"] or \"\").startswith(\"/$n\") or r[\"key\"] == \"$k\"]
seg = [r for r in mine if r[\"name\"] == \"/$n\"][0]
ring = [r for r in mine if r[\"name\"] == \"/${n}x.ring\"][0]
sysv = [r for r in mine if r[\"key\"] == \"$k\"][0]
assert seg[\"size\"] == 100 and seg[\"key\"] is None and seg[\"id\"] is None, seg
assert ring[\"size\"] == 4096 + 1048576, ring
assert sysv[\"size\"] == 200 and sysv[\"name\"] is None and type(sysv[\"id\"]) is int, sysv
print(\"ok\", len(mine))'"
	assert_output "ok 3"
	run ipc-shm ls --posix --noheadings -o name,type
	assert_line --regexp "^/${n}x\\.ring +ring\$"
	assert_line --regexp "^/$n +shm\$"
	ipc-shm recv "${n}x" >/dev/null
	wait
	rmseg "$n" "${n}x.ring"
	rmseg --sysv "$k"
}

# ---- limits ------------------------------------------------------------------------

@test "case 17: as nobody: kernel.shmmax, shmall and shmmni are named (private IPC namespace)" {
	local k
	k=$(uniq_key)
	run --separate-stderr unshare -i bash -c "
	    echo 4096 >/proc/sys/kernel/shmmax; echo 2 >/proc/sys/kernel/shmmni
	    echo 16 >/proc/sys/kernel/shmall
	    runuser -u nobody -- ipc-shm create --sysv --size 8K $k; echo \$?
	    runuser -u nobody -- ipc-shm create --sysv --size 4K 0x7ef00001
	    runuser -u nobody -- ipc-shm create --sysv --size 4K 0x7ef00002
	    runuser -u nobody -- ipc-shm create --sysv --size 4K 0x7ef00003; echo \$?
	    runuser -u nobody -- ipc-shm limits --sysv --noheadings
	    ipcrm -M 0x7ef00002; echo 1048576 >/proc/sys/kernel/shmmax
	    runuser -u nobody -- ipc-shm create --sysv --size 64K 0x7ef00004; echo \$?"
	assert_success
	assert_line --index 0 1
	assert_line --index 1 1
	[ "${lines[${#lines[@]}-1]}" = 1 ]
	assert_line --regexp '^kernel\.shmmni +2 +2 '
	[[ $stderr == *"create $k: size 8.0KiB (8192 bytes) exceeds kernel.shmmax = 4096"* ]]
	[[ $stderr == *"create 0x7ef00003: too many segments: kernel.shmmni = 2 reached"* ]]
	[[ $stderr == *"create 0x7ef00004: a segment of 64KiB (65536 bytes) needs 16 pages: kernel.shmall = 16 pages, 1 in use"* ]]
}

@test "case 17: /dev/shm too small or full: create, write and the ring say so, naming its size" {
	local n
	n=$(uniq_name)
	run --separate-stderr unshare -m --propagation private bash -c "
	    mount -t tmpfs -o size=2M,mode=1777 tmpfs /dev/shm
	    runuser -u nobody -- ipc-shm create --size 3M $n; echo \$?
	    runuser -u nobody -- ipc-shm create --size 1536K $n
	    head -c 1M /dev/zero >/dev/shm/filler
	    head -c 1536K /dev/urandom | runuser -u nobody -- ipc-shm write $n; echo \$?
	    runuser -u nobody -- ipc-shm send --size 4M $n </dev/null; echo \$?
	    ls /dev/shm"
	assert_success
	assert_line --index 0 1
	assert_line --index 1 1
	assert_line --index 2 1
	refute_line "$n.ring"
	[[ $stderr == *"create $n: size 3.0MiB (3145728 bytes) exceeds the size of /dev/shm: 2.0MiB (2097152 bytes)"* ]]
	[[ $stderr == *"write $n: no memory for the segment's pages: /dev/shm is full (size 2.0MiB, 0B free) ("*" bytes written)"* ]]
	[[ $stderr == *"send $n: a ring of 4.0MiB does not fit in /dev/shm (size 2.0MiB, "*" free)"* ]]
}

@test "limits: kernel.shmmax, shmall, shmmni and /dev/shm, text and JSON" {
	run ipc-shm limits
	assert_success
	assert_line --regexp "^kernel\\.shmmax +$(cat /proc/sys/kernel/shmmax) "
	assert_line --regexp '^kernel\.shmmni '
	assert_line --regexp '^/dev/shm '
	run bash -c "ipc-shm limits --json | $PY -c 'import json, sys; print(sorted(r[\"name\"] for r in json.load(sys.stdin)))'"
	assert_output "['/dev/shm', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni']"
}

@test "permission denied is status 1, for both flavours, and another user's ring is not joined" {
	local n k
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-shm create --size 1K "$n"
	ipc-shm create --sysv --size 1K "$k"
	run --separate-stderr as_nobody ipc-shm read "$n"
	assert_failure 1
	[[ $stderr == *"Permission denied"* ]]
	run -1 as_nobody ipc-shm write --sysv "$k" <<<x
	run -1 as_nobody ipc-shm read --sysv "$k"
	rmseg "$n"
	rmseg --sysv "$k"
	# a ring of another user, even one anybody may write, needs --mode
	echo shared | as_nobody ipc-shm send --mode 0666 "$n" &
	wait_for 100 ring_there "$n"
	run --separate-stderr ipc-shm recv "$n"
	assert_failure 1
	[[ $stderr == *"the ring belongs to nobody: give --mode to join another user's ring"* ]]
	run --separate-stderr ipc-shm recv --mode 0600 "$n"
	assert_failure 1
	[[ $stderr == *"the ring has mode 0666, wider than 0600: not joined (give --mode 0666 to join it)"* ]]
	run ipc-shm recv --mode 0666 "$n"
	assert_success
	assert_output shared
	wait
	wait_for 50 ring_absent "$n"
}

# ---- the stream ring ---------------------------------------------------------------

@test "ring: 256 MiB of random bytes byte for byte, in order, and the ring is gone after" {
	local n
	n=$(uniq_name)
	head -c 256M /dev/urandom >big
	ipc-shm send "$n" <big &
	run --separate-stderr bash -c "ipc-shm recv $n | cmp - big && echo same"
	assert_success
	assert_output same
	wait $!
	ring_absent "$n"
	rm -f big
}

@test "ring: through pipes at both ends, a small ring, and empty input (EOF reaches the consumer)" {
	local n
	n=$(uniq_name)
	randfile in 3000
	cat in | ipc-shm send --size 8K "$n" &
	ipc-shm recv "$n" | cat >out
	wait $!
	cmp in out
	ipc-shm send "$n" </dev/null &
	run ipc-shm recv "$n"
	assert_success
	assert_output ''
	wait $!
	ring_absent "$n"
}

@test "ring: the consumer starting late gets everything; the producer waits for it, then exits 0" {
	local n p
	n=$(uniq_name)
	randfile in 600
	ipc-shm send --size 64K "$n" <in &
	p=$!
	wait_for 100 ring_there "$n"
	sleep 1
	# the producer filled the ring and waits
	! gone "$p"
	[ "$(statf used "$n.ring")" = 65536 ]
	[ "$(statf consumer "$n.ring")" = none ]
	ipc-shm recv "$n" >out
	wait "$p"
	cmp in out
	ring_absent "$n"
}

@test "ring: the consumer first; the producer joins its ring; -v says who made it" {
	local n c
	n=$(uniq_name)
	ipc-shm recv -v --size 32K "$n" >out 2>err &
	c=$!
	wait_for 100 ring_there "$n"
	run --separate-stderr bash -c "seq 100000 | ipc-shm send -v --size 1M $n"
	assert_success
	[[ $stderr == *"joined ring /$n.ring of 32KiB as the producer"* ]]
	[[ $stderr == *"588895 bytes sent and taken"* ]]
	wait "$c"
	grep -q "created ring /$n.ring of 32KiB as the consumer" err
	seq 100000 | cmp - out
}

@test "case 19: producer SIGKILLed mid-stream: the consumer writes what it had, exits 1 in bounded time; ring removed" {
	local n p c st
	n=$(uniq_name)
	{ cat /dev/zero | ipc-shm send "$n"; } 2>/dev/null &
	wait_for 100 ring_there "$n"
	p=$(pgrep -f -n "^ipc-shm send $n\$")
	ipc-shm recv "$n" >/dev/null 2>err &
	c=$!
	sleep 0.5
	kill -KILL "$p"
	st=0
	timeout 10 bash -c "while kill -0 $c 2>/dev/null; do sleep 0.1; done" || st=$?
	[ "$st" -eq 0 ]
	st=0
	wait "$c" || st=$?
	[ "$st" -eq 1 ]
	grep -q "recv $n: producer gone (pid $p died) before the end of the stream (.* bytes received)" err
	ring_absent "$n"
}

@test "case 19: consumer SIGKILLed mid-stream: the producer exits 1 'consumer gone' in bounded time, with the bytes not delivered" {
	local n p c st
	n=$(uniq_name)
	head -c 64M /dev/zero >in
	ipc-shm send "$n" <in 2>err &
	p=$!
	wait_for 100 ring_there "$n"
	{ ipc-shm recv "$n" | { sleep 300; cat >/dev/null; }; } &
	wait_for 100 pgrep -f "^ipc-shm recv $n\$"
	c=$(pgrep -f -n "^ipc-shm recv $n\$")
	sleep 0.5
	kill -KILL "$c"
	st=0
	timeout 10 bash -c "while kill -0 $p 2>/dev/null; do sleep 0.1; done" || st=$?
	[ "$st" -eq 0 ]
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 1 ]
	# all of stdin is accounted for, exactly (a regular file)
	grep -qE "send $n: consumer gone \\(pid $c died\\) after [0-9]+ bytes: [0-9]+ bytes not delivered \\([0-9]+ left in the ring, [0-9]+ more of stdin\\)\$" err
	sent=$(sed -E 's/.* after ([0-9]+) bytes.*/\1/' err)
	lost=$(sed -E 's/.*: ([0-9]+) bytes not delivered.*/\1/' err)
	[ $((sent + lost)) -eq $((64 << 20)) ]
	ring_absent "$n"
	pkill -f "sleep 300" || true
}

@test "ring: a second producer or consumer is refused with a clear message; the stream is untouched" {
	local n p c
	n=$(uniq_name)
	mkfifo feed
	ipc-shm send "$n" <feed &
	p=$!
	exec 8>feed
	wait_for 100 ring_there "$n"
	run --separate-stderr ipc-shm send "$n" <<<intruder
	assert_failure 1
	[ "$stderr" = "ipc-shm: send $n: the ring is busy: another producer (pid $p) is attached" ]
	ipc-shm recv "$n" >out 3>&- 8>&- &
	c=$!
	wait_for 100 eval '[ "$(statf consumer "$n.ring")" = on ]'
	run --separate-stderr ipc-shm recv "$n"
	assert_failure 1
	[ "$stderr" = "ipc-shm: recv $n: the ring is busy: another consumer (pid $c) is attached" ]
	echo payload >&8
	exec 8>&-
	wait "$p"
	wait "$c"
	[ "$(cat out)" = payload ]
	ring_absent "$n"
}

@test "case 1: recv | head -c1: 141, quietly; the producer exits 1 'consumer gone' with the bytes not delivered" {
	local n ign
	for ign in "" "trap '' PIPE;"; do
		n=$(uniq_name)
		ipc-shm send "$n" < <(head -c 32M /dev/zero) 2>err &
		run --separate-stderr timeout 30 bash -c "$ign ipc-shm recv $n | head -c1 >/dev/null; echo \${PIPESTATUS[0]}"
		assert_success
		assert_output 141
		[ -z "$stderr" ]
		st=0
		wait $! || st=$?
		[ "$st" -eq 1 ]
		grep -qE "send $n: consumer gone after [0-9]+ bytes: (at least )?[0-9]+ bytes not delivered" err
		ring_absent "$n"
	done
}

@test "ring: a waiting recv notices that the reader of its stdout has gone" {
	local n
	n=$(uniq_name)
	mkfifo feed
	ipc-shm send "$n" <feed &
	exec 8>feed
	echo first >&8
	run timeout 20 bash -c "ipc-shm recv $n | head -n 1; echo \${PIPESTATUS[0]}"
	assert_success
	assert_output "first
141"
	exec 8>&-
	wait $! || true
	ring_absent "$n"
}

@test "case 4: SIGTERM, SIGINT and SIGHUP on either side: re-raised, the other exits 1, the ring is removed" {
	local n p c sig st
	for sig in TERM INT HUP; do
		n=$(uniq_name)
		{ cat /dev/zero | ipc-shm send "$n"; } 2>/dev/null &
		wait_for 100 ring_there "$n"
		p=$(pgrep -f -n "^ipc-shm send $n\$")
		ipc-shm recv "$n" >/dev/null 2>err &
		c=$!
		sleep 0.3
		kill -"$sig" "$p"
		st=0
		wait "$c" || st=$?
		[ "$st" -eq 1 ]
		grep -q "producer stopped before the end of the stream" err
		wait_for 50 ring_absent "$n"
	done
	n=$(uniq_name)
	ipc-shm send "$n" < <(head -c 64M /dev/zero) 2>err &
	p=$!
	wait_for 100 ring_there "$n"
	{ ipc-shm recv "$n" | sleep 300; } &
	wait_for 100 pgrep -f "^ipc-shm recv $n\$"
	c=$(pgrep -f -n "^ipc-shm recv $n\$")
	kill -TERM "$c"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 1 ]
	grep -q "consumer gone after" err
	wait_for 50 ring_absent "$n"
	pkill -f "sleep 300" || true
	# alone, waiting: the ring it made goes with it
	n=$(uniq_name)
	ipc-shm recv "$n" &
	c=$!
	wait_for 100 ring_there "$n"
	kill -TERM "$c"
	st=0
	wait "$c" || st=$?
	[ "$st" -eq 143 ]
	ring_absent "$n"
}

@test "case 3: SIGSTOP/SIGCONT of either side mid-transfer: the output equals the input" {
	local n p c
	n=$(uniq_name)
	head -c 32M /dev/urandom >in
	ipc-shm send --size 64K "$n" <in &
	p=$!
	wait_for 100 ring_there "$n"
	ipc-shm recv "$n" >out 3>&- &
	c=$!
	kill -STOP "$c"
	sleep 0.3
	kill -CONT "$c"
	kill -STOP "$p"
	sleep 0.3
	kill -CONT "$p"
	wait "$p"
	wait "$c"
	cmp in out
}

@test "ring: --timeout and --nowait: 124 when the other side does not come; the ring is gone" {
	local n
	n=$(uniq_name)
	run --separate-stderr ipc-shm recv --nowait "$n"
	assert_failure 124
	[ "$stderr" = "ipc-shm: recv $n: no producer is there (--nowait)" ]
	ring_absent "$n"
	run --separate-stderr ipc-shm recv --timeout 300ms "$n"
	assert_failure 124
	[ "$stderr" = "ipc-shm: recv $n: no producer came within 0.3s" ]
	ring_absent "$n"
	run --separate-stderr ipc-shm send --timeout 1 "$n" < <(head -c 10000 /dev/zero)
	assert_failure 124
	[ "$stderr" = "ipc-shm: send $n: no consumer came within 1.0s: 10000 bytes not delivered" ]
	ring_absent "$n"
	run -124 ipc-shm send -q --nowait "$n" </dev/null
	[ -z "$output" ]
	ring_absent "$n"
}

@test "ring: --keep leaves it, stat shows its stream; a new pair reuses it; a broken one is refused" {
	local n
	n=$(uniq_name)
	printf 'one' | ipc-shm send --keep --size 5K "$n" &
	# either side may make the ring: both ask for the same size
	run ipc-shm recv --size 5K "$n"
	assert_output one
	wait $!
	run ipc-shm stat "$n.ring"
	assert_line "type       ring"
	assert_line "ringsize   8192"
	assert_line "producer   done"
	assert_line "consumer   done"
	assert_line "written    3"
	assert_line "keep       yes"
	printf 'two' | ipc-shm send "$n" &
	run ipc-shm recv "$n"
	assert_output two
	wait $!
	ring_there "$n"
	rmseg "$n.ring"
	# not a ring at all: refused, untouched
	echo plain >"/dev/shm/$n.ring"
	run --separate-stderr ipc-shm recv "$n"
	assert_failure 1
	[[ $stderr == *"not a ring this version can use: shorter than a ring's header" ]]
	[ "$(cat "/dev/shm/$n.ring")" = plain ]
	rmseg "$n.ring"
}

@test "case 4: the leftover ring of a SIGKILLed pair is listed by ls --stale and removed by rm --all --stale (as nobody)" {
	local n
	n=$(uniq_name)
	cd "$(nobody_dir)"
	run --separate-stderr as_nobody bash -c "
	    ipc-shm send $n </dev/zero 2>/dev/null & p=\$!
	    ipc-shm recv $n >/dev/null 2>&1 & c=\$!
	    sleep 0.5
	    ipc-shm ls --stale -o name --noheadings
	    kill -KILL \$p \$c; wait
	    echo killed
	    ipc-shm ls --stale -o name,type,stale --noheadings
	    ipc-shm rm --all --stale
	    ls /dev/shm"
	assert_success
	assert_line --index 0 killed
	assert_line --regexp "^/$n\\.ring +ring +no process has it open or mapped\$"
	assert_line "posix /$n.ring"
	refute_line "$n.ring"
}

@test "ls --stale: a segment mapped with no descriptor open is not stale; once unmapped it is (as nobody)" {
	local n py
	n=$(uniq_name)
	cd "$(nobody_dir)"
	as_nobody ipc-shm create --size 8K "$n"
	mkfifo hold
	chmod 666 hold
	as_nobody "$PY" -c "
import ctypes, os, sys
# mmap(2) itself: Python's mmap module keeps a descriptor open
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
    ctypes.c_int, ctypes.c_int, ctypes.c_long]
f = os.open('/dev/shm/$n', os.O_RDWR)
assert libc.mmap(None, 8192, 3, 1, f, 0) not in (None, 2**64 - 1)
os.close(f)
print(os.getpid(), flush=True)
open('hold').read()" >py.pid &
	py=$!
	wait_for 100 test -s py.pid
	run --separate-stderr as_nobody ipc-shm ls --stale -v -o name --noheadings
	[[ $output != *"/$n"* ]]
	[[ $stderr == *"ipc-shm: ls /$n: not stale: mapped in pid $(cat py.pid) (python3)"* ]]
	echo >hold
	wait "$py"
	run as_nobody ipc-shm ls --stale -o name --noheadings
	assert_line "/$n"
	as_nobody ipc-shm rm "$n" >/dev/null
}

@test "ring: a program of another language is one end, by the man page's layout (python3 consumer)" {
	local n
	n=$(uniq_name)
	randfile in 2000
	cat >consumer.py <<'EOF'
import ctypes, fcntl, mmap, os, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
SYS_futex = {"x86_64": 202, "aarch64": 98}[os.uname().machine]
path = "/dev/shm/" + sys.argv[1] + ".ring"
while True:
    try:
        fd = os.open(path, os.O_RDWR)
        break
    except FileNotFoundError:
        time.sleep(0.01)
st = os.fstat(fd)
m = mmap.mmap(fd, st.st_size)
base = ctypes.addressof(ctypes.c_char.from_buffer(m))
assert m[0:8] == b"IPCKRING"
version, hdrsize, size = struct.unpack_from("=IIQ", m, 8)
assert version == 1 and hdrsize == 4096 and size + 4096 == st.st_size
# whole aligned loads and stores (struct.pack_into writes byte by byte,
# and the other side could see a torn count)
u32 = lambda off: ctypes.c_uint32.from_buffer(m, off).value
u64 = lambda off: ctypes.c_uint64.from_buffer(m, off).value
def put64(off, v):
    ctypes.c_uint64.from_buffer(m, off).value = v
class timespec(ctypes.Structure):
    _fields_ = [("s", ctypes.c_long), ("ns", ctypes.c_long)]
def wake(off):
    if u32(off) != 0:
        struct.pack_into("=I", m, off, 0)
        libc.syscall(SYS_futex, ctypes.c_void_p(base + off), 1, 1, None, None, 0)
def sleep(off):
    libc.syscall(SYS_futex, ctypes.c_void_p(base + off), 0, 1,
                 ctypes.byref(timespec(0, 200000000)), None, 0)
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 2)                    # attach lock
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 1)    # the consumer's byte
assert u32(136) == 0
struct.pack_into("=i", m, 140, os.getpid())
struct.pack_into("=I", m, 136, 1)
wake(256)
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 2)
tail = u64(128)
out = sys.stdout.buffer
while True:
    ps = u32(72)
    head = u64(64)
    if head != tail:
        off = tail % size
        n = min(head - tail, size - off)
        out.write(m[4096 + off:4096 + off + n])
        tail += n
        put64(128, tail)
        wake(256)
        continue
    if ps == 2:
        break
    struct.pack_into("=I", m, 192, 1)
    if u64(64) == tail and u32(72) == ps:
        sleep(192)
    struct.pack_into("=I", m, 192, 0)
out.flush()
fcntl.lockf(fd, fcntl.LOCK_EX, 1, 2)
struct.pack_into("=I", m, 136, 2)
wake(256)
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 1)
lk = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("=hhqqi4x", fcntl.F_WRLCK, 0, 0, 1, 0))
if struct.unpack("=hhqqi4x", lk)[0] == fcntl.F_UNLCK:
    os.unlink(path)
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 2)
EOF
	ipc-shm send --size 64K "$n" <in &
	timeout 60 "$PY" consumer.py "$n" >out
	wait $!
	cmp in out
	wait_for 50 ring_absent "$n"
}

# ---- valgrind, completion ---------------------------------------------------------

@test "valgrind: create, write, read, stat, send, recv and an error path, both flavours" {
	local n k
	vg_setup
	n=$(uniq_name)
	k=$(uniq_key)
	run vg ipc-shm create --size 128K "$n"
	assert_success
	randfile in 100
	run bash -c "vg ipc-shm write --offset 1K $n <in"
	assert_success
	run bash -c "cat in | vg ipc-shm write --create $n.p"
	assert_success
	run bash -c "vg ipc-shm read --offset 1K --length 100K $n | cmp - in"
	assert_success
	run vg ipc-shm stat --json "$n"
	assert_success
	run vg ipc-shm create --sysv --size 4K "$k"
	assert_success
	run bash -c "echo x | vg ipc-shm write --sysv $k && vg ipc-shm stat --sysv $k"
	assert_success
	run bash -c "vg ipc-shm write --offset 120K $n <in"
	assert_failure 1
	vg ipc-shm send --size 16K "$n" <in &
	run bash -c "vg ipc-shm recv $n | cmp - in"
	assert_success
	wait $!
	run vg ipc-shm rm "$n" "$n.p"
	assert_success
	run vg ipc-shm rm --sysv "$k"
	assert_success
}

@test "bash completion: verbs, options, segment names with blanks, and ring names without .ring" {
	local n
	n="$(uniq_name) a b"
	ipc-shm create --size 1 "$n"
	echo x | ipc-shm send --keep --nowait "$n" 2>/dev/null || true
	run bash -c "source '$TOP/completions/bash/ipc-shm'
	    c() { COMP_WORDS=(\"\$@\"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _ipc_shm; printf '%s\n' \"\${COMPREPLY[@]}\"; }
	    c ipc-shm ''; c ipc-shm send --k; c ipc-shm read '${n% a b}'; c ipc-shm recv '${n% a b}'"
	assert_success
	assert_line create
	assert_line limits
	assert_line --keep
	assert_line "$n"
	assert_line "$n.ring"
	[ "$(grep -cx "$n" <<<"$output")" -eq 2 ]
	rmseg "$n" "$n.ring"
}
