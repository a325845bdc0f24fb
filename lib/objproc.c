/*
 * objproc.c - the one walk over /proc (processes, their descriptors and
 * their maps; ipckit's who and map in ipcmap.c use it too), and on it:
 * which processes have a file open or mapped, as lsof and
 * fuser find out: stat every /proc/PID/fd link (and read /proc/PID/maps)
 * and compare device and inode with the files we care about; and which
 * threads are blocked in msgrcv, msgsnd, semop or semtimedop, and on
 * which id (/proc/PID/task/TID/syscall, proc(5)).  A process we cannot
 * look into (another user's, as an unprivileged caller) is not skipped
 * silently: it is noted with its credentials, so that the caller can
 * decide whether it could have the object open.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */

/* ---- the walk: processes, their descriptors, their maps --------------- */

int
proc_open(struct procwalk *w)
{
	w->self = getpid();
	w->off = w->len = 0;
	w->chunk = sizeof(w->buf);
	w->fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return w->fd == -1 ? -1 : 0;
}

/*
 * The next process, 0 at the end.  getdents64(2) w->chunk bytes of
 * entries at a time: ipcmap.c's threads take turns at the walk and want
 * their next few processes at once, not after a read of 150 of them.
 */
pid_t
proc_next(struct procwalk *w)
{
	struct dirent64 *de;
	ssize_t got;
	char *end;
	long pid;

	for (;;) {
		if (w->off >= w->len) {
			if ((got = getdents64(w->fd, w->buf,
			    w->chunk)) <= 0)
				return 0;
			w->len = (size_t)got;
			w->off = 0;
		}
		de = (struct dirent64 *)(void *)(w->buf + w->off);
		w->off += de->d_reclen;
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && pid > 0 && pid <= INT_MAX &&
		    (pid_t)pid != w->self)
			return (pid_t)pid;
	}
}

void
proc_close(struct procwalk *w)
{
	close(w->fd);
}

/*
 * FN(ARG, DFD, NAME) for each descriptor in DFD, an open /proc/PID/fd
 * (left open), until FN returns an errno other than ENOENT (the
 * descriptor is not open); that errno, or 0.
 *
 * Linux 6.2 and later give the number of open descriptors, N, as the
 * size of /proc/PID/fd (proc(5)).  Mostly they are 0 to N-1: then those
 * N are all of them, looked at by number, and the directory, which
 * costs more to read than its links, is not read.  From the first
 * number that is not open, the directory is read for the rest (and all
 * of it where the size is 0): getdents64(2) straight, as a DIR would
 * cost an fcntl and a malloc for each process of the machine.  proc(5)
 * fills the buffer for as long as the next entry fits, so a read that
 * left room for the longest entry was the last: the call that would
 * return 0 is saved.
 */
int
proc_fds(int dfd, int (*fn)(void *, int, const char *), void *arg)
{
	char buf[8192], name[FMT_UINT];
	struct dirent64 *de;
	unsigned long from = 0;
	ssize_t got, off;
	struct stat st;
	int err;

	if (fstat(dfd, &st) == 0 && st.st_size > 0) {
		for (; from < (unsigned long)st.st_size; from++)
			if ((err = fn(arg, dfd, fmt_uint(name, from))) == ENOENT)
				break;
			else if (err != 0)
				return err;
		if (from == (unsigned long)st.st_size)
			return 0;
	}
	while ((got = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < got; off += de->d_reclen) {
			de = (struct dirent64 *)(void *)(buf + off);
			/* in number order: those below FROM were seen */
			if (!isdigit((unsigned char)de->d_name[0]) ||
			    strtoul(de->d_name, NULL, 10) < from)
				continue;
			if ((err = fn(arg, dfd, de->d_name)) != 0 &&
			    err != ENOENT)
				return err;
		}
		if ((size_t)got + sizeof(*de) + NAME_MAX < sizeof(buf))
			return 0;
	}
	return got == -1 ? errno : 0;
}

