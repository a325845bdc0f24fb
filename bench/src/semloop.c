/*
 * semloop - run a command (or a sequence of commands) N times, one after
 * the other, and time each turn: the driver of bench/sem.bench.
 *
 *   semloop [-o FILE] N CMD [ARG...] [';' CMD [ARG...]]...
 *
 * Each turn runs the commands in order (posix_spawnp, waitpid), all
 * with stdout on /dev/null; a command that fails ends semloop with
 * status 1.  With -o, the time of each turn (nanoseconds) is appended
 * to FILE, one per line, for the medians sem.bench prints.  The driver
 * costs the same for every case, so the times compare the commands.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char *argv[])
{
	posix_spawn_file_actions_t fa;
	char ***cmds;
	long long n, i, t0, *t;
	int c, k, ncmd = 0, st, a;
	FILE *out = NULL;
	pid_t pid;

	while ((c = getopt(argc, argv, "+o:")) != -1) {
		if (c != 'o' || (out = fopen(optarg, "a")) == NULL) {
			fprintf(stderr, "usage: semloop [-o FILE] N CMD...\n");
			return 2;
		}
	}
	if (argc - optind < 2 || (n = atoll(argv[optind])) < 1) {
		fprintf(stderr, "usage: semloop [-o FILE] N CMD...\n");
		return 2;
	}
	cmds = calloc((size_t)argc, sizeof(*cmds));
	t = calloc((size_t)n, sizeof(*t));
	if (cmds == NULL || t == NULL)
		return 1;
	/* split the words at ";" */
	cmds[ncmd++] = &argv[optind + 1];
	for (a = optind + 1; a < argc; a++)
		if (strcmp(argv[a], ";") == 0) {
			argv[a] = NULL;
			if (a + 1 < argc)
				cmds[ncmd++] = &argv[a + 1];
		}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		for (k = 0; k < ncmd; k++) {
			if (posix_spawnp(&pid, cmds[k][0], &fa, NULL, cmds[k],
			    environ) != 0) {
				perror(cmds[k][0]);
				return 1;
			}
			if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != 0) {
				fprintf(stderr, "semloop: %s failed (turn %lld)\n",
				    cmds[k][0], i + 1);
				return 1;
			}
		}
		t[i] = now_ns() - t0;
	}
	if (out != NULL) {
		for (i = 0; i < n; i++)
			fprintf(out, "%lld\n", t[i]);
		if (fclose(out) == EOF)
			return 1;
	}
	return 0;
}
