/* err.c - diagnostics in the shape "ipc-TOOL: VERB OPERAND: message" */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

#define OPERAND_MAX	512	/* bytes of an operand shown in a message */

static const char *verb;
static const char *operand;

void
setverb(const char *v)
{
	verb = v;
}

void
setoperand(const char *o)
{
	operand = o;
}

const char *
getverb(void)
{
	return verb;
}

/* prefix, message, optional strerror: one line, one write */
void
ivwarn(int errnum, const char *fmt, va_list ap)
{
	char line[2048], safe[sizeof(line) * 4 + 2];
	size_t n;
	int r;

	r = snprintf(line, sizeof(line), "%s: ", getprogname());
	n = r > 0 ? (size_t)r : 0;
	if (verb != NULL && n < sizeof(line)) {
		/* a huge operand must not crowd out what went wrong */
		r = snprintf(line + n, sizeof(line) - n, "%s%s%.*s%s: ", verb,
		    operand != NULL ? " " : "", OPERAND_MAX,
		    operand != NULL ? operand : "",
		    operand != NULL && strlen(operand) > OPERAND_MAX ?
		    "..." : "");
		if (r > 0)
			n += (size_t)r;
	}
	if (fmt != NULL && n < sizeof(line)) {
		r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		if (r > 0)
			n += (size_t)r;
	}
	if (errnum != 0 && n < sizeof(line)) {
		r = snprintf(line + n, sizeof(line) - n, "%s%s",
		    fmt != NULL ? ": " : "", strerror(errnum));
		if (r > 0)
			n += (size_t)r;
	}
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	/*
	 * Names come from other users (a queue named with an escape
	 * sequence): nothing non-printable reaches the terminal, and a
	 * newline in an operand does not break the one line.
	 */
	fmt_vis(safe, sizeof(safe) - 1, line, n);
	n = strlen(safe);
	safe[n++] = '\n';
	fflush(stdout);
	(void)writeall(2, safe, n);
}

void
iwarn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	ivwarn(saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
iwarnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ivwarn(0, fmt, ap);
	va_end(ap);
}

void
iverbose(const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	ivwarn(0, fmt, ap);
	va_end(ap);
}

/*
 * The one line every tool prints when a wait found nothing in time,
 * unless -q: "no reader came within 2.0s", "nothing arrived (--nowait)".
 * Returns EXIT_TIMEOUT for the caller to exit with.
 */
int
itimedout(const char *what)
{
	char d[32];

	if (!opt.quiet) {
		if (opt.timeout == 0)
			iwarnx("%s (--nowait)", what);
		else
			iwarnx("%s within %s", what,
			    fmt_dur(d, sizeof(d), opt.timeout));
	}
	return EXIT_TIMEOUT;
}

void
eerr(int status, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	ivwarn(saved, fmt, ap);
	va_end(ap);
	exit(status);
}

void
eerrx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ivwarn(0, fmt, ap);
	va_end(ap);
	exit(status);
}

/* a usage error: one line naming the problem and where help is */
void
eusage(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	const char *saved = operand;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	operand = NULL;
	if (verb != NULL)
		iwarnx("%s (see '%s %s --help')", msg, getprogname(), verb);
	else
		iwarnx("%s (see '%s --help')", msg, getprogname());
	operand = saved;
	exit(EXIT_USAGE);
}

void *
ecalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n, size)) == NULL)
		eerr(EXIT_FAIL, "calloc");
	return p;
}

void *
ereallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n, size)) == NULL)
		eerr(EXIT_FAIL, "reallocarray");
	return p;
}

/* array V of *CAP elements of SIZE bytes, with room for element N:
 * doubled when full, from 16 */
void *
egrow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return ereallocarray(v, *cap, size);
}

char *
estrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		eerr(EXIT_FAIL, "strdup");
	return p;
}
