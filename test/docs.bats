#!/usr/bin/env bats
# docs.bats - every verb and long option that --help prints is documented
# in the man page and offered by all three completions; man pages lint.

load helpers

# a man page as plain text
manpage() {
	MANWIDTH=200 mandoc -Tascii "$TOP/man/$1.1" | sed 's/.\x08//g'
}

longopts() {
	"$1" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u |
	    grep -vx -- '--help\|--version'
}

@test "man pages: mandoc -Tlint -W warning is clean" {
	command -v mandoc
	run mandoc -Tlint -W warning "$TOP"/man/*.1 "$TOP"/man/ipckit.7
	assert_success
	assert_output ''
}

@test "every tool has a man page and bash, zsh and fish completions" {
	local t
	for t in $(tools); do
		[ -f "$TOP/man/$t.1" ]
		[ -f "$TOP/completions/bash/$t" ]
		[ -f "$TOP/completions/zsh/_$t" ]
		[ -f "$TOP/completions/fish/$t.fish" ]
	done
}

@test "every long option in --help is in the man page" {
	local t o page missing=
	for t in $(tools); do
		page=$(manpage "$t")
		for o in $(longopts "$t"); do
			grep -q -- "$o" <<<"$page" || missing="$missing $t:$o"
		done
	done
	echo "undocumented:$missing"
	[ -z "$missing" ]
}

@test "every verb in --help is in the man page" {
	local t v page missing=
	for t in $(tools); do
		page=$(manpage "$t")
		for v in $(verbs "$t"); do
			grep -qw -- "$v" <<<"$page" || missing="$missing $t:$v"
		done
	done
	echo "undocumented:$missing"
	[ -z "$missing" ]
}

@test "every verb and long option is offered by the bash, zsh and fish completions" {
	local t o v f missing=
	for t in $(tools); do
		for o in $(longopts "$t"); do
			for f in "completions/bash/$t" "completions/zsh/_$t"; do
				grep -q -- "$o\\b" "$TOP/$f" || missing="$missing $f:$o"
			done
			grep -Eq -- "(-l|--long-option|--long) ${o#--}\\b|$o\\b" \
			    "$TOP/completions/fish/$t.fish" ||
			    missing="$missing fish/$t:$o"
		done
		for v in $(verbs "$t"); do
			for f in "completions/bash/$t" "completions/zsh/_$t" "completions/fish/$t.fish"; do
				grep -qw -- "$v" "$TOP/$f" || missing="$missing $f:$v"
			done
		done
	done
	echo "missing:$missing"
	[ -z "$missing" ]
}

@test "bash completions load and complete verbs" {
	local t
	for t in $(tools); do
		run bash -c "source '$TOP/completions/bash/$t'; complete -p $t"
		assert_success
		run bash -c "source '$TOP/completions/bash/$t'
			COMP_WORDS=($t ''); COMP_CWORD=1; COMP_LINE='$t '; COMP_POINT=\${#COMP_LINE}
			f=\$(complete -p $t | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p'); \$f $t '' $t
			printf '%s\\n' \"\${COMPREPLY[@]}\""
		assert_success
		assert_line "$(verbs "$t" | head -n 1)"
	done
}

@test "the README shows the quick start and CI runs it" {
	grep -q 'make demo' "$TOP/README.md"
	grep -q 'make check' "$TOP/README.md"
	grep -q 'make check' "$TOP/.ci/run"
}
