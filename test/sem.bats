#!/usr/bin/env bats
# sem.bats - ipc-sem: create, wait, post, get, run, stat, and ls/rm/limits
# as far as semaphores need them; POSIX and System V; limits, timeouts,
# removal, signals, concurrency, ipcmk/ipcs/ipcrm interop.

load helpers
bats_require_minimum_version 1.5.0

# remove a semaphore if it is still there (NAME, or --sysv KEY)
rms() {
	ipc-sem rm "$@" >/dev/null 2>&1 || true
}

# the value of one key of "ipc-sem stat"
statf() {
	local f=$1
	shift
	ipc-sem stat "$@" | awk -v f="$f" '$1 == f { print $2 }'
}

# the most lines "+" not yet matched by a "-" in a log, in file order
max_overlap() {
	awk '$1 == "+" { c++ } $1 == "-" { c-- } c > m { m = c } END { print m + 0 }' "$1"
}

# the same, with the lines in the order of their times (field 3)
max_overlap_bytime() {
	sort -k3,3n "$1" | awk '$1 == "+" { c++ } $1 == "-" { c-- } c > m { m = c } END { print m + 0 }'
}

# a process that is gone (or a zombie nobody reaped yet)
gone() {
	! kill -0 "$1" 2>/dev/null || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# a process has the POSIX semaphore NAME mapped
maps_sem() {
	grep -q "/dev/shm/sem.$2\$" "/proc/$1/maps" 2>/dev/null
}

# the id of a System V key, as ipcs shows it
semid() {
	ipcs -s | awk -v k="$(printf '0x%08x' "$1")" '$1 == k { print $2 }'
}

# ---- names, keys, usage ---------------------------------------------------

@test "create: NAME and /NAME are one semaphore, value 1 and mode 0600 whatever the umask; never adopted" {
	n=$(uniq_name)
	run bash -c "umask 000; ipc-sem create $n"
	assert_success
	assert_output ''
	[ "$(stat -c %a "/dev/shm/sem.$n")" = 600 ]
	run ipc-sem get "/$n"
	assert_output 1
	run --separate-stderr ipc-sem create "/$n"
	assert_failure 1
	[ "$stderr" = "ipc-sem: create /$n: semaphore already exists" ]
	run ipc-sem get "$n"
	assert_output 1
	rms "$n"
	run bash -c "umask 077; ipc-sem create --value 7 --mode 0640 $n && stat -c %a /dev/shm/sem.$n && ipc-sem get $n"
	assert_success
	assert_output $'640\n7'
	rms "$n"
}

@test "create --sysv: a set of --nsems, each with --value; IPC_EXCL; key 0 prints id:N; visible to ipcs" {
	k=$(uniq_key)
	run ipc-sem create --sysv --nsems 3 --value 2 --mode 0640 "$k"
	assert_success
	id=$(semid "$k")
	[ -n "$id" ]
	run ipcs -s -i "$id"
	assert_output --partial 'nsems = 3'
	assert_output --partial 'mode=0640'
	[ "$(ipcs -s -i "$id" | awk '$1 ~ /^[0-2]$/ { print $2 }' | tr '\n' ' ')" = '2 2 2 ' ]
	run --separate-stderr ipc-sem create --sysv "$k"
	assert_failure 1
	[ "$stderr" = "ipc-sem: create $k: semaphore set already exists" ]
	run ipc-sem get --sysv --index 2 "$k"
	assert_output 2
	read -r msl _ </proc/sys/kernel/sem
	run --separate-stderr ipc-sem create --sysv --nsems $((msl + 1)) "$(uniq_key)"
	assert_failure 1
	[[ $stderr == *"--nsems $((msl + 1)) exceeds kernel.sem SEMMSL = $msl (semaphores in a set)" ]]
	run ipcrm -S "$k"
	assert_success
	run --separate-stderr ipc-sem get --sysv "$k"
	assert_failure 1
	[ "$stderr" = "ipc-sem: get $k: no such semaphore set" ]
	# a private set: its id is printed
	run ipc-sem create --sysv --value 4 0
	assert_success
	[[ $output =~ ^id:([0-9]+)$ ]]
	id=${BASH_REMATCH[1]}
	run ipc-sem get --sysv "id:$id"
	assert_output 4
	ipcrm -s "$id"
}

@test "create --sysv with a file as the key: ftok, and stat shows the file and the key" {
	touch keyfile
	run ipc-sem create --sysv --proj 7 keyfile
	assert_success
	want=$("$PY" -c 'import sysv_ipc; print("0x%08x" % sysv_ipc.ftok("keyfile", 7, silence_warning=True))')
	run ipc-sem stat --sysv --proj 7 keyfile
	assert_line "key        $want"
	assert_line "file       keyfile"
	assert_line "proj       7"
	run ipc-sem rm --sysv --proj 7 keyfile
	assert_success
	[ -z "$(semid "$want")" ]
}

@test "case 5: usage errors and hostile operands: status 2, one line, nothing done" {
	n=$(uniq_name)
	k=$(uniq_key)
	for args in "create" "create a b" "create --value -1 $n" "create --value x $n" \
	    "create --value 2147483648 $n" "create --sysv --value 32768 $k" \
	    "create --value 99999999999999999999 $n" "create --nsems 2 $n" \
	    "wait --index 1 $n" "wait --value 3 $n" "wait --timeout 1 --nowait $n" \
	    "post --count 0 $n" "post --sysv --count 32768 $k" "post --count -3 $n" \
	    "get --proj 3 $n" "run $n" "run $n --" "run $n true" \
	    "create --sysv --nsems 2 --index 2 --create $k" "create --sysv id:3" \
	    "wait --sysv 0" "stat --bogus $n" "frob $n" "create a/b" "create /"; do
		run --separate-stderr ipc-sem $args
		echo "$args: $status: $stderr"
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	done
	[ ! -e "/dev/shm/sem.$n" ]
	[ -z "$(semid "$k")" ]
	run --separate-stderr ipc-sem create --sysv --value 40000 "$k"
	[[ $stderr == *"out of range (0 to 32767, SEMVMX)"* ]]
	run --separate-stderr ipc-sem create --value 3000000000 "$n"
	[[ $stderr == *"out of range (0 to 2147483647, SEM_VALUE_MAX)"* ]]
	# hostile operands: 64 KiB, newlines, 252 bytes (sem. + NAME > NAME_MAX)
	run --separate-stderr ipc-sem create "$(head -c 65536 /dev/zero | tr '\0' x)"
	[ "$status" -eq 2 ]
	run --separate-stderr ipc-sem create "$(head -c 252 /dev/zero | tr '\0' x)"
	[ "$status" -eq 2 ]
	[[ $stderr == *"NAME_MAX"* ]]
	run --separate-stderr ipc-sem get $'bad\nname'
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "a missing semaphore: status 1 for every verb, both flavours" {
	n=$(uniq_name)
	k=$(uniq_key)
	for v in wait post get stat run; do
		cmd=()
		[ "$v" != run ] || cmd=(-- true)
		run --separate-stderr ipc-sem $v "$n" "${cmd[@]}"
		echo "$v: $status $stderr"
		[ "$status" -eq 1 ]
		[ "$stderr" = "ipc-sem: $v $n: no such semaphore" ]
		run --separate-stderr ipc-sem $v --sysv "$k" "${cmd[@]}"
		[ "$status" -eq 1 ]
		[ "$stderr" = "ipc-sem: $v $k: no such semaphore set" ]
	done
	[ ! -e ran ]
	run --separate-stderr ipc-sem get --sysv id:2147483647
	[ "$status" -eq 1 ]
}

@test "a file in /dev/shm that cannot be a semaphore (too short, a symlink) is refused, never mapped" {
	n=$(uniq_name)
	: >"/dev/shm/sem.$n"
	for v in get wait post stat; do
		run --separate-stderr ipc-sem $v "$n"
		[ "$status" -eq 1 ]
		[ "$stderr" = "ipc-sem: $v $n: not a semaphore: /dev/shm/sem.$n is not a regular file of at least 32 bytes" ]
	done
	run --separate-stderr ipc-sem run --create "$n" -- touch ran
	[ "$status" -eq 1 ]
	[ ! -e ran ]
	rm -f "/dev/shm/sem.$n"
	ln -s /etc/passwd "/dev/shm/sem.$n"
	run --separate-stderr ipc-sem post "$n"
	[ "$status" -eq 1 ]
	[[ $stderr == *"not a semaphore"* ]]
	rm -f "/dev/shm/sem.$n"
}

# ---- wait, post, get --------------------------------------------------------

@test "wait, post, get: P and V, --count, both flavours; --index on a set" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 2 "$n"
	ipc-sem wait "$n"
	run ipc-sem get "$n"
	assert_output 1
	ipc-sem post --count 5 "$n"
	run ipc-sem get "$n"
	assert_output 6
	ipc-sem create --sysv --nsems 2 --value 0 "$k"
	ipc-sem post --sysv --index 1 -n 3 "$k"
	ipc-sem wait --sysv --index 1 "$k"
	run ipc-sem get --sysv --index 1 "$k"
	assert_output 2
	run ipc-sem get --sysv "$k"
	assert_output 0
	run --separate-stderr ipc-sem wait --sysv --index 2 "$k"
	assert_failure 1
	[[ $stderr == *"index 2 is out of range: the set has 2 semaphores (0 to 1)" ]]
	# wait and post use no SEM_UNDO: the unit stays taken after exit
	ipc-sem wait --sysv --index 1 "$k"
	run ipc-sem get --sysv --index 1 "$k"
	assert_output 1
	rms "$n"
	rms --sysv "$k"
}

@test "case 20: post past the largest value: status 1 naming SEMVMX or SEM_VALUE_MAX" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 2147483646 "$n"
	run --separate-stderr ipc-sem post --count 3 "$n"
	assert_failure 1
	[ "$stderr" = "ipc-sem: post $n: the value reached SEM_VALUE_MAX 2147483647: 1 of 3 posted" ]
	run ipc-sem get "$n"
	assert_output 2147483647
	ipc-sem create --sysv --value 32760 "$k"
	run --separate-stderr ipc-sem post --sysv --count 8 "$k"
	assert_failure 1
	[ "$stderr" = "ipc-sem: post $k: value 32760 + 8 would exceed SEMVMX 32767: nothing posted" ]
	ipc-sem post --sysv --count 7 "$k"
	run ipc-sem get --sysv "$k"
	assert_output 32767
	rms "$n"
	rms --sysv "$k"
}

