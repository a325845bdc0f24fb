/*
 * ipc-pipe - anonymous pipes and child commands.
 *
 *   cat	stdin to stdout with splice(2), a meter, a rate limit
 *   tee	stdin to each CMD (tee(2), zero-copy) and to stdout
 *   merge	the output lines of several CMDs, never split, to stdout
 *   info	what fd 0 and fd 1 are
 *
 * Waiting and signals follow lib/sig.c: the data calls on pipes do not
 * block (SPLICE_F_NONBLOCK, which leaves the shared file's O_NONBLOCK
 * alone), every wait is an xpoll(), and every loop looks at the flags
 * between two transfers: gotsig ends the verb at once (128 + N, after
 * what it holds is given back or written), gotchld reaps the CMDs,
 * gottick redraws the meter.  See ipc-pipe(1), EXIT STATUS.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

#define BIGPIPE		(1 << 20)	/* capacity we give pipes when allowed */
#define CHUNK		(16 << 20)	/* most one splice/tee call may move */
#define BUFSZ		(256 * 1024)	/* the read/write fallback */
#define MERGEBUF	(64 * 1024)	/* per CMD in merge */

/* fds 0 and 1 as main() found them, before the library parked /dev/null */
static int closedfd[2];

/* ---- pipes and their sizes --------------------------------------------- */

static int
isfifo(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* raise a pipe to BIGPIPE if the kernel lets us, silently, never lower */
static void
pipe_grow(int fd)
{
	int cap;

	if ((cap = pipe_capacity(fd)) > 0 && cap < BIGPIPE)
		(void)set_pipe_size(fd, BIGPIPE);
}

/*
 * --pipe-size: a tuning request, not a condition of the transfer.  When
 * the kernel refuses, say why (naming the limit and its value) unless -q,
 * and go on with the capacity the pipe has, as nice(1) runs its command
 * anyway.
 */
static void
pipe_resize(int fd, const char *which, uint64_t size)
{
	char want[32], have[32];
	long long lim;
	int cap;

	cap = pipe_capacity(fd);
	fmt_size(want, sizeof(want), size);
	fmt_size(have, sizeof(have), cap > 0 ? (uint64_t)cap : 0);
	if (set_pipe_size(fd, size) == 0) {
		cap = pipe_capacity(fd);
		fmt_size(have, sizeof(have), cap > 0 ? (uint64_t)cap : 0);
		iverbose("%s pipe capacity set to %s", which, have);
		return;
	}
	if (opt.quiet)
		return;
	switch (errno) {
	case EPERM:
		lim = sysctl_num("/proc/sys/fs/pipe-max-size");
		if (lim >= 0 && size > (uint64_t)lim) {
			iwarnx("--pipe-size %s for the %s pipe exceeds "
			    "fs.pipe-max-size = %lld "
			    "(/proc/sys/fs/pipe-max-size), which only "
			    "CAP_SYS_RESOURCE may pass; keeping %s", want,
			    which, lim, have);
			break;
		}
		lim = sysctl_num("/proc/sys/fs/pipe-user-pages-soft");
		iwarnx("--pipe-size %s for the %s pipe: this user's pipe "
		    "buffers exceed fs.pipe-user-pages-soft = %lld pages "
		    "(/proc/sys/fs/pipe-user-pages-soft); keeping %s",
		    want, which, lim, have);
		break;
	case EBUSY:
		iwarnx("--pipe-size %s for the %s pipe is less than the %d "
		    "bytes queued in it; keeping %s", want, which,
		    pipe_queued(fd), have);
		break;
	default:
		iwarn("--pipe-size %s for the %s pipe", want, which);
		break;
	}
}

/* the pipes next to us: --pipe-size, or BIGPIPE when allowed */
static void
size_pipes(uint64_t size)
{
	static const char *const which[] = { "stdin", "stdout" };
	int fd, n = 0;

	for (fd = 0; fd <= 1; fd++) {
		if (!isfifo(fd))
			continue;
		n++;
		if (size != 0)
			pipe_resize(fd, which[fd], size);
		else
			pipe_grow(fd);
	}
	if (size != 0 && n == 0 && !opt.quiet)
		iwarnx("--pipe-size: neither stdin nor stdout is a pipe");
}

/*
 * A non-blocking splice or tee said EAGAIN: wait (xpoll) for the end that
 * holds it up.  Returns when that end is ready or a signal came; the
 * caller loops back to where the flags are looked at.
 */
static void
wait_pair(int in, int out)
{
	struct pollfd p[2] = {
		{ .fd = in, .events = POLLIN },
		{ .fd = out, .events = POLLOUT },
	};

	if (poll(p, 2, 0) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "poll");
	if (p[0].revents == 0)
		p[1] = p[0];
	else if (p[1].revents != 0)
		return;			/* both ready (or in error): retry */
	if (xpoll(&p[1], 1, -1) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "ppoll");
}

/* wait for one descriptor, or a signal */
static void
wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (xpoll(&p, 1, -1) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "ppoll");
}

/*
 * Bytes taken from stdin that could not be written when a signal came:
 * give them back where stdin can seek (the next reader of a file gets
 * them), else say how many were lost.
 */
static void
giveback(size_t n)
{
	if (n == 0)
		return;
	if (lseek(0, -(off_t)n, SEEK_CUR) != -1) {
		iverbose("%zu bytes not written given back to stdin", n);
		return;
	}
	iwarnx("stopped by a signal: %zu bytes read from stdin were not "
	    "written", n);
}

/* ---- cat: the meter ---------------------------------------------------- */

struct catopt {
	uint64_t	 pipesize;	/* --pipe-size, 0: grow to BIGPIPE */
	uint64_t	 rate;		/* --rate-limit, bytes a second */
	uint64_t	 expect;	/* --expect, 0: unknown */
	long long	 interval;	/* --interval, ms */
	int		 progress;	/* 1: on a terminal, 2: =force */
	int		 numeric;
	int		 stats;
	int		 bar;
	int		 lines;		/* --line-mode */
	const char	*name;		/* --name */
};

static struct meter {
	const struct catopt *o;
	int		 line;		/* draw the live line on stderr */
	uint64_t	 expect;	/* --expect or stdin's size, 0 unknown */
	uint64_t	 bytes;		/* written to stdout so far */
	uint64_t	 lines;		/* with --line-mode */
	double		 t0, tlast;
	uint64_t	 nlast;		/* the count at tlast */
	size_t		 drawn;		/* columns of the line on screen */
	int		 pending;	/* a line without its newline */
	unsigned	 spin;		/* the bar's cursor, size unknown */
	int		 started, done;
	int		 ticking;	/* tick_arm'ed */
	char		 name[64 * 4 + 1];	/* --name, escaped */
} meter;

