/*
 * objlimits.c - the limits verb of ipc-mq, ipc-shm, ipc-sem and ipckit:
 * the system's limits for a mechanism as /proc/sys shows them, with what
 * is in use where that can be counted, as ipcs -l and lsipc -g do.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj.h"

enum usage {
	U_NONE,		/* a per-object limit: nothing to add up */
	U_POSIXCOUNT,	/* how many POSIX objects there are */
	U_SYSVCOUNT,	/* how many SysV objects there are */
	U_MQBYTES,	/* bytes RLIMIT_MSGQUEUE charges for the caller */
	U_SHMPAGES,	/* pages of all SysV segments */
	U_SEMS,		/* semaphores in all SysV sets */
	U_TMPFS,	/* bytes used in /dev/shm */
};

enum source {
	S_SYSCTL,	/* /proc/sys/FILE, or its FIELDth word */
	S_RLIMIT_MQ,	/* getrlimit(RLIMIT_MSGQUEUE) */
	S_TMPFS,	/* the size of /dev/shm */
	S_SEMVMAX,	/* sysconf(_SC_SEM_VALUE_MAX) */
};

static const struct limit {
	enum ipckind	 kind;
	int		 sysv;
	const char	*name;		/* sysctl name, or what it is */
	enum source	 src;
	const char	*file;		/* under /proc/sys */
	int		 field;		/* -1: the whole line */
	enum usage	 usage;
	const char	*desc;
} limits[] = {
	{ IPC_MQ, 0, "fs.mqueue.msg_max", S_SYSCTL, "fs/mqueue/msg_max", -1,
	    U_NONE, "most messages a new queue may hold (CAP_SYS_RESOURCE is exempt)" },
	{ IPC_MQ, 0, "fs.mqueue.msgsize_max", S_SYSCTL,
	    "fs/mqueue/msgsize_max", -1, U_NONE,
	    "largest message size of a new queue (CAP_SYS_RESOURCE is exempt)" },
	{ IPC_MQ, 0, "fs.mqueue.msg_default", S_SYSCTL,
	    "fs/mqueue/msg_default", -1, U_NONE,
	    "messages a queue holds when made without --max-msgs" },
	{ IPC_MQ, 0, "fs.mqueue.msgsize_default", S_SYSCTL,
	    "fs/mqueue/msgsize_default", -1, U_NONE,
	    "message size of a queue made without --msg-size" },
	{ IPC_MQ, 0, "fs.mqueue.queues_max", S_SYSCTL, "fs/mqueue/queues_max",
	    -1, U_POSIXCOUNT, "most queues in the system; usage: queues now" },
	{ IPC_MQ, 0, "RLIMIT_MSGQUEUE", S_RLIMIT_MQ, NULL, -1, U_MQBYTES,
	    "bytes the caller's queues may reserve (ulimit -q); usage: "
	    "reserved by the caller's queues" },
	{ IPC_MQ, 1, "kernel.msgmax", S_SYSCTL, "kernel/msgmax", -1, U_NONE,
	    "largest message" },
	{ IPC_MQ, 1, "kernel.msgmnb", S_SYSCTL, "kernel/msgmnb", -1, U_NONE,
	    "bytes a new queue may hold" },
	{ IPC_MQ, 1, "kernel.msgmni", S_SYSCTL, "kernel/msgmni", -1,
	    U_SYSVCOUNT, "most queues in the system; usage: queues now" },

	{ IPC_SHM, 0, "/dev/shm", S_TMPFS, NULL, -1, U_TMPFS,
	    "bytes the file system of POSIX segments holds; usage: bytes "
	    "used" },
	{ IPC_SHM, 1, "kernel.shmmax", S_SYSCTL, "kernel/shmmax", -1, U_NONE,
	    "largest segment, in bytes" },
	{ IPC_SHM, 1, "kernel.shmall", S_SYSCTL, "kernel/shmall", -1,
	    U_SHMPAGES, "pages all segments may take; usage: pages now" },
	{ IPC_SHM, 1, "kernel.shmmni", S_SYSCTL, "kernel/shmmni", -1,
	    U_SYSVCOUNT, "most segments in the system; usage: segments now" },

	{ IPC_SEM, 0, "SEM_VALUE_MAX", S_SEMVMAX, NULL, -1, U_NONE,
	    "largest value of a semaphore" },
	{ IPC_SEM, 1, "kernel.sem.semmsl", S_SYSCTL, "kernel/sem", 0, U_NONE,
	    "most semaphores in a set (SEMMSL, 1st field of kernel.sem)" },
	{ IPC_SEM, 1, "kernel.sem.semmns", S_SYSCTL, "kernel/sem", 1, U_SEMS,
	    "most semaphores in the system (SEMMNS, 2nd field); usage: "
	    "semaphores now" },
	{ IPC_SEM, 1, "kernel.sem.semopm", S_SYSCTL, "kernel/sem", 2, U_NONE,
	    "most operations in one semop (SEMOPM, 3rd field)" },
	{ IPC_SEM, 1, "kernel.sem.semmni", S_SYSCTL, "kernel/sem", 3,
	    U_SYSVCOUNT, "most sets in the system (SEMMNI, 4th field); "
	    "usage: sets now" },
};