@test "wait: --timeout and --nowait end in 124 with one line (none with -q), nothing taken" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 0 "$n"
	ipc-sem create --sysv --value 0 "$k"
	for fl in "" --sysv; do
		s=$n
		[ -z "$fl" ] || s=$k
		t0=$(date +%s%N)
		run --separate-stderr ipc-sem wait $fl --timeout 300ms "$s"
		t1=$(date +%s%N)
		[ "$status" -eq 124 ]
		[ "$stderr" = "ipc-sem: wait $s: no unit free within 0.3s" ]
		[ $(( (t1 - t0) / 1000000 )) -ge 300 ]
		[ $(( (t1 - t0) / 1000000 )) -lt 10000 ]
		run --separate-stderr ipc-sem wait $fl --nowait "$s"
		[ "$status" -eq 124 ]
		[ "$stderr" = "ipc-sem: wait $s: no unit free (--nowait)" ]
		run --separate-stderr ipc-sem wait $fl -q --timeout 0 "$s"
		[ "$status" -eq 124 ]
		[ -z "$stderr" ]
		run ipc-sem get $fl "$s"
		assert_output 0
	done
	rms "$n"
	rms --sysv "$k"
}

@test "wait: a stray signal does not end the wait early; a post wakes it" {
	n=$(uniq_name)
	ipc-sem create --value 0 "$n"
	ipc-sem wait --timeout 30s "$n" &
	p=$!
	wait_for 100 maps_sem "$p" "$n"
	kill -ALRM "$p"
	sleep 0.2
	kill -0 "$p"
	ipc-sem post "$n"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 0 ]
	run ipc-sem get "$n"
	assert_output 0
	rms "$n"
}

