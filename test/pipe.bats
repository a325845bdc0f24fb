#!/usr/bin/env bats
# ipc-pipe: cat, tee, merge, info (ipc-pipe(1); the reliability cases 1-8
# of test/cases.md)

load helpers
bats_require_minimum_version 1.5.0

# run "$@" with stdin a pipe that already holds N bytes of file F and whose
# writer has gone: the input ends with data still buffered
with_prefilled_pipe() {
	local n=$1 f=$2
	shift 2
	"$PY" - "$n" "$f" "$@" <<'EOF'
import os, subprocess, sys
n, f, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
r, w = os.pipe()
data = open(f, 'rb').read(n)
assert os.write(w, data) == len(data)
os.close(w)
sys.exit(subprocess.call(argv, stdin=r))
EOF
}

# run "$@" in the background reading a FIFO that we hold open on fd 5, so
# it blocks on input until close_feed; sets pid, waits until it runs
start_fed() {
	mkfifo feed
	"$@" <feed &
	pid=$!
	exec 5>feed
	wait_for 100 grep -qx ipc-pipe "/proc/$pid/comm"
	sleep 0.2
}

close_feed() {
	exec 5>&-
}

# nanoseconds on the monotonic clock
now_ns() {
	"$PY" -c 'import time; print(time.monotonic_ns())'
}

# the state letter of a process: S once it sleeps in a blocking call
sleeping() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]
}

