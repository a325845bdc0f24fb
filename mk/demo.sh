#!/bin/sh
# demo.sh BINDIR - a short tour of the ipckit tools that are built.
# Everything it makes lives in a private directory or is removed again.
set -eu
BIN=${1:-$(pwd)/build/bin}
PATH=$BIN:$PATH
export PATH
tmp=$(mktemp -d)
q=ipckit-demo-$$
cleanup() {
	if [ -x "$BIN/ipc-mq" ]; then ipc-mq rm "$q" >/dev/null 2>&1 || :; fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
has() { [ -x "$BIN/$1" ]; }

echo "ipckit demo: $(ls "$BIN" | tr '\n' ' ')"

if has ipc-pipe; then
	say "head -c 64M /dev/zero | ipc-pipe cat --stats | wc -c"
	head -c 64M /dev/zero | ipc-pipe cat --stats | wc -c
	say "seq 3 | ipc-pipe tee 'sed s/^/a:/' 'sed s/^/b:/' --quiet | sort"
	seq 3 | ipc-pipe tee --quiet 'sed s/^/a:/' 'sed s/^/b:/' | sort
	say "ipc-pipe merge --tag 'seq 2' 'echo hello' | sort"
	ipc-pipe merge --tag 'seq 2' 'echo hello' | sort
	say "echo hi | ipc-pipe info | cat"
	echo hi | ipc-pipe info | cat
fi

if has ipc-fifo; then
	say "ipc-fifo mk $tmp/f; seq 3 | ipc-fifo send $tmp/f & ipc-fifo recv $tmp/f"
	ipc-fifo mk "$tmp/f"
	seq 3 | ipc-fifo send --timeout 10 "$tmp/f" &
	ipc-fifo recv --timeout 10 "$tmp/f"
	wait
	say "ipc-fifo info $tmp/f; ipc-fifo rm $tmp/f"
	ipc-fifo info "$tmp/f"
	ipc-fifo rm "$tmp/f"
fi

if has ipc-mq; then
	say "printf 'job %s\\n' 1 2 3 | ipc-mq send --create --eof $q"
	printf 'job %s\n' 1 2 3 | ipc-mq send --create --eof "$q"
	say "ipc-mq stat $q"
	ipc-mq stat "$q"
	say "ipc-mq recv $q        # ends at the end-of-stream marker"
	ipc-mq recv "$q"
	say "ipc-mq rm $q"
	ipc-mq rm "$q"
	say "ipc-mq limits"
	ipc-mq limits
fi

for t in shm sem sig sock; do
	# shellcheck source=/dev/null
	has "ipc-$t" && [ -f "$(dirname "$0")/demo-$t.sh" ] && . "$(dirname "$0")/demo-$t.sh"
done
printf '\ndemo done\n'
