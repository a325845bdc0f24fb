/* parse.c - sizes, durations, counts and modes from the command line */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libutil.h>

#include "ipckit.h"

/* "64", "4K", "1M", "2G", "1T" (also "4KB", "4KiB"): powers of 1024 */
int
parse_size(const char *s, uint64_t *out)
{
	char num[32];
	const char *p;
	size_t n;

	for (p = s; isdigit((unsigned char)*p); p++)
		;
	n = (size_t)(p - s);
	if (n == 0 || (*p != '\0' && (strchr("kKmMgGtT", *p) == NULL ||
	    (p[1] != '\0' && strcmp(p + 1, "B") != 0 &&
	    strcmp(p + 1, "iB") != 0)))) {
		errno = EINVAL;
		return -1;
	}
	/* expand_number(3) reads 0x hex and leading-zero octal: not here */
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n + 2 > sizeof(num)) {
		errno = ERANGE;
		return -1;
	}
	memcpy(num, s, n);
	num[n] = *p;
	num[n + 1] = '\0';
	/* libbsd saturates an unsuffixed overflow at UINT64_MAX, sets
	 * errno to ERANGE, yet returns 0 */
	errno = 0;
	if (expand_number(num, out) == -1)
		return -1;
	if (errno == ERANGE)
		return -1;
	return 0;
}

/* "250ms", "2s", "1.5m", "1h", "1d"; a bare number is seconds -> ms */
int
parse_duration(const char *s, long long *ms)
{
	static const struct {
		const char	*unit;
		long long	 ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	long long ip = 0, frac = 0, fscale = 1, mult = -1, v;
	const char *p = s;
	size_t i;

	if (!isdigit((unsigned char)*p) && *p != '.')
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		if (ip > (LLONG_MAX - 9) / 10)
			goto range;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p) && p - s == 1)
			goto bad;
		for (; isdigit((unsigned char)*p); p++)
			if (fscale < 1000000000LL) {
				frac = frac * 10 + (*p - '0');
				fscale *= 10;
			}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(p, units[i].unit) == 0)
			mult = units[i].ms;
	if (mult < 0)
		goto bad;
	/* cap at ~100 years: anything longer is "forever" in practice */
	if (ip > 3153600000000LL / mult)
		goto range;
	v = ip * mult + (frac * mult + fscale - 1) / fscale;
	*ms = v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

int
parse_mode(const char *s, mode_t *m)
{
	unsigned long v = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 5) {
		errno = EINVAL;
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '7') {
			errno = EINVAL;
			return -1;
		}
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > 07777) {
		errno = ERANGE;
		return -1;
	}
	*m = (mode_t)v;
	return 0;
}

int
parse_num(const char *s, long long min, long long max, long long *out)
{
	const char *errstr;
	long long v;

	/* strtonum skips leading blanks and takes '+': we do not */
	if (!isdigit((unsigned char)*s) && !(*s == '-' &&
	    isdigit((unsigned char)s[1]))) {
		errno = EINVAL;
		return -1;
	}
	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL) {
		errno = (strcmp(errstr, "invalid") == 0) ? EINVAL : ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

static void
ebad(const char *what, const char *s)
{
	if (errno == ERANGE)
		eusage("%s '%.64s' is out of range", what, s);
	eusage("bad %s '%.64s'", what, s);
}

uint64_t
esize(const char *what, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_size(s, &v) == -1)
		ebad(what, s);
	if (v < min || v > max) {
		errno = ERANGE;
		ebad(what, s);
	}
	return v;
}

long long
edur(const char *what, const char *s)
{
	long long v;

	if (parse_duration(s, &v) == -1)
		ebad(what, s);
	return v;
}

long long
enum_(const char *what, const char *s, long long min, long long max)
{
	long long v;

	if (parse_num(s, min, max, &v) == -1)
		ebad(what, s);
	return v;
}

mode_t
emode(const char *s)
{
	mode_t m;

	if (parse_mode(s, &m) == -1)
		ebad("mode", s);
	return m;
}

/* "1.5M": human size, powers of 1024 */
const char *
fmt_size(char *buf, size_t len, uint64_t n)
{
	/* HN_AUTOSCALE picks the smallest scale that fits the buffer: give
	 * it room for "1.5KiB" / "115GiB" only, or it never scales */
	char tmp[7];

	if (n < 1024)
		snprintf(buf, len, "%lluB", (unsigned long long)n);
	else if (n > INT64_MAX || humanize_number(tmp, sizeof(tmp),
	    (int64_t)n, "B", HN_AUTOSCALE,
	    HN_DECIMAL | HN_NOSPACE | HN_IEC_PREFIXES) == -1)
		snprintf(buf, len, "%llu", (unsigned long long)n);
	else
		strlcpy(buf, tmp, len);
	return buf;
}

/* "1:02:03" or "2.3s" */
const char *
fmt_dur(char *buf, size_t len, long long ms)
{
	long long s = ms / 1000;

	if (s < 60)
		snprintf(buf, len, "%lld.%llds", s, (ms % 1000) / 100);
	else if (s < 3600)
		snprintf(buf, len, "%lld:%02lld", s / 60, s % 60);
	else
		snprintf(buf, len, "%lld:%02lld:%02lld", s / 3600,
		    s / 60 % 60, s % 60);
	return buf;
}
