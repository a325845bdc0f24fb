/*
 * ipc-sig - signals as events for scripts, and a lossless stream of
 * integers over queued real-time signals.
 *
 * send: one pidfd per target (pidfd_open(2)), the signal sent through it
 * (pidfd_send_signal(2)), so that a PID recycled after we looked it up is
 * never hit; --value queues an integer with it, with si_code SI_QUEUE and
 * our pid and uid, as sigqueue(3) fills them (rt_sigqueueinfo(2) lets a
 * process send SI_QUEUE to another).  Where the kernel has no pidfd
 * (ENOSYS) the pid itself is used.  PIDs 0 and below never reach kill(2).
 *
 * wait, recv: the signals are blocked and read from a signalfd
 * (sig_deliver) before the pid file is published, so a sender that reads
 * the pid file never finds the default action (death) still in place.
 *
 * The stream (send --stdin, recv).  Data: each integer, or 4 bytes with
 * --bytes, is one SIG with si_code SI_QUEUE and the value in si_int.
 * Control: the companion signal CTL, SIG + 1 (SIGRTMAX - 1 for SIGRTMAX),
 * also queued.  From the sender, in this order:
 *   START  bit 0: --bytes; bits 1-31: the sender's start time (field 22
 *          of /proc/PID/stat, low 31 bits; 0: unknown)
 *   FIN    bit 0: the sender stopped early (bad input, a signal);
 *          bits 1-3: bytes of the last word that are data (--bytes)
 *   END    the number of data signals sent, modulo 2^32
 * and from the receiver: ACK, the number of data signals taken, modulo
 * 2^32.  Every 32-bit value is data since control has its own signal.
 * Signals of one number queue in order (signal(7)), but a lower number is
 * delivered first: END carries the count, and recv ends once it has taken
 * that many, whatever the order they were read in.
 *
 * Pacing.  The sender keeps at most a window of data signals not yet
 * acknowledged: half the receiver's RLIMIT_SIGPENDING, at most WINDOW_MAX,
 * so a stream never takes all of its user's pending-signal allowance,
 * which the user's other processes need too.  recv acknowledges when it
 * has emptied its queue with a quarter window unacknowledged, and when it
 * has been idle IDLEACK_MS with anything unacknowledged; never in the
 * middle of a drain, so a sender that fills its window stops while recv
 * catches up.  A busy stream makes recv nap NAP_MS between drains rather
 * than be woken per signal: both sides take the lock of recv's signal
 * queue for every signal, and fighting for it, and the sender paying a
 * wake-up per signal, cost more than the signals themselves.  An EAGAIN
 * all the same (other processes took the allowance) makes the sender wait
 * for an ACK or 1, 2, 4 ... 64 ms, and try again.  The last ACK comes once
 * recv has written everything out, so
 * send's status 0 means delivered.  Each side holds a pidfd of the other
 * and sees it exit; what a sender queued before it died is still taken.
 * recv pairs with the first process that queues SIG or CTL to it; plain
 * kill(2)s and other processes' signals are ignored (reported with -v).
 * It acknowledges only a sender whose START matches the process behind
 * its pidfd, so an ACK never reaches a process that took a recycled PID.
 */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

#define PID_LIMIT	(4 << 20)	/* PID_MAX_LIMIT: no pid is higher */
#define WINDOW_MAX	4096		/* data signals in flight, at most */
#define IDLEACK_MS	2		/* recv acknowledges when idle this long */
#define BACKOFF_MAX_MS	64		/* EAGAIN: longest wait before a retry */
#define INBUF		(256 * 1024)	/* send --stdin reads this much at once */
#define OUTBUF		(64 * 1024)	/* recv writes this much at once */
#define BATCH		64		/* signals taken per read of a signalfd */
#define HOT_BURST	64		/* recv: so many at once is a busy stream */
#define NAP_MS		1		/* ... and recv naps that long between */
#define LINESHOW	64		/* bytes of a bad line in a message */

enum {
	O_VALUE = 256, O_PIDFILE, O_STDIN, O_BYTES, O_EXEC, O_FOLLOW, O_TID,
};

/* the stream's control messages from the sender, in their order */
#define CTL_START	0
#define CTL_FIN		1
#define CTL_END		2

/* ---- processes: PIDs, pidfds, pid files -------------------------------- */

struct peer {
	pid_t		 pid;
	int		 fd;		/* pidfd, -1 where the kernel has none */
};

/*
 * A PID: decimal without leading zeros, 1 to PID_LIMIT, nothing else.
 * -1 with errno EINVAL (not such a number), ERANGE (0, negative, too
 * large).
 */
static int
parse_pid(const char *s, pid_t *out)
{
	long long v = 0;
	const char *p = s;

	if (*p == '-' && isdigit((unsigned char)p[1])) {
		errno = ERANGE;
		return -1;
	}
	if (*p == '\0' || (*p == '0' && p[strspn(p, "0")] != '\0')) {
		errno = EINVAL;		/* "", "007": octal or decimal? */
		return -1;
	}
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p)) {
			errno = EINVAL;
			return -1;
		}
		if (v <= PID_LIMIT)
			v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > PID_LIMIT) {
		errno = ERANGE;
		return -1;
	}
	*out = (pid_t)v;
	return 0;
}

/* a PID operand, or a usage error that says why it is refused */
static pid_t
epid(const char *what, const char *s)
{
	pid_t pid;

	if (parse_pid(s, &pid) == 0)
		return pid;
	if (*s == '\0')
		eusage("empty %s", what);
	if (strcmp(s, "0") == 0 || strspn(s, "0") == strlen(s))
		eusage("%s 0 would signal the whole process group: refused",
		    what);
	if (strcmp(s, "-1") == 0)
		eusage("%s -1 would signal every process: refused", what);
	if (*s == '-' && errno == ERANGE)
		eusage("%s '%.64s' is negative, a process group: refused",
		    what, s);
	if (errno == ERANGE)
		eusage("%s '%.64s' is out of range (1 to %d)", what, s,
		    PID_LIMIT);
	eusage("bad %s '%.64s'", what, s);
}

static int
sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int
sys_pidfd_send(int fd, int sig, siginfo_t *si)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, si, 0);
}

/* a pidfd for pid; 0, or -1 with errno (ESRCH: gone) */
static int
peer_open(struct peer *p, pid_t pid)
{
	p->pid = pid;
	p->fd = sys_pidfd_open(pid);
	if (p->fd >= 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	/* no pidfds on this kernel: the pid, if it exists now */
	if (kill(pid, 0) == -1 && errno == ESRCH)
		return -1;
	return 0;
}

static void
peer_close(struct peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* sig to the peer, with si (queued, SI_QUEUE) or without (as kill(2)) */
static int
peer_send(const struct peer *p, int sig, siginfo_t *si)
{
	if (p->fd >= 0)
		return sys_pidfd_send(p->fd, sig, si);
	if (si != NULL)
		return (int)syscall(SYS_rt_sigqueueinfo, p->pid, sig, si);
	return kill(p->pid, sig);
}

/* a queued signal's siginfo, as sigqueue(3) fills it */
static void
queued_info(siginfo_t *si, int sig, int value)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = SI_QUEUE;
	si->si_pid = getpid();
	si->si_uid = getuid();
	si->si_value.sival_int = value;
}

/* the process's RLIMIT_SIGPENDING (ulimit -i); -1 unknown */
static long long
sigpending_limit(pid_t pid)
{
	struct rlimit rl;

	if (prlimit(pid, RLIMIT_SIGPENDING, NULL, &rl) == -1 &&
	    (pid == 0 || getrlimit(RLIMIT_SIGPENDING, &rl) == -1))
		return -1;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LLONG_MAX)
		return LLONG_MAX;
	return (long long)rl.rlim_cur;
}