static uint64_t
meter_count(void)
{
	return meter.o->lines ? meter.lines : meter.bytes;
}

static const char *
hms(char *buf, size_t len, double sec)
{
	unsigned long long s = sec > 0 ? (unsigned long long)sec : 0;

	snprintf(buf, len, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60,
	    s % 60);
	return buf;
}

/* a count of lines as pv -l shows it: 950, 12.3k, 4.5M */
static const char *
fmt_count(char *buf, size_t len, uint64_t n)
{
	static const char sfx[] = "kMGTPE";
	double v = (double)n;
	int i = -1;

	if (n < 1000) {
		snprintf(buf, len, "%llu", (unsigned long long)n);
		return buf;
	}
	while (v >= 999.95 && i < 5) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, v < 99.95 ? "%.1f%c" : "%.0f%c", v, sfx[i]);
	return buf;
}

/* a size, or a count in line mode */
static const char *
fmt_amount(char *buf, size_t len, uint64_t n)
{
	return meter.o->lines ? fmt_count(buf, len, n) :
	    fmt_size(buf, len, n);
}

static unsigned
percent(uint64_t n, uint64_t expect)
{
	double p = (double)n * 100.0 / (double)expect;

	return p >= 100.0 ? 100 : (unsigned)p;
}

/* the columns stderr has: the terminal's, else $COLUMNS, else 80 */
static size_t
term_width(void)
{
	struct winsize ws;
	const char *c;
	long long v;

	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((c = getenv("COLUMNS")) != NULL &&
	    parse_num(c, 1, 10000, &v) == 0)
		return (size_t)v;
	return 80;
}

/* the fields of the progress line, in the order they are given up */
enum { F_BAR, F_ETA, F_RATE, F_TIME, F_PCT, F_NFIELDS };

/* [=====>     ] with a known size, else a <=> that moves to and fro */
static void
draw_bar(char *buf, size_t inner, uint64_t n, uint64_t expect, int final)
{
	size_t i, fill, pos, period;

	buf[0] = '[';
	for (i = 1; i <= inner; i++)
		buf[i] = ' ';
	if (expect != 0) {
		fill = (size_t)((double)inner * percent(n, expect) / 100.0);
		for (i = 1; i <= fill; i++)
			buf[i] = '=';
		if (fill < inner && fill > 0)
			buf[fill] = '>';
	} else if (inner >= 3) {
		period = 2 * (inner - 3);
		pos = period > 0 ? meter.spin % period : 0;
		if (pos > inner - 3)
			pos = period - pos;
		if (final)
			pos = 0;
		memcpy(buf + 1 + pos, "<=>", 3);
	}
	buf[inner + 1] = ']';
	buf[inner + 2] = '\0';
}

/*
 * The progress line: [NAME:] COUNT ELAPSED [RATE] [BAR] PCT% ETA T.  The
 * fields have fixed widths, so the line does not jump; on a terminal too
 * narrow for all of them, the bar shrinks, then fields are dropped (bar,
 * ETA, rate, elapsed, percent), so the line never wraps.  The final line
 * shows the average rate and no ETA.
 */
static void
meter_line(uint64_t n, double rate, double now, int final)
{
	const struct catopt *o = meter.o;
	char f[F_NFIELDS][64], cnt[32], amt[32], line[1024];
	size_t w[F_NFIELDS], width, total, inner = 0, len;
	int on[F_NFIELDS], i, r;

	width = term_width();
	width = width > 1 ? width - 1 : 1;	/* no wrap at the last column */
	if (width > sizeof(line) - 64)
		width = sizeof(line) - 64;
	fmt_amount(amt, sizeof(amt), n);
	r = snprintf(cnt, sizeof(cnt), "%6s", amt);
	hms(f[F_TIME], sizeof(f[F_TIME]), now - meter.t0);
	fmt_amount(amt, sizeof(amt), (uint64_t)rate);
	snprintf(f[F_RATE], sizeof(f[F_RATE]), "[%6s/s]", amt);
	f[F_PCT][0] = f[F_ETA][0] = f[F_BAR][0] = '\0';
	if (meter.expect != 0) {
		double avg = (double)n / (now - meter.t0 > 1e-6 ?
		    now - meter.t0 : 1e-6);

		snprintf(f[F_PCT], sizeof(f[F_PCT]), "%3u%%",
		    percent(n, meter.expect));
		if (!final) {
			if (n >= meter.expect)
				hms(amt, sizeof(amt), 0);
			else if (avg < 1e-3)
				strlcpy(amt, "-:--:--", sizeof(amt));
			else
				hms(amt, sizeof(amt),
				    (double)(meter.expect - n) / avg);
			snprintf(f[F_ETA], sizeof(f[F_ETA]), "ETA %s", amt);
		}
	}
	/* what is always there: the name and the count */
	total = (o->name != NULL ? strlen(meter.name) + 2 : 0) + (size_t)r;
	for (i = 0; i < F_NFIELDS; i++) {
		w[i] = strlen(f[i]);
		on[i] = w[i] > 0;
		if (on[i])
			total += 1 + w[i];
	}
	/* the bar takes what is left, at least 5 columns inside */
	on[F_BAR] = 0;
	if (o->bar && total + 1 + 7 <= width) {
		on[F_BAR] = 1;
		inner = width - total - 3;
		if (inner > 200)
			inner = 200;
	}
	/* the other fields give way, in order, until the line fits */
	for (i = F_ETA; i < F_NFIELDS && total > width; i++)
		if (on[i]) {
			on[i] = 0;
			total -= 1 + w[i];
		}
	len = 0;
	line[len++] = '\r';
	if (o->name != NULL)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    "%s: ", meter.name);
	len += strlcpy(line + len, cnt, sizeof(line) - len);
	if (on[F_TIME])
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
		    f[F_TIME]);
	if (on[F_RATE])
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
		    f[F_RATE]);
	if (on[F_BAR]) {
		line[len++] = ' ';
		draw_bar(line + len, inner, n, meter.expect, final);
		len += inner + 2;
	}
	if (on[F_PCT])
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
		    f[F_PCT]);
	if (on[F_ETA])
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
		    f[F_ETA]);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	/* blank out what is left of a longer previous line */
	while (len - 1 < meter.drawn && len < sizeof(line) - 2)
		line[len++] = ' ';
	meter.drawn = len - 1;
	if (final)
		line[len++] = '\n';
	meter.pending = !final;
	(void)writeall(2, line, len);
}

