#!/usr/bin/env bats
# fifo.bats - ipc-fifo: mk, send, recv, rm, info (ipc-fifo(1); the
# reliability cases 1-5 and 9-12 of test/cases.md), with real FIFOs, real
# processes and real peers.

load helpers
bats_require_minimum_version 1.5.0

# the state letter of a process: S once it sleeps in a blocking call
sleeping() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]
}

# permissions of a path, as octal digits
perms() {
	stat -c %a "$1"
}

# wait for a background job, its status in $reaped (not in a $(...):
# a subshell cannot wait for its parent's children)
reap() {
	reaped=0
	wait "$1" || reaped=$?
}

# keep a writer's stdout (and so the FIFO) open until ./release exists
# (local_teardown makes it, so nothing outlives its test)
hold() {
	local n=600
	while [ ! -e "$BATS_TEST_TMPDIR/release" ] && [ "$n" -gt 0 ]; do
		n=$((n - 1))
		sleep 0.1
	done
}

local_teardown() {
	touch "$BATS_TEST_TMPDIR/release"
}

# send signal SIG to PID, which must then end within 5 s (at once, on a
# loaded machine); its status in $reaped
kill_reap() {
	local n=50
	kill -s "$1" "$2"
	while [ "$(awk '{ print $3 }' "/proc/$2/stat" 2>/dev/null)" != Z ] &&
	    kill -0 "$2" 2>/dev/null && [ "$n" -gt 0 ]; do
		n=$((n - 1))
		sleep 0.1
	done
	if [ "$n" -eq 0 ]; then
		echo "pid $2 still runs 5 s after SIG$1" >&2
		kill -KILL "$2"
		return 1
	fi
	reap "$2"
}

# the status a shell shows for a death by signal SIG
sigstatus() {
	echo $((128 + $(kill -l "$1")))
}

# wait until a process has run a while (a busy copy, not yet blocked)
busy() {
	wait_for 100 test -d "/proc/$1"
	sleep 0.3
	[ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ]
}

# ---- mk ---------------------------------------------------------------

@test "case 12: mk: FIFOs are created 0600 even under umask 000" {
	umask 000
	run ipc-fifo mk a b
	assert_success
	assert_output ''
	[ -p a ] && [ -p b ]
	[ "$(perms a)" = 600 ]
	[ "$(perms b)" = 600 ]
}

@test "mk --mode: exactly the mode asked for, whatever the umask" {
	umask 077
	run ipc-fifo mk --mode 0664 a
	assert_success
	[ "$(perms a)" = 664 ]
	umask 000
	run ipc-fifo mk -m 640 b
	assert_success
	[ "$(perms b)" = 640 ]
}

