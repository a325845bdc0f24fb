/*
 * ipc-mq - POSIX and System V message queues as shell filters.
 *
 * Each record of stdin becomes one message (send), each message one
 * record of stdout (recv), or one run of a command (recv --exec).  The
 * payload on the wire is exactly the record: no header.  The end of a
 * stream is a message whose payload is EOFMARK, which no line or NUL
 * record can equal (it holds both separators).
 *
 * Waits follow the one signal-and-wait model of lib/sig.c.  A POSIX queue
 * descriptor can be polled (mq_overview(7)): a wait is xpoll() on it,
 * together with stdout for recv (a pipe whose reader has gone shows
 * POLLERR), in slices of RECHECK_MS after which the name is looked up
 * again, since mq_unlink(3) wakes nobody.  A System V queue cannot be
 * polled: the wait is msgrcv(2) or msgsnd(2) itself, which returns EINTR
 * on a caught signal; the kick timer of sig.c covers a terminating signal
 * that lands just before the call, and tick_arm() gives the periodic look
 * that is still needed (the end of --timeout, the reader of stdout, a
 * command that ended).  EIDRM says at once that a System V queue went.
 *
 * What recv takes is written whole to stdout or given back whole (sent
 * again with its priority or type), never both; what can be neither is
 * counted and reported as lost (ipc-mq(1), "Nothing lost").
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
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
#define RECHECK_MS	1000	/* look again: POSIX name, reader of stdout */
#define TICK_MS		100	/* re-fire of a tick that came too early */
#define CHLD_MS		100	/* SysV, commands running: look for their end */
#define SPIN_US		100	/* retry a full/empty queue, no sleep */
#define PUTBACK_MS	5000	/* how long a give-back waits for room */
#define SETTLE_MS	1	/* paced: the reader is still there after */
#define PACE_MS		10	/* paced, pipe not shrunk: FIONREAD again */
#define FILE_BATCH	(256 * 1024)	/* bytes gathered for one write */
#define HARD_MSGMAX	65536		/* kernel limits, even for root */
#define HARD_MSGSIZEMAX	(16 * 1024 * 1024)

/* verb-specific long options */
enum {
	OPT_MAXMSGS = 256, OPT_MSGSIZE, OPT_MAXBYTES, OPT_PRIORITY,
	OPT_TYPE, OPT_EOF, OPT_DRAIN, OPT_BATCH, OPT_EXEC, OPT_JOBS,
	OPT_MAXTRIES, OPT_DEADLETTER,
};

struct queue {
	int		 sysv;
	const char	*operand;
	/* POSIX */
	char		 name[NAME_MAX + 2];
	mqd_t		 mqd;		/* O_NONBLOCK for send and recv */
	int		 oflag;		/* access mode it was opened with */
	dev_t		 dev;
	ino_t		 ino;
	long long	 lastcheck;	/* mono ms of the last name lookup */
	/* SysV */
	struct sysvref	 ref;
	int		 id;
	long		 msgmax;	/* kernel.msgmax when opened */
	unsigned long	 qbytes;	/* the queue's msg_qbytes */
	/* both */
	size_t		 maxsize;	/* largest message the queue takes */
	char		*buf;		/* SysV: long mtype + text; POSIX: text */
	size_t		 bufsz;		/* text bytes buf holds */
};

/* what --create makes (create, send --create, recv --create) */
struct qopts {
	long		 maxmsg;	/* POSIX depth; 0: the kernel's default */
	long		 msgsize;	/* POSIX largest message */
	unsigned long	 maxbytes;	/* SysV msg_qbytes */
};

#define QOPTS_LONG \
	{ "max-msgs", required_argument, NULL, OPT_MAXMSGS }, \
	{ "msg-size", required_argument, NULL, OPT_MSGSIZE }, \
	{ "max-bytes", required_argument, NULL, OPT_MAXBYTES }

static const char *const removedmsg[2] = {
	"queue removed (by ipc-mq rm or mq_unlink, or by systemd-logind's "
	    "RemoveIPC)",
	"queue removed (by ipcrm, or by systemd-logind's RemoveIPC)",
};

static int spin_ok;		/* another CPU may run our peer */

/* ---- small helpers ----------------------------------------------------- */

static int
is_eofmark(const char *p, size_t n)
{
	return n == EOFLEN && memcmp(p, EOFMARK, EOFLEN) == 0;
}

static const char *
plural(size_t n)
{
	return n == 1 ? "" : "s";
}

static long long
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* the payload of the message in q->buf */
static char *
qdata(const struct queue *q)
{
	return q->buf + (q->sysv ? sizeof(long) : 0);
}

/* room for a message of n text bytes in q->buf */
static void
qreserve(struct queue *q, size_t n)
{
	if (q->buf != NULL && n <= q->bufsz)
		return;
	free(q->buf);
	q->bufsz = n > q->bufsz ? n : q->bufsz;
	q->buf = ecalloc(1, sizeof(long) + q->bufsz + 1);
}

/* ---- the options of what --create makes -------------------------------- */

static int
qopts_set(struct qopts *qo, int c)
{
	switch (c) {
	case OPT_MAXMSGS:
		qo->maxmsg = (long)enum_("max-msgs", optarg, 1, INT_MAX);
		return 1;
	case OPT_MSGSIZE:
		qo->msgsize = (long)esize("msg-size", optarg, 1, INT_MAX);
		return 1;
	case OPT_MAXBYTES:
		qo->maxbytes = (unsigned long)esize("max-bytes", optarg, 1,
		    LONG_MAX);
		return 1;
	}
	return 0;
}

/* after opt_end: limits of the right flavour, given with --create */
static void
qopts_check(const struct qopts *qo, int withcreate)
{
	if (withcreate && !opt.create && ((opt.given & OPT_MODE) ||
	    qo->maxmsg || qo->msgsize || qo->maxbytes))
		eusage("--mode, --max-msgs, --msg-size and --max-bytes go "
		    "with --create");
	if (opt.sysv && (qo->maxmsg || qo->msgsize))
		eusage("--max-msgs and --msg-size are for POSIX queues "
		    "(System V: --max-bytes)");
	if (!opt.sysv && qo->maxbytes)
		eusage("--max-bytes is for System V queues (add --sysv)");
}

/* ---- opening and creating ---------------------------------------------- */

static void eremoved(const struct queue *) __attribute__((noreturn));
static void eopen_fail(void) __attribute__((noreturn));
static void eposix_createfail(const struct mq_attr *)
    __attribute__((noreturn));

static void
eremoved(const struct queue *q)
{
	eerrx(EXIT_FAIL, "%s", removedmsg[q->sysv]);
}

static void
qinit(struct queue *q, const char *s, int sysv)
{
	memset(q, 0, sizeof(*q));
	q->sysv = sysv;
	q->operand = s;
	q->mqd = (mqd_t)-1;
	q->id = -1;
}

/* a queue named by a string, checked: POSIX name or SysV key */
static int
qref(struct queue *q, const char *s, int sysv)
{
	qinit(q, s, sysv);
	if (!sysv)
		return posix_name(s, q->name, sizeof(q->name));
	if (sysv_ref(s, opt.proj, &q->ref) == -1)
		return -1;
	if (q->ref.id >= 0)
		q->id = q->ref.id;
	return 0;
}

/* the operand, checked (status 2 or 1 when it is not) */
static void
eoperand(struct queue *q, const char *s)
{
	setoperand(s);
	qinit(q, s, opt.sysv);
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
		iverbose("%s queue key 0x%08x (ftok of %s, proj %d), id %d",
		    what, (unsigned)q->ref.key, q->operand, opt.proj, q->id);
	else
		iverbose("%s queue key 0x%08x, id %d", what,
		    (unsigned)q->ref.key, q->id);
}

/* after open: sizes, buffer, identity; O_NONBLOCK for send and recv */
static void
eposix_ready(struct queue *q, const char *what, int nonblock)
{
	struct mq_attr a, nb;
	struct stat st;

	if (mq_getattr(q->mqd, &a) == -1)
		eerr(EXIT_FAIL, "mq_getattr");
	if (fstat(q->mqd, &st) == -1)
		eerr(EXIT_FAIL, "fstat");
	memset(&nb, 0, sizeof(nb));
	nb.mq_flags = O_NONBLOCK;
	if (nonblock && mq_setattr(q->mqd, &nb, NULL) == -1)
		eerr(EXIT_FAIL, "mq_setattr");
	q->dev = st.st_dev;
	q->ino = st.st_ino;
	q->maxsize = (size_t)a.mq_msgsize;
	qreserve(q, q->maxsize);
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
	/*
	 * A start: a message longer than kernel.msgmax was at open (it may
	 * have been raised since) makes msgrcv fail with E2BIG, and the
	 * buffer grows to the message (qtry).
	 */
	qreserve(q, (size_t)q->msgmax > q->maxsize ? (size_t)q->msgmax :
	    q->maxsize);
	sysv_verbose(q, what);
}

