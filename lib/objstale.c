/*
 * objstale.c - is anybody still using this object?
 *
 * SysV: the kernel records some pids (last sender and receiver of a
 * queue, creator and last user of a segment, last operation on each
 * semaphore).  The object is stale when every recorded pid is gone,
 * nothing is attached (a segment), and no thread is blocked on its id in
 * msgrcv, msgsnd, semop or semtimedop (proc(5), /proc/PID/syscall).  An
 * object with no pid recorded yet (made by ipcmk, or a queue nobody has
 * used) is stale only when --older-than says it is old enough.
 *
 * POSIX: stale when no process has its file open or mapped.
 *
 * When in doubt, an object is not stale: a process we cannot look into
 * keeps every object it could use, judged by the object's owner and mode
 * bits against the process's user and group ids.  Capabilities are not
 * counted: an ordinary user can never look into root's processes (pid 1
 * first), and counting root as able to use everything would make
 * --stale useless to everyone but root.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj.h"

#define NAMEPIDS	8		/* processes named in a reason */

static int
alive(long long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

static void
append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* could this process use the object, by its ids and the mode bits?
 * SysV objects grant the owner's bits to their creator too (ipc(5)) */
static int
may_use(const struct procnote *n, const struct ipcobj *o)
{
	int i;

	if (n->nocreds || (o->mode & 0007) != 0)
		return 1;
	for (i = 0; i < 4; i++) {
		if ((o->mode & 0700) != 0 && (n->uid[i] == o->uid ||
		    (o->sysv && n->uid[i] == o->cuid)))
			return 1;
		if ((o->mode & 0070) != 0 && (n->gid[i] == o->gid ||
		    (o->sysv && n->gid[i] == o->cgid)))
			return 1;
	}
	for (i = 0; i < n->ngroups; i++)
		if ((o->mode & 0070) != 0 && (n->groups[i] == o->gid ||
		    (o->sysv && n->groups[i] == o->cgid)))
			return 1;
	return 0;
}

/* 1 (and the reason) when a process we cannot look into, in the way
 * what says, may use the object */
static int
unseen_users(struct ipcobj *o, const struct procscan *ps, unsigned what,
    const char *use)
{
	size_t i, n = 0;
	int w = what == PN_WAITS;

	for (i = 0; i < ps->nnotes; i++) {
		const struct procnote *p = &ps->notes[i];

		if (!(p->unseen & what) || !may_use(p, o))
			continue;
		if (n == 0)
			snprintf(o->why, sizeof(o->why), "may be %s by "
			    "processes we cannot look into (/proc/PID/%s: %s): ",
			    use, p->what[w], strerror(p->err[w]));
		if (n < NAMEPIDS)
			append(o->why, sizeof(o->why), "%spid %d (%s)",
			    n > 0 ? ", " : "", (int)p->pid, p->comm);
		n++;
	}
	if (n > NAMEPIDS)
		append(o->why, sizeof(o->why), " and %zu more", n - NAMEPIDS);
	if (n > 0)
		return 1;
	if (ps->hidden) {
		strlcpy(o->why, "other users' processes are hidden from us "
		    "(/proc hidepid)", sizeof(o->why));
		return 1;
	}
	return 0;
}

struct pidrec {
	const char	*what;		/* "lspid" */
	long long	 pid;
};

/* the pids the kernel recorded for a SysV object; -1 when they cannot be
 * read (o->why says so) */
static int
recorded(struct ipcobj *o, struct pidrec **pp)
{
	struct pidrec *p = NULL;
	int n = 0, i;

	switch (o->kind) {
	case IPC_MQ:
		p = ecalloc(2, sizeof(*p));
		p[n++] = (struct pidrec){ "lspid", o->lspid };
		p[n++] = (struct pidrec){ "lrpid", o->lrpid };
		break;
	case IPC_SHM:
		p = ecalloc(2, sizeof(*p));
		p[n++] = (struct pidrec){ "cpid", o->cpid };
		p[n++] = (struct pidrec){ "lpid", o->lpid };
		break;
	case IPC_SEM:
		p = ecalloc(o->nsems > 0 ? (size_t)o->nsems : 1, sizeof(*p));
		for (i = 0; i < o->nsems; i++) {
			int pid = semctl(o->id, i, GETPID);

			if (pid == -1) {
				snprintf(o->why, sizeof(o->why), "cannot read "
				    "its pids: %s", strerror(errno));
				free(p);
				return -1;
			}
			p[n++] = (struct pidrec){ "sempid", pid };
		}
		break;
	case IPC_ANY:
		break;
	}
	/* the same pid twice is named once */
	for (i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (p[j].pid == p[i].pid)
				p[i].pid = 0;
	*pp = p;
	return n;
}

static void
sysv_stale(struct ipcobj *o, const struct procscan *ps,
    const struct objsel *s)
{
	struct pidrec *p;
	int n, i, m = 0, k = 0;
	char comm[32], d[32];
	size_t w;

	if (o->kind == IPC_SHM && o->nattch > 0) {
		snprintf(o->why, sizeof(o->why), "attached %lld time%s",
		    o->nattch, o->nattch == 1 ? "" : "s");
		return;
	}
	if ((n = recorded(o, &p)) == -1)
		return;
	for (i = 0; i < n; i++)
		if (p[i].pid > 0 && alive(p[i].pid)) {
			strlcpy(comm, "?", sizeof(comm));
			(void)proc_comm((pid_t)p[i].pid, comm, sizeof(comm));
			snprintf(o->why, sizeof(o->why), "%s %lld (%s) is "
			    "alive", p[i].what, p[i].pid, comm);
			free(p);
			return;
		}
	for (w = 0; o->kind != IPC_SHM && w < ps->nwait; w++)
		if (ps->wait[w].kind == o->kind && ps->wait[w].id == o->id) {
			strlcpy(comm, "?", sizeof(comm));
			(void)proc_comm(ps->wait[w].pid, comm, sizeof(comm));
			snprintf(o->why, sizeof(o->why), "pid %d (%s) is "
			    "blocked in %s on it", (int)ps->wait[w].pid, comm,
			    ps->wait[w].call);
			free(p);
			return;
		}
	if (o->kind != IPC_SHM &&
	    unseen_users(o, ps, PN_WAITS, "blocked on it")) {
		free(p);
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i].pid > 0)
			m++;
	if (m == 0) {
		free(p);
		if (s->older < 0) {
			strlcpy(o->why, "no pid recorded yet: --older-than "
			    "says when such an object counts", sizeof(o->why));
			return;
		}
		o->stale = 1;
		snprintf(o->why, sizeof(o->why), "no pid recorded, older than "
		    "%s", fmt_dur(d, sizeof(d), s->older));
		return;
	}
	o->stale = 1;
	for (i = 0; i < n; i++)
		if (p[i].pid > 0) {
			append(o->why, sizeof(o->why), "%s%s %lld",
			    k == 0 ? "" : k == m - 1 ? " and " : ", ",
			    p[i].what, p[i].pid);
			k++;
		}
	append(o->why, sizeof(o->why), " gone");
	free(p);
}

static void
posix_stale(struct ipcobj *o, const struct procscan *ps, int scanned)
{
	const struct fileref *r;
	char comm[32] = "?";

	if (!scanned) {
		strlcpy(o->why, "cannot read /proc", sizeof(o->why));
		return;
	}
	r = proc_findref(ps, o->dev, o->ino);
	if (r != NULL && r->holder != 0) {
		(void)proc_comm(r->holder, comm, sizeof(comm));
		snprintf(o->why, sizeof(o->why), "%s in pid %d (%s)",
		    r->how == 'm' ? "mapped" : "open", (int)r->holder, comm);
		return;
	}
	if (unseen_users(o, ps, PN_FILES, o->kind == IPC_MQ ? "held open" :
	    "held open or mapped"))
		return;
	o->stale = 1;
	strlcpy(o->why, o->kind == IPC_MQ ? "no process has it open" :
	    "no process has it open or mapped", sizeof(o->why));
}

/* -v: the processes we could not look into, once, even when they were
 * ruled out by the mode bits */
static void
say_unseen(const struct procscan *ps)
{
	char line[512] = "";
	size_t i;
	int w;

	if (!opt.verbose || ps->nnotes == 0)
		return;
	/* the file of the first note that says why */
	w = !(ps->notes[0].unseen & PN_FILES);
	for (i = 0; i < ps->nnotes && i < NAMEPIDS; i++)
		append(line, sizeof(line), "%spid %d (%s)", i > 0 ? ", " : "",
		    (int)ps->notes[i].pid, ps->notes[i].comm);
	if (ps->nnotes > NAMEPIDS)
		append(line, sizeof(line), " and %zu more",
		    ps->nnotes - NAMEPIDS);
	setoperand(NULL);
	iverbose("could not look into %zu process%s (/proc/PID/%s: %s): %s; "
	    "each counts for what its user and group ids may use",
	    ps->nnotes, ps->nnotes == 1 ? "" : "es", ps->notes[0].what[w],
	    strerror(ps->notes[0].err[w]), line);
}

void
stale_check(struct objlist *l, const struct objsel *s)
{
	struct procscan ps;
	size_t i;
	int scanned;

	memset(&ps, 0, sizeof(ps));
	for (i = 0; i < l->n; i++) {
		const struct ipcobj *o = &l->v[i];

		if (o->sysv) {
			ps.waits |= o->kind != IPC_SHM;
			continue;
		}
		ps.refs = ereallocarray(ps.refs, ps.nrefs + 1,
		    sizeof(*ps.refs));
		ps.refs[ps.nrefs].dev = o->dev;
		ps.refs[ps.nrefs].ino = o->ino;
		ps.refs[ps.nrefs].holder = 0;
		ps.nrefs++;
		ps.maps |= o->kind != IPC_MQ;
	}
	proc_sortrefs(ps.refs, ps.nrefs);
	scanned = (ps.nrefs > 0 || ps.waits) && proc_scan(&ps) == 0;
	for (i = 0; i < l->n; i++) {
		struct ipcobj *o = &l->v[i];

		o->stale = 0;
		o->why[0] = '\0';
		if (o->sysv && o->kind != IPC_SHM && ps.waits && !scanned)
			strlcpy(o->why, "cannot read /proc", sizeof(o->why));
		else if (o->sysv)
			sysv_stale(o, &ps, s);
		else
			posix_stale(o, &ps, scanned);
	}
	say_unseen(&ps);
	proc_free(&ps);
	free(ps.refs);
}
