/*
 * ipcmap.c - who holds an IPC object, and which processes talk to which:
 * the who and map verbs of ipckit(1).  Everything comes from reading
 * /proc (each process's fd links, fdinfo and maps), /proc/sysvipc,
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
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <mqueue.h>
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
	uid_t		 uid;
	char		 comm[64];
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
	size_t		 nprocs;
	struct ref	*refs;
	size_t		 nrefs, caprefs;
	struct usock	*us;
	size_t		 nus;
	struct tsock	*ts;
	size_t		 nts;
	int		 nomaps;	/* in: descriptors only */
	size_t		 unseen;	/* processes we could not look into */
	char		 unseenlist[256];
};

/* ---- reading /proc ------------------------------------------------------ */

static struct ref *
addref(struct scan *s, size_t pi, enum rkind k, int fd)
{
	struct ref *r;

	if (s->nrefs == s->caprefs) {
		s->caprefs = s->caprefs ? s->caprefs * 2 : 256;
		s->refs = ereallocarray(s->refs, s->caprefs, sizeof(*s->refs));
	}
	r = &s->refs[s->nrefs++];
	memset(r, 0, sizeof(*r));
	r->pi = pi;
	r->kind = k;
	r->fd = fd;
	r->acc = -1;
	return r;
}

/* the O_ACCMODE bits of /proc/PID/fdinfo/FD, -1 when unknown */
static int
fdacc(pid_t pid, const char *fd)
{
	char path[PATH_MAX], buf[256], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "flags:")) == NULL)
		return -1;
	return (int)(strtol(p + 6, NULL, 8) & O_ACCMODE);
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

static void
scan_fds(struct scan *s, size_t pi, int dfd)
{
	char link[PATH_MAX], fdpath[PATH_MAX];
	unsigned long long ino;
	struct dirent *de;
	struct statfs sf;
	struct stat st;
	struct ref *r;
	pid_t pid = s->procs[pi].pid;
	ssize_t n;
	DIR *d;

	if ((d = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		n = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (bracket_ino(link, "pipe:", &ino)) {
			r = addref(s, pi, R_PIPE, atoi(de->d_name));
			r->ino = ino;
		} else if (bracket_ino(link, "socket:", &ino)) {
			/* UNIX or TCP, or neither: sorted out later */
			r = addref(s, pi, R_UNIX, atoi(de->d_name));
			r->ino = ino;
			r->acc = O_RDWR;
			continue;
		} else if (link[0] == '/') {
			/* follows the link to the open file, opens nothing */
			if (fstatat(dfd, de->d_name, &st, 0) == -1)
				continue;
			if (S_ISFIFO(st.st_mode))
				r = addref(s, pi, R_FIFO, atoi(de->d_name));
			else if (S_ISREG(st.st_mode) &&
			    strncmp(link, SHMDIR, sizeof(SHMDIR) - 1) == 0)
				r = addref(s, pi, R_SHM, atoi(de->d_name));
			else if (S_ISREG(st.st_mode) && (snprintf(fdpath,
			    sizeof(fdpath), "/proc/%d/fd/%s", (int)pid,
			    de->d_name), statfs(fdpath, &sf) == 0) &&
			    sf.f_type == MQUEUE_MAGIC)
				r = addref(s, pi, R_MQ, atoi(de->d_name));
			else
				continue;
			r->dev = st.st_dev;
			r->ino = st.st_ino;
			r->obj = estrdup(strip_deleted(link));
		} else
			continue;
		r->acc = fdacc(pid, de->d_name);
	}
	closedir(d);
}

/* "ADDR-END PERMS OFFSET MAJ:MIN INODE PATH": /dev/shm files and SysV
 * segments ("/SYSV0000002a (deleted)", whose inode is the shmid) */
static void
scan_maps(struct scan *s, size_t pi)
{
	char path[64], *line = NULL, *p, perms[8];
	unsigned long start, end, off;
	unsigned long long ino;
	unsigned maj, min;
	size_t cap = 0, i, first = s->nrefs;
	struct ref *r;
	int n, dup;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)s->procs[pi].pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	while (getline(&line, &cap, fp) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %llu %n", &start, &end,
		    perms, &off, &maj, &min, &ino, &n) != 7)
			continue;
		p = line + n;
		if (strncmp(p, "/SYSV", 5) == 0) {
			r = addref(s, pi, R_SYSVSHM, -1);
			r->obj = NULL;
		} else if (strncmp(p, SHMDIR, sizeof(SHMDIR) - 1) == 0)
			r = addref(s, pi, R_SHM, -1);
		else
			continue;
		r->ino = ino;
		r->dev = makedev(maj, min);
		r->addr = start;
		r->acc = strchr(perms, 'w') != NULL ? O_RDWR : O_RDONLY;
		if (r->kind == R_SHM)
			r->obj = estrdup(strip_deleted(p));
		/* one line per mapping of the same object is enough */
		for (dup = 0, i = first; i < s->nrefs - 1; i++)
			if (s->refs[i].kind == r->kind &&
			    s->refs[i].ino == r->ino &&
			    s->refs[i].dev == r->dev)
				dup = 1;
		if (dup) {
			free(r->obj);
			s->nrefs--;
		}
	}
	free(line);
	fclose(fp);
}