static void
meter_update(int final)
{
	char line[32];
	uint64_t n = meter_count();
	double now, dt, rate;
	int r;

	now = mono_sec();
	if (final) {
		dt = now - meter.t0;
		rate = (double)n / (dt > 1e-6 ? dt : 1e-6);
	} else {
		dt = now - meter.tlast;
		rate = (double)(n - meter.nlast) / (dt > 1e-6 ? dt : 1e-6);
		meter.tlast = now;
		meter.nlast = n;
	}
	meter.spin++;
	if (meter.o->numeric) {
		if (meter.expect != 0)
			r = snprintf(line, sizeof(line), "%u\n",
			    percent(n, meter.expect));
		else
			r = snprintf(line, sizeof(line), "%llu\n",
			    (unsigned long long)n);
		(void)writeall(2, line, (size_t)r);
	} else if (meter.line)
		meter_line(n, rate, now, final);
}

/*
 * The end, however it comes (end of input, a closed stdout, a signal, an
 * error): the last figures of the meter and the --stats line.  Run by
 * the cleanup registry, and once.
 */
static void
meter_final(void *arg)
{
	const struct catopt *o = meter.o;
	char rt[32], nm[80] = "";
	double dt;

	(void)arg;
	if (!meter.started || meter.done)
		return;
	meter.done = 1;
	if (meter.ticking)
		(void)tick_arm(0, 0);
	if (o->numeric || meter.line)
		meter_update(1);
	if (!o->stats)
		return;
	dt = mono_sec() - meter.t0;
	if (o->name != NULL)
		snprintf(nm, sizeof(nm), "%.64s: ", o->name);
	fmt_size(rt, sizeof(rt), (uint64_t)((double)meter.bytes /
	    (dt > 1e-6 ? dt : 1e-6)));
	if (o->lines)
		iwarnx("%s%llu lines, %llu bytes in %.3f s, %.0f lines/s, "
		    "%s/s", nm, (unsigned long long)meter.lines,
		    (unsigned long long)meter.bytes, dt,
		    (double)meter.lines / (dt > 1e-6 ? dt : 1e-6), rt);
	else
		iwarnx("%s%llu bytes in %.3f s, %s/s", nm,
		    (unsigned long long)meter.bytes, dt, rt);
}

/* with a regular file on stdin, its size (what is left) is --expect */
static uint64_t
stdin_size(void)
{
	struct stat st;
	off_t off;

	if (fstat(0, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (off = lseek(0, 0, SEEK_CUR)) == -1 || st.st_size <= off)
		return 0;
	return (uint64_t)(st.st_size - off);
}

static void
emeter_start(const struct catopt *o)
{
	meter.o = o;
	meter.t0 = meter.tlast = mono_sec();
	meter.line = o->progress == 2 || (o->progress == 1 && isatty(2));
	meter.expect = o->expect;
	if (meter.expect == 0 && !o->lines)
		meter.expect = stdin_size();
	if (o->name != NULL)
		fmt_vis(meter.name, sizeof(meter.name), o->name,
		    strnlen(o->name, 64));
	meter.started = 1;
	cleanup_add(meter_final, NULL);
	if (!meter.line && !o->numeric)
		return;
	if (tick_arm(o->interval, o->interval) == -1)
		eerr(EXIT_FAIL, "timer_create");
	meter.ticking = 1;
	if (meter.line && !o->numeric)
		meter_update(0);
}

/* ---- cat --------------------------------------------------------------- */

struct cat {
	const struct catopt *o;
	double		 t0;
	size_t		 rchunk;	/* --rate-limit: bytes per burst */
	int		 usesplice;
	char		*buf;		/* the read/write fallback */
	size_t		 pend, off;	/* read, not yet written */
};

/* count the lines in what was written */
static void
count_lines(const char *p, size_t n)
{
	const char *e = p + n;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		meter.lines++;
		p++;
	}
}

/* gotsig: write what was read (once more: the kick bounds it), give the
 * rest back, re-raise */
static void
ecat_stop(struct cat *c)
{
	size_t done = 0;

	if (c->pend > 0) {
		(void)writeall_n(1, c->buf + c->off, c->pend, &done);
		meter.bytes += done;
		if (c->o->lines)
			count_lines(c->buf + c->off, done);
		giveback(c->pend - done);
	}
	eonsig();
}

/* with --rate-limit: wait until the bytes so far are due; 0 when due */
static int
rate_wait(const struct cat *c)
{
	double due = c->t0 + (double)meter.bytes / (double)c->o->rate;
	double now = mono_sec();
	long long ms;

	if (now >= due)
		return 0;
	ms = (long long)((due - now) * 1000.0) + 1;
	/* a tick or a signal cuts the wait short: the caller loops */
	if (xpoll(NULL, 0, ms) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "ppoll");
	return 1;
}

/* the read/write fallback: write what was read, once stdout has room */
static void
ecat_flush(struct cat *c)
{
	ssize_t r;

	wait_fd(1, POLLOUT);
	if (gotsig)
		return;
	r = write(1, c->buf + c->off, c->pend);
	if (r > 0) {
		if (c->o->lines)
			count_lines(c->buf + c->off, (size_t)r);
		c->off += (size_t)r;
		c->pend -= (size_t)r;
		meter.bytes += (uint64_t)r;
	} else if (errno == EPIPE)
		eepipe();
	else if (errno != EINTR && errno != EAGAIN)
		eerr(EXIT_FAIL, "write stdout");
}

/* read into the buffer: 1 read something (or try again), 0 end of file */
static int
ecat_read(struct cat *c, size_t want)
{
	ssize_t r;

	if (c->buf == NULL && (c->buf = malloc(BUFSZ)) == NULL)
		eerr(EXIT_FAIL, "malloc");
	wait_fd(0, POLLIN);
	if (gotsig || gottick)
		return 1;
	r = read(0, c->buf, want < BUFSZ ? want : BUFSZ);
	if (r > 0) {
		c->pend = (size_t)r;
		c->off = 0;
	} else if (r == 0)
		return 0;
	else if (errno != EINTR && errno != EAGAIN)
		eerr(EXIT_FAIL, "read stdin");
	return 1;
}