/*
 * FN(ARG, LINE) for each line of BASE/maps ("/proc/PID" or a thread's),
 * until FN returns an errno; that errno, or 0.  WANT,
 * when not NULL, lists strings of which a line must hold one: the rest
 * are not even parsed.
 */
int
proc_maps(const char *base, const char *const *want,
    int (*fn)(void *, const struct mapline *), void *arg)
{
	char path[PATH_MAX], *line = NULL;
	const char *const *w;
	struct mapline ml;
	unsigned maj, min;
	size_t cap = 0;
	int n, err = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/maps", base);
	if ((fp = fopen(path, "re")) == NULL)
		return errno;
	while (err == 0 && (errno = 0, getline(&line, &cap, fp)) != -1) {
		for (w = want; w != NULL && *w != NULL; w++)
			if (strstr(line, *w) != NULL)
				break;
		if (w != NULL && *w == NULL)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*x %x:%x %llu %n", &ml.start,
		    &ml.end, ml.perms, &maj, &min, &ml.ino, &n) != 6)
			continue;
		ml.dev = makedev(maj, min);
		ml.path = line + n;
		err = fn(arg, &ml);
	}
	if (err == 0 && errno != 0)
		err = errno;
	free(line);
	fclose(fp);
	return err;
}

/* ---- holders of files, waiters on SysV ids ------------------------------ */

