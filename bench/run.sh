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
# bench/results.md: every group as a table, the mechanisms as ipckit
# bench measures them, and the whole log; bench/results.png: the ratios
BENCH_RESULTS=$BENCH_TMP/results.md
export BENCH_RESULTS
machine="$(nproc) cores, $(uname -sr), $(uname -m)"
{
	printf '# ipckit benchmark results\n\n'
	printf 'Made by `make bench` on %s: %s.\n' "$(date -u +%Y-%m-%d)" "$machine"
	printf 'Every figure is a median of interleaved rounds in one run; a ratio compares two\n'
	printf 'cases of the same run, which holds where absolute times drift between runs.\n'
	printf 'Run `make bench` (or `ipckit bench` for the mechanisms alone) for your machine.\n'
} >"$BENCH_RESULTS"
: >"$BENCH_RESULTS.dat"
echo "ipckit bench: $machine, rounds=$BENCH_ROUNDS"
# in a subshell, for tee: without the EXIT trap, which would remove
# BENCH_TMP when the subshell ends
(trap - EXIT
for f in "$here"/*.bench; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .bench)
	if [ -n "${BENCH_ONLY:-}" ] && [ "$BENCH_ONLY" != "$name" ]; then
		continue
	fi
	# shellcheck source=/dev/null
	. "$f"
done) 2>&1 | tee "$BENCH_TMP/log"
if [ -z "${BENCH_ONLY:-}" ] && [ -x "$BIN/ipckit" ]; then
	echo
	echo "== the mechanisms themselves (ipckit bench)"
	"$BIN/ipckit" bench | tee "$BENCH_TMP/mech"
	{
		printf '\n## The mechanisms (`ipckit bench`)\n\n```\n'
		cat "$BENCH_TMP/mech"
		printf '```\n'
	} >>"$BENCH_RESULTS"
fi
{
	printf '\n## The whole log\n\n```\n'
	cat "$BENCH_TMP/log"
	printf '```\n'
} >>"$BENCH_RESULTS"
if [ -n "${BENCH_ONLY:-}" ]; then
	exit 0		# one bench: bench/results.md is for the whole run
fi
cp "$BENCH_RESULTS" "$here/results.md"
echo "bench: wrote $here/results.md"
if command -v gnuplot >/dev/null 2>&1 && [ -s "$BENCH_RESULTS.dat" ]; then
	# one bar a case, its ratio to its group's reference (log scale)
	awk -F '\t' '{ printf "\"%s: %s\" %s\n", $1, $2, $3 }' \
	    "$BENCH_RESULTS.dat" >"$BENCH_TMP/bars"
	n=$(wc -l <"$BENCH_TMP/bars")
	gnuplot <<-EOF
	set terminal pngcairo noenhanced size 1400,$((200 + n * 18)) font ",9"
	set output "$here/results.png"
	set title "ipckit: time of the reference / time of the case, per group ($machine)"
	set style fill solid 0.8
	set logscale x 2
	set xlabel "ratio (above 1: faster than the group's reference, the first case of each group)"
	set ytics nomirror
	set grid x
	unset key
	set yrange [$n:-1]
	set offsets 0,0,0.5,0.5
	plot "$BENCH_TMP/bars" using (\$2):0:(1):(\$2):(\$0-0.4):(\$0+0.4):ytic(1) with boxxyerrorbars lc rgb "#4472c4"
	EOF
	echo "bench: wrote $here/results.png"
else
	echo "bench: gnuplot is not installed: no results.png (apt-get install gnuplot-nox)"
fi
