/*
 * fuzz_signame.c - libFuzzer target for the signal names of lib/signame.c:
 * parse_signal() on any bytes, and the round trip name -> number -> name.
 * Built and run by "make fuzz"; any crash, leak, sanitizer report or
 * abort() below fails it.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, name[SIGNAME_MAX], again[SIGNAME_MAX];
	int sig, n;

	if (size > 4096)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	errno = 0;
	sig = parse_signal(s);
	if (sig == -1) {
		if (errno != EINVAL)
			abort();
	} else {
		/* a number in range with a name, and the name reads back */
		if (sig < 1 || sig > SIGRTMAX || !signo_valid(sig))
			abort();
		signame(sig, name, sizeof(name));
		if (strncmp(name, "SIG", 3) != 0 || parse_signal(name) != sig ||
		    parse_signal(name + 3) != sig)
			abort();
		/* nothing without a name is ever accepted */
		if (sig > 31 && sig < SIGRTMIN)
			abort();
	}
	/* any number prints into SIGNAME_MAX, NUL-terminated */
	if (size >= sizeof(int)) {
		memcpy(&n, data, sizeof(n));
		signame(n, again, sizeof(again));
		if (strnlen(again, sizeof(again)) == sizeof(again))
			abort();
		if (signo_valid(n) && strcasecmp(again, "SIG") == 0)
			abort();
	}
	free(s);
	return 0;
}