# wait for a background job, its status in $reaped
reap() {
	reaped=0
	wait "$1" || reaped=$?
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

# let a process run a while (a busy copy, not blocked)
busy() {
	wait_for 100 test -d "/proc/$1"
	sleep 0.3
	[ "$(awk '{ print $3 }' "/proc/$1/stat")" != Z ]
}

# ---- the shared grammar -------------------------------------------------

@test "pipe: --help lists every verb, VERB --help its usage, --version" {
	run -0 ipc-pipe --help
	for v in cat tee merge info; do
		assert_output --partial "ipc-pipe $v "
	done
	run -0 ipc-pipe cat --help
	assert_line --index 0 --partial "usage: ipc-pipe cat [--pipe-size SIZE]"
	run -0 ipc-pipe tee -h
	assert_output --partial "CMD..."
	run -0 ipc-pipe --version
	assert_output --regexp '^ipc-pipe \(ipckit\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "pipe: usage errors are status 2, one line, nothing on stdout" {
	run -2 --separate-stderr ipc-pipe frobnicate
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "ipc-pipe: unknown verb 'frobnicate' (see 'ipc-pipe --help')"
	run -2 --separate-stderr ipc-pipe cat --bogus
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "$stderr" "ipc-pipe: cat: unknown option '--bogus' (see 'ipc-pipe cat --help')"
	run -2 ipc-pipe cat extra </dev/null
	assert_output --partial "unexpected operand"
	run -2 ipc-pipe tee </dev/null
	assert_output --partial "missing operand"
	run -2 ipc-pipe merge
	assert_output --partial "missing operand"
	run -2 ipc-pipe info extra
	run -2 ipc-pipe cat --pipe-size 0 </dev/null
	assert_output --partial "pipe size '0' is out of range"
	run -2 ipc-pipe cat --pipe-size 12Q </dev/null
	assert_output --partial "bad pipe size '12Q'"
	run -2 ipc-pipe cat --rate-limit -5 </dev/null
	run -2 ipc-pipe cat --expect 0 </dev/null
	run -2 ipc-pipe cat --progress=sometimes </dev/null
	assert_output --partial "--progress=force"
	run -2 ipc-pipe cat --interval 0 </dev/null
	run -2 ipc-pipe cat --interval 2x </dev/null
	run -2 ipc-pipe cat --pipe-size </dev/null
	assert_output --partial "needs an argument"
	run -2 ipc-pipe info --tag
	run -2 ipc-pipe tee --json true </dev/null
}

@test "case 5: pipe: hostile arguments: huge numbers, 64 KiB operands, newlines" {
	run -2 ipc-pipe cat --pipe-size 99999999999999999999999 </dev/null
	run -2 ipc-pipe cat --pipe-size 4294967296 </dev/null
	assert_output --partial "out of range"
	run -2 ipc-pipe cat --rate-limit 18446744073709551616 </dev/null
	run -2 ipc-pipe cat --expect 99999999999999999999G </dev/null
	run -2 ipc-pipe cat --interval 9999999999999999999999 </dev/null
	big=$(head -c 65536 /dev/zero | tr '\0' 7)
	run -2 --separate-stderr ipc-pipe cat --pipe-size "$big" </dev/null
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr ipc-pipe cat "$big" </dev/null
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr ipc-pipe cat --rate-limit $'1\n2' </dev/null
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr ipc-pipe info $'a\nb'
	assert_equal "${#stderr_lines[@]}" 1
}

# ---- cat ----------------------------------------------------------------

@test "cat: 64 MiB of random data through pipes, byte for byte, with splice(2)" {
	randfile in 65536
	run -0 --separate-stderr bash -c 'cat in | ipc-pipe cat -v | cat >out'
	cmp in out
	assert_equal "$(stat -c %s out)" 67108864
	[[ $stderr == *"67108864 bytes copied with splice(2)"* ]]
}

@test "cat: 64 MiB regular file to regular file: the read/write path, byte for byte" {
	randfile in 65536
	run -0 --separate-stderr bash -c 'ipc-pipe cat -v <in >out'
	cmp in out
	[[ $stderr == *"splice(2) refused"* ]]
	[[ $stderr == *"67108864 bytes copied with read(2)/write(2)"* ]]
}

@test "cat: file to pipe (splice) and pipe to an O_APPEND file (read/write)" {
	randfile in 4096
	run -0 --separate-stderr bash -c 'ipc-pipe cat -v <in | cat >out'
	cmp in out
	[[ $stderr == *"with splice(2)"* ]]
	printf 'head\n' >app
	run -0 --separate-stderr bash -c 'cat in | ipc-pipe cat -v >>app'
	[[ $stderr == *"with read(2)/write(2)"* ]]
	{ printf 'head\n'; cat in; } | cmp - app
}

@test "cat: empty input gives empty output and status 0" {
	run -0 --separate-stderr bash -c ': | ipc-pipe cat'
	assert_output ""
	assert_equal "$stderr" ""
	run -0 --separate-stderr ipc-pipe cat </dev/null
	assert_output ""
}

@test "case 6: cat: input that ends with data still buffered: every byte arrives" {
	randfile in 60
	run -0 with_prefilled_pipe 61440 in bash -c 'ipc-pipe cat >out'
	cmp in out
	# and with the default 1 MiB raise of the pipe holding the data
	run -0 with_prefilled_pipe 61440 in bash -c 'ipc-pipe cat | cat >out2'
	cmp in out2
}

@test "case 1: cat: a closed stdout (| head -c1) ends it promptly, quietly, status 141" {
	run -0 bash -c 'yes | ipc-pipe cat 2>err | head -c1; echo " ${PIPESTATUS[1]}"'
	assert_output "y 141"
	[ ! -s err ]
	# the same with SIGPIPE ignored by the parent, and from a file
	randfile in 1024
	run -0 bash -c 'trap "" PIPE; yes 2>/dev/null | ipc-pipe cat 2>err | head -c1 >/dev/null; echo "${PIPESTATUS[1]}"'
	assert_output 141
	[ ! -s err ]
	run -0 bash -c 'trap "" PIPE; ipc-pipe cat <in 2>err | head -c1 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	[ ! -s err ]
	# the read/write path too (stdin a regular file, stdout a pipe: splice;
	# so force read/write with a tty-less char device: /dev/zero)
	run -0 bash -c 'ipc-pipe cat </dev/zero 2>err | head -c1 | od -An -tx1; echo "${PIPESTATUS[0]}"'
	assert_line --index 0 " 00"
	assert_line --index 1 141
	[ ! -s err ]
}

@test "case 2: cat: started with fd 0, 1 or 2 closed" {
	# closed inside bash -c: a "run ... <&-" would close it before bats
	# makes its capture pipe, which then lands on fd 0
	run -1 --separate-stderr bash -c 'ipc-pipe cat <&-'
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "ipc-pipe: cat: read stdin: Bad file descriptor" ]]
	run -1 --separate-stderr bash -c 'echo hi | ipc-pipe cat >&-'
	[[ $stderr == "ipc-pipe: cat: write stdout: Bad file descriptor" ]]
	run -0 bash -c 'echo hi | ipc-pipe cat 2>&- | cat'
	assert_output hi
	run -0 bash -c 'echo hi | ipc-pipe cat --stats 2>&- | cat'
	assert_output hi
}

@test "case 3: cat: SIGSTOP/SIGCONT and a stray SIGALRM mid-transfer: output equals input" {
	randfile in 2048
	ipc-pipe cat --rate-limit 1M --numeric --interval 100ms <in >out 2>num &
	pid=$!
	wait_for 100 test -s out
	kill -STOP "$pid"
	sleep 0.3
	kill -CONT "$pid"
	kill -ALRM "$pid"
	kill -ALRM "$pid"
	wait "$pid"
	cmp in out
	# a regular file on stdin: its size is --expect, so percent
	assert_equal "$(tail -n 1 num)" 100
}

@test "case 4: cat: SIGTERM and SIGHUP mid-run are re-raised (143, 129)" {
	start_fed ipc-pipe cat >out
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	close_feed
	rm feed
	start_fed ipc-pipe cat --progress=force --interval 50ms >out 2>err
	wait_for 100 test -s err
	kill -HUP "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 129
	close_feed
	# the progress line was ended with a newline on the way out
	[ "$(tail -c 1 err | od -An -c | tr -d ' ')" = '\n' ]
}