@test "wait --create --value 0 and post --create: a hand-off where either side may start first" {
	n=$(uniq_name)
	ipc-sem wait --create --value 0 --timeout 30s "$n" &
	p=$!
	wait_for 100 test -e "/dev/shm/sem.$n"
	ipc-sem post --create --value 0 "$n"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 0 ]
	run ipc-sem get "$n"
	assert_output 0
	# the other order: the post comes first
	ipc-sem rm "$n" >/dev/null
	ipc-sem post --create --value 0 "$n"
	run ipc-sem wait --create --value 0 --nowait "$n"
	assert_success
	rms "$n"
}

@test "cases 22 and 34: a semaphore removed while someone waits: status 1, removed (POSIX by name lookup, SysV at once)" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 0 "$n"
	ipc-sem wait "$n" 2>err.posix &
	p=$!
	wait_for 100 maps_sem "$p" "$n"
	ipc-sem rm "$n"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 1 ]
	[ "$(cat err.posix)" = "ipc-sem: wait $n: semaphore removed (by ipc-sem rm or sem_unlink, or by systemd-logind's RemoveIPC)" ]
	ipc-sem create --sysv --value 0 "$k"
	ipc-sem wait --sysv --timeout 60 "$k" 2>err.sysv &
	p=$!
	wait_for 100 eval '[ "$(statf ncount --sysv "$k")" = 1 ]'
	ipcrm -S "$k"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 1 ]
	[ "$(cat err.sysv)" = "ipc-sem: wait $k: semaphore removed (by ipcrm, or by systemd-logind's RemoveIPC)" ]
}

