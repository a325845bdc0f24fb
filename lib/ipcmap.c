/*
 * ipcmap.c - who holds an IPC object, and which processes talk to which:
 * the who and map verbs of ipckit(1).  Everything comes from reading
 * /proc (each process's fd links, whose own mode bits are the open mode,
 * and its maps when a segment could be mapped at all), /proc/sysvipc,
 * /proc/net/tcp{,6} and the kernel's socket diagnostics (sock_diag(7),
 * unix_diag): nothing is opened or connected to find out, so looking has
 * no side effect on the processes looked at.
 *
 * The scan gives one list of references: a process holds an object
 * through a descriptor (with its open mode) or a mapping (with its
 * address).  who filters that list by one object; map pairs the
 * references to the same object into edges (a pipe's writers to its
 * readers, a socket to its peer, the holders of a queue or a segment to
 * one another).
 *
 * The scan is spread over the CPUs the command may run on: the kernel
 * work of reading /proc is the whole cost, and it is done per process.
 * Each thread takes blocks of processes in turn and keeps what it finds
 * to itself; the blocks are put back together in /proc's order, so the
 * output is the one a single thread would give.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"
#include "obj.h"

#ifndef MQUEUE_MAGIC
#define MQUEUE_MAGIC	0x19800202
#endif
#define SHMDIR		"/dev/shm/"

enum rkind { R_PIPE, R_FIFO, R_UNIX, R_TCP, R_MQ, R_SHM, R_SYSVSHM };
static const char *const kindname[] = {
	"pipe", "fifo", "unix", "tcp", "mq", "shm", "sysv-shm",
};

struct proc {
	pid_t		 pid;
	uid_t		 uid;		/* once has_uid */
	char		 comm[64];	/* once has_comm */
	int		 has_uid, has_comm;
	char		*label;		/* "PID(COMM)", once shown by map */
};

struct ref {
	size_t		 pi;		/* index in procs */
	enum rkind	 kind;
	int		 fd;		/* -1: a mapping */
	int		 acc;		/* O_RDONLY, O_WRONLY, O_RDWR; -1 unknown */
	unsigned long	 addr;		/* a mapping's start */
	unsigned long long dev, ino;	/* the object: ino a pipe's or
					 * socket's inode, a SysV shmid */
	char		*obj;		/* path or name, NULL for pipes */
};

struct usock {				/* a UNIX socket, from unix_diag */
	unsigned	 ino, peer, vfsino;
	int		 state;		/* TCP_LISTEN (10), ... */
	char		*name;		/* bound name, "@..." abstract */
};

struct tsock {				/* a TCP socket, from /proc/net/tcp */
	char		 local[64], remote[64];
	unsigned long long ino;
};

struct scan {
	struct proc	*procs;
	size_t		 nprocs, capprocs;
	struct ref	*refs;
	size_t		 nrefs, caprefs;
	struct usock	*us;
	size_t		 nus;
	struct tsock	*ts;
	size_t		 nts;
	int		 nomaps;	/* in: descriptors only */
	int		 maps_here;	/* a segment could be mapped */
	unsigned long long mntns, ipcns; /* ours */
	int		 comm_early;	/* in: read commands while scanning */
	struct {
		dev_t	 dev;
		int	 mq;		/* an mqueue file system */
	}		 devs[32];	/* statfs(2) results, by device */
	size_t		 ndevs;
	size_t		 unseen;	/* processes we could not look into */
	pid_t		*unseenpids;	/* their pids */
	size_t		 capunseen;
};

/* ---- reading /proc ------------------------------------------------------ */

static struct ref *
addref(struct scan *s, size_t pi, enum rkind k, int fd)
{
	struct ref *r;

	s->refs = egrow(s->refs, s->nrefs, &s->caprefs, sizeof(*s->refs));
	r = &s->refs[s->nrefs++];
	memset(r, 0, sizeof(*r));
	r->pi = pi;
	r->kind = k;
	r->fd = fd;
	r->acc = -1;
	return r;
}

/*
 * The open mode of descriptor FD: proc(5)'s /proc/PID/fd/FD link carries
 * it in its own permission bits (read: r-x, write: -wx), so one lstat
 * tells what /proc/PID/fdinfo/FD's flags line would.  -1 when unknown.
 */
