/*
 * semrun - the least a "run CMD under a POSIX semaphore" can do, the
 * reference of bench/sem.bench:
 *
 *   semrun NAME CMD [ARG...]
 *
 * sem_open, sem_wait, fork, execvp, waitpid, sem_post; CMD's status.
 * No signal forwarding, no parent-death signal, no timeout: what
 * ipc-sem run adds to this is what its time above semrun's pays for.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	sem_t *s;
	pid_t pid;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: semrun NAME CMD [ARG...]\n");
		return 2;
	}
	if ((s = sem_open(argv[1], 0)) == SEM_FAILED) {
		perror(argv[1]);
		return 1;
	}
	while (sem_wait(s) == -1)
		;
	if ((pid = fork()) == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		;
	sem_post(s);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
