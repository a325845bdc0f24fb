/*
 * ipc-mq - POSIX and System V message queues as shell filters.
 *
 * Each record of stdin becomes one message (send), each message one
 * record of stdout (recv).  The payload on the wire is exactly the record:
 * no header.  The end of a stream is a message whose payload is EOFMARK,
 * which no line or NUL record can equal (it holds both separators).
 *
 * Waits.  Without --timeout the calls simply block (mq_send, mq_receive,
 * msgsnd, msgrcv: no kernel timer per wait, as fast as a plain C loop),
 * and a CLOCK_MONOTONIC timer ticks SIGALRM every RECHECK_MS: the EINTR
 * it causes lets us look for a POSIX queue unlinked under us (mq_unlink
 * wakes nobody), a reader of stdout that has gone, and a terminating
 * signal that arrived just before a call blocked.  With --timeout, POSIX
 * waits use mq_timed{send,receive} with an absolute CLOCK_REALTIME time
 * recomputed from the monotonic deadline at each try (in slices of at
 * most RECHECK_MS), and System V waits arm the timer for what is left.
 * EIDRM says at once that a System V queue went away.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

#define EOFMARK		"\0ipckit-eof\n"
#define EOFLEN		12
#define RECHECK_MS	1000		/* the tick of waits without --timeout */
#define TICK_MS		100		/* re-fire of a --timeout wait timer */
#define SPIN_US		100		/* retry a full/empty queue, no sleep */
#define PUTBACK_MS	5000		/* how long a give-back waits for room */
#define HARD_MSGMAX	65536		/* kernel limits, even for root */
#define HARD_MSGSIZEMAX	(16 * 1024 * 1024)

/* verb-specific long options */
enum {
	OPT_MAXMSGS = 256, OPT_MSGSIZE, OPT_MAXBYTES, OPT_PRIORITY,
	OPT_TYPE, OPT_EOF, OPT_DRAIN,
};

enum { GOT_MSG, GOT_NONE, GOT_TIMEOUT };

struct queue {
	int		 sysv;
	const char	*operand;
	/* POSIX */
	char		 name[NAME_MAX + 2];
	mqd_t		 mqd;
	mqd_t		 mqd_nb;	/* the same queue, O_NONBLOCK */
	int		 oflag;		/* access mode it was opened with */
	dev_t		 dev;
	ino_t		 ino;
	long		 maxmsg;
	long long	 lastcheck;	/* mono ms of the last name lookup */
	/* SysV */
	struct sysvref	 ref;
	int		 id;
	long		 msgmax;	/* kernel.msgmax */
	unsigned long	 qbytes;	/* the queue's msg_qbytes */
	/* both */
	size_t		 maxsize;	/* largest message the queue takes */
	char		*buf;		/* SysV: long mtype + text; POSIX: text */
	size_t		 bufsz;		/* text bytes buf holds */
};

/* limits given on the command line for what we create */
struct qattr {
	long		 maxmsg;	/* 0: the kernel's default */
	long		 msgsize;
	unsigned long	 maxbytes;
};

static const char *const removedmsg[2] = {
	"queue removed (by ipc-mq rm or mq_unlink, or by systemd-logind's "
	    "RemoveIPC)",
	"queue removed (by ipcrm, or by systemd-logind's RemoveIPC)",
};

/* ---- small helpers ----------------------------------------------------- */

static int
is_eofmark(const char *p, size_t n)
{
	return n == EOFLEN && memcmp(p, EOFMARK, EOFLEN) == 0;
}

static int spin_ok;		/* another CPU may run our peer */

static long long
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
onalrm(int sig)
{
	(void)sig;
}

/*
 * SIGALRM is ours (the wait timer): caught, so that a stray one only
 * interrupts a wait, which then goes on for the time that is left.
 */
static void
alrm_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onalrm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/*
 * Arm the wait timer: SIGALRM after ms, then every interval ms (so that a
 * tick that lands just before a call blocks is followed by another).  No
 * SA_RESTART: a blocked call returns EINTR.
 */
static void
earm(long long ms, long long interval)
{
	static timer_t tmr;
	static int made;
	struct itimerspec its;

	if (!made) {
		struct sigevent sev;

		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_SIGNAL;
		sev.sigev_signo = SIGALRM;
		if (timer_create(CLOCK_MONOTONIC, &sev, &tmr) == -1)
			eerr(EXIT_FAIL, "timer_create");
		made = 1;
	}
	if (ms < 1)
		ms = 1;
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000;
	its.it_interval.tv_sec = interval / 1000;
	its.it_interval.tv_nsec = (interval % 1000) * 1000000;
	if (timer_settime(tmr, 0, &its, NULL) == -1)
		eerr(EXIT_FAIL, "timer_settime");
}

/* absolute CLOCK_REALTIME time for the next slice of a wait */
static struct timespec *
slice(const struct deadline *d, long long ms, struct timespec *ts)
{
	long long left = deadline_left(d);

	if (left < 0 || left > ms)
		left = ms;
	return realtime_in(left, ts);
}

static const char *
username(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		return pw->pw_name;
	snprintf(buf, len, "%u", (unsigned)uid);
	return buf;
}

static const char *
groupname(gid_t gid, char *buf, size_t len)
{
	struct group *gr = getgrgid(gid);

	if (gr != NULL)
		return gr->gr_name;
	snprintf(buf, len, "%u", (unsigned)gid);
	return buf;
}

/* ---- JSON strings ------------------------------------------------------ */

/* length of the valid UTF-8 sequence at p (1..4), or 0 if not valid */
static size_t
utf8len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned c = p[0], cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * p as the inside of a JSON string into out (room for 6 * n bytes):
 * valid UTF-8 as is, '"', '\\' and controls escaped, and every byte that
 * is not valid UTF-8 as the lone surrogate U+DC80..U+DCFF (PEP 383).
 */
