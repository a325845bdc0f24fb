/*
 * semop - the least a semaphore command can do, the references of
 * bench/sem.bench:
 *
 *   semop wait NAME      one sem_wait on the POSIX semaphore NAME
 *   semop post NAME      one sem_post
 *   semop loop NAME N    N sem_wait + sem_post pairs in this process;
 *                        prints the pairs per second
 *
 * NAME is "/NAME", as sem_open(3) takes it.  No timeout, no checks
 * beyond errors: what ipc-sem wait and post add is what their time above
 * these pays for.
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	long long i, n;
	double s;
	sem_t *sem;

	if (argc < 3 || (strcmp(argv[1], "loop") == 0 && argc < 4)) {
		fprintf(stderr, "usage: semop wait|post NAME | loop NAME N\n");
		return 2;
	}
	if ((sem = sem_open(argv[2], 0)) == SEM_FAILED) {
		perror(argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "wait") == 0) {
		while (sem_wait(sem) == -1)
			;
		return 0;
	}
	if (strcmp(argv[1], "post") == 0)
		return sem_post(sem) == 0 ? 0 : 1;
	if ((n = atoll(argv[3])) < 1)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if (sem_wait(sem) == -1 || sem_post(sem) == -1) {
			perror("sem_wait/sem_post");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f\n", (double)n / s);
	return 0;
}
