#!/usr/bin/env bats
# map.bats - ipckit who and ipckit map: known topologies, built here from
# real processes, asserted exactly.

load helpers

# the pid of the only process whose command line is exactly $1
pid_of() {
	pgrep -n -x -f "$1"
}

# process $1 has exec'd its command (its redirections are done: a
# forked bash has its descriptors before they are) and has descriptor $2
has_fd() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" != bash ] &&
	    [ -e "/proc/$1/fd/$2" ]
}

# two python3 processes in the background that map /dev/shm/$1 (made
# 8K when it is not there), print their pids to py.1 and py.2, and sleep
two_mappers() {
	local i
	[ -e "/dev/shm/$1" ] || truncate -s 8K "/dev/shm/$1"
	for i in 1 2; do
		"$PY" -c "
import ctypes, os, time
libc = ctypes.CDLL(None)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
    ctypes.c_int, ctypes.c_int, ctypes.c_long]
f = os.open('/dev/shm/$1', os.O_RDWR)
libc.mmap(None, 8192, 3, 1, f, 0)
os.close(f)
print(os.getpid(), flush=True)
time.sleep(60)" >"py.$i" 3>&- &
	done
	wait_for 100 test -s py.1
	wait_for 100 test -s py.2
}

# the sleeps of this file have numbers of their own, 301 to 316
local_teardown() {
	pkill -x -f "sleep 3(0[1-9]|1[0-6])" 2>/dev/null || true
	rm -f "/dev/shm/ipckit-gap.$BATS_SUITE_TEST_NUMBER"
}