static int
fdacc(int dfd, const char *fd)
{
	struct stat st;

	if (fstatat(dfd, fd, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	switch (st.st_mode & (S_IRUSR | S_IWUSR)) {
	case S_IRUSR:
		return O_RDONLY;
	case S_IWUSR:
		return O_WRONLY;
	case S_IRUSR | S_IWUSR:
		return O_RDWR;
	}
	return -1;
}

/* "pipe:[123]" -> 123 */
static int
bracket_ino(const char *link, const char *prefix, unsigned long long *ino)
{
	size_t n = strlen(prefix);
	char *end;

	if (strncmp(link, prefix, n) != 0 || link[n] != '[')
		return 0;
	*ino = strtoull(link + n + 1, &end, 10);
	return *end == ']';
}

static char *
strip_deleted(char *path)
{
	size_t n = strlen(path), d = sizeof(" (deleted)") - 1;

	if (n > d && strcmp(path + n - d, " (deleted)") == 0)
		path[n - d] = '\0';
	return path;
}

/*
 * The "/dev/shm/NAME" part of PATH, or NULL.  The kernel writes the path
 * of a file from the reader's root, so the file of a process chroot'ed
 * or in another mount namespace can come with a prefix
 * ("/var/lib/box/dev/shm/NAME"); the NAME of a segment has no slash.
 */
static const char *
shm_path(const char *path)
{
	const char *p, *last = NULL;

	for (p = path; (p = strstr(p, SHMDIR)) != NULL; p++)
		last = p;
	if (last == NULL || strchr(last + sizeof(SHMDIR) - 1, '/') != NULL)
		return NULL;
	return last;
}

/* the paths nearly every process holds, which are never a FIFO, a
 * segment or a queue: no stat for them (devpts holds only terminals) */
static int
never_fifo(const char *link)
{
	return strcmp(link, "/dev/null") == 0 ||
	    strncmp(link, "/dev/pts/", 9) == 0;
}

/* is device DEV an mqueue file system (the fd NAME of PID is on it)?
 * statfs once per device: most regular files are on one or two */
static int
mqueue_dev(struct scan *s, dev_t dev, pid_t pid, const char *name)
{
	char path[PATH_MAX];
	struct statfs sf;
	size_t i;

	for (i = 0; i < s->ndevs; i++)
		if (s->devs[i].dev == dev)
			return s->devs[i].mq;
	snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid, name);
	if (statfs(path, &sf) == -1)
		return 0;
	if (s->ndevs < sizeof(s->devs) / sizeof(s->devs[0])) {
		s->devs[s->ndevs].dev = dev;
		s->devs[s->ndevs++].mq = sf.f_type == MQUEUE_MAGIC;
	}
	return sf.f_type == MQUEUE_MAGIC;
}

struct scanarg {
	struct scan	*s;
	size_t		 pi;
	size_t		 first;		/* the process's first reference */
};

/* one descriptor NAME of process PI: a reference when it is IPC */
static int
scan_fd(void *arg, int dfd, const char *name)
{
	struct scanarg *a = arg;
	struct scan *s = a->s;
	size_t pi = a->pi;
	char link[PATH_MAX];
	unsigned long long ino;
	struct statx stx;
	struct ref *r;
	ssize_t n;
	dev_t dev;

	/* ENOENT: not open (proc_fds).  A process we may not look into
	 * (ptrace(2)'s access check) is refused every descriptor: the
	 * first refusal ends it */
	if ((n = readlinkat(dfd, name, link, sizeof(link) - 1)) <= 0)
		return n == -1 && (errno == ENOENT || errno == EACCES ||
		    errno == EPERM) ? errno : 0;
	link[n] = '\0';
	if (bracket_ino(link, "pipe:", &ino)) {
		r = addref(s, pi, R_PIPE, atoi(name));
		r->ino = ino;
	} else if (bracket_ino(link, "socket:", &ino)) {
		/* UNIX or TCP, or neither: sorted out later */
		r = addref(s, pi, R_UNIX, atoi(name));
		r->ino = ino;
		r->acc = O_RDWR;
		return 0;
	} else if (link[0] == '/' && !never_fifo(link)) {
		/* follows the link to the open file, opens nothing;
		 * DONT_SYNC: a hung network file system does not hang us */
		if (statx(dfd, name, AT_STATX_DONT_SYNC, STATX_TYPE |
		    STATX_INO, &stx) == -1)
			return 0;
		dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
		if (S_ISFIFO(stx.stx_mode))
			r = addref(s, pi, R_FIFO, atoi(name));
		else if (S_ISREG(stx.stx_mode) && shm_path(link) != NULL)
			r = addref(s, pi, R_SHM, atoi(name));
		else if (S_ISREG(stx.stx_mode) &&
		    mqueue_dev(s, dev, s->procs[pi].pid, name))
			r = addref(s, pi, R_MQ, atoi(name));
		else
			return 0;
		r->dev = dev;
		r->ino = stx.stx_ino;
		r->obj = estrdup(r->kind == R_SHM ?
		    shm_path(strip_deleted(link)) : strip_deleted(link));
	} else
		return 0;
	r->acc = fdacc(dfd, name);
	return 0;
}

/* every descriptor of process PI, from its open /proc/PID/fd */
static void
scan_fds(struct scan *s, size_t pi, int dfd)
{
	struct scanarg a = { s, pi, s->nrefs };

	(void)proc_fds(dfd, scan_fd, &a);
	/* a process that holds something is likely shown: its command
	 * read now costs less than once its /proc directory is let go */
	if (s->comm_early && s->nrefs > a.first && proc_commat(dfd,
	    "../comm", s->procs[pi].comm, sizeof(s->procs[pi].comm)) == 0)
		s->procs[pi].has_comm = 1;
}

/* a mapping of a /dev/shm file or of a SysV segment ("/SYSV0000002a
 * (deleted)", whose inode is the shmid) */
static int
scan_map(void *arg, const struct mapline *ml)
{
	struct scanarg *a = arg;
	struct scan *s = a->s;
	struct ref *r;
	size_t i;

	if (strncmp(ml->path, "/SYSV", 5) == 0)
		r = addref(s, a->pi, R_SYSVSHM, -1);
	else if (shm_path(ml->path) != NULL)
		r = addref(s, a->pi, R_SHM, -1);
	else
		return 0;
	r->ino = ml->ino;
	r->dev = ml->dev;
	r->addr = ml->start;
	r->acc = strchr(ml->perms, 'w') != NULL ? O_RDWR : O_RDONLY;
	/* one line per mapping of the same object is enough */
	for (i = a->first; i < s->nrefs - 1; i++)
		if (s->refs[i].kind == r->kind && s->refs[i].ino == r->ino &&
		    s->refs[i].dev == r->dev) {
			s->nrefs--;
			return 0;
		}
	if (r->kind == R_SHM) {
		r->obj = estrdup(shm_path(ml->path));
		strip_deleted(r->obj);
	}
	return 0;
}

static void
scan_maps(struct scan *s, size_t pi)
{
	/* most lines are libraries and anonymous memory */
	static const char *const want[] = { " /SYSV", SHMDIR, NULL };
	struct scanarg a = { s, pi, s->nrefs };
	char base[32];

	snprintf(base, sizeof(base), "/proc/%d", (int)s->procs[pi].pid);
	(void)proc_maps(base, want, scan_map, &a);
}

/*
 * Could a process of our namespaces have a segment mapped?  Not when no
 * SysV segment is attached (nattch, proc(5)'s /proc/sysvipc/shm) and
 * /dev/shm holds no file, and no deleted one either: then the only inode
 * its file system has in use is its root (statfs(2)).  Reading every
 * process's maps would find nothing then, so it is skipped.
 */
static int
maps_needed(void)
{
	struct objlist l = { 0 };
	struct statfs sf;
	size_t i;
	int need = 0;

	if (sysv_list(IPC_SHM, &l) == -1)
		need = 1;
	for (i = 0; i < l.n; i++)
		need |= l.v[i].nattch != 0;
	objlist_free(&l);
	return need || statfs(SHMDIR, &sf) == -1 || sf.f_files == 0 ||
	    sf.f_files - sf.f_ffree != 1;
}

/*
 * The namespace of link PATH ("/proc/self/ns/mnt", or "../ns/mnt" from
 * an open /proc/PID/fd), 0 when unreadable.  The link reads
 * "mnt:[4026531841]" (namespaces(7)): reading it is cheaper than a stat
 * through it into nsfs.
 */
static unsigned long long
ns_of(int dfd, const char *path)
{
	char link[64];
	unsigned long long ino;
	const char *type;
	ssize_t n;

	if ((n = readlinkat(dfd, path, link, sizeof(link) - 1)) <= 0)
		return 0;
	link[n] = '\0';
	type = strrchr(path, '/') + 1;
	if (strncmp(link, type, strlen(type)) != 0 ||
	    !bracket_ino(link + strlen(type), ":", &ino))
		return 0;
	return ino;
}

/* a process of another mount or IPC namespace has its own /dev/shm and
 * segments: its maps are read whatever ours hold.  DFD: its /proc/PID/fd */
static int
maps_wanted(const struct scan *s, int dfd)
{
	if (s->nomaps)
		return 0;
	if (s->maps_here)
		return 1;
	return ns_of(dfd, "../ns/mnt") != s->mntns ||
	    ns_of(dfd, "../ns/ipc") != s->ipcns;
}

/* process PID, /proc being PROCFD: its references, or it is unseen */
static void
scan_proc(struct scan *s, int procfd, pid_t pid)
{
	char path[32];
	size_t pi;
	int dfd;

	snprintf(path, sizeof(path), "%d/fd", (int)pid);
	if ((dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1) {
		if (errno == ENOENT || errno == ESRCH)
			return;		/* gone meanwhile */
		s->unseenpids = egrow(s->unseenpids, s->unseen, &s->capunseen,
		    sizeof(*s->unseenpids));
		s->unseenpids[s->unseen++] = pid;
		return;
	}
	s->procs = egrow(s->procs, s->nprocs, &s->capprocs, sizeof(*s->procs));
	pi = s->nprocs++;
	memset(&s->procs[pi], 0, sizeof(s->procs[pi]));
	s->procs[pi].pid = pid;
	scan_fds(s, pi, dfd);
	if (maps_wanted(s, dfd))
		scan_maps(s, pi);
	close(dfd);
}

#define BLOCK		16	/* processes a thread takes at a time */
#define MAXTHREADS	8

/*
 * Every thread, the caller's too, takes the next BLOCK processes of the
 * one walk over /proc in turn (under the lock) and looks into them, into
 * a scan of its own.  The walk reads /proc a few entries at a time, so
 * nobody waits for the rest of it; a block is numbered as it is taken
 * (seq), and merge() puts the blocks back in that order.
 */
struct pool {
	pthread_mutex_t	 lock;
	struct procwalk	*pw;
	size_t		 nblocks;	/* taken so far */
	int		 ended;		/* /proc read to its end */
};

struct block {				/* what one block of processes gave */
	size_t		 seq;
	struct scan	*by;		/* in the scan of the thread that
					 * took it: */
	size_t		 proc0, nprocs, ref0, nrefs, unseen0, nunseen;
};

struct worker {
	struct pool	*pool;
	struct scan	 s;
	struct block	*blocks;	/* those this thread took */
	size_t		 nblocks, capblocks;
	pthread_t	 t;
};

/* the next block of processes into PIDS: how many, 0 when none are left */
static size_t
take(struct pool *p, pid_t *pids, size_t *seq)
{
	size_t n = 0;
	pid_t pid;

	pthread_mutex_lock(&p->lock);
	while (!p->ended && n < BLOCK) {
		if ((pid = proc_next(p->pw)) == 0)
			p->ended = 1;
		else
			pids[n++] = pid;
	}
	if (n > 0)
		*seq = p->nblocks++;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct scan *s = &w->s;
	pid_t pids[BLOCK];
	struct block *bl;
	size_t i, n, seq;

	while ((n = take(w->pool, pids, &seq)) > 0) {
		w->blocks = egrow(w->blocks, w->nblocks, &w->capblocks,
		    sizeof(*w->blocks));
		bl = &w->blocks[w->nblocks++];
		bl->seq = seq;
		bl->by = s;
		bl->proc0 = s->nprocs;
		bl->ref0 = s->nrefs;
		bl->unseen0 = s->unseen;
		for (i = 0; i < n; i++)
			scan_proc(s, w->pool->pw->fd, pids[i]);
		bl->nprocs = s->nprocs - bl->proc0;
		bl->nrefs = s->nrefs - bl->ref0;
		bl->nunseen = s->unseen - bl->unseen0;
	}
	return NULL;
}

/*
 * Two threads per CPU we may run on, where there are two blocks of
 * processes for each (sysinfo(2)'s procs counts threads too): a thread
 * waits in the kernel now and then (on a lock of the process it looks
 * at, or behind another task on its CPU), and another keeps the CPU busy
 * meanwhile; measured, two per CPU beat one per CPU by a fifth.
 */
static size_t
nthreads(void)
{
	struct sysinfo si;
	cpu_set_t set;
	size_t n = 1;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = 2 * (size_t)CPU_COUNT(&set);
	if (n > MAXTHREADS)
		n = MAXTHREADS;
	if (sysinfo(&si) == -1 || si.procs < 2 * n * BLOCK)
		n = 1;
	return n < 1 ? 1 : n;
}

/* W[0..N)'s blocks, in the order they were taken, into S */
static void
merge(struct scan *s, struct pool *p, struct worker *w, size_t n)
{
	size_t b, i, np = 0, nr = 0, nu = 0;
	struct block **order, *bl;
	struct ref *r;

	order = ecalloc(p->nblocks + 1, sizeof(*order));
	for (i = 0; i < n; i++) {
		np += w[i].s.nprocs;
		nr += w[i].s.nrefs;
		nu += w[i].s.unseen;
		for (b = 0; b < w[i].nblocks; b++)
			order[w[i].blocks[b].seq] = &w[i].blocks[b];
	}
	s->capprocs = s->nprocs + np + 1;
	s->procs = ereallocarray(s->procs, s->capprocs, sizeof(*s->procs));
	s->caprefs = s->nrefs + nr + 1;
	s->refs = ereallocarray(s->refs, s->caprefs, sizeof(*s->refs));
	s->capunseen = s->unseen + nu + 1;
	s->unseenpids = ereallocarray(s->unseenpids, s->capunseen,
	    sizeof(*s->unseenpids));
	for (b = 0; b < p->nblocks; b++) {
		bl = order[b];
		/* a block of processes that all ended has none: a thread
		 * that never found one has no array at all */
		if (bl->nprocs > 0)
			memcpy(s->procs + s->nprocs, bl->by->procs +
			    bl->proc0, bl->nprocs * sizeof(*s->procs));
		for (i = 0; i < bl->nrefs; i++) {
			r = &s->refs[s->nrefs++];
			*r = bl->by->refs[bl->ref0 + i];
			r->pi = r->pi - bl->proc0 + s->nprocs;
		}
		s->nprocs += bl->nprocs;
		if (bl->nunseen > 0)
			memcpy(s->unseenpids + s->unseen, bl->by->unseenpids +
			    bl->unseen0, bl->nunseen * sizeof(*s->unseenpids));
		s->unseen += bl->nunseen;
	}
	for (i = 0; i < n; i++) {	/* the strings went with the refs */
		free(w[i].s.procs);
		free(w[i].s.refs);
		free(w[i].s.unseenpids);
		free(w[i].blocks);
	}
	free(order);
}

/* start the helpers, W[1..N): how many threads there are now */
static size_t
start_helpers(struct worker *w, size_t n)
{
	sigset_t all, old;
	size_t i;

	/* they take no signal: signals stay the caller's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 1; i < n; i++)
		if (pthread_create(&w[i].t, NULL, work, &w[i]) != 0)
			break;		/* fewer helpers, the same work */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return i;
}

static void	scan_unix(struct scan *);

/* every process: its references in S; with SOCKETS S's UNIX sockets
 * too, read while the helpers look into processes */
static void
scan_procs(struct scan *s, int sockets)
{
	struct worker w[MAXTHREADS];
	struct procwalk pw;
	struct pool p;
	size_t i, n, started;

	if (proc_open(&pw) == -1)
		eerr(EXIT_FAIL, "/proc");
	/* a few entries at a time: a block is there at once */
	pw.chunk = 512;
	if (!s->nomaps && !(s->maps_here = maps_needed())) {
		s->mntns = ns_of(AT_FDCWD, "/proc/self/ns/mnt");
		s->ipcns = ns_of(AT_FDCWD, "/proc/self/ns/ipc");
	}
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	p.pw = &pw;
	n = nthreads();
	for (i = 0; i < n; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].pool = &p;
		w[i].s.nomaps = s->nomaps;
		w[i].s.maps_here = s->maps_here;
		w[i].s.mntns = s->mntns;
		w[i].s.ipcns = s->ipcns;
		w[i].s.comm_early = s->comm_early;
	}
	started = start_helpers(w, n);
	if (sockets)
		scan_unix(s);
	work(&w[0]);
	for (i = 1; i < started; i++)
		pthread_join(w[i].t, NULL);
	merge(s, &p, w, n);
	pthread_mutex_destroy(&p.lock);
	proc_close(&pw);
}

/* a process's command and user, read when first shown: most of the
 * processes scanned never are.  One that has ended since is "(gone)". */
static const struct proc *
proc_at(struct scan *s, size_t pi)
{
	struct proc *p = &s->procs[pi];

	if (!p->has_comm) {
		if (proc_comm(p->pid, p->comm, sizeof(p->comm)) == -1)
			strlcpy(p->comm, "(gone)", sizeof(p->comm));
		p->has_comm = 1;
	}
	return p;
}

/* the user of a process is the owner of its /proc directory (proc(5)) */
static int
proc_uid(struct scan *s, size_t pi, uid_t *uid)
{
	struct proc *p = &s->procs[pi];
	char path[64];
	struct stat st;

	if (!p->has_uid) {
		snprintf(path, sizeof(path), "/proc/%d", (int)p->pid);
		if (stat(path, &st) == -1)
			return -1;
		p->uid = st.st_uid;
		p->has_uid = 1;
	}
	*uid = p->uid;
	return 0;
}

/* ---- sockets -------------------------------------------------------------- */

/* every UNIX socket of this network namespace, with its peer and name */
static void
scan_unix(struct scan *s)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} q;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	static char buf[32768];
	struct unix_diag_msg *m;
	struct nlmsghdr *h;
	struct rtattr *a;
	size_t cap = 0;
	struct usock *u;
	ssize_t n;
	int fd, len, done = 0;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return;
	memset(&q, 0, sizeof(q));
	q.nlh.nlmsg_len = sizeof(q);
	q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.req.sdiag_family = AF_UNIX;
	q.req.udiag_states = ~0u;
	q.req.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_VFS;
	if (sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		close(fd);
		return;
	}
	while (!done && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			m = NLMSG_DATA(h);
			s->us = egrow(s->us, s->nus, &cap, sizeof(*s->us));
			u = &s->us[s->nus++];
			memset(u, 0, sizeof(*u));
			u->ino = m->udiag_ino;
			u->state = m->udiag_state;
			len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
			for (a = (struct rtattr *)(m + 1); RTA_OK(a, len);
			    a = RTA_NEXT(a, len)) {
				if (a->rta_type == UNIX_DIAG_PEER)
					memcpy(&u->peer, RTA_DATA(a),
					    sizeof(u->peer));
				else if (a->rta_type == UNIX_DIAG_VFS) {
					struct unix_diag_vfs v;

					memcpy(&v, RTA_DATA(a), sizeof(v));
					u->vfsino = v.udiag_vfs_ino;
				} else if (a->rta_type == UNIX_DIAG_NAME &&
				    RTA_PAYLOAD(a) > 0 && u->name == NULL) {
					char *nm = RTA_DATA(a);
					size_t l = RTA_PAYLOAD(a);

					u->name = ecalloc(1, l + 2);
					if (nm[0] == '\0') {
						u->name[0] = '@';
						memcpy(u->name + 1, nm + 1,
						    l - 1);
					} else
						memcpy(u->name, nm, l);
				}
			}
		}
	}
	close(fd);
}

