/*
 * splicereader - splice stdin to /dev/null until end of file: a zero-copy
 * consumer.  stdin must be a pipe (splice(2) needs one end to be a pipe).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int
main(void)
{
	ssize_t r;
	int null;

	if ((null = open("/dev/null", O_WRONLY)) == -1) {
		perror("splicereader: /dev/null");
		return 1;
	}
	for (;;) {
		r = splice(STDIN_FILENO, NULL, null, NULL, 1 << 20,
		    SPLICE_F_MOVE | SPLICE_F_MORE);
		if (r == 0)
			return 0;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			perror("splicereader: splice");
			return 1;
		}
	}
}
