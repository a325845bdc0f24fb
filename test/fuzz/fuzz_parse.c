/*
 * fuzz_parse.c - libFuzzer target for every command-line parser in lib/:
 * sizes, durations, modes, numbers, POSIX names and SysV keys.  Built and
 * run by "make fuzz"; any crash, leak or sanitizer report fails it.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, name[NAME_MAX + 2];
	struct sysvref ref;
	long long ll;
	uint64_t u;
	mode_t m;

	if (size == 0 || size > 4096)
		return 0;
	/* the first byte picks the parser, the rest is the argument */
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0:
		if (parse_size(s, &u) == 0 && s[0] == '\0')
			abort();
		break;
	case 1:
		if (parse_duration(s, &ll) == 0 && ll < 0)
			abort();
		break;
	case 2:
		if (parse_mode(s, &m) == 0 && m > 07777)
			abort();
		break;
	case 3:
		if (parse_num(s, -1000, LLONG_MAX, &ll) == 0 && ll < -1000)
			abort();
		break;
	case 4:
		if (posix_name(s, name, sizeof(name)) == 0 &&
		    (name[0] != '/' || strchr(name + 1, '/') != NULL ||
		    strlen(name) > NAME_MAX + 1))
			abort();
		break;
	case 5:
		(void)sysv_ref(s, 1, &ref);
		break;
	}
	free(s);
	return 0;
}