@test "mk: an existing path is status 1, left untouched, the rest still made" {
	echo precious >reg
	ipc-fifo mk old
	run --separate-stderr ipc-fifo mk reg new1 old new2
	assert_failure 1
	[ -z "$output" ]
	[[ $stderr == *"ipc-fifo: mk reg: already exists (regular file)"* ]]
	[[ $stderr == *"ipc-fifo: mk old: already exists (FIFO)"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	[ "$(cat reg)" = precious ]
	[ -p new1 ] && [ -p new2 ] && [ -p old ]
}

@test "case 9: mk: a dangling symlink is not followed: nothing made at its target" {
	ln -s target dangling
	run ipc-fifo mk dangling
	assert_failure 1
	assert_output --partial 'already exists (symbolic link)'
	[ -L dangling ]
	[ ! -e target ]
}

@test "mk: -v says what it made; bad and over-wide modes are usage errors" {
	run ipc-fifo mk -v a
	assert_success
	assert_output 'ipc-fifo: mk a: created with mode 0600'
	run ipc-fifo mk --mode 4755 b
	assert_failure 2
	assert_output --partial 'permission bits only'
	[ ! -e b ]
	run ipc-fifo mk --mode 999 b
	assert_failure 2
	run ipc-fifo mk
	assert_failure 2
	assert_output --partial 'missing operand'
}

# ---- rm ---------------------------------------------------------------

@test "cases 9 and 12: rm: removes FIFOs, refuses anything else (status 1), the rest still removed" {
	ipc-fifo mk f1 f2 target
	echo precious >reg
	mkdir dir
	ln -s target link
	run --separate-stderr ipc-fifo rm f1 reg dir link missing f2
	assert_failure 1
	[ -z "$output" ]
	[[ $stderr == *"rm reg: not a FIFO (regular file), left untouched"* ]]
	[[ $stderr == *"rm dir: not a FIFO (directory), left untouched"* ]]
	[[ $stderr == *"rm link: not a FIFO (symbolic link), left untouched"* ]]
	[[ $stderr == *"rm missing: No such file or directory"* ]]
	[ ! -e f1 ] && [ ! -e f2 ]
	[ "$(cat reg)" = precious ]
	[ -d dir ] && [ -L link ] && [ -p target ]
	run ipc-fifo rm -v target
	assert_success
	assert_output 'ipc-fifo: rm target: removed'
}

# ---- send / recv: the basics -----------------------------------------

@test "send | recv: lines arrive in order, status 0 on both sides, stderr clean" {
	ipc-fifo mk f
	seq 1000 | ipc-fifo send f 3>&- &
	local sp=$!
	run --separate-stderr ipc-fifo recv f
	assert_success
	[ -z "$stderr" ]
	[ "$output" = "$(seq 1000)" ]
	reap "$sp"; [ "$reaped" -eq 0 ]
}

@test "send | recv: 64 MiB of random data arrives byte for byte" {
	randfile in 65536
	ipc-fifo mk f
	ipc-fifo send f <in 3>&- &
	local sp=$!
	ipc-fifo recv f >out
	reap "$sp"; [ "$reaped" -eq 0 ]
	cmp in out
	# and through pipes on both sides (splice pipe to FIFO to pipe)
	cat in | ipc-fifo send f 3>&- &
	sp=$!
	ipc-fifo recv f | cat >out2
	reap "$sp"; [ "$reaped" -eq 0 ]
	cmp in out2
}

@test "send waits for a reader that comes later; empty input still connects and ends" {
	ipc-fifo mk f
	echo late | ipc-fifo send f 3>&- &
	local sp=$!
	wait_for 100 sleeping "$sp"
	run ipc-fifo recv f
	assert_success
	assert_output late
	reap "$sp"; [ "$reaped" -eq 0 ]
	# an empty stream: the reader gets end of file, both exit 0
	ipc-fifo send f </dev/null 3>&- &
	sp=$!
	run --separate-stderr ipc-fifo recv --timeout 20s f
	assert_success
	[ -z "$output" ]
	reap "$sp"; [ "$reaped" -eq 0 ]
}

@test "case 10: send with no reader: --timeout gives 124 in bounded time, --nowait at once, -q silent" {
	ipc-fifo mk f
	local t0=$SECONDS
	run --separate-stderr ipc-fifo send --timeout 500ms f </dev/null
	assert_failure 124
	[ "$stderr" = "ipc-fifo: send f: no reader came within 0.5s" ]
	[ $((SECONDS - t0)) -lt 10 ]
	run --separate-stderr ipc-fifo send --nowait f </dev/null
	assert_failure 124
	[ "$stderr" = "ipc-fifo: send f: no reader came (--nowait)" ]
	run --separate-stderr ipc-fifo send -q -t 0 f </dev/null
	assert_failure 124
	[ -z "$stderr" ]
	# nothing was read from stdin while no reader came
	run bash -c 'printf abc | { ipc-fifo send -q --nowait f; echo "$?"; cat; }'
	assert_success
	assert_output "124
abc"
}

@test "send --nowait with a reader present: the data goes through" {
	ipc-fifo mk f
	ipc-fifo recv f >out 3>&- &
	local rp=$!
	wait_for 100 sleeping "$rp"
	run ipc-fifo send --nowait f <<<"now"
	assert_success
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ "$(cat out)" = now ]
}

@test "recv with no writer: --timeout gives 124, --nowait at once; data then idleness is 0" {
	ipc-fifo mk f
	run --separate-stderr ipc-fifo recv --timeout 300ms f
	assert_failure 124
	[ -z "$output" ]
	[ "$stderr" = "ipc-fifo: recv f: nothing arrived within 0.3s" ]
	run --separate-stderr ipc-fifo recv --nowait f
	assert_failure 124
	[ "$stderr" = "ipc-fifo: recv f: nothing arrived (--nowait)" ]
	# a writer that sends a line and then stays silent: data, then 0
	{ { echo hello; hold; } | ipc-fifo send f; } 3>&- &
	run --separate-stderr ipc-fifo recv --timeout 1s f
	assert_success
	assert_output hello
	[ -z "$stderr" ]
}

@test "recv: a writer that connects and closes without data is end of file, status 0" {
	ipc-fifo mk f
	ipc-fifo recv --timeout 20s f >out 3>&- &
	local rp=$!
	wait_for 100 sleeping "$rp"
	: >f
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ ! -s out ]
}

# ---- safety: symlinks, regular files, modes ---------------------------

@test "case 9: a regular file is refused by send, recv and info, and never written" {
	printf precious >reg
	run --separate-stderr ipc-fifo send reg <<<"clobber"
	assert_failure 1
	[ "$stderr" = "ipc-fifo: send reg: not a FIFO (regular file), left untouched" ]
	run ipc-fifo send --create --nowait reg <<<"clobber"
	assert_failure 1
	run ipc-fifo recv reg
	assert_failure 1
	assert_output --partial 'not a FIFO (regular file)'
	run ipc-fifo info reg
	assert_failure 1
	run ipc-fifo recv --create --rm reg
	assert_failure 1
	[ "$(cat reg)" = precious ]
}

