/*
 * ipc-sem - POSIX named and System V semaphores for shell scripts.
 *
 * A POSIX semaphore (sem_overview(7)) is the file /dev/shm/sem.NAME,
 * mapped by every user; a System V semaphore is one member of a set
 * (semget(2)), addressed by a KEY and an index.
 *
 * Waits follow the one signal-and-wait model of lib/sig.c.  Neither
 * kind of semaphore can be polled: a wait is sem_clockwait(3) on the
 * monotonic clock, or semtimedop(2) with the time that is left, and a
 * caught signal makes either return EINTR (the kick timer of sig.c
 * covers a terminating signal that lands just before the call).  EINTR
 * without a terminating signal is retried with the time that is left.
 * sem_unlink(3) wakes nobody, so a POSIX wait is cut into slices of
 * RECHECK_MS after which the name is looked up again; a System V set
 * that is removed wakes its waiters with EIDRM.
 *
 * run: one unit is taken, CMD runs, the unit is given back once CMD has
 * been reaped, whatever ended it.  INT, TERM and HUP are forwarded to
 * CMD by pidfd (SIGP_FORWARD) and re-raised after it is reaped; CMD has
 * SIGTERM as its parent-death signal.  System V units are taken and
 * given back with SEM_UNDO, so the kernel gives the unit back when
 * ipc-sem dies of anything; POSIX has no such undo.
 *
 * Creation never races: POSIX sem_open(O_CREAT | O_EXCL) links a fully
 * initialised file into place (glibc builds it under a temporary name),
 * and whoever loses opens the winner's.  A System V set is born with
 * every value 0 and sem_otime 0; its creator adds the values with a
 * semop(2), which sets sem_otime; whoever loses the IPC_EXCL race waits
 * until sem_otime is not 0 (the idiom of Stevens, UNIX Network
 * Programming vol. 2), so nobody ever resets a value in use.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

#define SEMVMX		32767	/* semop(2): the largest System V value */
#define RECHECK_MS	1000	/* POSIX: look the name up again */
#define INIT_MS		2000	/* System V --create: wait for the creator */
#define SHMDIR		"/dev/shm"
#define SEMPREFIX	"sem."	/* glibc: /dev/shm/sem.NAME */
#define NAMEMAX		(NAME_MAX - (int)sizeof(SEMPREFIX) + 1)
#define PATHMAX		(sizeof(SHMDIR) + sizeof(SEMPREFIX) + NAME_MAX + 2)

/* semctl(2): the caller defines it */
union semun {
	int		 val;
	struct semid_ds	*buf;
	unsigned short	*array;
};

/* verb-specific long options */
enum {
	OPT_VALUE = 256, OPT_NSEMS, OPT_INDEX,
};

struct sem {
	int		 sysv;
	const char	*operand;
	/* POSIX */
	char		 name[NAME_MAX + 2];	/* "/NAME" */
	sem_t		*ps;
	int		 identok;		/* dev and ino are known */
	dev_t		 dev;
	ino_t		 ino;
	/* System V */
	struct sysvref	 ref;
	int		 id;
	int		 nsems;			/* -1: not known */
	int		 index;			/* --index */
};

/* what the options of a verb said */
struct semopts {
	const char	*value;		/* --value as given, NULL: not given */
	const char	*nsemsarg;
	const char	*indexarg;
	long long	 v;		/* the value checked: default 1 */
	int		 nsems;		/* default 1 */
	int		 index;		/* default 0 */
	long long	 count;		/* post --count; 0: not given */
};

/* how a wait ended */
enum { TK_OK, TK_TIMEOUT, TK_SIG, TK_GONE, TK_ERR };

static const char *const removedmsg[2] = {
	"semaphore removed (by ipc-sem rm or sem_unlink, or by "
	    "systemd-logind's RemoveIPC)",
	"semaphore removed (by ipcrm, or by systemd-logind's RemoveIPC)",
};

static void eremoved(const struct sem *) __attribute__((noreturn));
static void eopen_fail(const struct sem *) __attribute__((noreturn));

/* ---- options ----------------------------------------------------------- */

#define VALUE_OPT	{ "value", required_argument, NULL, OPT_VALUE }
#define NSEMS_OPT	{ "nsems", required_argument, NULL, OPT_NSEMS }
#define INDEX_OPT	{ "index", required_argument, NULL, OPT_INDEX }

static long long
semvalue_max(void)
{
	return opt.sysv ? SEMVMX : SEM_VALUE_MAX;
}

static const char *
semvalue_maxname(void)
{
	return opt.sysv ? "SEMVMX" : "SEM_VALUE_MAX";
}

/* a number in 0..max for the flavour, checked once --sysv is known */
static long long
esemnum(const char *what, const char *s, long long min)
{
	long long v, max = semvalue_max();
	int r;

	if ((r = parse_num(s, LLONG_MIN, LLONG_MAX, &v)) == -1 &&
	    errno != ERANGE)
		eusage("bad %s '%.64s'", what, s);
	if (r == -1 || v < min || v > max)
		eusage("%s '%.64s' is out of range (%lld to %lld, %s)", what,
		    s, min, max, semvalue_maxname());
	return v;
}

