/*
 * ipclimits.c - the limits verb of ipc-mq, ipc-shm and ipc-sem: the
 * system's limits for a mechanism as /proc/sys shows them, with what is
 * in use where that can be counted, as ipcs -l and lsipc -g do.
 */
#include <sys/types.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcobj.h"

enum usage {
	U_NONE,		/* a per-object limit: nothing to add up */
	U_POSIXCOUNT,	/* how many POSIX objects there are */
	U_SYSVCOUNT,	/* how many SysV objects there are */
	U_MQBYTES,	/* bytes RLIMIT_MSGQUEUE charges for the caller */
};

static const struct limit {
	enum ipckind	 kind;
	int		 sysv;
	const char	*name;		/* sysctl name, or the rlimit */
	const char	*file;		/* under /proc/sys, NULL: rlimit */
	enum usage	 usage;
	const char	*desc;
} limits[] = {
	{ IPC_MQ, 0, "fs.mqueue.msg_max", "fs/mqueue/msg_max", U_NONE,
	    "most messages a new queue may hold (root is exempt)" },
	{ IPC_MQ, 0, "fs.mqueue.msgsize_max", "fs/mqueue/msgsize_max", U_NONE,
	    "largest message size of a new queue (root is exempt)" },
	{ IPC_MQ, 0, "fs.mqueue.msg_default", "fs/mqueue/msg_default", U_NONE,
	    "messages a queue holds when made without --max-msgs" },
	{ IPC_MQ, 0, "fs.mqueue.msgsize_default", "fs/mqueue/msgsize_default",
	    U_NONE, "message size of a queue made without --msg-size" },
	{ IPC_MQ, 0, "fs.mqueue.queues_max", "fs/mqueue/queues_max",
	    U_POSIXCOUNT, "most queues in the system; usage: queues now" },
	{ IPC_MQ, 0, "RLIMIT_MSGQUEUE", NULL, U_MQBYTES,
	    "bytes the caller's queues may reserve (ulimit -q); usage: "
	    "reserved by the caller's queues" },
	{ IPC_MQ, 1, "kernel.msgmax", "kernel/msgmax", U_NONE,
	    "largest message" },
	{ IPC_MQ, 1, "kernel.msgmnb", "kernel/msgmnb", U_NONE,
	    "bytes a new queue may hold" },
	{ IPC_MQ, 1, "kernel.msgmni", "kernel/msgmni", U_SYSVCOUNT,
	    "most queues in the system; usage: queues now" },
};

/* the first line of /proc/sys/FILE, exactly as it is there */
static int
sysctl_read(const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
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
	struct objlist l = { 0 };
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
	}
	objlist_free(&l);
	return r;
}

int
ipcobj_limits(enum ipckind k, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "sysv",	no_argument,		NULL, 256 },
		{ NULL, 0, NULL, 0 },
	};
	char value[256], ubuf[32];
	struct table *t;
	struct rlimit rl;
	int c, sysv = 0, status = 0;
	long long u = 0;
	size_t i;

	opt_begin(argc, argv, O_POSIX | O_JSON, lo);
	while ((c = opt_next()) != -1)
		if (c == 256)
			sysv = 1;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);
	check_flavours(opt.posix, sysv);

	t = table_new(opt.json, 0, 1);
	table_col(t, "NAME", TJ_STRING, 0);
	table_col(t, "VALUE", TJ_NUMBER, 0);
	table_col(t, "USAGE", TJ_NUMBER, 0);
	table_col(t, "DESCRIPTION", TJ_STRING, 0);
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct limit *lm = &limits[i];
		const char *v = value;

		if (lm->kind != k || (lm->sysv && opt.posix) ||
		    (!lm->sysv && sysv))
			continue;
		if (lm->file == NULL) {
			if (getrlimit(RLIMIT_MSGQUEUE, &rl) == -1)
				eerr(EXIT_FAIL, "getrlimit");
			if (rl.rlim_cur == RLIM_INFINITY)
				v = opt.json ? NULL : "unlimited";
			else
				snprintf(value, sizeof(value), "%llu",
				    (unsigned long long)rl.rlim_cur);
		} else if (sysctl_read(lm->file, value, sizeof(value)) == -1) {
			iwarn("/proc/sys/%s", lm->file);
			status = EXIT_FAIL;
			v = opt.json ? NULL : "-";
		}
		table_row(t);
		table_set(t, 0, lm->name);
		table_set(t, 1, v);
		if (usage_of(lm, &u) == 0) {
			snprintf(ubuf, sizeof(ubuf), "%lld", u);
			table_set(t, 2, ubuf);
		} else if (!opt.json)
			table_set(t, 2, "-");
		table_set(t, 3, lm->desc);
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