static void
eopen_fail(void)
{
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
eopen(struct queue *q, int oflag, int nonblock)
{
	if (try_open(q, oflag) == -1)
		eopen_fail();
	if (q->sysv)
		esysv_ready(q, "opened");
	else
		eposix_ready(q, "opened", nonblock);
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
 * the queue), never adopting an existing one.  With adopt (send and recv
 * --create) an existing queue is opened instead.  Returns 1 if created,
 * 0 if adopted.
 */
static int
eposix_create(struct queue *q, const struct qopts *qo, int oflag, int adopt)
{
	struct mq_attr a, *ap = NULL;
	int h, tries, nonblock = adopt;
	long long v;

	memset(&a, 0, sizeof(a));
	if (qo->maxmsg > 0 || qo->msgsize > 0) {
		v = sysctl_num("/proc/sys/fs/mqueue/msg_default");
		a.mq_maxmsg = qo->maxmsg > 0 ? qo->maxmsg : v > 0 ? v : 10;
		v = sysctl_num("/proc/sys/fs/mqueue/msgsize_default");
		a.mq_msgsize = qo->msgsize > 0 ? qo->msgsize :
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
			eposix_ready(q, "created", nonblock);
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
			eposix_ready(q, "existing", nonblock);
			return 0;
		}
		if (errno != ENOENT)	/* else removed meanwhile: again */
			eopen_fail();
	}
	eerrx(EXIT_FAIL, "queue keeps appearing and vanishing");
}

static int
esysv_create(struct queue *q, const struct qopts *qo, int adopt)
{
	struct msqid_ds ds;
	long long mnb;
	int h;

	if (adopt && q->ref.id < 0 && q->ref.key == IPC_PRIVATE)
		eusage("key 0 is IPC_PRIVATE: create it first, then use id:N");
	if (q->ref.id >= 0) {
		if (!adopt)
			eusage("create needs a key, not id:N");
		eopen(q, O_RDWR, 1);
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
			eopen_fail();
		}
		if (errno == EEXIST)
			eerrx(EXIT_FAIL, "queue already exists");
		if (errno == ENOSPC)
			eerrx(EXIT_FAIL, "too many queues: kernel.msgmni = %lld "
			    "reached", sysctl_num("/proc/sys/kernel/msgmni"));
		eerr(EXIT_FAIL, "msgget");
	}
	h = cleanup_add(sysv_rmid, &q->id);
	if (qo->maxbytes > 0) {
		if (msgctl(q->id, IPC_STAT, &ds) == -1)
			eerr(EXIT_FAIL, "msgctl IPC_STAT");
		ds.msg_qbytes = qo->maxbytes;
		if (msgctl(q->id, IPC_SET, &ds) == -1) {
			mnb = sysctl_num("/proc/sys/kernel/msgmnb");
			/* msgctl(2): raising msg_qbytes above MSGMNB needs
			 * CAP_SYS_RESOURCE */
			if (errno == EPERM && (long long)qo->maxbytes > mnb)
				eerrx(EXIT_FAIL, "--max-bytes %lu exceeds "
				    "kernel.msgmnb = %lld (going above it "
				    "needs CAP_SYS_RESOURCE)", qo->maxbytes,
				    mnb);
			eerr(EXIT_FAIL, "msgctl IPC_SET");
		}
	}
	cleanup_del(h);
	esysv_ready(q, "created");
	return 1;
}

/*
 * The queue a sending or receiving verb works on: created with --create
 * (an existing one is used as it is), else opened.  oflag: the POSIX
 * access mode (recv asks O_RDWR, to give back what it cannot deliver,
 * and settles for O_RDONLY).
 */
static void
equeue(struct queue *q, const struct qopts *qo, int oflag)
{
	if (opt.create && q->sysv) {
		esysv_create(q, qo, 1);
		return;
	}
	if (opt.create) {
		eposix_create(q, qo, oflag, 1);
		return;
	}
	if (try_open(q, oflag) == -1 && (q->sysv || errno != EACCES ||
	    oflag != O_RDWR || try_open(q, O_RDONLY) == -1))
		eopen_fail();
	if (q->sysv)
		esysv_ready(q, "opened");
	else
		eposix_ready(q, "opened", 1);
}

static void
qclose(struct queue *q)
{
	if (!q->sysv && q->mqd != (mqd_t)-1)
		mq_close(q->mqd);
	q->mqd = (mqd_t)-1;
	free(q->buf);
	q->buf = NULL;
}

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
	m = mq_open(q->name, O_RDONLY | O_CLOEXEC);
	if (m == (mqd_t)-1 && errno == EACCES)
		m = mq_open(q->name, O_WRONLY | O_CLOEXEC);
	if (m == (mqd_t)-1)
		return errno == ENOENT;
	gone = fstat(m, &st) == 0 && (st.st_ino != q->ino ||
	    st.st_dev != q->dev);
	mq_close(m);
	return gone;
}

/* ---- one message in or out, and the waits -------------------------------- */

/* what qio is asked to do, and what it got */
struct qop {
	int		 send;
	const char	*p;		/* send: the payload */
	size_t		 n;		/* send: its length; recv: the length got */
	long		 prio;		/* send: priority or type; recv: got */
	long		 type;		/* recv, SysV: msgrcv's msgtyp */
};

/* how qio waits */
struct qwait {
	long long	 ms;		/* -1 forever, 0 not at all */
	int		 out;		/* Q_GONE when the reader of stdout goes */
	int		 chld;		/* Q_CHLD when a command may have ended */
	int		 nosig;		/* go on after a terminating signal */
};

enum {
	Q_OK,		/* sent, or received (into q->buf) */
	Q_EMPTY,	/* full or empty, and ms was 0 */
	Q_TIMEOUT,	/* ms ran out */
	Q_SIG,		/* a terminating signal came (gotsig) */
	Q_GONE,		/* the reader of stdout has gone; nothing taken */
	Q_CHLD,		/* SIGCHLD came (gotchld) */
	Q_ERR,		/* failed: errno (EIDRM: the queue was removed) */
};

/*
 * One try, without waiting, or for System V with block, waiting in the
 * call: Q_OK, Q_EMPTY (full, empty, or a signal), or Q_ERR with errno.
 */
static int
qtry(struct queue *q, struct qop *op, int block)
{
	unsigned prio;
	ssize_t n;

	if (!q->sysv) {
		if (op->send)
			n = mq_send(q->mqd, op->p, op->n, (unsigned)op->prio);
		else
			n = mq_receive(q->mqd, q->buf, q->bufsz, &prio);
		if (n >= 0 && !op->send) {
			op->n = (size_t)n;
			op->prio = (long)prio;
		}
	} else if (op->send)
		n = msgsnd(q->id, q->buf, op->n, block ? 0 : IPC_NOWAIT);
	else {
		while ((n = msgrcv(q->id, q->buf, q->bufsz, op->type,
		    block ? 0 : IPC_NOWAIT)) == -1 && errno == E2BIG &&
		    q->bufsz < (size_t)INT_MAX / 2)
			/* longer than kernel.msgmax was at open: grow */
			qreserve(q, q->bufsz * 2);
		if (n >= 0) {
			op->n = (size_t)n;
			op->prio = *(long *)(void *)q->buf;
		}
	}
	if (n >= 0)
		return Q_OK;
	if (errno == EAGAIN || errno == ENOMSG || errno == EINTR)
		return Q_EMPTY;
	/* msgsnd(2), msgrcv(2): EIDRM, or EINVAL once the id is gone */
	if (q->sysv && (errno == EIDRM || (errno == EINVAL &&
	    msgctl(q->id, IPC_STAT, &(struct msqid_ds){ 0 }) == -1 &&
	    (errno == EINVAL || errno == EIDRM))))
		errno = EIDRM;
	return Q_ERR;
}

