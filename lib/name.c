/* name.c - POSIX object names and SysV keys (ipckit(7), NAMES) */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "ipckit.h"

/*
 * "NAME" or "/NAME" -> "/NAME".  One path component of 1..NAME_MAX
 * bytes; "." and ".." are refused as the kernel refuses them.
 */
int
posix_name(const char *in, char *out, size_t outlen)
{
	const char *p = in;
	size_t n;

	if (*p == '/')
		p++;
	n = strlen(p);
	if (n == 0 || strchr(p, '/') != NULL || strcmp(p, ".") == 0 ||
	    strcmp(p, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	if (n > NAME_MAX || n + 2 > outlen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[0] = '/';
	memcpy(out + 1, p, n + 1);
	return 0;
}

void
eposix_name(const char *in, char *out, size_t outlen)
{
	if (posix_name(in, out, outlen) == 0)
		return;
	if (errno == ENAMETOOLONG)
		eusage("name of %zu bytes is too long (NAME_MAX is %d)",
		    strlen(in) - (in[0] == '/'), NAME_MAX);
	eusage("bad name '%.64s': want NAME or /NAME, one path component",
	    in);
}

/*
 * A number as ipcrm(1) reads one: "0x" hex, a leading "0" octal, else
 * decimal; digits only, no sign, no blanks, at most max.
 */
static int
ipcnum(const char *s, uint64_t max, uint64_t *out)
{
	unsigned base = 10, d;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0')
		base = 8;
	if (*s == '\0') {
		errno = EINVAL;
		return -1;
	}
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else {
			errno = EINVAL;
			return -1;
		}
		if (d >= base) {
			errno = EINVAL;
			return -1;
		}
		if (v > (max - d) / base) {
			/* keep scanning: a later bad digit is EINVAL */
			for (s++; *s != '\0'; s++)
				if (!isxdigit((unsigned char)*s)) {
					errno = EINVAL;
					return -1;
				}
			errno = ERANGE;
			return -1;
		}
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/*
 * "0x1a2b", "6699", "0777", "id:N" or the path of an existing file.
 * A string that reads as a number is a key even when a file of that
 * name exists (as ipcrm reads it; write ./123 for the file).
 */
int
sysv_ref(const char *s, int proj, struct sysvref *r)
{
	struct stat st;
	uint64_t v;
	key_t k;

	r->key = IPC_PRIVATE;
	r->id = -1;
	r->fromftok = 0;
	if (*s == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (strncmp(s, "id:", 3) == 0) {
		if (ipcnum(s + 3, INT_MAX, &v) == -1)
			return -1;
		r->id = (int)v;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		if (ipcnum(s, UINT32_MAX, &v) == 0) {
			r->key = (key_t)(uint32_t)v;
			return 0;
		}
		/* "12abc" may still be a file; if not, a bad number */
		if (stat(s, &st) == -1) {
			(void)ipcnum(s, UINT32_MAX, &v);	/* sets errno */
			return -1;
		}
	}
	if ((k = ftok(s, proj)) == (key_t)-1)
		return -1;
	r->key = k;
	r->fromftok = 1;
	return 0;
}

void
esysv_ref(const char *s, int proj, struct sysvref *r)
{
	if (sysv_ref(s, proj, r) == 0)
		return;
	if (errno == ERANGE)
		eusage("key '%.64s' is out of range", s);
	if (errno == EINVAL)
		eusage("bad key '%.64s': want 0xHEX, a number, id:N "
		    "or an existing file", s);
	eerr(EXIT_FAIL, "no key from '%.64s' (ftok)", s);
}