/* the stream's window for a receiver with that limit */
static uint64_t
window_for(long long limit)
{
	if (limit < 0 || limit / 2 > WINDOW_MAX)
		return WINDOW_MAX;
	return limit < 2 ? 1 : (uint64_t)(limit / 2);
}

/*
 * The start time of a process (field 22 of /proc/PID/stat, clock ticks
 * since boot): 0, or -1 when it cannot be read.  The name in field 2 may
 * hold blanks and parentheses: fields are counted after its last ')'.
 */
static int
proc_starttime(pid_t pid, unsigned long long *t)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* field 3 follows ") "; skip 19 fields to reach field 22 */
	for (p++, i = 0; i < 19 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || !isdigit((unsigned char)p[1]))
		return -1;
	*t = strtoull(p + 1, NULL, 10);
	return 0;
}

/*
 * The PID in a pid file: decimal, a newline or blanks after it at most.
 * -1 after a message (the caller's status is then 1).
 */
static int
read_pidfile(const char *path, pid_t *pid)
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	setoperand(path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		iwarn("cannot read the pid file");
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		iwarnx("not a pid file: a %s", ftype_name(st.st_mode));
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		iwarn("cannot read the pid file");
		return -1;
	}
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = '\0';
	if (n == 0) {
		iwarnx("the pid file is empty");
		return -1;
	}
	if (parse_pid(buf, pid) == -1) {
		iwarnx("the pid file does not hold a PID ('%.20s')", buf);
		return -1;
	}
	return 0;
}

/* our pid file: published whole, locked while we run, removed at exit */
static struct pidfile {
	const char	*path;
	char		 tmp[PATH_MAX];
	int		 fd;
	int		 published;
	dev_t		 dev;
	ino_t		 ino;
} pf;

static void
pidfile_cleanup(void *arg)
{
	struct pidfile *p = arg;

	if (p->published)
		(void)path_unlink_if(p->path, S_IFREG, p->dev, p->ino, NULL);
	else if (p->tmp[0] != '\0')
		(void)unlink(p->tmp);
	p->published = 0;
	p->tmp[0] = '\0';
}

/*
 * What is at the pid file's path already: 0 when it is a stale pid file
 * (a regular file holding a PID or nothing, locked by nobody, whose
 * process is gone) that we may replace; else -1 after saying why not.
 */
static int
pidfile_stale(const char *path)
{
	char buf[40];
	struct stat st;
	ssize_t n;
	pid_t pid = 0;
	int fd, e;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		e = errno;
		if (e == ENOENT)
			return 0;
		errno = e;
		if (e == ELOOP)
			iwarnx("is a symbolic link: not replaced");
		else
			iwarn("cannot open the file that is there");
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)sizeof(buf) - 1) {
		iwarnx("exists and is not a pid file: not replaced");
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n > 0 ? n : 0] = '\0';
	if (n < 0 || (n > 0 && parse_pid(buf, &pid) == -1)) {
		iwarnx("exists and is not a pid file: not replaced");
		close(fd);
		return -1;
	}
	/* a live owner holds a lock on it, as pidfile_open(3) does */
	if (flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK) {
		iwarnx("in use by process %d (it holds the lock)", (int)pid);
		close(fd);
		return -1;
	}
	close(fd);
	if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) {
		iwarnx("names process %d, which is running: not replaced "
		    "(remove the file if it is stale)", (int)pid);
		return -1;
	}
	iverbose("replacing a stale pid file%s", pid > 0 ? "" : " (empty)");
	return 0;
}

/*
 * Publish our PID at path: written to a temporary file in the same
 * directory, locked (flock, as pidfile_open(3) locks), then linked into
 * place, so a reader never sees it empty or half written.  A stale pid
 * file is replaced with rename(2); anything else is left alone (status 1).
 * The file is removed at exit, however the tool exits short of SIGKILL,
 * only if it is still ours.
 */
static void
epidfile_write(const char *path)
{
	const char *base = strrchr(path, '/');
	char line[32];
	struct stat st;
	int n, tries;

	setoperand(path);
	base = base == NULL ? path : base + 1;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		eusage("--pidfile '%.64s' is not a file name", path);
	if ((size_t)snprintf(pf.tmp, sizeof(pf.tmp), "%.*s.%s.XXXXXX",
	    (int)(base - path), path, base) >= sizeof(pf.tmp))
		eerrx(EXIT_FAIL, "pid file name too long");
	pf.path = path;
	if ((pf.fd = mkostemp(pf.tmp, O_CLOEXEC)) == -1) {
		pf.tmp[0] = '\0';
		eerr(EXIT_FAIL, "cannot create the pid file");
	}
	if (cleanup_add(pidfile_cleanup, &pf) == -1) {
		(void)unlink(pf.tmp);
		eerr(EXIT_FAIL, "cleanup_add");
	}
	n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (flock(pf.fd, LOCK_EX | LOCK_NB) == -1 ||
	    writeall(pf.fd, line, (size_t)n) == -1 || fstat(pf.fd, &st) == -1)
		eerr(EXIT_FAIL, "cannot write the pid file");
	pf.dev = st.st_dev;
	pf.ino = st.st_ino;
	for (tries = 0; tries < 3; tries++) {
		if (path_publish(pf.tmp, path) == 0)
			break;
		if (errno != EEXIST)
			eerr(EXIT_FAIL, "cannot create the pid file");
		if (pidfile_stale(path) == -1)
			exit(EXIT_FAIL);
		if (rename(pf.tmp, path) == 0)
			break;
		if (errno != ENOENT)
			eerr(EXIT_FAIL, "cannot replace the pid file");
	}
	if (tries == 3)
		eerrx(EXIT_FAIL, "cannot create the pid file: it keeps "
		    "changing");
	pf.tmp[0] = '\0';
	pf.published = 1;
	setoperand(NULL);
}

/* ---- signal information ------------------------------------------------ */

static const char *
code_name(int code, char *buf, size_t len)
{
	switch (code) {
	case SI_USER:
		return "SI_USER";
	case SI_KERNEL:
		return "SI_KERNEL";
	case SI_QUEUE:
		return "SI_QUEUE";
	case SI_TIMER:
		return "SI_TIMER";
	case SI_MESGQ:
		return "SI_MESGQ";
	case SI_ASYNCIO:
		return "SI_ASYNCIO";
	case SI_SIGIO:
		return "SI_SIGIO";
	case SI_TKILL:
		return "SI_TKILL";
	}
	snprintf(buf, len, "%d", code);
	return buf;
}

/* does a signal with this si_code carry a value? */
static int
has_value(int code)
{
	return code == SI_QUEUE || code == SI_TIMER || code == SI_MESGQ ||
	    code == SI_ASYNCIO;
}

/* ---- list -------------------------------------------------------------- */

static void
list_json(struct jw *w, int sig)
{
	char name[SIGNAME_MAX];

	jw_obj(w);
	jw_key(w, "number");
	jw_int(w, sig);
	jw_key(w, "name");
	jw_str(w, signame(sig, name, sizeof(name)));
	jw_end(w, '}');
}

