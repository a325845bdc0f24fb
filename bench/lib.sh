# bench/lib.sh - the benchmark harness, sourced by bench/run.sh.
#
# A group holds cases that do the same work; the first case registered is
# the reference (usually the peer tool).  bench_run runs every case ROUNDS
# times, interleaved and rotated (A B C, B C A, C A B, ...) so that a noisy
# neighbour hurts all cases alike, then prints for each case the median
# wall time and the median over rounds of (reference time / case time):
# above 1.00 the case is faster than the reference.  Same-run ratios hold
# where absolute figures drift 5-30% between runs on a shared machine.
#
#   bench_group "title" [ROUNDS]
#   bench_case  "label" 'shell command'   (output discarded, timed by
#                                          bench/src/tm.c: plain words are
#                                          run straight, the rest by sh -c)
#   bench_run
#
# With BENCH_RESULTS set (bench/run.sh sets it), each group is also a
# table in that Markdown file, and each case a line "GROUP<TAB>LABEL<TAB>
# RATIO" in $BENCH_RESULTS.dat, which bench/run.sh draws with gnuplot.
# shellcheck shell=sh

BENCH_ROUNDS=${BENCH_ROUNDS:-5}

bench_group() {
	_bg_title=$1
	_bg_rounds=${2:-$BENCH_ROUNDS}
	_bg_n=0
	_bg_dir=$(mktemp -d)
}

bench_case() {
	_bg_n=$((_bg_n + 1))
	printf '%s\n' "$1" >"$_bg_dir/label.$_bg_n"
	printf '%s\n' "$2" >"$_bg_dir/cmd.$_bg_n"
}

bench_run() {
	r=0
	while [ "$r" -lt "$_bg_rounds" ]; do
		i=0
		while [ "$i" -lt "$_bg_n" ]; do
			c=$(( (i + r) % _bg_n + 1 ))
			cmd=$(cat "$_bg_dir/cmd.$c")
			# bench/src/tm.c: the time of "$cmd" alone
			"$BB/tm" "$_bg_dir/t.$c" "$cmd" >/dev/null 2>"$_bg_dir/err.$c" ||
			    { echo "bench: case '$(cat "$_bg_dir/label.$c")' failed:" >&2; cat "$_bg_dir/err.$c" >&2; }
			i=$((i + 1))
		done
		r=$((r + 1))
	done
	printf '\n== %s (%d rounds, ratio = reference time / case time)\n' \
	    "$_bg_title" "$_bg_rounds"
	if [ -n "${BENCH_RESULTS:-}" ]; then
		printf '\n### %s\n\n%d rounds; ratio = the reference'"'"'s time / the case'"'"'s time, median over rounds (above 1: faster than the reference)\n\n| case | median time | ratio |\n|---|---:|---:|\n' \
		    "$_bg_title" "$_bg_rounds" >>"$BENCH_RESULTS"
	fi
	c=1
	while [ "$c" -le "$_bg_n" ]; do
		med=$(sort -n "$_bg_dir/t.$c" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		ratio=$(paste "$_bg_dir/t.1" "$_bg_dir/t.$c" |
		    awk '{ print $1 / $2 }' | sort -g |
		    awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }')
		printf '  %-44s %8.3f s  %5sx%s\n' "$(cat "$_bg_dir/label.$c")" \
		    "$(echo "$med" | awk '{ print $1 / 1e9 }')" "$ratio" \
		    "$([ "$c" -eq 1 ] && echo '  (reference)')"
		if [ -n "${BENCH_RESULTS:-}" ]; then
			printf '| %s%s | %.3f s | %sx |\n' "$(cat "$_bg_dir/label.$c")" \
			    "$([ "$c" -eq 1 ] && echo ' (reference)')" \
			    "$(echo "$med" | awk '{ print $1 / 1e9 }')" "$ratio" \
			    >>"$BENCH_RESULTS"
			printf '%s\t%s\t%s\n' "$_bg_title" \
			    "$(cat "$_bg_dir/label.$c")" "$ratio" >>"$BENCH_RESULTS.dat"
		fi
		c=$((c + 1))
	done
	rm -rf "$_bg_dir"
}