static void
tcp_addr(const char *hex, char *out, size_t len)
{
	unsigned char b[16];
	unsigned port, w;
	char ip[48];
	size_t n = strcspn(hex, ":"), i;

	if (n == 8) {
		w = (unsigned)strtoul(hex, NULL, 16);
		memcpy(b, &w, 4);
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[0], b[1], b[2],
		    b[3]);
	} else if (n == 32) {
		for (i = 0; i < 4; i++) {
			char part[9];

			memcpy(part, hex + i * 8, 8);
			part[8] = '\0';
			w = (unsigned)strtoul(part, NULL, 16);
			memcpy(b + i * 4, &w, 4);
		}
		/* an IPv4 peer of a dual-stack socket: ::ffff:a.b.c.d */
		if (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
			snprintf(ip, sizeof(ip), "%u.%u.%u.%u", b[12], b[13],
			    b[14], b[15]);
		else
			snprintf(ip, sizeof(ip), "[%x:%x:%x:%x:%x:%x:%x:%x]",
			    b[0] << 8 | b[1], b[2] << 8 | b[3],
			    b[4] << 8 | b[5], b[6] << 8 | b[7],
			    b[8] << 8 | b[9], b[10] << 8 | b[11],
			    b[12] << 8 | b[13], b[14] << 8 | b[15]);
	} else
		snprintf(ip, sizeof(ip), "?");
	port = hex[n] == ':' ? (unsigned)strtoul(hex + n + 1, NULL, 16) : 0;
	snprintf(out, len, "%s:%u", ip, port);
}