static int
refcmp(const void *a, const void *b)
{
	const struct fileref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

void
proc_sortrefs(struct fileref *refs, size_t n)
{
	if (n > 0)
		qsort(refs, n, sizeof(*refs), refcmp);
}

struct fileref *
proc_findref(const struct procscan *ps, dev_t dev, ino_t ino)
{
	struct fileref key = { .dev = dev, .ino = ino };

	if (ps->nrefs == 0)
		return NULL;
	return bsearch(&key, ps->refs, ps->nrefs, sizeof(key), refcmp);
}

/* nothing more to learn: every file has a holder and no waits are
 * asked for */
static int
all_held(const struct procscan *ps)
{
	size_t i;

	if (ps->waits)
		return 0;
	for (i = 0; i < ps->nrefs; i++)
		if (ps->refs[i].holder == 0)
			return 0;
	return 1;
}

/* hidepid=2 (invisible) or 4 (ptraceable) hides other users' processes
 * from us altogether: then nothing can be ruled out */
static int
hidepid(void)
{
	char *line = NULL, *sep, *p;
	size_t cap = 0;
	int hidden = 0;
	FILE *fp;

	if (geteuid() == 0)
		return 0;
	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return 1;
	while (getline(&line, &cap, fp) != -1) {
		if ((sep = strstr(line, " - proc ")) == NULL ||
		    strstr(line, " /proc ") == NULL)
			continue;
		for (p = strstr(sep, "hidepid="); p != NULL;
		    p = strstr(p + 1, "hidepid=")) {
			p += 8;
			if (*p == '2' || *p == '4' ||
			    strncmp(p, "invisible", 9) == 0 ||
			    strncmp(p, "ptraceable", 10) == 0)
				hidden = 1;
		}
	}
	free(line);
	fclose(fp);
	return hidden;
}

/* "/proc/PID/stat": comm, state and flags; -1 errno */
static int
readstat(const char *base, char *comm, size_t len, char *state,
    unsigned long *flags)
{
	char path[PATH_MAX], buf[1024], *lp, *rp, *p;
	int i;

	snprintf(path, sizeof(path), "%s/stat", base);
	if (proc_readat(AT_FDCWD, path, buf, sizeof(buf)) == -1)
		return -1;
	/* "PID (COMM) S PPID PGRP SESSION TTY TPGID FLAGS ..." */
	if ((lp = strchr(buf, '(')) == NULL ||
	    (rp = strrchr(buf, ')')) == NULL || rp < lp || rp[1] == '\0') {
		errno = EPROTO;
		return -1;
	}
	if (comm != NULL) {
		*rp = '\0';
		strlcpy(comm, lp + 1, len);
	}
	p = rp + 2;
	*state = *p;
	for (i = 0; i < 6 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	*flags = p != NULL ? strtoul(p, NULL, 10) : 0;
	return 0;
}

/* a thread of a process whose leader has exited but whose other threads
 * live on (their files and memory are still in use), or 0 */
static pid_t
live_thread(pid_t pid)
{
	char path[64], tpath[PATH_MAX], state;
	unsigned long flags;
	struct dirent *de;
	pid_t found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (found == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(tpath, sizeof(tpath), "%s/%s", path, de->d_name);
		if (readstat(tpath, NULL, 0, &state, &flags) == 0 &&
		    state != 'Z' && state != 'X')
			found = (pid_t)strtol(de->d_name, NULL, 10);
	}
	closedir(d);
	return found;
}

static void
mark(struct procscan *ps, dev_t dev, ino_t ino, pid_t pid, char how)
{
	struct fileref *r;

	if ((r = proc_findref(ps, dev, ino)) != NULL && r->holder == 0) {
		r->holder = pid;
		r->how = how;
	}
}

struct markarg {
	struct procscan	*ps;
	pid_t		 pid;
};

static int
mark_fd(void *arg, int dfd, const char *name)
{
	struct markarg *m = arg;
	struct statx stx;

	/* follows the link to the open file; DONT_SYNC: a hung network
	 * file system does not hang us */
	if (statx(dfd, name, AT_STATX_DONT_SYNC, STATX_INO, &stx) == -1)
		return errno;	/* ENOENT: not open (proc_fds) */
	mark(m->ps, makedev(stx.stx_dev_major, stx.stx_dev_minor),
	    stx.stx_ino, m->pid, 'f');
	return 0;
}

static int
mark_map(void *arg, const struct mapline *ml)
{
	struct markarg *m = arg;

	if (ml->ino != 0)	/* 0: anonymous memory, [heap], [stack] */
		mark(m->ps, ml->dev, (ino_t)ml->ino, m->pid, 'm');
	return 0;
}

/* 0, or the errno that kept us out */
static int
scan_fds(struct procscan *ps, const char *base, pid_t pid)
{
	struct markarg m = { ps, pid };
	char path[PATH_MAX];
	int dfd, err;

	snprintf(path, sizeof(path), "%s/fd", base);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	err = proc_fds(dfd, mark_fd, &m);
	close(dfd);
	return err;
}

static int
scan_maps(struct procscan *ps, const char *base, pid_t pid)
{
	struct markarg m = { ps, pid };

	return proc_maps(base, NULL, mark_map, &m);
}

static void
ids(const char *s, unsigned int *v, int n)
{
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		v[i] = (unsigned int)strtoul(s, &end, 10);
		if (end == s)
			v[i] = (unsigned int)-1;	/* nobody's */
		s = end;
	}
}

/* note a process we could not look into, with what /proc/PID/status
 * says about its user and group ids (nocreds when that is unreadable
 * too) */
static void
note(struct procscan *ps, pid_t pid, const char *comm, const char *what,
    int err)
{
	unsigned bits = strcmp(what, "syscall") == 0 ? PN_WAITS :
	    strcmp(what, "stat") == 0 ? PN_FILES | PN_WAITS : PN_FILES;
	struct procnote *n = NULL;
	char path[64], *line = NULL, *p, *end;
	size_t cap = 0, i;
	FILE *fp;
	int b;

	for (i = 0; i < ps->nnotes; i++)
		if (ps->notes[i].pid == pid)
			n = &ps->notes[i];	/* once each */
	if (n == NULL) {
		ps->notes = ereallocarray(ps->notes, ps->nnotes + 1,
		    sizeof(*ps->notes));
		n = &ps->notes[ps->nnotes++];
		memset(n, 0, sizeof(*n));
		n->pid = pid;
		strlcpy(n->comm, comm, sizeof(n->comm));
	}
	for (b = 0; b < 2; b++)
		if ((bits & (1u << b)) && !(n->unseen & (1u << b))) {
			strlcpy(n->what[b], what, sizeof(n->what[b]));
			n->err[b] = err;
		}
	if (n->unseen != 0) {
		n->unseen |= bits;
		return;		/* its ids are known already */
	}
	n->unseen = bits;
	n->nocreds = 1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (getline(&line, &cap, fp) != -1) {
		if (strncmp(line, "Uid:", 4) == 0) {
			ids(line + 4, n->uid, 4);
			n->nocreds = 0;
		} else if (strncmp(line, "Gid:", 4) == 0)
			ids(line + 4, n->gid, 4);
		else if (strncmp(line, "Groups:", 7) == 0) {
			for (p = line + 7;; p = end) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				n->groups = ereallocarray(n->groups,
				    (size_t)n->ngroups + 1, sizeof(gid_t));
				n->groups[n->ngroups++] = (gid_t)g;
			}
		}
	}
	free(line);
	fclose(fp);
}

