#!/usr/bin/env bats
# sig.bats - ipc-sig list, send, wait, recv and info, against real
# processes: waiters, streams, pid files, and the PIDs that must never be
# signalled (0, -1, a wrap to -1).

load helpers
bats_require_minimum_version 1.5.0

# start "$@" in the background and wait until pid file $1 is there;
# its pid in $bg
start_bg() {
	local pf=$1
	shift
	"$@" &
	bg=$!
	wait_for 200 test -e "$pf"
}

# wait for the background job $bg: its status in $st
bgwait() {
	st=0
	wait "$bg" || st=$?
	echo "background job: status $st"
}

# the real-time signals' numbers as this C library numbers them
rtmin() { kill -l RTMIN; }
rtmax() { kill -l RTMAX; }

# queued signals the user has now (the first field of SigQ)
sigq_used() {
	awk '/^SigQ:/ { split($2, a, "/"); print a[1] }' /proc/self/status
}

# ---- names and numbers -----------------------------------------------------

@test "list: the table kill -L prints, in the same layout" {
	run --separate-stderr ipc-sig list
	assert_success
	[ -z "$stderr" ]
	[ "$output" = "$(bash -c 'kill -L' | sed 's/\t$//')" ]
	assert_line --index 0 --regexp '^ 1\) SIGHUP	 2\) SIGINT	'
	[[ $output == *"10) SIGUSR1"* ]]
	[[ $output == *"$(rtmin)) SIGRTMIN	"* ]]
	[[ $output != *"32)"* ]]
	[[ $output == *"$(rtmax)) SIGRTMAX" ]]
}