/* splice stdin to stdout: 1 moved something (or try again), 0 end of file */
static int
ecat_splice(struct cat *c, size_t want)
{
	ssize_t r;

	r = splice(0, NULL, 1, NULL, want,
	    SPLICE_F_MOVE | SPLICE_F_MORE | SPLICE_F_NONBLOCK);
	if (r > 0) {
		meter.bytes += (uint64_t)r;
		return 1;
	}
	if (r == 0)
		return 0;
	switch (errno) {
	case EINTR:
		break;
	case EAGAIN:
		wait_pair(0, 1);
		break;
	case EPIPE:
		eepipe();
		break;
	case EINVAL:
	case ENOSYS:
	case EBADF:
		/* neither end a pipe, O_APPEND, a bad fd: read/write says
		 * which end and why */
		iverbose("splice(2) refused (%s): copying with "
		    "read(2)/write(2)", strerror(errno));
		c->usesplice = 0;
		break;
	default:
		eerr(EXIT_FAIL, "splice stdin to stdout");
	}
	return 1;
}

static void
ecat_run(const struct catopt *o)
{
	struct cat c;
	size_t want;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.t0 = mono_sec();
	/* --line-mode looks at the bytes: no splice */
	c.usesplice = !o->lines;
	if (o->rate != 0) {
		/* about ten bursts a second, and at least one byte */
		c.rchunk = o->rate / 10 > CHUNK ? CHUNK :
		    (size_t)(o->rate / 10);
		if (c.rchunk == 0)
			c.rchunk = 1;
	}
	for (;;) {
		if (gotsig)
			ecat_stop(&c);
		if (gottick) {
			gottick = 0;
			meter_update(0);
		}
		if (c.pend > 0) {
			ecat_flush(&c);
			continue;
		}
		want = CHUNK;
		if (o->rate != 0) {
			if (rate_wait(&c))
				continue;
			want = c.rchunk;
		}
		if ((c.usesplice ? ecat_splice(&c, want) :
		    ecat_read(&c, want)) == 0)
			break;
	}
	free(c.buf);
	iverbose("%llu bytes copied with %s", (unsigned long long)meter.bytes,
	    c.usesplice ? "splice(2)" : "read(2)/write(2)");
}