/*
 * The options of a verb: the common ones in mask, and --value, --nsems,
 * --index where extra has them.  Leaves the operand in *argvp, CMD in
 * *cmdvp for run.
 */
static void
esem_options(int argc, char *argv[], unsigned mask, const struct option *extra,
    struct semopts *o, char ***argvp, char ***cmdvp)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->v = 1;
	o->nsems = 1;
	opt_begin(argc, argv, mask, extra);
	while ((c = opt_next()) != -1) {
		switch (c) {
		case OPT_VALUE:
			o->value = optarg;
			break;
		case OPT_NSEMS:
			o->nsemsarg = optarg;
			o->nsems = (int)enum_("nsems", optarg, 1, INT_MAX);
			break;
		case 'n':
			o->count = enum_("count", optarg, 1, LLONG_MAX);
			break;
		case OPT_INDEX:
			o->indexarg = optarg;
			o->index = (int)enum_("index", optarg, 0, USHRT_MAX);
			break;
		default:
			eusage("unknown option");
		}
	}
	opt_end(&argc, argvp, cmdvp);
	if (cmdvp != NULL && (*cmdvp == NULL || (*cmdvp)[0] == NULL))
		eusage("missing command: run NAME -- CMD [ARG...]");
	opt_operands(argc, 1, 1);
	if (!opt.sysv && (o->nsemsarg != NULL || o->indexarg != NULL))
		eusage("--nsems and --index are for System V sets (add --sysv)");
	if ((mask & OPT_CREATE) && !opt.create && (o->value != NULL ||
	    o->nsemsarg != NULL || (opt.given & OPT_MODE)))
		eusage("--value, --nsems and --mode go with --create");
	if (o->value != NULL)
		o->v = esemnum("value", o->value, 0);
	if (o->count > semvalue_max())
		eusage("count '%lld' is out of range (1 to %lld, %s)",
		    o->count, semvalue_max(), semvalue_maxname());
	if (o->indexarg != NULL && o->nsemsarg != NULL &&
	    o->index >= o->nsems)
		eusage("--index %d is out of range for --nsems %d (0 to %d)",
		    o->index, o->nsems, o->nsems - 1);
}

/* ---- naming and opening ------------------------------------------------- */

/* the operand, checked (status 2 or 1 when it is not); key 0 names a
 * set only for create, which makes a private one */
static void
eoperand(struct sem *s, const char *arg, const struct semopts *o,
    int privateok)
{
	setoperand(arg);
	memset(s, 0, sizeof(*s));
	s->sysv = opt.sysv;
	s->operand = arg;
	s->ps = SEM_FAILED;
	s->id = -1;
	s->nsems = -1;
	s->index = o->index;
	if (s->sysv) {
		esysv_ref(arg, opt.proj, &s->ref);
		if (s->ref.id >= 0)
			s->id = s->ref.id;
		else if (s->ref.key == IPC_PRIVATE && !privateok)
			eusage("key 0 is IPC_PRIVATE: name a private set as "
			    "id:N");
		return;
	}
	eposix_name(arg, s->name, sizeof(s->name));
	/* the file is sem.NAME, and must fit in NAME_MAX */
	if (strlen(s->name + 1) > (size_t)NAMEMAX)
		eusage("name longer than %d bytes (with the prefix sem. it "
		    "must fit NAME_MAX = %d)", NAMEMAX, NAME_MAX);
}

static void
eremoved(const struct sem *s)
{
	eerrx(EXIT_FAIL, "%s", removedmsg[s->sysv]);
}

static void
eopen_fail(const struct sem *s)
{
	if (errno == ENOENT || (s->sysv && (errno == EINVAL ||
	    errno == EIDRM)))
		eerrx(EXIT_FAIL, "no such semaphore%s", s->sysv ? " set" : "");
	if (!s->sysv && errno == ENODATA)
		eerrx(EXIT_FAIL, "not a semaphore: %s%s is not a regular file "
		    "of at least %zu bytes", SHMDIR "/" SEMPREFIX, s->name + 1,
		    sizeof(sem_t));
	eerr(EXIT_FAIL, "cannot open the semaphore%s", s->sysv ? " set" : "");
}

/* System V: learn nsems (IPC_STAT needs read permission: -1 without) */
static int
sysv_stat(struct sem *s, struct semid_ds *ds)
{
	union semun u;

	u.buf = ds;
	if (semctl(s->id, 0, IPC_STAT, u) == -1)
		return -1;
	s->nsems = (int)ds->sem_nsems;
	s->ref.key = ds->sem_perm.__key;
	return 0;
}

static void
esysv_index(const struct sem *s)
{
	if (s->nsems >= 0 && s->index >= s->nsems)
		eerrx(EXIT_FAIL, "index %d is out of range: the set has %d "
		    "semaphore%s (0 to %d)", s->index, s->nsems,
		    s->nsems == 1 ? "" : "s", s->nsems - 1);
}