static size_t
json_escape(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char *o = out;
	size_t i = 0, k;

	while (i < n) {
		unsigned c = p[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (c >= 0x80 && (k = utf8len(p + i, n - i)) > 0) {
			memcpy(o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*o++ = (char)c;
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\t':
			*o++ = 't';
			break;
		case '\r':
			*o++ = 'r';
			break;
		case '\b':
			*o++ = 'b';
			break;
		case '\f':
			*o++ = 'f';
			break;
		default:
			*o++ = 'u';
			if (c >= 0x80) {
				*o++ = 'd';
				*o++ = 'c';
			} else {
				*o++ = '0';
				*o++ = '0';
			}
			*o++ = hex[c >> 4];
			*o++ = hex[c & 0xf];
		}
		i++;
	}
	return (size_t)(o - out);
}

/* a JSON string with its quotes, to a stdio stream */
static void
mq_json_str(FILE *fp, const char *s)
{
	size_t n = strlen(s);
	char *e = ecalloc(n * 6 + 1, 1);

	fputc('"', fp);
	fwrite(e, 1, json_escape(e, s, n), fp);
	fputc('"', fp);
	free(e);
}

/* ---- opening and creating ---------------------------------------------- */

static void eremoved(struct queue *, const char *)
    __attribute__((noreturn));
static void eopen_fail(const struct queue *) __attribute__((noreturn));
static void eposix_createfail(const struct mq_attr *)
    __attribute__((noreturn));
static void etoobig(const struct queue *, size_t, uint64_t)
    __attribute__((noreturn));
static void etimedout_send(uint64_t) __attribute__((noreturn));

static void
eremoved(struct queue *q, const char *what)
{
	eerrx(EXIT_FAIL, "%s%s", removedmsg[q->sysv], what != NULL ? what : "");
}

/* the operand, checked: POSIX name or SysV key */
static void
eoperand(struct queue *q, const char *s)
{
	memset(q, 0, sizeof(*q));
	q->sysv = opt.sysv;
	q->operand = s;
	q->mqd = (mqd_t)-1;
	q->id = -1;
	setoperand(s);
	if (!q->sysv) {
		eposix_name(s, q->name, sizeof(q->name));
		return;
	}
	esysv_ref(s, opt.proj, &q->ref);
	if (q->ref.id >= 0)
		q->id = q->ref.id;
}

static void
sysv_verbose(const struct queue *q, const char *what)
{
	if (q->ref.fromftok)
		iverbose("%s queue key 0x%08x (ftok of %s, proj %d), id %d", what,
		    (unsigned)q->ref.key, q->operand, opt.proj, q->id);
	else
		iverbose("%s queue key 0x%08x, id %d", what, (unsigned)q->ref.key,
		    q->id);
}

/* after open: sizes, buffer, identity */
static void
eposix_ready(struct queue *q, const char *what)
{
	struct mq_attr a;
	struct stat st;

	if (mq_getattr(q->mqd, &a) == -1)
		eerr(EXIT_FAIL, "mq_getattr");
	if (fstat(q->mqd, &st) == -1)
		eerr(EXIT_FAIL, "fstat");
	q->dev = st.st_dev;
	q->ino = st.st_ino;
	q->maxmsg = a.mq_maxmsg;
	q->maxsize = (size_t)a.mq_msgsize;
	q->bufsz = q->maxsize;
	q->buf = ecalloc(1, q->bufsz + 1);
	q->lastcheck = mono_ms();
	iverbose("%s queue %s: depth %ld, msgsize %ld, %ld queued", what,
	    q->name, a.mq_maxmsg, a.mq_msgsize, a.mq_curmsgs);
}

static void
esysv_ready(struct queue *q, const char *what)
{
	struct msqid_ds ds;
	long long v;

	v = sysctl_num("/proc/sys/kernel/msgmax");
	q->msgmax = v > 0 && v <= LONG_MAX ? (long)v : 8192;
	if (msgctl(q->id, IPC_STAT, &ds) == 0) {
		q->qbytes = ds.msg_qbytes;
		q->ref.key = ds.msg_perm.__key;
	} else if (errno == EACCES)
		q->qbytes = (unsigned long)q->msgmax;	/* not ours to see */
	else if (errno == EINVAL || errno == EIDRM)
		eerrx(EXIT_FAIL, "no such queue");
	else
		eerr(EXIT_FAIL, "msgctl IPC_STAT");
	q->maxsize = (size_t)q->msgmax;
	if (q->qbytes < q->maxsize)
		q->maxsize = q->qbytes;
	/* receive buffers take the largest message the system allows */
	q->bufsz = (size_t)q->msgmax > q->maxsize ? (size_t)q->msgmax :
	    q->maxsize;
	q->buf = ecalloc(1, sizeof(long) + q->bufsz + 1);
	sysv_verbose(q, what);
}

static void
eopen_fail(const struct queue *q)
{
	(void)q;
	if (errno == ENOENT)
		eerrx(EXIT_FAIL, "no such queue");
	eerr(EXIT_FAIL, "cannot open the queue");
}

/* open an existing queue; POSIX oflag O_RDONLY/O_WRONLY/O_RDWR */
static int
try_open(struct queue *q, int oflag)
{
	if (!q->sysv) {
		q->mqd = mq_open(q->name, oflag | O_CLOEXEC);
		if (q->mqd == (mqd_t)-1)
			return -1;
		q->oflag = oflag;
		return 0;
	}
	if (q->ref.id >= 0) {
		struct msqid_ds ds;

		/* id:N - check it names a queue (IPC_STAT needs read) */
		if (msgctl(q->ref.id, IPC_STAT, &ds) == -1 &&
		    errno != EACCES) {
			errno = ENOENT;
			return -1;
		}
		q->id = q->ref.id;
		return 0;
	}
	if (q->ref.key == IPC_PRIVATE)
		eusage("key 0 is IPC_PRIVATE: name a private queue as id:N");
	if ((q->id = msgget(q->ref.key, 0)) == -1)
		return -1;
	return 0;
}

static void
eopen(struct queue *q, int oflag)
{
	if (try_open(q, oflag) == -1)
		eopen_fail(q);
	if (q->sysv)
		esysv_ready(q, "opened");
	else
		eposix_ready(q, "opened");
}

static void
posix_unlink(void *name)
{
	(void)mq_unlink(name);
}

static void
sysv_rmid(void *idp)
{
	(void)msgctl(*(int *)idp, IPC_RMID, NULL);
}

/* name the limit behind a failed mq_open(O_CREAT) */
static void
eposix_createfail(const struct mq_attr *a)
{
	long long msg_max, msgsize_max, qmax;
	struct rlimit rl;
	int fd;

	switch (errno) {
	case EEXIST:
		eerrx(EXIT_FAIL, "queue already exists");
	case EINVAL:
		msg_max = sysctl_num("/proc/sys/fs/mqueue/msg_max");
		msgsize_max = sysctl_num("/proc/sys/fs/mqueue/msgsize_max");
		if (a->mq_maxmsg > HARD_MSGMAX)
			eerrx(EXIT_FAIL, "queue depth %ld exceeds the kernel's "
			    "hard limit %d (HARD_MSGMAX)", a->mq_maxmsg,
			    HARD_MSGMAX);
		if (a->mq_msgsize > HARD_MSGSIZEMAX)
			eerrx(EXIT_FAIL, "message size %ld exceeds the "
			    "kernel's hard limit %d (HARD_MSGSIZEMAX)",
			    a->mq_msgsize, HARD_MSGSIZEMAX);
		if (msg_max >= 0 && a->mq_maxmsg > msg_max)
			eerrx(EXIT_FAIL, "queue depth %ld exceeds "
			    "fs.mqueue.msg_max = %lld", a->mq_maxmsg, msg_max);
		if (msgsize_max >= 0 && a->mq_msgsize > msgsize_max)
			eerrx(EXIT_FAIL, "message size %ld exceeds "
			    "fs.mqueue.msgsize_max = %lld", a->mq_msgsize,
			    msgsize_max);
		eerr(EXIT_FAIL, "depth %ld, message size %ld", a->mq_maxmsg,
		    a->mq_msgsize);
	case ENOSPC:
		qmax = sysctl_num("/proc/sys/fs/mqueue/queues_max");
		eerrx(EXIT_FAIL, "too many queues: fs.mqueue.queues_max = %lld "
		    "reached", qmax);
	case EMFILE:
		/* the kernel says EMFILE for RLIMIT_MSGQUEUE too */
		if ((fd = dup(2)) == -1 && errno == EMFILE) {
			errno = EMFILE;
			eerr(EXIT_FAIL, "mq_open");
		}
		if (fd != -1)
			close(fd);
		if (getrlimit(RLIMIT_MSGQUEUE, &rl) == -1)
			rl.rlim_cur = RLIM_INFINITY;
		eerrx(EXIT_FAIL, "a queue of %ld x %ld bytes (about %lld with "
		    "the kernel's overhead) does not fit in RLIMIT_MSGQUEUE "
		    "(ulimit -q) = %llu bytes, with this user's other queues",
		    a->mq_maxmsg, a->mq_msgsize,
		    (long long)a->mq_maxmsg * (a->mq_msgsize + 48) +
		    (long long)(a->mq_maxmsg < 32768 ? a->mq_maxmsg : 32768) *
		    48, (unsigned long long)rl.rlim_cur);
	default:
		eerr(EXIT_FAIL, "mq_open");
	}
}

/*
 * Create the queue: exactly the mode asked whatever the umask (fchmod on
 * the queue), never adopting an existing one.  With adopt (send --create)
 * an existing queue is opened instead.  Returns 1 if created, 0 if
 * adopted.
 */
static int
eposix_create(struct queue *q, const struct qattr *qa, int oflag, int adopt)
{
	struct mq_attr a, *ap = NULL;
	int h, tries;
	long long v;

	memset(&a, 0, sizeof(a));
	if (qa->maxmsg > 0 || qa->msgsize > 0) {
		v = sysctl_num("/proc/sys/fs/mqueue/msg_default");
		a.mq_maxmsg = qa->maxmsg > 0 ? qa->maxmsg : v > 0 ? v : 10;
		v = sysctl_num("/proc/sys/fs/mqueue/msgsize_default");
		a.mq_msgsize = qa->msgsize > 0 ? qa->msgsize :
		    v > 0 ? v : 8192;
		ap = &a;
	}
	for (tries = 0; tries < 100; tries++) {
		q->mqd = mq_open(q->name, oflag | O_CREAT | O_EXCL | O_CLOEXEC,
		    opt.mode & 0777, ap);
		if (q->mqd != (mqd_t)-1) {
			h = cleanup_add(posix_unlink, q->name);
			if (fchmod(q->mqd, opt.mode & 0777) == -1)
				eerr(EXIT_FAIL, "fchmod");
			cleanup_del(h);
			q->oflag = oflag;
			eposix_ready(q, "created");
			return 1;
		}
		if (errno != EEXIST || !adopt) {
			if (ap == NULL) {
				a.mq_maxmsg = sysctl_num(
				    "/proc/sys/fs/mqueue/msg_default");
				a.mq_msgsize = sysctl_num(
				    "/proc/sys/fs/mqueue/msgsize_default");
			}
			eposix_createfail(&a);
		}
		if (try_open(q, oflag) == 0) {
			eposix_ready(q, "existing");
			return 0;
		}
		if (errno != ENOENT)	/* else removed meanwhile: again */
			eopen_fail(q);
	}
	eerrx(EXIT_FAIL, "queue keeps appearing and vanishing");
}

static int
esysv_create(struct queue *q, const struct qattr *qa, int adopt)
{
	struct msqid_ds ds;
	long long mnb;
	int h;

	if (adopt && q->ref.id < 0 && q->ref.key == IPC_PRIVATE)
		eusage("key 0 is IPC_PRIVATE: create it first, then use id:N");
	if (q->ref.id >= 0) {
		if (!adopt)
			eusage("create needs a key, not id:N");
		eopen(q, O_RDWR);
		return 0;
	}
	for (;;) {
		q->id = msgget(q->ref.key, IPC_CREAT | IPC_EXCL |
		    (int)(opt.mode & 0777));
		if (q->id != -1)
			break;
		if (errno == EEXIST && adopt) {
			if ((q->id = msgget(q->ref.key, 0)) != -1) {
				esysv_ready(q, "existing");
				return 0;
			}
			if (errno == ENOENT)
				continue;
			eopen_fail(q);
		}
		if (errno == EEXIST)
			eerrx(EXIT_FAIL, "queue already exists");
		if (errno == ENOSPC)
			eerrx(EXIT_FAIL, "too many queues: kernel.msgmni = %lld "
			    "reached", sysctl_num("/proc/sys/kernel/msgmni"));
		eerr(EXIT_FAIL, "msgget");
	}
	h = cleanup_add(sysv_rmid, &q->id);
	if (qa->maxbytes > 0) {
		if (msgctl(q->id, IPC_STAT, &ds) == -1)
			eerr(EXIT_FAIL, "msgctl IPC_STAT");
		ds.msg_qbytes = qa->maxbytes;
		if (msgctl(q->id, IPC_SET, &ds) == -1) {
			mnb = sysctl_num("/proc/sys/kernel/msgmnb");
			if (errno == EPERM && (long long)qa->maxbytes > mnb)
				eerrx(EXIT_FAIL, "--max-bytes %lu exceeds "
				    "kernel.msgmnb = %lld (only root may go "
				    "above it)", qa->maxbytes, mnb);
			eerr(EXIT_FAIL, "msgctl IPC_SET");
		}
	}
	cleanup_del(h);
	esysv_ready(q, "created");
	return 1;
}

/* the same queue again, non-blocking, for the tries that must not sleep */
static void
eposix_nb(struct queue *q)
{
	struct stat st;

	q->mqd_nb = mq_open(q->name, q->oflag | O_NONBLOCK | O_CLOEXEC);
	if (q->mqd_nb == (mqd_t)-1 && errno == ENOENT)
		eremoved(q, NULL);
	if (q->mqd_nb == (mqd_t)-1)
		eerr(EXIT_FAIL, "mq_open");
	if (fstat(q->mqd_nb, &st) == -1 || st.st_ino != q->ino ||
	    st.st_dev != q->dev)
		eremoved(q, NULL);
}

/* ---- the POSIX removal check ------------------------------------------- */

/*
 * mq_unlink does not wake a waiter, and the queue lives on while open:
 * look the name up again; gone, or naming another queue, is "removed".
 */
static int
posix_gone(struct queue *q)
{
	struct stat st;
	mqd_t m;
	int gone;

	q->lastcheck = mono_ms();
	m = mq_open(q->name, q->oflag | O_CLOEXEC);
	if (m == (mqd_t)-1)
		return errno == ENOENT;
	gone = fstat(m, &st) == 0 && (st.st_ino != q->ino ||
	    st.st_dev != q->dev);
	mq_close(m);
	return gone;
}

/* at most about once per RECHECK_MS: has the queue been unlinked? */
static void
eposix_check(struct queue *q)
{
	if (!q->sysv && mono_ms() - q->lastcheck >= RECHECK_MS / 2 &&
	    posix_gone(q))
		eremoved(q, NULL);
}

/*
 * While recv waits, nothing of ours is buffered: if the reader of stdout
 * has gone (a pipe's POLLERR, a socket's POLLHUP), end now as a write
 * would, instead of waiting for a message only to find out then.
 */
static void
estdout_check(void)
{
	struct pollfd p = { .fd = 1, .events = 0 };

	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)))
		eepipe();
}