/* the connected TCP sockets of this network namespace */
static void
scan_tcp(struct scan *s)
{
	static const char *const files[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	char *line = NULL, l[80], r[80];
	unsigned long long ino;
	size_t cap = 0, tcap = 0, i;
	unsigned st;
	FILE *fp;

	for (i = 0; i < 2; i++) {
		if ((fp = fopen(files[i], "re")) == NULL)
			continue;
		while (getline(&line, &cap, fp) != -1) {
			/* sl local rem st tx:rx tr:when retrnsmt uid
			 * timeout inode */
			if (sscanf(line, " %*u: %79s %79s %x %*s %*s %*s %*u "
			    "%*u %llu", l, r, &st, &ino) != 4 || st != 1 ||
			    ino == 0)
				continue;	/* 1: ESTABLISHED */
			s->ts = egrow(s->ts, s->nts, &tcap, sizeof(*s->ts));
			tcp_addr(l, s->ts[s->nts].local,
			    sizeof(s->ts[s->nts].local));
			tcp_addr(r, s->ts[s->nts].remote,
			    sizeof(s->ts[s->nts].remote));
			s->ts[s->nts++].ino = ino;
		}
		fclose(fp);
	}
	free(line);
}

static int
usockcmp(const void *a, const void *b)
{
	const struct usock *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int
tsockcmp(const void *a, const void *b)
{
	const struct tsock *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* once sorted by inode (scan_all, sort_sockets) */
static struct usock *
find_usock(struct scan *s, unsigned long long ino)
{
	struct usock key = { .ino = (unsigned)ino };

	if (s->nus == 0 || ino > UINT_MAX)
		return NULL;
	return bsearch(&key, s->us, s->nus, sizeof(key), usockcmp);
}

static struct tsock *
find_tsock(struct scan *s, unsigned long long ino)
{
	struct tsock key = { .ino = ino };

	if (s->nts == 0)
		return NULL;
	return bsearch(&key, s->ts, s->nts, sizeof(key), tsockcmp);
}

/* socket references: UNIX, TCP (kind changed), or dropped */
static void
sort_sockets(struct scan *s)
{
	size_t i, j;
	struct usock *u;
	struct tsock *t;

	if (s->nts > 0)
		qsort(s->ts, s->nts, sizeof(*s->ts), tsockcmp);
	for (i = j = 0; i < s->nrefs; i++) {
		struct ref *r = &s->refs[i];

		if (r->kind == R_UNIX) {
			if ((u = find_usock(s, r->ino)) != NULL) {
				if (u->name != NULL)
					r->obj = estrdup(u->name);
			} else if ((t = find_tsock(s, r->ino)) != NULL) {
				r->kind = R_TCP;
			} else
				continue;
		}
		s->refs[j++] = *r;
	}
	s->nrefs = j;
}

/* a socket held that is not a UNIX one: only then is /proc/net/tcp
 * read, which walks the whole of the kernel's TCP hash table */
static int
tcp_wanted(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nrefs; i++)
		if (s->refs[i].kind == R_UNIX &&
		    find_usock(s, s->refs[i].ino) == NULL)
			return 1;
	return 0;
}

/* COMM_EARLY: most processes scanned will be shown (map) */
static void
scan_all(struct scan *s, int comm_early)
{
	memset(s, 0, sizeof(*s));
	s->comm_early = comm_early;
	scan_procs(s, 1);
	if (s->nus > 0)
		qsort(s->us, s->nus, sizeof(*s->us), usockcmp);
	if (tcp_wanted(s))
		scan_tcp(s);
	sort_sockets(s);
}

static void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nrefs; i++)
		free(s->refs[i].obj);
	for (i = 0; i < s->nus; i++)
		free(s->us[i].name);
	free(s->refs);
	for (i = 0; i < s->nprocs; i++)
		free(s->procs[i].label);
	free(s->procs);
	free(s->unseenpids);
	free(s->us);
	free(s->ts);
}

