#!/usr/bin/env bats
# reliability.bats - every case of test/cases.md has a test: a test whose
# title contains "case N:" covers case N.

load helpers

# cases that have no test yet, each with its reason ("N reason")
UNCOVERED=(
	"25 a recycled PID cannot be forced in a test: ipc-sig send signals through pidfd_send_signal on a pidfd opened once per target (cmd/ipc-sig.c)"
)

@test "every reliability case in test/cases.md has a test that names it" {
	local n listed covered missing= u
	listed=$(grep -oE '^[0-9]+\.' "$TOP/test/cases.md" | tr -d . | sort -n)
	[ "$(wc -l <<<"$listed")" -ge 35 ]
	covered=$(grep -hoE '^@test "[^"]*' "$TOP"/test/*.bats |
	    grep -oE 'cases? [0-9, and]+:' | grep -oE '[0-9]+' | sort -un)
	for n in $listed; do
		grep -qx "$n" <<<"$covered" && continue
		for u in "${UNCOVERED[@]}"; do
			[ "${u%% *}" = "$n" ] && continue 2
		done
		missing="$missing $n"
	done
	echo "cases without a test:$missing"
	[ -z "$missing" ]
}