@test "cat --stats: one line, bytes as a plain decimal, time, rate" {
	run -0 --separate-stderr bash -c 'head -c 1000000 /dev/zero | ipc-pipe cat --stats | wc -c'
	assert_output 1000000
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^ipc-pipe: cat: 1000000 bytes in [0-9]+\.[0-9]{3} s, [0-9.]+(B|KiB|MiB|GiB|TiB)/s$'
	run -0 --separate-stderr ipc-pipe cat --stats </dev/null
	assert_regex "$stderr" '^ipc-pipe: cat: 0 bytes in '
}

@test "cat --numeric: bytes so far, or percent clamped at 100 with --expect" {
	run -0 --separate-stderr bash -c 'head -c 5000 /dev/zero | ipc-pipe cat --numeric >/dev/null'
	assert_equal "${stderr_lines[-1]}" 5000
	for l in "${stderr_lines[@]}"; do assert_regex "$l" '^[0-9]+$'; done
	# --expect smaller than the input: percent, never above 100
	run -0 --separate-stderr bash -c 'head -c 5000 /dev/zero | ipc-pipe cat --numeric --expect 1K >/dev/null'
	assert_equal "${stderr_lines[-1]}" 100
	# a rate-limited run: several updates, increasing, percent of 1 MiB
	run -0 --separate-stderr bash -c 'head -c 1M /dev/zero | ipc-pipe cat --rate-limit 1M --numeric --expect 1M --interval 100ms >/dev/null'
	[ "${#stderr_lines[@]}" -ge 3 ]
	prev=-1
	for l in "${stderr_lines[@]}"; do
		assert_regex "$l" '^[0-9]+$'
		[ "$l" -ge "$prev" ] && [ "$l" -le 100 ]
		prev=$l
	done
	assert_equal "$prev" 100
}

@test "cat --numeric: the clock ticks while stdin blocks" {
	run -0 --separate-stderr bash -c '(sleep 1.5; printf abc) | ipc-pipe cat --numeric --interval 100ms'
	assert_output abc
	# updates came while no byte moved, then the final count
	[ "${#stderr_lines[@]}" -ge 3 ]
	assert_equal "${stderr_lines[0]}" 0
	assert_equal "${stderr_lines[-1]}" 3
}

@test "cat --rate-limit: 2 MiB at 1M/s takes at least 1.5 s, data intact" {
	randfile in 2048
	t0=$(now_ns)
	run -0 bash -c 'ipc-pipe cat --rate-limit 1M <in | cat >out'
	t1=$(now_ns)
	cmp in out
	[ $(( (t1 - t0) / 1000000 )) -ge 1500 ]
	# a low rate, through the read/write path too
	t0=$(now_ns)
	run -0 bash -c 'head -c 40 /dev/zero | ipc-pipe cat --rate-limit 50 >out2'
	t1=$(now_ns)
	assert_equal "$(stat -c %s out2)" 40
	[ $(( (t1 - t0) / 1000000 )) -ge 500 ]
}

@test "cat --progress: on a terminal: bytes, elapsed, rate; percent clamped at 100%" {
	head -c 300000 /dev/zero >in
	run -0 script -qfec "ipc-pipe cat --progress --expect 100K <in >out" /dev/null
	assert_equal "$(stat -c %s out)" 300000
	[[ $output == *$'\r'* ]]
	assert_output --partial "293KiB 0:00:00 ["
	assert_output --regexp '\[ *[0-9.]+(B|KiB|MiB|GiB)/s\]'
	# the final line: 100%, no ETA
	assert_output --regexp $'\r293KiB 0:00:00 \\[ *[0-9.]+[KMG]?i?B/s\\] 100% *\r?$'
	refute_output --regexp '(10[1-9]|[2-9][0-9][0-9])%'
	# on the way: percent and ETA
	run -0 script -qfec "ipc-pipe cat --progress --expect 300000 --rate-limit 1M --interval 100ms <in >out" /dev/null
	assert_output --regexp '[ 1-9][0-9]% ETA 0:00:0[0-9]'
	# --numeric replaces the line, on a terminal too
	run -0 script -qfec "ipc-pipe cat --progress --numeric --expect 600000 <in >out" /dev/null
	refute_output --partial "KiB"
	assert_output --regexp '(^|[^0-9])50($|[^0-9])'
}

@test "cat --progress: nothing when stderr is not a terminal, unless =force" {
	head -c 300000 /dev/zero >in
	run -0 --separate-stderr bash -c 'ipc-pipe cat --progress <in | wc -c'
	assert_equal "$stderr" ""
	assert_output 300000
	run -0 --separate-stderr bash -c 'ipc-pipe cat --progress=force --expect 1M <in >/dev/null'
	assert_regex "$stderr" $'^\r'
	[[ $stderr == *"293KiB 0:00:00 ["*"/s]  28%" ]]
}

@test "cat --progress: the line keeps ticking while stdin blocks" {
	run -0 --separate-stderr bash -c '(sleep 1.5; printf abc) | ipc-pipe cat --progress=force --interval 100ms'
	assert_output abc
	n=$(tr -cd '\r' <<<"$stderr" | wc -c)
	[ "$n" -ge 4 ]
	[[ $stderr == *$'\r    0B 0:00:01 [    0B/s]'* ]]
}