/* POSIX: poll the queue (and stdout) for a slice, then try again */
static int
qwait_posix(struct queue *q, struct qop *op, const struct qwait *w,
    const struct deadline *d)
{
	struct pollfd p[2];
	long long left = deadline_left(d);
	int n, r;

	p[0].fd = q->mqd;
	p[0].events = op->send ? POLLOUT : POLLIN;
	p[1].fd = 1;
	p[1].events = 0;
	p[0].revents = p[1].revents = 0;
	n = xpoll(p, w->out ? 2 : 1, left < 0 || left > RECHECK_MS ?
	    RECHECK_MS : left);
	if (n == -1 && errno != EINTR)
		return Q_ERR;
	if (n > 0 && w->out && (p[1].revents & (POLLERR | POLLHUP)))
		return Q_GONE;
	if ((r = qtry(q, op, 0)) != Q_EMPTY)
		return r;
	/* what is still queued is taken first; then a removal counts */
	if (mono_ms() - q->lastcheck >= RECHECK_MS && posix_gone(q)) {
		errno = EIDRM;
		return Q_ERR;
	}
	return Q_EMPTY;
}

/*
 * System V: wait in the call.  The tick ends it when --timeout runs out,
 * and, when asked, lets us look at stdout or at the commands.
 */
static int
qwait_sysv(struct queue *q, struct qop *op, const struct qwait *w,
    const struct deadline *d)
{
	struct pollfd p = { .fd = 1, .events = 0 };
	long long left = deadline_left(d), first;
	int r;

	first = w->chld ? CHLD_MS : w->out ? RECHECK_MS : -1;
	if (left >= 0 && (first < 0 || left < first))
		first = left > 0 ? left : 1;
	if (first > 0)
		tick_arm(first, TICK_MS);
	r = qtry(q, op, 1);
	if (first > 0)
		tick_arm(0, 0);
	if (r != Q_EMPTY)
		return r;
	/* a look, not a wait */
	if (w->out && poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)))
		return Q_GONE;
	return Q_EMPTY;
}

/*
 * Send or receive one message, waiting as w says.  A full or empty queue
 * is first retried without sleeping for up to SPIN_US when another CPU
 * can run the peer: a side that sleeps costs the other a wake-up per
 * message, which halves the rate of a busy pair.
 */
static int
qio(struct queue *q, struct qop *op, const struct qwait *w)
{
	struct deadline d;
	long long t0;
	int r, k = 0;

	if (q->sysv && op->send) {
		qreserve(q, op->n);
		*(long *)(void *)q->buf = op->prio;
		memmove(q->buf + sizeof(long), op->p, op->n);
	}
	if ((r = qtry(q, op, 0)) != Q_EMPTY || w->ms == 0)
		return r;
	if (spin_ok) {
		t0 = mono_us();
		do {
			if ((r = qtry(q, op, 0)) != Q_EMPTY)
				return r;
		} while ((++k & 7) != 0 || mono_us() - t0 < SPIN_US);
	}
	deadline_init(&d, w->ms);
	for (;;) {
		if (gotsig && !w->nosig)
			return Q_SIG;
		if (w->chld && gotchld)
			return Q_CHLD;
		if (deadline_expired(&d))
			return Q_TIMEOUT;
		r = q->sysv ? qwait_sysv(q, op, w, &d) :
		    qwait_posix(q, op, w, &d);
		if (r != Q_EMPTY)
			return r;
	}
}

/* a message to give back (or move to the dead-letter queue) */
struct gb {
	const char	*p;
	size_t		 n;
	long		 prio;
};

/*
 * Send again what was taken and not delivered, in order, with its
 * priority or type (so to the back of its class), waiting up to
 * PUTBACK_MS in all for room, also after a terminating signal.  Returns
 * how many could not be; *why gets the errno of the first of those.
 */
static size_t
giveback(struct queue *q, const struct gb *g, size_t n, int *why)
{
	struct qwait w = { 0, 0, 0, 1 };
	struct deadline d;
	struct qop op;
	size_t i, lost = 0;
	int r;

	deadline_init(&d, PUTBACK_MS);
	for (i = 0; i < n; i++) {
		memset(&op, 0, sizeof(op));
		op.send = 1;
		op.p = g[i].p;
		op.n = g[i].n;
		op.prio = g[i].prio;
		w.ms = deadline_left(&d);
		if ((r = qio(q, &op, &w)) == Q_OK)
			continue;
		if (lost++ == 0 && why != NULL)
			*why = r != Q_ERR ? ETIMEDOUT : errno == EBADF ?
			    EACCES : errno;
	}
	return lost;
}

/* ---- send -------------------------------------------------------------- */

struct sendopts {
	long		 prio;		/* -1: 0, or the type */
	long		 type;		/* SysV; -1: 1 */
	int		 eof;
	struct qopts	 qo;
};

static void etimedout_send(uint64_t) __attribute__((noreturn));
static void etoobig(const struct queue *, uint64_t, uint64_t)
    __attribute__((noreturn));

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
		iwarnx("queue %s: %llu record%s sent, the rest not", d,
		    (unsigned long long)sent, plural(sent));
	exit(EXIT_TIMEOUT);
}

static void
etoobig(const struct queue *q, uint64_t n, uint64_t nrec)
{
	char sent[96];

	snprintf(sent, sizeof(sent), " (record %llu; %llu before it sent)",
	    (unsigned long long)nrec, (unsigned long long)(nrec - 1));
	if (!q->sysv)
		eerrx(EXIT_FAIL, "message of %llu bytes exceeds the queue's "
		    "msgsize %zu%s", (unsigned long long)n, q->maxsize, sent);
	if (n > (uint64_t)q->msgmax)
		eerrx(EXIT_FAIL, "message of %llu bytes exceeds kernel.msgmax "
		    "= %ld%s", (unsigned long long)n, q->msgmax, sent);
	eerrx(EXIT_FAIL, "message of %llu bytes exceeds the queue's "
	    "msg_qbytes %lu%s", (unsigned long long)n, q->qbytes, sent);
}

/*
 * A record longer than the reader buffers (REC_HARDMAX): read on to its
 * end to learn its real size, keeping nothing.
 */
static uint64_t
erecord_size(struct recin *in)
{
	uint64_t n = in->end - in->start;
	char buf[64 * 1024], *s;
	ssize_t r;

	for (;;) {
		if ((r = readsome(in->fd, buf, sizeof(buf))) == 0)
			return n;
		if (r == -1) {
			eonsig();
			eerr(EXIT_FAIL, "read error on stdin");
		}
		if ((s = memchr(buf, in->sep, (size_t)r)) != NULL)
			return n + (uint64_t)(s - buf);
		n += (uint64_t)r;
	}
}

/* send one message, or end the run as the failure says */
static void
esend(struct queue *q, const char *p, size_t n, long prio, uint64_t sent)
{
	struct qwait w = { opt.timeout, 0, 0, 0 };
	struct qop op;

	memset(&op, 0, sizeof(op));
	op.send = 1;
	op.p = p;
	op.n = n;
	op.prio = prio;
	switch (qio(q, &op, &w)) {
	case Q_OK:
		return;
	case Q_SIG:
		eonsig();
		/* FALLTHROUGH */
	case Q_EMPTY:
	case Q_TIMEOUT:
		etimedout_send(sent);
	default:
		if (errno == EIDRM)
			eremoved(q);
		if (errno == EMSGSIZE)
			etoobig(q, n, sent + 1);
		eerr(EXIT_FAIL, q->sysv ? "msgsnd" : "mq_send");
	}
}

static void
send_options(int *argcp, char ***argvp, struct sendopts *o)
{
	static const struct option lo[] = {
		{ "priority", required_argument, NULL, OPT_PRIORITY },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "eof", no_argument, NULL, OPT_EOF },
		QOPTS_LONG,
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->prio = o->type = -1;
	opt_begin(*argcp, *argvp, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT |
	    OPT_NULL | OPT_RAW | OPT_CREATE | OPT_MODE, lo);
	while ((c = opt_next()) != -1) {
		if (qopts_set(&o->qo, c))
			continue;
		switch (c) {
		case OPT_PRIORITY:
			o->prio = (long)enum_("priority", optarg, 0, 32767);
			break;
		case OPT_TYPE:
			o->type = (long)enum_("type", optarg, 1, LONG_MAX);
			break;
		case OPT_EOF:
			o->eof = 1;
			break;
		}
	}
	opt_end(argcp, argvp, NULL);
	opt_operands(*argcp, 1, 1);
	if (opt.raw && (opt.given & OPT_NULL))
		eusage("-0 and --raw do not mix");
	if (opt.sysv && o->prio >= 0)
		eusage("--priority is for POSIX queues (System V: --type)");
	if (!opt.sysv && o->type >= 0)
		eusage("--type is for System V queues (add --sysv)");
	qopts_check(&o->qo, 1);
}

