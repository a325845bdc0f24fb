/*
 * objlist.c - the kinds of objects, the list of them that ls and rm
 * work on, and the choice by flavour, owner, age and staleness.  What
 * differs between the kinds is data: the table below, and the columns
 * in objcol.c.
 */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "obj.h"

static const struct kindinfo kinds[NKINDS] = {
	[IPC_MQ] = { "mq", "queue", "/proc/sysvipc/msg" },
	[IPC_SHM] = { "shm", "segment", "/proc/sysvipc/shm" },
	[IPC_SEM] = { "sem", "semaphore", "/proc/sysvipc/sem" },
};

const struct kindinfo *
kindinfo(enum ipckind k)
{
	return &kinds[k < NKINDS ? k : IPC_MQ];
}

struct ipcobj *
objlist_add(struct objlist *l, enum ipckind k, int sysv)
{
	struct ipcobj *o;

	l->v = egrow(l->v, l->n, &l->cap, sizeof(*l->v));
	o = &l->v[l->n++];
	memset(o, 0, sizeof(*o));
	o->kind = k;
	o->sysv = sysv;
	o->id = -1;
	o->msgs = o->bytes = o->maxmsgs = o->msgsize = -1;
	o->size = o->nattch = o->nsems = o->value = -1;
	o->cpid = o->lpid = o->lspid = o->lrpid = -1;
	return o;
}

void
objlist_free(struct objlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* how an object is named in messages: "/NAME" or "0x0000162e" */
const char *
objlabel(const struct ipcobj *o, char *buf, size_t len)
{
	if (o->sysv)
		snprintf(buf, len, "0x%08x", (unsigned)o->key);
	else
		strlcpy(buf, o->name, len);
	return buf;
}

static int
byname(const void *a, const void *b)
{
	const struct ipcobj *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* the POSIX objects of one kind, sorted by name; status */
static int
collect_posix(enum ipckind k, const struct objsel *s, struct objlist *l)
{
	size_t first = l->n;
	int only = !s->sysv && s->kinds == KINDBIT(IPC_MQ);

	if (posix_list(k, l) == 0) {
		if (l->n - first > 1)
			qsort(l->v + first, l->n - first, sizeof(*l->v),
			    byname);
		return 0;
	}
	if (k == IPC_MQ && errno == ENOENT) {
		/* say so once, and fail only when POSIX queues were all
		 * that was asked for */
		if (only || !opt.quiet)
			iwarnx("POSIX queues cannot be listed here: the mqueue "
			    "file system of this IPC namespace is not mounted "
			    "(mount it with 'mount -t mqueue none "
			    "/dev/mqueue')");
		return only ? EXIT_FAIL : 0;
	}
	iwarn("%s", k == IPC_MQ ? "the mqueue mount" : posix_dir(k));
	return EXIT_FAIL;
}

/*
 * Every object of the chosen kinds and flavours: for each kind, POSIX
 * ones by name, then SysV ones in the kernel's order.
 */
int
collect(const struct objsel *s, struct objlist *l)
{
	int status = 0, r;
	unsigned k;

	setoperand(NULL);
	for (k = 0; k < NKINDS; k++) {
		if (!(s->kinds & KINDBIT(k)))
			continue;
		if (s->posix && (r = collect_posix((enum ipckind)k, s, l)) != 0)
			status = r;
		if (s->sysv && sysv_list((enum ipckind)k, l) == -1) {
			iwarn("%s", kinds[k].sysvproc);
			status = EXIT_FAIL;
		}
	}
	return status;
}

/* keep the objects for which keep[i] is set, in order */
static void
keep_only(struct objlist *l, const char *keep)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		if (!keep[i]) {
			free(l->v[i].name);
			continue;
		}
		l->v[n++] = l->v[i];
	}
	l->n = n;
}

/*
 * Keep what the selection asks for: --type ring, --owner, --older-than,
 * then --stale.  judge: decide staleness (for the STALE column) even
 * without --stale.
 */
void
filter(struct objlist *l, const struct objsel *s, int judge)
{
	struct timespec now;
	char lb[NAME_MAX + 2], *keep;
	size_t i;

	if (l->n == 0)
		return;
	keep = ecalloc(l->n, 1);
	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < l->n; i++) {
		const struct ipcobj *o = &l->v[i];
		long long age;

		/* times are whole seconds: never take it for older than
		 * it is (the age is underestimated by less than a second) */
		age = (long long)(now.tv_sec - o->ctime - 1) * 1000 +
		    now.tv_nsec / 1000000;
		keep[i] = !(s->rings && o->kind == IPC_SHM && !o->ring) &&
		    !(s->byowner && o->uid != s->owner) &&
		    !(s->older > 0 && (o->ctime <= 0 || age < s->older));
	}
	keep_only(l, keep);
	if (s->stale || judge) {
		stale_check(l, s);
		for (i = 0; i < l->n; i++) {
			keep[i] = l->v[i].stale || !s->stale;
			if (!l->v[i].stale && s->stale) {
				setoperand(objlabel(&l->v[i], lb, sizeof(lb)));
				iverbose("not stale: %s", l->v[i].why);
			}
		}
		setoperand(NULL);
		keep_only(l, keep);
	}
	free(keep);
}
