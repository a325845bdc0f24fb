/*
 * reader - read stdin 128 KiB at a time until end of file, discard it.
 * A bench helper: the plain copying consumer.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#define BUFSZ	(128 * 1024)

static char buf[BUFSZ];

int
main(void)
{
	ssize_t r;

	for (;;) {
		r = read(STDIN_FILENO, buf, sizeof(buf));
		if (r == 0)
			return 0;
		if (r == -1) {
			if (errno == EINTR)
				continue;
			perror("reader: read");
			return 1;
		}
	}
}
