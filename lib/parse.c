/* parse.c - sizes, durations, counts and modes from the command line */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libutil.h>
#include <stdio.h>

#include "ipckit.h"

/*
 * A size: "64", "64B", "4K", "1.5M", "2G", "1T" (also "4KB", "4KiB"),
 * powers of 1024; a fraction needs a unit and is rounded down to a whole
 * byte.  No hex, no octal, no sign, no blanks.
 */
int
parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	uint64_t ip = 0, frac = 0, fscale = 1, mult = 1, v;
	const char *p = s, *u;

	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		if (ip > UINT64_MAX / 10 ||
		    ip * 10 > UINT64_MAX - (uint64_t)(*p - '0'))
			goto range;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++)
			if (fscale < 1000000000ULL) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fscale *= 10;
			}
	}
	if (*p != '\0' && (u = strchr(units, toupper((unsigned char)*p))) !=
	    NULL) {
		mult = 1ULL << (10 * (u - units + 1));
		p++;
		if (*p == 'i')
			p++;
	} else if (fscale > 1)
		goto bad;	/* "1.5" or "1.5B": not a whole byte */
	if (*p == 'B')
		p++;
	if (*p != '\0' || (p[-1] == 'i'))
		goto bad;
	if (ip > UINT64_MAX / mult)
		goto range;
	v = ip * mult;
	if (fscale > 1) {
		uint64_t f = frac * (mult / fscale) +
		    (frac * (mult % fscale)) / fscale;

		if (v > UINT64_MAX - f)
			goto range;
		v += f;
	}
	*out = v;
	return 0;
bad:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
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
	if (v > 0777) {		/* permission bits only, in every tool */
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
	eusage("bad %s '%.64s'", what, s);
}

/* "count '0' is out of range (1 to 100)", "... (at least 1)" */
static void
erange(const char *what, const char *s, const char *lo, const char *hi)
{
	if (hi == NULL)
		eusage("%s '%.64s' is out of range (at least %s)", what, s, lo);
	eusage("%s '%.64s' is out of range (%s to %s)", what, s, lo, hi);
}

uint64_t
esize(const char *what, const char *s, uint64_t min, uint64_t max)
{
	char lo[32], hi[32];
	uint64_t v = 0;
	int r;

	if ((r = parse_size(s, &v)) == -1 && errno != ERANGE)
		ebad(what, s);
	if (r == -1 || v < min || v > max) {
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)min);
		erange(what, s, lo, max == UINT64_MAX ? NULL :
		    fmt_size(hi, sizeof(hi), max));
	}
	return v;
}

long long
edur(const char *what, const char *s)
{
	long long v;

	if (parse_duration(s, &v) == -1) {
		if (errno == ERANGE)
			erange(what, s, "0", "100 years");
		ebad(what, s);
	}
	return v;
}

long long
enum_(const char *what, const char *s, long long min, long long max)
{
	char lo[32], hi[32];
	long long v;

	if (parse_num(s, min, max, &v) == -1) {
		if (errno != ERANGE)
			ebad(what, s);
		snprintf(lo, sizeof(lo), "%lld", min);
		snprintf(hi, sizeof(hi), "%lld", max);
		erange(what, s, lo, max == LLONG_MAX ? NULL : hi);
	}
	return v;
}

mode_t
emode(const char *s)
{
	mode_t m;

	if (parse_mode(s, &m) == -1) {
		if (errno == ERANGE)
			erange("mode", s, "0", "0777, permission bits only");
		ebad("mode", s);
	}
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

/* the decimal digits of N, at the end of BUF (FMT_UINT bytes): for
 * loops that print numbers by the thousand, where snprintf shows */
const char *
fmt_uint(char *buf, unsigned long long n)
{
	char *p = buf + FMT_UINT - 1;

	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	return p;
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
