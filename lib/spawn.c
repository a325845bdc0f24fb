/* spawn.c - the old spawning calls, until ipc-pipe moves to child.c */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

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