/* who has the FIFO dev/ino open, as fuser(1) finds out (ipc-fifo info) */
void
fifo_holders(dev_t dev, ino_t ino, struct fifo_holders *h)
{
	struct scan s;
	size_t i, pi;
	int r, w;

	memset(h, 0, sizeof(*h));
	memset(&s, 0, sizeof(s));
	s.nomaps = 1;
	scan_procs(&s, 0);
	for (i = 0; i < s.nrefs; i = pi) {
		r = w = 0;
		for (pi = i; pi < s.nrefs && s.refs[pi].pi == s.refs[i].pi;
		    pi++) {
			const struct ref *x = &s.refs[pi];

			if (x->kind != R_FIFO || x->ino != ino ||
			    x->dev != dev || x->acc == -1)
				continue;
			r |= x->acc != O_WRONLY;
			w |= x->acc != O_RDONLY;
			if (h->pid == 0) {
				h->pid = s.procs[x->pi].pid;
				h->fd = x->fd;
			}
		}
		h->readers += r;
		h->writers += w;
	}
	h->partial = s.unseen > 0;
	scan_free(&s);
}

/* one line on stderr unless -q: a count of what was hidden from us */
static void
report_unseen(struct scan *s)
{
	char list[256], comm[64];
	size_t i, len;

	if (s->unseen == 0 || opt.quiet)
		return;
	if (opt.verbose) {
		list[0] = '\0';
		for (i = 0; i < s->unseen && i < 8; i++) {
			if (proc_comm(s->unseenpids[i], comm,
			    sizeof(comm)) == -1)
				comm[0] = '\0';
			len = strlen(list);
			snprintf(list + len, sizeof(list) - len, "%s%d (%s)",
			    i > 0 ? ", " : "", (int)s->unseenpids[i], comm);
		}
		iwarnx("%zu process%s could not be inspected (run as root to "
		    "see them): %s%s", s->unseen, s->unseen == 1 ? "" : "es",
		    list, s->unseen > 8 ? " and more" : "");
	} else
		iwarnx("%zu process%s could not be inspected (run as root to "
		    "see them; -v names them)", s->unseen,
		    s->unseen == 1 ? "" : "es");
}

static const char *
accname(int acc)
{
	switch (acc) {
	case O_RDONLY:
		return "r";
	case O_WRONLY:
		return "w";
	case O_RDWR:
		return "rw";
	}
	return "?";
}

/* ---- who ------------------------------------------------------------------- */

struct who {
	struct table	*t;
	struct scan	*s;
	size_t		 rows;
};

static void
who_row(struct who *w, const char *type, const char *object, pid_t pid,
    const char *comm, uid_t uid, int known, const char *how)
{
	char u[64], vis[1024], c[4 * 64 + 1];

	table_row(w->t);
	table_str(w->t, 0, type);
	table_str(w->t, 1, fmt_vis(vis, sizeof(vis), object, strlen(object)));
	table_int(w->t, 2, pid, NULL);
	table_str(w->t, 3, fmt_vis(c, sizeof(c), comm, strlen(comm)));
	if (known)
		table_str(w->t, 4, user_name(uid, u, sizeof(u)));
	else
		table_null(w->t, 4, "-");
	table_str(w->t, 5, how);
	w->rows++;
}

static void
who_ref(struct who *w, const struct ref *r, const char *type,
    const char *object, const char *extra)
{
	const struct proc *p = proc_at(w->s, r->pi);
	char how[128];
	uid_t uid;
	int known;

	if (r->fd >= 0)
		snprintf(how, sizeof(how), "fd %d %s%s%s", r->fd,
		    accname(r->acc), extra ? " " : "", extra ? extra : "");
	else
		snprintf(how, sizeof(how), "mapped at 0x%lx %s", r->addr,
		    accname(r->acc));
	known = proc_uid(w->s, r->pi, &uid) == 0;
	who_row(w, type, object, p->pid, p->comm, known ? uid : 0, known,
	    how);
}

/* the index of PID among the scanned processes, -1 when not there */
static ssize_t
proc_of(struct scan *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return (ssize_t)i;
	return -1;
}

/* a pid the kernel recorded: a row, its command if it still runs */
static void
who_pid(struct who *w, const char *type, const char *object, pid_t pid,
    const char *how)
{
	char comm[64];
	ssize_t pi;
	uid_t uid;

	if (pid <= 0)
		return;
	if ((pi = proc_of(w->s, pid)) >= 0 &&
	    proc_uid(w->s, (size_t)pi, &uid) == 0)
		who_row(w, type, object, pid, proc_at(w->s, (size_t)pi)->comm,
		    uid, 1, how);
	else if (proc_comm(pid, comm, sizeof(comm)) == 0)
		who_row(w, type, object, pid, comm, 0, 0, how);
	else
		who_row(w, type, object, pid, "(gone)", 0, 0, how);
}

/* SysV: every kind with that key or id; 1 when one was found */
static int
who_sysv(struct who *w, const char *arg)
{
	static const char *const files[] = { "/proc/sysvipc/shm",
	    "/proc/sysvipc/msg", "/proc/sysvipc/sem" };
	struct sysvref ref;
	char *line = NULL, obj[64], how[64];
	long long key, id, a[8];
	size_t cap = 0, i, k;
	int found = 0, nf;
	FILE *fp;

	esysv_ref(arg, opt.proj, &ref);
	for (k = 0; k < 3; k++) {
		if ((fp = fopen(files[k], "re")) == NULL)
			continue;
		while (getline(&line, &cap, fp) != -1) {
			/* key id perms then, per kind: shm size cpid lpid
			 * nattch; msg cbytes qnum lspid lrpid; sem nsems */
			nf = sscanf(line, "%lld %lld %*o %lld %lld %lld %lld",
			    &key, &id, &a[0], &a[1], &a[2], &a[3]);
			if (nf < 3)
				continue;
			if (ref.id >= 0 ? id != ref.id :
			    (key_t)key != ref.key || ref.key == IPC_PRIVATE)
				continue;
			found = 1;
			snprintf(obj, sizeof(obj), "0x%08x id:%lld",
			    (unsigned)(key_t)key, id);
			if (k == 0) {
				for (i = 0; i < w->s->nrefs; i++)
					if (w->s->refs[i].kind == R_SYSVSHM &&
					    w->s->refs[i].ino ==
					    (unsigned long long)id)
						who_ref(w, &w->s->refs[i],
						    "sysv-shm", obj, NULL);
				if (nf >= 5) {
					who_pid(w, "sysv-shm", obj,
					    (pid_t)a[1], "created it");
					who_pid(w, "sysv-shm", obj,
					    (pid_t)a[2], "last attach or "
					    "detach (only the last is "
					    "recorded)");
				}
			} else if (k == 1 && nf >= 6) {
				who_pid(w, "sysv-mq", obj, (pid_t)a[2],
				    "last msgsnd (only the last is "
				    "recorded)");
				who_pid(w, "sysv-mq", obj, (pid_t)a[3],
				    "last msgrcv (only the last is "
				    "recorded)");
			} else if (k == 2 && nf >= 3) {
				int n;

				for (n = 0; n < a[0] && n < 4096; n++) {
					int pid = semctl((int)id, n, GETPID);

					snprintf(how, sizeof(how), "last semop "
					    "on #%d (only the last is "
					    "recorded)", n);
					if (pid > 0)
						who_pid(w, "sysv-sem", obj,
						    pid, how);
				}
			}
		}
		fclose(fp);
	}
	free(line);
	return found;
}

