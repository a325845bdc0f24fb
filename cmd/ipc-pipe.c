/*
 * ipc-pipe - anonymous pipes and child commands.
 *
 *   cat	stdin to stdout with splice(2), a meter, a rate limit
 *   tee	stdin to each CMD (tee(2), zero-copy) and to stdout
 *   merge	the output lines of several CMDs, never split, to stdout
 *   info	what fd 0 and fd 1 are
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

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

/* set by handlers: the meter's timer, a CMD that exited */
static volatile sig_atomic_t ticked, pipe_gotchld;

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
 * the kernel refuses, say why (naming the limit and its value) and go on
 * with the capacity the pipe has, as nice(1) runs its command anyway.
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
 * Waiting without losing a wake-up.  The data calls on pipes do not block
 * (SPLICE_F_NONBLOCK, which leaves the shared file's O_NONBLOCK alone);
 * every wait is a ppoll(2) entered with the signals that matter blocked
 * and the flags checked, and unblocked atomically by ppoll, so a signal
 * that lands just before the wait still ends it.  Callers loop back to
 * where the flags are acted on.
 */
static void
ewait_io(struct pollfd *p, nfds_t n)
{
	sigset_t wake, old;

	sigemptyset(&wake);
	sigaddset(&wake, SIGINT);
	sigaddset(&wake, SIGTERM);
	sigaddset(&wake, SIGHUP);
	sigaddset(&wake, SIGALRM);
	sigaddset(&wake, SIGCHLD);
	sigprocmask(SIG_BLOCK, &wake, &old);
	if (!gotsig && !ticked && !pipe_gotchld &&
	    ppoll(p, n, NULL, &old) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "ppoll");
	sigprocmask(SIG_SETMASK, &old, NULL);
	echecksig();
}

static void
ewait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	ewait_io(&p, 1);
}

/* a non-blocking splice or tee said EAGAIN: wait for the end holding it up */
static void
ewait_pair(int in, int out)
{
	struct pollfd p[2] = {
		{ .fd = in, .events = POLLIN },
		{ .fd = out, .events = POLLOUT },
	};

	if (poll(p, 2, 0) == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "poll");
	if (p[0].revents == 0)
		ewait_fd(in, POLLIN);
	else if (p[1].revents == 0)
		ewait_fd(out, POLLOUT);
	/* else both are ready (or in error): the caller retries */
}

/* ---- cat: the meter ---------------------------------------------------- */

static void
ontick(int sig)
{
	(void)sig;
	ticked = 1;
}

struct meter {
	int		 line;		/* draw the live line on stderr */
	int		 numeric;	/* integers, one per line, instead */
	uint64_t	 expect;	/* --expect, 0 unknown */
	long long	 interval;	/* ms */
	double		 t0, tlast;
	uint64_t	 blast;
	size_t		 drawn;		/* columns of the line on screen */
	int		 pending;	/* a line without its newline */
};

static struct meter meter;

static const char *
hms(char *buf, size_t len, double sec)
{
	unsigned long long s = sec > 0 ? (unsigned long long)sec : 0;

	snprintf(buf, len, "%llu:%02llu:%02llu", s / 3600, s / 60 % 60,
	    s % 60);
	return buf;
}

static unsigned
percent(uint64_t bytes, uint64_t expect)
{
	double p = (double)bytes * 100.0 / (double)expect;

	return p >= 100.0 ? 100 : (unsigned)p;
}