/* ---- sending ----------------------------------------------------------- */

/*
 * One send: block or not (POSIX: the blocking or the O_NONBLOCK
 * descriptor), until ts (POSIX) if given.  0 sent, or -1 with errno
 * EAGAIN (full), ETIMEDOUT or EINTR; other failures end the run.  For
 * System V the message (type and text) is already in q->buf.
 */
static int
esend1(struct queue *q, const char *p, size_t n, long prio, int block,
    const struct timespec *ts)
{
	int r;

	if (!q->sysv) {
		if (!block)
			r = mq_send(q->mqd_nb, p, n, (unsigned)prio);
		else if (ts == NULL)
			r = mq_send(q->mqd, p, n, (unsigned)prio);
		else
			r = mq_timedsend(q->mqd, p, n, (unsigned)prio, ts);
		if (r == 0 || errno == EAGAIN || errno == ETIMEDOUT ||
		    errno == EINTR)
			return r;
		if (errno == EMSGSIZE)
			eerrx(EXIT_FAIL, "message of %zu bytes exceeds the "
			    "queue's msgsize %zu", n, q->maxsize);
		eerr(EXIT_FAIL, "mq_send");
	}
	if (msgsnd(q->id, q->buf, n, block ? 0 : IPC_NOWAIT) == 0)
		return 0;
	switch (errno) {
	case EAGAIN:
	case EINTR:
		return -1;
	case EIDRM:
		eremoved(q, NULL);
	case EINVAL:
		if (msgctl(q->id, IPC_STAT, &(struct msqid_ds){0}) == -1 &&
		    (errno == EINVAL || errno == EIDRM))
			eremoved(q, NULL);
		errno = EINVAL;
		/* FALLTHROUGH */
	default:
		eerr(EXIT_FAIL, "msgsnd");
	}
}

