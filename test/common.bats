#!/usr/bin/env bats
# common.bats - the grammar every tool shares (SPEC section 1), looped over
# every tool that is built.

load helpers

# the verbs of a tool whose usage line offers OPTION
verbs_with() {
	local t=$1 o=$2 v
	for v in $(verbs "$t"); do
		"$t" "$v" --help | head -n 1 | grep -q -- "$o\\b" && echo "$v"
	done
}

@test "every tool: --help and -h print usage and all verbs on stdout, exit 0" {
	local t
	for t in $(tools); do
		run --separate-stderr "$t" --help
		assert_success
		assert_output --partial "usage: $t VERB"
		[ -z "$stderr" ]
		run --separate-stderr "$t" -h
		assert_success
		assert_output --partial "usage: $t"
		[ "$(verbs "$t" | wc -l)" -ge 1 ]
	done
}

@test "every tool: --version and -V print 'ipc-TOOL (ipckit) X.Y.Z'" {
	local t
	for t in $(tools); do
		run "$t" --version
		assert_success
		assert_output --regexp "^$t \\(ipckit\\) [0-9]+\\.[0-9]+\\.[0-9]+$"
		run "$t" -V
		assert_success
		assert_output --regexp "^$t \\(ipckit\\) [0-9]+\\.[0-9]+\\.[0-9]+$"
	done
}

@test "every verb: VERB --help prints that verb's usage, exit 0" {
	local t v
	for t in $(tools); do
		for v in $(verbs "$t"); do
			run --separate-stderr "$t" "$v" --help
			assert_success
			assert_line --index 0 --partial "usage: $t $v"
			[ -z "$stderr" ]
		done
	done
}

@test "every tool: no verb, unknown verb: status 2, one line on stderr, nothing on stdout" {
	local t
	for t in $(tools); do
		run --separate-stderr "$t"
		assert_failure 2
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		run --separate-stderr "$t" frobnicate
		assert_failure 2
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		[[ $stderr == "$t: "*frobnicate* ]]
	done
}

@test "every verb: unknown option: status 2, one line naming it, nothing on stdout" {
	local t v
	for t in $(tools); do
		for v in $(verbs "$t"); do
			run --separate-stderr "$t" "$v" --no-such-option x
			assert_failure 2
			[ -z "$output" ]
			[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
			[[ $stderr == "$t: $v: "*--no-such-option* ]]
		done
	done
}

@test "every verb with --timeout or --count: bad numbers are status 2" {
	local t v bad
	for t in $(tools); do
		for v in $(verbs_with "$t" --timeout); do
			for bad in x -1 1e3 99999999999999999999 2w ''; do
				run --separate-stderr "$t" "$v" --timeout "$bad" x
				assert_failure 2
				[ -z "$output" ]
			done
		done
		for v in $(verbs_with "$t" --count); do
			for bad in x -1 0x 18446744073709551616 99999999999999999999 ''; do
				run --separate-stderr "$t" "$v" --count "$bad" x
				assert_failure 2
				[ -z "$output" ]
			done
		done
	done
}

@test "every verb with --mode: modes that are not octal are status 2" {
	local t v bad
	for t in $(tools); do
		for v in $(verbs_with "$t" --mode); do
			for bad in 8 0x1ff rw-r--r-- 177777 ''; do
				run --separate-stderr "$t" "$v" --mode "$bad" x
				assert_failure 2
				[ -z "$output" ]
			done
		done
	done
}

@test "every verb: a 64 KiB operand with a newline in it fails cleanly on one line" {
	local t v big
	big=$(head -c 65536 /dev/zero | tr '\0' a)
	big="$big
second line"
	for t in $(tools); do
		for v in $(verbs "$t"); do
			case $t:$v in
			ipc-pipe:tee|ipc-pipe:merge) continue ;;	# operands are commands
			esac
			run --separate-stderr timeout 20 "$t" "$v" "$big" </dev/null
			echo "$t $v: status $status"
			# refused as a usage error or a failure: no crash, no hang
			[ "$status" -eq 1 ] || [ "$status" -eq 2 ]
			[ -z "$output" ]
			[ "$(printf '%s\n' "$stderr" | wc -l)" -le 1 ]
		done
	done
}