static void
cat_parse(int *argcp, char ***argvp, struct catopt *o)
{
	enum { P_SIZE = 256, P_PROG, P_NUM, P_EXPECT, P_INT, P_STATS, P_RATE,
	    P_BAR, P_NAME };
	static const struct option lo[] = {
		{ "pipe-size",	required_argument, NULL, P_SIZE },
		{ "progress",	optional_argument, NULL, P_PROG },
		{ "numeric",	no_argument,	   NULL, P_NUM },
		{ "expect",	required_argument, NULL, P_EXPECT },
		{ "interval",	required_argument, NULL, P_INT },
		{ "stats",	no_argument,	   NULL, P_STATS },
		{ "rate-limit",	required_argument, NULL, P_RATE },
		{ "bar",	no_argument,	   NULL, P_BAR },
		{ "line-mode",	no_argument,	   NULL, 'l' },
		{ "name",	required_argument, NULL, P_NAME },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->interval = 1000;
	opt_begin(*argcp, *argvp, 0, lo);
	while ((ch = opt_next()) != -1)
		switch (ch) {
		case P_SIZE:
			o->pipesize = esize("pipe size", optarg, 1, INT_MAX);
			break;
		case P_PROG:
			if (optarg == NULL)
				o->progress = 1;
			else if (strcmp(optarg, "force") == 0)
				o->progress = 2;
			else
				eusage("bad --progress '%.64s' (only "
				    "--progress=force)", optarg);
			break;
		case P_NUM:
			o->numeric = 1;
			break;
		case P_EXPECT:
			o->expect = esize("expected size", optarg, 1,
			    UINT64_MAX);
			break;
		case P_INT:
			o->interval = edur("interval", optarg);
			if (o->interval < 1 || o->interval > 86400000)
				eusage("interval '%.64s' is out of range "
				    "(1ms to 1d)", optarg);
			break;
		case P_STATS:
			o->stats = 1;
			break;
		case P_RATE:
			o->rate = esize("rate", optarg, 1, UINT64_MAX);
			break;
		case P_BAR:
			o->bar = 1;
			break;
		case 'l':
			o->lines = 1;
			break;
		case P_NAME:
			o->name = optarg;
			break;
		}
	opt_end(argcp, argvp, NULL);
	opt_operands(*argcp, 0, 0);
}

static int
cmd_cat(int argc, char *argv[])
{
	struct catopt o;

	cat_parse(&argc, &argv, &o);
	size_pipes(o.pipesize);
	emeter_start(&o);
	ecat_run(&o);
	meter_final(NULL);
	return 0;
}

/* ---- child commands (tee and merge) ------------------------------------ */

struct child {
	const char	*cmd;
	pid_t		 pid;		/* 0 once reaped */
	int		 fd;		/* our end of its pipe, -1 when done */
	int		 status;
	/* tee */
	size_t		 ahead;		/* bytes it has beyond what stdin gave up */
	/* merge */
	char		*buf;
	size_t		 len;
	int		 midline;	/* its last output ended mid-line */
};

/* the CMDs of this run */
static struct child *kids;
static int nkids;

/*
 * Collect the CMDs that have ended (gotchld), so that none lingers as a
 * zombie while the others still run.
 */
static void
reap_kids(void)
{
	pid_t pid;
	int i, st, r;

	while ((r = child_reap(&pid, &st)) == 1)
		for (i = 0; i < nkids; i++)
			if (kids[i].pid == pid) {
				kids[i].status = st;
				kids[i].pid = 0;
			}
	if (r == -1)			/* no child left to wait for */
		for (i = 0; i < nkids; i++)
			kids[i].pid = 0;
}

/*
 * One pipe per CMD, all made before the first fork and close-on-exec, so
 * no CMD holds another's pipe open (which would hide EOF from it).  With
 * reads, each CMD reads its pipe as stdin (tee); else it writes its stdout
 * into it (merge).  We keep the other end in kids[i].fd.  Each CMD runs as
 * /bin/sh -c -- CMD, so one that starts with "-" is a command.
 */
static void
espawn_all(int n, char *cmds[], int reads)
{
	struct childspec cs;
	int i, p[2], *theirs;

	kids = ecalloc((size_t)n, sizeof(*kids));
	nkids = n;
	theirs = ecalloc((size_t)n, sizeof(*theirs));
	for (i = 0; i < n; i++) {
		if (pipe2(p, O_CLOEXEC) == -1)
			eerr(EXIT_FAIL, "pipe for CMD %d", i + 1);
		kids[i].cmd = cmds[i];
		kids[i].fd = reads ? p[1] : p[0];
		theirs[i] = reads ? p[0] : p[1];
		if (reads)
			pipe_grow(theirs[i]);
	}
	for (i = 0; i < n; i++) {
		memset(&cs, 0, sizeof(cs));
		cs.sh = kids[i].cmd;
		cs.fd0 = reads ? theirs[i] : -1;
		cs.fd1 = reads ? -1 : theirs[i];
		if ((kids[i].pid = child_start(&cs)) == -1)
			eerr(EXIT_FAIL, "fork for CMD %d", i + 1);
		close(theirs[i]);
	}
	free(theirs);
}

/* close our ends of the CMDs' pipes: they see end of file or EPIPE */
static void
close_kids(void)
{
	int i;

	for (i = 0; i < nkids; i++)
		if (kids[i].fd != -1) {
			close(kids[i].fd);
			kids[i].fd = -1;
		}
}

/*
 * Wait for every CMD (a terminating signal ends the wait: the CMDs are
 * not waited for then, nor signalled); the first non-zero status in
 * argument order, or 0.
 */
static int
ewait_kids(void)
{
	int i, st = 0, left;

	close_kids();
	for (;;) {
		if (gotsig)
			eonsig();
		reap_kids();
		for (i = left = 0; i < nkids; i++)
			left += kids[i].pid > 0;
		if (left == 0)
			break;
		if (xpoll(NULL, 0, -1) == -1 && errno != EINTR)
			eerr(EXIT_FAIL, "ppoll");
	}
	for (i = 0; i < nkids; i++)
		if (kids[i].status != 0) {
			iverbose("CMD %d (%.64s) exited with status %d", i + 1,
			    kids[i].cmd, kids[i].status);
			if (st == 0)
				st = kids[i].status;
		}
	return st;
}

static void
free_kids(void)
{
	int i;

	for (i = 0; i < nkids; i++)
		free(kids[i].buf);
	free(kids);
	kids = NULL;
	nkids = 0;
}

/* ---- tee --------------------------------------------------------------- */

struct tee {
	int		 sink;		/* 1, or /dev/null with -q or stdout gone */
	int		 devnull;
	int		 outgone;	/* stdout closed under us */
	char		*buf;
};

/* a signal ends us at once (the CMDs see end of file) */
static void
etee_onsig(void)
{
	if (gotsig) {
		close_kids();
		eonsig();
	}
}

/* between two transfers: a signal, CMDs that ended */
static void
tee_flags(void)
{
	etee_onsig();
	if (gotchld)
		reap_kids();
}

static int
tee_live(void)
{
	int i, k = 0;

	for (i = 0; i < nkids; i++)
		k += kids[i].fd != -1;
	return k;
}

static void
tee_drop(int i)
{
	if (errno != EPIPE)
		iwarn("CMD %d (%.64s)", i + 1, kids[i].cmd);
	close(kids[i].fd);
	kids[i].fd = -1;
}

static void
stdout_gone(struct tee *t)
{
	t->outgone = 1;
	t->sink = t->devnull;
}

/* dup up to len bytes of stdin into child i's pipe; 0 at EOF, -1 gone */
static ssize_t
tee_one(int i, size_t len)
{
	ssize_t r;

	for (;;) {
		tee_flags();
		r = tee(0, kids[i].fd, len, SPLICE_F_NONBLOCK);
		if (r >= 0)
			return r;
		if (errno == EAGAIN)
			wait_pair(0, kids[i].fd);
		else if (errno != EINTR) {
			tee_drop(i);
			return -1;
		}
	}
}

/*
 * Take len bytes off stdin into the sink.  With eofok, stop at EOF (and
 * return what was moved); otherwise the bytes are known to be there.
 */
static size_t
etee_consume(struct tee *t, size_t len, int eofok)
{
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		tee_flags();
		r = splice(0, NULL, t->sink, NULL, len - done,
		    SPLICE_F_MOVE | SPLICE_F_MORE | SPLICE_F_NONBLOCK);
		if (r > 0) {
			done += (size_t)r;
			if (eofok)
				break;
			continue;
		}
		if (r == 0) {
			if (eofok)
				break;
			eerrx(EXIT_FAIL, "stdin lost %zu bytes under us",
			    len - done);
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			wait_pair(0, t->sink);
			continue;
		}
		if (errno == EPIPE && t->sink == 1) {
			stdout_gone(t);
			continue;
		}
		if (errno != EINVAL)
			eerr(EXIT_FAIL, "splice stdin to stdout");
		/* stdout takes no splice: read the bytes and write them */
		r = readsome(0, t->buf, len - done < BUFSZ ? len - done : BUFSZ);
		if (r == 0 && eofok)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			eerr(EXIT_FAIL, "read stdin");
		if (writeall(t->sink, t->buf, (size_t)r) == -1) {
			etee_onsig();
			if (errno != EPIPE)
				eerr(EXIT_FAIL, "write stdout");
			stdout_gone(t);
		}
		done += (size_t)r;
		if (eofok)
			break;
	}
	return done;
}

/*
 * stdin is a pipe: tee(2) each CMD its copy without consuming, then take
 * the bytes every CMD has off stdin into stdout (or /dev/null).  tee(2)
 * always copies from the head of stdin, so a CMD that got fewer bytes than
 * the others (its pipe was fuller) waits until the head has moved past
 * what it has, then catches up to the leader; ahead[] tracks this.
 */