/*
 * Send one message: 0 sent, 1 timed out (nothing sent).  ms is the
 * longest wait for room, -1 forever, 0 not at all.  A full queue is
 * first retried without sleeping for up to SPIN_US (when another CPU
 * can run the receiver): a sender that sleeps on a full queue costs the
 * receiver a wake-up per message, which halves the rate of a busy pair.
 */
static int
esend(struct queue *q, const char *p, size_t n, long prio, long long ms)
{
	struct deadline d;
	struct timespec ts;
	long long t0;
	int k = 0;

	if (q->sysv) {
		*(long *)(void *)q->buf = prio;
		memcpy(q->buf + sizeof(long), p, n);
	}
	if (esend1(q, p, n, prio, 0, NULL) == 0)
		return 0;
	if (ms == 0)
		return 1;
	deadline_init(&d, ms);
	if (spin_ok) {
		t0 = mono_us();
		do {
			if (esend1(q, p, n, prio, 0, NULL) == 0)
				return 0;
		} while ((++k & 7) != 0 || mono_us() - t0 < SPIN_US);
	}
	for (;;) {
		if (gotsig)
			echecksig();
		if (ms > 0 && q->sysv) {
			long long left = deadline_left(&d);

			if (left == 0)
				return 1;
			earm(left, TICK_MS);
		}
		if (esend1(q, p, n, prio, 1, ms > 0 && !q->sysv ?
		    slice(&d, RECHECK_MS, &ts) : NULL) == 0)
			return 0;
		if (errno == EINTR)
			echecksig();
		if (ms > 0 && deadline_expired(&d))
			return 1;
		eposix_check(q);
	}
}

static void
etoobig(const struct queue *q, size_t n, uint64_t nrec)
{
	char sent[96];

	snprintf(sent, sizeof(sent), " (record %llu; %llu before it sent)",
	    (unsigned long long)nrec, (unsigned long long)(nrec - 1));
	if (!q->sysv)
		eerrx(EXIT_FAIL, "message of %zu bytes exceeds the queue's "
		    "msgsize %zu%s", n, q->maxsize, sent);
	if (n > (size_t)q->msgmax)
		eerrx(EXIT_FAIL, "message of %zu bytes exceeds kernel.msgmax "
		    "= %ld%s", n, q->msgmax, sent);
	eerrx(EXIT_FAIL, "message of %zu bytes exceeds the queue's "
	    "msg_qbytes %lu%s", n, q->qbytes, sent);
}

static void
etimedout_send(uint64_t sent)
{
	char d[48], t[24];

	if (opt.timeout == 0)
		snprintf(d, sizeof(d), "is full");
	else
		snprintf(d, sizeof(d), "stayed full for %s",
		    fmt_dur(t, sizeof(t), opt.timeout));
	if (!opt.quiet)
		iwarnx("queue %s: %llu records sent, the rest not", d,
		    (unsigned long long)sent);
	exit(EXIT_TIMEOUT);
}

