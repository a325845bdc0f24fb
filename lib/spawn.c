/* spawn.c - child commands: /bin/sh -c CMD or an argv, with clean signals */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

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

static void
child_fds(int fd0, int fd1, int closefd)
{
	if (fd0 != -1 && fd0 != 0) {
		dup2(fd0, 0);
		close(fd0);
	}
	if (fd1 != -1 && fd1 != 1) {
		dup2(fd1, 1);
		if (fd1 != fd0)
			close(fd1);
	}
	if (closefd != -1)
		close(closefd);
}

pid_t
spawn_argv(char *const argv[], int fd0, int fd1, int closefd)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	child_sigreset();
	child_fds(fd0, fd1, closefd);
	execvp(argv[0], argv);
	{
		int e = errno;

		iwarn("%s", argv[0]);
		_exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}
}

pid_t
spawn_sh(const char *cmd, int fd0, int fd1, int closefd)
{
	static char sh[] = "sh", dashc[] = "-c";
	char *const argv[] = { sh, dashc, (char *)(uintptr_t)cmd, NULL };
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	child_sigreset();
	child_fds(fd0, fd1, closefd);
	execv("/bin/sh", argv);
	iwarn("/bin/sh");
	_exit(EXIT_NOEXEC);
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

int
ewaitpid(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR)
			eerr(EXIT_FAIL, "waitpid");
	}
	return exit_status(st);
}