@test "cat --pipe-size: sets the adjacent pipes; by default they grow to 1 MiB" {
	# the reader drains to EOF, then describes the same pipe
	run -0 bash -c 'ipc-pipe cat --pipe-size 256K </dev/null | { cat; ipc-pipe info --json; }'
	assert_output --partial '"stdin":{"fd":0,"type":"pipe","mode":"r","capacity":262144,'
	run -0 bash -c 'ipc-pipe cat --pipe-size 4K </dev/null | { cat; ipc-pipe info --json; }'
	assert_output --partial '"capacity":4096,'
	run -0 bash -c 'ipc-pipe cat </dev/null | { cat; ipc-pipe info --json; }'
	assert_output --partial '"capacity":1048576,'
	# stdin side, and -v says so
	run -0 --separate-stderr bash -c 'printf x | ipc-pipe cat -v --pipe-size 8K'
	assert_output x
	[[ $stderr == *"stdin pipe capacity set to 8.0KiB"* ]]
	# no pipe next to us: a warning, the copy goes on
	run -0 --separate-stderr bash -c 'printf x >in; ipc-pipe cat --pipe-size 8K <in >out; cat out'
	assert_output x
	assert_equal "$stderr" "ipc-pipe: cat: --pipe-size: neither stdin nor stdout is a pipe"
}

@test "case 7: cat --pipe-size above fs.pipe-max-size as non-root: EPERM named, data intact" {
	max=$(cat /proc/sys/fs/pipe-max-size)
	d=$(nobody_dir)
	randfile "$d/in" 512
	chmod 644 "$d/in"
	size=$(( max * 4 ))
	run -0 --separate-stderr as_nobody bash -c "cd '$d' && cat in | ipc-pipe cat --pipe-size $size | cat >out"
	cmp "$d/in" "$d/out"
	# one line for each of the two pipes
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" "^ipc-pipe: cat: --pipe-size [0-9.]+MiB for the stdin pipe exceeds fs.pipe-max-size = $max \(/proc/sys/fs/pipe-max-size\), which only CAP_SYS_RESOURCE may pass; keeping [0-9.]+[KM]iB\$"
	assert_regex "${stderr_lines[1]}" "^ipc-pipe: cat: --pipe-size [0-9.]+MiB for the stdout pipe exceeds fs.pipe-max-size = $max "
	# CAP_SYS_RESOURCE may pass it (bit 24 of CapEff; containers drop it)
	if (( 0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24 & 1 )); then
		run -0 --separate-stderr bash -c "ipc-pipe cat --pipe-size $size </dev/null | { cat; ipc-pipe info --json; }"
		assert_equal "$stderr" ""
		assert_output --partial "\"capacity\":$size,"
	fi
}

@test "case 7: cat --pipe-size below the bytes queued: EBUSY named, data intact" {
	randfile in 60
	run -0 --separate-stderr with_prefilled_pipe 61440 in bash -c 'ipc-pipe cat --pipe-size 4K >out'
	cmp in out
	assert_equal "$stderr" "ipc-pipe: cat: --pipe-size 4.0KiB for the stdin pipe is less than the 61440 bytes queued in it; keeping 64KiB"
	# -q silences the warning, not the copy
	run -0 --separate-stderr with_prefilled_pipe 61440 in bash -c 'ipc-pipe cat -q --pipe-size 4K >out2'
	cmp in out2
	assert_equal "$stderr" ""
}

# ---- tee ----------------------------------------------------------------

@test "tee: stdin a pipe: every CMD and stdout get every byte (tee(2))" {
	randfile in 16384
	run -0 --separate-stderr bash -c 'cat in | ipc-pipe tee -v "cat >a" "cat >b" "sha256sum >c" | cat >out'
	[[ $stderr == *"tee(2), zero-copy"* ]]
	cmp in a
	cmp in b
	cmp in out
	assert_equal "$(cut -c1-64 c)" "$(sha256sum <in | cut -c1-64)"
}

@test "tee: consumers of different speeds and a slow stdout: all byte-exact" {
	randfile in 16384
	run -0 bash -c 'cat in | ipc-pipe tee "dd bs=777 status=none >a" "pv -qL 40M >b" "cat >c" | pv -qL 30M >out'
	cmp in a
	cmp in b
	cmp in c
	cmp in out
}

@test "tee: stdin a regular file: read/write path, all byte-exact" {
	randfile in 8192
	run -0 --separate-stderr bash -c 'ipc-pipe tee -v "cat >a" "cat >b" <in >out'
	[[ $stderr == *"read(2)/write(2)"* ]]
	cmp in a
	cmp in b
	cmp in out
}

@test "tee: a CMD that exits early does not stop the others" {
	randfile in 16384
	run -0 bash -c 'cat in | ipc-pipe tee -q "head -c1 >h" "cat >a" "exit 0" "cat >b"'
	assert_output ""
	cmp in a
	cmp in b
	assert_equal "$(stat -c %s h)" 1
	run -0 bash -c 'ipc-pipe tee "head -c1 >h" "cat >a" <in >out'
	cmp in a
	cmp in out
}