static int
cmd_send(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "priority", required_argument, NULL, OPT_PRIORITY },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "eof", no_argument, NULL, OPT_EOF },
		{ "max-msgs", required_argument, NULL, OPT_MAXMSGS },
		{ "msg-size", required_argument, NULL, OPT_MSGSIZE },
		{ "max-bytes", required_argument, NULL, OPT_MAXBYTES },
		{ NULL, 0, NULL, 0 },
	};
	struct qattr qa = { 0, 0, 0 };
	struct queue q;
	struct recin in;
	long prio = -1, type = -1;
	int c, eof = 0;
	ssize_t n;
	char *p;

	opt_begin(argc, argv, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT | OPT_NULL | OPT_RAW |
	    OPT_CREATE | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case OPT_PRIORITY:
			prio = (long)enum_("priority", optarg, 0, 32767);
			break;
		case OPT_TYPE:
			type = (long)enum_("type", optarg, 1, LONG_MAX);
			break;
		case OPT_EOF:
			eof = 1;
			break;
		case OPT_MAXMSGS:
			qa.maxmsg = (long)enum_("max-msgs", optarg, 1, INT_MAX);
			break;
		case OPT_MSGSIZE:
			qa.msgsize = (long)esize("msg-size", optarg, 1, INT_MAX);
			break;
		case OPT_MAXBYTES:
			qa.maxbytes = (unsigned long)esize("max-bytes", optarg,
			    1, LONG_MAX);
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if (opt.raw && (opt.given & OPT_NULL))
		eusage("-0 and --raw do not mix");
	if (!opt.create && ((opt.given & OPT_MODE) || qa.maxmsg || qa.msgsize ||
	    qa.maxbytes))
		eusage("--mode, --max-msgs, --msg-size and --max-bytes go "
		    "with --create");
	if (opt.sysv && (prio >= 0 || qa.maxmsg || qa.msgsize))
		eusage("--priority, --max-msgs and --msg-size are for POSIX "
		    "queues (System V: --type, --max-bytes)");
	if (!opt.sysv && (type >= 0 || qa.maxbytes))
		eusage("--type and --max-bytes are for System V queues "
		    "(add --sysv)");
	eoperand(&q, argv[0]);
	if (opt.create && q.sysv)
		esysv_create(&q, &qa, 1);
	else if (opt.create)
		eposix_create(&q, &qa, O_WRONLY, 1);
	else
		eopen(&q, O_WRONLY);
	if (!q.sysv)
		eposix_nb(&q);
	alrm_init();
	if (opt.timeout < 0)
		earm(RECHECK_MS, RECHECK_MS);
	if (prio < 0)
		prio = q.sysv ? (type > 0 ? type : 1) : 0;
	if (eof && q.maxsize < EOFLEN)
		eerrx(EXIT_FAIL, "the queue's largest message, %zu bytes, is "
		    "shorter than the end-of-stream marker (%d bytes)",
		    q.maxsize, EOFLEN);

	recin_init(&in, 0, opt.raw ? REC_RAW : opt.sep, q.maxsize);
	for (;;) {
		n = recin_next(&in, &p);
		if (n == -1) {
			if (errno == 0)
				break;
			if (errno == E2BIG)
				etoobig(&q, REC_HARDMAX, in.nrec + 1);
			eerr(EXIT_FAIL, "read error on stdin");
		}
		if ((size_t)n > q.maxsize)
			etoobig(&q, (size_t)n, in.nrec);
		if (opt.raw && is_eofmark(p, (size_t)n)) {
			/* a chunk that looks like the marker: two messages */
			if (esend(&q, p, 1, prio, opt.timeout) ||
			    esend(&q, p + 1, EOFLEN - 1, prio, opt.timeout))
				etimedout_send(in.nrec - 1);
			continue;
		}
		if (esend(&q, p, (size_t)n, prio, opt.timeout))
			etimedout_send(in.nrec - 1);
	}
	/* POSIX: priority 0, after everything queued before it */
	if (eof && esend(&q, EOFMARK, EOFLEN, q.sysv ? prio : 0, opt.timeout))
		etimedout_send(in.nrec);
	iverbose("%llu records sent%s", (unsigned long long)in.nrec,
	    eof ? ", then the end-of-stream marker" : "");
	recin_free(&in);
	free(q.buf);
	if (!q.sysv) {
		mq_close(q.mqd_nb);
		mq_close(q.mqd);
	}
	return 0;
}

/* ---- receiving --------------------------------------------------------- */

/* a record taken and buffered but not yet written */
struct pend {
	size_t		 end;		/* out.len after it */
	size_t		 off, len;	/* payload, in out.buf or the arena */
	int		 inarena;	/* 2: the end-of-stream marker */
	long		 prio;
};

struct rx {
	struct queue	*q;
	struct recout	 out;
	struct pend	*pend;
	size_t		 npend, maxpend;
	char		*arena;		/* payload copies (--json) */
	size_t		 arenalen, arenacap;
	int		 sep;		/* '\n', '\0' or REC_RAW */
	int		 showprio;
	long		 type;		/* SysV msgrcv msgtyp */
	uint64_t	 delivered;
};

/*
 * One receive, as esend1 sends: the length, or -1 with errno EAGAIN
 * (empty), ETIMEDOUT or EINTR; other failures end the run.
 */
static ssize_t
erecv1(struct rx *rx, int block, const struct timespec *ts, long *priop)
{
	struct queue *q = rx->q;
	unsigned prio;
	ssize_t n;

	if (!q->sysv) {
		if (!block)
			n = mq_receive(q->mqd_nb, q->buf, q->bufsz, &prio);
		else if (ts == NULL)
			n = mq_receive(q->mqd, q->buf, q->bufsz, &prio);
		else
			n = mq_timedreceive(q->mqd, q->buf, q->bufsz, &prio,
			    ts);
		if (n >= 0) {
			*priop = (long)prio;
			return n;
		}
		if (errno == EAGAIN || errno == ETIMEDOUT || errno == EINTR)
			return -1;
		eerr(EXIT_FAIL, "mq_receive");
	}
	for (;;) {
		n = msgrcv(q->id, q->buf, q->bufsz, rx->type,
		    block ? 0 : IPC_NOWAIT);
		if (n >= 0) {
			*priop = *(long *)(void *)q->buf;
			return n;
		}
		switch (errno) {
		case ENOMSG:
			errno = EAGAIN;
			/* FALLTHROUGH */
		case EAGAIN:
		case EINTR:
			return -1;
		case E2BIG:
			/* a message longer than msgmax said: grow, again */
			if (q->bufsz >= (size_t)INT_MAX / 2)
				eerr(EXIT_FAIL, "msgrcv");
			q->bufsz *= 2;
			free(q->buf);
			q->buf = ecalloc(1, sizeof(long) + q->bufsz + 1);
			continue;
		case EIDRM:
			eremoved(q, NULL);
		case EINVAL:
			if (msgctl(q->id, IPC_STAT, &(struct msqid_ds){0}) ==
			    -1 && (errno == EINVAL || errno == EIDRM))
				eremoved(q, NULL);
			errno = EINVAL;
			/* FALLTHROUGH */
		default:
			eerr(EXIT_FAIL, "msgrcv");
		}
	}
}

