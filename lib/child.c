/*
 * child.c - the commands a tool runs: start them, reap them, pass
 * signals on.
 *
 * Every child is kept in one table with a pidfd (pidfd_open(2)), so a
 * signal forwarded from the SIGP_FORWARD handler (sig.c) reaches that
 * very process and never a recycled pid.  The table is changed only with
 * the caught signals blocked, so the handler always sees it whole.
 * SIGCHLD sets gotchld; child_reap() collects what has ended without
 * blocking.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

extern char **environ;

struct kid {
	pid_t	 pid;
	int	 pidfd;		/* -1 where the kernel has none */
};

static struct kid *kids;
static volatile sig_atomic_t nkids;	/* the handler reads kids[0..nkids) */
static size_t capkids;

/* what a child must not inherit: our handlers, SIG_IGN of SIGPIPE, masks */
void
child_sigreset(void)
{
	struct sigaction sa;
	sigset_t set;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		struct sigaction old;

		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, NULL, &old) == -1)
			continue;
		/* keep what our own parent ignored, except SIGPIPE */
		if (old.sa_handler == SIG_IGN && sig != SIGPIPE)
			continue;
		if (old.sa_handler != SIG_DFL)
			sigaction(sig, &sa, NULL);
	}
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* in the signal handler: pass sig on to every child still in the table */
void
child_forward(int sig)
{
	sig_atomic_t i, n = nkids;

	for (i = 0; i < n; i++) {
		if (kids[i].pidfd != -1)
			(void)syscall(SYS_pidfd_send_signal, kids[i].pidfd,
			    sig, NULL, 0);
		else
			(void)kill(kids[i].pid, sig);
	}
}