/*
 * The SysV calls that block on an id, and that id's place among the
 * arguments that /proc/TID/syscall shows ("NR ARG1 ... ARG6 SP PC" while
 * in a system call).  ipc(2) multiplexes them on some architectures:
 * its first argument is the call, its second the id.
 */
static const struct {
	long		 nr;
	enum ipckind	 kind;
	const char	*name;
} blocking[] = {
#ifdef SYS_msgrcv
	{ SYS_msgrcv, IPC_MQ, "msgrcv" },
#endif
#ifdef SYS_msgsnd
	{ SYS_msgsnd, IPC_MQ, "msgsnd" },
#endif
#ifdef SYS_semop
	{ SYS_semop, IPC_SEM, "semop" },
#endif
#ifdef SYS_semtimedop
	{ SYS_semtimedop, IPC_SEM, "semtimedop" },
#endif
#ifdef SYS_semtimedop_time64
	{ SYS_semtimedop_time64, IPC_SEM, "semtimedop" },
#endif
	{ -1, IPC_MQ, NULL },
};

#ifdef SYS_ipc
static const struct {
	unsigned long	 call;
	enum ipckind	 kind;
	const char	*name;
} ipccalls[] = {
	{ 1, IPC_SEM, "semop" }, { 4, IPC_SEM, "semtimedop" },
	{ 11, IPC_MQ, "msgsnd" }, { 12, IPC_MQ, "msgrcv" },
};
#endif

/* one thread: 0, or the errno that kept us out */
static int
scan_syscall(struct procscan *ps, pid_t pid, long tid)
{
	unsigned long long a[2];
	struct procwait *w;
	char path[64], buf[256], *p, *end;
	enum ipckind kind = IPC_MQ;
	const char *name = NULL;
	long nr;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/task/%ld/syscall", (int)pid,
	    tid);
	if (proc_readat(AT_FDCWD, path, buf, sizeof(buf)) == -1)
		return errno;
	/* "running", or "-1 SP PC" outside a system call */
	nr = strtol(buf, &end, 10);
	if (end == buf || nr < 0)
		return 0;
	for (i = 0, p = end; i < 2; i++, p = end) {
		a[i] = strtoull(p, &end, 16);
		if (end == p)
			return 0;
	}
	for (i = 0; blocking[i].name != NULL; i++)
		if (blocking[i].nr == nr) {
			name = blocking[i].name;
			kind = blocking[i].kind;
			break;
		}
#ifdef SYS_ipc
	if (nr == SYS_ipc)
		for (i = 0; i < sizeof(ipccalls) / sizeof(ipccalls[0]); i++)
			if ((a[0] & 0xffff) == ipccalls[i].call) {
				name = ipccalls[i].name;
				kind = ipccalls[i].kind;
				a[0] = a[1];
				break;
			}
#endif
	if (name == NULL || a[0] > INT_MAX)
		return 0;
	ps->wait = ereallocarray(ps->wait, ps->nwait + 1, sizeof(*ps->wait));
	w = &ps->wait[ps->nwait++];
	w->kind = kind;
	w->id = (int)a[0];
	w->pid = pid;
	w->call = name;
	return 0;
}

