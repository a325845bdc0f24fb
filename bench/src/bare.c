/*
 * bare CMD [ARG...] - run CMD with no descriptor but 0, 1 and 2
 * (close_range(2)).  map.bench starts its idle processes with it: they
 * hold their own pipes and sockets, not whatever descriptors the shell,
 * make or the terminal that ran the bench left open, which would make
 * the machine measured depend on who measures it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	if (argc < 2) {
		fprintf(stderr, "usage: bare command [arg ...]\n");
		return 125;
	}
	if (close_range(3, ~0U, 0) == -1) {
		perror("bare: close_range");
		return 125;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