/* the file of a POSIX semaphore: /dev/shm/sem.NAME */
static const char *
posix_path(const struct sem *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s", SHMDIR, SEMPREFIX, s->name + 1);
	return buf;
}

/* open an existing semaphore; -1 with errno (ENODATA: not a semaphore) */
static int
try_open(struct sem *s)
{
	char path[PATHMAX];
	struct semid_ds ds;
	struct stat st;

	if (!s->sysv) {
		/* sem_open maps whatever file has the name: one too short
		 * for a sem_t would be a SIGBUS at the first touch */
		if (lstat(posix_path(s, path, sizeof(path)), &st) == 0 &&
		    (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(sem_t))) {
			errno = ENODATA;
			return -1;
		}
		s->ps = sem_open(s->name, 0);
		return s->ps == SEM_FAILED ? -1 : 0;
	}
	if (s->ref.id < 0) {
		if ((s->id = semget(s->ref.key, 0, 0)) == -1)
			return -1;
	}
	if (sysv_stat(s, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM) {
			errno = ENOENT;
			return -1;
		}
		if (errno != EACCES)
			return -1;
		/* not ours to see: the semop will say */
	}
	return 0;
}

static void
eopen(struct sem *s)
{
	if (try_open(s) == -1)
		eopen_fail(s);
	if (s->sysv) {
		esysv_index(s);
		if (s->ref.fromftok)
			iverbose("set key 0x%08x (ftok of %s, proj %d), id %d",
			    (unsigned)s->ref.key, s->operand, opt.proj, s->id);
	}
}

static void
sem_done(struct sem *s)
{
	if (!s->sysv && s->ps != SEM_FAILED)
		sem_close(s->ps);
	s->ps = SEM_FAILED;
}

/* ---- creating ---------------------------------------------------------- */

static void
sysv_rmid(void *idp)
{
	(void)semctl(*(int *)idp, 0, IPC_RMID);
}

/*
 * Create the POSIX semaphore with exactly the mode asked: glibc opens
 * its temporary file with the mode under the umask, and the file cannot
 * be chmod-ed by name without a race, so the umask is 0 meanwhile.  With
 * adopt, an existing semaphore is opened instead (its value untouched).
 * Returns 1 if created, 0 if adopted.
 */
static int
eposix_create(struct sem *s, const struct semopts *o, int adopt)
{
	mode_t old;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		old = umask(0);
		s->ps = sem_open(s->name, O_CREAT | O_EXCL, opt.mode & 0777,
		    (unsigned)o->v);
		umask(old);
		if (s->ps != SEM_FAILED) {
			iverbose("created with value %lld", o->v);
			return 1;
		}
		if (errno == EEXIST && !adopt)
			eerrx(EXIT_FAIL, "semaphore already exists");
		if (errno == ENOSPC)
			eerrx(EXIT_FAIL, "no room in %s (a tmpfs: see df %s)",
			    SHMDIR, SHMDIR);
		if (errno != EEXIST)
			eerr(EXIT_FAIL, "cannot create the semaphore");
		if (try_open(s) == 0) {
			iverbose("exists already: value left as it is");
			return 0;
		}
		if (errno != ENOENT)	/* else removed meanwhile: again */
			eopen_fail(s);
	}
	eerrx(EXIT_FAIL, "semaphore keeps appearing and vanishing");
}

/* the fields of kernel.sem: SEMMSL SEMMNS SEMOPM SEMMNI; -1 unknown */
static void
kernel_sem(long long f[4])
{
	FILE *fp;

	f[0] = f[1] = f[2] = f[3] = -1;
	if ((fp = fopen("/proc/sys/kernel/sem", "re")) == NULL)
		return;
	if (fscanf(fp, "%lld %lld %lld %lld", &f[0], &f[1], &f[2],
	    &f[3]) != 4)
		f[0] = f[1] = f[2] = f[3] = -1;
	fclose(fp);
}

/* the limit behind a failed semget(IPC_CREAT) */
static void
esysv_createfail(int nsems)
{
	long long ks[4];
	int e = errno;

	kernel_sem(ks);
	errno = e;
	switch (errno) {
	case EEXIST:
		eerrx(EXIT_FAIL, "semaphore set already exists");
	case EINVAL:
		if (ks[0] >= 0 && nsems > ks[0])
			eerrx(EXIT_FAIL, "--nsems %d exceeds kernel.sem SEMMSL "
			    "= %lld (semaphores in a set)", nsems, ks[0]);
		eerr(EXIT_FAIL, "semget");
	case ENOSPC:
		eerrx(EXIT_FAIL, "no room for another set of %d: kernel.sem "
		    "allows SEMMNI = %lld sets and SEMMNS = %lld semaphores "
		    "in all", nsems, ks[3], ks[1]);
	default:
		eerr(EXIT_FAIL, "semget");
	}
}