/*
 * Take one message.  wait: -1 forever, 0 not at all, else ms.
 * Returns GOT_MSG (length in *lenp, priority in *priop), GOT_NONE
 * (empty, for wait 0) or GOT_TIMEOUT.  An empty queue is retried without
 * sleeping for up to SPIN_US first, as esend does.
 */
static int
etake(struct rx *rx, long long wait, size_t *lenp, long *priop)
{
	struct queue *q = rx->q;
	struct deadline d;
	struct timespec ts;
	long long t0;
	ssize_t n;
	int k = 0;

	if ((n = erecv1(rx, 0, NULL, priop)) >= 0)
		goto got;
	if (wait == 0)
		return GOT_NONE;
	deadline_init(&d, wait);
	if (spin_ok) {
		t0 = mono_us();
		do {
			if ((n = erecv1(rx, 0, NULL, priop)) >= 0)
				goto got;
		} while ((++k & 7) != 0 || mono_us() - t0 < SPIN_US);
	}
	for (;;) {
		if (gotsig)
			echecksig();
		if (wait > 0 && q->sysv) {
			long long left = deadline_left(&d);

			if (left == 0)
				return GOT_TIMEOUT;
			earm(left, TICK_MS);
		}
		n = erecv1(rx, 1, wait > 0 && !q->sysv ?
		    slice(&d, RECHECK_MS, &ts) : NULL, priop);
		if (n >= 0)
			goto got;
		if (errno == EINTR)
			echecksig();
		if (wait > 0 && deadline_expired(&d))
			return GOT_TIMEOUT;
		eposix_check(q);
		estdout_check();
	}
got:
	*lenp = (size_t)n;
	return GOT_MSG;
}

/*
 * Give back what was taken but not written: sent again, in order, with
 * its priority or type (so to the back of its class).  Returns how many
 * could not be given back.
 */
static size_t
giveback(struct rx *rx, size_t from)
{
	struct queue *q = rx->q;
	struct deadline d;
	struct timespec ts;
	size_t i, lost = 0;
	mqd_t m = q->mqd;

	if (!q->sysv && (q->oflag & O_ACCMODE) == O_RDONLY) {
		m = mq_open(q->name, O_WRONLY | O_CLOEXEC);
		if (m == (mqd_t)-1)
			return rx->npend - from;
	}
	deadline_init(&d, PUTBACK_MS);
	for (i = from; i < rx->npend; i++) {
		const struct pend *pe = &rx->pend[i];
		const char *p = pe->inarena == 2 ? EOFMARK :
		    (pe->inarena ? rx->arena : rx->out.buf) + pe->off;
		int r;

		if (!q->sysv) {
			do {
				r = mq_timedsend(m, p, pe->len,
				    (unsigned)pe->prio,
				    deadline_realtime(&d, &ts));
			} while (r == -1 && errno == EINTR);
		} else {
			*(long *)(void *)q->buf = pe->prio;
			memmove(q->buf + sizeof(long), p, pe->len);
			do {
				long long left = deadline_left(&d);

				r = -1;
				errno = ETIMEDOUT;
				if (left == 0)
					break;
				earm(left, TICK_MS);
				r = msgsnd(q->id, q->buf, pe->len, 0);
			} while (r == -1 && errno == EINTR);
		}
		if (r == -1)
			lost++;
	}
	if (m != q->mqd)
		mq_close(m);
	return lost;
}

/*
 * Write what is buffered.  Records not written whole (stdout gone, a
 * write error, a terminating signal) are given back before we go.
 */
static void
eflush(struct rx *rx)
{
	struct recout *w = &rx->out;
	size_t done = 0, i, lost;
	ssize_t r;
	int saved;

	while (done < w->len) {
		r = write(w->fd, w->buf + done, w->len - done);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR && !gotsig)
			continue;
		if (r == -1 && errno == EAGAIN) {
			if (waitfd(w->fd, POLLOUT, -1) == 1)
				continue;
		}
		saved = r == -1 ? errno : EIO;
		for (i = 0; i < rx->npend && rx->pend[i].end <= done; i++)
			;
		lost = giveback(rx, i);
		if (lost > 0)
			iwarnx("%zu messages taken could not be given back: "
			    "lost", lost);
		if (gotsig && saved == EINTR)
			echecksig();
		if (saved == EPIPE && lost == 0)
			eepipe();
		errno = saved;
		eerr(EXIT_FAIL, "write error on stdout (%zu messages given "
		    "back)", rx->npend - i - lost);
	}
	w->len = 0;
	rx->npend = 0;
	rx->arenalen = 0;
}

/* make room for a record of up to need output bytes */
static void
eroom(struct rx *rx, size_t need)
{
	if (rx->out.len + need > rx->out.cap || rx->npend == rx->maxpend)
		eflush(rx);
}

static void
ebuffer(struct rx *rx, const char *p, size_t n, long prio)
{
	struct recout *w = &rx->out;
	struct pend *pe;
	char pre[32];
	int plen = 0;

	if (opt.json) {
		eroom(rx, n * 6 + 64);
		if (rx->arenalen + n > rx->arenacap) {
			rx->arenacap = (rx->arenalen + n) * 2;
			rx->arena = ereallocarray(rx->arena, rx->arenacap, 1);
		}
		memcpy(rx->arena + rx->arenalen, p, n);
		pe = &rx->pend[rx->npend++];
		pe->off = rx->arenalen;
		pe->len = n;
		pe->inarena = 1;
		pe->prio = prio;
		rx->arenalen += n;
		memcpy(w->buf + w->len, "{\"data\":\"", 9);
		w->len += 9;
		w->len += json_escape(w->buf + w->len, p, n);
		w->len += (size_t)snprintf(w->buf + w->len, 48,
		    "\",\"%s\":%ld}\n", rx->q->sysv ? "type" : "priority",
		    prio);
		pe->end = w->len;
		return;
	}
	if (rx->showprio)
		plen = snprintf(pre, sizeof(pre), "%ld\t", prio);
	eroom(rx, (size_t)plen + n + 1);
	if (w->buf == NULL)
		w->buf = ecalloc(1, w->cap);
	memcpy(w->buf + w->len, pre, (size_t)plen);
	w->len += (size_t)plen;
	pe = &rx->pend[rx->npend++];
	pe->off = w->len;
	pe->len = n;
	pe->inarena = 0;
	pe->prio = prio;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	if (rx->sep != REC_RAW)
		w->buf[w->len++] = (char)rx->sep;
	pe->end = w->len;
}

