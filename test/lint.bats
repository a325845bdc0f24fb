#!/usr/bin/env bats
# lint.bats - rules of the code base that a compiler does not check.

load helpers

# lib/ functions that end the process: only those named e* may (a forked
# child's _exit is fine)
@test "lib/: only functions whose names start with 'e' exit the process" {
	run awk '
	    /^[ \t]*(\*|\/\*|\/\/)/ { next }
	    /^[a-z_][a-z0-9_]*\(/ { fn = $0; sub(/\(.*/, "", fn) }
	    /(^|[^a-z_])(exit|err|errx|verr|verrx)\(/ && fn !~ /^e/ && fn != "main" {
	        print FILENAME ": " fn "()"
	    }' "$TOP"/lib/*.c
	assert_success
	assert_output ''
}

@test "comments and docs cite man pages, not the project's private notes" {
	run grep -rnE '(^|[^A-Z_])SPEC(\.md)?( section| [0-9]|\b)|RELIABILITY' \
	    "$TOP"/lib "$TOP"/cmd "$TOP"/man "$TOP"/completions "$TOP"/README.md
	assert_failure 1
}