static void
scan_procs(struct scan *s)
{
	char path[64], comm[64];
	struct dirent *de;
	struct stat st;
	pid_t self = getpid();
	size_t cap = 0, pi, len;
	long pid;
	char *end;
	int dfd, f;
	ssize_t n;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		eerr(EXIT_FAIL, "/proc");
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid > INT_MAX || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld", pid);
		if (stat(path, &st) == -1)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		comm[0] = '\0';
		if ((f = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
			n = read(f, comm, sizeof(comm) - 1);
			close(f);
			comm[n > 0 ? n : 0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
		}
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1) {
			if (errno == ENOENT || errno == ESRCH)
				continue;	/* gone meanwhile */
			if (s->unseen++ < 8) {
				len = strlen(s->unseenlist);
				snprintf(s->unseenlist + len,
				    sizeof(s->unseenlist) - len, "%s%ld (%s)",
				    len > 0 ? ", " : "", pid, comm);
			}
			continue;
		}
		if (s->nprocs == cap) {
			cap = cap ? cap * 2 : 256;
			s->procs = ereallocarray(s->procs, cap,
			    sizeof(*s->procs));
		}
		pi = s->nprocs++;
		s->procs[pi].pid = (pid_t)pid;
		s->procs[pi].uid = st.st_uid;
		strlcpy(s->procs[pi].comm, comm, sizeof(s->procs[pi].comm));
		scan_fds(s, pi, dfd);
		if (!s->nomaps)
			scan_maps(s, pi);
	}
	closedir(d);
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
			if (s->nus == cap) {
				cap = cap ? cap * 2 : 256;
				s->us = ereallocarray(s->us, cap,
				    sizeof(*s->us));
			}
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
			if (s->nts == tcap) {
				tcap = tcap ? tcap * 2 : 64;
				s->ts = ereallocarray(s->ts, tcap,
				    sizeof(*s->ts));
			}
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

static struct usock *
find_usock(struct scan *s, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < s->nus; i++)
		if (s->us[i].ino == ino)
			return &s->us[i];
	return NULL;
}

static struct tsock *
find_tsock(struct scan *s, unsigned long long ino)
{
	size_t i;

	for (i = 0; i < s->nts; i++)
		if (s->ts[i].ino == ino)
			return &s->ts[i];
	return NULL;
}