@test "SIGTERM while waiting: re-raised, nothing taken; run does not start CMD" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 0 "$n"
	ipc-sem create --sysv --value 0 "$k"
	ipc-sem run "$n" -- touch ran.posix &
	p1=$!
	ipc-sem run --sysv "$k" -- touch ran.sysv &
	p2=$!
	wait_for 100 maps_sem "$p1" "$n"
	wait_for 100 eval '[ "$(statf ncount --sysv "$k")" = 1 ]'
	kill -TERM "$p1" "$p2"
	st=0
	wait "$p1" || st=$?
	[ "$st" -eq 143 ]
	st=0
	wait "$p2" || st=$?
	[ "$st" -eq 143 ]
	[ ! -e ran.posix ]
	[ ! -e ran.sysv ]
	[ "$(ipc-sem get "$n")" = 0 ]
	[ "$(ipc-sem get --sysv "$k")" = 0 ]
	rms "$n"
	rms --sysv "$k"
}

# ---- run --------------------------------------------------------------------

@test "run: CMD's status, 127 not found, 126 not executable, 128+N killed; the unit comes back each time" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create "$n"
	ipc-sem create --sysv "$k"
	for fl in "" --sysv; do
		s=$n
		[ -z "$fl" ] || s=$k
		run ipc-sem run $fl "$s" -- sh -c 'echo in "$(ipc-sem get '"$fl $s"')"; exit 7'
		[ "$status" -eq 7 ]
		assert_output 'in 0'
		run -127 --separate-stderr ipc-sem run $fl "$s" -- ./no-such-command arg
		[[ $stderr == *"no-such-command: No such file or directory" ]]
		echo 'echo hi' >notexec
		chmod 644 notexec
		run -126 --separate-stderr ipc-sem run $fl "$s" -- ./notexec
		run ipc-sem run $fl "$s" -- sh -c 'kill -KILL $$'
		[ "$status" -eq 137 ]
		run ipc-sem run $fl "$s" -- sh -c 'kill -USR1 $$'
		[ "$status" -eq 138 ]
		# arguments reach CMD as they are, no shell in between
		run ipc-sem run $fl "$s" -- printf '%s|' 'a b' '$HOME' '*'
		assert_output 'a b|$HOME|*|'
		run ipc-sem get $fl "$s"
		assert_output 1
	done
	rms "$n"
	rms --sysv "$k"
}