# a command of each tool that blocks until killed, started in the background
start_blocking() {
	case $1 in
	ipc-pipe) mkfifo blockfifo; ipc-pipe cat <>blockfifo >/dev/null & ;;
	ipc-fifo) ipc-fifo recv --create --rm blockfifo >/dev/null & ;;
	ipc-mq) ipc-mq create "$2"; ipc-mq recv "$2" >/dev/null & ;;
	ipc-shm) ipc-shm recv "$2" >/dev/null & ;;
	ipc-sem) ipc-sem create --value 0 "$2"; ipc-sem wait "$2" & ;;
	ipc-sig) ipc-sig wait USR1 >/dev/null & ;;
	ipc-sock) ipc-sock listen "./blocksock" >/dev/null </dev/null & ;;
	*) return 1 ;;
	esac
	blocked_pid=$!
}

stop_blocking() {
	case $1 in
	ipc-pipe) rm -f blockfifo ;;
	ipc-mq) ipc-mq rm "$2" ;;
	ipc-sem) ipc-sem rm "$2" ;;
	esac
}

@test "every tool: SIGTERM while blocked is re-raised (143) and what the run made is gone" {
	local t n st
	for t in $(tools); do
		n=$(uniq_name)
		start_blocking "$t" "$n" || continue
		sleep 0.5
		kill -TERM "$blocked_pid"
		st=0
		wait "$blocked_pid" || st=$?
		stop_blocking "$t" "$n"
		echo "$t: status $st"
		[ "$st" -eq 143 ]
		[ ! -e blockfifo ]
		[ ! -e blocksock ]
	done
}

# a command of each tool that writes a lot to stdout
producer() {
	case $1 in
	ipc-pipe) echo 'head -c 8M /dev/zero 2>/dev/null | ipc-pipe cat' ;;
	ipc-fifo) echo "ipc-fifo mk p; head -c 8M /dev/zero 2>/dev/null | ipc-fifo send --timeout 30 p 2>/dev/null & ipc-fifo recv --timeout 30 p; st=\$?; wait; rm -f p; exit \$st" ;;
	# a SysV queue holds all 2000 short records (msgmnb is in bytes)
	ipc-mq) echo "k=$(uniq_key); ipc-mq create --sysv \$k && seq 2000 | ipc-mq send --sysv \$k && ipc-mq recv --sysv --nowait \$k; st=\$?; ipc-mq rm --sysv \$k >/dev/null; exit \$st" ;;
	*) return 1 ;;
	esac
}

@test "every tool: '| head -c1' ends quietly with status 141, also with SIGPIPE ignored" {
	local t n cmd ign
	for t in $(tools); do
		n=$(uniq_name)
		cmd=$(producer "$t" "$n") || continue
		for ign in "" "trap '' PIPE;"; do
			run --separate-stderr timeout 60 bash -c "$ign { $cmd; } | head -c1 >/dev/null; echo \${PIPESTATUS[0]}"
			echo "$t ($ign): status $status, pipe status $output, stderr: $stderr"
			assert_success
			[ -z "$stderr" ]
			[ "$output" = 141 ] || [ "$output" = 0 ]
		done
	done
}

@test "every tool: started with stdin, stdout or stderr closed it neither crashes nor hangs" {
	local t
	for t in $(tools); do
		# stdin and stderr closed: still works
		run bash -c "$t --version <&- 2>&-; echo \$?"
		assert_output "$t (ipckit) ${output#* (ipckit) }"
		assert_line --index 1 0
		# stdout closed: the write fails and says so (status 1), no crash
		run --separate-stderr timeout 20 bash -c "$t --help >&-"
		assert_failure 1
		[[ $stderr == *"$t: "*"write error"* ]]
	done
}

@test "messages: another user's name cannot reach the terminal raw (escape sequences, newlines)" {
	local bad
	bad=$(printf 'ipckit-\033[31mred\033]0;title\007-\x9b-\xff')
	run --separate-stderr ipc-mq stat "$bad"
	assert_failure 1
	[[ $stderr != *$'\033'* ]]
	[[ $stderr != *$'\007'* ]]
	[[ $stderr != *$'\x9b'* ]]
	[[ $stderr == *'\033[31mred'* ]]
	[[ $stderr == *'\377'* ]]
	run --separate-stderr ipc-fifo info "$(printf 'a\nb\tc')"
	assert_failure 1
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == *'a\nb\tc'* ]]
}