@test "tee: status is the first non-zero CMD status in argument order" {
	run -0 bash -c 'echo hi | ipc-pipe tee -q true "cat >/dev/null"'
	run -3 bash -c 'echo hi | ipc-pipe tee -q "exit 3" "exit 5"'
	run -5 bash -c 'echo hi | ipc-pipe tee -q true "cat >/dev/null; exit 5" true'
	run -127 bash -c 'echo hi | ipc-pipe tee -q ipckit-no-such-command-xyz true'
	run -143 bash -c 'echo hi | ipc-pipe tee -q "kill -TERM \$\$" "exit 4"'
	# the CMDs' stdout is ours
	run -0 bash -c 'printf "a\nb\n" | ipc-pipe tee -q "wc -l"'
	assert_output 2
	# -v names each failing CMD
	run -3 --separate-stderr bash -c 'echo hi | ipc-pipe tee -qv "exit 3"'
	[[ $stderr == *"CMD 1 (exit 3) exited with status 3"* ]]
}

@test "case 8: tee: a CMD failing before its input is read: others complete, status propagated" {
	randfile in 8192
	run -7 bash -c 'cat in | ipc-pipe tee "exit 7" "cat >a" | cat >out; exit "${PIPESTATUS[1]}"'
	cmp in a
	cmp in out
}

@test "tee: stdout closed early: the CMDs are still fed, status 141" {
	randfile in 8192
	run -0 bash -c 'cat in | ipc-pipe tee "cat >a" 2>err | head -c1 >/dev/null; echo "${PIPESTATUS[1]}"'
	assert_output 141
	cmp in a
	[ ! -s err ]
	run -0 bash -c 'ipc-pipe tee "cat >b" <in 2>err | head -c1 >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	cmp in b
	# a failing CMD takes precedence
	run -0 bash -c 'cat in | ipc-pipe tee "cat >/dev/null; exit 6" | head -c1 >/dev/null; echo "${PIPESTATUS[1]}"'
	assert_output 6
}

@test "case 8: tee: no zombie lingers while the other CMDs run, none at the end" {
	start_fed ipc-pipe tee -q "exit 0" "cat >/dev/null"
	# the first CMD is gone and reaped, the second still runs
	wait_for 100 bash -c "[ \$(ps -o stat= --ppid $pid | wc -l) = 1 ] && ! ps -o stat= --ppid $pid | grep -q Z"
	kill -0 "$pid"
	close_feed
	wait "$pid"
	run ps -o stat= --ppid "$pid"
	assert_output ""
}

@test "case 4: tee: SIGTERM mid-run is re-raised (143)" {
	start_fed ipc-pipe tee "cat >/dev/null"
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	close_feed
}

# ---- merge --------------------------------------------------------------

@test "merge: 100k lines from 4 writers: no line split, order kept per writer" {
	run -0 bash -c 'ipc-pipe merge "seq -f \"a %.0f\" 1 25000" "seq -f \"b %.0f\" 1 25000" "seq -f \"c %.0f\" 1 25000 | sed s/^/\ /" "seq -f \"d %.0f\" 1 25000 | tr d D" >out'
	assert_equal "$(wc -l <out)" 100000
	# every line is whole
	run -1 grep -Ev '^(a|b| c|D) [0-9]+$' out
	# each writer's lines arrive in its order
	for p in a b ' c' D; do
		grep "^$p " out | cut -d' ' -f2- | sed 's/^c //' >got
		seq 1 25000 | cmp - got
	done
}

@test "merge: lines longer than the buffer are never interleaved" {
	cat >w.sh <<'EOF'
for i in 1 2 3; do head -c 200000 /dev/zero | tr '\0' "$1"; echo; done
EOF
	run -0 ipc-pipe merge "sh w.sh a" "sh w.sh b" "sh w.sh c"
	assert_equal "${#lines[@]}" 9
	for l in "${lines[@]}"; do
		assert_equal "${#l}" 200000
		[[ $l =~ ^(a+|b+|c+)$ ]]
	done
}

@test "merge --tag: each line prefixed with its CMD's index" {
	run -0 ipc-pipe merge --tag "printf 'x\ny\n'" "echo z"
	assert_equal "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "1:x 1:y 2:z "
	run -0 bash -c 'ipc-pipe merge --tag "seq 5000" "seq 5000" | grep -c "^[12]:[0-9]*$"'
	assert_output 10000
}

@test "merge: a last line without a newline is completed; -0 records" {
	run -0 bash -c 'ipc-pipe merge "printf abc" | od -An -c | tr -s " "'
	assert_output " a b c \\n"
	run -0 bash -c 'ipc-pipe merge -0 --tag "printf \"a\0b\"" | od -An -c | tr -s " "'
	assert_output " 1 : a \\0 1 : b \\0"
	# -0: newlines are data, records are never split
	run -0 bash -c 'ipc-pipe merge -0 "printf \"p\nq\0\"" "printf \"r\0\"" | tr "\0" "|" | tr "\n" "^"'
	[[ $output == "p^q|r|" || $output == "r|p^q|" ]]
}