static int
cmd_send(int argc, char *argv[])
{
	struct sendopts o;
	struct queue q;
	struct recin in;
	ssize_t n;
	long prio;
	char *p;

	send_options(&argc, &argv, &o);
	eoperand(&q, argv[0]);
	equeue(&q, &o.qo, O_WRONLY);
	prio = q.sysv ? (o.type > 0 ? o.type : 1) : (o.prio > 0 ? o.prio : 0);
	if (o.eof && q.maxsize < EOFLEN)
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
				etoobig(&q, erecord_size(&in), in.nrec + 1);
			eonsig();
			eerr(EXIT_FAIL, "read error on stdin");
		}
		if ((size_t)n > q.maxsize)
			etoobig(&q, (uint64_t)n, in.nrec);
		if (opt.raw && is_eofmark(p, (size_t)n)) {
			/* a chunk that looks like the marker: two messages */
			esend(&q, p, 1, prio, in.nrec - 1);
			esend(&q, p + 1, EOFLEN - 1, prio, in.nrec - 1);
			continue;
		}
		esend(&q, p, (size_t)n, prio, in.nrec - 1);
	}
	/* POSIX: priority 0, after everything queued before it */
	if (o.eof)
		esend(&q, EOFMARK, EOFLEN, q.sysv ? prio : 0, in.nrec);
	iverbose("%llu record%s sent%s", (unsigned long long)in.nrec,
	    plural(in.nrec), o.eof ? ", then the end-of-stream marker" : "");
	recin_free(&in);
	qclose(&q);
	return 0;
}

/* ---- recv: options ------------------------------------------------------- */

struct recvopts {
	long		 type;		/* SysV msgrcv msgtyp */
	int		 typegiven;
	int		 showprio;	/* --priority */
	int		 batch;
	const char	*exec;		/* --exec CMD */
	long		 jobs;
	long		 maxtries;
	const char	*deadletter;
	struct qopts	 qo;
};

static void
recv_options(int *argcp, char ***argvp, struct recvopts *o)
{
	static const struct option lo[] = {
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "priority", no_argument, NULL, OPT_PRIORITY },
		{ "drain", no_argument, NULL, OPT_DRAIN },
		{ "batch", no_argument, NULL, OPT_BATCH },
		{ "exec", required_argument, NULL, OPT_EXEC },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "max-tries", required_argument, NULL, OPT_MAXTRIES },
		{ "dead-letter", required_argument, NULL, OPT_DEADLETTER },
		QOPTS_LONG,
		{ NULL, 0, NULL, 0 },
	};
	int c, drain = 0, exonly = 0;

	memset(o, 0, sizeof(*o));
	o->jobs = 1;
	o->maxtries = 3;
	opt_begin(*argcp, *argvp, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT |
	    OPT_COUNT | OPT_NULL | OPT_RAW | OPT_JSON | OPT_CREATE | OPT_MODE,
	    lo);
	while ((c = opt_next()) != -1) {
		if (qopts_set(&o->qo, c))
			continue;
		switch (c) {
		case OPT_TYPE:
			o->type = (long)enum_("type", optarg, -LONG_MAX,
			    LONG_MAX);
			o->typegiven = 1;
			break;
		case OPT_PRIORITY:
			o->showprio = 1;
			break;
		case OPT_DRAIN:
			drain = 1;
			break;
		case OPT_BATCH:
			o->batch = 1;
			break;
		case OPT_EXEC:
			o->exec = optarg;
			break;
		case OPT_JOBS:
			o->jobs = (long)enum_("jobs", optarg, 1, 1024);
			exonly = 1;
			break;
		case OPT_MAXTRIES:
			o->maxtries = (long)enum_("max-tries", optarg, 1,
			    INT_MAX);
			exonly = 1;
			break;
		case OPT_DEADLETTER:
			o->deadletter = optarg;
			exonly = 1;
			break;
		}
	}
	opt_end(argcp, argvp, NULL);
	opt_operands(*argcp, 1, 1);
	if (drain && (opt.given & (OPT_TIMEOUT | OPT_NOWAIT)))
		eusage("--drain excludes --timeout and --nowait");
	if (drain)
		opt.timeout = 0;
	if (opt.raw && (opt.given & OPT_NULL))
		eusage("-0 and --raw do not mix");
	if (opt.json && (opt.raw || (opt.given & OPT_NULL) || o->showprio))
		eusage("--json does not mix with -0, --raw or --priority");
	if (opt.raw && o->showprio)
		eusage("--priority does not mix with --raw");
	if (o->typegiven && !opt.sysv)
		eusage("--type is for System V queues (add --sysv)");
	if (o->exec != NULL && (opt.json || o->showprio || o->batch))
		eusage("--exec does not mix with --json, --priority or "
		    "--batch");
	if (o->exec == NULL && exonly)
		eusage("--jobs, --max-tries and --dead-letter go with --exec");
	qopts_check(&o->qo, 1);
}

/* ---- recv: records on stdout --------------------------------------------- */

/* a record framed in a batch */
struct rec {
	size_t		 start, end;	/* its bytes in the batch's buf */
	size_t		 off, len;	/* the payload: in buf, or raw */
	long		 prio;
};

/* records taken and framed for one write */
struct batch {
	char		*buf;
	size_t		 len, cap;
	char		*raw;		/* --json: the payloads as received */
	size_t		 rawlen, rawcap;
	struct rec	*r;
	size_t		 n, capr;
};

enum { OUT_FILE, OUT_PIPE, OUT_OTHER };
enum { END_GONE, END_SIG, END_ERR };

struct rx {
	struct queue	*q;
	const struct recvopts *o;
	int		 kind;		/* of stdout: OUT_* */
	int		 paced;		/* a pipe, without --batch */
	int		 shrunk;	/* cut to one buffer: POLLOUT = empty */
	int		 origcap;	/* its size before, restored at exit */
	int		 wrote;		/* since the pipe was last seen empty */
	size_t		 room;		/* bytes stdout takes now */
	struct batch	 cur;		/* taken, not yet written */
	struct batch	 last;		/* pipes: the last batch written */
	uint64_t	 taken;		/* records, not the marker */
	int		 marker;	/* the end-of-stream marker was taken */
	long		 markprio;
};

static void
bfree(struct batch *b)
{
	free(b->buf);
	free(b->raw);
	free(b->r);
	memset(b, 0, sizeof(*b));
}

/* room for one more record of up to need framed and raw bytes */
static void
breserve(struct batch *b, size_t need, size_t raw)
{
	size_t cap;

	if (b->len + need > b->cap) {
		for (cap = b->cap != 0 ? b->cap : 64 * 1024;
		    cap < b->len + need; cap *= 2)
			;
		b->buf = ereallocarray(b->buf, cap, 1);
		b->cap = cap;
	}
	if (b->rawlen + raw > b->rawcap) {
		for (cap = b->rawcap != 0 ? b->rawcap : 16 * 1024;
		    cap < b->rawlen + raw; cap *= 2)
			;
		b->raw = ereallocarray(b->raw, cap, 1);
		b->rawcap = cap;
	}
	if (b->n == b->capr) {
		b->capr = b->capr != 0 ? b->capr * 2 : 256;
		b->r = ereallocarray(b->r, b->capr, sizeof(*b->r));
	}
}

static const char *
payload(const struct batch *b, const struct rec *r)
{
	return (opt.json ? b->raw : b->buf) + r->off;
}

/* the bytes a message of n bytes takes on stdout, at most */
static size_t
framed(size_t n)
{
	return opt.json ? JSON_STRMAX(n) + 48 : n + 24;
}

/* a message to stdout's form: a record, --priority's prefix, or JSON */
static void
frame(struct rx *rx, const char *p, size_t n, long prio)
{
	struct batch *b = &rx->cur;
	struct rec *r;

	breserve(b, framed(n), opt.json ? n : 0);
	r = &b->r[b->n++];
	r->start = b->len;
	r->prio = prio;
	r->len = n;
	if (opt.json) {
		memcpy(b->raw + b->rawlen, p, n);
		r->off = b->rawlen;
		b->rawlen += n;
		memcpy(b->buf + b->len, "{\"data\":", 8);
		b->len += 8;
		b->len += json_encode(b->buf + b->len, p, n);
		b->len += (size_t)snprintf(b->buf + b->len, 40, ",\"%s\":%ld}\n",
		    rx->q->sysv ? "type" : "priority", prio);
	} else {
		if (rx->o->showprio)
			b->len += (size_t)snprintf(b->buf + b->len, 24, "%ld\t",
			    prio);
		r->off = b->len;
		memcpy(b->buf + b->len, p, n);
		b->len += n;
		if (!opt.raw)
			b->buf[b->len++] = (char)opt.sep;
	}
	r->end = b->len;
}

static int pipe_origcap;	/* stdout's pipe size before recv cut it */

static void
pipe_restore(void *unused)
{
	(void)unused;
	(void)set_pipe_size(1, (size_t)pipe_origcap);
}

