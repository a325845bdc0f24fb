/*
 * writer SIZE - write SIZE bytes to stdout, one 128 KiB buffer at a time.
 * SIZE is a decimal count with an optional K, M or G suffix (powers of 1024).
 * A bench helper: the fastest plain producer, handles short writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUFSZ	(128 * 1024)

static char buf[BUFSZ];

static unsigned long long
parsesize(const char *s)
{
	unsigned long long n, mul = 1;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		return 0;
	switch (*end) {
	case 'K': case 'k':
		mul = 1ULL << 10;
		end++;
		break;
	case 'M': case 'm':
		mul = 1ULL << 20;
		end++;
		break;
	case 'G': case 'g':
		mul = 1ULL << 30;
		end++;
		break;
	}
	if (*end != '\0' || (mul > 1 && n > ~0ULL / mul))
		return 0;
	return n * mul;
}

int
main(int argc, char *argv[])
{
	unsigned long long left;
	size_t chunk, off;
	ssize_t w;

	if (argc != 2 || ((left = parsesize(argv[1])) == 0 &&
	    strcmp(argv[1], "0") != 0)) {
		fprintf(stderr, "usage: writer SIZE[K|M|G]\n");
		return 2;
	}
	memset(buf, 'x', sizeof(buf));
	while (left > 0) {
		chunk = left < BUFSZ ? (size_t)left : BUFSZ;
		for (off = 0; off < chunk; off += (size_t)w) {
			w = write(STDOUT_FILENO, buf + off, chunk - off);
			if (w == -1) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				perror("writer: write");
				return 1;
			}
		}
		left -= chunk;
	}
	return 0;
}