@test "case 8: merge: one CMD is popen(CMD, \"r\"): its output, its status" {
	run -0 ipc-pipe merge "echo hello"
	assert_output hello
	# a CMD exiting non-zero before its output is read: output delivered
	run -7 ipc-pipe merge "seq 3; exit 7"
	assert_output $'1\n2\n3'
	run -2 ipc-pipe merge "exit 2" "exit 3"
	run -3 ipc-pipe merge "echo a" "exit 3"
	run -127 ipc-pipe merge "ipckit-no-such-command-xyz"
	# the CMDs share our stdin, as popen(3) would have it
	run -0 bash -c 'echo fed | ipc-pipe merge "cat"'
	assert_output fed
}

@test "merge: stdout closed early: status 141, quietly" {
	run -0 bash -c 'ipc-pipe merge yes yes 2>err | head -n 1; echo "${PIPESTATUS[0]}"'
	assert_line --index 0 y
	assert_line --index 1 141
	[ ! -s err ]
}

@test "case 4: merge: SIGTERM mid-run is re-raised (143)" {
	ipc-pipe merge "sleep 30" >out &
	pid=$!
	wait_for 100 pgrep -P "$pid"
	kid=$(pgrep -P "$pid")
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	# not forwarded: the CMD lives on until its next write, or our kill
	kill "$kid"
}

# ---- info ---------------------------------------------------------------

@test "info: pipes with capacity and bytes queued; a regular file" {
	head -c 1000 /dev/zero >in
	run -0 with_prefilled_pipe 1000 in bash -c 'ipc-pipe info --json >out'
	run -0 "$PY" -c 'import json,sys; d=json.load(open("out")); i=d["stdin"]; o=d["stdout"]
assert i["type"]=="pipe" and i["capacity"]==65536 and i["queued"]==1000 and i["mode"]=="r", i
assert o["type"]=="file" and o["size"]==0 and o["name"].endswith("/out") and o["capacity"] is None, o
print("ok")'
	assert_output ok
	run -0 bash -c 'ipc-pipe info <in | cat'
	assert_line --index 0 --regexp '^FD +TYPE +MODE +CAPACITY +QUEUED +SIZE +NAME$'
	assert_line --index 1 --regexp '^stdin +file +r +- +- +1000 +/.*/in$'
	assert_line --index 2 --regexp '^stdout +pipe +w +[0-9]+ +0 +- +pipe:\[[0-9]+\]$'
}

@test "info: /dev/null is a char device, a named pipe is a fifo, a closed fd" {
	mkfifo f
	run -0 bash -c 'ipc-pipe info --json </dev/null >f & cat <f; wait'
	run -0 "$PY" -c 'import json,sys; d=json.loads(sys.argv[1])
assert d["stdin"]["type"]=="chardev" and d["stdin"]["name"]=="/dev/null", d
assert d["stdout"]["type"]=="fifo" and d["stdout"]["capacity"]>0 and d["stdout"]["name"].endswith("/f"), d' "$output"
	run -0 bash -c 'ipc-pipe info <&- | cat'
	assert_line --index 1 --regexp '^stdin +closed +- +- +- +- +-$'
}

@test "info: a socket and a terminal" {
	run -0 "$PY" -c 'import socket,subprocess,json
a,b=socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
b.sendall(b"12345")
subprocess.run(["ipc-pipe","info","--json"], stdin=a, stdout=a, check=True)
assert a.recv(5) == b"12345"	# unread data would make close() a reset
a.close()
data=b"".join(iter(lambda: b.recv(4096), b""))
d=json.loads(data)
s=d["stdin"]
assert s["type"]=="socket" and s["domain"]=="unix" and s["socktype"]=="stream" and s["queued"]==5 and s["mode"]=="rw", s
print("ok")'
	assert_output ok
	run -0 script -qfec "ipc-pipe info" /dev/null
	assert_output --regexp 'stdin +tty +rw '
	assert_output --regexp 'stdout +tty +rw '
}

@test "tee -- -x and merge -- -x: a CMD that starts with - is a command" {
	mkdir bin
	printf '#!/bin/sh\ncat >"$PWD/got.x"\necho ran\n' >bin/-x
	chmod +x bin/-x
	PATH=$PWD/bin:$PATH
	run -0 bash -c 'echo hello | ipc-pipe tee -q -- -x'
	assert_output ran
	[ "$(cat got.x)" = hello ]
	run -0 ipc-pipe merge -- -x </dev/null
	assert_output ran
	[ ! -s got.x ]
}

# ---- signals at every blocking point, busy or blocked ------------------