@test "run: --timeout and --nowait: 124 and CMD not run; stdin and stdout are CMD's" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 0 "$n"
	ipc-sem create --sysv --value 0 "$k"
	run --separate-stderr ipc-sem run --timeout 200ms "$n" -- touch ran
	[ "$status" -eq 124 ]
	[ "$stderr" = "ipc-sem: run $n: no unit free within 0.2s" ]
	run ipc-sem run --sysv --nowait "$k" -- touch ran
	[ "$status" -eq 124 ]
	[ ! -e ran ]
	ipc-sem post "$n"
	run bash -c "printf 'x\ny\n' | ipc-sem run $n -- wc -l"
	assert_output 2
	rms "$n"
	rms --sysv "$k"
}

@test "run: 12 jobs with --value 3 never hold more than 3 units at once" {
	n=$(uniq_name)
	for i in $(seq 12); do
		ipc-sem run --create --value 3 "$n" -- sh -c \
		    'echo "+ $$ $(date +%s%N)" >>log; sleep 0.4; echo "- $$ $(date +%s%N)" >>log' &
	done
	wait
	[ "$(grep -c '^+' log)" -eq 12 ]
	[ "$(grep -c '^-' log)" -eq 12 ]
	echo "max overlap $(max_overlap log), by time $(max_overlap_bytime log)"
	[ "$(max_overlap log)" -eq 3 ]
	[ "$(max_overlap_bytime log)" -le 3 ]
	run ipc-sem get "$n"
	assert_output 3
	rms "$n"
}

# 20 first users at once: each waits on a barrier, then runs with
# --create --value 2 on a semaphore that does not exist yet
first_users() {
	local b=$1 s=$2 fl=$3 i
	for i in $(seq 20); do
		{ ipc-sem wait "$b" && ipc-sem run $fl --create --value 2 "$s" -- sh -c \
		    'echo "+ $$ $(date +%s%N)" >>log; sleep 0.15; echo "- $$ $(date +%s%N)" >>log'; } &
	done
	ipc-sem post --count 20 "$b"
	wait
}

@test "run --create --value 2: 20 concurrent first users, exactly one creates, never more than 2 inside (POSIX)" {
	b=$(uniq_name)
	n=$(uniq_name)
	ipc-sem create --value 0 "$b"
	first_users "$b" "$n" ""
	[ "$(grep -c '^+' log)" -eq 20 ]
	echo "max overlap $(max_overlap log), by time $(max_overlap_bytime log)"
	[ "$(max_overlap log)" -le 2 ]
	[ "$(max_overlap_bytime log)" -le 2 ]
	run ipc-sem get "$n"
	assert_output 2
	rms "$b"
	rms "$n"
}

@test "run --create --value 2: 20 concurrent first users, exactly one creates, never more than 2 inside (SysV)" {
	b=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 0 "$b"
	first_users "$b" "$k" --sysv
	[ "$(grep -c '^+' log)" -eq 20 ]
	echo "max overlap $(max_overlap log), by time $(max_overlap_bytime log)"
	[ "$(max_overlap log)" -le 2 ]
	[ "$(max_overlap_bytime log)" -le 2 ]
	run ipc-sem get --sysv "$k"
	assert_output 2
	rms "$b"
	rms --sysv "$k"
}

# CMD for the signal tests: on TERM, INT or HUP it records the value of
# the semaphore (it still runs, so the unit must still be held), takes
# its time, then exits 3
TRAPCMD='for s in TERM INT HUP; do trap "echo $s >cmd.sig; ipc-sem get $1 >cmd.value; sleep 0.3; echo done >cmd.done; exit 3" $s; done; echo $$ >cmd.pid; while :; do sleep 0.05; done'

@test "case 31: run: SIGTERM, SIGINT and SIGHUP reach CMD; the unit comes back only after CMD is gone; then re-raised" {
	n=$(uniq_name)
	ipc-sem create "$n"
	for sig in TERM INT HUP; do
		rm -f cmd.*
		# a background job has SIGINT ignored: give ipc-sem the default
		env --default-signal=INT ipc-sem run "$n" -- sh -c "$TRAPCMD" sh "$n" &
		p=$!
		wait_for 100 test -s cmd.pid
		kill -"$sig" "$p"
		st=0
		wait "$p" || st=$?
		echo "$sig: status $st"
		[ "$st" -eq $((128 + $(kill -l "$sig"))) ]
		[ "$(cat cmd.sig)" = "$sig" ]
		[ "$(cat cmd.value)" = 0 ]
		[ "$(cat cmd.done)" = done ]
		gone "$(cat cmd.pid)"
		[ "$(ipc-sem get "$n")" = 1 ]
	done
	rms "$n"
}