/* socket references: UNIX, TCP (kind changed), or dropped */
static void
sort_sockets(struct scan *s)
{
	size_t i, j;
	struct usock *u;
	struct tsock *t;

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

static void
scan_all(struct scan *s)
{
	memset(s, 0, sizeof(*s));
	scan_procs(s);
	scan_unix(s);
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
	free(s->procs);
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
	scan_procs(&s);
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
	if (s->unseen == 0 || opt.quiet)
		return;
	if (opt.verbose)
		iwarnx("%zu process%s could not be inspected (run as root to "
		    "see them): %s%s", s->unseen, s->unseen == 1 ? "" : "es",
		    s->unseenlist, s->unseen > 8 ? " and more" : "");
	else
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
	const struct proc *p = &w->s->procs[r->pi];
	char how[128];

	if (r->fd >= 0)
		snprintf(how, sizeof(how), "fd %d %s%s%s", r->fd,
		    accname(r->acc), extra ? " " : "", extra ? extra : "");
	else
		snprintf(how, sizeof(how), "mapped at 0x%lx %s", r->addr,
		    accname(r->acc));
	who_row(w, type, object, p->pid, p->comm, p->uid, 1, how);
}

static const struct proc *
proc_of(struct scan *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/* a pid the kernel recorded: a row, its command if it still runs */
static void
who_pid(struct who *w, const char *type, const char *object, pid_t pid,
    const char *how)
{
	const struct proc *p;
	char comm[64];

	if (pid <= 0)
		return;
	if ((p = proc_of(w->s, pid)) != NULL)
		who_row(w, type, object, pid, p->comm, p->uid, 1, how);
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
	scan_all(&s);
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
	char		 obj[128];
};

struct map {
	struct scan	*s;
	struct edge	*e;
	size_t		 ne, cap;
};

static void
addedge(struct map *m, size_t a, size_t b, int directed, const char *obj)
{
	int bypid = m->s->refs[a].kind == R_MQ ||
	    m->s->refs[a].kind == R_SHM || m->s->refs[a].kind == R_SYSVSHM;
	struct edge *e;
	size_t i;

	if (m->s->procs[m->s->refs[a].pi].pid ==
	    m->s->procs[m->s->refs[b].pi].pid)
		return;		/* a process with both ends: no edge */
	for (i = 0; i < m->ne; i++) {
		e = &m->e[i];
		if ((e->a == a && e->b == b) ||
		    (!directed && e->a == b && e->b == a))
			return;
		/* a queue or a segment: one edge a pair of processes, however
		 * many descriptors and mappings each has */
		if (bypid && m->s->refs[e->a].kind == m->s->refs[a].kind &&
		    strcmp(e->obj, obj) == 0 &&
		    ((m->s->refs[e->a].pi == m->s->refs[a].pi &&
		    m->s->refs[e->b].pi == m->s->refs[b].pi) ||
		    (!directed && m->s->refs[e->a].pi == m->s->refs[b].pi &&
		    m->s->refs[e->b].pi == m->s->refs[a].pi)))
			return;
	}
	if (m->ne == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->e = ereallocarray(m->e, m->cap, sizeof(*m->e));
	}
	e = &m->e[m->ne++];
	e->a = a;
	e->b = b;
	e->directed = directed;
	strlcpy(e->obj, obj, sizeof(e->obj));
}

static int
same_object(const struct ref *x, const struct ref *y)
{
	if (x->kind != y->kind)
		return 0;
	if (x->kind == R_PIPE)
		return x->ino == y->ino;
	return x->ino == y->ino && x->dev == y->dev;
}

static void
build_edges(struct map *m)
{
	struct scan *s = m->s;
	struct usock *u;
	struct tsock *t, *t2;
	char obj[128];
	size_t i, j;

	for (i = 0; i < s->nrefs; i++) {
		const struct ref *x = &s->refs[i];

		switch (x->kind) {
		case R_PIPE:
		case R_FIFO:
			if (x->acc == O_RDONLY)
				break;
			/* a writer: to every reader of the same pipe */
			if (x->kind == R_PIPE)
				snprintf(obj, sizeof(obj), "pipe:[%llu]",
				    x->ino);
			else
				strlcpy(obj, x->obj, sizeof(obj));
			for (j = 0; j < s->nrefs; j++)
				if (j != i && same_object(x, &s->refs[j]) &&
				    s->refs[j].acc != O_WRONLY)
					addedge(m, i, j, 1, obj);
			break;
		case R_UNIX:
			if ((u = find_usock(s, x->ino)) == NULL ||
			    u->peer == 0)
				break;
			for (j = 0; j < s->nrefs; j++)
				if (s->refs[j].kind == R_UNIX &&
				    s->refs[j].ino == u->peer)
					addedge(m, i, j, 0, x->obj ? x->obj :
					    s->refs[j].obj ? s->refs[j].obj :
					    "(unnamed)");
			break;
		case R_TCP:
			if ((t = find_tsock(s, x->ino)) == NULL)
				break;
			for (j = 0; j < s->nrefs; j++) {
				if (s->refs[j].kind != R_TCP ||
				    (t2 = find_tsock(s, s->refs[j].ino)) ==
				    NULL || strcmp(t->local, t2->remote) != 0 ||
				    strcmp(t->remote, t2->local) != 0)
					continue;
				snprintf(obj, sizeof(obj), "%s-%s", t->local,
				    t->remote);
				addedge(m, i, j, 0, obj);
			}
			break;
		case R_MQ:
			/* senders to receivers; both ways for rw */
			if (x->acc == O_RDONLY)
				break;
			for (j = 0; j < s->nrefs; j++)
				if (j != i && same_object(x, &s->refs[j]) &&
				    s->refs[j].acc != O_WRONLY)
					addedge(m, i, j, 1, x->obj);
			break;
		case R_SHM:
		case R_SYSVSHM:
			if (x->kind == R_SHM)
				strlcpy(obj, x->obj + sizeof(SHMDIR) - 2,
				    sizeof(obj));
			else
				snprintf(obj, sizeof(obj), "id:%llu", x->ino);
			for (j = i + 1; j < s->nrefs; j++)
				if (same_object(x, &s->refs[j]))
					addedge(m, i, j, 0, obj);
			break;
		}
	}
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

static void
end_text(const struct map *m, size_t r, char *buf, size_t len)
{
	const struct ref *x = &m->s->refs[r];
	const struct proc *p = &m->s->procs[x->pi];
	char vis[4 * sizeof(p->comm) + 1];

	fmt_vis(vis, sizeof(vis), p->comm, strlen(p->comm));
	if (x->fd >= 0)
		snprintf(buf, len, "%d(%s) fd %d", (int)p->pid, vis, x->fd);
	else
		snprintf(buf, len, "%d(%s) map", (int)p->pid, vis);
}

static void
json_end(struct jw *w, const struct map *m, size_t r)
{
	const struct ref *x = &m->s->refs[r];
	const struct proc *p = &m->s->procs[x->pi];

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
	size_t i, j;
	int done;

	printf("digraph ipc {\n\trankdir=LR;\n\tnode [shape=box];\n");
	for (i = 0; i < m->s->nprocs; i++) {
		const struct proc *p = &m->s->procs[i];

		for (done = 0, j = 0; j < m->ne && !done; j++)
			done = m->s->refs[m->e[j].a].pi == i ||
			    m->s->refs[m->e[j].b].pi == i;
		if (!done)
			continue;
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
}

int
ipckit_map(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "dot", no_argument, NULL, 'D' },
		{ "depth", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char a[512], b[512], vis[512];
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
	scan_all(&s);
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
			end_text(&m, m.e[i].a, a, sizeof(a));
			end_text(&m, m.e[i].b, b, sizeof(b));
			printf("%s %s %s  %s  %s\n", a,
			    m.e[i].directed ? "->" : "<->", b,
			    kindname[s.refs[m.e[i].a].kind],
			    fmt_vis(vis, sizeof(vis), m.e[i].obj,
			    strlen(m.e[i].obj)));
		}
	free(m.e);
	free(pids);
	scan_free(&s);
	return efinish(0);
}