@test "case 4: cat: a signal while it waits for room, for the rate limit, or copies flat out: 128+N at once" {
	local p sig
	mkfifo full sink
	exec 6<>full
	ipc-pipe cat </dev/zero >full 6>&- &
	p=$!
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	exec 6>&-
	ipc-pipe cat --rate-limit 10 </dev/zero >/dev/null &
	p=$!
	wait_for 100 sleeping "$p"
	kill_reap HUP "$p"
	[ "$reaped" -eq 129 ]
	for sig in TERM INT; do
		# read/write, and splice into a pipe
		env --default-signal=INT ipc-pipe cat </dev/zero >/dev/null &
		p=$!
		busy "$p"
		kill_reap "$sig" "$p"
		[ "$reaped" -eq $((128 + $(kill -l "$sig"))) ]
		cat sink >/dev/null &
		env --default-signal=INT ipc-pipe cat </dev/zero >sink &
		p=$!
		busy "$p"
		kill_reap "$sig" "$p"
		[ "$reaped" -eq $((128 + $(kill -l "$sig"))) ]
	done
}

@test "case 4: tee: SIGTERM while it waits for data, for room, for its CMDs, or copies flat out: 143 at once" {
	local p kid
	mkfifo feed f2 f3
	# data: stdin a pipe with nothing in it
	exec 5<>feed
	ipc-pipe tee -q "cat >/dev/null" <feed 5>&- &
	p=$!
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	exec 5>&-
	# room: a CMD that does not read (tee(2) from a pipe, and write(2))
	yes >f2 2>/dev/null &
	ipc-pipe tee -q "exec sleep 30" <f2 &
	p=$!
	wait_for 100 pgrep -P "$p"
	kid=$(pgrep -P "$p")
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	kill "$kid"
	ipc-pipe tee -q "exec sleep 30" </dev/zero &
	p=$!
	wait_for 100 pgrep -P "$p"
	kid=$(pgrep -P "$p")
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	kill "$kid"
	# its CMDs: stdin is done, a CMD still runs (not forwarded: it lives on)
	ipc-pipe tee -q "exec sleep 30" </dev/null &
	p=$!
	wait_for 100 pgrep -P "$p"
	kid=$(pgrep -P "$p")
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	kill -0 "$kid"
	kill "$kid"
	# flat out, read/write and tee(2)
	ipc-pipe tee -q cat </dev/zero >/dev/null &
	p=$!
	busy "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	yes >f3 2>/dev/null &
	env --default-signal=INT ipc-pipe tee -q "cat >/dev/null" <f3 >/dev/null &
	p=$!
	busy "$p"
	kill_reap INT "$p"
	[ "$reaped" -eq 130 ]
}

@test "case 4: merge: SIGTERM while it waits for room, for its CMDs, or copies flat out: 143 at once" {
	local p kid
	mkfifo full
	exec 6<>full
	ipc-pipe merge yes >full 6>&- &
	p=$!
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	exec 6>&-
	ipc-pipe merge "exec sleep 30 >/dev/null" &
	p=$!
	wait_for 100 pgrep -P "$p"
	kid=$(pgrep -P "$p")
	wait_for 100 sleeping "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	kill "$kid"
	env --default-signal=INT ipc-pipe merge yes "yes n" >/dev/null &
	p=$!
	busy "$p"
	kill_reap INT "$p"
	[ "$reaped" -eq 130 ]
}

@test "case 4: merge: on a signal the lines it read are written whole" {
	local p
	mkfifo slow
	pv -q -L 200k <slow >out &
	ipc-pipe merge "seq 1000000" >slow &
	p=$!
	wait_for 100 test -s out
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	wait
	# whole lines, in order, from 1 on
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
	seq "$(wc -l <out)" | cmp - out
}

@test "case 4: cat stopped mid-stream takes nothing it does not write: the rest of stdin is still there" {
	local p
	randfile in 4096
	# read/write (file to file), and splice (file to a pipe)
	{ ipc-pipe cat --rate-limit 4M || :; cat; } <in >out &
	p=$!
	wait_for 100 test -s out
	kill -TERM "$(pgrep -P "$p" -x ipc-pipe)"
	reap "$p"
	cmp in out
	mkfifo sink
	cat sink >out2 &
	{ ipc-pipe cat --rate-limit 4M || :; cat; } <in >sink &
	p=$!
	wait_for 100 test -s out2
	kill -TERM "$(pgrep -P "$p" -x ipc-pipe)"
	reap "$p"
	wait
	cmp in out2
	# a write that blocks (a socket nobody reads): the bytes read and not
	# written go back to stdin
	run -0 "$PY" -c '
import os, signal, socket, subprocess, time
data = open("in", "rb").read()
a, b = socket.socketpair()
fd = os.open("in", os.O_RDONLY)
p = subprocess.Popen(["ipc-pipe", "cat", "-v"], stdin=fd, stdout=a,
    stderr=subprocess.PIPE)
a.close()
for _ in range(100):
    time.sleep(0.1)
    st = open("/proc/%d/stat" % p.pid).read().split()[2]
    if st == "S":
        break
p.send_signal(signal.SIGTERM)
assert p.wait(timeout=10) == -signal.SIGTERM
got = b"".join(iter(lambda: b.recv(1 << 16), b""))
pos = os.lseek(fd, 0, os.SEEK_CUR)
assert 0 < pos < len(data) and got == data[:pos], (len(got), pos)
err = p.stderr.read().decode()
assert "given back to stdin" in err, err
print("ok")'
	assert_output ok
}