static int
cmd_recv(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "priority", no_argument, NULL, OPT_PRIORITY },
		{ "drain", no_argument, NULL, OPT_DRAIN },
		{ NULL, 0, NULL, 0 },
	};
	struct queue q;
	struct rx rx;
	size_t n;
	long prio;
	int c, r, typegiven = 0, marker = 0;

	memset(&rx, 0, sizeof(rx));
	opt_begin(argc, argv, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT | OPT_COUNT |
	    OPT_NULL | OPT_RAW | OPT_JSON, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case OPT_TYPE:
			rx.type = (long)enum_("type", optarg, -LONG_MAX,
			    LONG_MAX);
			typegiven = 1;
			break;
		case OPT_PRIORITY:
			rx.showprio = 1;
			break;
		case OPT_DRAIN:
			opt.timeout = 0;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if (opt.raw && (opt.given & OPT_NULL))
		eusage("-0 and --raw do not mix");
	if (opt.json && (opt.raw || (opt.given & OPT_NULL) || rx.showprio))
		eusage("--json does not mix with -0, --raw or --priority");
	if (opt.raw && rx.showprio)
		eusage("--priority does not mix with --raw");
	if (typegiven && !opt.sysv)
		eusage("--type is for System V queues (add --sysv)");
	eoperand(&q, argv[0]);
	/* read and write: a message we cannot deliver is given back */
	if (try_open(&q, O_RDWR) == -1 && (q.sysv || errno != EACCES ||
	    try_open(&q, O_RDONLY) == -1))
		eopen_fail(&q);
	if (q.sysv)
		esysv_ready(&q, "opened");
	else {
		eposix_ready(&q, "opened");
		eposix_nb(&q);
	}
	alrm_init();
	if (opt.timeout < 0)
		earm(RECHECK_MS, RECHECK_MS);

	rx.q = &q;
	rx.sep = opt.raw ? REC_RAW : opt.sep;
	recout_init(&rx.out, 1, q.bufsz * 6 + 64 > 256 * 1024 ?
	    q.bufsz * 6 + 64 : 256 * 1024);
	rx.out.buf = ecalloc(1, rx.out.cap);
	rx.maxpend = 4096;
	rx.pend = ecalloc(rx.maxpend, sizeof(*rx.pend));

	while (opt.count == 0 || rx.delivered < (uint64_t)opt.count) {
		if (gotsig) {
			eflush(&rx);
			echecksig();
		}
		r = GOT_NONE;
		if (rx.out.len > 0 || opt.timeout == 0)
			r = etake(&rx, 0, &n, &prio);
		if (r == GOT_NONE) {
			if (opt.timeout == 0)
				break;
			/* the queue is empty: write, then wait */
			eflush(&rx);
			if (gotsig)
				echecksig();
			r = etake(&rx, opt.timeout, &n, &prio);
		}
		if (r != GOT_MSG)
			break;
		if (is_eofmark(q.buf + (q.sysv ? sizeof(long) : 0), n)) {
			/* given back after the records if they cannot be
			 * written, so that it still stops one receiver */
			struct pend *pe;

			eroom(&rx, 0);
			pe = &rx.pend[rx.npend++];
			memset(pe, 0, sizeof(*pe));
			pe->inarena = 2;
			pe->len = EOFLEN;
			pe->prio = prio;
			pe->end = rx.out.len;
			marker = 1;
			break;
		}
		ebuffer(&rx, q.buf + (q.sysv ? sizeof(long) : 0), n, prio);
		rx.delivered++;
	}
	eflush(&rx);
	iverbose("%llu records received%s", (unsigned long long)rx.delivered,
	    marker ? ", then the end-of-stream marker" : "");
	free(rx.pend);
	free(rx.arena);
	recout_free(&rx.out);
	free(q.buf);
	if (!q.sysv) {
		mq_close(q.mqd_nb);
		mq_close(q.mqd);
	}
	if (marker || rx.delivered > 0)
		return 0;
	return EXIT_TIMEOUT;
}

/* ---- create ------------------------------------------------------------ */

static int
cmd_create(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "max-msgs", required_argument, NULL, OPT_MAXMSGS },
		{ "msg-size", required_argument, NULL, OPT_MSGSIZE },
		{ "max-bytes", required_argument, NULL, OPT_MAXBYTES },
		{ NULL, 0, NULL, 0 },
	};
	struct qattr qa = { 0, 0, 0 };
	struct queue q;
	int c;

	opt_begin(argc, argv, OPT_SYSV | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case OPT_MAXMSGS:
			qa.maxmsg = (long)enum_("max-msgs", optarg, 1, INT_MAX);
			break;
		case OPT_MSGSIZE:
			qa.msgsize = (long)esize("msg-size", optarg, 1, INT_MAX);
			break;
		case OPT_MAXBYTES:
			qa.maxbytes = (unsigned long)esize("max-bytes", optarg,
			    1, LONG_MAX);
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if (opt.sysv && (qa.maxmsg || qa.msgsize))
		eusage("--max-msgs and --msg-size are for POSIX queues "
		    "(System V: --max-bytes)");
	if (!opt.sysv && qa.maxbytes)
		eusage("--max-bytes is for System V queues (add --sysv)");
	eoperand(&q, argv[0]);
	if (q.sysv) {
		esysv_create(&q, &qa, 0);
		if (q.ref.key == IPC_PRIVATE)
			printf("id:%d\n", q.id);
	} else {
		eposix_create(&q, &qa, O_RDONLY, 0);
		mq_close(q.mqd);
	}
	free(q.buf);
	return 0;
}

/* ---- stat -------------------------------------------------------------- */

static void
timestr(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (t == 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm);
}

/* one "field value" line, or one JSON member */
static int nfield;