/* a FIFO or a socket file, by path; 1 when it was one */
static int
who_path(struct who *w, const char *arg, const struct stat *st)
{
	struct usock *u;
	size_t i, j;

	if (S_ISFIFO(st->st_mode)) {
		for (i = 0; i < w->s->nrefs; i++) {
			const struct ref *r = &w->s->refs[i];

			if (r->kind == R_FIFO && r->ino == st->st_ino &&
			    r->dev == st->st_dev)
				who_ref(w, r, "fifo", arg, NULL);
		}
		return 1;
	}
	if (!S_ISSOCK(st->st_mode))
		return 0;
	/* the listener and the sockets it accepted share the file; their
	 * peers are the clients */
	for (i = 0; i < w->s->nus; i++) {
		u = &w->s->us[i];
		if (u->vfsino != st->st_ino)
			continue;
		for (j = 0; j < w->s->nrefs; j++) {
			const struct ref *r = &w->s->refs[j];

			if (r->kind != R_UNIX)
				continue;
			if (r->ino == u->ino)
				who_ref(w, r, "unix", arg, u->state == 10 ?
				    "listening" : "accepted");
			else if (u->peer != 0 && r->ino == u->peer)
				who_ref(w, r, "unix", arg, "peer");
		}
	}
	return 1;
}

/* a POSIX queue, segment or semaphore by name; 1 when one exists */
static int
who_posix(struct who *w, const char *arg)
{
	char name[NAME_MAX + 2], shm[PATH_MAX], sem[PATH_MAX], mq[PATH_MAX];
	struct stat st;
	size_t i;
	int found = 0, qfd;

	eposix_name(arg, name, sizeof(name));
	snprintf(shm, sizeof(shm), "/dev/shm%s", name);
	snprintf(sem, sizeof(sem), "/dev/shm/sem.%s", name + 1);
	snprintf(mq, sizeof(mq), "/dev/mqueue%s", name);
	if (stat(shm, &st) == 0)
		found = 1;
	if (stat(sem, &st) == 0)
		found = 1;
	if (stat(mq, &st) == 0)
		found = 1;
	else if ((qfd = mq_open(name, O_RDONLY | O_NONBLOCK)) != -1) {
		/* no mqueue mount here: ask the kernel, which opening
		 * read-only for a moment does not disturb */
		mq_close(qfd);
		found = 1;
	} else if (errno == EACCES)
		found = 1;
	for (i = 0; i < w->s->nrefs; i++) {
		const struct ref *r = &w->s->refs[i];

		if (r->obj == NULL)
			continue;
		if (r->kind == R_MQ && strcmp(r->obj, name) == 0)
			who_ref(w, r, "mq", name, NULL);
		else if (r->kind == R_SHM && strcmp(r->obj, shm) == 0)
			who_ref(w, r, "shm", name, NULL);
		else if (r->kind == R_SHM && strcmp(r->obj, sem) == 0)
			who_ref(w, r, "sem", name, NULL);
	}
	return found;
}

static int
is_sysv_operand(const char *s)
{
	if (strncmp(s, "id:", 3) == 0 || strncmp(s, "0x", 2) == 0 ||
	    strncmp(s, "0X", 2) == 0)
		return 1;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int
ipckit_who(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "noheadings", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan s;
	struct who w;
	struct stat st;
	int c, i, noheadings = 0, status = 0, found;
	size_t before;

	opt_begin(argc, argv, OPT_JSON | OPT_RAW | OPT_SYSV, lo);
	while ((c = opt_next()) != -1)
		if (c == 'n')
			noheadings = 1;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	scan_all(&s, 0);
	memset(&w, 0, sizeof(w));
	w.s = &s;
	w.t = table_new(opt.json, opt.raw, noheadings);
	table_col(w.t, "TYPE", 0);
	table_col(w.t, "OBJECT", 0);
	table_col(w.t, "PID", 1);
	table_col(w.t, "COMMAND", 0);
	table_col(w.t, "USER", 0);
	table_col(w.t, "HOW", 0);
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		before = w.rows;
		if (opt.sysv || is_sysv_operand(argv[i]))
			found = who_sysv(&w, argv[i]);
		else if (strchr(argv[i] + 1, '/') != NULL ||
		    argv[i][0] == '.' ||
		    (lstat(argv[i], &st) == 0 && (S_ISFIFO(st.st_mode) ||
		    S_ISSOCK(st.st_mode)))) {
			if (lstat(argv[i], &st) == -1) {
				iwarn(NULL);
				status = EXIT_FAIL;
				continue;
			}
			found = who_path(&w, argv[i], &st);
			if (!found) {
				iwarnx("not a FIFO or a socket (%s)",
				    ftype_name(st.st_mode));
				status = EXIT_FAIL;
				continue;
			}
		} else
			found = who_posix(&w, argv[i]);
		if (!found) {
			iwarnx("no such object");
			status = EXIT_FAIL;
		} else if (w.rows == before)
			iverbose("nobody holds it");
	}
	setoperand(NULL);
	report_unseen(&s);
	if (table_print(w.t) == -1 && errno != EPIPE)
		iwarn("write error on stdout");
	table_free(w.t);
	scan_free(&s);
	return efinish(status);
}

/* ---- map --------------------------------------------------------------------- */

struct edge {
	size_t		 a, b;		/* refs: from, to */
	int		 directed;
	const char	*obj;		/* a ref's, or one of strs */
};

struct map {
	struct scan	*s;
	struct edge	*e;
	size_t		 ne, cap;
	char		**strs;		/* the names made for edges */
	size_t		 nstrs, capstrs;
};

/* a name made for the edges of one object, freed with the map */
static const char *
mapstr(struct map *m, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) == -1)
		eerr(EXIT_FAIL, NULL);
	va_end(ap);
	m->strs = egrow(m->strs, m->nstrs, &m->capstrs, sizeof(*m->strs));
	m->strs[m->nstrs++] = p;
	return p;
}

static void
addedge(struct map *m, size_t a, size_t b, int directed, const char *obj)
{
	struct edge *e;

	if (m->s->procs[m->s->refs[a].pi].pid ==
	    m->s->procs[m->s->refs[b].pi].pid)
		return;		/* a process with both ends: no edge */
	m->e = egrow(m->e, m->ne, &m->cap, sizeof(*m->e));
	e = &m->e[m->ne++];
	e->a = a;
	e->b = b;
	e->directed = directed;
	e->obj = obj;
}

/*
 * The references in object order (kind, device, inode; a pipe's or a
 * socket's inode alone), then in scan order, which is process order: the
 * references to one object are then one run of the index, and edges come
 * from pairing within a run instead of every reference with every other.
 * The sort is on a copy of the keys: the references themselves are
 * large, and far apart in memory.
 */
struct objkey {
	unsigned long long dev, ino;
	unsigned	 kind;
	size_t		 i;		/* in refs */
};