@test "case 9: a dangling symlink is refused, its target never created" {
	ln -s target dangling
	run ipc-fifo send --create --timeout 1s dangling </dev/null
	assert_failure 1
	assert_output --partial 'not a FIFO (symbolic link)'
	run ipc-fifo recv --create --rm --timeout 1s dangling
	assert_failure 1
	[ -L dangling ] && [ ! -e target ]
}

@test "case 9: a symlink to a FIFO is refused: no reader or writer ever connects to the target" {
	ipc-fifo mk target
	ln -s target link
	# a reader on the target would get anything written through the link
	ipc-fifo recv --follow --timeout 2s target >out 3>&- &
	local rp=$!
	wait_for 100 sleeping "$rp"
	run ipc-fifo send link <<<"through the link"
	assert_failure 1
	assert_output 'ipc-fifo: send link: not a FIFO (symbolic link), left untouched'
	run ipc-fifo recv --nowait link
	assert_failure 1
	run ipc-fifo rm link
	assert_failure 1
	run ipc-fifo info link
	assert_failure 1
	reap "$rp"; [ "$reaped" -eq 124 ]
	[ ! -s out ]
	[ -L link ] && [ -p target ]
}

@test "case 12: --create makes the FIFO 0600 under umask 000 (or --mode) and leaves it without --rm" {
	umask 000
	ipc-fifo recv --create f >out 3>&- &
	local rp=$!
	wait_for 100 test -p f
	[ "$(perms f)" = 600 ]
	echo x | ipc-fifo send f
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ -p f ]
	run ipc-fifo send --create --mode 0620 --nowait g </dev/null
	assert_failure 124
	[ -p g ] && [ "$(perms g)" = 620 ]
	# an existing FIFO keeps its mode: --mode only applies to a new one
	run ipc-fifo send --create --mode 0666 --nowait g </dev/null
	assert_failure 124
	[ "$(perms g)" = 620 ]
}

@test "case 4: recv --create --rm leaves nothing: at the end, and after SIGTERM, SIGINT, SIGHUP" {
	echo data | ipc-fifo send --create f 3>&- &
	run ipc-fifo recv --create --rm f
	assert_success
	assert_output data
	[ ! -e f ]
	local sig want p
	for sig in TERM INT HUP; do
		case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
		env --default-signal=INT ipc-fifo recv --create --rm g 3>&- &
		p=$!
		wait_for 100 test -p g
		wait_for 100 sleeping "$p"
		kill -s "$sig" "$p"
		reap "$p"; [ "$reaped" -eq "$want" ]
		[ ! -e g ]
	done
}

@test "send --create --rm leaves nothing, also after SIGTERM while waiting for a reader" {
	ipc-fifo send --create --rm f </dev/null 3>&- &
	local p=$!
	wait_for 100 test -p f
	wait_for 100 sleeping "$p"
	kill -TERM "$p"
	reap "$p"; [ "$reaped" -eq 143 ]
	[ ! -e f ]
	# a timeout too removes what --create made
	run ipc-fifo send --create --rm --timeout 200ms f </dev/null
	assert_failure 124
	[ ! -e f ]
	# and after a transfer
	echo bye | ipc-fifo send --create --rm f 3>&- &
	p=$!
	wait_for 100 test -p f
	run ipc-fifo recv f
	assert_output bye
	reap "$p"; [ "$reaped" -eq 0 ]
	[ ! -e f ]
}

@test "after SIGKILL the FIFO is left: info shows nobody has it, rm removes it" {
	ipc-fifo recv --create --rm --follow f 3>&- &
	local p=$!
	wait_for 100 sleeping "$p"
	run ipc-fifo info f
	assert_line --regexp '^readers +1$'
	assert_line --regexp '^writers +1$'
	kill -KILL "$p"
	reap "$p"; [ "$reaped" -eq 137 ]
	[ -p f ]
	run ipc-fifo info f
	assert_success
	assert_line --regexp '^readers +0$'
	assert_line --regexp '^writers +0$'
	run ipc-fifo rm f
	assert_success
	[ ! -e f ]
}

@test "case 12: --rm never removes what replaced the FIFO meanwhile" {
	ipc-fifo recv --create --rm f 3>&- &
	local p=$!
	wait_for 100 test -p f
	wait_for 100 sleeping "$p"
	rm f
	echo precious >f
	kill -TERM "$p"
	reap "$p"; [ "$reaped" -eq 143 ]
	[ "$(cat f)" = precious ]
}

# ---- send: a reader that leaves, --atomic ------------------------------

