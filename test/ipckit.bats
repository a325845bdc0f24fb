#!/usr/bin/env bats
# ipckit.bats - the command that works across every kind: ls, rm and limits
# over queues, segments and semaphores at once (in a private IPC namespace
# with private mounts, so the host's objects are never touched), and bench.

load helpers

# run the rest in a private IPC namespace, /dev/shm and mqueue mount
private_ipc() {
	mkdir -p "$BATS_TEST_TMPDIR/mq"
	unshare -i -m --propagation private bash -c '
	    mount -t tmpfs -o mode=1777 tmpfs /dev/shm &&
	    mount -t mqueue mqueue "$1" && shift && eval "$*"' \
	    _ "$BATS_TEST_TMPDIR/mq" "$@"
}

@test "ls: every kind in one table with a TYPE column; --json parses" {
	run private_ipc '
	    ipc-mq create q1 && ipc-mq create --sysv 0x1234 &&
	    ipc-sem create s1 && echo x | ipc-shm write --create m1 &&
	    ipckit ls --noheadings -o TYPE,FLAVOUR,NAME,KEY | sort &&
	    ipckit ls --json | /usr/bin/python3 -c "import json,sys; print(len(json.load(sys.stdin)))"'
	assert_success
	assert_line --regexp '^mq +posix +/q1'
	assert_line --regexp '^mq +sysv +0x00001234'
	assert_line --regexp '^sem +posix +/s1'
	assert_line --regexp '^shm +posix +/m1'
	assert_line 4
}

@test "rm --all --dry-run across kinds prints, removes nothing; rm --all removes all" {
	run private_ipc '
	    ipc-mq create q1 && ipc-sem create s1 && echo x | ipc-shm write --create m1 &&
	    ipckit rm --all --dry-run | sort &&
	    echo --- && ipckit ls --noheadings | wc -l &&
	    ipckit rm --all | wc -l && ipckit ls --noheadings | wc -l'
	assert_success
	assert_line --partial '/q1'
	assert_line --partial '/s1'
	assert_line --partial '/m1'
	assert_line --index 4 3
	assert_line --index 5 3
	assert_line --index 6 0
}

@test "rm: a name several kinds have is refused and nothing is removed; --type chooses" {
	run private_ipc '
	    ipc-mq create dup && ipc-sem create dup;
	    ipckit rm dup; echo "status $?";
	    ipckit ls --noheadings | wc -l;
	    ipckit rm --type sem dup && ipckit ls --noheadings -o TYPE'
	assert_success
	assert_line 'status 1'
	assert_line 2
	assert_line 'mq'
}

@test "limits: every mechanism, one line per limit; usage errors are status 2" {
	run ipckit limits --noheadings
	assert_success
	assert_output --partial 'msgmni'
	assert_output --partial 'shmmax'
	assert_output --partial 'semmsl'
	run ipckit frobnicate
	assert_failure 2
	run ipckit bench --quick --full
	assert_failure 2
}

@test "bench --quick: every mechanism measured; --json parses; --plot draws a PNG or names gnuplot" {
	run ipckit bench --quick
	assert_success
	for m in pipe popen fifo posix-mq sysv-mq shm-ring semaphore rt-signal unix-socket tcp-loopback; do
		assert_line --regexp "^$m "
	done
	run --separate-stderr ipckit bench --quick --json
	assert_success
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["results"]) == 10; assert all(r["throughput"] and r["throughput"] > 0 for r in d["results"])' "$output"
	if command -v gnuplot >/dev/null; then
		run ipckit bench --quick --plot "$BATS_TEST_TMPDIR/b.png"
		assert_success
		[ -s "$BATS_TEST_TMPDIR/b.png" ]
	else
		run ipckit bench --quick --plot "$BATS_TEST_TMPDIR/b.png"
		assert_failure 1
		assert_output --partial 'gnuplot'
	fi
	[ -z "$(ls /tmp | grep '^ipckit-bench')" ]
}