static int
objcmp(const void *pa, const void *pb)
{
	const struct objkey *x = pa, *y = pb;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
edgecmp(const void *pa, const void *pb)
{
	const struct edge *x = pa, *y = pb;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

static int
same_object(const struct ref *x, const struct ref *y)
{
	if (x->kind != y->kind)
		return 0;
	if (x->kind == R_PIPE || x->kind == R_UNIX || x->kind == R_TCP)
		return x->ino == y->ino;
	return x->ino == y->ino && x->dev == y->dev;
}

/* is run[k] the first reference of its process in the run that passes
 * the mode test (skip: the open mode that does not count)? */
static int
first_of_proc(const struct scan *s, const size_t *run, size_t k, int skip)
{
	size_t pi = s->refs[run[k]].pi;

	if (s->refs[run[k]].acc == skip)
		return 0;
	while (k-- > 0 && s->refs[run[k]].pi == pi)
		if (s->refs[run[k]].acc != skip)
			return 0;
	return 1;
}

/* one object's references: writers to readers (pipes, FIFOs, queues) or
 * every holder to every other (segments); a queue or a segment gives one
 * edge a pair of processes, however many descriptors and mappings each
 * has */
static void
object_edges(struct map *m, const size_t *run, size_t n)
{
	const struct ref *x = &m->s->refs[run[0]];
	const struct scan *s = m->s;
	int bypid = x->kind == R_MQ, acc;
	size_t k, l, *w, *r, nw = 0, nr = 0;
	const char *obj;

	switch (x->kind) {
	case R_PIPE:
		obj = mapstr(m, "pipe:[%llu]", x->ino);
		break;
	case R_SHM:
		obj = x->obj + sizeof(SHMDIR) - 2;
		break;
	case R_SYSVSHM:
		obj = mapstr(m, "id:%llu", x->ino);
		break;
	default:
		obj = x->obj;
		break;
	}
	/* the writing ends and the reading ends (for a segment, every
	 * holder is both): a pass each, then one edge a pair */
	w = ereallocarray(NULL, n, sizeof(*w));
	r = ereallocarray(NULL, n, sizeof(*r));
	for (k = 0; k < n; k++) {
		acc = s->refs[run[k]].acc;
		if (x->kind == R_SHM || x->kind == R_SYSVSHM) {
			if (first_of_proc(s, run, k, -2))
				w[nw++] = run[k];
			continue;
		}
		if (acc != O_RDONLY &&
		    (!bypid || first_of_proc(s, run, k, O_RDONLY)))
			w[nw++] = run[k];
		if (acc != O_WRONLY &&
		    (!bypid || first_of_proc(s, run, k, O_WRONLY)))
			r[nr++] = run[k];
	}
	if (x->kind == R_SHM || x->kind == R_SYSVSHM) {
		for (k = 0; k < nw; k++)
			for (l = k + 1; l < nw; l++)
				addedge(m, w[k], w[l], 0, obj);
	} else
		for (k = 0; k < nw; k++)
			for (l = 0; l < nr; l++)
				if (w[k] != r[l])
					addedge(m, w[k], r[l], 1, obj);
	free(w);
	free(r);
}

/* a UNIX socket to its peer; a pair whose ends name each other gives
 * one edge, from the end scanned first */
static void
unix_edges(struct map *m, const size_t *idx, size_t nidx, size_t i)
{
	struct scan *s = m->s;
	const struct ref *x = &s->refs[i];
	struct usock *u, *pu;
	struct ref key;
	size_t lo, hi, mid;
	int mutual;

	if ((u = find_usock(s, x->ino)) == NULL || u->peer == 0)
		return;
	pu = find_usock(s, u->peer);
	mutual = pu != NULL && pu->peer == u->ino;
	memset(&key, 0, sizeof(key));
	key.kind = R_UNIX;
	key.ino = u->peer;
	/* the first index whose reference is not below the peer's */
	for (lo = 0, hi = nidx; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (s->refs[idx[mid]].kind < R_UNIX ||
		    (s->refs[idx[mid]].kind == R_UNIX &&
		    s->refs[idx[mid]].ino < key.ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nidx && same_object(&key, &s->refs[idx[lo]]); lo++) {
		if (mutual && idx[lo] < i)
			continue;
		addedge(m, i, idx[lo], 0, x->obj ? x->obj :
		    s->refs[idx[lo]].obj ? s->refs[idx[lo]].obj :
		    "(unnamed)");
	}
}

/* TCP: both ends on this machine, one edge a connection */
static void
tcp_edges(struct map *m, const size_t *run, size_t n)
{
	struct scan *s = m->s;
	struct tsock *t, *t2, *first;
	size_t k, l;

	for (k = 0; k < n; k++) {
		if ((t = find_tsock(s, s->refs[run[k]].ino)) == NULL)
			continue;
		for (l = k + 1; l < n; l++) {
			if ((t2 = find_tsock(s, s->refs[run[l]].ino)) == NULL ||
			    strcmp(t->local, t2->remote) != 0 ||
			    strcmp(t->remote, t2->local) != 0)
				continue;
			/* from the end scanned first, as for UNIX pairs */
			first = run[k] < run[l] ? t : t2;
			addedge(m, run[k] < run[l] ? run[k] : run[l],
			    run[k] < run[l] ? run[l] : run[k], 0,
			    mapstr(m, "%s-%s", first->local, first->remote));
		}
	}
}

static void
build_edges(struct map *m)
{
	struct scan *s = m->s;
	size_t *idx, i, j, tcp = 0, ntcp = 0;
	struct objkey *key;
	const struct ref *r;

	if (s->nrefs == 0)
		return;
	key = ereallocarray(NULL, s->nrefs, sizeof(*key));
	for (i = 0; i < s->nrefs; i++) {
		r = &s->refs[i];
		key[i].kind = r->kind;
		key[i].dev = r->kind == R_PIPE || r->kind == R_UNIX ||
		    r->kind == R_TCP ? 0 : r->dev;
		key[i].ino = r->ino;
		key[i].i = i;
	}
	qsort(key, s->nrefs, sizeof(*key), objcmp);
	idx = ereallocarray(NULL, s->nrefs, sizeof(*idx));
	for (i = 0; i < s->nrefs; i++)
		idx[i] = key[i].i;
	free(key);
	for (i = 0; i < s->nrefs; i = j) {
		const struct ref *x = &s->refs[idx[i]];

		for (j = i + 1; j < s->nrefs &&
		    same_object(x, &s->refs[idx[j]]); j++)
			;
		if (x->kind == R_UNIX) {
			for (; i < j; i++)
				unix_edges(m, idx, s->nrefs, idx[i]);
		} else if (x->kind == R_TCP) {
			if (ntcp++ == 0)
				tcp = i;
		} else if (j - i > 1)
			object_edges(m, idx + i, j - i);
	}
	/* TCP ends pair by address, not by inode: all of them at once */
	for (i = tcp; ntcp > 0 && i < s->nrefs &&
	    s->refs[idx[i]].kind == R_TCP; i++)
		;
	if (ntcp > 0)
		tcp_edges(m, idx + tcp, i - tcp);
	free(idx);
	/* in scan order, whatever the pairing order was */
	if (m->ne > 1)
		qsort(m->e, m->ne, sizeof(*m->e), edgecmp);
}

/* keep the edges within DEPTH hops of the given pids (depth < 0: any) */
static void
select_edges(struct map *m, pid_t *pids, int npids, long long depth)
{
	pid_t *seen;
	size_t nseen, i, j, k, prev;
	long long hop;
	int in_a, in_b;

	if (npids == 0)
		return;
	seen = ereallocarray(NULL, m->s->nprocs + (size_t)npids + 1,
	    sizeof(*seen));
	for (nseen = 0; nseen < (size_t)npids; nseen++)
		seen[nseen] = pids[nseen];
	for (hop = 0; depth < 0 || hop < depth; hop++) {
		prev = nseen;
		for (i = 0; i < m->ne; i++) {
			pid_t a = m->s->procs[m->s->refs[m->e[i].a].pi].pid;
			pid_t b = m->s->procs[m->s->refs[m->e[i].b].pi].pid;

			for (in_a = in_b = 0, k = 0; k < prev; k++) {
				in_a |= seen[k] == a;
				in_b |= seen[k] == b;
			}
			if (in_a == in_b)
				continue;
			for (k = 0; k < nseen && seen[k] != (in_a ? b : a);
			    k++)
				;
			if (k == nseen)
				seen[nseen++] = in_a ? b : a;
		}
		if (nseen == prev)
			break;
	}
	for (i = j = 0; i < m->ne; i++) {
		pid_t a = m->s->procs[m->s->refs[m->e[i].a].pi].pid;
		pid_t b = m->s->procs[m->s->refs[m->e[i].b].pi].pid;

		for (in_a = in_b = 0, k = 0; k < nseen; k++) {
			in_a |= seen[k] == a;
			in_b |= seen[k] == b;
		}
		if (in_a && in_b)
			m->e[j++] = m->e[i];
	}
	m->ne = j;
	free(seen);
}

/* "PID(COMM)" of the process of reference R, escaped: made once for a
 * process that ends many edges */
static const char *
proc_label(const struct map *m, size_t r)
{
	struct proc *p = &m->s->procs[m->s->refs[r].pi];
	char vis[4 * sizeof(p->comm) + 1], buf[sizeof(vis) + 16];

	if (p->label == NULL) {
		(void)proc_at(m->s, m->s->refs[r].pi);
		fmt_vis(vis, sizeof(vis), p->comm, strlen(p->comm));
		snprintf(buf, sizeof(buf), "%d(%s)", (int)p->pid, vis);
		p->label = estrdup(buf);
	}
	return p->label;
}

/* one end of an edge, "PID(COMM) fd N" or "PID(COMM) map": the text
 * output is thousands of lines on a busy machine, and the threads left
 * stdio locking every call (hence the _unlocked calls) */
static void
end_text(const struct map *m, size_t r)
{
	const struct ref *x = &m->s->refs[r];
	char num[FMT_UINT];

	fputs_unlocked(proc_label(m, r), stdout);
	if (x->fd < 0) {
		fputs_unlocked(" map", stdout);
		return;
	}
	fputs_unlocked(" fd ", stdout);
	fputs_unlocked(fmt_uint(num, (unsigned)x->fd), stdout);
}

static void
json_end(struct jw *w, const struct map *m, size_t r)
{
	const struct ref *x = &m->s->refs[r];
	const struct proc *p = proc_at(m->s, x->pi);

	jw_obj(w);
	jw_key(w, "pid");
	jw_int(w, p->pid);
	jw_key(w, "command");
	jw_str(w, p->comm);
	jw_key(w, "fd");
	if (x->fd >= 0)
		jw_int(w, x->fd);
	else
		jw_null(w);
	jw_key(w, "mode");
	jw_str(w, accname(x->acc));
	jw_end(w, '}');
}

static void
dot_quote(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
}

static void
print_dot(const struct map *m)
{
	char *used;
	size_t i, j;

	used = ecalloc(m->s->nprocs + 1, 1);
	for (j = 0; j < m->ne; j++) {
		used[m->s->refs[m->e[j].a].pi] = 1;
		used[m->s->refs[m->e[j].b].pi] = 1;
	}
	printf("digraph ipc {\n\trankdir=LR;\n\tnode [shape=box];\n");
	for (i = 0; i < m->s->nprocs; i++) {
		const struct proc *p;

		if (!used[i])
			continue;
		p = proc_at(m->s, i);
		printf("\tp%d [label=\"%d\\n", (int)p->pid, (int)p->pid);
		dot_quote(p->comm);
		printf("\"];\n");
	}
	for (i = 0; i < m->ne; i++) {
		const struct edge *e = &m->e[i];

		printf("\tp%d -> p%d [label=\"%s\\n",
		    (int)m->s->procs[m->s->refs[e->a].pi].pid,
		    (int)m->s->procs[m->s->refs[e->b].pi].pid,
		    kindname[m->s->refs[e->a].kind]);
		dot_quote(e->obj);
		printf("\"%s];\n", e->directed ? "" : ", dir=both");
	}
	printf("}\n");
	free(used);
}

int
ipckit_map(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "dot", no_argument, NULL, 'D' },
		{ "depth", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char vis[512];
	long long depth = -1, v;
	struct scan s;
	struct map m;
	struct jw w;
	pid_t *pids;
	int c, i, dot = 0;

	opt_begin(argc, argv, OPT_JSON, lo);
	while ((c = opt_next()) != -1) {
		if (c == 'D')
			dot = 1;
		else if (c == 'd')
			depth = enum_("depth", optarg, 1, 1000000);
	}
	opt_end(&argc, &argv, NULL);
	if (dot && opt.json)
		eusage("--dot and --json: choose one");
	pids = ereallocarray(NULL, (size_t)argc + 1, sizeof(*pids));
	for (i = 0; i < argc; i++) {
		v = enum_("pid", argv[i], 1, INT_MAX);
		pids[i] = (pid_t)v;
	}
	scan_all(&s, argc == 0);
	memset(&m, 0, sizeof(m));
	m.s = &s;
	build_edges(&m);
	select_edges(&m, pids, argc, depth);
	report_unseen(&s);
	if (dot)
		print_dot(&m);
	else if (opt.json) {
		jw_init(&w, stdout);
		jw_arr(&w);
		for (i = 0; (size_t)i < m.ne; i++) {
			jw_obj(&w);
			jw_key(&w, "from");
			json_end(&w, &m, m.e[i].a);
			jw_key(&w, "to");
			json_end(&w, &m, m.e[i].b);
			jw_key(&w, "kind");
			jw_str(&w, kindname[s.refs[m.e[i].a].kind]);
			jw_key(&w, "object");
			jw_str(&w, m.e[i].obj);
			jw_key(&w, "directed");
			jw_bool(&w, m.e[i].directed);
			jw_end(&w, '}');
		}
		jw_end(&w, ']');
	} else
		for (i = 0; (size_t)i < m.ne; i++) {
			end_text(&m, m.e[i].a);
			fputs_unlocked(m.e[i].directed ? " -> " : " <-> ",
			    stdout);
			end_text(&m, m.e[i].b);
			fputs_unlocked("  ", stdout);
			fputs_unlocked(kindname[s.refs[m.e[i].a].kind], stdout);
			fputs_unlocked("  ", stdout);
			fputs_unlocked(fmt_vis(vis, sizeof(vis), m.e[i].obj,
			    strlen(m.e[i].obj)), stdout);
			putc_unlocked('\n', stdout);
		}
	for (i = 0; (size_t)i < m.nstrs; i++)
		free(m.strs[i]);
	free(m.strs);
	free(m.e);
	free(pids);
	scan_free(&s);
	return efinish(0);
}
