/*
 * stale.c - is anybody still using this object?  (SPEC section 3)
 *
 * SysV: the kernel records some pids (last sender and receiver of a
 * queue, creator and last user of a segment, last operation on each
 * semaphore); the object is stale when every recorded pid is gone (pid 0
 * means none recorded) and, for a segment, nothing is attached.
 * POSIX: stale when no process has its file open or mapped.  A process
 * we cannot look into keeps every object it could have opened: when in
 * doubt, an object is not stale.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/sem.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcobj.h"

static int
alive(long long pid)
{
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* "NAME 123", ", NAME 123", " and NAME 123" */
static void
addpid(char *buf, size_t len, int i, int last, const char *what,
    long long pid)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s %lld",
	    i == 0 ? "" : last ? " and " : ", ", what, pid);
}

static void
sysv_stale(struct ipcobj *o)
{
	const char *what[64];
	long long pid[64];
	int n = 0, i, k = 0, m = 0;

	switch (o->kind) {
	case IPC_MQ:
		what[n] = "lspid";
		pid[n++] = o->lspid;
		what[n] = "lrpid";
		pid[n++] = o->lrpid;
		break;
	case IPC_SHM:
		if (o->nattch > 0) {
			snprintf(o->why, sizeof(o->why), "attached %lld "
			    "time%s", o->nattch, o->nattch == 1 ? "" : "s");
			return;
		}
		what[n] = "cpid";
		pid[n++] = o->cpid;
		what[n] = "lpid";
		pid[n++] = o->lpid;
		break;
	case IPC_SEM:
		for (i = 0; i < o->nsems && n < 64; i++) {
			int p = semctl(o->id, i, GETPID);

			if (p == -1) {
				snprintf(o->why, sizeof(o->why), "cannot read "
				    "its pids: %s", strerror(errno));
				return;
			}
			what[n] = "sempid";
			pid[n++] = p;
		}
		break;
	}
	/* the same pid twice is named once */
	for (i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (pid[j] == pid[i])
				pid[i] = 0;
	for (i = 0; i < n; i++)
		if (pid[i] > 0 && alive(pid[i])) {
			char comm[32] = "?";

			(void)proc_comm((pid_t)pid[i], comm, sizeof(comm));
			snprintf(o->why, sizeof(o->why), "%s %lld (%s) is "
			    "alive", what[i], pid[i], comm);
			return;
		}
	o->stale = 1;
	o->why[0] = '\0';
	for (i = 0; i < n; i++)
		if (pid[i] > 0)
			m++;
	for (i = 0; i < n; i++)
		if (pid[i] > 0) {
			addpid(o->why, sizeof(o->why), k, k == m - 1, what[i],
			    pid[i]);
			k++;
		}
	if (m == 0)
		strlcpy(o->why, "no pid recorded", sizeof(o->why));
	else
		strlcat(o->why, " gone", sizeof(o->why));
}

static void
posix_stale(struct ipcobj *o, const struct procscan *ps, int scanned)
{
	const struct fileref *r;
	size_t i, n = 0, len;
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
	for (i = 0; i < ps->nnotes; i++) {
		const struct procnote *p = &ps->notes[i];

		if (!proc_may_open(p, o->uid, o->gid, o->mode))
			continue;
		if (n == 0)
			snprintf(o->why, sizeof(o->why), "may be in use by "
			    "processes we cannot look into (/proc/PID/%s: "
			    "%s): ", p->what, strerror(p->err));
		len = strlen(o->why);
		if (n < 8)
			snprintf(o->why + len, sizeof(o->why) - len,
			    "%spid %d (%s)", n > 0 ? ", " : "", (int)p->pid,
			    p->comm);
		n++;
	}
	if (n > 8) {
		len = strlen(o->why);
		snprintf(o->why + len, sizeof(o->why) - len, " and %zu more",
		    n - 8);
	}
	if (n > 0)
		return;
	if (ps->hidden) {
		strlcpy(o->why, "other users' processes are hidden from us "
		    "(/proc hidepid)", sizeof(o->why));
		return;
	}
	o->stale = 1;
	strlcpy(o->why, o->kind == IPC_MQ ? "no process has it open" :
	    "no process has it open or mapped", sizeof(o->why));
}

void
stale_check(struct objlist *l)
{
	struct procscan ps;
	size_t i, n = 0;
	int scanned = 0;

	memset(&ps, 0, sizeof(ps));
	for (i = 0; i < l->n; i++)
		if (!l->v[i].sysv)
			n++;
	if (n > 0) {
		ps.refs = ecalloc(n, sizeof(*ps.refs));
		for (i = 0; i < l->n; i++)
			if (!l->v[i].sysv) {
				ps.refs[ps.nrefs].dev = l->v[i].dev;
				ps.refs[ps.nrefs].ino = l->v[i].ino;
				ps.nrefs++;
				if (l->v[i].kind != IPC_MQ)
					ps.maps = 1;
			}
		proc_sortrefs(ps.refs, ps.nrefs);
		scanned = proc_scan(&ps) == 0;
	}
	for (i = 0; i < l->n; i++) {
		struct ipcobj *o = &l->v[i];

		o->stale = 0;
		o->why[0] = '\0';
		if (o->sysv)
			sysv_stale(o);
		else
			posix_stale(o, &ps, scanned);
	}
	proc_free(&ps);
	free(ps.refs);
}