/* send sig to every child not yet reaped (outside a handler) */
void
child_signal(int sig)
{
	sigset_t set, old;

	sig_block(&set, &old);
	child_forward(sig);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int
child_count(void)
{
	return nkids;
}

static int
table_add(pid_t pid)
{
	sigset_t set, old;
	struct kid *k;
	int fd;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	sig_block(&set, &old);
	if ((size_t)nkids == capkids) {
		size_t cap = capkids != 0 ? capkids * 2 : 16;

		if ((k = reallocarray(kids, cap, sizeof(*k))) == NULL) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (fd != -1)
				close(fd);
			return -1;
		}
		kids = k;
		capkids = cap;
	}
	kids[nkids].pid = pid;
	kids[nkids].pidfd = fd;
	if (fd != -1)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	nkids = nkids + 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

static void
table_del(pid_t pid)
{
	sigset_t set, old;
	sig_atomic_t i;

	sig_block(&set, &old);
	for (i = 0; i < nkids; i++)
		if (kids[i].pid == pid) {
			if (kids[i].pidfd != -1)
				close(kids[i].pidfd);
			kids[i] = kids[nkids - 1];
			nkids = nkids - 1;
			break;
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* the pidfd of a child in the table, or -1 */
int
child_pidfd(pid_t pid)
{
	sig_atomic_t i;

	for (i = 0; i < nkids; i++)
		if (kids[i].pid == pid)
			return kids[i].pidfd;
	return -1;
}

/* in the child: a failure before exec, said once, then 126 or 127 */
static void
child_fail(const struct childspec *cs, const char *what, int e)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof(line), "%s: %s%s%.200s: %s\n",
	    getprogname(), getverb() != NULL ? getverb() : "",
	    getverb() != NULL ? ": " : "", what, strerror(e));
	if (n > 0)
		(void)writeall(2, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
	(void)cs;
	_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/* in the child: move fd to target; the source is closed unless kept */
static int
child_dup(int fd, int target)
{
	if (fd == -1 || fd == target)
		return 0;
	if (dup2(fd, target) == -1)
		return -1;
	return 0;
}

static void
child_exec(const struct childspec *cs, pid_t parent, char **envp)
{
	static char sh[] = "sh", dashc[] = "-c", dashdash[] = "--";
	char *shv[5];

	child_sigreset();
	if (cs->pdeathsig != 0) {
		if (prctl(PR_SET_PDEATHSIG, cs->pdeathsig) == -1)
			child_fail(cs, "prctl", errno);
		if (getppid() != parent)	/* died before prctl */
			raise(cs->pdeathsig);
	}
	/* fd0 may be fd 1 and the other way round: dup both out of the way */
	if (child_dup(cs->fd0, 0) == -1)
		child_fail(cs, "dup2 of stdin", errno);
	if (child_dup(cs->fd1, 1) == -1)
		child_fail(cs, "dup2 of stdout", errno);
	if (cs->fd0 > 2)
		close(cs->fd0);
	if (cs->fd1 > 2 && cs->fd1 != cs->fd0)
		close(cs->fd1);
	if (cs->sh != NULL) {
		/* "--": a command line that starts with "-" is a command */
		shv[0] = sh;
		shv[1] = dashc;
		shv[2] = dashdash;
		shv[3] = (char *)(uintptr_t)cs->sh;
		shv[4] = NULL;
		/* dash takes "sh -c -- CMD"; CMD is the script, not $0 */
		execve("/bin/sh", shv, envp);
		child_fail(cs, "/bin/sh", errno);
	}
	execvpe(cs->argv[0], cs->argv, envp);
	child_fail(cs, cs->argv[0], errno);
}

/*
 * environ with the "NAME=value" strings of add in place of any of the
 * same names (environ itself when add is NULL): built before vfork(2),
 * so that the child changes nothing of ours.  NULL with errno ENOMEM.
 */
static char ** __attribute__((noinline))
child_environ(char *const *add)
{
	size_t n, k, i, j, len;
	char **e;

	if (add == NULL)
		return environ;
	for (n = 0; environ[n] != NULL; n++)
		;
	for (k = 0; add[k] != NULL; k++)
		;
	if ((e = reallocarray(NULL, n + k + 1, sizeof(*e))) == NULL)
		return NULL;
	for (i = j = 0; i < n; i++) {
		for (len = 0; len < k; len++) {
			size_t eq = strcspn(add[len], "=");

			if (strncmp(environ[i], add[len], eq + 1) == 0)
				break;
		}
		if (len == k)
			e[j++] = environ[i];
	}
	for (i = 0; i < k; i++)
		e[j++] = add[i];
	e[j] = NULL;
	return e;
}

/*
 * Start a child as cs says: argv (looked up on PATH) or a command line
 * for /bin/sh -c; its stdin and stdout from fd0 and fd1 (-1: ours);
 * extra environment "NAME=value" strings; a parent-death signal.  The
 * child is in the table until reaped.  Returns its pid, or -1 with errno
 * (fork failed: nothing was started).  An exec or dup2 failure in the
 * child is reported on stderr by the child, which exits 126 or 127.
 */
pid_t
child_start(const struct childspec *cs)
{
	sigset_t set, old;
	pid_t pid, parent = getpid();
	char **volatile envp;	/* read again after vfork */
	int e;

	if ((envp = child_environ(cs->env)) == NULL)
		return -1;
	sig_catchchld();
	fflush(NULL);
	/* no handler of ours may run in the child before it resets them */
	sig_block(&set, &old);
	/*
	 * vfork(2): the child writes nothing of ours before exec.  It resets
	 * signal dispositions (its own copy), dups descriptors, and writes
	 * its one error line with write(2); its environment was made here.
	 */
	pid = vfork();
	if (pid == 0)
		child_exec(cs, parent, envp);		/* does not return */
	e = errno;
	if (pid > 0 && table_add(pid) == -1) {
		/* cannot track it: do not let it run unguarded */
		kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		pid = -1;
		e = ENOMEM;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (envp != environ)
		free(envp);
	errno = e;
	return pid;
}

/* a wait status as the shell reports it: code, or 128 + signal */
int
exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return EXIT_FAIL;
}

/*
 * Collect one child that has ended, without blocking: 1 with *pid and
 * *status (as the shell reports it), 0 when none has ended yet, -1 when
 * there is no child left (errno ECHILD).  Clears gotchld: call it until
 * it returns 0 or -1.
 */
int
child_reap(pid_t *pid, int *status)
{
	pid_t p;
	int st;

	gotchld = 0;	/* first: a child that ends from now on sets it again */
	for (;;) {
		p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			table_del(p);
			*pid = p;
			*status = exit_status(st);
			return 1;
		}
		if (p == -1 && errno == EINTR)
			continue;
		if (p == 0)
			return 0;
		return -1;
	}
}

/*
 * Wait for one child to end: its status as the shell reports it, or -1
 * with errno (EINTR: a caught signal came first; the child still runs and
 * is still in the table).
 */
int
child_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) == -1)
		return -1;
	table_del(pid);
	return exit_status(st);
}