static int
cmd_list(int argc, char *argv[])
{
	char name[SIGNAME_MAX];
	struct jw w;
	int i, sig, col = 0;

	opt_begin(argc, argv, OPT_JSON, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	jw_init(&w, stdout);
	if (opt.json)
		jw_arr(&w);
	if (argc == 0) {
		for (sig = 1; sig <= SIGRTMAX; sig++) {
			if (!signo_valid(sig))
				continue;
			if (opt.json) {
				list_json(&w, sig);
				continue;
			}
			printf("%2d) %s%c", sig, signame(sig, name, sizeof(name)),
			    ++col % 5 == 0 || sig == SIGRTMAX ? '\n' : '\t');
		}
	}
	/* as kill -l: a name gives its number, a number (or 128 + it) its name */
	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		long long n;

		if (parse_num(s, 129, 128 + SIGRTMAX, &n) == 0 &&
		    signo_valid((int)n - 128))
			sig = (int)n - 128;
		else
			sig = esignal(s);
		if (opt.json)
			list_json(&w, sig);
		else if (isdigit((unsigned char)*s))
			printf("%s\n", signame(sig, name, sizeof(name)) + 3);
		else
			printf("%d\n", sig);
	}
	if (opt.json)
		jw_end(&w, ']');
	return 0;
}

/* ---- send -------------------------------------------------------------- */

struct target {
	const char	*operand;	/* as given: a PID or a pid file */
	pid_t		 pid;		/* 0: read from the pid file */
	int		 pidfile;
};

static int estream_send(struct target *, int, int);

/* one signal to one target; 0, or 1 after a message */
static int
send1(struct target *t, int sig, int hasvalue, int value)
{
	char name[SIGNAME_MAX];
	struct peer p;
	siginfo_t si;
	long long lim;

	if (t->pidfile && read_pidfile(t->operand, &t->pid) == -1)
		return EXIT_FAIL;
	setoperand(t->operand);
	if (peer_open(&p, t->pid) == -1) {
		if (errno == ESRCH)
			iwarnx("no such process%s", t->pidfile ? " (the pid "
			    "file is stale)" : "");
		else
			iwarn("pidfd_open");
		return EXIT_FAIL;
	}
	if (hasvalue)
		queued_info(&si, sig, value);
	if (peer_send(&p, sig, hasvalue ? &si : NULL) == 0) {
		iverbose("%s sent to process %d%s", signame(sig, name,
		    sizeof(name)), (int)t->pid, hasvalue ? " with a value" : "");
		peer_close(&p);
		return 0;
	}
	switch (errno) {
	case ESRCH:
		iwarnx("the process has exited");
		break;
	case EAGAIN:
		lim = sigpending_limit(t->pid);
		if (lim > 0 && lim < LLONG_MAX)
			iwarnx("the signal queue is full: its user's pending "
			    "signals reached RLIMIT_SIGPENDING = %lld (ulimit "
			    "-i)", lim);
		else
			iwarnx("the signal queue is full (RLIMIT_SIGPENDING, "
			    "ulimit -i)");
		break;
	default:
		iwarn("cannot send %s", signame(sig, name, sizeof(name)));
	}
	peer_close(&p);
	return EXIT_FAIL;
}

static int
cmd_send(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "value",	required_argument, NULL, O_VALUE },
		{ "pidfile",	required_argument, NULL, O_PIDFILE },
		{ "stdin",	no_argument,	NULL, O_STDIN },
		{ "bytes",	no_argument,	NULL, O_BYTES },
		{ NULL, 0, NULL, 0 },
	};
	struct target *t;
	size_t nt = 0, i;
	int c, sig, st = 0, hasvalue = 0, value = 0, fromstdin = 0;
	int bytes = 0;

	t = ecalloc((size_t)argc + 1, sizeof(*t));
	opt_begin(argc, argv, OPT_TIMEOUT, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case O_VALUE:
			value = (int)enum_("value", optarg, INT_MIN, INT_MAX);
			hasvalue = 1;
			break;
		case O_PIDFILE:
			if (*optarg == '\0')
				eusage("empty --pidfile");
			t[nt].operand = optarg;
			t[nt++].pidfile = 1;
			break;
		case O_STDIN:
			fromstdin = 1;
			break;
		case O_BYTES:
			bytes = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	sig = esignal(argv[0]);
	/* every target is checked before anything is sent */
	for (i = 1; i < (size_t)argc; i++) {
		t[nt].operand = argv[i];
		t[nt++].pid = epid("PID", argv[i]);
	}
	if (nt == 0)
		eusage("missing target: a PID or --pidfile FILE");
	if (bytes && !fromstdin)
		eusage("--bytes goes with --stdin");
	if ((opt.given & OPT_TIMEOUT) && !fromstdin)
		eusage("--timeout goes with --stdin");
	if (fromstdin) {
		if (hasvalue)
			eusage("--value and --stdin exclude each other");
		if (nt != 1)
			eusage("--stdin streams to one target");
		if (sig < SIGRTMIN || sig > SIGRTMAX)
			eusage("--stdin needs a real-time signal, RTMIN to "
			    "RTMAX: standard signals are not queued");
		st = estream_send(&t[0], sig, bytes);
		free(t);
		return st;
	}
	for (i = 0; i < nt; i++)
		if (send1(&t[i], sig, hasvalue, value) != 0)
			st = EXIT_FAIL;
	free(t);
	return st;
}

/* ---- the stream: sending ----------------------------------------------- */

struct stream {
	struct peer	 to;
	const char	*operand;
	int		 sig, ctl;
	int		 sfd;		/* our signalfd: CTL, for the ACKs */
	siginfo_t	 si;		/* the data signal, value set per send */
	uint64_t	 sent, acked;	/* data signals */
	uint64_t	 window, nextcheck;
	struct deadline	 stall;		/* --timeout: no progress this long */
	int		 started;
	int		 ending;	/* END is sent */
	int		 toldfull;	/* -v said the allowance is used up */
	int		 aborting;	/* the terminating signal being handled */
};

/* the companion signal that carries the stream's control messages */
static int
ctl_of(int sig)
{
	return sig < SIGRTMAX ? sig + 1 : sig - 1;
}

static inline void
stream_progress(struct stream *s)
{
	if (opt.timeout >= 0)	/* else it stays "forever" */
		deadline_init(&s->stall, opt.timeout);
}

/* take the ACKs that have come; never blocks */
static void
stream_acks(struct stream *s)
{
	struct signalfd_siginfo in[16];
	ssize_t n;
	size_t i;
	uint32_t d;

	while ((n = read(s->sfd, in, sizeof(in))) > 0) {
		for (i = 0; i < (size_t)n / sizeof(in[0]); i++) {
			if (in[i].ssi_code != SI_QUEUE ||
			    (pid_t)in[i].ssi_pid != s->to.pid)
				continue;
			d = (uint32_t)in[i].ssi_int - (uint32_t)s->acked;
			if (d <= s->sent - s->acked && d > 0) {
				s->acked += d;
				stream_progress(s);
			}
		}
		if ((size_t)n < sizeof(in))
			break;
	}
}

static void
estream_gone(struct stream *s)
{
	if (s->aborting) {	/* ending on a signal anyway: die of it */
		gotsig = s->aborting;
		eonsig();
	}
	stream_acks(s);		/* the last ones it sent before it went */
	setoperand(s->operand);
	if (s->acked == s->sent)
		eerrx(EXIT_FAIL, "the receiver, process %d, exited before the "
		    "end of the stream (%llu values delivered)", (int)s->to.pid,
		    (unsigned long long)s->acked);
	eerrx(EXIT_FAIL, "the receiver, process %d, exited: %llu of %llu "
	    "values delivered, the last %llu may be lost", (int)s->to.pid,
	    (unsigned long long)s->acked, (unsigned long long)s->sent,
	    (unsigned long long)(s->sent - s->acked));
}

