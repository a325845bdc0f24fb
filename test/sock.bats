#!/usr/bin/env bats
# sock.bats - ipc-sock listen, connect, send and recv: UNIX (file and
# abstract) and TCP, against itself, socat and nc.  Traffic stays on
# loopback; TCP ports come from the kernel (port 0, reported by -v).

load helpers
bats_require_minimum_version 1.5.0

# start "ipc-sock listen|recv -v ... tcp:HOST:0" in the background (the
# caller's redirections apply); sets $port and $bg
tcp_bg() {
	local err=$BATS_TEST_TMPDIR/tcp.err.$BASHPID.$RANDOM
	ipc-sock "$@" -v 2>"$err" <&0 &
	bg=$!
	wait_for 100 grep -q 'listening on' "$err"
	port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\) (.*/\1/p' "$err")
	[ -n "$port" ]
}

# a socket file ready for connections (published only once it accepts)
ready() {
	wait_for 100 test -S "$1"
}

# no socket file and no temporary name left in this directory
no_sockets() {
	[ -z "$(find . \( -type s -o -name '.ipc-sock.*' \) -print)" ]
}

# the descriptors a process has open
nfds() {
	ls "/proc/$1/fd" | wc -l
}

# children of a process that are zombies
zombies() {
	ps --ppid "$1" -o stat= | grep -c '^Z' || true
}

# ---- addresses and usage --------------------------------------------------

@test "addresses: malformed ones are usage errors (status 2), one line, nothing made" {
	for a in sock '' @ unix: tcp:host tcp:host: 'tcp:::1:80' 'tcp:[::1]80' \
	    'tcp:[zz]:80' tcp:127.0.0.1:65536 tcp:127.0.0.1:-1 tcp:127.0.0.1:0 \
	    fd:3 systemd ./dir/; do
		run --separate-stderr ipc-sock connect "$a"
		echo "connect '$a': $status $stderr"
		assert_failure 2
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
	for a in fd:x fd:99999 tcp:host: 'tcp:[::1]:x y'; do
		run ipc-sock listen "$a"
		assert_failure 2
	done
	run --separate-stderr ipc-sock send --dgram tcp:127.0.0.1:9
	assert_failure 2
	[[ $stderr == *"--dgram is for UNIX sockets"* ]]
	run ipc-sock listen --mode 0644 @x
	assert_failure 2
	run ipc-sock listen --max-conns 3 ./s
	assert_failure 2
	run ipc-sock send -0 ./s
	assert_failure 2
	run ipc-sock recv --count 2 ./s
	assert_failure 2
	run ipc-sock listen --allow-uid 0 tcp:127.0.0.1:0
	assert_failure 2
	run ipc-sock listen --allow-uid no-such-user-here ./s
	assert_failure 2
	run ipc-sock listen --ready-fd 9 ./s
	assert_failure 2
	run ipc-sock listen --exec true ./s -- true
	assert_failure 2
	no_sockets
}

