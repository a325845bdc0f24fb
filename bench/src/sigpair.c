/*
 * sigpair - the reference for bench/sig.bench: a minimal C stream of
 * integers over queued real-time signals, as anyone would write it.
 *
 *   sigpair recv PIDFILE     block SIGRTMIN and SIGRTMIN+1, write our pid
 *                            to PIDFILE (a temporary file renamed into
 *                            place), then sigwaitinfo(2) in a loop: each
 *                            SIGRTMIN's value printed with stdio, until
 *                            SIGRTMIN+1 (a higher number: delivered after
 *                            every SIGRTMIN queued before it)
 *   sigpair send PID <lines  one sigqueue(3) of SIGRTMIN per line
 *                            (getline, strtol), sched_yield(2) and again
 *                            while the queue is full (EAGAIN), then
 *                            SIGRTMIN+1
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
queue(pid_t pid, int sig, int v)
{
	union sigval sv;

	memset(&sv, 0, sizeof(sv));
	sv.sival_int = v;
	while (sigqueue(pid, sig, sv) == -1) {
		if (errno != EAGAIN)
			err(1, "sigqueue");
		sched_yield();
	}
}

int
main(int argc, char *argv[])
{
	char tmp[4096], *line = NULL;
	size_t cap = 0;
	siginfo_t si;
	sigset_t set;
	FILE *fp;
	pid_t pid;

	if (argc != 3)
		errx(2, "usage: sigpair recv PIDFILE | sigpair send PID");
	if (strcmp(argv[1], "send") == 0) {
		pid = (pid_t)strtol(argv[2], NULL, 10);
		if (pid <= 0)
			errx(2, "bad pid");
		while (getline(&line, &cap, stdin) != -1)
			queue(pid, SIGRTMIN, (int)strtol(line, NULL, 10));
		queue(pid, SIGRTMIN + 1, 0);
		return 0;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	if ((fp = fopen(tmp, "w")) == NULL)
		err(1, "%s", tmp);
	fprintf(fp, "%d\n", (int)getpid());
	if (fclose(fp) == EOF || rename(tmp, argv[2]) == -1)
		err(1, "%s", argv[2]);
	for (;;) {
		if (sigwaitinfo(&set, &si) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "sigwaitinfo");
		}
		if (si.si_signo != SIGRTMIN)
			break;
		printf("%d\n", si.si_value.sival_int);
	}
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
