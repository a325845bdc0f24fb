/*
 * signame.c - signal names and numbers, both ways.
 *
 * Accepted spellings (case does not matter): "USR1", "SIGUSR1", "usr1",
 * a decimal number ("10"), "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (with
 * or without "SIG").  Names are printed as kill -L prints them:
 * "SIGUSR1", and for the real-time signals "SIGRTMIN+N" up to the middle
 * of the range, "SIGRTMAX-N" above it.
 *
 * The numbers between the kernel's first real-time signal (32) and the C
 * library's SIGRTMIN are the C library's own (its threads use them, see
 * signal(7), nptl(7)): they have no name and are refused, so that no
 * spelling sends them by accident.  signame() still prints them as
 * "SIG32" where a mask read from /proc shows one.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipckit.h"

static const struct {
	const char	*name;		/* without "SIG" */
	int		 sig;
} names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
	{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
#ifdef SIGSTKFLT
	{ "STKFLT", SIGSTKFLT },
#endif
	{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
	/* other spellings of the same signals, accepted, never printed */
	{ "IOT", SIGABRT }, { "POLL", SIGPOLL }, { "CLD", SIGCHLD },
};
#define NNAMES	(sizeof(names) / sizeof(names[0]))

#define MAXDIGITS	4	/* no signal number has more */

/* 1 when sig has a name (a standard signal or SIGRTMIN..SIGRTMAX) */
int
signo_valid(int sig)
{
	size_t i;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return 1;
	for (i = 0; i < NNAMES; i++)
		if (names[i].sig == sig)
			return 1;
	return 0;
}

/* "123" -> 123; -1 unless 1 to MAXDIGITS decimal digits and nothing else */
static int
digits(const char *s)
{
	int v = 0, n = 0;

	for (; *s != '\0'; s++, n++) {
		if (!isdigit((unsigned char)*s) || n == MAXDIGITS)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return n == 0 ? -1 : v;
}

/*
 * A signal as the user spelled it -> its number, 1..SIGRTMAX; -1 with
 * errno EINVAL for anything else (0, the C library's own numbers, names
 * out of the real-time range, blanks, signs, "SIG" alone).
 */
int
parse_signal(const char *s)
{
	const char *p = s;
	size_t i;
	int v;

	if (s == NULL)
		goto bad;
	if (isdigit((unsigned char)*p)) {
		v = digits(p);
		if (v >= 1 && v <= SIGRTMAX && signo_valid(v))
			return v;
		goto bad;
	}
	if (strncasecmp(p, "SIG", 3) == 0)
		p += 3;
	if (strncasecmp(p, "RTMIN", 5) == 0 || strncasecmp(p, "RTMAX", 5) == 0) {
		int max = toupper((unsigned char)p[3]) == 'A';
		int off = 0;

		if (p[5] == (max ? '-' : '+')) {
			if ((off = digits(p + 6)) == -1)
				goto bad;
		} else if (p[5] != '\0')
			goto bad;
		if (off > SIGRTMAX - SIGRTMIN)
			goto bad;
		return max ? SIGRTMAX - off : SIGRTMIN + off;
	}
	for (i = 0; i < NNAMES; i++)
		if (strcasecmp(p, names[i].name) == 0)
			return names[i].sig;
bad:
	errno = EINVAL;
	return -1;
}

/*
 * The name of sig as kill -L prints it: "SIGUSR1", "SIGRTMIN+3",
 * "SIGRTMAX-2"; a number without a name is "SIG32".  buf holds at least
 * SIGNAME_MAX bytes; name + 3 is the name without "SIG".
 */
const char *
signame(int sig, char *buf, size_t len)
{
	int half;
	size_t i;

	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		half = (SIGRTMAX - SIGRTMIN) / 2;
		if (sig == SIGRTMIN)
			snprintf(buf, len, "SIGRTMIN");
		else if (sig == SIGRTMAX)
			snprintf(buf, len, "SIGRTMAX");
		else if (sig - SIGRTMIN <= half)
			snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
		else
			snprintf(buf, len, "SIGRTMAX-%d", SIGRTMAX - sig);
		return buf;
	}
	for (i = 0; i < NNAMES; i++)
		if (names[i].sig == sig) {
			snprintf(buf, len, "SIG%s", names[i].name);
			return buf;
		}
	snprintf(buf, len, "SIG%d", sig);
	return buf;
}

/* parse_signal or a usage error: "bad signal 'X' (...)", status 2 */
int
esignal(const char *s)
{
	int sig;

	if ((sig = parse_signal(s)) == -1)
		eusage("bad signal '%.64s': not a name or number of a "
		    "signal (kill -l lists them)", s);
	return sig;
}
