/*
 * sockrw listen|connect ADDR - the plain C relay a bench compares
 * ipc-sock with: stdin to the socket and the socket to stdout at once,
 * poll(2) and read/write of 128 KiB; stdin's end is passed on with
 * shutdown(SHUT_WR).  ADDR is a UNIX path, or HOST:PORT for TCP (IPv4).
 * connect retries for up to 10 s while the server is not up.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFSZ	(128 * 1024)

static char up[BUFSZ], down[BUFSZ];

static int
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
mkaddr(const char *a, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	const char *colon = strrchr(a, ':');
	char host[64];

	memset(ss, 0, sizeof(*ss));
	if (a[0] == '/' || a[0] == '.' || colon == NULL) {
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", a);
		*len = sizeof(*un);
		return AF_UNIX;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - a), a);
	in->sin_family = AF_INET;
	in->sin_port = htons((unsigned short)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return -1;
	*len = sizeof(*in);
	return AF_INET;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	struct pollfd p[2];
	socklen_t len;
	ssize_t n;
	int fam, fd, l, on = 1, inopen = 1, sockopen = 1, tries;

	if (argc != 3 || (fam = mkaddr(argv[2], &ss, &len)) == -1) {
		fprintf(stderr, "usage: sockrw listen|connect PATH|HOST:PORT\n");
		return 2;
	}
	if (strcmp(argv[1], "listen") == 0) {
		l = socket(fam, SOCK_STREAM, 0);
		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (fam == AF_UNIX)
			unlink(argv[2]);
		if (bind(l, (struct sockaddr *)&ss, len) == -1 ||
		    listen(l, 16) == -1 || (fd = accept(l, NULL, NULL)) == -1) {
			perror("sockrw: listen");
			return 1;
		}
		close(l);
		if (fam == AF_UNIX)
			unlink(argv[2]);
	} else {
		for (tries = 0;; tries++) {
			fd = socket(fam, SOCK_STREAM, 0);
			if (connect(fd, (struct sockaddr *)&ss, len) == 0)
				break;
			close(fd);
			if (tries == 1000) {
				perror("sockrw: connect");
				return 1;
			}
			usleep(10000);
		}
	}
	while (inopen || sockopen) {
		p[0].fd = inopen ? 0 : -1;
		p[0].events = POLLIN;
		p[1].fd = sockopen ? fd : -1;
		p[1].events = POLLIN;
		if (poll(p, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[0].revents) {
			if ((n = read(0, up, sizeof(up))) <= 0) {
				inopen = 0;
				shutdown(fd, SHUT_WR);
			} else if (writeall(fd, up, (size_t)n) == -1)
				return 1;
		}
		if (p[1].revents) {
			if ((n = read(fd, down, sizeof(down))) <= 0)
				sockopen = 0;
			else if (writeall(1, down, (size_t)n) == -1)
				return 1;
		}
	}
	return 0;
}