@test "send: a reader that leaves mid-stream is status 1 naming the bytes not delivered" {
	randfile in 4096
	ipc-fifo mk f
	head -c 1000 f >got 3>&- &
	run --separate-stderr ipc-fifo send f <in
	assert_failure 1
	[ -z "$output" ]
	[[ $stderr =~ "reader went away after "([0-9]+)" bytes: "([0-9]+)" bytes not delivered" ]]
	local took=${BASH_REMATCH[1]} lost=${BASH_REMATCH[2]}
	# stdin is a file: the count is exact, and the two add up
	[ $((took + lost)) -eq 4194304 ]
	[ "$took" -ge 1000 ]
	[ "$lost" -gt 0 ]
	cmp -n 1000 in got
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "send: from a pipe, a reader that leaves gives a lower bound, not a SIGPIPE death" {
	ipc-fifo mk f
	head -c 10 f >/dev/null 3>&- &
	run --separate-stderr bash -c 'head -c 8M /dev/zero | ipc-fifo send f'
	assert_failure 1
	[[ $stderr =~ "reader went away after "[0-9]+" bytes: at least "[0-9]+" bytes not delivered" ]]
}

@test "send: all written but the reader left some unread: status 1 with the count" {
	ipc-fifo mk f
	# the reader takes 2 bytes of 6 and leaves; the sender then ends
	{ { printf 'abcdef'; hold; } | ipc-fifo send f 2>err; } 3>&- &
	local sp=$!
	head -c 2 f >got
	touch release
	reap "$sp"; [ "$reaped" -eq 1 ]
	[ "$(cat got)" = ab ]
	grep -q 'reader went away after 2 bytes: 4 bytes not delivered (4 left unread in the FIFO' err
}

@test "case 11: send --atomic: 8 writers x 10,000 records of up to 4000 bytes never interleave" {
	local s
	for s in 0 1 2 3 4 5 6 7; do
		"$PY" -c '
import random, sys
s = int(sys.argv[1]); r = random.Random(s); c = "abcdefgh"[s]
w = sys.stdout.write
for i in range(10000):
    n = r.randint(0, 4000)
    w("%d %d %d %s\n" % (s, i, n, c * n))' "$s" >"in$s"
	done
	ipc-fifo mk f
	ipc-fifo recv --follow --count 80000 --timeout 30s f >out 3>&- &
	local rp=$!
	wait_for 100 sleeping "$rp"
	local pids=()
	for s in 0 1 2 3 4 5 6 7; do
		ipc-fifo send --atomic --timeout 30s f <"in$s" 3>&- &
		pids+=($!)
	done
	for s in "${pids[@]}"; do
		reap "$s"; [ "$reaped" -eq 0 ]
	done
	reap "$rp"; [ "$reaped" -eq 0 ]
	# every line is one whole record, and each writer's come in order
	run "$PY" -c '
import sys
last = {}; n = 0
for line in open("out", "rb"):
    n += 1
    s, i, k, p = line.rstrip(b"\n").split(b" ", 3)
    s, i, k = int(s), int(i), int(k)
    assert line.endswith(b"\n") and p == b"abcdefgh"[s:s+1] * k, "torn record at line %d" % n
    assert last.get(s, -1) == i - 1, "writer %d out of order" % s
    last[s] = i
assert n == 80000 and all(v == 9999 for v in last.values()), (n, last)
print("ok", n)'
	assert_success
	assert_output 'ok 80000'
}

@test "case 11: send --atomic: a record over PIPE_BUF is refused whole, the ones before it stay sent" {
	ipc-fifo mk f
	{
		echo first
		head -c 4095 /dev/zero | tr '\0' x; echo		# 4096 with newline: fits
		head -c 4096 /dev/zero | tr '\0' y; echo		# 4097: too long
		echo never
	} >in
	ipc-fifo recv f >out 3>&- &
	local rp=$!
	run --separate-stderr ipc-fifo send --atomic f <in
	assert_failure 1
	[ "$stderr" = "ipc-fifo: send f: record 3 of 4096 bytes (4097 with its separator) exceeds PIPE_BUF 4096: not sent; 2 records sent before it" ]
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ "$(wc -c <out)" -eq $((6 + 4096)) ]
	head -n 2 in | cmp - out
	! grep -q y out
}

@test "send --atomic: a record is sent at once, not held back for more input" {
	ipc-fifo mk f
	{ { echo one; hold; } | ipc-fifo send --atomic f; } 3>&- &
	local sp=$!
	# the writer keeps its stdin open; the record still comes at once
	run timeout 20 ipc-fifo recv --count 1 f
	assert_success
	assert_output one
	touch release
	reap "$sp"; [ "$reaped" -eq 0 ]
}

@test "send --atomic: a reader that leaves mid-stream: exact count of what was not delivered" {
	seq 1000000 >in
	ipc-fifo mk f
	head -c 1000 f >/dev/null 3>&- &
	run --separate-stderr ipc-fifo send --atomic f <in
	assert_failure 1
	[[ $stderr =~ "reader went away after "([0-9]+)" bytes: "([0-9]+)" bytes not delivered" ]]
	[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) -eq "$(wc -c <in)" ]
}