/*
 * The creator's part.  A new set has every value 0 and sem_otime 0.
 * The values are added, never set, so that a post by someone who did not
 * wait for us is not overwritten: one semop(2) adds the value to every
 * member at once, which also sets sem_otime, the sign others wait for.
 * A set larger than one semop may touch (SEMOPM) gets its members other
 * than 0 first with SETVAL, which leaves sem_otime alone.  Value 0 needs
 * no change: a wait-for-zero on member 0 sets sem_otime (or, if someone
 * posted to it already, +1 -1).  No SEM_UNDO: the values stay.
 */
static int
sysv_init(struct sem *s, long long value)
{
	struct sembuf *op;
	long long ks[4];
	union semun u;
	int i, n, r;

	kernel_sem(ks);
	n = value == 0 ? 2 : s->nsems;
	op = ecalloc((size_t)n, sizeof(*op));
	n = 1;
	if (value > 0 && ks[2] > 0 && s->nsems > ks[2]) {
		u.val = (int)value;
		for (i = 1; i < s->nsems; i++)
			if (semctl(s->id, i, SETVAL, u) == -1) {
				free(op);
				return -1;
			}
	} else if (value > 0)
		n = s->nsems;
	for (i = 0; i < n; i++) {
		op[i].sem_num = (unsigned short)i;
		op[i].sem_op = (short)value;
		op[i].sem_flg = IPC_NOWAIT;
	}
	while ((r = semop(s->id, op, (size_t)n)) == -1 && errno == EINTR)
		;
	if (r == -1 && errno == EAGAIN && value == 0) {
		op[0].sem_op = 1;
		op[1] = op[0];
		op[1].sem_op = -1;
		while ((r = semop(s->id, op, 2)) == -1 && errno == EINTR)
			;
	}
	free(op);
	return r;
}

/*
 * A set made by someone else: wait (at most INIT_MS, and never past the
 * --timeout) until its creator has initialised it.  A set made by a
 * program that does not follow the idiom (ipcmk -S) may never be
 * operated on: after INIT_MS it is used as it is.
 */
static void
esysv_waitinit(struct sem *s, const struct deadline *d)
{
	struct timespec ts = { 0, 1000000 };
	struct semid_ds ds;
	struct deadline init;
	long long left;

	deadline_init(&init, INIT_MS);
	for (;;) {
		if (sysv_stat(s, &ds) == -1) {
			if (errno == EACCES)
				return;
			if (errno == EINVAL || errno == EIDRM)
				eremoved(s);
			eerr(EXIT_FAIL, "semctl IPC_STAT");
		}
		if (ds.sem_otime != 0)
			return;
		left = d != NULL ? deadline_left(d) : -1;
		if (deadline_expired(&init) || left == 0) {
			iverbose("set id %d was never operated on: used as it "
			    "is", s->id);
			return;
		}
		if (gotsig)
			eonsig();
		(void)nanosleep(&ts, NULL);
	}
}

/*
 * Create the set (--nsems members, each with --value).  With adopt, an
 * existing set is opened instead, once its creator is done with it.
 * Returns 1 if created, 0 if adopted.
 */
static int
esysv_create(struct sem *s, const struct semopts *o, int adopt,
    const struct deadline *d)
{
	int h;

	if (s->ref.id >= 0) {
		if (!adopt)
			eusage("create needs a key, not id:N");
		eopen(s);
		return 0;
	}
	for (;;) {
		s->id = semget(s->ref.key, o->nsems, IPC_CREAT | IPC_EXCL |
		    (int)(opt.mode & 0777));
		if (s->id != -1)
			break;
		if (errno == EEXIST && adopt) {
			if ((s->id = semget(s->ref.key, 0, 0)) != -1) {
				esysv_waitinit(s, d);
				esysv_index(s);
				iverbose("set key 0x%08x exists already, id %d: "
				    "values left as they are",
				    (unsigned)s->ref.key, s->id);
				return 0;
			}
			if (errno == ENOENT)
				continue;
			eopen_fail(s);
		}
		esysv_createfail(o->nsems);
	}
	s->nsems = o->nsems;
	h = cleanup_add(sysv_rmid, &s->id);
	if (sysv_init(s, o->v) == -1)
		eerr(EXIT_FAIL, "cannot set the value");
	cleanup_del(h);
	iverbose("created set key 0x%08x, id %d: %d semaphore%s of value %lld",
	    (unsigned)s->ref.key, s->id, s->nsems, s->nsems == 1 ? "" : "s",
	    o->v);
	return 1;
}

/* the semaphore a verb works on: created with --create, else opened */
static void
esem(struct sem *s, const struct semopts *o, const struct deadline *d)
{
	if (!opt.create)
		eopen(s);
	else if (s->sysv)
		(void)esysv_create(s, o, 1, d);
	else
		(void)eposix_create(s, o, 1);
}

/* ---- POSIX: is the name still ours? ------------------------------------- */

/*
 * The file we have mapped, from /proc/self/maps (proc(5)): the mapping
 * that starts at the semaphore's address.  Looking the name up instead
 * could meet a file that replaced ours in between.
 */