static void stream_abort(struct stream *);

/*
 * Wait up to ms (-1: no limit) for an ACK or for the receiver to exit,
 * within --timeout; then take the ACKs.  A terminating signal ends the
 * stream (FIN, END) and the tool.
 */
static void
stream_wait(struct stream *s, long long ms)
{
	struct pollfd p[2];
	long long left;
	char d[32];
	int r;

	p[0].fd = s->sfd;
	p[0].events = POLLIN;
	p[1].fd = s->to.fd;
	p[1].events = POLLIN;
	left = deadline_left(&s->stall);
	if (left >= 0 && (ms < 0 || left < ms))
		ms = left;
	r = xpoll(p, s->to.fd >= 0 ? 2 : 1, ms);
	if (r == -1 && errno == EINTR) {
		if (gotsig)
			stream_abort(s);
		return;
	}
	if (r == -1)
		eerr(EXIT_FAIL, "poll");
	stream_acks(s);
	/* gone after the last ACK is the normal end */
	if (s->ending && s->acked == s->sent)
		return;
	if (r > 0 && s->to.fd >= 0 && (p[1].revents & POLLIN))
		estream_gone(s);
	if (s->to.fd < 0 && kill(s->to.pid, 0) == -1 && errno == ESRCH)
		estream_gone(s);
	if (deadline_expired(&s->stall)) {
		setoperand(s->operand);
		if (!opt.quiet)
			iwarnx("no acknowledgment from process %d within %s "
			    "(is it ipc-sig recv?): %llu of %llu values "
			    "delivered", (int)s->to.pid,
			    fmt_dur(d, sizeof(d), opt.timeout),
			    (unsigned long long)s->acked,
			    (unsigned long long)s->sent);
		exit(EXIT_TIMEOUT);
	}
}

/* send one signal, retrying while the pending-signal allowance is used up */
static void
stream_kill(struct stream *s, int sig, siginfo_t *si)
{
	long long backoff = 1;

	for (;;) {
		if (peer_send(&s->to, sig, si) == 0)
			return;
		switch (errno) {
		case EAGAIN:
			/* an ACK frees room; else try again a little later */
			stream_wait(s, backoff);
			if (backoff < BACKOFF_MAX_MS)
				backoff *= 2;
			else if (!s->toldfull) {
				s->toldfull = 1;
				iverbose("waiting: the pending signals of process "
				    "%d's user fill its RLIMIT_SIGPENDING (ulimit "
				    "-i)", (int)s->to.pid);
			}
			continue;
		case ESRCH:
			estream_gone(s);
		case EINTR:
			continue;
		}
		setoperand(s->operand);
		eerr(EXIT_FAIL, "pidfd_send_signal");
	}
}

static void
stream_ctl(struct stream *s, uint32_t v)
{
	siginfo_t si;

	queued_info(&si, s->ctl, (int)v);
	stream_kill(s, s->ctl, &si);
}

/* the hot path: one data signal */
static inline void
stream_put(struct stream *s, uint32_t v)
{
	if (s->sent - s->acked >= s->window / 2 && s->sent >= s->nextcheck) {
		stream_acks(s);
		while (s->sent - s->acked >= s->window)
			stream_wait(s, -1);
		s->nextcheck = s->sent + s->window / 8 + 1;
	}
	s->si.si_value.sival_int = (int)v;
	if (peer_send(&s->to, s->sig, &s->si) != 0)
		stream_kill(s, s->sig, &s->si);
	s->sent++;
	stream_progress(s);
	if (gotsig)
		stream_abort(s);
}

/* FIN and END; then, unless a signal ends us, wait for the last ACK */
static void
stream_end(struct stream *s, int early, unsigned tail, int wait)
{
	stream_ctl(s, (early ? 1u : 0u) | tail << 1);
	stream_ctl(s, (uint32_t)s->sent);
	s->ending = 1;
	while (wait && s->acked < s->sent)
		stream_wait(s, -1);
}

/* a terminating signal mid-stream: tell the receiver, then die of it */
static void
stream_abort(struct stream *s)
{
	static int once;
	int sig = gotsig;

	if (s->started && !once) {
		once = 1;
		s->aborting = sig;
		gotsig = 0;	/* let the last sends through */
		stream_end(s, 1, 0, 0);
		gotsig = sig;
	}
	eonsig();
}

/* an integer line: blanks around it, a sign, decimal, 32-bit signed */
static int
parse_i32(const char *p, const char *e, uint32_t *out)
{
	long long v = 0;
	int neg = 0, nd = 0;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < e && *p >= '0' && *p <= '9'; p++, nd++)
		if (v <= (long long)INT_MAX + 1)
			v = v * 10 + (*p - '0');
	if (nd == 0 || p != e) {
		errno = EINVAL;
		return -1;
	}
	if (v > (long long)INT_MAX + neg) {
		errno = ERANGE;
		return -1;
	}
	*out = (uint32_t)(neg ? -v : v);
	return 0;
}

static void
ebadline(struct stream *s, uint64_t line, const char *p, size_t n)
{
	int e = errno;

	if (n > 0 && p[n - 1] == '\n')
		n--;
	stream_end(s, 1, 0, 1);
	setoperand(s->operand);
	if (n == 0)
		eerrx(EXIT_FAIL, "line %llu: an empty line is not an integer "
		    "(%llu sent before it)", (unsigned long long)line,
		    (unsigned long long)s->sent);
	eerrx(EXIT_FAIL, "line %llu: '%.*s%s' %s (%llu sent before it)",
	    (unsigned long long)line, (int)(n > LINESHOW ? LINESHOW : n), p,
	    n > LINESHOW ? "..." : "", e == ERANGE ?
	    "is out of range (-2147483648 to 2147483647)" :
	    "is not an integer", (unsigned long long)s->sent);
}

/* stdin, one integer per line (the last may lack its newline) */
static void
stream_lines(struct stream *s, char *buf)
{
	uint64_t line = 0;
	size_t have = 0;
	char *p, *e, *nl;
	uint32_t v;
	ssize_t n;

	for (;;) {
		if (s->sent > s->acked)
			stream_acks(s);
		n = readsome(0, buf + have, INBUF - have);
		if (n == -1 && errno == EINTR)
			stream_abort(s);
		if (n == -1)
			eerr(EXIT_FAIL, "read error on stdin");
		p = buf;
		e = buf + have + (size_t)n;
		if (n == 0) {
			if (have > 0) {
				if (parse_i32(p, e, &v) == -1)
					ebadline(s, line + 1, p, have);
				stream_put(s, v);
			}
			return;
		}
		while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			line++;
			if (parse_i32(p, nl, &v) == -1)
				ebadline(s, line, p, (size_t)(nl - p));
			stream_put(s, v);
			p = nl + 1;
		}
		have = (size_t)(e - p);
		if (have == INBUF) {
			errno = EINVAL;
			ebadline(s, line + 1, p, have);
		}
		memmove(buf, p, have);
	}
}