static void
meter_update(uint64_t bytes, int final)
{
	struct meter *m = &meter;
	char line[256], sz[32], rt[32], el[32], eta[32];
	double now, dt, rate;
	size_t n;
	int r;

	now = mono_sec();
	if (final) {
		dt = now - m->t0;
		rate = (double)bytes / (dt > 1e-6 ? dt : 1e-6);
	} else {
		dt = now - m->tlast;
		rate = (double)(bytes - m->blast) / (dt > 1e-6 ? dt : 1e-6);
		m->tlast = now;
		m->blast = bytes;
	}
	if (m->numeric) {
		if (m->expect != 0)
			r = snprintf(line, sizeof(line), "%u\n",
			    percent(bytes, m->expect));
		else
			r = snprintf(line, sizeof(line), "%llu\n",
			    (unsigned long long)bytes);
		(void)writeall(2, line, (size_t)r);
		return;
	}
	if (!m->line)
		return;
	fmt_size(sz, sizeof(sz), bytes);
	fmt_size(rt, sizeof(rt), (uint64_t)rate);
	hms(el, sizeof(el), now - m->t0);
	r = snprintf(line, sizeof(line), "\r%s %s [%s/s]", sz, el, rt);
	n = r > 0 ? (size_t)r : 0;
	if (m->expect != 0 && n < sizeof(line)) {
		double avg = (double)bytes / (now - m->t0 > 1e-6 ?
		    now - m->t0 : 1e-6);

		if (bytes >= m->expect)
			hms(eta, sizeof(eta), 0);
		else if (avg < 1)
			strlcpy(eta, "-:--:--", sizeof(eta));
		else
			hms(eta, sizeof(eta),
			    (double)(m->expect - bytes) / avg);
		r = snprintf(line + n, sizeof(line) - n, " %3u%% ETA %s",
		    percent(bytes, m->expect), eta);
		n += r > 0 ? (size_t)r : 0;
	}
	if (n > sizeof(line) - 1)
		n = sizeof(line) - 1;
	/* blank out what is left of a longer previous line */
	while (n - 1 < m->drawn && n < sizeof(line) - 2)
		line[n++] = ' ';
	m->drawn = n - 1;
	if (final)
		line[n++] = '\n';
	m->pending = !final;
	(void)writeall(2, line, n);
}

/* the registry runs this however we end: leave the cursor on a new line */
static void
meter_end(void *arg)
{
	(void)arg;
	if (meter.pending) {
		meter.pending = 0;
		(void)write(2, "\n", 1);
	}
}

static void
emeter_start(void)
{
	struct sigaction sa;
	struct itimerval it;

	meter.t0 = meter.tlast = mono_sec();
	cleanup_add(meter_end, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ontick;		/* no SA_RESTART: blocked I/O returns */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) == -1)
		eerr(EXIT_FAIL, "sigaction");
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_sec = meter.interval / 1000;
	it.it_interval.tv_usec = (meter.interval % 1000) * 1000;
	it.it_value = it.it_interval;
	if (setitimer(ITIMER_REAL, &it, NULL) == -1)
		eerr(EXIT_FAIL, "setitimer");
	if (meter.line && !meter.numeric)
		meter_update(0, 0);
}