static int
posix_ident(struct sem *s)
{
	unsigned long start, end, off, ino;
	unsigned maj, min;
	char line[1024];
	FILE *fp;
	int found = 0;

	if ((fp = fopen("/proc/self/maps", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lx-%lx %*s %lx %x:%x %lu", &start, &end,
		    &off, &maj, &min, &ino) != 6)
			continue;
		if (start == (unsigned long)(uintptr_t)s->ps) {
			s->dev = makedev(maj, min);
			s->ino = (ino_t)ino;
			s->identok = found = 1;
			break;
		}
	}
	fclose(fp);
	return found ? 0 : -1;
}

/* sem_unlink wakes nobody: gone, or naming another semaphore, is removed */
static int
posix_gone(struct sem *s)
{
	char path[PATHMAX];
	struct stat st;

	if (!s->identok && posix_ident(s) == -1)
		return 0;
	if (lstat(posix_path(s, path, sizeof(path)), &st) == -1)
		return errno == ENOENT;
	return st.st_ino != s->ino || st.st_dev != s->dev;
}

/* ---- taking and giving back --------------------------------------------- */

/* System V: EIDRM, or EINVAL once the id is gone, is "removed" */
static int
sysv_isgone(const struct sem *s, int e)
{
	union semun u;
	struct semid_ds ds;

	if (e == EIDRM)
		return 1;
	if (e != EINVAL)
		return 0;
	u.buf = &ds;
	return semctl(s->id, 0, IPC_STAT, u) == -1 &&
	    (errno == EINVAL || errno == EIDRM);
}

