/*
 * sockexec PATH N CMD [ARG...] - the plain C server a bench compares
 * ipc-sock listen --exec with: accept, fork, exec CMD with the
 * connection as its stdin and stdout, N times, every child reaped;
 * the socket file is removed at the end.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un un;
	long i, n;
	pid_t pid;
	int l, fd;

	if (argc < 4 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: sockexec PATH N CMD [ARG...]\n");
		return 2;
	}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(l, (struct sockaddr *)&un, sizeof(un)) == -1 ||
	    listen(l, 128) == -1) {
		perror("sockexec");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if ((fd = accept(l, NULL, NULL)) == -1) {
			perror("sockexec: accept");
			return 1;
		}
		if ((pid = fork()) == 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			if (fd > 1)
				close(fd);
			execvp(argv[3], argv + 3);
			_exit(127);
		}
		close(fd);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	while (wait(NULL) > 0)
		;
	unlink(argv[1]);
	return 0;
}
