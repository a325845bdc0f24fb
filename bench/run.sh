#!/bin/sh
# bench/run.sh BINDIR - build the bench helpers, then run every bench/*.bench
# (each sourced, each a set of groups); BENCH_ONLY=pipe runs one of them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$here/../build/bin}
BB=$here/bin
PATH=$BIN:$PATH
export PATH BIN BB
mkdir -p "$BB"
for src in "$here"/src/*.c; do
	[ -e "$src" ] || continue
	b=$BB/$(basename "$src" .c)
	[ "$b" -nt "$src" ] || cc -O2 -Wall -o "$b" "$src" -lrt -pthread
done
. "$here/lib.sh"
BENCH_TMP=$(mktemp -d)
export BENCH_TMP
trap 'rm -rf "$BENCH_TMP"' EXIT
echo "ipckit bench: $(nproc) cores, $(uname -r), rounds=$BENCH_ROUNDS"
for f in "$here"/*.bench; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .bench)
	if [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$name" ]; then
		continue
	fi
	# shellcheck source=/dev/null
	. "$f"
done