static int
posix_take(struct sem *s, const struct deadline *d)
{
	struct timespec now, ts;
	long long left;

	for (;;) {
		if (gotsig)
			return TK_SIG;
		if (sem_trywait(s->ps) == 0)
			return TK_OK;
		if (errno != EAGAIN && errno != EINTR)
			return TK_ERR;
		if ((left = deadline_left(d)) == 0)
			return TK_TIMEOUT;
		if (posix_gone(s))
			return TK_GONE;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (left < 0 || left > RECHECK_MS) {
			ts = now;
			ts.tv_sec += RECHECK_MS / 1000;
			ts.tv_nsec += (RECHECK_MS % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
		} else
			ts = d->end;
		if (sem_clockwait(s->ps, CLOCK_MONOTONIC, &ts) == 0)
			return TK_OK;
		if (errno != ETIMEDOUT && errno != EINTR)
			return TK_ERR;
	}
}

static int
sysv_take(struct sem *s, const struct deadline *d, int undo)
{
	struct sembuf op;
	struct timespec ts;
	long long left;
	int r;

	for (;;) {
		if (gotsig)
			return TK_SIG;
		left = deadline_left(d);
		op.sem_num = (unsigned short)s->index;
		op.sem_op = -1;
		op.sem_flg = (short)(undo ? SEM_UNDO : 0);
		if (left == 0) {
			op.sem_flg |= IPC_NOWAIT;
			r = semop(s->id, &op, 1);
		} else if (left < 0)
			r = semop(s->id, &op, 1);
		else {
			ts.tv_sec = left / 1000;
			ts.tv_nsec = (left % 1000) * 1000000L;
			r = semtimedop(s->id, &op, 1, &ts);
		}
		if (r == 0)
			return TK_OK;
		if (errno == EAGAIN && left == 0)
			return TK_TIMEOUT;
		/* EAGAIN: the time ran out; the next turn tries once more */
		if (errno == EAGAIN || errno == EINTR)
			continue;
		if (sysv_isgone(s, errno))
			return TK_GONE;
		return TK_ERR;
	}
}

/*
 * Take one unit within the deadline: TK_OK, TK_TIMEOUT, TK_SIG (a
 * terminating signal: nothing taken), TK_GONE (removed), TK_ERR (errno).
 * A unit that is free now is taken without sleeping.
 */
static int
take(struct sem *s, const struct deadline *d, int undo)
{
	if (s->sysv)
		return sysv_take(s, d, undo);
	return posix_take(s, d);
}

/* end the run as a take that did not succeed says */
static void
etake_fail(struct sem *s, int r, const char *what)
{
	switch (r) {
	case TK_SIG:
		eonsig();
		break;
	case TK_TIMEOUT:
		exit(itimedout(what));
	case TK_GONE:
		eremoved(s);
	default:
		if (s->sysv && errno == EFBIG)
			eerrx(EXIT_FAIL, "index %d is out of range for the set",
			    s->index);
		eerr(EXIT_FAIL, s->sysv ? "semop" : "sem_wait");
	}
	exit(EXIT_FAIL);
}

/* a System V value, for messages; -1 when it cannot be read */
static int
sysv_value(const struct sem *s)
{
	return semctl(s->id, s->index, GETVAL);
}

/*
 * Give back n units: 0, or -1 with errno (EOVERFLOW / ERANGE: past the
 * maximum, EIDRM: removed).  System V adds them at once, all or none;
 * POSIX one by one, *done of them.
 */
static int
give(struct sem *s, long long n, int undo, long long *done)
{
	struct sembuf op;
	int r;

	*done = 0;
	if (s->sysv) {
		op.sem_num = (unsigned short)s->index;
		op.sem_op = (short)n;
		op.sem_flg = (short)(undo ? SEM_UNDO : 0);
		while ((r = semop(s->id, &op, 1)) == -1 && errno == EINTR)
			;
		if (r == -1 && sysv_isgone(s, errno))
			errno = EIDRM;
		if (r == 0)
			*done = n;
		return r;
	}
	for (; *done < n; (*done)++)
		if (sem_post(s->ps) == -1)
			return -1;
	return 0;
}

/* ---- create ------------------------------------------------------------ */

static int
cmd_create(int argc, char *argv[])
{
	static const struct option lo[] = {
		VALUE_OPT, NSEMS_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct semopts o;
	struct sem s;

	esem_options(argc, argv, OPT_SYSV | OPT_MODE, lo, &o, &argv, NULL);
	eoperand(&s, argv[0], &o, 1);
	if (s.sysv) {
		(void)esysv_create(&s, &o, 0, NULL);
		if (s.ref.key == IPC_PRIVATE)
			printf("id:%d\n", s.id);
	} else
		(void)eposix_create(&s, &o, 0);
	sem_done(&s);
	return 0;
}

/* ---- wait, post, get --------------------------------------------------- */

#define CREATE_HELP \
	"      --value N         with --create: the initial value (default 1)\n" \
	"      --nsems N         with --create, System V: semaphores in the " \
	    "set\n" \
	"                        (default 1)\n"
#define INDEX_HELP \
	"      --index N         System V: which semaphore of the set " \
	    "(default 0)\n"

static int
cmd_wait(int argc, char *argv[])
{
	static const struct option lo[] = {
		VALUE_OPT, NSEMS_OPT, INDEX_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct deadline d;
	struct semopts o;
	struct sem s;
	int r;

	esem_options(argc, argv, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT |
	    OPT_CREATE | OPT_MODE, lo, &o, &argv, NULL);
	eoperand(&s, argv[0], &o, 0);
	deadline_init(&d, opt.timeout);
	esem(&s, &o, &d);
	/* no SEM_UNDO: the unit stays taken after ipc-sem exits */
	if ((r = take(&s, &d, 0)) != TK_OK)
		etake_fail(&s, r, "no unit free");
	if (gotsig) {
		/* the signal came as the unit was taken: as if before */
		long long done;

		(void)give(&s, 1, 0, &done);
		eonsig();
	}
	sem_done(&s);
	return 0;
}

static void
epost_fail(struct sem *s, long long n, long long done)
{
	int v;

	if (errno == EIDRM)
		eremoved(s);
	if (s->sysv && errno == ERANGE) {
		if ((v = sysv_value(s)) >= 0)
			eerrx(EXIT_FAIL, "value %d + %lld would exceed SEMVMX "
			    "%d: nothing posted", v, n, SEMVMX);
		eerrx(EXIT_FAIL, "the value would exceed SEMVMX %d: nothing "
		    "posted", SEMVMX);
	}
	if (!s->sysv && errno == EOVERFLOW)
		eerrx(EXIT_FAIL, "the value reached SEM_VALUE_MAX %d: %lld of "
		    "%lld posted", SEM_VALUE_MAX, done, n);
	if (s->sysv && errno == EFBIG)
		eerrx(EXIT_FAIL, "index %d is out of range for the set",
		    s->index);
	eerr(EXIT_FAIL, "%s (%lld of %lld posted)", s->sysv ? "semop" :
	    "sem_post", done, n);
}

static int
cmd_post(int argc, char *argv[])
{
	static const struct option lo[] = {
		VALUE_OPT, NSEMS_OPT, INDEX_OPT,
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct semopts o;
	struct sem s;
	long long n, done;

	esem_options(argc, argv, OPT_SYSV | OPT_CREATE | OPT_MODE, lo, &o,
	    &argv, NULL);
	eoperand(&s, argv[0], &o, 0);
	esem(&s, &o, NULL);
	n = o.count > 0 ? o.count : 1;
	/* no SEM_UNDO: what is posted stays posted */
	if (give(&s, n, 0, &done) == -1)
		epost_fail(&s, n, done);
	sem_done(&s);
	return 0;
}

static int
cmd_get(int argc, char *argv[])
{
	static const struct option lo[] = {
		INDEX_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct semopts o;
	struct sem s;
	int v;

	esem_options(argc, argv, OPT_SYSV, lo, &o, &argv, NULL);
	eoperand(&s, argv[0], &o, 0);
	eopen(&s);
	if (s.sysv) {
		if ((v = sysv_value(&s)) == -1) {
			if (sysv_isgone(&s, errno))
				eremoved(&s);
			if (errno == EINVAL)
				eerrx(EXIT_FAIL, "index %d is out of range for "
				    "the set", s.index);
			eerr(EXIT_FAIL, "semctl GETVAL");
		}
	} else if (sem_getvalue(s.ps, &v) == -1)
		eerr(EXIT_FAIL, "sem_getvalue");
	printf("%d\n", v);
	sem_done(&s);
	return 0;
}

/* ---- run --------------------------------------------------------------- */

/*
 * Give the unit back once CMD is gone.  A set or semaphore removed
 * meanwhile has nothing to give back to: said, and CMD's status kept.
 * Any other failure loses a unit: said, and a status of 0 becomes 1.
 */
static int
run_giveback(struct sem *s, int st)
{
	long long done;

	if (give(s, 1, 1, &done) == 0)
		return st;
	if (errno == EIDRM) {
		iwarnx("%s while the command ran: nothing to give back",
		    removedmsg[s->sysv]);
		return st;
	}
	iwarn("the unit could not be given back");
	return st == 0 ? EXIT_FAIL : st;
}

static int
cmd_run(int argc, char *argv[])
{
	static const struct option lo[] = {
		VALUE_OPT, NSEMS_OPT, INDEX_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct childspec cs;
	struct deadline d;
	struct semopts o;
	struct sem s;
	sigset_t set, old;
	char **cmdv;
	pid_t pid;
	int r, st;

	esem_options(argc, argv, OPT_SYSV | OPT_TIMEOUT | OPT_NOWAIT |
	    OPT_CREATE | OPT_MODE, lo, &o, &argv, &cmdv);
	eoperand(&s, argv[0], &o, 0);
	deadline_init(&d, opt.timeout);
	esem(&s, &o, &d);
	/* System V: SEM_UNDO, so that the kernel gives the unit back if we
	 * die of anything */
	if ((r = take(&s, &d, 1)) != TK_OK)
		etake_fail(&s, r, "no unit free");
	iverbose("unit taken; running %s", cmdv[0]);

	/*
	 * From here INT, TERM and HUP go to CMD.  With them blocked, one
	 * that came since the take is seen here, and one that comes later
	 * finds CMD in the child table (child_start adds it before they
	 * are unblocked), so none is lost or sent twice.
	 */
	memset(&cs, 0, sizeof(cs));
	cs.argv = cmdv;
	cs.fd0 = cs.fd1 = -1;
	cs.pdeathsig = SIGTERM;
	sig_block(&set, &old);
	sig_policy(SIGP_FORWARD);
	if (gotsig) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		(void)run_giveback(&s, 0);
		eraise(gotsig);
	}
	pid = child_start(&cs);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid == -1) {
		iwarn("cannot start %s", cmdv[0]);
		(void)run_giveback(&s, 0);
		if (gotsig)
			eraise(gotsig);
		return EXIT_FAIL;
	}
	while ((st = child_wait(pid)) == -1) {
		if (errno != EINTR) {
			/* cannot happen: it is our child; keep the unit
			 * rather than give it back while CMD may run */
			eerr(EXIT_FAIL, "waitpid");
		}
	}
	st = run_giveback(&s, st);
	sem_done(&s);
	if (gotsig)
		eraise(gotsig);
	return st;
}

/* ---- stat: the keys are ls --json's (lsipc(1)'s columns) ----------------- */

/* 1: pid is a live process, 0: gone; comm gets its name */
static int
pid_alive(pid_t pid, char *comm, size_t len)
{
	char path[64];
	FILE *fp;

	comm[0] = '\0';
	if (pid <= 0 || (kill(pid, 0) == -1 && errno != EPERM))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fp = fopen(path, "re")) != NULL) {
		if (fgets(comm, (int)len, fp) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(fp);
	}
	return 1;
}

static void
estat_posix(struct sem *s)
{
	char path[PATHMAX];
	struct stat st;
	struct kv kv;
	int v;

	eopen(s);
	if (sem_getvalue(s->ps, &v) == -1)
		eerr(EXIT_FAIL, "sem_getvalue");
	if (posix_ident(s) == -1)
		eerrx(EXIT_FAIL, "the semaphore's file is not mapped");
	if (lstat(posix_path(s, path, sizeof(path)), &st) == -1 || st.st_ino != s->ino ||
	    st.st_dev != s->dev)
		eremoved(s);
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "posix");
	kv_str(&kv, "name", s->name);
	kv_str(&kv, "file", path);
	kv_id(&kv, "owner", "uid", st.st_uid, 0);
	kv_id(&kv, "group", "gid", st.st_gid, 1);
	kv_mode(&kv, "perms", st.st_mode & 0777);
	kv_num(&kv, "nsems", 1);
	kv_num(&kv, "value", v);
	kv_num(&kv, "valuemax", SEM_VALUE_MAX);
	kv_time(&kv, "ctime", st.st_mtime);
	kv_end(&kv);
}

static void
estat_sysv(struct sem *s)
{
	struct semid_ds ds;
	struct kv kv;
	char comm[64];
	int v, pid, ncnt, zcnt, alive;

	if (try_open(s) == -1)
		eopen_fail(s);
	if (sysv_stat(s, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			eerrx(EXIT_FAIL, "no such semaphore set");
		eerr(EXIT_FAIL, "semctl IPC_STAT");
	}
	esysv_index(s);
	if ((v = semctl(s->id, s->index, GETVAL)) == -1 ||
	    (pid = semctl(s->id, s->index, GETPID)) == -1 ||
	    (ncnt = semctl(s->id, s->index, GETNCNT)) == -1 ||
	    (zcnt = semctl(s->id, s->index, GETZCNT)) == -1) {
		if (sysv_isgone(s, errno))
			eremoved(s);
		eerr(EXIT_FAIL, "semctl");
	}
	alive = pid_alive(pid, comm, sizeof(comm));
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "sysv");
	kv_key(&kv, "key", ds.sem_perm.__key);
	kv_num(&kv, "id", s->id);
	if (s->ref.fromftok) {
		kv_str(&kv, "file", s->operand);
		kv_num(&kv, "proj", opt.proj);
	}
	kv_id(&kv, "owner", "uid", ds.sem_perm.uid, 0);
	kv_id(&kv, "group", "gid", ds.sem_perm.gid, 1);
	kv_id(&kv, "cuser", "cuid", ds.sem_perm.cuid, 0);
	kv_id(&kv, "cgroup", "cgid", ds.sem_perm.cgid, 1);
	kv_mode(&kv, "perms", ds.sem_perm.mode & 0777);
	kv_num(&kv, "nsems", (long long)ds.sem_nsems);
	kv_num(&kv, "index", s->index);
	kv_num(&kv, "value", v);
	kv_num(&kv, "valuemax", SEMVMX);
	kv_num(&kv, "ncount", ncnt);
	kv_num(&kv, "zcount", zcnt);
	/* the last semop on this member, and whether it still runs */
	if (pid > 0) {
		kv_num(&kv, "lpid", pid);
		kv_bool(&kv, "lpidalive", alive);
		if (alive && comm[0] != '\0')
			kv_str(&kv, "lcomm", comm);
		else
			kv_null(&kv, "lcomm");
	} else {
		kv_null(&kv, "lpid");
		kv_null(&kv, "lpidalive");
		kv_null(&kv, "lcomm");
	}
	kv_time(&kv, "otime", ds.sem_otime);
	kv_time(&kv, "ctime", ds.sem_ctime);
	kv_end(&kv);
}

static int
cmd_stat(int argc, char *argv[])
{
	static const struct option lo[] = {
		INDEX_OPT,
		{ NULL, 0, NULL, 0 },
	};
	struct semopts o;
	struct sem s;

	esem_options(argc, argv, OPT_SYSV | OPT_JSON, lo, &o, &argv, NULL);
	eoperand(&s, argv[0], &o, 0);
	if (s.sysv)
		estat_sysv(&s);
	else
		estat_posix(&s);
	sem_done(&s);
	return 0;
}

/* ---- ls, rm, limits: the shared machinery ------------------------------ */

static int
cmd_ls(int argc, char *argv[])
{
	return ipcobj_ls(IPC_SEM, argc, argv);
}

static int
cmd_rm(int argc, char *argv[])
{
	return ipcobj_rm(IPC_SEM, argc, argv);
}

static int
cmd_limits(int argc, char *argv[])
{
	return ipcobj_limits(IPC_SEM, argc, argv);
}

#define CREATE_ARGS \
	"[--create [--value N] [--nsems N] [--mode MODE]]"

static const struct verb verbs[] = {
	{ "create", cmd_create,
	    "[--sysv [--proj N] [--nsems N]] [--value N] [--mode MODE] [-v] "
	    "NAME",
	    "create a semaphore (never adopts an existing one)",
	    "      --value N         the initial value (default 1)\n"
	    "      --nsems N         System V: semaphores in the set "
	    "(default 1)\n" },
	{ "wait", cmd_wait,
	    "[--sysv [--proj N] [--index N]] [--timeout DUR | --nowait] "
	    CREATE_ARGS " [-v] NAME",
	    "take one unit (P), waiting until one is free",
	    CREATE_HELP INDEX_HELP },
	{ "post", cmd_post,
	    "[--sysv [--proj N] [--index N]] [--count N] " CREATE_ARGS
	    " [-v] NAME",
	    "give units (V): one, or N with --count",
	    "  -n, --count N         give N units (default 1)\n"
	    CREATE_HELP INDEX_HELP },
	{ "get", cmd_get, "[--sysv [--proj N] [--index N]] NAME",
	    "print the value, the number alone", INDEX_HELP },
	{ "run", cmd_run,
	    "[--sysv [--proj N] [--index N]] [--timeout DUR | --nowait] "
	    CREATE_ARGS " [-v] NAME -- CMD [ARG...]",
	    "take one unit, run CMD, give the unit back when CMD has ended",
	    CREATE_HELP INDEX_HELP },
	{ "stat", cmd_stat, "[--sysv [--proj N] [--index N]] [--json] NAME",
	    "value, owner, perms; System V: the last operator and its state",
	    INDEX_HELP },
	{ "ls", cmd_ls, IPCOBJ_LS_ARGS, "list semaphores", NULL },
	{ "rm", cmd_rm, IPCOBJ_RM_ARGS, "remove semaphores", NULL },
	{ "limits", cmd_limits, IPCOBJ_LIMITS_ARGS,
	    "the system's semaphore limits and their use", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs,
	    "semaphores, POSIX and System V, for shell scripts");
}
