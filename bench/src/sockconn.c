/*
 * sockconn PATH N - N connections to a UNIX stream socket, one after
 * another: connect, read until the server closes, close.  The client of
 * the connections-per-second bench; waits up to 10 s for the server.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un un;
	char buf[4096];
	long i, n;
	int fd, tries;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: sockconn PATH N\n");
		return 2;
	}
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", argv[1]);
	for (i = 0; i < n; i++) {
		for (tries = 0;; tries++) {
			if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
				perror("sockconn: socket");
				return 1;
			}
			if (connect(fd, (struct sockaddr *)&un, sizeof(un)) == 0)
				break;
			close(fd);
			if (tries == 1000 || (errno != ENOENT &&
			    errno != ECONNREFUSED && errno != EAGAIN)) {
				perror("sockconn: connect");
				return 1;
			}
			usleep(10000);
		}
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
	}
	return 0;
}