@test "list: names to numbers and back, as kill -l; --json parsed by python3" {
	run ipc-sig list USR1 SIGUSR1 usr1 sigUsr1 10 138 RTMIN RTMIN+3 RTMAX-2 sigrtmax-2 rtmax
	assert_success
	assert_output "$(printf '%s\n' 10 10 10 10 USR1 USR1 "$(rtmin)" \
	    "$(( $(rtmin) + 3 ))" "$(( $(rtmax) - 2 ))" "$(( $(rtmax) - 2 ))" \
	    "$(rtmax)")"
	run ipc-sig list "$(( $(rtmin) + 3 ))" "$(( $(rtmax) - 2 ))" IOT CLD POLL
	assert_output "$(printf '%s\n' RTMIN+3 RTMAX-2 6 17 29)"
	run bash -c 'ipc-sig list --json | "$PY" -c "
import json, sys
t = json.load(sys.stdin)
names = {e[\"number\"]: e[\"name\"] for e in t}
assert names[10] == \"SIGUSR1\" and names[1] == \"SIGHUP\", names
assert 32 not in names and 33 not in names
assert all(isinstance(e[\"number\"], int) for e in t)
print(len(t))"'
	assert_success
	assert_output "$(( 31 + $(rtmax) - $(rtmin) + 1 ))"
	run bash -c 'ipc-sig list --json USR2 | "$PY" -c "import json,sys; print(json.load(sys.stdin))"'
	assert_output "[{'number': 12, 'name': 'SIGUSR2'}]"
}

@test "signals: malformed or out of range names are status 2, for every verb" {
	local bad
	for bad in 0 32 33 65 999999 RTMIN+31 RTMAX-31 RTMIN-1 RTMAX+1 RTMIN+ \
	    SIG '' ' USR1' 'USR1 ' +10 -10 0x0a USR SIGSIGUSR1 RTMIN+-1 \
	    "$(head -c 5000 /dev/zero | tr '\0' 9)"; do
		run --separate-stderr ipc-sig list -- "$bad"
		assert_failure 2
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		run -2 ipc-sig wait --nowait -- "$bad"
		run -2 ipc-sig send -- "$bad" $$
		run -2 ipc-sig recv --nowait -- "$bad"
	done
	run --separate-stderr ipc-sig list 32
	[[ $stderr == "ipc-sig: list: bad signal '32'"* ]]
}

# ---- send: targets ----------------------------------------------------------

@test "case 23: send: PIDs 0, -1, negative, empty, 4294967295 and the like are refused, nothing sent" {
	local bad
	start_bg w ipc-sig wait --timeout 3 --pidfile w URG
	for bad in 0 00 -1 -2 -4294967295 '' 4294967295 4294967296 18446744073709551615 \
	    4194305 007 12x ' 12' x 1e3; do
		run --separate-stderr ipc-sig send URG -- "$bad"
		echo "PID '$bad': status $status, $stderr"
		assert_failure 2
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		# one bad PID among good ones: nothing at all is sent
		run -2 ipc-sig send URG "$bg" -- "$bad"
	done
	run --separate-stderr ipc-sig send URG -- 0
	[[ $stderr == "ipc-sig: send: PID 0 would signal the whole process group: refused"* ]]
	run --separate-stderr ipc-sig send URG -- -1
	[[ $stderr == "ipc-sig: send: PID -1 would signal every process: refused"* ]]
	run --separate-stderr ipc-sig send URG -- 4294967295
	[[ $stderr == "ipc-sig: send: PID '4294967295' is out of range (1 to 4194304)"* ]]
	# the waiter (in our process group) got nothing
	bgwait
	[ "$st" -eq 124 ]
	[ ! -e w ]
}

@test "send: a dead PID is status 1; the other targets still get theirs" {
	local dead
	sleep 0 &
	dead=$!
	wait "$dead"
	start_bg w ipc-sig wait --pidfile w USR1 >out
	run --separate-stderr ipc-sig send USR1 "$dead" "$bg"
	assert_failure 1
	[ "$stderr" = "ipc-sig: send $dead: no such process" ]
	wait "$bg"
	grep -Eq '^SIGUSR1 pid=[0-9]+ uid=0 value=-$' out
	# a stale pid file: status 1 with the same message
	echo "$dead" >stale.pid
	run --separate-stderr ipc-sig send USR1 --pidfile stale.pid
	assert_failure 1
	[ "$stderr" = "ipc-sig: send stale.pid: no such process (the pid file is stale)" ]
	: >empty.pid
	run -1 ipc-sig send USR1 --pidfile empty.pid
	echo junk >junk.pid
	run -1 ipc-sig send USR1 --pidfile junk.pid
	run -1 ipc-sig send USR1 --pidfile missing.pid
	run -2 ipc-sig send USR1
	run -2 ipc-sig send USR1 --pidfile ''
}

@test "send: another user's process is status 1, permission denied; nothing is sent" {
	local d
	d=$(nobody_dir)
	start_bg w ipc-sig wait --timeout 2 --pidfile w USR1
	run --separate-stderr as_nobody ipc-sig send USR1 "$bg"
	assert_failure 1
	[ "$stderr" = "ipc-sig: send $bg: cannot send SIGUSR1: Operation not permitted" ]
	run --separate-stderr as_nobody ipc-sig send --value 1 USR1 "$bg"
	assert_failure 1
	# nobody may wait and publish a pid file where it can write
	as_nobody ipc-sig wait --timeout 5 --pidfile "$d/p" USR2 >out &
	wait_for 200 test -e "$d/p"
	[ "$(stat -c %U "$d/p")" = nobody ]
	ipc-sig send USR2 --pidfile "$d/p"
	wait $!
	grep -q '^SIGUSR2 pid=[0-9]* uid=0 value=-$' out
	bgwait
	[ "$st" -eq 124 ]
}

@test "send --value queues an integer (SI_QUEUE) that wait shows with our pid" {
	start_bg w ipc-sig wait --count 3 --pidfile w RTMIN+2 >out
	ipc-sig send --value 7 RTMIN+2 "$bg"
	ipc-sig send --value -2147483648 "$(( $(rtmin) + 2 ))" --pidfile w
	ipc-sig send --value 2147483647 sigrtmin+2 "$bg"
	wait "$bg"
	run cut -d' ' -f1,4 out
	assert_output "$(printf 'SIGRTMIN+2 value=%s\n' 7 -2147483648 2147483647)"
	grep -Eq '^SIGRTMIN\+2 pid=[0-9]+ uid=0 value=7$' out
	run -2 ipc-sig send --value 2147483648 USR1 $$
	run -2 ipc-sig send --value x USR1 $$
	run -2 ipc-sig send --value '' USR1 $$
}

@test "case 24: send: a full signal queue (ulimit -i) is reported clearly, status 1" {
	local lim i st=0
	lim=$(( $(sigq_used) + 6 ))
	start_bg w bash -c "ulimit -i $lim; exec ipc-sig wait --follow --pidfile w --exec 'sleep 30' RTMIN"
	ipc-sig send --value 0 RTMIN "$bg"
	for i in $(seq 1 200); do
		run --separate-stderr ipc-sig send --value "$i" RTMIN "$bg"
		[ "$status" -eq 0 ] || { st=$status; break; }
	done
	echo "stopped at $i: $stderr"
	[ "$st" -eq 1 ]
	[[ $stderr == "ipc-sig: send $bg: the signal queue is full: its user's pending signals reached RLIMIT_SIGPENDING = $lim (ulimit -i)" ]]
	kill -TERM "$bg"
	bgwait
	[ "$st" -eq 143 ]
	[ ! -e w ]
}

# ---- wait -------------------------------------------------------------------

@test "wait: one line per signal: name, sender pid and uid, value" {
	start_bg w ipc-sig wait --pidfile w USR1 >out
	kill -USR1 "$bg"
	wait "$bg"
	run cat out
	assert_output "SIGUSR1 pid=$BASHPID uid=0 value=-"
	# the count: standard signals coalesce, real-time ones queue
	start_bg w ipc-sig wait -n 3 --pidfile w RTMAX-2 >out
	for i in 1 2 3; do ipc-sig send --value "$i" RTMAX-2 "$bg"; done
	wait "$bg"
	run awk '{ print $1, $4 }' out
	assert_output "$(printf 'SIGRTMAX-2 value=%s\n' 1 2 3)"
}

@test "wait --json: one object per line, parsed by python3" {
	start_bg w ipc-sig wait --json --count 2 --pidfile w USR2 RTMIN >out
	kill -USR2 "$bg"
	ipc-sig send --value 42 RTMIN "$bg"
	wait "$bg"
	run "$PY" -c '
import json, sys
for line in open("out"):
    o = json.loads(line)
    print(o["signal"], o["number"], o["uid"], o["value"], o["code"], o["pid"] > 0)'
	assert_success
	assert_line --index 0 "SIGUSR2 12 0 None SI_USER True"
	assert_line --index 1 "SIGRTMIN $(rtmin) 0 42 SI_QUEUE True"
}

@test "wait: --timeout and --nowait end in 124 with one line; -q says nothing" {
	run --separate-stderr ipc-sig wait --timeout 300ms USR1
	assert_failure 124
	[ -z "$output" ]
	[ "$stderr" = "ipc-sig: wait: no signal came within 0.3s" ]
	run --separate-stderr ipc-sig wait --nowait USR1 USR2
	assert_failure 124
	[ "$stderr" = "ipc-sig: wait: no signal came (--nowait)" ]
	run --separate-stderr ipc-sig wait -q --timeout 0.1 USR1
	assert_failure 124
	[ -z "$stderr" ]
	run -2 ipc-sig wait --timeout 1 --nowait USR1
	run -2 ipc-sig wait --timeout x USR1
	run -2 ipc-sig wait --count 0 USR1
	run -2 ipc-sig wait --follow --count 2 USR1
	run -2 ipc-sig wait KILL
	run -2 ipc-sig wait SIGSTOP
	run -2 ipc-sig wait
	run -2 ipc-sig wait --exec true --json USR1
	run -2 ipc-sig wait --exec true CHLD
}

@test "wait --follow: until idle for --timeout; some came, so status 0" {
	start_bg w ipc-sig wait --follow --timeout 1 --pidfile w RTMIN >out
	for i in 1 2 3 4; do ipc-sig send --value "$i" RTMIN "$bg"; done
	bgwait
	[ "$st" -eq 0 ]
	[ "$(wc -l <out)" -eq 4 ]
	[ ! -e w ]
}

@test "wait --exec: CMD per signal with IPC_SIG_* set; the first failing status" {
	start_bg w ipc-sig wait -n 3 --pidfile w --exec 'echo "$IPC_SIG_NAME $IPC_SIG_NUMBER $IPC_SIG_PID $IPC_SIG_UID [$IPC_SIG_VALUE] $IPC_SIG_CODE" >>log; [ "$IPC_SIG_VALUE" != 5 ] || exit 3' RTMIN+1
	for v in 4 5 6; do ipc-sig send --value "$v" RTMIN+1 "$bg"; done
	bgwait
	[ "$st" -eq 3 ]
	run cut -d' ' -f1,2,4,5,6 log
	assert_output "$(printf "SIGRTMIN+1 $(( $(rtmin) + 1 )) 0 [%s] SI_QUEUE\n" 4 5 6)"
	# a plain kill: no value
	start_bg w ipc-sig wait --pidfile w --exec 'echo "[$IPC_SIG_VALUE] $IPC_SIG_PID"' USR1 >out
	kill -USR1 "$bg"
	bgwait
	[ "$st" -eq 0 ]
	[ "$(cat out)" = "[] $BASHPID" ]
}

@test "wait: INT, TERM, HUP among the signals are data; otherwise they end it (re-raised), pid file gone" {
	start_bg w ipc-sig wait --pidfile w INT TERM >out
	kill -TERM "$bg"
	bgwait
	[ "$st" -eq 0 ]
	grep -q '^SIGTERM pid=' out
	[ ! -e w ]
	start_bg w ipc-sig wait --pidfile w USR1
	kill -HUP "$bg"
	bgwait
	[ "$st" -eq 129 ]
	[ ! -e w ]
	# CMD gets the TERM, and wait dies of it once CMD has gone
	start_bg w ipc-sig wait --pidfile w --exec 'echo started >log; sleep 30; echo not-killed >>log' USR1
	kill -USR1 "$bg"
	wait_for 100 test -s log
	kill -TERM "$bg"
	bgwait
	[ "$st" -eq 143 ]
	[ "$(cat log)" = started ]
	[ ! -e w ]
}

@test "wait: a closed stdout ends it quietly with 141 and the pid file is removed" {
	run --separate-stderr bash -c '
		{ ipc-sig wait --follow --pidfile w RTMIN; echo $? >st; } | head -n 1 >line &
		until [ -e w ]; do sleep 0.05; done
		p=$(cat w)
		for i in $(seq 1 20); do ipc-sig send --value $i RTMIN $p 2>/dev/null || break; sleep 0.05; done
		wait
		cat line st; [ ! -e w ]'
	assert_success
	[ -z "$stderr" ]
	assert_line --index 0 --regexp '^SIGRTMIN pid=[0-9]+ uid=0 value=1$'
	assert_line --index 1 141
}

# ---- pid files ---------------------------------------------------------------

@test "pid file race: a send as soon as the pid file appears never kills the waiter (200 times)" {
	run bash -c '
		fail=0
		for i in $(seq 1 200); do
			ipc-sig wait --pidfile p USR1 RTMIN >out &
			w=$!
			until [ -e p ]; do :; done
			if [ $((i % 2)) -eq 0 ]; then
				ipc-sig send USR1 --pidfile p || fail=1
			else
				kill -s RTMIN "$(cat p)" || fail=1
			fi
			wait $w || { echo "round $i: waiter status $?"; fail=1; }
			[ -s out ] || { echo "round $i: nothing printed"; fail=1; }
			[ "$fail" -eq 0 ] || break
		done
		[ ! -e p ] && exit $fail'
	assert_success
	assert_output ''
}

@test "pid file: mode 0600, our PID and a newline, locked, never replaces what is not a stale pid file" {
	umask 000
	start_bg w ipc-sig wait --pidfile w USR1
	[ "$(stat -c %a w)" = 600 ]
	[ "$(cat w)" = "$bg" ]
	[ "$(wc -c <w)" -eq $(( ${#bg} + 1 )) ]
	# in use: locked (flock, as pidfile_open(3) does) by a live waiter
	run --separate-stderr ipc-sig wait --nowait --pidfile w USR2
	assert_failure 1
	[ "$stderr" = "ipc-sig: wait w: in use by process $bg (it holds the lock)" ]
	flock -n w true && false
	kill -USR1 "$bg"
	wait "$bg"
	[ ! -e w ]
	# a stale one (its process is gone) is replaced, and removed at exit
	sleep 0 &
	echo $! >stale
	wait
	run -124 ipc-sig wait --nowait --pidfile stale USR1
	[ ! -e stale ]
	# not a pid file, a live process's file, a symlink, a directory: untouched
	echo 'important data' >data
	run -1 ipc-sig wait --nowait --pidfile data USR1
	[ "$(cat data)" = 'important data' ]
	echo $$ >live
	run --separate-stderr ipc-sig wait --nowait --pidfile live USR1
	assert_failure 1
	[[ $stderr == *"names process $$, which is running: not replaced"* ]]
	[ "$(cat live)" = $$ ]
	ln -s data link
	run -1 ipc-sig wait --nowait --pidfile link USR1
	[ -L link ]
	mkdir dir
	run -1 ipc-sig wait --nowait --pidfile dir USR1
	[ -d dir ]
	run -1 ipc-sig wait --nowait --pidfile no-such-dir/p USR1
	run -2 ipc-sig wait --nowait --pidfile dir/ USR1
	# no temporary file is left behind by any of them
	[ -z "$(ls -A | grep '^\.')" ]
}

@test "pid file: a waiter that another process replaced does not remove the newcomer's file" {
	start_bg w ipc-sig wait --pidfile w USR1
	rm w
	echo 1 >w
	kill -USR1 "$bg"
	wait "$bg"
	[ "$(cat w)" = 1 ]
}

# ---- the stream ----------------------------------------------------------------

# stream file $1 with send --stdin into recv; recv's output in got, its
# status in recv.st, send's in send.st; extra recv options in RECVOPT,
# send options in SENDOPT
stream() {
	rm -f r
	# shellcheck disable=SC2086
	start_bg r ipc-sig recv ${RECVOPT:-} --pidfile r RTMIN+4 >got 2>recv.err
	# shellcheck disable=SC2086
	ipc-sig send ${SENDOPT:-} RTMIN+4 --pidfile r --stdin <"$1" 2>send.err
	echo $? >send.st
	wait "$bg"
	echo $? >recv.st
	cat send.err recv.err >&2
}

@test "stream: 20,000 integers in order, none lost; extremes round-trip" {
	seq 20000 >in
	printf '%s\n' 0 -1 2147483647 -2147483648 ' 12' '+5 ' '	-7' 007 >>in
	stream in
	[ "$(cat send.st) $(cat recv.st)" = "0 0" ]
	seq 20000 >want
	printf '%s\n' 0 -1 2147483647 -2147483648 12 5 -7 7 >>want
	cmp want got
}

@test "case 24: stream: 20,000 integers under a small ulimit -i, in order, none lost" {
	local lim
	lim=$(( $(sigq_used) + 40 ))
	seq 20000 >in
	run --separate-stderr bash -c "
		ulimit -i $lim
		ipc-sig recv -v --pidfile r RTMIN >got &
		r=\$!
		until [ -e r ]; do sleep 0.01; done
		ipc-sig send -v RTMIN --pidfile r --stdin <in || exit 1
		wait \$r"
	echo "$stderr"
	assert_success
	cmp in got
	[[ $stderr =~ "at most "([0-9]+)" unacknowledged" ]]
	[ "${BASH_REMATCH[1]}" -le 30 ]
	[[ $stderr == *"recv: 20000 values received"* ]]
	[[ $stderr == *"send r: 20000 values sent, all delivered"* ]]
}

@test "stream --bytes: 1 MiB of random bytes byte-exact, and every tail length" {
	local n
	randfile in 1024
	RECVOPT=--bytes SENDOPT=--bytes stream in
	[ "$(cat send.st) $(cat recv.st)" = "0 0" ]
	cmp in got
	for n in 0 1 2 3 4 5 6 7 8 9; do
		head -c "$n" /dev/urandom >in
		RECVOPT=--bytes SENDOPT=--bytes stream in
		[ "$(cat send.st) $(cat recv.st)" = "0 0" ]
		cmp in got
	done
	printf 'a\0b\n\0\0\0' >in
	RECVOPT=--bytes SENDOPT=--bytes stream in
	cmp in got
}

@test "stream: empty input, and a last line without a newline" {
	: >in
	stream in
	[ "$(cat send.st) $(cat recv.st)" = "0 0" ]
	[ ! -s got ]
	printf '1\n2\n3' >in
	stream in
	[ "$(cat got)" = "$(printf '1\n2\n3')" ]
}

@test "stream: a bad line is status 1 naming it; earlier ones stay sent, recv says it stopped early" {
	printf '1\n2\nthree\n4\n' >in
	run --separate-stderr stream in
	[ "$(cat send.st) $(cat recv.st)" = "1 1" ]
	[ "$(cat got)" = "$(printf '1\n2')" ]
	[[ $stderr == *"ipc-sig: send r: line 3: 'three' is not an integer (2 sent before it)"* ]]
	[[ $stderr == *"ipc-sig: recv: the sender stopped early: 2 values received"* ]]
	printf '5\n2147483648\n' >in
	run --separate-stderr stream in
	[ "$(cat got)" = 5 ]
	[[ $stderr == *"line 2: '2147483648' is out of range (-2147483648 to 2147483647)"* ]]
	printf '5\n\n6\n' >in
	run --separate-stderr stream in
	[ "$(cat send.st)" = 1 ]
	[[ $stderr == *"line 2: an empty line is not an integer"* ]]
	printf '1\r\n' >in
	run -0 stream in
	[ "$(cat send.st)" = 1 ]
}

@test "stream: recv takes only queued signals from its paired sender (-v reports the rest)" {
	seq 3000 >in
	run --separate-stderr bash -c '
		ipc-sig recv -v --pidfile r RTMIN+6 >got &
		r=$!
		until [ -e r ]; do sleep 0.01; done
		kill -s RTMIN+6 $r
		kill -s RTMIN+7 $r
		{ cat in; sleep 0.3; } | ipc-sig send RTMIN+6 --pidfile r --stdin &
		s=$!
		sleep 0.1
		ipc-sig send --value 99 RTMIN+6 $r
		wait $s && wait $r'
	assert_success
	cmp in got
	[[ $stderr == *"not queued: kill(2)"* ]]
	[[ $stderr == *"not from the paired sender"* ]]
}

@test "stream: RTMAX (control on RTMAX-1), and a raw sigqueue sender ends by exiting" {
	seq 500 >in
	rm -f r
	start_bg r ipc-sig recv --pidfile r RTMAX >got
	ipc-sig send RTMAX --pidfile r --stdin <in
	wait "$bg"
	cmp in got
	# one-shot queued signals from one process, which then exits
	start_bg r ipc-sig recv --pidfile r RTMIN >got
	ipc-sig send --value 17 RTMIN --pidfile r
	bgwait
	[ "$st" -eq 0 ]
	[ "$(cat got)" = 17 ]
}

@test "stream: recv --count N takes N; the sender says what was delivered" {
	seq 100 >in
	RECVOPT='--count 10' run --separate-stderr stream in
	[ "$(cat recv.st)" = 0 ]
	[ "$(cat send.st)" = 1 ]
	[ "$(cat got)" = "$(seq 10)" ]
	[[ $stderr == *"ipc-sig: send r: the receiver, process "*" exited: 10 of 100 values delivered, the last 90 may be lost"* ]]
}

@test "stream: the sender killed mid-stream: recv delivers what came and exits 1" {
	run --separate-stderr bash -c '
		ipc-sig recv --pidfile r RTMIN >got &
		r=$!
		until [ -e r ]; do sleep 0.01; done
		mkfifo f
		ipc-sig send RTMIN --pidfile r --stdin <f &
		s=$!
		exec 3>f
		seq 5 >&3
		until [ "$(wc -l <got)" -eq 5 ]; do sleep 0.05; done
		kill -KILL $s
		wait $r'
	assert_failure 1
	[ "$(cat got)" = "$(seq 5)" ]
	[[ $stderr == *"ipc-sig: recv: the sender, process "*" exited before the end of the stream: 5 values received"* ]]
	# SIGTERM instead: the sender says so before it dies, recv ends at once
	run --separate-stderr bash -c '
		ipc-sig recv --pidfile r RTMIN >got &
		r=$!
		until [ -e r ]; do sleep 0.01; done
		rm -f f
		mkfifo f
		ipc-sig send RTMIN --pidfile r --stdin <f &
		s=$!
		exec 3>f
		seq 5 >&3
		until [ "$(wc -l <got)" -eq 5 ]; do sleep 0.05; done
		kill -TERM $s
		wait $s; echo "send $?"
		wait $r; echo "recv $?"'
	assert_line "send 143"
	assert_line "recv 1"
	[[ $stderr == *"the sender stopped early: 5 values received"* ]]
}

@test "stream: recv killed mid-stream: send exits 1 saying how much was delivered" {
	run --separate-stderr bash -c '
		ipc-sig recv --pidfile r RTMIN >got &
		r=$!
		until [ -e r ]; do sleep 0.01; done
		{ seq 5; sleep 1; seq 5; } | ipc-sig send RTMIN --pidfile r --stdin &
		s=$!
		until [ "$(wc -l <got)" -eq 5 ]; do sleep 0.05; done
		sleep 0.2	# its acknowledgment: at most 2 ms after the last
		kill -KILL $r
		wait $s'
	echo "$stderr"
	assert_failure 1
	# a zombie still takes signals: the sixth may have gone out
	re='the receiver, process [0-9]+, exited( before the end of the stream [(]5 values delivered[)]|: 5 of [6-9] values delivered)'
	[[ $stderr =~ $re ]]
	[ ! -e r ] || rm r
}

@test "stream: SIGSTOP/SIGCONT of either side and a stray SIGALRM mid-stream: output equals input" {
	seq 200000 >in
	run --separate-stderr bash -c '
		ipc-sig recv --pidfile r RTMIN >got &
		r=$!
		until [ -e r ]; do sleep 0.01; done
		ipc-sig send RTMIN --pidfile r --stdin <in &
		s=$!
		for p in $r $s $r $s; do
			kill -STOP $p; sleep 0.05; kill -ALRM $p 2>/dev/null; kill -CONT $p
		done
		wait $s && wait $r'
	assert_success
	cmp in got
}

@test "stream: timeouts; usage errors; a mode mismatch" {
	run --separate-stderr ipc-sig recv --timeout 0.2 RTMIN
	assert_failure 124
	[ "$stderr" = "ipc-sig: recv: no stream came within 0.2s" ]
	run -124 ipc-sig recv --nowait RTMIN
	# a receiver that never acknowledges: send --timeout gives up, 124
	start_bg w ipc-sig wait --follow --pidfile w RTMIN RTMIN+1 >out
	run --separate-stderr bash -c 'seq 3 | ipc-sig send --timeout 0.5 RTMIN --pidfile w --stdin'
	assert_failure 124
	[[ $stderr == *"no acknowledgment from process $bg within 0.5s"*"0 of 3 values delivered" ]]
	kill "$bg"
	bgwait
	[ "$(grep -c '^SIGRTMIN ' out)" -eq 3 ]
	# bytes to an integer receiver
	head -c 10 /dev/urandom >in
	SENDOPT=--bytes run --separate-stderr stream in
	[ "$(cat recv.st)" = 1 ]
	[ "$(cat send.st)" = 1 ]
	[[ $stderr == *"streams bytes (send --bytes), this recv expects integers"* ]]
	run -2 ipc-sig send --stdin USR1 $$ </dev/null
	run -2 ipc-sig send --stdin --value 1 RTMIN $$ </dev/null
	run -2 ipc-sig send --stdin RTMIN $$ $$ </dev/null
	run -2 ipc-sig send --bytes RTMIN $$
	run -2 ipc-sig send --timeout 1 RTMIN $$
	run -2 ipc-sig recv USR1
	run -2 ipc-sig recv RTMIN RTMAX
	run -2 ipc-sig recv --bytes --count 3 RTMIN
	run -2 ipc-sig recv --count -1 RTMIN
}

# ---- info ----------------------------------------------------------------------

# a process that blocks USR1 (and has one pending), ignores USR2, catches
# HUP and RTMIN+5; a second thread blocks PIPE as well; pids in ids
start_masked() {
	"$PY" -c '
import os, signal, threading, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
signal.signal(signal.SIGHUP, lambda *a: None)
signal.signal(signal.SIGRTMIN + 5, lambda *a: None)
os.kill(os.getpid(), signal.SIGUSR1)
def t():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPIPE})
    open("ids.tmp", "w").write("%d %d\n" % (os.getpid(), threading.get_native_id()))
    os.rename("ids.tmp", "ids")
    time.sleep(60)
threading.Thread(target=t, daemon=True).start()
time.sleep(60)' &
	bg=$!
	wait_for 200 test -e ids
}

@test "info: pending, blocked, ignored and caught signals, decoded to names" {
	local pid tid
	start_masked
	read -r pid tid <ids
	run --separate-stderr ipc-sig info "$pid"
	assert_success
	[ -z "$stderr" ]
	assert_line "pid        $pid"
	assert_line --regexp '^name +python3'
	assert_line --regexp '^pending +SIGUSR1$'
	assert_line --regexp '^thrpending +-$'
	assert_line --regexp '^blocked +SIGUSR1$'
	assert_line --regexp '^ignored +.*SIGUSR2'
	assert_line --regexp '^caught +.*SIGHUP.* SIGRTMIN\+5'
	assert_line --regexp '^queued +[0-9]+$'
	# the second thread's view: it blocks PIPE too
	run ipc-sig info --tid "$tid" "$pid"
	assert_success
	assert_line "tid        $tid"
	assert_line --regexp '^blocked +SIGUSR1 SIGPIPE$'
	run bash -c "ipc-sig info --json $pid | \"\$PY\" -c '
import json, sys
o = json.load(sys.stdin)
assert o[\"pid\"] == $pid, o
assert o[\"pending\"] == [\"SIGUSR1\"], o
assert o[\"blocked\"] == [\"SIGUSR1\"], o
assert \"SIGUSR2\" in o[\"ignored\"] and \"SIGHUP\" in o[\"caught\"], o
assert \"SIGRTMIN+5\" in o[\"caught\"] and isinstance(o[\"queuelimit\"], int), o
print(\"ok\")'"
	assert_success
	assert_output ok
	kill "$bg"
}

@test "info: bad and missing PIDs and threads" {
	local dead
	sleep 0 &
	dead=$!
	wait
	run --separate-stderr ipc-sig info "$dead"
	assert_failure 1
	[ "$stderr" = "ipc-sig: info $dead: no such process" ]
	run --separate-stderr ipc-sig info --tid 1 $$
	assert_failure 1
	[ "$stderr" = "ipc-sig: info $$: no thread 1 in this process" ]
	run -2 ipc-sig info -- 0
	run -2 ipc-sig info -- -1
	run -2 ipc-sig info 4294967295
	run -2 ipc-sig info --tid 0 $$
	run -2 ipc-sig info
	run -2 ipc-sig info $$ $$
}

# ---- valgrind ------------------------------------------------------------------

@test "valgrind: list, info, wait, send and a stream are clean" {
	vg_setup
	run vg ipc-sig list --json
	assert_success
	run vg ipc-sig info --json $$
	assert_success
	start_bg w vg ipc-sig wait --json --pidfile w USR1
	vg ipc-sig send USR1 --pidfile w
	bgwait
	[ "$st" -eq 0 ]
	seq 2000 >in
	rm -f r
	start_bg r vg ipc-sig recv --pidfile r RTMIN >got
	vg ipc-sig send RTMIN --pidfile r --stdin <in
	bgwait
	[ "$st" -eq 0 ]
	cmp in got
}