/* stdin as bytes, four per signal; returns the bytes of the last word */
static unsigned
stream_bytes(struct stream *s, char *buf)
{
	size_t have = 0, i;
	uint32_t v;
	ssize_t n;

	for (;;) {
		if (s->sent > s->acked)
			stream_acks(s);
		n = readsome(0, buf + have, INBUF - have);
		if (n == -1 && errno == EINTR)
			stream_abort(s);
		if (n == -1)
			eerr(EXIT_FAIL, "read error on stdin");
		if (n == 0)
			break;
		have += (size_t)n;
		for (i = 0; i + 4 <= have; i += 4) {
			memcpy(&v, buf + i, 4);
			stream_put(s, v);
		}
		memmove(buf, buf + i, have - i);
		have -= i;
	}
	if (have == 0)
		return s->sent > 0 ? 4 : 0;
	v = 0;
	memcpy(&v, buf, have);
	stream_put(s, v);
	return (unsigned)have;
}

static int
estream_send(struct target *t, int sig, int bytes)
{
	unsigned long long start = 0;
	struct stream s;
	sigset_t set;
	unsigned tail = 0;
	char *buf, name[SIGNAME_MAX], cname[SIGNAME_MAX];

	memset(&s, 0, sizeof(s));
	if (t->pidfile && read_pidfile(t->operand, &t->pid) == -1)
		return EXIT_FAIL;
	s.operand = t->operand;
	setoperand(t->operand);
	s.sig = sig;
	s.ctl = ctl_of(sig);
	/* the ACKs come on CTL: take it as data before anyone may send it */
	sigemptyset(&set);
	sigaddset(&set, s.ctl);
	if ((s.sfd = sig_deliver(&set)) == -1)
		eerr(EXIT_FAIL, "signalfd");
	if (peer_open(&s.to, t->pid) == -1) {
		if (errno == ESRCH)
			eerrx(EXIT_FAIL, "no such process%s", t->pidfile ?
			    " (the pid file is stale)" : "");
		eerr(EXIT_FAIL, "pidfd_open");
	}
	s.window = window_for(sigpending_limit(t->pid));
	s.nextcheck = s.window / 2;
	queued_info(&s.si, sig, 0);
	deadline_init(&s.stall, opt.timeout);
	(void)proc_starttime(getpid(), &start);
	buf = ecalloc(1, INBUF + 1);
	stream_ctl(&s, (uint32_t)(start & 0x7fffffff) << 1 | (bytes ? 1 : 0));
	s.started = 1;
	iverbose("streaming to process %d on %s (control on %s), at most "
	    "%llu unacknowledged", (int)t->pid, signame(sig, name,
	    sizeof(name)), signame(s.ctl, cname, sizeof(cname)),
	    (unsigned long long)s.window);
	if (bytes)
		tail = stream_bytes(&s, buf);
	else
		stream_lines(&s, buf);
	stream_end(&s, 0, tail, 1);
	iverbose("%llu %s sent, all delivered", (unsigned long long)s.sent,
	    bytes ? "words" : "values");
	free(buf);
	peer_close(&s.to);
	close(s.sfd);
	return 0;
}

/* ---- wait -------------------------------------------------------------- */

static void
wait_print(const struct signalfd_siginfo *si)
{
	char name[SIGNAME_MAX], cb[16];
	int val = has_value(si->ssi_code);
	struct jw w;

	signame((int)si->ssi_signo, name, sizeof(name));
	if (!opt.json) {
		printf("%s pid=%u uid=%u value=", name, si->ssi_pid,
		    si->ssi_uid);
		if (val)
			printf("%d\n", si->ssi_int);
		else
			printf("-\n");
		return;
	}
	jw_init(&w, stdout);
	jw_obj(&w);
	jw_key(&w, "signal");
	jw_str(&w, name);
	jw_key(&w, "number");
	jw_int(&w, si->ssi_signo);
	jw_key(&w, "pid");
	jw_int(&w, si->ssi_pid);
	jw_key(&w, "uid");
	jw_int(&w, si->ssi_uid);
	jw_key(&w, "value");
	if (val)
		jw_int(&w, si->ssi_int);
	else
		jw_null(&w);
	jw_key(&w, "code");
	jw_str(&w, code_name(si->ssi_code, cb, sizeof(cb)));
	jw_end(&w, '}');
}

/* --exec: CMD with the signal in its environment; its status */
static int
wait_exec(const char *cmd, const struct signalfd_siginfo *si)
{
	char e[6][64], name[SIGNAME_MAX], cb[16];
	char *env[7];
	struct childspec cs;
	pid_t pid;
	int st, i;

	snprintf(e[0], sizeof(e[0]), "IPC_SIG_NAME=%s",
	    signame((int)si->ssi_signo, name, sizeof(name)));
	snprintf(e[1], sizeof(e[1]), "IPC_SIG_NUMBER=%u", si->ssi_signo);
	snprintf(e[2], sizeof(e[2]), "IPC_SIG_PID=%u", si->ssi_pid);
	snprintf(e[3], sizeof(e[3]), "IPC_SIG_UID=%u", si->ssi_uid);
	if (has_value(si->ssi_code))
		snprintf(e[4], sizeof(e[4]), "IPC_SIG_VALUE=%d", si->ssi_int);
	else
		snprintf(e[4], sizeof(e[4]), "IPC_SIG_VALUE=");
	snprintf(e[5], sizeof(e[5]), "IPC_SIG_CODE=%s",
	    code_name(si->ssi_code, cb, sizeof(cb)));
	for (i = 0; i < 6; i++)
		env[i] = e[i];
	env[6] = NULL;
	memset(&cs, 0, sizeof(cs));
	cs.sh = cmd;
	cs.fd0 = -1;
	cs.fd1 = -1;
	cs.env = env;
	if ((pid = child_start(&cs)) == -1)
		eerr(EXIT_FAIL, "fork");
	/* INT, TERM, HUP are passed on to CMD (SIGP_FORWARD) meanwhile */
	while ((st = child_wait(pid)) == -1)
		if (errno != EINTR)
			eerr(EXIT_FAIL, "waitpid");
	if (gotsig)
		eraise(gotsig);
	return st;
}

/* wait's options: the signals waited for (blocked and taken by the
 * returned signalfd, whose pid file is written then), and --exec's CMD */