/* the first line of /proc/sys/FILE, exactly as it is there, or its
 * field'th word */
static int
sysctl_read(const char *file, int field, char *buf, size_t len)
{
	char path[PATH_MAX], *w, *save = NULL;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/sys/%s", file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (field < 0)
		return 0;
	for (i = 0, w = strtok_r(buf, " \t", &save); w != NULL && i < field;
	    i++)
		w = strtok_r(NULL, " \t", &save);
	if (w == NULL) {
		errno = EPROTO;
		return -1;
	}
	memmove(buf, w, strlen(w) + 1);
	return 0;
}

/*
 * What mqueue_get_inode() charges to the creator's RLIMIT_MSGQUEUE:
 * maxmsg * msgsize for the messages, plus per message a struct msg_msg
 * and up to MQ_PRIO_MAX priority tree nodes (48 bytes each on 64-bit
 * kernels).  Only queues the caller can open are counted.
 */
static long long
mq_charge(const struct ipcobj *o)
{
	long long m = o->maxmsgs, nodes;

	nodes = m < 32768 ? m : 32768;
	return m * o->msgsize + m * 48 + nodes * 48;
}

static int
usage_of(const struct limit *lm, long long *out)
{
	long long pagesize = sysconf(_SC_PAGESIZE);
	struct objlist l = { 0 };
	struct statvfs sv;
	int r = 0;
	size_t i;

	switch (lm->usage) {
	case U_NONE:
		return -1;
	case U_POSIXCOUNT:
		r = posix_list(lm->kind, &l);
		*out = (long long)l.n;
		break;
	case U_SYSVCOUNT:
		r = sysv_list(lm->kind, &l);
		*out = (long long)l.n;
		break;
	case U_MQBYTES:
		if ((r = posix_list(lm->kind, &l)) == -1)
			break;
		*out = 0;
		for (i = 0; i < l.n; i++)
			if (l.v[i].uid == getuid() && l.v[i].maxmsgs > 0)
				*out += mq_charge(&l.v[i]);
		break;
	case U_SHMPAGES:
		if ((r = sysv_list(lm->kind, &l)) == -1)
			break;
		*out = 0;
		for (i = 0; i < l.n; i++)
			*out += (l.v[i].size + pagesize - 1) / pagesize;
		break;
	case U_SEMS:
		if ((r = sysv_list(lm->kind, &l)) == -1)
			break;
		*out = 0;
		for (i = 0; i < l.n; i++)
			*out += l.v[i].nsems;
		break;
	case U_TMPFS:
		if ((r = statvfs(posix_dir(IPC_SHM), &sv)) == 0)
			*out = (long long)(sv.f_blocks - sv.f_bfree) *
			    (long long)sv.f_frsize;
		break;
	}
	objlist_free(&l);
	return r;
}

/* the value of a limit as text: as /proc/sys shows it, a number, or
 * "unlimited"; -1 errno */
static int
limit_value(const struct limit *lm, char *buf, size_t len)
{
	struct statvfs sv;
	struct rlimit rl;
	long v;

	switch (lm->src) {
	case S_SYSCTL:
		return sysctl_read(lm->file, lm->field, buf, len);
	case S_RLIMIT_MQ:
		if (getrlimit(RLIMIT_MSGQUEUE, &rl) == -1)
			return -1;
		if (rl.rlim_cur == RLIM_INFINITY)
			strlcpy(buf, "unlimited", len);
		else
			snprintf(buf, len, "%llu",
			    (unsigned long long)rl.rlim_cur);
		return 0;
	case S_TMPFS:
		if (statvfs(posix_dir(IPC_SHM), &sv) == -1)
			return -1;
		snprintf(buf, len, "%llu", (unsigned long long)sv.f_blocks *
		    sv.f_frsize);
		return 0;
	case S_SEMVMAX:
		if ((v = sysconf(_SC_SEM_VALUE_MAX)) == -1)
			return -1;
		snprintf(buf, len, "%ld", v);
		return 0;
	}
	errno = EINVAL;
	return -1;
}