# sleep 316 in the background with 0-2 and REDIRS ($1), nothing else:
# what bats holds is closed first
bare_sleep() {
	bash -c 'for fd in /proc/$$/fd/*; do
		fd=${fd##*/}
		[ "$fd" -le 2 ] || eval "exec $fd>&-"
	done 2>/dev/null
	eval "exec sleep 316 $1"' _ "$1" </dev/null >/dev/null 2>&1 &
}

# the descriptors of process $1, in order, on one line
fds_of() {
	ls "/proc/$1/fd" | sort -n | tr '\n' ' '
}

@test "map: a shell pipeline a | b | c gives two pipe edges, writer to reader" {
	sleep 301 3>&- | cat 3>&- | sleep 302 3>&- &
	local c=$!
	wait_for 100 eval '[ -n "$(pid_of "sleep 301")" ]'
	local a b
	a=$(pid_of "sleep 301")
	b=$(pgrep -P "$(ps -o ppid= "$a")" -x cat || pgrep -n -x cat)
	wait_for 100 has_fd "$c" 0
	run ipckit map "$a"
	assert_success
	assert_line --regexp "^$a\\(sleep\\) fd 1 -> $b\\(cat\\) fd 0  pipe  pipe:\\[[0-9]+\\]\$"
	assert_line --regexp "^$b\\(cat\\) fd 1 -> $c\\(sleep\\) fd 0  pipe  pipe:\\[[0-9]+\\]\$"
	[ "$(printf '%s\n' "$output" | grep -c -E "^($a|$b)\\((sleep|cat)\\) fd 1 -> ($b|$c)\\(")" -eq 2 ]
	# --depth 1 from the last one reaches cat, not the first sleep
	run ipckit map --depth 1 "$c"
	assert_line --regexp "^$b\\(cat\\) fd 1 -> $c\\(sleep\\) fd 0 "
	refute_line --regexp "^$a\\(sleep\\) fd 1 -> $b"
	kill "$a" "$b" "$c" 2>/dev/null || true
}

@test "map: 100 pipelines, looked into by several threads: each edge once, in /proc's order, as on one CPU" {
	local i ours
	for i in $(seq 100); do
		sleep 315 3>&- | sleep 315 3>&- &
	done
	# the command line is "sleep 315" once exec'd: the pipe is in place
	wait_for 100 eval '[ "$(pgrep -c -x -f "sleep 315")" -eq 200 ]'
	ours="($(pgrep -d '|' -x -f "sleep 315"))\\(sleep\\)"
	ours="^$ours fd 1 -> $ours fd 0  pipe  pipe:\\[[0-9]+\\]\$"
	run ipckit map
	assert_success
	# bats's own pipe, which every sleep inherits, gives edges too
	printf '%s\n' "$output" | grep -E "$ours" >mine.1
	[ "$(wc -l <mine.1)" -eq 100 ]
	[ "$(sort -u mine.1 | wc -l)" -eq 100 ]
	# edges in the order of their writers' pids, which is /proc's
	printf '%s\n' "$output" | cut -d'(' -f1 | sort -n -c
	# one CPU: two threads, not four, take the blocks in another way
	run taskset -c 0 ipckit map
	assert_success
	printf '%s\n' "$output" | grep -E "$ours" >mine.2
	cmp mine.1 mine.2
	pkill -x -f "sleep 315"
}

@test "who and ls --stale: descriptors in a row, with gaps, without 0: each found once" {
	local a b c n=ipckit-gap.$BATS_SUITE_TEST_NUMBER
	mkfifo f g h
	truncate -s 4K "/dev/shm/$n"
	# Linux 6.2 and later give their number: those in a row are looked
	# at by number; from a gap on, the directory is read
	bare_sleep '3<>f'
	a=$!
	bare_sleep '7<>g 12<>h'
	b=$!
	bare_sleep "0<&- 5<>h 9</dev/shm/$n"
	c=$!
	wait_for 100 has_fd "$a" 3
	wait_for 100 has_fd "$b" 12
	wait_for 100 has_fd "$c" 9
	[ "$(fds_of "$a")" = "0 1 2 3 " ]
	[ "$(fds_of "$b")" = "0 1 2 7 12 " ]
	[ "$(fds_of "$c")" = "1 2 5 9 " ]
	run ipckit who --noheadings ./f ./g ./h "/$n"
	assert_success
	assert_line --regexp "^fifo +\\./f +$a +sleep +root +fd 3 rw\$"
	assert_line --regexp "^fifo +\\./g +$b +sleep +root +fd 7 rw\$"
	assert_line --regexp "^fifo +\\./h +$b +sleep +root +fd 12 rw\$"
	assert_line --regexp "^fifo +\\./h +$c +sleep +root +fd 5 rw\$"
	assert_line --regexp "^shm +/$n +$c +sleep +root +fd 9 r\$"
	[ "${#lines[@]}" -eq 5 ]
	# the stale checks of the tools look the same way (proc_fds)
	run ipc-shm ls --stale -v -o name --noheadings
	assert_line "ipc-shm: ls /$n: not stale: open in pid $c (sleep)"
	kill "$a" "$b" "$c"
}

@test "map --json and --dot: the same edges, valid JSON, and a DOT file that dot draws" {
	sleep 303 3>&- | sleep 304 3>&- &
	local b=$! a
	wait_for 100 eval '[ -n "$(pid_of "sleep 303")" ]'
	a=$(pid_of "sleep 303")
	run bash -c "ipckit map --json $a | jq -c '.[] | select(.from.pid == $a and .to.pid == $b) | [.kind, .from.fd, .to.fd, .from.mode, .to.mode, .directed]'"
	assert_success
	assert_output '["pipe",1,0,"w","r",true]'
	run bash -c "ipckit map --dot $a >g.dot && dot -Tsvg g.dot >g.svg"
	assert_success
	grep -q "p$a -> p$b \\[label=\"pipe" g.dot
	grep -q '<svg' g.svg
	run ipckit map --dot --json
	assert_failure 2
	run ipckit map 0
	assert_failure 2
	kill "$a" "$b" 2>/dev/null || true
}

@test "who and map: a FIFO with a reader and a writer, with the open modes" {
	mkfifo f
	sleep 305 <f 3>&- &
	local r=$!
	sleep 306 >f 3>&- &
	local w=$!
	# the FIFO open and sleep exec'd (fd 0 and 1 are there before both)
	wait_for 100 eval '[ "$(readlink "/proc/$r/fd/0")" = "$PWD/f" ] &&
	    [ "$(cat "/proc/$r/comm")" = sleep ]'
	wait_for 100 eval '[ "$(readlink "/proc/$w/fd/1")" = "$PWD/f" ] &&
	    [ "$(cat "/proc/$w/comm")" = sleep ]'
	run ipckit who --noheadings ./f
	assert_success
	assert_line --regexp "^fifo +\\./f +$r +sleep +root +fd 0 r\$"
	assert_line --regexp "^fifo +\\./f +$w +sleep +root +fd 1 w\$"
	[ "${#lines[@]}" -eq 2 ]
	run ipckit map "$r"
	assert_line --regexp "^$w\\(sleep\\) fd 1 -> $r\\(sleep\\) fd 0  fifo  .*/f\$"
	kill "$r" "$w"
}

@test "who and map: a socat UNIX listener with a client: listener, accepted socket and peer" {
	socat "UNIX-LISTEN:$PWD/s" EXEC:'sleep 307' 3>&- &
	local l=$!
	wait_for 100 test -S s
	sleep 308 3>&- | socat - "UNIX-CONNECT:$PWD/s" 3>&- &
	local c=$!
	wait_for 100 eval '[ -n "$(pid_of "sleep 307")" ]'
	run ipckit who --noheadings "$PWD/s"
	assert_success
	assert_line --regexp " $l +socat +root +fd [0-9]+ rw accepted\$"
	assert_line --regexp " $c +socat +root +fd [0-9]+ rw peer\$"
	run ipckit map "$c"
	assert_line --regexp "^($c\\(socat\\) fd [0-9]+ <-> $l\\(socat\\)|$l\\(socat\\) fd [0-9]+ <-> $c\\(socat\\)) fd [0-9]+  unix  $PWD/s\$"
	kill "$c" "$l" 2>/dev/null || true
	pkill -f 'sleep 30[78]' || true
}

@test "who and map: two python3 processes mapping one POSIX segment; SysV attach" {
	local n k id
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-shm create --size 8K "$n"
	two_mappers "$n"
	run ipckit who --noheadings "$n"
	assert_success
	assert_line --regexp "^shm +/$n +$(cat py.1) +python3 +root +mapped at 0x[0-9a-f]+ rw\$"
	assert_line --regexp "^shm +/$n +$(cat py.2) +python3 +root +mapped at 0x[0-9a-f]+ rw\$"
	[ "${#lines[@]}" -eq 2 ]
	run ipckit map "$(cat py.1)"
	assert_line --regexp "^$(cat py.1)\\(python3\\) map <-> $(cat py.2)\\(python3\\) map  shm  /$n\$"
	kill "$(cat py.1)" "$(cat py.2)"
	wait
	ipc-shm rm "$n" >/dev/null
	# SysV: the attached process, and the pids the kernel records
	id=$("$PY" -c "import sysv_ipc; print(sysv_ipc.SharedMemory($k, sysv_ipc.IPC_CREX, size=4096).id)")
	"$PY" -c "
import os, sysv_ipc, time
m = sysv_ipc.attach($id)
print(os.getpid(), flush=True)
time.sleep(60)" >py.3 3>&- &
	wait_for 100 test -s py.3
	run ipckit who --noheadings "id:$id"
	assert_line --regexp "^sysv-shm +$k id:$id +$(cat py.3) +python3 +root +mapped at 0x[0-9a-f]+ rw\$"
	assert_line --regexp "last attach or detach \\(only the last is recorded\\)\$"
	kill "$(cat py.3)"
	wait
	ipcrm -m "$id"
}

@test "map: a segment deleted while mapped, in a /dev/shm of nothing else; a segment of another mount namespace" {
	local n
	n=$(uniq_name)
	# alone in a private /dev/shm and deleted: only the inodes in use
	# tell that the processes' maps are worth reading
	export -f two_mappers wait_for
	export PY BATS_TEST_TMPDIR
	run unshare -m bash -c "
		set -e
		mount -t tmpfs -o size=1M tmpfs /dev/shm
		cd \"\$BATS_TEST_TMPDIR\"
		two_mappers $n
		rm /dev/shm/$n
		'$(command -v ipckit)' map \$(cat py.1)
		kill \$(cat py.1) \$(cat py.2)
		wait"
	assert_success
	assert_line --regexp "^[0-9]+\\(python3\\) map <-> [0-9]+\\(python3\\) map  shm  /$n\$"
	[ "$(grep -c "  shm  " <<<"$output")" -eq 1 ]
	# mapped in another mount namespace, looked at from this one
	rm -f py.1 py.2
	unshare -m bash -c "
		mount -t tmpfs -o size=1M tmpfs /dev/shm
		cd \"\$BATS_TEST_TMPDIR\"
		two_mappers $n
		wait" 3>&- &
	wait_for 100 test -s py.2
	run ipckit map "$(cat py.1)"
	assert_success
	assert_line --regexp "^$(cat py.1)\\(python3\\) map <-> $(cat py.2)\\(python3\\) map  shm  /$n\$"
	kill "$(cat py.1)" "$(cat py.2)"
	wait
	[ ! -e "/dev/shm/$n" ]
}

@test "who and map: a POSIX queue opened by two processes; a SysV queue's last pids" {
	local q k
	q=$(uniq_name)
	k=$(uniq_key)
	ipc-mq create "$q"
	ipc-mq recv "$q" >/dev/null 3>&- &
	local r=$!
	sleep 309 | ipc-mq send "$q" 3>&- &
	local s=$!
	wait_for 100 eval '[ "$(ipckit who --noheadings "$q" | wc -l)" -eq 2 ]'
	run ipckit who --noheadings "$q"
	# recv opens it read-write: it gives back what it cannot write
	assert_line --regexp "^mq +/$q +$r +ipc-mq +root +fd [0-9]+ rw\$"
	assert_line --regexp "^mq +/$q +$s +ipc-mq +root +fd [0-9]+ w\$"
	run ipckit map "$r"
	assert_line --regexp "^$s\\(ipc-mq\\) fd [0-9]+ -> $r\\(ipc-mq\\) fd [0-9]+  mq  /$q\$"
	kill "$r" "$s"
	pkill -f 'sleep 309' || true
	wait || true
	ipc-mq rm "$q" >/dev/null
	ipc-mq create --sysv "$k"
	echo hello | ipc-mq send --sysv "$k"
	run ipckit who --noheadings "$k"
	assert_line --regexp "^sysv-mq +$k id:[0-9]+ +[0-9]+ +\\(gone\\) +- +last msgsnd \\(only the last is recorded\\)\$"
	ipc-mq rm --sysv "$k" >/dev/null
}

@test "map: a TCP connection on 127.0.0.1 with both ends here" {
	socat TCP-LISTEN:0,bind=127.0.0.1 EXEC:'sleep 310' 3>&- 2>err &
	local l=$! port
	# socat does not say its port: find it from the listening socket
	wait_for 100 eval '[ -n "$(ss -Hltnp | grep "pid=$l," )" ]'
	port=$(ss -Hltnp | grep "pid=$l," | awk '{ print $4 }' | sed 's/.*://')
	sleep 311 3>&- | socat - "TCP:127.0.0.1:$port" 3>&- &
	local c=$!
	wait_for 100 eval '[ -n "$(pid_of "sleep 310")" ]'
	run ipckit map "$c"
	assert_line --regexp "^($c\\(socat\\) fd [0-9]+ <-> $l\\(socat\\)|$l\\(socat\\) fd [0-9]+ <-> $c\\(socat\\)) fd [0-9]+  tcp  127\\.0\\.0\\.1:[0-9]+-127\\.0\\.0\\.1:[0-9]+\$"
	kill "$c" "$l" 2>/dev/null || true
	pkill -f 'sleep 31[01]' || true
}

@test "who: no such object is status 1; an operand that is neither is named; nobody sees only its own" {
	run --separate-stderr ipckit who "$(uniq_name)"
	assert_failure 1
	[[ $stderr == *"no such object"* ]]
	: >plain
	run --separate-stderr ipckit who ./plain
	assert_failure 1
	[[ $stderr == *"not a FIFO or a socket (regular file)"* ]]
	run --separate-stderr ipckit who --sysv 0x7effffff
	assert_failure 1
	# as nobody: root's processes are counted in one line, not shown
	cd "$(nobody_dir)"
	mkfifo -m 666 g
	sleep 312 <>g 3>&- &
	local p=$!
	wait_for 100 has_fd "$p" 0
	run --separate-stderr runuser -u nobody -- ipckit who "$PWD/g"
	assert_success
	[ "$output" = "TYPE OBJECT PID COMMAND USER HOW" ]
	[[ $stderr == *"processes could not be inspected (run as root to see them; -v names them)"* ]]
	run ipckit who --noheadings "$PWD/g"
	assert_line --regexp " $p +sleep +root +fd 0 rw\$"
	kill "$p"
}

@test "who --json: one array of objects, keys the column names" {
	mkfifo f
	sleep 313 <f 3>&- &
	local r=$!
	exec 8>f
	wait_for 100 has_fd "$r" 0
	run bash -c "ipckit who --json ./f | jq -c '.[] | select(.pid == $r) | [.type, .object, .command, .how]'"
	exec 8>&-
	assert_output '["fifo","./f","sleep","fd 0 r"]'
	kill "$r" 2>/dev/null || true
}

@test "valgrind: who and map" {
	vg_setup
	mkfifo f
	sleep 314 <f 3>&- &
	local r=$!
	exec 8>f
	run vg ipckit who ./f
	assert_success
	run vg ipckit map --json
	assert_success
	run bash -c "vg ipckit map --dot >/dev/null"
	assert_success
	exec 8>&-
	kill "$r" 2>/dev/null || true
}
