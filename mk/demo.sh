#!/bin/sh
# demo.sh BINDIR - a short tour of the ipckit tools: each step prints the
# command it runs, then its output.  Everything it makes lives in a
# private directory or is removed again; it ends with ipckit bench --quick.
set -eu
BIN=${1:-$(pwd)/build/bin}
PATH=$BIN:$PATH
export PATH
tmp=$(mktemp -d /tmp/ipckit-demo.XXXXXX)
n=ipckit-demo-$$
cleanup() {
	set +e
	ipc-mq rm "$n" >/dev/null 2>&1
	ipc-shm rm "$n" >/dev/null 2>&1
	ipc-sem rm "$n" >/dev/null 2>&1
	jobs -p | xargs -r kill 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
note() { printf '\033[2m# %s\033[0m\n' "$*"; }
has() { [ -x "$BIN/$1" ]; }

echo "ipckit demo: $(ls "$BIN" | tr '\n' ' ')"

if has ipc-pipe; then
	note "ipc-pipe: a splice(2) pass-through with statistics, fan-out, fan-in"
	say "head -c 256M /dev/zero | ipc-pipe cat --stats | wc -c"
	head -c 256M /dev/zero | ipc-pipe cat --stats | wc -c
	say "seq 3 | ipc-pipe tee --quiet 'sed s/^/a:/' 'sed s/^/b:/' | sort"
	seq 3 | ipc-pipe tee --quiet 'sed s/^/a:/' 'sed s/^/b:/' | sort
	say "ipc-pipe merge --tag 'seq 2' 'echo hello' | sort"
	ipc-pipe merge --tag 'seq 2' 'echo hello' | sort
	say "echo hi | ipc-pipe info | cat"
	echo hi | ipc-pipe info | cat
fi

if has ipc-fifo; then
	note "ipc-fifo: named pipes, waits bounded, lines never torn"
	say "seq 3 | ipc-fifo send --create --timeout 10 \$tmp/f & ipc-fifo recv --rm \$tmp/f"
	seq 3 | ipc-fifo send --create --timeout 10 "$tmp/f" &
	sleep 0.2
	ipc-fifo recv --rm --timeout 10 "$tmp/f"
	wait
fi

if has ipc-mq; then
	note "ipc-mq: a message queue as a work queue"
	say "printf 'job %s\\n' 1 2 3 | ipc-mq send --create --eof $n"
	printf 'job %s\n' 1 2 3 | ipc-mq send --create --eof "$n"
	say "ipc-mq stat $n"
	ipc-mq stat "$n"
	say "ipc-mq recv $n        # ends at the end-of-stream marker"
	ipc-mq recv "$n"
	say "ipc-mq rm $n"
	ipc-mq rm "$n"
fi

if has ipc-shm; then
	note "ipc-shm: a segment as a shared status board, and the streaming ring"
	say "echo ready | ipc-shm write --create $n; ipc-shm read $n"
	echo ready | ipc-shm write --create "$n"
	ipc-shm read "$n"
	say "ipc-shm rm $n"
	ipc-shm rm "$n"
	say "head -c 256M /dev/zero | ipc-shm send $n & ipc-shm recv $n | wc -c"
	head -c 256M /dev/zero | ipc-shm send "$n" &
	ipc-shm recv "$n" | wc -c
	wait
fi

if has ipc-sem; then
	note "ipc-sem: at most two at once, whatever happens to the holders"
	say "for i in 1 2 3 4; do ipc-sem run --create --value 2 $n -- sh -c 'echo \$\$ in; sleep 0.2' & done; wait"
	for i in 1 2 3 4; do
		ipc-sem run --create --value 2 "$n" -- sh -c 'echo "job $1 in"; sleep 0.2' sh "$i" &
	done
	wait
	say "ipc-sem get $n; ipc-sem rm $n"
	ipc-sem get "$n"
	ipc-sem rm "$n"
fi

if has ipc-sig; then
	note "ipc-sig: a signal as an event, and integers over queued signals"
	say "ipc-sig wait USR1 --pidfile \$tmp/w.pid & ipc-sig send USR1 --value 7 --pidfile \$tmp/w.pid"
	ipc-sig wait USR1 --timeout 10 --pidfile "$tmp/w.pid" &
	while [ ! -s "$tmp/w.pid" ]; do sleep 0.05; done
	ipc-sig send USR1 --value 7 --pidfile "$tmp/w.pid"
	wait
	say "ipc-sig recv RTMIN --pidfile \$tmp/r.pid & seq 5 | ipc-sig send RTMIN --stdin --pidfile \$tmp/r.pid"
	ipc-sig recv RTMIN --timeout 10 --pidfile "$tmp/r.pid" &
	while [ ! -s "$tmp/r.pid" ]; do sleep 0.05; done
	seq 5 | ipc-sig send RTMIN --stdin --pidfile "$tmp/r.pid"
	wait
fi

if has ipc-sock; then
	note "ipc-sock: a UNIX socket service with a shell command per connection"
	say "ipc-sock listen --exec 'tr a-z A-Z' \$tmp/s & echo hello | ipc-sock connect --retry --timeout 5 \$tmp/s"
	ipc-sock listen --exec 'tr a-z A-Z' "$tmp/s" &
	echo hello | ipc-sock connect --retry --timeout 5 "$tmp/s"
	wait
fi

if has ipckit; then
	note "ipckit: every object of every kind, who holds what, who talks to whom"
	ipc-mq create "$n"
	say "ipckit ls"
	ipckit ls
	say "ipckit rm $n"
	ipckit rm "$n"
	if ipckit map --help >/dev/null 2>&1; then
		say "sleep 2 | cat & ipckit map \$!"
		sleep 2 | cat &
		sleep 0.2
		ipckit map "$!"
	fi
	say "ipckit bench --quick"
	ipckit bench --quick
fi
printf '\ndemo done\n'