static const struct objopt limitsopts[] = {
	{ { "sysv", no_argument, NULL, OO_SYSV }, NULL,
	    "System V limits only", 0 },
	{ { "noheadings", no_argument, NULL, OO_NOHEAD }, NULL,
	    "no header line", 0 },
	{ { "raw", no_argument, NULL, OO_RAW }, NULL,
	    "cells separated by one space, not aligned, escaped", 0 },
	{ { "json", no_argument, NULL, 'J' }, NULL,
	    "one JSON array of objects: name, value, usage, use%, "
	    "description", 0 },
	{ { "type", required_argument, NULL, OO_TYPE }, "LIST",
	    "only these kinds: mq, shm, sem (default all)", 1 },
	{ { NULL, 0, NULL, 0 }, NULL, NULL, 0 },
};

/* VALUE: exactly as /proc/sys shows it; a number in JSON where it is
 * one, null for "unlimited" */
static void
value_cell(struct table *t, size_t col, const char *v, unsigned long long *n)
{
	char *end;

	*n = 0;
	if (v[0] >= '0' && v[0] <= '9') {
		errno = 0;
		*n = strtoull(v, &end, 10);
		if (*end == '\0' && errno == 0) {
			table_uint(t, col, *n, v);
			return;
		}
		*n = 0;
	}
	if (strcmp(v, "unlimited") == 0)
		table_null(t, col, v);
	else
		table_str(t, col, v);
}

static void
limit_row(struct table *t, enum ipckind k, const struct limit *lm, int *status)
{
	unsigned long long max = 0;
	char value[256], b[32];
	long long u = 0;
	size_t c = 0;
	double pct;

	table_row(t);
	if (k == IPC_ANY)
		table_str(t, c++, kindinfo(lm->kind)->type);
	table_str(t, c++, lm->name);
	if (limit_value(lm, value, sizeof(value)) == -1) {
		if (lm->src == S_SYSCTL)
			iwarn("/proc/sys/%s", lm->file);
		else
			iwarn("%s", lm->name);
		*status = EXIT_FAIL;
		table_null(t, c++, "-");
	} else
		value_cell(t, c++, value, &max);
	if (usage_of(lm, &u) == 0) {
		table_int(t, c++, u, NULL);
		if (max > 0) {
			pct = (double)u * 100.0 / (double)max;
			snprintf(b, sizeof(b), "%.2f%%", pct);
			table_double(t, c++, (double)(long long)(pct * 100 +
			    0.5) / 100, b);
		} else
			table_null(t, c++, "-");
	} else {
		table_null(t, c++, "-");
		table_null(t, c++, "-");
	}
	table_str(t, c, lm->desc);
}

int
ipcobj_limits(enum ipckind k, int argc, char *argv[])
{
	struct objsel sel;
	struct table *t;
	int c, sysv = 0, nohead = 0, status = 0;
	size_t i;

	objsel_init(&sel, k);
	eobj_opt_begin(k, argc, argv, OPT_POSIX, limitsopts, NULL);
	while ((c = opt_next()) != -1) {
		if (c == OO_TYPE)
			(void)eobj_selopt(&sel, c);
		else if (c == OO_SYSV)
			sysv = 1;
		else if (c == OO_NOHEAD)
			nohead = 1;
		else if (c == OO_RAW)
			opt.raw = 1;
		else if (c == 'J')
			opt.json = 1;
	}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);
	eobj_flavours(&sel, opt.posix, sysv);

	t = table_new(opt.json, opt.raw, nohead);
	if (k == IPC_ANY)
		table_col(t, "TYPE", 0);
	table_col(t, "NAME", 0);
	table_col(t, "VALUE", 1);
	table_col(t, "USAGE", 1);
	table_col(t, "USE%", 1);
	table_col(t, "DESCRIPTION", 0);
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct limit *lm = &limits[i];

		if ((sel.kinds & KINDBIT(lm->kind)) &&
		    (lm->sysv ? sel.sysv : sel.posix))
			limit_row(t, k, lm, &status);
	}
	if (table_print(t) == -1) {
		if (errno == EPIPE)
			eepipe();
		iwarn("cannot print the table");
		status = EXIT_FAIL;
	}
	table_free(t);
	return status;
}