@test "send --atomic -0: NUL-separated records; a last record gets its separator" {
	ipc-fifo mk f
	ipc-fifo recv f >out 3>&- &
	local rp=$!
	printf 'one\0two\nlines\0three' | ipc-fifo send --atomic -0 f
	reap "$rp"; [ "$reaped" -eq 0 ]
	printf 'one\0two\nlines\0three\0' | cmp - out
	# without -0 a last line without a newline is a record too
	ipc-fifo recv f >out 3>&- &
	rp=$!
	printf 'a\nb' | ipc-fifo send --atomic f
	reap "$rp"; [ "$reaped" -eq 0 ]
	printf 'a\nb\n' | cmp - out
}

# ---- recv: --follow, --count -------------------------------------------

@test "recv --follow keeps reading across writers that come and go" {
	ipc-fifo mk f
	ipc-fifo recv --follow --timeout 2s f >out 3>&- &
	local rp=$! i
	wait_for 100 sleeping "$rp"
	for i in 1 2 3 4 5; do
		echo "writer $i" | ipc-fifo send --nowait f
	done
	# a gap between writers does not end it either
	sleep 0.5
	echo "writer 6" | ipc-fifo send --nowait f
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ "$(cat out)" = "$(printf 'writer %d\n' 1 2 3 4 5 6)" ]
}

@test "recv without --follow ends at the first end of file" {
	ipc-fifo mk f
	ipc-fifo recv f >out 3>&- &
	local rp=$!
	echo one | ipc-fifo send f
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ "$(cat out)" = one ]
}

@test "recv --count N takes exactly N records; the rest stays for the next reader" {
	ipc-fifo mk f
	# the writer keeps the FIFO open, so what is queued survives readers
	{ { seq 10; hold; } | ipc-fifo send f; } 3>&- &
	local sp=$!
	run --separate-stderr ipc-fifo recv --count 3 f
	assert_success
	[ "$output" = "$(seq 3)" ]
	run ipc-fifo recv -n 2 f
	assert_success
	[ "$output" = "$(seq 4 5)" ]
	run ipc-fifo recv --count 5 f
	assert_success
	[ "$output" = "$(seq 6 10)" ]
	touch release
	reap "$sp"; [ "$reaped" -eq 0 ]
}

@test "recv --count -0 counts NUL records; a long record is still taken whole" {
	ipc-fifo mk f
	{
		{ printf 'a\0'; head -c 300000 /dev/zero | tr '\0' z
		  printf '\0c\0d\0'; hold; } | ipc-fifo send f
	} 3>&- &
	local sp=$!
	ipc-fifo recv --count 2 -0 f >out
	[ "$(wc -c <out)" -eq $((2 + 300001)) ]
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\0' ]
	run bash -c 'ipc-fifo recv -n 2 -0 f | tr "\0" "\n"'
	assert_success
	assert_output "$(printf 'c\nd')"
	touch release
	reap "$sp"; [ "$reaped" -eq 0 ]
}

@test "recv --follow --count stops after N records across writers" {
	ipc-fifo mk f
	ipc-fifo recv --follow --count 3 f >out 3>&- &
	local rp=$!
	wait_for 100 sleeping "$rp"
	echo 1 | ipc-fifo send f
	printf '2\n3\n' | ipc-fifo send f
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ "$(cat out)" = "$(seq 3)" ]
}

# ---- info --------------------------------------------------------------

@test "info: type, owner, perms, readers, writers, usedbytes; --json" {
	ipc-fifo mk --mode 0640 f
	run --separate-stderr ipc-fifo info f
	assert_success
	assert_line --regexp '^type +fifo$'
	assert_line --regexp '^owner +root \(0\)$'
	assert_line --regexp '^perms +0640$'
	assert_line --regexp '^readers +0$'
	assert_line --regexp '^writers +0$'
	assert_line --regexp '^usedbytes +0$'
	assert_line --regexp '^mtime +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
	run ipc-fifo info --json f
	assert_success
	run "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
assert d["type"] == "fifo" and d["perms"] == "0640" and d["uid"] == 0 and d["owner"] == "root"
assert d["readers"] == 0 and d["writers"] == 0 and d["usedbytes"] == 0 and d["complete"] is True
assert isinstance(d["mtime"], int)
print(d["path"])' <<<"$output"
	assert_success
	assert_output f
}

@test "info: a writer holding queued data and a reader that does not read, as they are" {
	ipc-fifo mk f
	{ { printf '0123456789'; hold; } | ipc-fifo send f 2>err; } 3>&- &
	local sp=$!
	# a reader that holds the FIFO open and reads nothing
	"$PY" -c '
import os, time
fd = os.open("f", os.O_RDONLY)
open("opened", "w").close()
time.sleep(60)' 3>&- &
	local rp=$!
	wait_for 100 test -e opened
	wait_for 100 bash -c 'ipc-fifo info f | grep -q "^usedbytes *10$"'
	run ipc-fifo info --json f
	assert_success
	run "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
assert (d["readers"], d["writers"], d["usedbytes"]) == (1, 1, 10), d
assert d["capacity"] >= 4096 and d["complete"], d' <<<"$output"
	assert_success
	# the reader leaves with all 10 bytes unread: the sender says so
	kill "$rp"
	reap "$rp"; [ "$reaped" -eq 143 ]
	touch release
	reap "$sp"; [ "$reaped" -eq 1 ]
	grep -q 'reader went away after 0 bytes: 10 bytes not delivered' err
}

