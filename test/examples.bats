#!/usr/bin/env bats
# examples.bats - every example in the man pages and the README runs and
# succeeds (test/examples.sh says how).

load helpers

run_examples() {
	run "$TOP/test/examples.sh" "$1"
	assert_success
}

@test "examples: the README tour" {
	run_examples "$TOP/README.md"
}

@test "examples: every man page" {
	local p failed=0
	for p in "$TOP"/man/*.[1-8]; do
		"$TOP/test/examples.sh" "$p" || failed=1
	done
	[ "$failed" -eq 0 ]
}