@test "run --sysv: SIGTERM is forwarded the same way" {
	k=$(uniq_key)
	ipc-sem create --sysv "$k"
	ipc-sem run --sysv "$k" -- sh -c "$TRAPCMD" sh "--sysv $k" &
	p=$!
	wait_for 100 test -s cmd.pid
	kill -TERM "$p"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 143 ]
	[ "$(cat cmd.value)" = 0 ]
	[ "$(cat cmd.done)" = done ]
	[ "$(ipc-sem get --sysv "$k")" = 1 ]
	rms --sysv "$k"
}

@test "cases 21 and 31: run --sysv and SIGKILL: the unit comes back (SEM_UNDO) and CMD gets SIGTERM" {
	k=$(uniq_key)
	ipc-sem create --sysv "$k"
	ipc-sem run --sysv "$k" -- sh -c 'trap "echo term >cmd.term; exit 3" TERM; echo $$ >cmd.pid; while :; do sleep 0.05; done' &
	p=$!
	wait_for 100 test -s cmd.pid
	[ "$(ipc-sem get --sysv "$k")" = 0 ]
	run ipc-sem stat --sysv "$k"
	assert_line "lpid       $p"
	assert_line 'lpidalive  yes'
	kill -KILL "$p"
	st=0
	wait "$p" || st=$?
	[ "$st" -eq 137 ]
	wait_for 100 test -s cmd.term
	wait_for 100 gone "$(cat cmd.pid)"
	[ "$(ipc-sem get --sysv "$k")" = 1 ]
	run ipc-sem stat --sysv --json "$k"
	"$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["value"] == 1 and d["lpidalive"] is False, d' "$output"
	rms --sysv "$k"
}

@test "cases 21 and 31: run (POSIX) and SIGKILL: CMD gets SIGTERM; the unit is lost, as documented, until a post" {
	n=$(uniq_name)
	ipc-sem create "$n"
	ipc-sem run "$n" -- sh -c 'trap "echo term >cmd.term; exit 3" TERM; echo $$ >cmd.pid; while :; do sleep 0.05; done' &
	p=$!
	wait_for 100 test -s cmd.pid
	kill -KILL "$p"
	wait "$p" || true
	wait_for 100 test -s cmd.term
	wait_for 100 gone "$(cat cmd.pid)"
	run ipc-sem get "$n"
	assert_output 0
	# nobody has it mapped any more: ls --stale says so (in a PID
	# namespace of its own, where no process is beyond its sight)
	run unshare -p -f --mount-proc ipc-sem ls --posix --stale -o name,stale --noheadings
	assert_line --regexp "^ */$n +no process has it open or mapped\$"
	ipc-sem post "$n"
	run ipc-sem get "$n"
	assert_output 1
	rms "$n"
}

# ---- stat, ls, rm, limits, interop ----------------------------------------------

@test "stat: text and --json, POSIX and SysV; ncount shows a waiter" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 3 --mode 0640 "$n"
	run ipc-sem stat "$n"
	assert_success
	assert_line 'flavour    posix'
	assert_line "name       /$n"
	assert_line "file       /dev/shm/sem.$n"
	assert_line 'perms      0640'
	assert_line 'value      3'
	assert_line 'valuemax   2147483647'
	run ipc-sem stat --json "$n"
	"$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["value"] == 3 and d["nsems"] == 1 and d["perms"] == "0640" and d["uid"] == 0 and isinstance(d["ctime"], int), d' "$output"
	ipc-sem create --sysv --nsems 2 --value 0 "$k"
	ipc-sem wait --sysv --index 1 --timeout 60 "$k" &
	p=$!
	wait_for 100 eval '[ "$(statf ncount --sysv --index 1 "$k")" = 1 ]'
	run ipc-sem stat --sysv --index 1 --json "$k"
	"$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["key"] == sys.argv[2] and d["nsems"] == 2 and d["index"] == 1 and d["value"] == 0 and d["ncount"] == 1 and d["zcount"] == 0 and d["lpid"] is None and d["otime"] is not None and d["valuemax"] == 32767, d' "$output" "$k"
	ipc-sem post --sysv --index 1 "$k"
	wait "$p"
	run ipc-sem stat --sysv --index 1 "$k"
	assert_line "lpid       $p"
	assert_line 'lpidalive  no'
	rms "$n"
	rms --sysv "$k"
}