# ---- the meter: final figures, --expect from a file, width, bar, lines --

@test "cat --numeric, --progress, --stats: the final figures also on a closed stdout and on a signal" {
	local p n
	run -0 --separate-stderr bash -c 'ipc-pipe cat --numeric --stats </dev/zero | head -c 10M >/dev/null; echo "${PIPESTATUS[0]}"'
	assert_output 141
	n=${stderr_lines[-2]}
	[ "$n" -ge 10485760 ]
	assert_regex "${stderr_lines[-1]}" "^ipc-pipe: cat: $n bytes in "
	run -0 bash -c 'ipc-pipe cat --progress=force </dev/zero 2>err | head -c 10M >/dev/null'
	[ "$(tail -c 1 err | od -An -c | tr -d ' ')" = '\n' ]
	run -0 bash -c "tr '\r' '\n' <err | tail -n 1"
	assert_output --regexp '^ *[0-9.]+MiB 0:00:0'
	ipc-pipe cat --progress=force --stats </dev/zero >/dev/null 2>err &
	p=$!
	busy "$p"
	kill_reap TERM "$p"
	[ "$reaped" -eq 143 ]
	run tail -n 1 err
	assert_output --regexp '^ipc-pipe: cat: [1-9][0-9]* bytes in '
	run bash -c "tail -n 2 err | head -n 1 | tr '\r' '\n' | tail -n 1"
	assert_output --regexp '^ *[0-9.]+[KMG]iB 0:00:0[0-9] \[ *[0-9.]+[KMG]?i?B/s\] *$'
}

@test "cat --progress: a regular file on stdin gives --expect; --bar and --name; the line fits the width" {
	head -c 1M /dev/zero >in
	run -0 --separate-stderr bash -c 'COLUMNS=80 ipc-pipe cat --progress=force --bar --name disk <in >/dev/null'
	local last=${stderr##*$'\r'}
	assert_regex "$last" '^disk: 1\.0MiB 0:00:00 \[ *[0-9.]+[KMG]?i?B/s\] \[=+\] 100% *$'
	[ "${#last}" -eq 79 ]	# 79 columns (run strips the newline)
	# narrower: the bar shrinks, then fields go; never past the width
	for w in 50 30 16; do
		run -0 --separate-stderr bash -c "COLUMNS=$w ipc-pipe cat --progress=force --bar --name disk --rate-limit 4M --interval 50ms <in >/dev/null"
		local seg
		while IFS= read -r -d $'\r' seg; do
			[ "${#seg}" -lt "$w" ]
		done <<<"${stderr//$'\n'/}"$'\r'
	done
	assert_regex "${stderr##*$'\r'}" '^disk: 1\.0MiB'
	# --expect beats the file's size; without a bar, the ETA shows on the way
	run -0 --separate-stderr bash -c 'COLUMNS=80 ipc-pipe cat --progress=force --expect 2M --rate-limit 4M --interval 50ms <in >/dev/null'
	[[ $stderr == *"% ETA 0:00:0"* ]]
	assert_regex "${stderr##*$'\r'}" ' 50% *$'
	run -0 --separate-stderr bash -c 'ipc-pipe cat --numeric <in >/dev/null'
	assert_equal "${stderr_lines[-1]}" 100
}

@test "cat -l, --line-mode: the meter counts lines; --expect is in lines" {
	run -0 --separate-stderr bash -c 'seq 100000 | ipc-pipe cat --line-mode --numeric --stats | wc -l'
	assert_output 100000
	assert_equal "${stderr_lines[-2]}" 100000
	assert_regex "${stderr_lines[-1]}" '^ipc-pipe: cat: 100000 lines, 588895 bytes in [0-9.]+ s, [0-9]+ lines/s, '
	run -0 --separate-stderr bash -c 'seq 100000 | ipc-pipe cat -l --numeric --expect 200000 >/dev/null'
	assert_equal "${stderr_lines[-1]}" 50
	run -0 --separate-stderr bash -c 'seq 100000 | ipc-pipe cat -l --progress=force >/dev/null'
	assert_regex "${stderr##*$'\r'}" '^  100k 0:00:00 \[ *[0-9.]+[kM]?/s\] *$'
}

# ---- names that are not UTF-8 ------------------------------------------

@test "info: a name that is not UTF-8: --json is valid JSON with the bytes back, text escapes it" {
	local n=$'in\xff\xfe\n\x1b[1m'
	: >"$n"
	run -0 bash -c 'ipc-pipe info --json <"$1"' _ "$n"
	run -0 "$PY" -c '
import json, sys
d = json.loads(sys.stdin.buffer.read())
name = d["stdin"]["name"].encode("utf-8", "surrogateescape")
assert name.endswith(b"/in\xff\xfe\n\x1b[1m"), name
print("ok")' <<<"$output"
	assert_output ok
	run -0 bash -c 'ipc-pipe info <"$1" | cat' _ "$n"
	assert_line --index 1 --regexp '/in\\377\\376\\n\\033\[1m$'
}