static void
etee_zerocopy(struct tee *t)
{
	size_t lead, min;
	ssize_t r;
	int i;

	for (;;) {
		tee_flags();
		if (tee_live() == 0) {
			if (t->outgone || t->sink == t->devnull)
				return;		/* nobody left to feed */
			if (etee_consume(t, CHUNK, 1) == 0)
				return;
			continue;
		}
		lead = 0;
		for (i = 0; i < nkids; i++)
			if (kids[i].fd != -1 && kids[i].ahead > lead)
				lead = kids[i].ahead;
		for (i = 0; i < nkids; i++) {
			if (kids[i].fd == -1 || kids[i].ahead != 0)
				continue;
			r = tee_one(i, lead != 0 ? lead : CHUNK);
			if (r == 0 && lead == 0)
				return;		/* EOF, and nobody is ahead */
			if (r == 0)
				eerrx(EXIT_FAIL, "stdin lost data under us");
			if (r < 0)
				continue;
			kids[i].ahead = (size_t)r;
			if (lead == 0)
				lead = (size_t)r;
		}
		min = 0;
		for (i = 0; i < nkids; i++)
			if (kids[i].fd != -1 &&
			    (min == 0 || kids[i].ahead < min))
				min = kids[i].ahead;
		if (min == 0)
			continue;		/* the CMDs that had it are gone */
		etee_consume(t, min, 0);
		for (i = 0; i < nkids; i++)
			if (kids[i].fd != -1)
				kids[i].ahead -= min;
	}
}

/*
 * stdin is not a pipe: read once, write to every CMD and to stdout.  A
 * signal may cut a block short: the CMDs and stdout then have a prefix of
 * the input each, not necessarily the same one.
 */
static void
etee_copy(struct tee *t)
{
	ssize_t r;
	int i;

	for (;;) {
		tee_flags();
		if (tee_live() == 0 && (t->outgone || t->sink == t->devnull))
			return;
		if ((r = readsome(0, t->buf, BUFSZ)) == 0)
			return;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			eerr(EXIT_FAIL, "read stdin");
		for (i = 0; i < nkids; i++) {
			if (kids[i].fd == -1 ||
			    writeall(kids[i].fd, t->buf, (size_t)r) == 0)
				continue;
			etee_onsig();		/* EINTR: a signal */
			tee_drop(i);
		}
		if (t->sink == 1 && writeall(1, t->buf, (size_t)r) == -1) {
			etee_onsig();
			if (errno != EPIPE)
				eerr(EXIT_FAIL, "write stdout");
			stdout_gone(t);
		}
	}
}

