/*
 * tm FILE CMD - run CMD by sh -c, then append to FILE the nanoseconds
 * it took, from before the fork to after the wait (clock_gettime(2),
 * CLOCK_MONOTONIC).  Exit status: CMD's, or 125 when tm itself failed.
 * The harness timed with two date(1) processes and a cat(1) before: a
 * few milliseconds of its own in every figure, which is as long as the
 * fastest cases take.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	long long t0, t1;
	pid_t pid;
	FILE *fp;
	int st;

	if (argc != 3) {
		fprintf(stderr, "usage: tm file command\n");
		return 125;
	}
	t0 = now();
	if ((pid = fork()) == -1) {
		perror("tm: fork");
		return 125;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", argv[2], (char *)NULL);
		perror("tm: /bin/sh");
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1) {
		perror("tm: waitpid");
		return 125;
	}
	t1 = now();
	if ((fp = fopen(argv[1], "a")) == NULL ||
	    fprintf(fp, "%lld\n", t1 - t0) < 0 || fclose(fp) == EOF) {
		perror(argv[1]);
		return 125;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