static int
wait_init(int argc, char *argv[], const char **cmd)
{
	static const struct option lo[] = {
		{ "pidfile",	required_argument, NULL, O_PIDFILE },
		{ "exec",	required_argument, NULL, O_EXEC },
		{ "follow",	no_argument,	NULL, O_FOLLOW },
		{ NULL, 0, NULL, 0 },
	};
	const char *pidfile = NULL;
	sigset_t set;
	int c, i, sig, sfd, follow = 0;

	*cmd = NULL;
	opt_begin(argc, argv, OPT_COUNT | OPT_TIMEOUT | OPT_NOWAIT | OPT_JSON,
	    lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case O_PIDFILE:
			if (*optarg == '\0')
				eusage("empty --pidfile");
			pidfile = optarg;
			break;
		case O_EXEC:
			*cmd = optarg;
			break;
		case O_FOLLOW:
			follow = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	if (follow && (opt.given & OPT_COUNT))
		eusage("--follow and --count exclude each other");
	if (*cmd != NULL && opt.json)
		eusage("--exec and --json exclude each other");
	sigemptyset(&set);
	for (i = 0; i < argc; i++) {
		sig = esignal(argv[i]);
		if (sig == SIGKILL || sig == SIGSTOP)
			eusage("%s cannot be waited for: it cannot be blocked",
			    sig == SIGKILL ? "SIGKILL" : "SIGSTOP");
		if (sig == SIGCHLD && *cmd != NULL)
			eusage("SIGCHLD and --exec do not mix: each CMD that "
			    "ends sends one");
		sigaddset(&set, sig);
	}
	if (!follow && !(opt.given & OPT_COUNT))
		opt.count = 1;
	/* blocked first, then the pid file: no sender can come too early */
	if ((sfd = sig_deliver(&set)) == -1)
		eerr(EXIT_FAIL, "signalfd");
	if (pidfile != NULL)
		epidfile_write(pidfile);
	if (*cmd != NULL)
		sig_policy(SIGP_FORWARD);
	return sfd;
}

/* what one read took: each signal printed or run; CMD's first failure */
static int
wait_took(const char *cmd, const struct signalfd_siginfo *in, size_t n)
{
	size_t i;
	int r, st = 0;

	for (i = 0; i < n; i++) {
		if (cmd != NULL) {
			r = wait_exec(cmd, &in[i]);
			if (st == 0)
				st = r;
		} else
			wait_print(&in[i]);
	}
	eonsig();
	if (fflush(stdout) == EOF) {
		if (errno == EPIPE)
			eepipe();
		eerr(EXIT_FAIL, "write error on stdout");
	}
	return st;
}

static int
cmd_wait(int argc, char *argv[])
{
	struct signalfd_siginfo in[BATCH];
	const char *cmd;
	struct deadline d;
	struct pollfd p;
	long long got = 0;
	size_t k;
	ssize_t n;
	int st = 0, r;

	p.fd = wait_init(argc, argv, &cmd);
	p.events = POLLIN;
	deadline_init(&d, opt.timeout);
	while (opt.count == 0 || got < opt.count) {
		k = BATCH;
		if (opt.count > 0 && (long long)k > opt.count - got)
			k = (size_t)(opt.count - got);
		n = read(p.fd, in, k * sizeof(in[0]));
		if (n > 0) {
			r = wait_took(cmd, in, (size_t)n / sizeof(in[0]));
			if (st == 0)
				st = r;
			got += (long long)((size_t)n / sizeof(in[0]));
			deadline_init(&d, opt.timeout);
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			eerr(EXIT_FAIL, "read from signalfd");
		r = xpoll_until(&p, 1, &d);
		if (r == -1 && errno == EINTR) {
			eonsig();
			continue;
		}
		if (r == -1)
			eerr(EXIT_FAIL, "poll");
		if (r == 0) {
			if (got == 0)
				return itimedout("no signal came");
			iverbose("%lld signals, then none within the timeout",
			    got);
			break;
		}
	}
	close(p.fd);
	return st;
}

/* ---- the stream: receiving --------------------------------------------- */

struct rx {
	int		 sig, ctl, sfd;
	int		 cfd;		/* a signalfd for CTL alone */
	int		 bytes;
	struct peer	 from;		/* pid 0: not paired yet */
	int		 acking;	/* START matched the sender */
	int		 nctl;		/* control messages taken */
	int		 early;		/* FIN: the sender stopped early */
	unsigned	 tail;		/* FIN: data bytes of the last word */
	int		 haveend;
	uint32_t	 endcount;	/* END */
	int		 gone;		/* the sender has exited */
	uint64_t	 got, acked, ackevery;
	uint32_t	 hold;		/* --bytes: the last word, not yet out */
	int		 havehold;
	char		*out;
	size_t		 outlen;
};

static void
rx_flush(struct rx *r)
{
	if (r->outlen == 0)
		return;
	if (writeall(1, r->out, r->outlen) == -1) {
		if (errno == EPIPE)
			eepipe();
		if (errno == EINTR)
			eonsig();
		eerr(EXIT_FAIL, "write error on stdout");
	}
	r->outlen = 0;
}

/* "-2147483648\n" at most */
static size_t
fmt_i32(char *p, int32_t v)
{
	char tmp[12];
	uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;
	size_t n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		p[i++] = '-';
	while (n > 0)
		p[i++] = tmp[--n];
	p[i++] = '\n';
	return i;
}

static inline void
rx_data(struct rx *r, uint32_t v)
{
	if (r->outlen + 16 > OUTBUF)
		rx_flush(r);
	r->got++;
	if (!r->bytes) {
		r->outlen += fmt_i32(r->out + r->outlen, (int32_t)v);
		return;
	}
	/* the last word may be partial: it waits for FIN to say */
	if (r->havehold) {
		memcpy(r->out + r->outlen, &r->hold, 4);
		r->outlen += 4;
	}
	r->hold = v;
	r->havehold = 1;
}

/* the last word of a --bytes stream: n of its bytes */
static void
rx_tail(struct rx *r, unsigned n)
{
	if (!r->havehold)
		return;
	if (n > 4)
		n = 4;
	if (r->outlen + 4 > OUTBUF)
		rx_flush(r);
	memcpy(r->out + r->outlen, &r->hold, n);
	r->outlen += n;
	r->havehold = 0;
}

/* tell the sender how many we have taken; 0, or -1 (try again later) */
static int
rx_ack(struct rx *r)
{
	siginfo_t si;

	if (!r->acking || r->acked == r->got)
		return 0;
	queued_info(&si, r->ctl, (int)(uint32_t)r->got);
	if (peer_send(&r->from, r->ctl, &si) == -1) {
		if (errno == ESRCH)
			r->gone = 1;
		if (errno == EAGAIN || errno == ESRCH)
			return -1;
		eerr(EXIT_FAIL, "cannot acknowledge to process %d",
		    (int)r->from.pid);
	}
	r->acked = r->got;
	return 0;
}

static void
rx_ignored(const struct signalfd_siginfo *si, const char *why)
{
	char name[SIGNAME_MAX];

	iverbose("ignored %s from process %u (%s)", signame((int)si->ssi_signo,
	    name, sizeof(name)), si->ssi_pid, why);
}

static void
rx_pair(struct rx *r, pid_t pid)
{
	if (peer_open(&r->from, pid) == -1) {
		r->from.fd = -1;
		r->gone = 1;	/* what it queued is here: take it, then end */
	}
	iverbose("paired with process %d", (int)pid);
}

/* START: the sender is the process behind our pidfd, and mode matches */
static void
rx_start(struct rx *r, uint32_t v)
{
	unsigned long long t;
	uint32_t want = v >> 1;

	if ((v & 1) != (unsigned)r->bytes)
		eerrx(EXIT_FAIL, "process %d streams %s, this recv expects %s",
		    (int)r->from.pid, (v & 1) ? "bytes (send --bytes)" :
		    "integers", r->bytes ? "bytes (--bytes)" : "integers");
	if (r->gone)
		return;
	if (want != 0 && proc_starttime(r->from.pid, &t) == 0 &&
	    ((uint32_t)t & 0x7fffffff) != want) {
		iwarnx("process %d is not the one that started the stream "
		    "(its PID was reused): no acknowledgments", (int)r->from.pid);
		return;
	}
	/* alive after the look at /proc: that entry was its own */
	if (r->from.fd >= 0 && sys_pidfd_send(r->from.fd, 0, NULL) == -1)
		return;
	r->acking = 1;
}

static void
rx_ctl(struct rx *r, uint32_t v)
{
	switch (r->nctl++) {
	case CTL_START:
		rx_start(r, v);
		break;
	case CTL_FIN:
		r->early = v & 1;
		r->tail = (v >> 1) & 7;
		break;
	case CTL_END:
		r->haveend = 1;
		r->endcount = v;
		break;
	default:
		iverbose("ignored a control signal after the end of the "
		    "stream");
	}
}

static void
rx_take(struct rx *r, const struct signalfd_siginfo *si, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, si++) {
		if (si->ssi_code != SI_QUEUE) {
			rx_ignored(si, "not queued: kill(2), not sigqueue(3)");
			continue;
		}
		if (r->from.pid == 0)
			rx_pair(r, (pid_t)si->ssi_pid);
		else if ((pid_t)si->ssi_pid != r->from.pid) {
			rx_ignored(si, "not from the paired sender");
			continue;
		}
		if ((int)si->ssi_signo == r->sig)
			rx_data(r, (uint32_t)si->ssi_int);
		else
			rx_ctl(r, (uint32_t)si->ssi_int);
	}
}

/* wait for signals or the sender's exit: > 0, 0 (time up), -1 EINTR */
static int
rx_poll(struct rx *r, long long ms, int sigs)
{
	struct pollfd p[2];
	int n;

	p[0].fd = sigs ? r->sfd : -1;
	p[0].events = POLLIN;
	p[1].fd = r->from.fd;
	p[1].events = POLLIN;
	n = xpoll(p, !r->gone && r->from.fd >= 0 ? 2 : 1, ms);
	if (n > 0 && !r->gone && r->from.fd >= 0 && (p[1].revents & POLLIN))
		r->gone = 1;
	if (n == -1 && errno != EINTR)
		eerr(EXIT_FAIL, "poll");
	return n;
}

/* the end of a stream that was complete: flush, the last ACK, status */
static int
rx_done(struct rx *r)
{
	struct signalfd_siginfo si;
	long long wait = 1;
	int i;

	rx_tail(r, r->tail);
	rx_flush(r);
	/* --count cut the stream short: START may still be queued */
	for (i = 0; i < 16 && r->nctl == 0 && r->from.pid != 0 &&
	    read(r->cfd, &si, sizeof(si)) == (ssize_t)sizeof(si); i++)
		rx_take(r, &si, 1);
	while (rx_ack(r) == -1 && !r->gone) {
		/* EAGAIN: the allowance is full; the sender still runs */
		if (rx_poll(r, wait, 0) == -1)
			eonsig();
		if (wait < BACKOFF_MAX_MS)
			wait *= 2;
	}
	iverbose("%llu %s received", (unsigned long long)r->got,
	    r->bytes ? "words" : "values");
	if (r->early) {
		iwarnx("the sender stopped early: %llu %s received",
		    (unsigned long long)r->got, r->bytes ? "words" : "values");
		return EXIT_FAIL;
	}
	return 0;
}

/* recv's options, and the signal descriptors that take the stream
 * (the pid file is written once both are there: no sender too early) */
static void
recv_init(struct rx *r, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "pidfile",	required_argument, NULL, O_PIDFILE },
		{ "bytes",	no_argument,	NULL, O_BYTES },
		{ NULL, 0, NULL, 0 },
	};
	const char *pidfile = NULL;
	sigset_t set;
	int c;

	memset(r, 0, sizeof(*r));
	opt_begin(argc, argv, OPT_COUNT | OPT_TIMEOUT | OPT_NOWAIT, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case O_PIDFILE:
			if (*optarg == '\0')
				eusage("empty --pidfile");
			pidfile = optarg;
			break;
		case O_BYTES:
			r->bytes = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	r->sig = esignal(argv[0]);
	if (r->sig < SIGRTMIN || r->sig > SIGRTMAX)
		eusage("recv needs a real-time signal, RTMIN to RTMAX: "
		    "standard signals are not queued");
	if (r->bytes && (opt.given & OPT_COUNT))
		eusage("--count counts integers: not with --bytes");
	r->ctl = ctl_of(r->sig);
	r->from.fd = -1;
	r->tail = 4;		/* until a FIN says otherwise */
	r->ackevery = window_for(sigpending_limit(0)) / 4;
	if (r->ackevery == 0)
		r->ackevery = 1;
	r->out = ecalloc(1, OUTBUF);
	sigemptyset(&set);
	sigaddset(&set, r->sig);
	sigaddset(&set, r->ctl);
	if ((r->sfd = sig_deliver(&set)) == -1)
		eerr(EXIT_FAIL, "signalfd");
	/* the control signal alone, to find START without taking data */
	sigdelset(&set, r->sig);
	if ((r->cfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		eerr(EXIT_FAIL, "signalfd");
	if (pidfile != NULL)
		epidfile_write(pidfile);
}

#define RX_MORE	(-1)		/* rx_idle: go on reading */

/*
 * Nothing is queued now: the sender has gone, or an acknowledgment is
 * due, or we wait for more within the deadline.  RX_MORE, or recv's exit
 * status.  BURST counts what the last reads took.
 */
static int
rx_idle(struct rx *r, struct deadline *d, size_t *burst)
{
	long long ms, left;

	if (r->gone) {
		/* everything it sent before it died has been taken */
		if (r->nctl == 0 && r->got > 0)
			return rx_done(r);	/* not ipc-sig: its exit ends
						 * the stream */
		rx_tail(r, 4);
		rx_flush(r);
		eerrx(EXIT_FAIL, "the sender, process %d, exited before "
		    "the end of the stream: %llu %s received",
		    (int)r->from.pid, (unsigned long long)r->got,
		    r->bytes ? "words" : "values");
	}
	/* the queue is empty: acknowledge a good part of the window now, a
	 * smaller one once idle IDLEACK_MS */
	rx_flush(r);
	if (r->got - r->acked >= r->ackevery)
		(void)rx_ack(r);
	left = deadline_left(d);
	if (*burst >= HOT_BURST) {
		/*
		 * A busy stream: nap, then take what came meanwhile, rather
		 * than be woken for each signal (the sender would pay the
		 * wake-up, and both sides would fight for the signal
		 * queue's lock).
		 */
		*burst = 0;
		ms = left >= 0 && left < NAP_MS ? left : NAP_MS;
		if (rx_poll(r, ms, 0) == -1 && gotsig)
			eonsig();
		return RX_MORE;
	}
	*burst = 0;
	ms = left;
	if (r->acking && r->acked != r->got && (ms < 0 || ms > IDLEACK_MS))
		ms = IDLEACK_MS;
	switch (rx_poll(r, ms, 1)) {
	case -1:
		if (gotsig)
			eonsig();
		return RX_MORE;
	case 0:
		if (ms != left) {
			if (rx_ack(r) == -1)
				(void)rx_poll(r, IDLEACK_MS, 1);
			return RX_MORE;
		}
		if (r->got == 0)
			return itimedout("no stream came");
		rx_tail(r, 4);
		rx_flush(r);
		(void)rx_ack(r);
		iverbose("%llu %s received, then nothing within the timeout",
		    (unsigned long long)r->got, r->bytes ? "words" : "values");
		return 0;
	}
	return RX_MORE;
}

static int
cmd_recv(int argc, char *argv[])
{
	struct signalfd_siginfo in[BATCH];
	struct deadline d;
	struct rx r;
	size_t k, burst = 0;
	ssize_t n;
	int st = RX_MORE;

	recv_init(&r, argc, argv);
	deadline_init(&d, opt.timeout);
	while (st == RX_MORE) {
		if ((r.haveend && (uint32_t)r.got == r.endcount) ||
		    (opt.count > 0 && (long long)r.got == opt.count)) {
			st = rx_done(&r);
			break;
		}
		k = BATCH;
		if (opt.count > 0 && (long long)k > opt.count - (long long)r.got)
			k = (size_t)(opt.count - (long long)r.got);
		n = read(r.sfd, in, k * sizeof(in[0]));
		if (n > 0) {
			rx_take(&r, in, (size_t)n / sizeof(in[0]));
			burst += (size_t)n / sizeof(in[0]);
			deadline_init(&d, opt.timeout);
		} else if (n == -1 && errno != EAGAIN && errno != EINTR)
			eerr(EXIT_FAIL, "read from signalfd");
		if (gotsig) {
			rx_flush(&r);
			eonsig();
		}
		if (n <= 0)
			st = rx_idle(&r, &d, &burst);
	}
	free(r.out);
	close(r.cfd);
	close(r.sfd);
	peer_close(&r.from);
	return st;
}

/* ---- info -------------------------------------------------------------- */

#define MASKBITS	128

/* a /proc mask in hex -> bits[i] for signal i + 1 */
static void
mask_bits(const char *hex, unsigned char *bits)
{
	size_t n = strlen(hex), i, b;
	int v;

	memset(bits, 0, MASKBITS);
	while (n > 0 && isspace((unsigned char)hex[n - 1]))
		n--;
	for (i = 0; i < n && i * 4 < MASKBITS; i++) {
		char c = hex[n - 1 - i];

		if (!isxdigit((unsigned char)c))
			break;
		v = isdigit((unsigned char)c) ? c - '0' :
		    tolower((unsigned char)c) - 'a' + 10;
		for (b = 0; b < 4; b++)
			bits[i * 4 + b] = (v >> b) & 1;
	}
}

static void
info_set(struct kv *kv, const char *key, const char *hex)
{
	unsigned char bits[MASKBITS];
	char name[SIGNAME_MAX], *line = NULL;
	size_t len = 0, i;

	mask_bits(hex != NULL ? hex : "", bits);
	if (kv->json) {
		jw_key(&kv->jw, key);
		if (hex == NULL) {
			jw_null(&kv->jw);
			return;
		}
		jw_arr(&kv->jw);
		for (i = 0; i < MASKBITS; i++)
			if (bits[i])
				jw_str(&kv->jw, signame((int)i + 1, name,
				    sizeof(name)));
		jw_end(&kv->jw, ']');
		return;
	}
	for (i = 0; i < MASKBITS; i++) {
		if (!bits[i])
			continue;
		signame((int)i + 1, name, sizeof(name));
		line = ereallocarray(line, 1, len + strlen(name) + 2);
		len += (size_t)snprintf(line + len, strlen(name) + 2, "%s%s",
		    len > 0 ? " " : "", name);
	}
	kv_str(kv, key, line);	/* NULL, nothing: "-" */
	free(line);
}

static int
cmd_info(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "tid",	required_argument, NULL, O_TID },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = {
		"ShdPnd", "SigPnd", "SigBlk", "SigIgn", "SigCgt",
	};
	static const char *const names[] = {
		"pending", "thrpending", "blocked", "ignored", "caught",
	};
	char path[64], *line = NULL, *val[5] = { NULL }, *comm = NULL;
	long long queued = -1, qlimit = -1;
	const char *tidarg = NULL;
	pid_t pid, tid = 0;
	size_t cap = 0, i;
	struct kv kv;
	FILE *fp;
	int c;

	opt_begin(argc, argv, OPT_JSON, lo);
	while ((c = opt_next()) != -1)
		if (c == O_TID)
			tidarg = optarg;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	pid = epid("PID", argv[0]);
	if (tidarg != NULL)
		tid = epid("TID", tidarg);
	setoperand(argv[0]);
	if (tid != 0)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status",
		    (int)pid, (int)tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno != ENOENT)
			eerr(EXIT_FAIL, "%s", path);
		snprintf(path, sizeof(path), "/proc/%d", (int)pid);
		if (tid != 0 && access(path, F_OK) == 0)
			eerrx(EXIT_FAIL, "no thread %d in this process",
			    (int)tid);
		eerrx(EXIT_FAIL, "no such process");
	}
	while (getline(&line, &cap, fp) != -1) {
		char *v = strchr(line, ':');

		if (v == NULL)
			continue;
		*v++ = '\0';
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		if (strcmp(line, "Name") == 0 && comm == NULL)
			comm = estrdup(v);
		else if (strcmp(line, "SigQ") == 0)
			sscanf(v, "%lld/%lld", &queued, &qlimit);
		for (i = 0; i < 5; i++)
			if (strcmp(line, keys[i]) == 0 && val[i] == NULL)
				val[i] = estrdup(v);
	}
	free(line);
	fclose(fp);
	if (val[2] == NULL)
		eerrx(EXIT_FAIL, "no signal masks in %s", path);
	kv_begin(&kv, opt.json);
	kv_num(&kv, "pid", pid);
	if (tid != 0)
		kv_num(&kv, "tid", tid);
	kv_str(&kv, "name", comm);
	if (queued >= 0) {
		kv_num(&kv, "queued", queued);
		kv_num(&kv, "queuelimit", qlimit);
	}
	for (i = 0; i < 5; i++)
		info_set(&kv, names[i], val[i]);
	kv_end(&kv);
	for (i = 0; i < 5; i++)
		free(val[i]);
	free(comm);
	return 0;
}