/*
 * What stdout is.  Into a pipe (or FIFO) recv paces itself unless
 * --batch: it takes a message only once the reader has emptied the pipe.
 * Cut to one page, the pipe has one buffer, and POLLOUT then says it is
 * empty (pipe(7), F_SETPIPE_SZ); its size comes back at exit.
 */
static void
out_init(struct rx *rx)
{
	struct stat st;
	long pg = sysconf(_SC_PAGESIZE);

	rx->kind = OUT_FILE;
	if (fstat(1, &st) == 0 && S_ISFIFO(st.st_mode))
		rx->kind = OUT_PIPE;
	else if (fstat(1, &st) == 0 && S_ISSOCK(st.st_mode))
		rx->kind = OUT_OTHER;
	if (rx->kind != OUT_PIPE || rx->o->batch)
		return;
	rx->paced = 1;
	rx->origcap = pipe_capacity(1);
	if (rx->origcap > 0 && pg > 0 && rx->origcap > pg &&
	    set_pipe_size(1, (size_t)pg) == 0) {
		rx->shrunk = 1;
		pipe_origcap = rx->origcap;
		cleanup_add(pipe_restore, NULL);
	} else if (rx->origcap > 0 && rx->origcap == pg)
		rx->shrunk = 1;
}

/*
 * The reader of the stdout pipe has gone: read back, through
 * /proc/self/fd/1 (the same pipe, opened for reading), what it left
 * unread.  Returns how many of the last written bytes (rx->last, then n
 * bytes of rx->cur) are among them, checked byte for byte; 0 when none
 * or when it cannot tell.
 */