static void
field(const char *k, const char *v, int quote)
{
	if (!opt.json) {
		printf("%-9s %s\n", k, v);
		return;
	}
	printf("%s\"%s\":", nfield++ ? "," : "{", k);
	if (quote)
		mq_json_str(stdout, v);
	else
		fputs(v, stdout);
}

static void
fieldnum(const char *k, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	field(k, b, 0);
}

static void
fieldtime(const char *k, time_t t)
{
	char b[64];

	if (opt.json) {
		if (t == 0)
			field(k, "null", 0);
		else
			fieldnum(k, (long long)t);
		return;
	}
	timestr(b, sizeof(b), t);
	field(k, b, 0);
}

static void
fieldowner(const char *uk, const char *gk, uid_t uid, gid_t gid)
{
	char b[32];

	field(uk, username(uid, b, sizeof(b)), 1);
	if (opt.json) {
		char k[16];

		snprintf(k, sizeof(k), "%sid", uk[0] == 'o' ? "u" : "cu");
		fieldnum(k, uid);
	}
	field(gk, groupname(gid, b, sizeof(b)), 1);
	if (opt.json) {
		char k[16];

		snprintf(k, sizeof(k), "%sid", gk[0] == 'g' ? "g" : "cg");
		fieldnum(k, gid);
	}
}

static int
cmd_stat(int argc, char *argv[])
{
	struct queue q;
	struct mq_attr a;
	struct msqid_ds ds;
	struct stat st;
	char b[64];
	long long qsize = -1;
	ssize_t n;

	opt_begin(argc, argv, OPT_SYSV | OPT_JSON, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	eoperand(&q, argv[0]);
	if (!q.sysv) {
		if (try_open(&q, O_RDONLY) == -1 && (errno != EACCES ||
		    try_open(&q, O_WRONLY) == -1))
			eopen_fail(&q);
		if (mq_getattr(q.mqd, &a) == -1 || fstat(q.mqd, &st) == -1)
			eerr(EXIT_FAIL, "mq_getattr");
		/* reading the queue file gives "QSIZE:n ..." */
		if (q.oflag == O_RDONLY &&
		    (n = read(q.mqd, b, sizeof(b) - 1)) > 6) {
			b[n] = '\0';
			if (strncmp(b, "QSIZE:", 6) == 0)
				qsize = strtoll(b + 6, NULL, 10);
		}
		mq_close(q.mqd);
		field("name", q.name, 1);
		field("flavour", "posix", 1);
		fieldnum("depth", a.mq_curmsgs);
		if (qsize >= 0)
			fieldnum("bytes", qsize);
		else
			field("bytes", opt.json ? "null" : "-", 0);
		fieldnum("maxmsg", a.mq_maxmsg);
		fieldnum("msgsize", a.mq_msgsize);
		fieldowner("owner", "group", st.st_uid, st.st_gid);
		snprintf(b, sizeof(b), "%04o", (unsigned)(st.st_mode & 07777));
		field("mode", b, 1);
		fieldtime("mtime", st.st_mtime);
	} else {
		if (try_open(&q, 0) == -1)
			eopen_fail(&q);
		if (msgctl(q.id, IPC_STAT, &ds) == -1) {
			if (errno == EINVAL || errno == EIDRM)
				eerrx(EXIT_FAIL, "no such queue");
			eerr(EXIT_FAIL, "msgctl IPC_STAT");
		}
		snprintf(b, sizeof(b), "0x%08x", (unsigned)ds.msg_perm.__key);
		field("key", b, 1);
		fieldnum("id", q.id);
		if (q.ref.fromftok) {
			field("file", q.operand, 1);
			fieldnum("proj", opt.proj);
		}
		field("flavour", "sysv", 1);
		fieldnum("depth", (long long)ds.msg_qnum);
		fieldnum("bytes", (long long)ds.__msg_cbytes);
		fieldnum("qbytes", (long long)ds.msg_qbytes);
		fieldnum("msgmax", sysctl_num("/proc/sys/kernel/msgmax"));
		fieldowner("owner", "group", ds.msg_perm.uid, ds.msg_perm.gid);
		fieldowner("cuser", "cgroup", ds.msg_perm.cuid,
		    ds.msg_perm.cgid);
		snprintf(b, sizeof(b), "%04o",
		    (unsigned)(ds.msg_perm.mode & 0777));
		field("mode", b, 1);
		fieldnum("lspid", ds.msg_lspid);
		fieldnum("lrpid", ds.msg_lrpid);
		fieldtime("stime", ds.msg_stime);
		fieldtime("rtime", ds.msg_rtime);
		fieldtime("ctime", ds.msg_ctime);
	}
	if (opt.json)
		printf("}\n");
	return 0;
}

/* ---- ls, rm, limits: the shared machinery ------------------------------ */

static int
cmd_ls(int argc, char *argv[])
{
	return ipcobj_ls(IPC_MQ, argc, argv);
}

static int
cmd_rm(int argc, char *argv[])
{
	return ipcobj_rm(IPC_MQ, argc, argv);
}

static int
cmd_limits(int argc, char *argv[])
{
	return ipcobj_limits(IPC_MQ, argc, argv);
}

static const struct verb verbs[] = {
	{ "create", cmd_create,
	    "[--sysv [--proj N]] [--max-msgs N] [--msg-size SIZE] "
	    "[--max-bytes SIZE] [--mode MODE] [-v] NAME",
	    "create a queue (never adopts an existing one)" },
	{ "send", cmd_send,
	    "[--sysv [--proj N]] [--priority N | --type N] [--eof] "
	    "[--timeout DUR | --nowait] [-0 | --raw] [--create [--mode MODE] "
	    "[--max-msgs N] [--msg-size SIZE] [--max-bytes SIZE]] [-v] NAME",
	    "each record of stdin becomes one message" },
	{ "recv", cmd_recv,
	    "[--sysv [--proj N]] [--type N] [--count N] "
	    "[--timeout DUR | --nowait | --drain] [-0 | --raw] [--priority] "
	    "[--json] [-v] NAME",
	    "messages to stdout, one record each" },
	{ "stat", cmd_stat, "[--sysv [--proj N]] [--json] NAME",
	    "depth, bytes queued, limits, owner, mode, pids and times" },
	{ "ls", cmd_ls, IPCOBJ_LS_ARGS, "list queues" },
	{ "rm", cmd_rm, IPCOBJ_RM_ARGS, "remove queues" },
	{ "limits", cmd_limits, IPCOBJ_LIMITS_ARGS,
	    "the system's queue limits and their use" },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	cpu_set_t cpus;

	spin_ok = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) > 1;
	return verb_main(argc, argv, verbs, "message queues, POSIX and System V");
}