/* ---- the verbs --------------------------------------------------------- */

static const struct verb verbs[] = {
	{ "send", cmd_send,
	    "[--value N | --stdin [--bytes] [--timeout DUR]] "
	    "[--pidfile FILE]... [-v] SIG [PID...]",
	    "send SIG to each PID through a pidfd; --stdin streams integers",
	    "      --value N         queue the integer N with the signal "
	    "(sigqueue)\n"
	    "      --pidfile FILE    the target is the PID in FILE (may be "
	    "repeated)\n"
	    "      --stdin           stream stdin, one integer per line, to "
	    "ipc-sig recv\n"
	    "      --bytes           with --stdin: any bytes, four per "
	    "signal\n" },
	{ "wait", cmd_wait,
	    "[--count N | --follow] [--timeout DUR | --nowait] "
	    "[--json | --exec CMD] [--pidfile FILE] [-v] SIG...",
	    "wait for signals; one line each: name, pid, uid, value",
	    "      --follow          keep waiting: no count\n"
	    "      --exec CMD        run CMD (sh -c) per signal, "
	    "IPC_SIG_* set\n"
	    "      --pidfile FILE    write our PID to FILE once the signals "
	    "are blocked\n" },
	{ "recv", cmd_recv,
	    "[--bytes | --count N] [--timeout DUR | --nowait] "
	    "[--pidfile FILE] [-v] SIG",
	    "the integers send --stdin streams, to stdout",
	    "      --bytes           the stream is bytes (send --stdin "
	    "--bytes)\n"
	    "      --pidfile FILE    write our PID to FILE once the signals "
	    "are blocked\n" },
	{ "list", cmd_list, "[--json] [SIG...]",
	    "the signals' names and numbers, as kill -L and kill -l print them",
	    NULL },
	{ "info", cmd_info, "[--tid TID] [--json] PID",
	    "pending, blocked, ignored and caught signals of a process",
	    "      --tid TID         the view of thread TID of the process\n" },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs,
	    "signals as events for scripts, and streams of integers over "
	    "queued real-time signals");
}