static void
meter_stop(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- cat --------------------------------------------------------------- */

struct cat {
	uint64_t	 pipesize;	/* --pipe-size, 0 default */
	uint64_t	 rate;		/* --rate-limit, bytes/s, 0 none */
	int		 stats;
};

/* with --rate-limit: sleep until the bytes so far are due; 0 when due */
static int
rate_wait(const struct cat *c, double t0, uint64_t bytes)
{
	struct timespec ts;
	double due = t0 + (double)bytes / (double)c->rate;

	if (mono_sec() >= due)
		return 0;
	ts.tv_sec = (time_t)due;
	ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	/* a tick or a signal cuts the sleep short: the caller loops */
	(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return 1;
}

static void
ecat_copy(const struct cat *c, uint64_t *bytesp)
{
	uint64_t bytes = 0;
	size_t want, rchunk = 0, pend = 0, off = 0;
	char *buf = NULL;
	int usesplice = 1;
	double t0 = mono_sec();
	ssize_t r;

	if (c->rate != 0) {
		/* about ten bursts a second, and at least one byte */
		rchunk = c->rate / 10 > CHUNK ? CHUNK : (size_t)(c->rate / 10);
		if (rchunk == 0)
			rchunk = 1;
	}
	for (;;) {
		if (gotsig)
			echecksig();
		if (ticked) {
			ticked = 0;
			meter_update(bytes, 0);
		}
		if (pend > 0) {
			/* the read/write fallback: finish what was read */
			ewait_fd(1, POLLOUT);
			r = write(1, buf + off, pend);
			if (r > 0) {
				off += (size_t)r;
				pend -= (size_t)r;
				bytes += (uint64_t)r;
			} else if (errno == EAGAIN)
				continue;
			else if (errno == EPIPE)
				eepipe();
			else if (errno != EINTR)
				eerr(EXIT_FAIL, "write stdout");
			continue;
		}
		want = CHUNK;
		if (c->rate != 0) {
			if (rate_wait(c, t0, bytes))
				continue;
			want = rchunk;
		}
		if (usesplice) {
			r = splice(0, NULL, 1, NULL, want,
			    SPLICE_F_MOVE | SPLICE_F_MORE | SPLICE_F_NONBLOCK);
			if (r > 0) {
				bytes += (uint64_t)r;
				continue;
			}
			if (r == 0)
				break;
			switch (errno) {
			case EINTR:
				continue;
			case EAGAIN:
				ewait_pair(0, 1);
				continue;
			case EPIPE:
				eepipe();
				break;
			case EINVAL:
			case ENOSYS:
			case EBADF:
				/* neither end a pipe, O_APPEND, a bad fd:
				 * read/write says which end and why */
				iverbose("splice(2) refused (%s): "
				    "copying with read(2)/write(2)",
				    strerror(errno));
				usesplice = 0;
				continue;
			default:
				eerr(EXIT_FAIL, "splice stdin to stdout");
			}
		}
		if (buf == NULL && (buf = malloc(BUFSZ)) == NULL)
			eerr(EXIT_FAIL, "malloc");
		ewait_fd(0, POLLIN);
		if (gotsig || ticked)
			continue;
		r = read(0, buf, want < BUFSZ ? want : BUFSZ);
		if (r > 0) {
			pend = (size_t)r;
			off = 0;
		} else if (r == 0)
			break;
		else if (errno != EINTR && errno != EAGAIN)
			eerr(EXIT_FAIL, "read stdin");
	}
	free(buf);
	*bytesp = bytes;
	iverbose("%llu bytes copied with %s", (unsigned long long)bytes,
	    usesplice ? "splice(2)" : "read(2)/write(2)");
}

static int
cmd_cat(int argc, char *argv[])
{
	enum { P_SIZE = 256, P_PROG, P_NUM, P_EXPECT, P_INT, P_STATS, P_RATE };
	static const struct option lo[] = {
		{ "pipe-size",	required_argument, NULL, P_SIZE },
		{ "progress",	optional_argument, NULL, P_PROG },
		{ "numeric",	no_argument,	   NULL, P_NUM },
		{ "expect",	required_argument, NULL, P_EXPECT },
		{ "interval",	required_argument, NULL, P_INT },
		{ "stats",	no_argument,	   NULL, P_STATS },
		{ "rate-limit",	required_argument, NULL, P_RATE },
		{ NULL, 0, NULL, 0 },
	};
	struct cat c;
	uint64_t bytes;
	double t0, dt;
	int ch, progress = 0;

	memset(&c, 0, sizeof(c));
	meter.interval = 1000;
	opt_begin(argc, argv, 0, lo);
	while ((ch = opt_next()) != -1)
		switch (ch) {
		case P_SIZE:
			c.pipesize = esize("pipe size", optarg, 1, INT_MAX);
			break;
		case P_PROG:
			if (optarg == NULL)
				progress = 1;
			else if (strcmp(optarg, "force") == 0)
				progress = 2;
			else
				eusage("bad --progress '%.64s' (only "
				    "--progress=force)", optarg);
			break;
		case P_NUM:
			meter.numeric = 1;
			break;
		case P_EXPECT:
			meter.expect = esize("expected size", optarg, 1,
			    UINT64_MAX);
			break;
		case P_INT:
			meter.interval = edur("interval", optarg);
			if (meter.interval < 1 || meter.interval > 86400000)
				eusage("interval '%.64s' is out of range",
				    optarg);
			break;
		case P_STATS:
			c.stats = 1;
			break;
		case P_RATE:
			c.rate = esize("rate", optarg, 1, UINT64_MAX);
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);

	size_pipes(c.pipesize);
	meter.line = progress == 2 || (progress == 1 && isatty(2));
	t0 = mono_sec();
	if (meter.line || meter.numeric)
		emeter_start();
	ecat_copy(&c, &bytes);
	dt = mono_sec() - t0;
	if (meter.line || meter.numeric) {
		meter_stop();
		meter_update(bytes, 1);
	}
	if (c.stats) {
		char rt[32];

		fmt_size(rt, sizeof(rt),
		    (uint64_t)((double)bytes / (dt > 1e-6 ? dt : 1e-6)));
		iwarnx("%llu bytes in %.3f s, %s/s", (unsigned long long)bytes,
		    dt, rt);
	}
	return 0;
}

/* ---- child commands (tee and merge) ------------------------------------ */

struct child {
	const char	*cmd;
	pid_t		 pid;
	int		 fd;		/* our end of its pipe, -1 when done */
	int		 status;
	/* tee */
	size_t		 ahead;		/* bytes it has beyond what stdin gave up */
	/* merge */
	char		*buf;
	size_t		 len;
	int		 midline;	/* its last output ended mid-line */
};

/* the CMDs of this run, for reaping as they exit */
static struct child *kids;
static int nkids;

static void
onchld(int sig)
{
	(void)sig;
	pipe_gotchld = 1;
}

/*
 * Reap the CMDs that have exited, so that none lingers as a zombie while
 * the others still run; called from the loops after SIGCHLD (no
 * SA_RESTART, so it also wakes a blocked call).  pid 0 marks reaped.
 */
static void
reap_exited(void)
{
	int i, st;

	if (!pipe_gotchld)
		return;
	pipe_gotchld = 0;
	for (i = 0; i < nkids; i++)
		if (kids[i].pid > 0 &&
		    waitpid(kids[i].pid, &st, WNOHANG) == kids[i].pid) {
			kids[i].status = exit_status(st);
			kids[i].pid = 0;
		}
}

static void
catch_chld(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		eerr(EXIT_FAIL, "sigaction");
}

/*
 * One pipe per CMD, all made before the first fork and close-on-exec, so
 * no CMD holds another's pipe open (which would hide EOF from it).  With
 * reads, each CMD reads its pipe as stdin (tee); else it writes its stdout
 * into it (merge).  We keep the other end in ch[i].fd.
 */
static struct child *
espawn_all(int n, char *cmds[], int reads)
{
	struct child *ch;
	int i, p[2], *theirs;

	ch = ecalloc((size_t)n, sizeof(*ch));
	theirs = ecalloc((size_t)n, sizeof(*theirs));
	kids = ch;
	nkids = n;
	catch_chld();
	for (i = 0; i < n; i++) {
		if (pipe2(p, O_CLOEXEC) == -1)
			eerr(EXIT_FAIL, "pipe for CMD %d", i + 1);
		ch[i].cmd = cmds[i];
		ch[i].fd = reads ? p[1] : p[0];
		theirs[i] = reads ? p[0] : p[1];
		if (reads)
			pipe_grow(theirs[i]);
	}
	for (i = 0; i < n; i++) {
		if (reads)
			ch[i].pid = spawn_sh(ch[i].cmd, theirs[i], -1, -1);
		else
			ch[i].pid = spawn_sh(ch[i].cmd, -1, theirs[i], -1);
		if (ch[i].pid == -1)
			eerr(EXIT_FAIL, "fork for CMD %d", i + 1);
		close(theirs[i]);
	}
	free(theirs);
	return ch;
}

/* reap every CMD; the first non-zero status in argument order, or 0 */
static int
ereap_all(struct child *ch, int n)
{
	int i, st = 0;

	for (i = 0; i < n; i++) {
		if (ch[i].fd != -1) {
			close(ch[i].fd);
			ch[i].fd = -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (ch[i].pid > 0)
			ch[i].status = ewaitpid(ch[i].pid);
		ch[i].pid = 0;
		if (ch[i].status != 0) {
			iverbose("CMD %d (%.64s) exited with status %d", i + 1,
			    ch[i].cmd, ch[i].status);
			if (st == 0)
				st = ch[i].status;
		}
	}
	return st;
}

/* ---- tee --------------------------------------------------------------- */

struct tee {
	struct child	*ch;
	int		 n;
	int		 sink;		/* 1, or /dev/null with -q or stdout gone */
	int		 devnull;
	int		 outgone;	/* stdout closed under us */
	char		*buf;
};

static int
tee_live(const struct tee *t)
{
	int i, k = 0;

	for (i = 0; i < t->n; i++)
		k += t->ch[i].fd != -1;
	return k;
}

static void
tee_drop(struct tee *t, int i)
{
	if (errno != EPIPE)
		iwarn("CMD %d (%.64s)", i + 1, t->ch[i].cmd);
	close(t->ch[i].fd);
	t->ch[i].fd = -1;
}

static void
stdout_gone(struct tee *t)
{
	t->outgone = 1;
	t->sink = t->devnull;
}

/* dup up to len bytes of stdin into child i's pipe; 0 at EOF, -1 gone */
static ssize_t
tee_one(struct tee *t, int i, size_t len)
{
	ssize_t r;

	for (;;) {
		r = tee(0, t->ch[i].fd, len, SPLICE_F_NONBLOCK);
		if (r >= 0)
			return r;
		if (errno == EINTR || errno == EAGAIN) {
			if (errno == EAGAIN)
				ewait_pair(0, t->ch[i].fd);
			echecksig();
			reap_exited();
		} else {
			tee_drop(t, i);
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
		if (errno == EINTR) {
			echecksig();
			reap_exited();
			continue;
		}
		if (errno == EAGAIN) {
			ewait_pair(0, t->sink);
			reap_exited();
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
		if (r <= 0)
			eerr(EXIT_FAIL, "read stdin");
		if (writeall(t->sink, t->buf, (size_t)r) == -1) {
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
		if (gotsig)
			echecksig();
		reap_exited();
		if (tee_live(t) == 0) {
			if (t->outgone || t->sink == t->devnull)
				return;		/* nobody left to feed */
			if (etee_consume(t, CHUNK, 1) == 0)
				return;
			continue;
		}
		lead = 0;
		for (i = 0; i < t->n; i++)
			if (t->ch[i].fd != -1 && t->ch[i].ahead > lead)
				lead = t->ch[i].ahead;
		for (i = 0; i < t->n; i++) {
			if (t->ch[i].fd == -1 || t->ch[i].ahead != 0)
				continue;
			r = tee_one(t, i, lead != 0 ? lead : CHUNK);
			if (r == 0 && lead == 0)
				return;		/* EOF, and nobody is ahead */
			if (r == 0)
				eerrx(EXIT_FAIL, "stdin lost data under us");
			if (r < 0)
				continue;
			t->ch[i].ahead = (size_t)r;
			if (lead == 0)
				lead = (size_t)r;
		}
		min = 0;
		for (i = 0; i < t->n; i++)
			if (t->ch[i].fd != -1 &&
			    (min == 0 || t->ch[i].ahead < min))
				min = t->ch[i].ahead;
		if (min == 0)
			continue;		/* the CMDs that had it are gone */
		etee_consume(t, min, 0);
		for (i = 0; i < t->n; i++)
			if (t->ch[i].fd != -1)
				t->ch[i].ahead -= min;
	}
}

/* stdin is not a pipe: read once, write to every CMD and to stdout */
static void
etee_copy(struct tee *t)
{
	ssize_t r;
	int i;

	for (;;) {
		reap_exited();
		if (tee_live(t) == 0 && (t->outgone || t->sink == t->devnull))
			return;
		if ((r = readsome(0, t->buf, BUFSZ)) == 0)
			return;
		if (r < 0)
			eerr(EXIT_FAIL, "read stdin");
		for (i = 0; i < t->n; i++)
			if (t->ch[i].fd != -1 &&
			    writeall(t->ch[i].fd, t->buf, (size_t)r) == -1)
				tee_drop(t, i);
		if (t->sink == 1 && writeall(1, t->buf, (size_t)r) == -1) {
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
	t.n = argc;
	size_pipes(0);
	t.ch = espawn_all(argc, argv, 1);
	if (isfifo(0)) {
		iverbose("stdin is a pipe: tee(2), zero-copy");
		etee_zerocopy(&t);
	} else {
		iverbose("stdin is not a pipe: read(2)/write(2)");
		etee_copy(&t);
	}
	st = ereap_all(t.ch, t.n);
	free(t.ch);
	free(t.buf);
	close(t.devnull);
	if (st == 0 && t.outgone)
		st = EXIT_EPIPE;
	return st;
}

/* ---- merge ------------------------------------------------------------- */

struct merge {
	struct child	*ch;
	int		 n;
	int		 sep;
	int		 tag;
	int		 owner;		/* CMD in mid-line on stdout, or -1 */
	struct recout	 out;
};

static void
eput(struct merge *m, const void *p, size_t len, int sep)
{
	if (recout_put(&m->out, p, len, sep) == -1) {
		if (errno == EPIPE)
			eepipe();
		eerr(EXIT_FAIL, "write stdout");
	}
}

/* emit len bytes of child i's output that end where a line ends (or not) */
static void
merge_emit(struct merge *m, int i, const char *p, size_t len, int complete)
{
	struct child *c = &m->ch[i];
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

/* read what child i has; give out its complete lines */
static void
merge_read(struct merge *m, int i)
{
	struct child *c = &m->ch[i];
	const char *last;
	size_t done;
	ssize_t r;

	r = read(c->fd, c->buf + c->len, MERGEBUF - c->len);
	if (r < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			echecksig();
			return;
		}
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

static int
cmd_merge(int argc, char *argv[])
{
	enum { M_TAG = 256 };
	static const struct option lo[] = {
		{ "tag",	no_argument,	NULL, M_TAG },
		{ NULL, 0, NULL, 0 },
	};
	struct merge m;
	struct pollfd *pf;
	int c, i, k, nopen;

	memset(&m, 0, sizeof(m));
	opt_begin(argc, argv, OPT_NULL, lo);
	while ((c = opt_next()) != -1)
		if (c == M_TAG)
			m.tag = 1;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);

	m.n = argc;
	m.sep = opt.sep;
	m.owner = -1;
	recout_init(&m.out, 1, 64 * 1024);
	pf = ecalloc((size_t)argc, sizeof(*pf));
	m.ch = espawn_all(argc, argv, 0);
	for (i = 0; i < m.n; i++)
		if ((m.ch[i].buf = malloc(MERGEBUF)) == NULL)
			eerr(EXIT_FAIL, "malloc");
	for (;;) {
		reap_exited();
		nopen = 0;
		for (i = k = 0; i < m.n; i++) {
			if (m.ch[i].fd == -1)
				continue;
			nopen++;
			if (m.owner != -1 && m.owner != i)
				continue;
			pf[k].fd = m.ch[i].fd;
			pf[k].events = POLLIN;
			pf[k].revents = 0;
			k++;
		}
		if (nopen == 0)
			break;
		/* before we may block: what is complete goes out */
		if (recout_flush(&m.out) == -1) {
			if (errno == EPIPE)
				eepipe();
			eerr(EXIT_FAIL, "write stdout");
		}
		ewait_io(pf, (nfds_t)k);
		for (i = k = 0; i < m.n; i++) {
			if (m.ch[i].fd == -1 ||
			    (m.owner != -1 && m.owner != i))
				continue;
			if (pf[k++].revents != 0)
				merge_read(&m, i);
		}
	}
	if (recout_flush(&m.out) == -1) {
		if (errno == EPIPE)
			eepipe();
		eerr(EXIT_FAIL, "write stdout");
	}
	c = ereap_all(m.ch, m.n);
	for (i = 0; i < m.n; i++)
		free(m.ch[i].buf);
	free(m.ch);
	free(pf);
	recout_free(&m.out);
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
		f->name[n] = '\0';
	else
		f->name[0] = '\0';
	/* a path may hold anything: keep the table row on one line */
	for (char *p = f->name; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = '?';
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

static void
pipe_json_str(const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
json_num(long long v)
{
	if (v < 0)
		fputs("null", stdout);
	else
		printf("%lld", v);
}

static void
info_json(const struct fdinfo *f, int n)
{
	int i;

	putchar('{');
	for (i = 0; i < n; i++) {
		printf("%s\"%s\":{\"fd\":%d,\"type\":", i ? "," : "",
		    f[i].fdname, f[i].fd);
		pipe_json_str(f[i].type);
		fputs(",\"mode\":", stdout);
		pipe_json_str(f[i].mode);
		fputs(",\"capacity\":", stdout);
		json_num(f[i].capacity);
		fputs(",\"queued\":", stdout);
		json_num(f[i].queued);
		fputs(",\"size\":", stdout);
		json_num(f[i].size);
		fputs(",\"name\":", stdout);
		pipe_json_str(f[i].name[0] != '\0' ? f[i].name : NULL);
		fputs(",\"domain\":", stdout);
		pipe_json_str(f[i].domain);
		fputs(",\"socktype\":", stdout);
		pipe_json_str(f[i].socktype);
		putchar('}');
	}
	fputs("}\n", stdout);
}

static void
info_text(const struct fdinfo *f, int n)
{
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
		printf("%-6s %-18s %-4s %9s %9s %12s  %s\n", f[i].fdname, type,
		    f[i].mode != NULL ? f[i].mode : "-", cap, q, sz,
		    f[i].name[0] != '\0' ? f[i].name : "-");
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

static const struct verb verbs[] = {
	{ "cat", cmd_cat,
	    "[--pipe-size SIZE] [--progress[=force]] [--numeric] "
	    "[--expect SIZE] [--interval DUR] [--stats] [--rate-limit RATE] "
	    "[-q | --quiet] [-v | --verbose]",
	    "copy stdin to stdout, with splice(2) where the kernel allows" },
	{ "tee", cmd_tee, "[-q | --quiet] [-v | --verbose] CMD...",
	    "copy stdin to each CMD (run by /bin/sh -c) and to stdout" },
	{ "merge", cmd_merge, "[-0 | --null] [--tag] [-v | --verbose] CMD...",
	    "run the CMDs at once, their output to stdout, no line split" },
	{ "info", cmd_info, "[--json]",
	    "describe stdin and stdout: type, pipe capacity, bytes queued" },
	{ NULL, NULL, NULL, NULL },
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