@test "ls --json parsed by python3; ls shows VALUE and NSEMS; rm removes both flavours" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create --value 5 --mode 0640 "$n"
	ipc-sem create --sysv --nsems 3 "$k"
	run ipc-sem ls --json
	assert_success
	/usr/bin/python3 -c '
import json, sys
rows = json.loads(sys.argv[1])
p = [r for r in rows if r["name"] == "/" + sys.argv[2]]
s = [r for r in rows if r["key"] == sys.argv[3]]
assert len(p) == 1 and len(s) == 1, rows
p, s = p[0], s[0]
assert p["flavour"] == "posix" and p["value"] == 5 and p["nsems"] == 1, p
assert p["key"] is None and p["id"] is None and p["perms"] == "0640", p
assert s["flavour"] == "sysv" and s["nsems"] == 3 and s["name"] is None, s
assert isinstance(s["id"], int) and isinstance(s["ctime"], int), s
' "$output" "$n" "$k"
	run ipc-sem ls --posix -o name,value,nsems --noheadings
	assert_line --regexp "^/$n +5 +1\$"
	run ipc-sem rm "$n"
	assert_success
	assert_output --regexp "/$n"
	run ipc-sem rm --sysv "$k"
	assert_success
	[ ! -e "/dev/shm/sem.$n" ]
	[ -z "$(semid "$k")" ]
	run --separate-stderr ipc-sem rm "$n"
	assert_failure 1
	run ipc-sem limits
	assert_success
	assert_line --regexp '^SEM_VALUE_MAX +2147483647 '
	assert_line --regexp '^kernel\.sem\.semmsl '
}

@test "ipcmk -S interop: a set made by ipcmk is used, listed and removed; ours are seen by ipcs and removed by ipcrm" {
	id=$(ipcmk -S 2 | awk '{ print $NF }')
	key=$(ipcs -s | awk -v id="$id" '$2 == id { print $1 }')
	ipc-sem post --sysv --index 1 --count 2 "id:$id"
	run ipc-sem get --sysv --index 1 "id:$id"
	assert_output 2
	run ipc-sem run --sysv --index 1 "id:$id" -- true
	assert_success
	run ipc-sem wait --sysv --nowait "id:$id"
	[ "$status" -eq 124 ]
	# by its key, with --create: never operated on before our post, so
	# the post is what marked it; nothing is reset
	run ipc-sem post --sysv --create --value 9 --index 1 "$key"
	assert_success
	run ipc-sem get --sysv --index 1 "$key"
	assert_output 3
	run ipc-sem ls --sysv -o id --noheadings
	assert_line --regexp "^ *$id\$"
	run ipc-sem rm --sysv "id:$id"
	assert_success
	[ -z "$(ipcs -s | awk -v id="$id" '$2 == id')" ]
	# the other way round
	k=$(uniq_key)
	ipc-sem create --sysv --nsems 2 --value 3 "$k"
	run ipcs -s
	assert_line --regexp "^$k +[0-9]+ +root +600 +2 *\$"
	ipcrm -S "$k"
	run ipc-sem get --sysv "$k"
	assert_failure 1
}

@test "run --create --sysv on a set nobody ever operated on (ipcmk -S): used as it is after a short wait" {
	id=$(ipcmk -S 1 | awk '{ print $NF }')
	key=$(ipcs -s | awk -v id="$id" '$2 == id { print $1 }')
	ipc-sem post --sysv "id:$id"
	# id:N never waits; a key does, for the creator, when otime is 0:
	# this set has been operated on now, so no wait at all
	t0=$(date +%s%N)
	run ipc-sem run --sysv --create --value 5 "$key" -- true
	assert_success
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1500 ]
	ipcrm -s "$id"
	id=$(ipcmk -S 1 | awk '{ print $NF }')
	key=$(ipcs -s | awk -v id="$id" '$2 == id { print $1 }')
	run ipc-sem post --sysv --create --value 5 -v "$key"
	assert_success
	assert_output --partial 'never operated on: used as it is'
	run ipc-sem get --sysv "id:$id"
	assert_output 1
	ipcrm -s "$id"
}

