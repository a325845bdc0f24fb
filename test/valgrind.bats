#!/usr/bin/env bats
# valgrind.bats - representative runs of every verb under valgrind's
# memcheck: no invalid access, no leak (definite or indirect).

load helpers

local_setup() {
	vg_setup
}

@test "valgrind: ipc-pipe cat, tee, merge, info" {
	head -c 300000 /dev/urandom >in
	run bash -c 'vg ipc-pipe cat --stats <in >out'
	assert_success
	cmp in out
	run bash -c 'cat in | vg ipc-pipe cat >out'
	assert_success
	cmp in out
	run bash -c 'vg ipc-pipe tee --quiet "wc -c" "head -c1 >/dev/null" <in'
	assert_success
	assert_output 300000
	run vg ipc-pipe merge --tag 'seq 3' 'echo x'
	assert_success
	assert_line '2:x'
	run vg ipc-pipe info --json </dev/null
	assert_success
}

@test "valgrind: ipc-fifo mk, send, recv, info, rm and an error path" {
	run vg ipc-fifo mk f
	assert_success
	seq 1000 | ipc-fifo send --timeout 30 f &
	run vg ipc-fifo recv --count 10 --timeout 30 f
	assert_success
	assert_line --index 9 10
	wait
	run vg ipc-fifo info f
	assert_success
	run vg ipc-fifo send --nowait f </dev/null
	assert_failure 124
	: >regular
	run vg ipc-fifo rm regular f
	assert_failure 1
	[ -f regular ] && [ ! -e f ]
}

@test "valgrind: ipc-mq create, send, recv, stat, ls, rm, limits, both flavours" {
	local q k
	q=$(uniq_name)
	k=$(uniq_key)
	run vg ipc-mq create "$q"
	assert_success
	run bash -c "printf 'a\n\nb\n' | vg ipc-mq send --eof $q"
	assert_success
	run vg ipc-mq stat --json "$q"
	assert_success
	run vg ipc-mq recv --json "$q"
	assert_success
	assert_line --index 0 '{"data":"a","priority":0}'
	run vg ipc-mq create --sysv "$k"
	assert_success
	run bash -c "seq 5 | vg ipc-mq send --sysv --type 3 $k"
	assert_success
	run vg ipc-mq recv --sysv --priority --nowait "$k"
	assert_success
	assert_line --index 0 "$(printf '3\t1')"
	run vg ipc-mq ls --json
	assert_success
	run vg ipc-mq ls --stale -v
	assert_success
	run vg ipc-mq limits --json
	assert_success
	run vg ipc-mq rm "$q"
	assert_success
	run vg ipc-mq rm --sysv "$k"
	assert_success
	run vg ipc-mq recv --nowait "$q"
	assert_failure 1
}