@test "info does not disturb a writer blocked in open (no SIGPIPE for it)" {
	ipc-fifo mk f
	sh -c 'echo still-here >f' 3>&- &
	local wp=$!
	wait_for 100 sleeping "$wp"
	run ipc-fifo info f
	assert_success
	assert_line --regexp '^usedbytes +0$'
	sleep 0.3
	run ipc-fifo recv --timeout 20s f
	assert_success
	assert_output still-here
	reap "$wp"; [ "$reaped" -eq 0 ]
}

@test "info as an unprivileged user: what it cannot see is marked, not guessed" {
	local d
	d=$(nobody_dir)
	as_nobody ipc-fifo mk "$d/f"
	run as_nobody ipc-fifo info "$d/f"
	assert_success
	assert_line --regexp '^owner +nobody \(65534\)$'
	assert_line --regexp '^readers +0\+?$'
	run as_nobody ipc-fifo info --json "$d/f"
	assert_success
	assert_output --regexp '"usedbytes":(0|null)'
}

# ---- permissions -------------------------------------------------------

@test "unprivileged: another user's 0600 FIFO is refused with a clear message" {
	local d
	d=$(nobody_dir)
	ipc-fifo mk "$d/f"
	run as_nobody ipc-fifo send --nowait "$d/f" </dev/null
	assert_failure 1
	assert_output --partial 'Permission denied'
	run as_nobody ipc-fifo recv --nowait "$d/f"
	assert_failure 1
	assert_output --partial 'Permission denied'
	# as nobody under umask 000, its own FIFOs are 0600 too
	run as_nobody sh -c "umask 000; ipc-fifo mk '$d/g'"
	assert_success
	[ "$(stat -c '%a %U' "$d/g")" = '600 nobody' ]
}

# ---- every-tool cases (1-5) ------------------------------------------

@test "case 1: recv | head -c1: prompt exit 141, quietly, also with SIGPIPE ignored" {
	ipc-fifo mk f
	{ yes | ipc-fifo send f; } 2>/dev/null 3>&- &
	run --separate-stderr bash -c 'timeout 20 ipc-fifo recv f | head -c1; echo " ${PIPESTATUS[0]}"'
	assert_success
	assert_output 'y 141'
	[ -z "$stderr" ]
	# an idle writer: recv notices the closed stdout without more input
	{ { echo hi; hold; } | ipc-fifo send f; } 2>/dev/null 3>&- &
	run --separate-stderr bash -c 'trap "" PIPE; timeout 20 ipc-fifo recv --follow f | head -c1; echo " ${PIPESTATUS[0]}"'
	assert_success
	assert_output 'h 141'
	[ -z "$stderr" ]
}

@test "case 2: started with stdin, stdout or stderr closed: no confusion with the FIFO's descriptor" {
	ipc-fifo mk f
	ipc-fifo recv --timeout 20s f >out 3>&- &
	local rp=$!
	# the closing is done by the shell that execs the tool
	run --separate-stderr bash -c 'exec ipc-fifo send f <&-'
	assert_failure 1
	[[ $stderr == *"read error on stdin: Bad file descriptor"* ]]
	reap "$rp"; [ "$reaped" -eq 0 ]
	[ ! -s out ]
	echo data | ipc-fifo send f 3>&- &
	run --separate-stderr bash -c 'exec ipc-fifo recv f >&-'
	assert_failure 1
	[[ $stderr == *"stdout: Bad file descriptor"* ]]
	# stderr closed: it still works
	echo data2 | ipc-fifo send f 2>&- 3>&- &
	run bash -c 'exec ipc-fifo recv f 2>&-'
	assert_success
	assert_output data2
}

@test "case 3: SIGSTOP/SIGCONT and stray signals on both sides mid-transfer: output equals input" {
	randfile in 16384
	ipc-fifo mk f
	mkfifo src
	# a paced source, so that the signals land mid-transfer (about 1s)
	pv -q -L 16m in >src 3>&- &
	ipc-fifo send f <src 3>&- &
	local sp=$!
	ipc-fifo recv f >out 3>&- &
	local rp=$! i
	for i in 1 2 3 4 5; do
		sleep 0.1
		kill -STOP "$sp" "$rp" 2>/dev/null || break
		sleep 0.05
		kill -CONT "$sp" "$rp" 2>/dev/null || break
		kill -WINCH "$sp" "$rp" 2>/dev/null || break
		kill -CHLD "$sp" "$rp" 2>/dev/null || break
		kill -URG "$sp" "$rp" 2>/dev/null || break
	done
	[ "$i" -ge 3 ]	# the signals did land mid-transfer
	reap "$sp"; [ "$reaped" -eq 0 ]
	reap "$rp"; [ "$reaped" -eq 0 ]
	cmp in out
}