@test "permissions: a 0600 semaphore refuses another user; --mode 0666 lets them in" {
	n=$(uniq_name)
	k=$(uniq_key)
	ipc-sem create "$n"
	ipc-sem create --sysv "$k"
	run --separate-stderr as_nobody ipc-sem post "$n"
	assert_failure 1
	[ "$stderr" = "ipc-sem: post $n: cannot open the semaphore: Permission denied" ]
	run --separate-stderr as_nobody ipc-sem wait --sysv --nowait "$k"
	assert_failure 1
	[[ $stderr == *"Permission denied" ]]
	rms "$n"
	rms --sysv "$k"
	ipc-sem create --mode 0666 --value 0 "$n"
	ipc-sem create --sysv --mode 0666 --value 0 "$k"
	run as_nobody ipc-sem post "$n"
	assert_success
	run as_nobody ipc-sem run --sysv --create --nowait "$k" -- true
	[ "$status" -eq 124 ]
	run as_nobody ipc-sem post --sysv "$k"
	assert_success
	[ "$(ipc-sem get "$n")" = 1 ]
	[ "$(ipc-sem get --sysv "$k")" = 1 ]
	rms "$n"
	rms --sysv "$k"
}

@test "-v says what was created or found and when the unit is taken" {
	n=$(uniq_name)
	run ipc-sem run -v --create --value 2 "$n" -- true
	assert_success
	assert_line "ipc-sem: run $n: created with value 2"
	assert_line "ipc-sem: run $n: unit taken; running true"
	run ipc-sem run -v --create --value 5 "$n" -- true
	assert_line "ipc-sem: run $n: exists already: value left as it is"
	run ipc-sem get "$n"
	assert_output 2
	rms "$n"
	run bash -c "umask 077; ipc-sem run --create --value 3 --mode 0604 $n -- true && stat -c %a /dev/shm/sem.$n"
	assert_output 604
	rms "$n"
}

@test "bash completion offers existing names, blanks and non-ASCII bytes included" {
	n=$(uniq_name)
	a="$n-a b"
	b="$n-é"
	ipc-sem create "$a"
	ipc-sem create "$b"
	run bash -c 'source "$TOP/completions/bash/ipc-sem"
		COMP_WORDS=(ipc-sem get "$1"); COMP_CWORD=2; _ipc_sem
		for w in "${COMPREPLY[@]}"; do eval "printf \"%s|\" $w"; done' _ "$n-"
	assert_success
	[[ $output == *"$a|"* ]]
	[[ $output == *"$b|"* ]]
	run bash -c 'source "$TOP/completions/bash/ipc-sem"
		COMP_WORDS=(ipc-sem wait "$1"); COMP_CWORD=2; _ipc_sem
		printf "%s\n" "${COMPREPLY[@]}"' _ "$n-a\\ "
	assert_output "$(printf '%q' "$a")"
	rms "$a"
	rms "$b"
}

@test "valgrind: create, wait, post, get, stat, run and an error path" {
	vg_setup
	n=$(uniq_name)
	k=$(uniq_key)
	run vg ipc-sem create --value 2 "$n"
	assert_success
	run vg ipc-sem wait --timeout 1s "$n"
	assert_success
	run vg ipc-sem post --count 2 "$n"
	assert_success
	run vg ipc-sem get "$n"
	assert_output 3
	run vg ipc-sem stat --json "$n"
	assert_success
	run vg ipc-sem run "$n" -- true
	assert_success
	run vg ipc-sem run --sysv --create --nsems 2 --index 1 "$k" -- sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run vg ipc-sem stat --sysv "$k"
	assert_success
	run vg ipc-sem wait --sysv --nowait --index 3 "$k"
	assert_failure 1
	rms "$n"
	rms --sysv "$k"
}