static size_t
readback(struct rx *rx, size_t n)
{
	const struct batch *l = &rx->last;
	size_t got = 0, cap = 0, m, w = l->len + n, i;
	char *u = NULL;
	ssize_t r;
	int fd;

	if (rx->kind != OUT_PIPE || w == 0 ||
	    (fd = open("/proc/self/fd/1", O_RDONLY | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return 0;
	for (;;) {
		if (got == cap)
			u = ereallocarray(u, cap = cap != 0 ? cap * 2 : 65536, 1);
		if ((r = read(fd, u + got, cap - got)) <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	m = got < w ? got : w;
	/* the last m bytes read back are the last m bytes written? */
	for (i = 0; i < m; i++) {
		size_t at = w - m + i;
		char c = at < l->len ? l->buf[at] : rx->cur.buf[at - l->len];

		if (u[got - m + i] != c) {
			iverbose("stdout: %zu bytes left unread are not all "
			    "ours: none read back", got);
			m = 0;
			break;
		}
	}
	free(u);
	return m;
}

/* a signal came while a record was half written: finish it, briefly */
static int
finish(size_t at, const char *p, size_t n)
{
	struct pollfd pf = { .fd = 1, .events = POLLOUT };
	struct deadline d;
	ssize_t w;

	deadline_init(&d, PUTBACK_MS);
	while (at < n && !deadline_expired(&d)) {
		if ((w = write(1, p + at, n - at)) > 0) {
			at += (size_t)w;
			continue;
		}
		if (w == -1 && errno == EAGAIN)
			(void)xpoll(&pf, 1, deadline_left(&d));
		else if (w == -1 && errno != EINTR)
			break;
	}
	return at == n;
}

/*
 * A write to a regular file failed part way into a record (a full disk):
 * cut the file back to where the record began, if nothing came after it,
 * so that the record can be given back whole instead of torn.
 */
static int
untear(size_t written)
{
	struct stat st;
	off_t pos;

	if (fstat(1, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (pos = lseek(1, 0, SEEK_CUR)) == -1 || st.st_size != pos ||
	    (off_t)written > pos)
		return 0;
	if (ftruncate(1, pos - (off_t)written) == -1)
		return 0;
	(void)lseek(1, pos - (off_t)written, SEEK_SET);
	return 1;
}

static void eend(struct rx *, int, int, size_t) __attribute__((noreturn));

/*
 * recv cannot go on writing: the reader of stdout has gone (END_GONE), a
 * terminating signal came (END_SIG), or a write failed (END_ERR, errno
 * err).  done bytes of rx->cur got out.  Each record taken is then
 * written whole (delivered), or given back whole, never both; one that
 * can be neither (cut short on stdout, or no room in the queue) is
 * counted and reported as lost.
 */
static void
eend(struct rx *rx, int why, int err, size_t done)
{
	struct batch *c = &rx->cur, *l = &rx->last;
	struct gb *g;
	size_t i, first, unread, from, ng = 0, lost = 0, torn = 0;
	size_t tornw = 0, tornn = 0;
	int e = 0;

	for (first = 0; first < c->n && c->r[first].end <= done; first++)
		;
	/* one record cut short: finish it, or take it back, or it is torn */
	if (first < c->n && done > c->r[first].start) {
		const struct rec *r = &c->r[first];

		if (why == END_SIG && finish(done - r->start, c->buf +
		    r->start, r->end - r->start))
			done = r->end;
		else if (why == END_ERR && untear(done - r->start))
			done = r->start;
	}
	unread = why == END_GONE ? readback(rx, done) : 0;
	/* unread bytes are the tail of last + done bytes of cur */
	from = l->len + done - unread;
	g = ecalloc(l->n + c->n + 1, sizeof(*g));
	for (i = 0; i < l->n; i++)
		if (l->r[i].start >= from) {
			g[ng].p = payload(l, &l->r[i]);
			g[ng].n = l->r[i].len;
			g[ng++].prio = l->r[i].prio;
		}
	for (i = 0; i < c->n; i++) {
		const struct rec *r = &c->r[i];

		if (r->start < done && l->len + r->start < from) {
			if (r->end > done) {	/* partly read: torn */
				torn++;
				tornw = done - r->start;
				tornn = r->end - r->start;
			}
			continue;
		}
		g[ng].p = payload(c, r);
		g[ng].n = r->len;
		g[ng++].prio = r->prio;
	}
	if (rx->marker) {
		g[ng].p = EOFMARK;
		g[ng].n = EOFLEN;
		g[ng++].prio = rx->markprio;
	}
	lost = giveback(rx->q, g, ng, &e);
	free(g);
	if (torn > 0)
		iwarnx("a record was cut short on stdout (%zu of %zu bytes "
		    "written): lost", tornw, tornn);
	if (lost > 0)
		iwarnx("%zu message%s taken could not be given back (%s): "
		    "lost", lost, plural(lost), strerror(e));
	if (ng - lost > 0)
		iverbose("%zu message%s given back", ng - lost,
		    plural(ng - lost));
	if (why == END_SIG)
		eonsig();
	if (why == END_GONE && lost + torn == 0)
		eepipe();
	if (why == END_GONE)
		exit(EXIT_FAIL);
	errno = err;
	eerr(EXIT_FAIL, "write error on stdout (%zu message%s given back)",
	    ng - lost, plural(ng - lost));
}

/* write the records taken; they become rx->last */
static void
eflush(struct rx *rx)
{
	struct batch t;
	size_t done = 0;

	if (rx->cur.n == 0)
		return;
	if (writeall_n(1, rx->cur.buf, rx->cur.len, &done) == -1)
		eend(rx, errno == EPIPE ? END_GONE : gotsig && errno == EINTR ?
		    END_SIG : END_ERR, errno, done);
	rx->wrote = 1;
	if (rx->kind == OUT_PIPE) {
		t = rx->last;
		rx->last = rx->cur;
		rx->cur = t;
	}
	rx->cur.n = rx->cur.len = rx->cur.rawlen = 0;
}

/*
 * Before taking a message (nothing is held): wait until stdout can take
 * it now, and set rx->room.  Paced: until the pipe is empty, and the
 * reader of what we wrote last is still there SETTLE_MS later (a reader
 * such as "head -n 1" leaves right after reading).  --batch: until the
 * pipe has room.  A file takes what comes.
 */
static void
eoutwait(struct rx *rx)
{
	struct pollfd p = { .fd = 1 };
	int n, q = 0, k;

	if (rx->kind == OUT_FILE) {
		rx->room = FILE_BATCH;
		return;
	}
	/* a look first, then waits */
	for (k = 0;; k++) {
		p.events = rx->paced && !rx->shrunk ? 0 : POLLOUT;
		p.revents = 0;
		n = xpoll(&p, 1, k == 0 ? 0 : rx->paced && !rx->shrunk ?
		    PACE_MS : -1);
		if (n == -1 && errno != EINTR)
			eerr(EXIT_FAIL, "poll");
		if (gotsig)
			eend(rx, END_SIG, 0, 0);
		if (n > 0 && (p.revents & (POLLERR | POLLHUP)))
			eend(rx, END_GONE, 0, 0);
		if (rx->kind == OUT_OTHER) {
			if (n > 0)
				break;
			continue;
		}
		q = pipe_queued(1);
		if (rx->paced ? q == 0 : n > 0)
			break;
	}
	if (rx->kind == OUT_OTHER) {
		rx->room = 64 * 1024;
		return;
	}
	if (!rx->paced) {
		q = pipe_queued(1);
		n = pipe_capacity(1);
		rx->room = n > q ? (size_t)(n - q) : 1;
		return;
	}
	rx->room = 1;
	if (!rx->wrote)
		return;
	rx->wrote = 0;
	p.events = 0;
	n = xpoll(&p, 1, SETTLE_MS);
	if (gotsig)
		eend(rx, END_SIG, 0, 0);
	if (n > 0 && (p.revents & (POLLERR | POLLHUP)))
		eend(rx, END_GONE, 0, 0);
}

/* ---- recv: messages to stdout ------------------------------------------- */

/*
 * Take messages and write them, each record whole or given back (eend).
 * Only what stdout can take now is taken: paced into a pipe, one message
 * once the reader has read the last; else as many as fit in the room the
 * pipe has, or in FILE_BATCH bytes for a file.  When the queue is found
 * empty what is held is written before recv waits.
 */
static int
rx_run(struct queue *q, const struct recvopts *o)
{
	struct qwait w = { 0, 1, 0, 0 };
	struct qop op;
	struct rx rx;
	int r, e;

	memset(&rx, 0, sizeof(rx));
	rx.q = q;
	rx.o = o;
	out_init(&rx);
	for (;;) {
		if (gotsig) {
			eflush(&rx);
			eend(&rx, END_SIG, 0, 0);
		}
		if (opt.count > 0 && rx.taken >= (uint64_t)opt.count)
			break;
		if (rx.cur.n > 0 && rx.cur.len + framed(q->bufsz) > rx.room)
			eflush(&rx);
		if (rx.cur.n == 0)
			eoutwait(&rx);
		memset(&op, 0, sizeof(op));
		op.type = o->type;
		w.ms = rx.cur.n > 0 ? 0 : opt.timeout;
		r = qio(q, &op, &w);
		if (r == Q_EMPTY && rx.cur.n > 0) {
			eflush(&rx);	/* the queue is empty: write, then wait */
			continue;
		}
		if (r == Q_SIG)
			continue;
		if (r == Q_GONE)
			eend(&rx, END_GONE, 0, 0);
		if (r == Q_ERR) {
			e = errno;
			eflush(&rx);
			if (e == EIDRM)
				eremoved(q);
			errno = e;
			eerr(EXIT_FAIL, q->sysv ? "msgrcv" : "mq_receive");
		}
		if (r != Q_OK)
			break;		/* empty with --nowait, or --timeout */
		if (is_eofmark(qdata(q), op.n)) {
			rx.marker = 1;
			rx.markprio = op.prio;
			break;
		}
		frame(&rx, qdata(q), op.n, op.prio);
		rx.taken++;
	}
	eflush(&rx);
	iverbose("%llu record%s received%s", (unsigned long long)rx.taken,
	    plural(rx.taken), rx.marker ? ", then the end-of-stream marker" :
	    "");
	bfree(&rx.cur);
	bfree(&rx.last);
	if (rx.marker || rx.taken > 0)
		return 0;
	return EXIT_TIMEOUT;
}

/* ---- recv --exec: a command per message ------------------------------------ */

struct job {
	pid_t		 pid;
	char		*data;
	size_t		 len;
	long		 prio;
	long		 tries;		/* this one included */
	uint64_t	 h;
};

struct tried {				/* a message whose command failed */
	uint64_t	 h;		/* of its priority and payload */
	long		 tries;
	int		 out;		/* given back, not taken again yet */
};

struct ex {
	struct queue	*q;
	const struct recvopts *o;
	struct queue	 dlq;		/* --dead-letter */
	char		*qenv;		/* IPC_MQ_QUEUE=... */
	struct job	*job;
	long		 njob;
	struct tried	*tried;
	size_t		 ntried, captried;
	uint64_t	 taken, ok, retried, back, dropped, dead, lost;
	uint64_t	 sincemark;	/* taken since a marker was put back */
	int		 holdmark;	/* a marker taken, its fate open */
	long		 markprio;
	int		 marker;	/* a marker ended the run */
};

static uint64_t
msghash(const char *p, size_t n, long prio)
{
	const unsigned char *b = (const unsigned char *)&prio;
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(prio); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static struct tried *
tried_find(struct ex *x, uint64_t h)
{
	size_t i;

	for (i = 0; i < x->ntried; i++)
		if (x->tried[i].h == h)
			return &x->tried[i];
	return NULL;
}

static void
tried_forget(struct ex *x, uint64_t h)
{
	struct tried *t = tried_find(x, h);

	if (t != NULL)
		*t = x->tried[--x->ntried];
}

static void
tried_remember(struct ex *x, uint64_t h, long tries)
{
	struct tried *t = tried_find(x, h);

	if (t == NULL) {
		if (x->ntried == x->captried) {
			x->captried = x->captried != 0 ? x->captried * 2 : 16;
			x->tried = ereallocarray(x->tried, x->captried,
			    sizeof(*x->tried));
		}
		t = &x->tried[x->ntried++];
		t->h = h;
	}
	t->tries = tries;
	t->out = 1;
}

/* the first bytes of a message, for a report */
static int
snippet(const struct job *j, const char **more)
{
	size_t n = strnlen(j->data, j->len < 60 ? j->len : 60);

	*more = n < j->len ? "..." : "";
	return (int)n;
}

/* its command failed: back to the queue, or, after --max-tries, away */
static void
ex_failed(struct ex *x, const struct job *j, int st)
{
	struct gb g = { j->data, j->len, j->prio };
	const char *more;
	int e = 0, k;

	if (j->tries < x->o->maxtries) {
		if (giveback(x->q, &g, 1, &e) == 0) {
			x->retried++;
			tried_remember(x, j->h, j->tries);
			iverbose("command failed (status %d) on try %ld of "
			    "%ld: message given back", st, j->tries,
			    x->o->maxtries);
			return;
		}
		x->lost++;
		tried_forget(x, j->h);
		iwarnx("command failed (status %d) and its message could not "
		    "be given back (%s): lost", st, strerror(e));
		return;
	}
	tried_forget(x, j->h);
	k = snippet(j, &more);
	if (x->o->deadletter != NULL) {
		if (giveback(&x->dlq, &g, 1, &e) == 0) {
			x->dead++;
			iwarnx("message moved to the dead-letter queue %s after "
			    "%ld tr%s (last status %d): %.*s%s",
			    x->o->deadletter, j->tries, j->tries == 1 ? "y" :
			    "ies", st, k, j->data, more);
			return;
		}
		x->lost++;
		iwarnx("message could not be moved to the dead-letter queue "
		    "%s (%s): lost: %.*s%s", x->o->deadletter, strerror(e), k,
		    j->data, more);
		return;
	}
	x->dropped++;
	iwarnx("message dropped after %ld tr%s (last status %d): %.*s%s",
	    j->tries, j->tries == 1 ? "y" : "ies", st, k, j->data, more);
}

/* a command ended with status st (as the shell reports it) */
static void
ex_done(struct ex *x, pid_t pid, int st)
{
	struct job *j = NULL;
	struct gb g;
	long i;
	int e = 0;

	for (i = 0; i < x->njob; i++)
		if (x->job[i].pid == pid)
			j = &x->job[i];
	if (j == NULL)
		return;
	if (st == 0) {
		x->ok++;
		tried_forget(x, j->h);
	} else if (gotsig) {
		/* stopped with us: back, and the try does not count */
		g.p = j->data;
		g.n = j->len;
		g.prio = j->prio;
		if (giveback(x->q, &g, 1, &e) == 0)
			x->back++;
		else {
			x->lost++;
			iwarnx("a message could not be given back (%s): lost",
			    strerror(e));
		}
	} else
		ex_failed(x, j, st);
	free(j->data);
	*j = x->job[--x->njob];
}

static void
ex_reap(struct ex *x)
{
	pid_t pid;
	int st;

	while (child_reap(&pid, &st) == 1)
		ex_done(x, pid, st);
}

/* until a command may have ended (or, unless forsig, a signal came) */
static void
ex_wait(int forsig)
{
	while (!gotchld && (forsig || !gotsig))
		if (xpoll(NULL, 0, -1) == -1 && errno != EINTR)
			eerr(EXIT_FAIL, "ppoll");
}

static void ex_esig(struct ex *) __attribute__((noreturn));

static void
ex_summary(const struct ex *x)
{
	iverbose("%llu message%s taken: %llu done, %llu failed and given "
	    "back, %llu given back unfinished, %llu dropped, %llu "
	    "dead-lettered, %llu lost", (unsigned long long)x->taken,
	    plural(x->taken), (unsigned long long)x->ok,
	    (unsigned long long)x->retried, (unsigned long long)x->back,
	    (unsigned long long)x->dropped, (unsigned long long)x->dead,
	    (unsigned long long)x->lost);
}

/*
 * A terminating signal: the commands had it too (SIGP_FORWARD).  Wait for
 * them, give back the messages of those that did not succeed, and the
 * marker if one is held, then die of the signal.
 */
static void
ex_esig(struct ex *x)
{
	struct gb g = { EOFMARK, EOFLEN, x->markprio };
	int e = 0;

	while (x->njob > 0) {
		ex_reap(x);
		if (x->njob > 0)
			ex_wait(1);
	}
	if (x->holdmark && giveback(x->q, &g, 1, &e) != 0)
		iwarnx("the end-of-stream marker could not be given back (%s)",
		    strerror(e));
	ex_summary(x);
	eraise(gotsig);
}

static void
ex_waitall(struct ex *x)
{
	while (x->njob > 0) {
		ex_reap(x);
		if (gotsig)
			ex_esig(x);
		if (x->njob > 0)
			ex_wait(0);
	}
}

/* a command for a message: its stdin holds the record, framed */
static void
ex_start(struct ex *x, const char *p, size_t n, long prio)
{
	char eprio[48], etry[48], *env[4];
	struct childspec cs;
	struct tried *t;
	struct job *j = &x->job[x->njob];
	struct gb g = { p, n, prio };
	char sep = (char)opt.sep;
	int fd, e;

	j->h = msghash(p, n, prio);
	t = tried_find(x, j->h);
	j->tries = (t != NULL ? t->tries : 0) + 1;
	if (t != NULL)
		t->out = 0;
	j->prio = prio;
	j->len = n;
	j->data = ecalloc(1, n + 1);
	memcpy(j->data, p, n);
	snprintf(eprio, sizeof(eprio), "%s=%ld", x->q->sysv ? "IPC_MQ_TYPE" :
	    "IPC_MQ_PRIORITY", prio);
	snprintf(etry, sizeof(etry), "IPC_MQ_TRY=%ld", j->tries);
	env[0] = eprio;
	env[1] = etry;
	env[2] = x->qenv;
	env[3] = NULL;
	/* a memory file: the command reads it at its pace, or not at all */
	fd = memfd_create("ipc-mq-message", MFD_CLOEXEC);
	if (fd == -1 || writeall(fd, p, n) == -1 || (!opt.raw &&
	    writeall(fd, &sep, 1) == -1) || lseek(fd, 0, SEEK_SET) == -1)
		j->pid = -1;
	else {
		memset(&cs, 0, sizeof(cs));
		cs.sh = x->o->exec;
		cs.fd0 = fd;
		cs.fd1 = -1;
		cs.env = env;
		cs.pdeathsig = SIGTERM;
		j->pid = child_start(&cs);
	}
	e = errno;
	if (fd != -1)
		close(fd);
	if (j->pid != -1) {
		x->njob++;
		return;
	}
	free(j->data);
	if (giveback(x->q, &g, 1, NULL) != 0)
		x->lost++;
	ex_waitall(x);
	errno = e;
	eerr(EXIT_FAIL, "cannot start the command (the message was %s)",
	    x->lost > 0 ? "lost" : "given back");
}

/*
 * The end-of-stream marker was taken.  Once the running commands are
 * done, it ends the run, unless messages this run gave back to try again
 * are still out (behind where the marker was): then the marker goes back
 * behind them, once per message taken since.  1: end; 0: go on.
 */
static int
ex_marker(struct ex *x, long prio)
{
	struct gb g = { EOFMARK, EOFLEN, prio };
	size_t i, out = 0;
	int e = 0;

	x->holdmark = 1;
	x->markprio = prio;
	ex_waitall(x);
	x->holdmark = 0;
	for (i = 0; i < x->ntried; i++)
		if (x->tried[i].out)
			out++;
	if (out == 0 || x->sincemark == 0)
		return 1;
	if (giveback(x->q, &g, 1, &e) != 0) {
		iwarnx("the end-of-stream marker could not be given back (%s)",
		    strerror(e));
		return 1;
	}
	iverbose("end-of-stream marker put back behind %zu message%s to try "
	    "again", out, plural(out));
	x->sincemark = 0;
	return 0;
}

static void
ex_init(struct ex *x, struct queue *q, const struct recvopts *o)
{
	char b[NAME_MAX + 32];

	memset(x, 0, sizeof(*x));
	x->q = q;
	x->o = o;
	x->job = ecalloc((size_t)o->jobs, sizeof(*x->job));
	if (!q->sysv)
		snprintf(b, sizeof(b), "IPC_MQ_QUEUE=%s", q->name);
	else if (q->ref.key != IPC_PRIVATE)
		snprintf(b, sizeof(b), "IPC_MQ_QUEUE=0x%08x",
		    (unsigned)q->ref.key);
	else
		snprintf(b, sizeof(b), "IPC_MQ_QUEUE=id:%d", q->id);
	x->qenv = estrdup(b);
	if (o->deadletter == NULL)
		return;
	if (qref(&x->dlq, o->deadletter, q->sysv) == -1)
		eusage("--dead-letter: '%.64s' is not a queue %s",
		    o->deadletter, q->sysv ? "key" : "name");
	if (try_open(&x->dlq, O_WRONLY) == -1) {
		if (errno == ENOENT)
			eerrx(EXIT_FAIL, "dead-letter queue %s: no such queue",
			    o->deadletter);
		eerr(EXIT_FAIL, "dead-letter queue %s", o->deadletter);
	}
	if (q->sysv)
		esysv_ready(&x->dlq, "dead-letter");
	else
		eposix_ready(&x->dlq, "dead-letter", 1);
	if (q->sysv ? x->dlq.id == q->id :
	    x->dlq.dev == q->dev && x->dlq.ino == q->ino)
		eusage("--dead-letter names the queue itself");
}

/*
 * Run the command once per message, up to --jobs at once.  Taking and
 * waiting for commands share one wait: qio returns Q_CHLD when SIGCHLD
 * came (for System V a tick of CHLD_MS covers a SIGCHLD that lands just
 * before msgrcv blocks).
 */
static int
ex_run(struct queue *q, const struct recvopts *o)
{
	struct qwait w = { 0, 0, 1, 0 };
	struct qop op;
	struct ex x;
	int r, e, stop = 0;

	ex_init(&x, q, o);
	sig_policy(SIGP_FORWARD);
	for (;;) {
		ex_reap(&x);
		if (gotsig)
			ex_esig(&x);
		if (stop || x.njob >= o->jobs || (opt.count > 0 &&
		    x.taken >= (uint64_t)opt.count)) {
			if (x.njob == 0)
				break;
			ex_wait(0);
			continue;
		}
		memset(&op, 0, sizeof(op));
		op.type = o->type;
		w.ms = opt.timeout == 0 ? 0 : x.njob > 0 ? -1 : opt.timeout;
		r = qio(q, &op, &w);
		if (r == Q_OK && is_eofmark(qdata(q), op.n)) {
			if (ex_marker(&x, op.prio))
				stop = x.marker = 1;
		} else if (r == Q_OK) {
			x.taken++;
			x.sincemark++;
			ex_start(&x, qdata(q), op.n, op.prio);
		} else if (r == Q_EMPTY && x.njob > 0)
			ex_wait(0);
		else if (r == Q_EMPTY || r == Q_TIMEOUT)
			stop = 1;
		else if (r == Q_ERR) {
			e = errno;
			ex_waitall(&x);
			errno = e;
			if (e == EIDRM)
				eremoved(q);
			eerr(EXIT_FAIL, q->sysv ? "msgrcv" : "mq_receive");
		}
	}
	ex_summary(&x);
	free(x.job);
	free(x.tried);
	free(x.qenv);
	if (o->deadletter != NULL)
		qclose(&x.dlq);
	if (x.lost + x.dropped + x.dead > 0)
		return EXIT_FAIL;
	return x.taken > 0 || x.marker ? 0 : EXIT_TIMEOUT;
}

static int
cmd_recv(int argc, char *argv[])
{
	struct recvopts o;
	struct queue q;
	int st;

	recv_options(&argc, &argv, &o);
	eoperand(&q, argv[0]);
	/* read and write: a message we cannot deliver is given back */
	equeue(&q, &o.qo, O_RDWR);
	st = o.exec != NULL ? ex_run(&q, &o) : rx_run(&q, &o);
	qclose(&q);
	return st;
}

/* ---- create ------------------------------------------------------------ */

static int
cmd_create(int argc, char *argv[])
{
	static const struct option lo[] = {
		QOPTS_LONG,
		{ NULL, 0, NULL, 0 },
	};
	struct qopts qo;
	struct queue q;
	int c;

	memset(&qo, 0, sizeof(qo));
	opt_begin(argc, argv, OPT_SYSV | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		(void)qopts_set(&qo, c);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	qopts_check(&qo, 0);
	eoperand(&q, argv[0]);
	if (q.sysv) {
		esysv_create(&q, &qo, 0);
		if (q.ref.key == IPC_PRIVATE)
			printf("id:%d\n", q.id);
	} else
		eposix_create(&q, &qo, O_RDONLY, 0);
	qclose(&q);
	return 0;
}

/* ---- stat: the keys are ls --json's (lsipc(1)'s columns) ----------------- */

static void
stat_posix(struct queue *q)
{
	struct mq_attr a;
	struct stat st;
	struct kv kv;
	long long used = -1;
	char b[64];
	ssize_t n;

	if (try_open(q, O_RDONLY) == -1 && (errno != EACCES ||
	    try_open(q, O_WRONLY) == -1))
		eopen_fail();
	if (mq_getattr(q->mqd, &a) == -1 || fstat(q->mqd, &st) == -1)
		eerr(EXIT_FAIL, "mq_getattr");
	/* reading the queue's file gives "QSIZE:n ..." (mq_overview(7)) */
	if (q->oflag == O_RDONLY &&
	    (n = read(q->mqd, b, sizeof(b) - 1)) > 6) {
		b[n] = '\0';
		if (strncmp(b, "QSIZE:", 6) == 0)
			used = strtoll(b + 6, NULL, 10);
	}
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "posix");
	kv_str(&kv, "name", q->name);
	kv_id(&kv, "owner", "uid", st.st_uid, 0);
	kv_id(&kv, "group", "gid", st.st_gid, 1);
	kv_mode(&kv, "perms", st.st_mode);
	kv_num(&kv, "msgs", a.mq_curmsgs);
	if (used >= 0)
		kv_num(&kv, "usedbytes", used);
	else
		kv_null(&kv, "usedbytes");
	kv_num(&kv, "maxmsgs", a.mq_maxmsg);
	kv_num(&kv, "msgsize", a.mq_msgsize);
	/* the last send or receive, as ls's CTIME of a POSIX queue */
	kv_time(&kv, "ctime", st.st_mtime);
	kv_end(&kv);
}

static void
stat_sysv(struct queue *q)
{
	struct msqid_ds ds;
	struct kv kv;

	if (try_open(q, 0) == -1)
		eopen_fail();
	if (msgctl(q->id, IPC_STAT, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			eerrx(EXIT_FAIL, "no such queue");
		eerr(EXIT_FAIL, "msgctl IPC_STAT");
	}
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "sysv");
	kv_key(&kv, "key", ds.msg_perm.__key);
	kv_num(&kv, "id", q->id);
	if (q->ref.fromftok) {
		kv_str(&kv, "file", q->operand);
		kv_num(&kv, "proj", opt.proj);
	}
	kv_id(&kv, "owner", "uid", ds.msg_perm.uid, 0);
	kv_id(&kv, "group", "gid", ds.msg_perm.gid, 1);
	kv_id(&kv, "cuser", "cuid", ds.msg_perm.cuid, 0);
	kv_id(&kv, "cgroup", "cgid", ds.msg_perm.cgid, 1);
	kv_mode(&kv, "perms", ds.msg_perm.mode & 0777);
	kv_num(&kv, "msgs", (long long)ds.msg_qnum);
	kv_num(&kv, "usedbytes", (long long)ds.__msg_cbytes);
	kv_num(&kv, "maxbytes", (long long)ds.msg_qbytes);
	kv_num(&kv, "msgmax", sysctl_num("/proc/sys/kernel/msgmax"));
	kv_num(&kv, "lspid", ds.msg_lspid);
	kv_num(&kv, "lrpid", ds.msg_lrpid);
	kv_time(&kv, "send", ds.msg_stime);
	kv_time(&kv, "recv", ds.msg_rtime);
	kv_time(&kv, "ctime", ds.msg_ctime);
	kv_end(&kv);
}

static int
cmd_stat(int argc, char *argv[])
{
	struct queue q;

	opt_begin(argc, argv, OPT_SYSV | OPT_JSON, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	eoperand(&q, argv[0]);
	if (q.sysv)
		stat_sysv(&q);
	else
		stat_posix(&q);
	qclose(&q);
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

/* each verb's own options, for VERB --help (opt_help adds the common ones) */
#define CREATE_OPTS \
	"      --max-msgs N      POSIX: the queue's depth (default\n" \
	"                        fs.mqueue.msg_default)\n" \
	"      --msg-size SIZE   POSIX: its largest message (default\n" \
	"                        fs.mqueue.msgsize_default)\n" \
	"      --max-bytes SIZE  System V: its capacity in bytes " \
	    "(default\n" \
	"                        kernel.msgmnb)\n"
#define SEND_OPTS \
	"      --priority N      POSIX: the messages' priority, 0-32767 " \
	    "(default 0)\n" \
	"      --type N          System V: the messages' type, 1 or more " \
	    "(default 1)\n" \
	"      --eof             send the end-of-stream marker after the " \
	    "last record\n"
#define RECV_OPTS \
	"      --type N          System V: the types to take, as msgrcv(2) " \
	    "selects them\n" \
	"                        (default 0: any)\n" \
	"      --drain           take what is queued, stop when it is " \
	    "empty\n" \
	"      --priority        write the priority or type, a tab, then " \
	    "the record\n" \
	"      --batch           into a pipe, take as much as it holds, " \
	    "not one message\n" \
	"                        at a time\n" \
	"      --exec CMD        run sh -c CMD per message, the record on " \
	    "its stdin\n" \
	"                        (IPC_MQ_PRIORITY or IPC_MQ_TYPE, " \
	    "IPC_MQ_TRY,\n" \
	"                        IPC_MQ_QUEUE in its environment)\n" \
	"      --jobs N          with --exec: up to N commands at once " \
	    "(default 1)\n" \
	"      --max-tries N     with --exec: runs of a message whose " \
	    "command fails\n" \
	"                        (default 3)\n" \
	"      --dead-letter Q   with --exec: where such a message then " \
	    "goes (default:\n" \
	"                        it is dropped)\n"

static const struct verb verbs[] = {
	{ "create", cmd_create,
	    "[--sysv [--proj N]] [--max-msgs N] [--msg-size SIZE] "
	    "[--max-bytes SIZE] [--mode MODE] [-v] NAME",
	    "create a queue (never adopts an existing one)", CREATE_OPTS },
	{ "send", cmd_send,
	    "[--sysv [--proj N]] [--priority N | --type N] [--eof] "
	    "[--timeout DUR | --nowait] [-0 | --raw] [--create [--mode MODE] "
	    "[--max-msgs N] [--msg-size SIZE] [--max-bytes SIZE]] [-v] NAME",
	    "each record of stdin becomes one message", SEND_OPTS CREATE_OPTS },
	{ "recv", cmd_recv,
	    "[--sysv [--proj N]] [--type N] [--count N] "
	    "[--timeout DUR | --nowait | --drain] [-0 | --raw] "
	    "[--priority | --json] [--batch] [--exec CMD [--jobs N] "
	    "[--max-tries N] [--dead-letter Q]] [--create [--mode MODE] "
	    "[--max-msgs N] [--msg-size SIZE] [--max-bytes SIZE]] [-v] NAME",
	    "messages to stdout, one record each, or to a command each",
	    RECV_OPTS CREATE_OPTS },
	{ "stat", cmd_stat, "[--sysv [--proj N]] [--json] NAME",
	    "messages and bytes queued, limits, owner, perms, pids and times",
	    NULL },
	{ "ls", cmd_ls, IPCOBJ_LS_ARGS, "list queues", NULL },
	{ "rm", cmd_rm, IPCOBJ_RM_ARGS, "remove queues", NULL },
	{ "limits", cmd_limits, IPCOBJ_LIMITS_ARGS,
	    "the system's queue limits and their use", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	cpu_set_t cpus;

	spin_ok = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) > 1;
	return verb_main(argc, argv, verbs, "message queues, POSIX and System V");
}