static int
cmd_tee(int argc, char *argv[])
{
	struct tee t;
	int st;

	opt_begin(argc, argv, 0, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);

	memset(&t, 0, sizeof(t));
	if ((t.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		eerr(EXIT_FAIL, "/dev/null");
	if ((t.buf = malloc(BUFSZ)) == NULL)
		eerr(EXIT_FAIL, "malloc");
	t.sink = opt.quiet ? t.devnull : 1;
	size_pipes(0);
	espawn_all(argc, argv, 1);
	if (isfifo(0)) {
		iverbose("stdin is a pipe: tee(2), zero-copy");
		etee_zerocopy(&t);
	} else {
		iverbose("stdin is not a pipe: read(2)/write(2)");
		etee_copy(&t);
	}
	st = ewait_kids();
	free_kids();
	free(t.buf);
	close(t.devnull);
	if (st == 0 && t.outgone)
		st = EXIT_EPIPE;
	return st;
}

/* ---- merge ------------------------------------------------------------- */

#define OUTHIGH		(64 * 1024)	/* flush the output buffer from here */
#define STOPGRACE	0.5		/* s: a signal, stdout takes nothing */

/*
 * The output: lines gathered into one buffer, written before we may block.
 * What a write cut short leaves unwritten stays in the buffer, so a
 * signal never loses what was read.
 */
struct merge {
	int		 sep;
	int		 tag;
	int		 owner;		/* CMD in mid-line on stdout, or -1 */
	int		 stopping;	/* a signal came: only write out */
	char		*buf;
	size_t		 len, cap;
};

/* write the buffer; what was not written stays.  -1 errno */
static int
merge_write(struct merge *m)
{
	size_t done = 0;
	int r;

	if (m->len == 0)
		return 0;
	r = writeall_n(1, m->buf, m->len, &done);
	memmove(m->buf, m->buf + done, m->len - done);
	m->len -= done;
	return r;
}

/*
 * Flush the output.  A signal that cuts the write short is acted on by
 * the loop (emerge_run), where every CMD's buffer is in a known state:
 * what was not written stays in the buffer till then.
 */
static void
eflush(struct merge *m)
{
	if (merge_write(m) == 0 || (errno == EINTR && gotsig))
		return;
	if (errno == EPIPE)
		eepipe();
	eerr(EXIT_FAIL, "write stdout");
}

/* add a piece of a line (and sep, unless REC_RAW) to the output */
static void
eput(struct merge *m, const void *p, size_t n, int sep)
{
	size_t need = m->len + n + 1;

	if (need > m->cap) {
		m->cap = need > 2 * m->cap ? need : 2 * m->cap;
		m->buf = ereallocarray(m->buf, m->cap, 1);
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
	if (sep != REC_RAW)
		m->buf[m->len++] = (char)sep;
	if (m->len >= OUTHIGH && !m->stopping)
		eflush(m);
}

/* emit len bytes of child i's output that end where a line ends (or not) */
static void
merge_emit(struct merge *m, int i, const char *p, size_t len, int complete)
{
	struct child *c = &kids[i];
	char tag[32];
	const char *e;
	int tl;

	tl = snprintf(tag, sizeof(tag), "%d:", i + 1);
	if (len == 0 && complete && c->midline) {
		/* a long line that ended at EOF, right after a full buffer */
		eput(m, "", 0, m->sep);
		c->midline = 0;
	}
	while (len > 0) {
		e = memchr(p, m->sep, len);
		if (m->tag && !c->midline)
			eput(m, tag, (size_t)tl, REC_RAW);
		if (e == NULL) {
			/* a line longer than our buffer, or the last one */
			eput(m, p, len, complete ? m->sep : REC_RAW);
			c->midline = !complete;
			return;
		}
		eput(m, p, (size_t)(e - p), m->sep);
		c->midline = 0;
		len -= (size_t)(e - p) + 1;
		p = e + 1;
	}
}

/*
 * gotsig: the lines read from the CMDs are written out whole, for as long
 * as stdout takes them: the kick of lib/sig.c cuts a blocked write short,
 * and STOPGRACE without progress ends it.  A line a CMD had not finished
 * is not made up into one: only the CMD that owns stdout (a long line,
 * part of it written already) gets the rest of what it sent.  Then
 * re-raise; the CMDs are not signalled, they get EPIPE or SIGPIPE at
 * their next write.
 */
static void
emerge_stop(struct merge *m)
{
	double last;
	size_t before;

	if (!m->stopping) {
		m->stopping = 1;
		if (m->owner != -1 && kids[m->owner].len > 0) {
			merge_emit(m, m->owner, kids[m->owner].buf,
			    kids[m->owner].len, 0);
			kids[m->owner].len = 0;
		}
		for (last = mono_sec(); m->len > 0;) {
			before = m->len;
			if (merge_write(m) == 0 || errno != EINTR)
				break;
			if (m->len < before)
				last = mono_sec();
			else if (mono_sec() - last > STOPGRACE)
				break;
		}
	}
	close_kids();
	eonsig();
}

/* read what child i has; give out its complete lines */
static void
merge_read(struct merge *m, int i)
{
	struct child *c = &kids[i];
	const char *last;
	size_t done;
	ssize_t r;

	r = read(c->fd, c->buf + c->len, MERGEBUF - c->len);
	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		iwarn("read output of CMD %d (%.64s)", i + 1, c->cmd);
		r = 0;
	}
	if (r == 0) {
		/* EOF: a last line without its newline is completed */
		if (c->len > 0 || c->midline)
			merge_emit(m, i, c->buf, c->len, 1);
		c->len = 0;
		c->midline = 0;
		close(c->fd);
		c->fd = -1;
		if (m->owner == i)
			m->owner = -1;
		return;
	}
	c->len += (size_t)r;
	last = memrchr(c->buf, m->sep, c->len);
	if (last != NULL) {
		done = (size_t)(last - c->buf) + 1;
		merge_emit(m, i, c->buf, done, 1);
		memmove(c->buf, c->buf + done, c->len - done);
		c->len -= done;
		if (m->owner == i)
			m->owner = -1;
	}
	if (c->len == MERGEBUF) {
		/*
		 * A line longer than the buffer: send what we have and keep
		 * stdout for this CMD alone until its line ends, so no other
		 * CMD's line lands inside it.
		 */
		merge_emit(m, i, c->buf, c->len, 0);
		c->len = 0;
		m->owner = i;
	}
}

/* read the CMDs' pipes until every one is at end of file */
static void
emerge_run(struct merge *m)
{
	struct pollfd *pf;
	int i, k, nopen;

	pf = ecalloc((size_t)nkids, sizeof(*pf));
	for (;;) {
		if (gotsig)
			emerge_stop(m);
		if (gotchld)
			reap_kids();
		nopen = 0;
		for (i = k = 0; i < nkids; i++) {
			if (kids[i].fd == -1)
				continue;
			nopen++;
			if (m->owner != -1 && m->owner != i)
				continue;
			pf[k].fd = kids[i].fd;
			pf[k].events = POLLIN;
			pf[k].revents = 0;
			k++;
		}
		if (nopen == 0)
			break;
		/* before we may block: what is complete goes out */
		eflush(m);
		if (gotsig)
			continue;
		if (xpoll(pf, (nfds_t)k, -1) == -1) {
			if (errno != EINTR)
				eerr(EXIT_FAIL, "ppoll");
			continue;
		}
		for (i = k = 0; i < nkids; i++) {
			if (kids[i].fd == -1 ||
			    (m->owner != -1 && m->owner != i))
				continue;
			if (pf[k++].revents != 0)
				merge_read(m, i);
		}
	}
	eflush(m);
	if (gotsig)
		emerge_stop(m);
	free(pf);
}

static int
cmd_merge(int argc, char *argv[])
{
	enum { M_TAG = 256 };
	static const struct option lo[] = {
		{ "tag",	no_argument,	NULL, M_TAG },
		{ NULL, 0, NULL, 0 },
	};
	struct merge m;
	int c, i;

	memset(&m, 0, sizeof(m));
	opt_begin(argc, argv, OPT_NULL, lo);
	while ((c = opt_next()) != -1)
		if (c == M_TAG)
			m.tag = 1;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);

	m.sep = opt.sep;
	m.owner = -1;
	espawn_all(argc, argv, 0);
	for (i = 0; i < nkids; i++)
		if ((kids[i].buf = malloc(MERGEBUF)) == NULL)
			eerr(EXIT_FAIL, "malloc");
	emerge_run(&m);
	c = ewait_kids();
	free_kids();
	free(m.buf);
	return c;
}

/* ---- info -------------------------------------------------------------- */

struct fdinfo {
	const char	*fdname;
	int		 fd;
	const char	*type;
	const char	*mode;		/* r, w, rw, or NULL */
	long long	 capacity;	/* -1 when not a pipe */
	long long	 queued;	/* -1 when unknown */
	long long	 size;		/* regular files, -1 otherwise */
	char		 name[PATH_MAX];
	size_t		 namelen;	/* 0: none */
	const char	*domain;	/* sockets */
	const char	*socktype;
};

static void
sockdesc(struct fdinfo *f)
{
	socklen_t len;
	int v;

	len = sizeof(v);
	if (getsockopt(f->fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0)
		f->domain = v == AF_UNIX ? "unix" : v == AF_INET ? "inet" :
		    v == AF_INET6 ? "inet6" : v == AF_NETLINK ? "netlink" :
		    "other";
	len = sizeof(v);
	if (getsockopt(f->fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0)
		f->socktype = v == SOCK_STREAM ? "stream" :
		    v == SOCK_DGRAM ? "dgram" :
		    v == SOCK_SEQPACKET ? "seqpacket" : "other";
}

static void
describe(struct fdinfo *f, int fd, const char *fdname)
{
	char link[64];
	struct stat st;
	ssize_t n;
	int fl, q;

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->fdname = fdname;
	f->capacity = f->queued = f->size = -1;
	if (closedfd[fd] || fstat(fd, &st) == -1) {
		f->type = "closed";
		return;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		f->mode = (fl & O_ACCMODE) == O_RDONLY ? "r" :
		    (fl & O_ACCMODE) == O_WRONLY ? "w" : "rw";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, f->name, sizeof(f->name) - 1)) > 0)
		f->namelen = (size_t)n;
	f->name[f->namelen] = '\0';
	if (S_ISFIFO(st.st_mode)) {
		f->type = strncmp(f->name, "pipe:[", 6) == 0 ? "pipe" : "fifo";
		f->capacity = pipe_capacity(fd);
		if ((q = pipe_queued(fd)) >= 0)
			f->queued = q;
	} else if (S_ISREG(st.st_mode)) {
		f->type = "file";
		f->size = st.st_size;
	} else if (S_ISDIR(st.st_mode))
		f->type = "dir";
	else if (S_ISSOCK(st.st_mode)) {
		f->type = "socket";
		sockdesc(f);
		if (fd == 0 && ioctl(fd, FIONREAD, &q) == 0)
			f->queued = q;
		else if (fd == 1 && ioctl(fd, TIOCOUTQ, &q) == 0)
			f->queued = q;
	} else if (S_ISCHR(st.st_mode)) {
		f->type = isatty(fd) ? "tty" : "chardev";
		if (isatty(fd) && fd == 0 && ioctl(fd, FIONREAD, &q) == 0)
			f->queued = q;
	} else if (S_ISBLK(st.st_mode))
		f->type = "blockdev";
	else
		f->type = "unknown";
}

static void
num_or_dash(char *buf, size_t len, long long v)
{
	if (v < 0)
		strlcpy(buf, "-", len);
	else
		snprintf(buf, len, "%lld", v);
}

/* a number, or null when it does not apply (-1) */
static void
jw_numkey(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	if (v < 0)
		jw_null(w);
	else
		jw_int(w, v);
}

/* one JSON object; a name that is not UTF-8 is encoded as json.c says */
static void
info_json(const struct fdinfo *f, int n)
{
	struct jw w;
	int i;

	jw_init(&w, stdout);
	jw_obj(&w);
	for (i = 0; i < n; i++) {
		jw_key(&w, f[i].fdname);
		jw_obj(&w);
		jw_key(&w, "fd");
		jw_int(&w, f[i].fd);
		jw_key(&w, "type");
		jw_str(&w, f[i].type);
		jw_key(&w, "mode");
		jw_str(&w, f[i].mode);
		jw_numkey(&w, "capacity", f[i].capacity);
		jw_numkey(&w, "queued", f[i].queued);
		jw_numkey(&w, "size", f[i].size);
		jw_key(&w, "name");
		if (f[i].namelen > 0)
			jw_strn(&w, f[i].name, f[i].namelen);
		else
			jw_null(&w);
		jw_key(&w, "domain");
		jw_str(&w, f[i].domain);
		jw_key(&w, "socktype");
		jw_str(&w, f[i].socktype);
		jw_end(&w, '}');
	}
	jw_end(&w, '}');
}

/* a table, one row per descriptor; names escaped for the terminal */
static void
info_text(const struct fdinfo *f, int n)
{
	static char name[PATH_MAX * 4 + 1];
	char cap[24], q[24], sz[24], type[48];
	int i;

	printf("%-6s %-18s %-4s %9s %9s %12s  %s\n", "FD", "TYPE", "MODE",
	    "CAPACITY", "QUEUED", "SIZE", "NAME");
	for (i = 0; i < n; i++) {
		num_or_dash(cap, sizeof(cap), f[i].capacity);
		num_or_dash(q, sizeof(q), f[i].queued);
		num_or_dash(sz, sizeof(sz), f[i].size);
		if (f[i].domain != NULL)
			snprintf(type, sizeof(type), "%s/%s/%s", f[i].type,
			    f[i].domain, f[i].socktype != NULL ?
			    f[i].socktype : "?");
		else
			strlcpy(type, f[i].type, sizeof(type));
		if (f[i].namelen > 0)
			fmt_vis(name, sizeof(name), f[i].name, f[i].namelen);
		else
			strlcpy(name, "-", sizeof(name));
		printf("%-6s %-18s %-4s %9s %9s %12s  %s\n", f[i].fdname, type,
		    f[i].mode != NULL ? f[i].mode : "-", cap, q, sz, name);
	}
}

static int
cmd_info(int argc, char *argv[])
{
	static struct fdinfo f[2];	/* PATH_MAX names: not on the stack */

	opt_begin(argc, argv, OPT_JSON, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);

	describe(&f[0], 0, "stdin");
	describe(&f[1], 1, "stdout");
	if (opt.json)
		info_json(f, 2);
	else
		info_text(f, 2);
	return 0;
}

/* ---- main -------------------------------------------------------------- */

#define CAT_OPTS \
	"      --pipe-size SIZE  set the capacity of the adjacent pipes " \
	    "(default: raise\n" \
	"                        them to 1M where allowed)\n" \
	"      --progress[=force]  a live progress line on stderr (on a " \
	    "terminal only,\n" \
	"                        unless =force)\n" \
	"      --bar             add a bar to the progress line\n" \
	"      --name NAME       start the progress line (and --stats) " \
	    "with NAME:\n" \
	"      --numeric         one integer per update on stderr: " \
	    "percent, or bytes\n" \
	"      --expect SIZE     the size of the input, for percent and " \
	    "ETA (default: the\n" \
	"                        size of a regular file on stdin)\n" \
	"      --interval DUR    meter updates (default 1s, 1ms to 1d)\n" \
	"  -l, --line-mode       count lines, not bytes (the meter, " \
	    "--expect)\n" \
	"      --stats           one summary line on stderr at the end\n" \
	"      --rate-limit RATE  at most RATE bytes a second (K, M, G)\n"

static const struct verb verbs[] = {
	{ "cat", cmd_cat,
	    "[--pipe-size SIZE] [--progress[=force]] [--bar] [--name NAME] "
	    "[--numeric] [--expect SIZE] [--interval DUR] [-l | --line-mode] "
	    "[--stats] [--rate-limit RATE] [-q | --quiet] [-v | --verbose]",
	    "copy stdin to stdout, with splice(2) where the kernel allows",
	    CAT_OPTS },
	{ "tee", cmd_tee, "[-q | --quiet] [-v | --verbose] CMD...",
	    "copy stdin to each CMD (run by /bin/sh -c) and to stdout",
	    "  (-q: do not copy stdin to stdout)\n" },
	{ "merge", cmd_merge, "[-0 | --null] [--tag] [-v | --verbose] CMD...",
	    "run the CMDs at once, their output to stdout, no line split",
	    "      --tag             start each line with its CMD's index " \
	    "and a colon\n" },
	{ "info", cmd_info, "[--json]",
	    "describe stdin and stdout: type, pipe capacity, bytes queued",
	    NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	int fd;

	/* before verb_main parks /dev/null on them: info reports "closed" */
	for (fd = 0; fd <= 1; fd++)
		closedfd[fd] = fcntl(fd, F_GETFD) == -1 && errno == EBADF;
	return verb_main(argc, argv, verbs,
	    "anonymous pipes and child commands");
}