@test "case 26: a path of 108 bytes or more is refused, never truncated; 107 bytes work" {
	local d long ok
	d=$BATS_TEST_TMPDIR/p
	mkdir -p "$d"
	long=$d/$(printf '%*s' $((108 - ${#d} - 1)) '' | tr ' ' a)
	[ "${#long}" -eq 108 ]
	for v in listen connect send recv; do
		run --separate-stderr ipc-sock "$v" "$long"
		assert_failure 2
		[[ $stderr == *"path of 108 bytes does not fit"* ]]
		[[ $stderr == *"not truncated"* ]]
	done
	run ipc-sock listen "@$(printf '%*s' 108 '' | tr ' ' b)"
	assert_failure 2
	[ -z "$(ls -A "$d")" ]
	# 107 bytes: the longest that fits; the temporary name goes through
	# /proc/self/fd, and the published path is the one asked for
	ok=${long%a}
	[ "${#ok}" -eq 107 ]
	echo hi | ipc-sock recv "$ok" >out &
	ready "$ok"
	echo 107 | ipc-sock send "$ok"
	wait $!
	[ "$(cat out)" = 107 ]
	[ -z "$(ls -A "$d")" ]
	n=$(printf '%*s' 107 '' | tr ' ' c)
	ipc-sock recv "@$n" >out &
	wait_for 100 grep -q "@$n\$" /proc/net/unix
	echo abstract | ipc-sock send --retry --timeout 10 "@$n"
	wait $!
	[ "$(cat out)" = abstract ]
}

# ---- streams ---------------------------------------------------------------

@test "stream: 64 MiB each way at once, byte for byte, from files and through pipes" {
	randfile a 65536
	randfile b 65536
	ipc-sock listen ./s <a >a.got &
	ready ./s
	ipc-sock connect ./s <b >b.got
	wait $!
	cmp a b.got
	cmp b a.got
	[ ! -e s ]
	# pipes on both sides: the splice path
	cat a | ipc-sock listen ./s | cat >a2.got &
	ready ./s
	cat b | ipc-sock connect ./s | cat >b2.got
	wait $!
	cmp a b2.got
	cmp b a2.got
	[ ! -e s ]
}

@test "case 27: stdin's end first: it is passed on (shutdown) and the reply still arrives" {
	randfile a 8192
	ipc-sock listen --exec 'wc -c; echo done' ./s &
	ready ./s
	run --separate-stderr ipc-sock connect ./s <a
	assert_success
	[ "$output" = "$(printf '%s\ndone' 8388608)" ]
	wait $!
	# the same against a scripted peer that answers only after our EOF
	"$PY" -c '
import socket, sys
l = socket.socket(socket.AF_UNIX); l.bind("./p"); l.listen()
c, _ = l.accept(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
c.sendall(b"got %d\n" % n); c.close()' &
	py=$!
	ready ./p
	run ipc-sock connect ./p <a
	assert_success
	assert_output 'got 8388608'
	wait $py
}

@test "case 27: the peer's end first: sending goes on until stdin ends" {
	randfile a 16384
	# the listener's stdin is empty: it says EOF at once, keeps reading
	ipc-sock listen ./s </dev/null >got &
	ready ./s
	run ipc-sock connect ./s <a
	assert_success
	assert_output ''
	wait $!
	cmp a got
	# a scripted peer that shuts down its side first, then reads all
	"$PY" -c '
import socket
l = socket.socket(socket.AF_UNIX); l.bind("./p"); l.listen()
c, _ = l.accept(); c.sendall(b"hello\n"); c.shutdown(socket.SHUT_WR)
n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
open("n", "w").write("%d\n" % n)' &
	py=$!
	ready ./p
	run ipc-sock connect ./p < <(cat a)
	assert_success
	assert_output hello
	wait $py
	[ "$(cat n)" = 16777216 ]
}

@test "case 30: a connection reset in the middle is status 1, not success" {
	# TCP: the peer resets (SO_LINGER 0) while we still send and read
	"$PY" -c '
import socket, struct, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
open("port", "w").write("%d\n" % l.getsockname()[1])
c, _ = l.accept(); c.sendall(b"x" * 100000); time.sleep(0.3)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()' &
	py=$!
	wait_for 100 test -s port
	run --separate-stderr ipc-sock connect "tcp:127.0.0.1:$(cat port)" </dev/zero
	assert_failure 1
	[[ $stderr == *"reset by peer"* ]]
	[[ $stderr == *"100000 bytes received"* ]]
	wait $py
	# UNIX: the peer closes with our bytes unread: send says so
	"$PY" -c '
import socket, time
l = socket.socket(socket.AF_UNIX); l.bind("./p"); l.listen()
c, _ = l.accept(); c.recv(10); time.sleep(0.3); c.close()' &
	py=$!
	ready ./p
	run --separate-stderr ipc-sock send ./p < <(head -c 16M /dev/zero)
	assert_failure 1
	[[ $stderr == *"not delivered"* ]]
	wait $py
	# a receiver that dies before reading: the sender's check at the end
	rm -f p
	"$PY" -c '
import socket, time
l = socket.socket(socket.AF_UNIX); l.bind("./p"); l.listen()
c, _ = l.accept(); time.sleep(0.5); c.close()' &
	py=$!
	ready ./p
	run --separate-stderr ipc-sock send ./p < <(echo short)
	assert_failure 1
	[[ $stderr == *"closed without reading everything"* ]]
	wait $py
}

@test "listen --keep: connections one after another, each to stdout" {
	ipc-sock listen --keep --count 3 ./s </dev/null >got &
	ready ./s
	for i in 1 2 3; do
		echo "client $i" | ipc-sock connect ./s
	done
	wait $!
	[ "$(cat got)" = "$(printf 'client %s\n' 1 2 3)" ]
	[ ! -e s ]
}

# ---- the socket file --------------------------------------------------------

@test "socket file: 0600 under umask 000 (--mode otherwise), removed on SIGTERM (143)" {
	umask 000
	ipc-sock listen ./s </dev/null >/dev/null &
	ready ./s
	[ "$(stat -c %a s)" = 600 ]
	kill -TERM $!
	st=0
	wait $! || st=$?
	[ "$st" -eq 143 ]
	[ ! -e s ]
	ipc-sock recv --dgram --mode 0660 ./d >/dev/null &
	ready ./d
	[ "$(stat -c %a d)" = 660 ]
	kill -HUP $!
	st=0
	wait $! || st=$?
	[ "$st" -eq 129 ]
	[ ! -e d ]
	# mid-transfer too, and no temporary name is left behind
	ipc-sock listen ./s </dev/zero >/dev/null &
	srv=$!
	ready ./s
	ipc-sock connect ./s </dev/null >/dev/null &
	cli=$!
	sleep 0.3
	kill -TERM $srv
	st=0
	wait $srv || st=$?
	[ "$st" -eq 143 ]
	wait $cli || true
	no_sockets
}

@test "case 33: the socket file appears only once it accepts: no ECONNREFUSED after [ -S ]" {
	for i in $(seq 20); do
		echo "$i" | ipc-sock listen ./s >/dev/null &
		ready ./s
		run ipc-sock connect ./s </dev/null
		assert_success
		assert_output "$i"
		wait $!
	done
}

@test "--ready-fd: one newline once it accepts, then closed" {
	mkfifo r
	ipc-sock listen --ready-fd 3 ./s 3>r </dev/null >/dev/null &
	run cat r
	assert_success
	[ "$output" = "" ]
	[ "${#lines[@]}" -eq 0 ]
	[ -S s ]
	ipc-sock connect ./s </dev/null
	wait $!
}

@test "case 28: stale socket replaced; live socket, regular file, symlink and FIFO refused" {
	# stale: a socket file nothing is bound to
	"$PY" -c 'import socket; socket.socket(socket.AF_UNIX).bind("./s")'
	[ -S s ]
	echo replaced | ipc-sock listen -v ./s >/dev/null 2>err &
	wait_for 100 grep -q 'listening on' err
	grep -q 'removed a stale socket file' err
	run ipc-sock connect ./s </dev/null
	assert_output replaced
	wait $!
	# live: refused, the server goes on undisturbed
	echo first | ipc-sock listen ./s >/dev/null &
	srv=$!
	ready ./s
	ino=$(stat -c %i s)
	run --separate-stderr ipc-sock listen ./s </dev/null
	assert_failure 1
	[[ $stderr == *"in use"* ]]
	[ "$(stat -c %i s)" = "$ino" ]
	run ipc-sock connect ./s </dev/null
	assert_output first
	wait $srv
	# a regular file, a symlink (dangling or not) and a FIFO: untouched
	echo precious >f
	ln -s f l
	ln -s nowhere dl
	mkfifo fifo
	for p in f l dl fifo; do
		run --separate-stderr ipc-sock listen "./$p" </dev/null
		assert_failure 1
		[[ $stderr == *"not a socket: left untouched"* ]]
	done
	[ "$(cat f)" = precious ]
	[ -L l ] && [ -L dl ] && [ -p fifo ]
	run --separate-stderr ipc-sock connect ./f </dev/null
	assert_failure 1
	[[ $stderr == *"not a socket (regular file)"* ]]
	no_sockets
}

@test "case 32: a live listener with a full accept queue is never taken for stale" {
	"$PY" -c '
import socket, time
l = socket.socket(socket.AF_UNIX); l.bind("./s"); l.listen(0)
cs = []
for i in range(8):
    c = socket.socket(socket.AF_UNIX); c.setblocking(False)
    try: c.connect("./s")
    except OSError: pass
    cs.append(c)
open("full", "w").write("1")
time.sleep(3)' &
	py=$!
	wait_for 100 test -e full
	ino=$(stat -c %i s)
	run --separate-stderr ipc-sock listen --nowait ./s </dev/null
	assert_failure 1
	[[ $stderr == *"in use"* ]]
	[ "$(stat -c %i s)" = "$ino" ]
	kill $py
}

@test "listen fd:N and systemd (LISTEN_FDS/LISTEN_PID): served, never unlinked" {
	# a listening socket made by a parent, handed down as systemd does
	"$PY" -c '
import os, socket, sys
l = socket.socket(socket.AF_UNIX); l.bind("./act"); l.listen()
os.dup2(l.fileno(), 3); os.set_inheritable(3, True)
os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS="1")
os.execvp("ipc-sock", ["ipc-sock", "listen", "--exec", "echo $UNIXLOCALPATH; env | grep -c ^LISTEN_ || true", "systemd"])' &
	py=$!
	ready ./act
	run ipc-sock connect ./act </dev/null
	assert_success
	assert_line --index 0 ./act
	assert_line --index 1 0
	wait $py
	[ -S act ]
	rm act
	# fd:N
	"$PY" -c '
import os, socket
l = socket.socket(socket.AF_UNIX); l.bind("./fdn"); l.listen()
os.dup2(l.fileno(), 5); os.set_inheritable(5, True)
os.execvp("ipc-sock", ["ipc-sock", "listen", "fd:5"])' </dev/null >got &
	py=$!
	ready ./fdn
	echo via-fd | ipc-sock connect ./fdn
	wait $py
	[ "$(cat got)" = via-fd ]
	[ -S fdn ]
	rm fdn
	# not ours: another process's LISTEN_PID
	run --separate-stderr env LISTEN_PID=1 LISTEN_FDS=1 ipc-sock listen systemd
	assert_failure 1
	[[ $stderr == *"LISTEN_PID=1 is not this process"* ]]
	run ipc-sock listen fd:0 </dev/null
	assert_failure 1
}

# ---- --exec ---------------------------------------------------------------

@test "--exec: 4 clients at once, each its own command, with the UCSPI variables" {
	mkdir bar
	ipc-sock listen --keep --count 4 --max-conns 4 --exec '
		: >"bar/$UNIXREMOTEPID"
		i=0
		while [ "$(ls bar | wc -l)" -lt 4 ] && [ $i -lt 300 ]; do
			sleep 0.05; i=$((i + 1))
		done
		echo "$PROTO $UNIXREMOTEPID $UNIXREMOTEEUID $UNIXREMOTEEGID $UNIXLOCALPATH $(ls bar | wc -l)"
		cat' ./s &
	srv=$!
	ready ./s
	for i in 1 2 3 4; do
		echo "data $i" | ipc-sock connect ./s >"out.$i" &
		pids[i]=$!
	done
	for i in 1 2 3 4; do
		wait "${pids[i]}"
		[ "$(sed -n 1p "out.$i")" = "UNIX ${pids[i]} $(id -u) $(id -g) ./s 4" ]
		[ "$(sed -n 2p "out.$i")" = "data $i" ]
	done
	wait $srv
	[ ! -e s ]
}

@test "--exec without --keep: one connection, CMD's status; 127 for a missing command" {
	ipc-sock listen --exec 'cat >/dev/null; exit 7' ./s &
	ready ./s
	echo x | ipc-sock connect ./s
	st=0
	wait $! || st=$?
	[ "$st" -eq 7 ]
	[ ! -e s ]
	ipc-sock listen ./s -- sh -c 'echo "argv: $0 $1"' one two &
	ready ./s
	run ipc-sock connect ./s </dev/null
	assert_output 'argv: one two'
	wait $!
	ipc-sock listen ./s -- no-such-command-here &
	ready ./s
	ipc-sock connect ./s </dev/null || true
	st=0
	wait $! || st=$?
	[ "$st" -eq 127 ]
}

@test "--allow-uid refuses user nobody before a byte moves; --allow-gid lets a group in" {
	local d
	d=$(nobody_dir)
	ipc-sock listen --keep --count 1 --mode 0666 --allow-uid 0 \
	    --exec 'echo served; cat >>got' "$d/s" 2>err &
	srv=$!
	ready "$d/s"
	run --separate-stderr as_nobody "$IPCKIT_BIN/ipc-sock" connect "$d/s" < <(echo from-nobody)
	assert_failure 1
	assert_output ''
	[[ $stderr == *"reset by peer"* || $stderr == *"peer closed"* ]]
	run ipc-sock connect "$d/s" < <(echo from-root)
	assert_output served
	wait $srv
	grep -q 'refused a peer: uid 65534' err
	[ "$(cat got)" = from-root ]
	# by group: nobody's group is let in, root (gid 0) is not
	ipc-sock listen --keep --count 1 --mode 0666 \
	    --allow-gid "$(id -g nobody)" --exec 'echo "hi $UNIXREMOTEEUID"' "$d/s" 2>err &
	srv=$!
	ready "$d/s"
	run ipc-sock connect "$d/s" </dev/null
	assert_output ''
	run as_nobody "$IPCKIT_BIN/ipc-sock" connect "$d/s" </dev/null
	assert_output "hi $(id -u nobody)"
	wait $srv
	grep -q 'refused a peer: uid 0' err
}

@test "case 29: 2000 short and 2000 refused connections: descriptor count flat, no zombies" {
	ipc-sock listen --keep ./s </dev/null >/dev/null &
	srv=$!
	ready ./s
	before=$(nfds $srv)
	"$PY" -c '
import socket
for i in range(2000):
    c = socket.socket(socket.AF_UNIX); c.connect("./s"); c.recv(1); c.close()'
	[ "$(nfds $srv)" -eq "$before" ]
	kill $srv
	wait $srv || true
	ipc-sock listen -q --keep --allow-uid 4242 ./s </dev/null >/dev/null &
	srv=$!
	ready ./s
	before=$(nfds $srv)
	"$PY" -c '
import socket
for i in range(2000):
    c = socket.socket(socket.AF_UNIX); c.connect("./s"); c.recv(1); c.close()'
	[ "$(nfds $srv)" -eq "$before" ]
	kill $srv
	wait $srv || true
	# and through commands: every one reaped
	ipc-sock listen --keep --exec true ./s &
	srv=$!
	ready ./s
	before=$(nfds $srv)
	"$PY" -c '
import socket
for i in range(200):
    c = socket.socket(socket.AF_UNIX); c.connect("./s"); c.recv(1); c.close()'
	wait_for 50 eval '[ "$(ps --ppid $srv -o pid= | wc -l)" -eq 0 ]'
	[ "$(nfds $srv)" -eq "$before" ]
	[ "$(zombies $srv)" -eq 0 ]
	kill $srv
	wait $srv || true
	# refused connects from the client side leave nothing behind either
	for i in $(seq 50); do
		ipc-sock connect ./nothing-here </dev/null 2>/dev/null && false
	done
	true
}

@test "--exec: SIGTERM reaches the commands, the file goes, then 143" {
	ipc-sock listen --keep --exec 'echo started; exec sleep 30' ./s &
	srv=$!
	ready ./s
	ipc-sock connect ./s </dev/null >c1 &
	cli=$!
	wait_for 100 grep -q started c1
	kid=$(ps --ppid $srv -o pid= | tr -d ' ')
	[ -n "$kid" ]
	kill -TERM $srv
	st=0
	wait $srv || st=$?
	[ "$st" -eq 143 ]
	[ ! -e s ]
	! kill -0 "$kid" 2>/dev/null
	wait $cli || true
}

# ---- datagrams and packets ----------------------------------------------------

@test "--dgram and --seqpacket: one record each, boundaries kept, empty records too" {
	for t in --dgram --seqpacket; do
		ipc-sock recv $t --count 4 ./r >got &
		ready ./r
		printf 'one\n\ntwo words\nlast' | ipc-sock send $t ./r
		wait $!
		[ "$(od -c got)" = "$(printf 'one\n\ntwo words\nlast\n' | od -c)" ]
		[ ! -e r ]
		n=$(uniq_name)
		ipc-sock recv $t -0 "@$n" >got &
		wait_for 100 grep -q "@$n\$" /proc/net/unix
		rcv=$!
		printf 'a\nb\0\0c' | ipc-sock send $t -0 --retry --timeout 10 "@$n"
		if [ $t = --dgram ]; then
			sleep 0.2
			kill $rcv
			wait $rcv || true
		else
			wait $rcv
		fi
		[ "$(od -c got)" = "$(printf 'a\nb\0\0c\0' | od -c)" ]
	done
}

@test "--seqpacket --raw: a binary file survives; --dgram --count takes exactly N" {
	randfile bin 1024
	ipc-sock recv --seqpacket --raw ./r >got &
	ready ./r
	ipc-sock send --seqpacket --raw ./r <bin
	wait $!
	cmp bin got
	ipc-sock recv --dgram --count 2 ./r >got &
	ready ./r
	seq 5 | ipc-sock send --dgram ./r 2>err || true
	wait $!
	[ "$(cat got)" = "$(printf '1\n2')" ]
	run ipc-sock recv --dgram --timeout 0.2 ./r
	assert_failure 124
	[ ! -e r ]
}

@test "--dgram: a record too big for a datagram is refused, naming the sizes" {
	ipc-sock recv --dgram ./r >/dev/null &
	rcv=$!
	ready ./r
	run --separate-stderr ipc-sock send --dgram ./r < <(echo small; head -c 4M /dev/zero | tr '\0' x; echo)
	assert_failure 1
	[[ $stderr == *"record 2 of 4194304 bytes does not fit one datagram"* ]]
	[[ $stderr == *"1 record sent before it"* ]]
	kill $rcv
	wait $rcv || true
}

# ---- TCP --------------------------------------------------------------------

@test "TCP on 127.0.0.1: both ways, the UCSPI variables, send and recv" {
	randfile a 4096
	tcp_bg listen tcp:127.0.0.1:0 <a >a.got
	echo hello | ipc-sock connect "tcp:127.0.0.1:$port" >b.got
	wait $bg
	cmp a b.got
	[ "$(cat a.got)" = hello ]
	rm -f tcp.err.*
	# 16 MiB each way through pipes (read/send into TCP, splice out)
	randfile b 16384
	cat b | tcp_bg listen tcp:127.0.0.1:0 | cat >b.got &
	wait_for 100 eval '[ -n "$(ls tcp.err.* 2>/dev/null)" ]'
	wait_for 100 grep -q 'listening on' tcp.err.*
	port=$(sed -n 's/.*listening on .*:\([0-9][0-9]*\) (.*/\1/p' tcp.err.*)
	cat a a a a | ipc-sock connect "tcp:127.0.0.1:$port" | cat >a4.got
	wait
	cmp b a4.got
	cmp <(cat a a a a) b.got
	rm -f tcp.err.*
	tcp_bg listen --exec 'env | grep ^TCP | sort; echo "$PROTO"' \
	    'tcp:127.0.0.1:0'
	run ipc-sock connect "tcp:127.0.0.1:$port" </dev/null
	assert_success
	assert_line "TCPLOCALIP=127.0.0.1"
	assert_line "TCPLOCALPORT=$port"
	assert_line "TCPREMOTEIP=127.0.0.1"
	assert_line --regexp '^TCPREMOTEPORT=[0-9]+$'
	assert_line TCP
	wait $bg
	# send/recv over TCP
	tcp_bg recv tcp:127.0.0.1:0 >got
	ipc-sock send "tcp:127.0.0.1:$port" <a
	wait $bg
	cmp a got
}

@test "TCP on [::1], and the any address as one dual-stack socket" {
	# ::1 is the address 000...01 of proc(5)'s /proc/net/if_inet6
	if ! grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null; then
		skip "no IPv6 loopback"
	fi
	tcp_bg listen --exec 'env | grep ^TCP | sort; echo "$PROTO"' 'tcp:[::1]:0'
	run ipc-sock connect "tcp:[::1]:$port" </dev/null
	assert_success
	assert_line "TCPLOCALIP=::1"
	assert_line "TCPLOCALPORT=$port"
	assert_line "TCPREMOTEIP=::1"
	assert_line --regexp '^TCPREMOTEPORT=[0-9]+$'
	assert_line TCP
	wait $bg
	# any address: one dual-stack socket, a v4 peer shown as v4
	tcp_bg listen --exec 'echo "$TCPREMOTEIP"' 'tcp::0'
	run ipc-sock connect "tcp:127.0.0.1:$port" </dev/null
	assert_output 127.0.0.1
	wait $bg
}

@test "connect --retry waits for a late server; --timeout ends it (124); without --retry: 1" {
	run --separate-stderr ipc-sock connect ./late </dev/null
	assert_failure 1
	run --separate-stderr ipc-sock connect --retry --timeout 0.3 ./late </dev/null
	assert_failure 124
	[[ $stderr == *"no connection within"* ]]
	run -124 ipc-sock connect -q --retry --timeout 0.3 @nobody-has-$$ </dev/null
	[ -z "$output" ]
	(sleep 0.5; echo late | ipc-sock listen ./late >/dev/null) &
	run ipc-sock connect --retry --timeout 20 ./late </dev/null
	assert_success
	assert_output late
	wait
	run ipc-sock listen --timeout 0.2 ./s </dev/null
	assert_failure 124
	[ ! -e s ]
}

# ---- peers -------------------------------------------------------------------

@test "interop: socat and nc -U on either side" {
	command -v socat && command -v nc
	seq 100000 >a
	socat UNIX-LISTEN:./s1 SYSTEM:'cat; echo socat-done' &
	py=$!
	ready ./s1
	run ipc-sock connect ./s1 <a
	assert_success
	[ "$(printf '%s\n' "$output" | tail -n 1)" = socat-done ]
	wait $py
	echo from-ipc | ipc-sock listen ./s2 >got &
	srv=$!
	ready ./s2
	run socat - UNIX-CONNECT:./s2 < <(echo from-socat)
	assert_output from-ipc
	wait $srv
	[ "$(cat got)" = from-socat ]
	echo from-nc | nc -lU ./s3 >got &
	srv=$!
	ready ./s3
	run ipc-sock connect ./s3 < <(echo from-ipc)
	assert_output from-nc
	wait $srv
	[ "$(cat got)" = from-ipc ]
	rm -f s3
	ipc-sock listen ./s4 <a >got &
	srv=$!
	ready ./s4
	nc -N -U ./s4 < <(echo from-nc) >ncgot
	wait $srv
	cmp a ncgot
	[ "$(cat got)" = from-nc ]
	# a relay: ipc-sock as the command of a TCP server, to a UNIX one
	ipc-sock listen --exec 'tr a-z A-Z' ./app &
	ready ./app
	tcp_bg listen --exec 'exec ipc-sock connect ./app' tcp:127.0.0.1:0
	run ipc-sock connect "tcp:127.0.0.1:$port" < <(echo relay)
	assert_output RELAY
	wait
}

# ---- stdout and signals --------------------------------------------------------

@test "case 2: closed stdin or stdout is an error, never the socket taken for it" {
	ipc-sock listen ./s >got &
	srv=$!
	ready ./s
	run --separate-stderr bash -c 'exec ipc-sock connect ./s <&-'
	assert_failure 1
	[[ $stderr == *"read error on stdin"* ]]
	wait $srv || true
	[ ! -s got ]
	bash -c 'exec ipc-sock recv ./r >&- 2>err' &
	rcv=$!
	ready ./r
	# the receiver takes the bytes, then cannot write them
	ipc-sock send ./r < <(echo hello)
	st=0
	wait $rcv || st=$?
	[ "$st" -eq 1 ]
	grep -q 'write error on stdout' err
}

@test "case 1: '| head -c1' ends quietly with 141, also with SIGPIPE ignored" {
	for ign in "" "trap '' PIPE;"; do
		run --separate-stderr timeout 30 bash -c "$ign
			ipc-sock send --retry --timeout 20 ./s </dev/zero 2>/dev/null &
			ipc-sock recv ./s | head -c1 >/dev/null; st=\${PIPESTATUS[0]}; wait; echo \$st"
		assert_success
		assert_output 141
		[ -z "$stderr" ]
		[ ! -e s ]
	done
}

@test "case 3: SIGINT while busy ends it at once (130); SIGSTOP/SIGCONT lose nothing" {
	ipc-sock listen ./s </dev/null >/dev/null &
	srv=$!
	ready ./s
	run timeout --preserve-status -s INT 1 ipc-sock connect ./s </dev/zero
	assert_failure 130
	wait $srv || true
	randfile a 32768
	ipc-sock listen ./s <a >/dev/null &
	srv=$!
	ready ./s
	ipc-sock connect ./s </dev/null | { sleep 0.3; cat; } >got &
	sleep 0.1
	kill -STOP $srv
	sleep 0.3
	kill -CONT $srv
	wait
	cmp a got
}

@test "valgrind: listen, connect, send, recv, --exec and an error path" {
	vg_setup
	randfile a 256
	vg ipc-sock listen ./s <a >got 3>&- &
	local l=$!
	run bash -c "echo hello | vg ipc-sock connect --retry --timeout 10s ./s >back"
	assert_success
	wait "$l"
	cmp a back
	[ "$(cat got)" = hello ]
	vg ipc-sock recv --dgram --count 2 ./d >dgot 3>&- &
	l=$!
	ready ./d
	run bash -c "printf 'one\ntwo\n' | vg ipc-sock send --dgram ./d"
	assert_success
	wait "$l"
	[ "$(cat dgot)" = "$(printf 'one\ntwo')" ]
	vg ipc-sock listen --exec 'tr a-z A-Z' ./e 3>&- &
	l=$!
	ready ./e
	run bash -c "echo up | vg ipc-sock connect ./e"
	assert_output UP
	wait "$l"	# without --keep it serves one connection, then ends
	run vg ipc-sock connect ./nosuch </dev/null
	assert_failure 1
	no_sockets
}