@test "case 5: hostile arguments: status 2 for bad numbers, 1 for a huge path, one line each" {
	local big
	big=$(head -c 65536 /dev/zero | tr '\0' a)
	for a in -1 0 99999999999999999999 18446744073709551617 x ''; do
		run --separate-stderr ipc-fifo recv --count "$a" f
		assert_failure 2
		[ -z "$output" ]
	done
	for a in -1 1e3 4294967296d 9999999999999999999999 2w; do
		run --separate-stderr ipc-fifo send --timeout "$a" f
		assert_failure 2
	done
	run --separate-stderr ipc-fifo send --nowait "$big
next" </dev/null
	assert_failure 1
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr ipc-fifo mk "$big"
	assert_failure 1
	[[ $stderr == *"File name too long" ]]
	run --separate-stderr ipc-fifo info "$(printf 'a\nb')"
	assert_failure 1
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "usage errors: status 2, one line, nothing done" {
	run --separate-stderr ipc-fifo send -0 f
	assert_failure 2
	[[ $stderr == *"-0 applies only with --atomic"* ]]
	run --separate-stderr ipc-fifo recv -0 f
	assert_failure 2
	run --separate-stderr ipc-fifo send --mode 0644 f
	assert_failure 2
	[[ $stderr == *"--mode applies only with --create"* ]]
	run --separate-stderr ipc-fifo send a b
	assert_failure 2
	[[ $stderr == *"unexpected operand"* ]]
	run --separate-stderr ipc-fifo recv
	assert_failure 2
	run --separate-stderr ipc-fifo info --count 1 f
	assert_failure 2
	[ ! -e f ] && [ ! -e a ]
}

# ---- signals at every blocking point, busy or blocked ------------------

@test "case 4: signals while send waits for a reader (blocking open, or polling with --timeout): 128+N at once, --rm done" {
	local sig p
	for sig in TERM INT HUP; do
		env --default-signal=INT ipc-fifo send --create --rm f </dev/null 3>&- &
		p=$!
		wait_for 100 test -p f
		wait_for 100 sleeping "$p"
		kill_reap "$sig" "$p"
		[ "$reaped" -eq "$(sigstatus "$sig")" ]
		[ ! -e f ]
		env --default-signal=INT ipc-fifo send --create --rm --timeout 60s f </dev/null 3>&- &
		p=$!
		wait_for 100 test -p f
		sleep 0.2
		kill_reap "$sig" "$p"
		[ "$reaped" -eq "$(sigstatus "$sig")" ]
		[ ! -e f ]
	done
}

@test "case 4: SIGTERM while send waits for room, recv for a writer, for data, for room: 143 at once, --rm done" {
	local p
	ipc-fifo mk f
	# room: a reader (this shell, read and write) that never reads
	exec 7<>f
	ipc-fifo send f </dev/zero 3>&- 7>&- &
	p=$!
	wait_for 100 bash -c "[ \$(ipc-fifo info f | awk '\$1 == \"usedbytes\" { print \$2 }') -gt 0 ]"
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	# data: a writer (this shell) that sends nothing
	ipc-fifo recv --rm f >out 3>&- 7>&- &
	p=$!
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	[ ! -e f ]
	exec 7>&-
	# a writer: nobody has the FIFO open yet
	ipc-fifo recv --create --rm g >out 3>&- &
	p=$!
	wait_for 100 test -p g
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	[ ! -e g ]
	# room: stdout a pipe that nobody reads
	mkfifo full
	exec 6<>full
	ipc-fifo mk g
	ipc-fifo send g </dev/zero 2>/dev/null 3>&- 6>&- &
	ipc-fifo recv --rm g >full 3>&- 6>&- &
	p=$!
	wait_for 100 bash -c "[ \$(ipc-pipe info <full | awk '\$1 == \"stdin\" { print \$5 }') -gt 0 ]"
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	[ ! -e g ]
	exec 6>&-
}

@test "case 4: SIGTERM and SIGINT while data flows (send </dev/zero, a busy recv): 128+N at once" {
	local sig p q
	ipc-fifo mk f
	for sig in TERM INT; do
		ipc-fifo recv f >/dev/null 3>&- &
		q=$!
		env --default-signal=INT ipc-fifo send f </dev/zero 3>&- &
		p=$!
		busy "$p"
		kill_reap "$sig" "$p"
		[ "$reaped" -eq "$(sigstatus "$sig")" ]
		reap "$q"; [ "$reaped" -eq 0 ]
		# the other way round: the receiver is the busy one
		ipc-fifo send f </dev/zero 2>/dev/null 3>&- &
		q=$!
		env --default-signal=INT ipc-fifo recv --rm f >/dev/null 3>&- &
		p=$!
		busy "$p"
		kill_reap "$sig" "$p"
		[ "$reaped" -eq "$(sigstatus "$sig")" ]
		[ ! -e f ]
		reap "$q"; [ "$reaped" -eq 1 ]
		ipc-fifo mk f
	done
}

@test "case 4: send stopped mid-stream takes nothing it does not deliver: the rest of stdin is still there" {
	local p r
	randfile in 8192
	ipc-fifo mk f
	# a slow reader, so that the signal lands mid-stream
	pv -q -L 8m f >got 3>&- &
	r=$!
	{ ipc-fifo send f || :; cat >rest; } <in 3>&- &
	p=$!
	wait_for 100 test -s got
	kill -TERM "$(pgrep -P "$p" -x ipc-fifo)"
	reap "$p"
	reap "$r"; [ "$reaped" -eq 0 ]
	[ -s rest ] && [ "$(stat -c %s got)" -lt 8388608 ]
	cat got rest | cmp - in
	# --atomic: whole records, what was read and not sent goes back
	seq 2000000 >in
	pv -q -L 2m f >got 3>&- &
	r=$!
	{ ipc-fifo send --atomic f || :; cat >rest; } <in 3>&- &
	p=$!
	wait_for 100 test -s got
	kill -TERM "$(pgrep -P "$p" -x ipc-fifo)"
	reap "$p"
	reap "$r"; [ "$reaped" -eq 0 ]
	[ -s rest ]
	cat got rest | cmp - in
}

@test "case 4: recv stopped mid-stream writes all it took: the sender counts exactly what it got" {
	local p s w
	randfile in 16384
	ipc-fifo mk f
	mkfifo slow
	pv -q -L 8m <slow >got 3>&- &
	w=$!
	ipc-fifo send f <in 2>err 3>&- &
	s=$!
	ipc-fifo recv f >slow 3>&- &
	p=$!
	wait_for 100 test -s got
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	reap "$s"; [ "$reaped" -eq 1 ]
	reap "$w"
	[[ $(cat err) =~ "reader went away after "([0-9]+)" bytes: "([0-9]+)" bytes not delivered" ]]
	[ "${BASH_REMATCH[1]}" -eq "$(stat -c %s got)" ]
	[ $((BASH_REMATCH[1] + BASH_REMATCH[2])) -eq 16777216 ]
	cmp -n "${BASH_REMATCH[1]}" in got
}

# ---- names that are not UTF-8 ------------------------------------------

@test "info: a path that is not UTF-8: --json is valid JSON with the bytes back, text escapes them" {
	local n=$'f\xff\xfe \x1b[1m'
	ipc-fifo mk "$n"
	run ipc-fifo info --json "$n"
	assert_success
	run "$PY" -c '
import json, sys
d = json.loads(sys.stdin.buffer.read())
assert d["path"].encode("utf-8", "surrogateescape") == b"f\xff\xfe \x1b[1m", d
print("ok")' <<<"$output"
	assert_success
	assert_output ok
	run ipc-fifo info "$n"
	assert_success
	assert_line --index 0 'path       f\377\376 \033[1m'
	run ipc-fifo rm "$n"
	assert_success
	[ ! -e "$n" ]
}

@test "completions: FIFO names with blanks or non-ASCII bytes complete whole (bash, fish)" {
	mkfifo 'a b' $'uxr-\xc3\xa9' plain
	ln -s plain link
	local w
	for w in a 'a\ ' '"a ' "'a b" uxr; do
		run bash -c 'source "$TOP/completions/bash/ipc-fifo"
			COMP_WORDS=(ipc-fifo send "$1"); COMP_CWORD=2
			_ipc_fifo ipc-fifo "$1" send
			printf "%s\n" "${COMPREPLY[@]}"' _ "$w"
		assert_success
		case $w in
		uxr) assert_output $'uxr-\xc3\xa9' ;;
		*) assert_output 'a b' ;;
		esac
	done
	# every FIFO, and no symlink (ipc-fifo refuses those)
	run bash -c 'source "$TOP/completions/bash/ipc-fifo"
		COMP_WORDS=(ipc-fifo info ""); COMP_CWORD=2
		_ipc_fifo ipc-fifo "" info
		printf "%s\n" "${COMPREPLY[@]}" | sort'
	assert_output "$(printf '%s\n' 'a b' plain $'uxr-\xc3\xa9' | sort)"
	command -v fish >/dev/null || skip "fish is not installed"
	run fish -c 'source $TOP/completions/fish/ipc-fifo.fish; complete -C "ipc-fifo send a\\ "; complete -C "ipc-fifo rm uxr"'
	assert_success
	assert_output "a b"$'\n'$'uxr-\xc3\xa9'
}