/* is the process in our IPC namespace?  A SysV id names an object only
 * there; when we cannot tell, count it as ours */
static int
same_ipcns(pid_t pid)
{
	static ino_t self;
	char path[64];
	struct stat st;

	if (self == 0 && stat("/proc/self/ns/ipc", &st) == 0)
		self = st.st_ino;
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	return self == 0 || stat(path, &st) == -1 || st.st_ino == self;
}

/* every thread of a process; 0, or the errno that kept us out */
static int
scan_waits(struct procscan *ps, pid_t pid)
{
	size_t before = ps->nwait;
	char path[64];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return errno;
	while (err == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		err = scan_syscall(ps, pid, strtol(de->d_name, NULL, 10));
		if (err == ENOENT || err == ESRCH)
			err = 0;	/* a thread that ended */
	}
	closedir(d);
	if (ps->nwait > before && !same_ipcns(pid))
		ps->nwait = before;	/* another namespace's ids */
	return err;
}

static int
gone(int err)
{
	return err == ENOENT || err == ESRCH;
}

static void
scan_one(struct procscan *ps, pid_t pid)
{
	char base[96], comm[64] = "?", state;
	unsigned long flags;
	pid_t task = pid;
	int err;

	snprintf(base, sizeof(base), "/proc/%d", (int)pid);
	if (readstat(base, comm, sizeof(comm), &state, &flags) == -1) {
		if (!gone(errno))
			note(ps, pid, comm, "stat", errno);
		return;
	}
	if (flags & PF_KTHREAD)		/* kernel threads hold no objects */
		return;
	if (ps->waits && (err = scan_waits(ps, pid)) != 0 && !gone(err))
		note(ps, pid, comm, "syscall", err);
	if (ps->nrefs == 0)
		return;
	if (state == 'Z' || state == 'X') {
		if ((task = live_thread(pid)) == 0)
			return;		/* dead: holds nothing */
		snprintf(base, sizeof(base), "/proc/%d/task/%d", (int)pid,
		    (int)task);
	}
	err = scan_fds(ps, base, pid);
	if (err == 0 && ps->maps) {
		err = scan_maps(ps, base, pid);
		if (err != 0 && !gone(err))
			note(ps, pid, comm, "maps", err);
	} else if (err != 0 && !gone(err))
		note(ps, pid, comm, "fd", err);
}

int
proc_scan(struct procscan *ps)
{
	struct procwalk w;
	pid_t pid;

	ps->notes = NULL;
	ps->nnotes = 0;
	ps->wait = NULL;
	ps->nwait = 0;
	ps->hidden = hidepid();
	if (proc_open(&w) == -1)
		return -1;
	while (!all_held(ps) && (pid = proc_next(&w)) != 0)
		scan_one(ps, pid);
	proc_close(&w);
	return 0;
}

void
proc_free(struct procscan *ps)
{
	size_t i;

	for (i = 0; i < ps->nnotes; i++)
		free(ps->notes[i].groups);
	free(ps->notes);
	free(ps->wait);
	ps->notes = NULL;
	ps->nnotes = 0;
	ps->wait = NULL;
	ps->nwait = 0;
}

/*
 * The small /proc file PATH (relative to DFD, or AT_FDCWD) in BUF, one
 * read(2) as proc(5) gives it, NUL-terminated: 0, or -1 and errno
 * (ESRCH: empty, its process ended meanwhile).
 */
int
proc_readat(int dfd, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if ((fd = openat(dfd, path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		if (n == 0)
			errno = ESRCH;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/* the command of the process whose "/proc/PID/comm" is PATH from DFD */
int
proc_commat(int dfd, const char *path, char *buf, size_t len)
{
	if (proc_readat(dfd, path, buf, len) == -1)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int
proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	return proc_commat(AT_FDCWD, path, buf, len);
}
