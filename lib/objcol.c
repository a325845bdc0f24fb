/*
 * objcol.c - the columns of ls, in lsipc(1)'s vocabulary: which kinds
 * have each, which are shown by default, how -o picks them, and the
 * cell of each for one object (text for the table, a number or a string
 * for --json).
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "obj.h"

#define MQ	KINDBIT(IPC_MQ)
#define SHM	KINDBIT(IPC_SHM)
#define SEM	KINDBIT(IPC_SEM)
#define ANY	KINDBIT(IPC_ANY)	/* shown by default by the ipckit command */
#define ALL	(MQ | SHM | SEM | ANY)

enum col {
	C_TYPE, C_FLAVOUR, C_NAME, C_KEY, C_ID, C_OWNER, C_PERMS, C_SIZE,
	C_NSEMS, C_VALUE, C_MSGS, C_USEDBYTES, C_MAXMSGS, C_MSGSIZE, C_NATTCH,
	C_CPID, C_LPID, C_LSPID, C_LRPID, C_CTIME, C_USER, C_UID, C_GROUP,
	C_GID, C_CUSER, C_CUID, C_CGROUP, C_CGID, C_SEND, C_RECV, C_ATTACH,
	C_DETACH, C_OTIME, C_STALE, NCOLS
};

static const struct column {
	const char	*name;
	unsigned	 has;		/* kinds that have it */
	unsigned	 dflt;		/* kinds that show it by default */
	int		 type;		/* 0 string, 1 number, 2 time */
	const char	*help;
} columns[NCOLS] = {
	[C_TYPE] =	{ "TYPE", ALL, ANY, 0,
	    "mq, shm or sem; ring for an ipc-shm stream ring" },
	[C_FLAVOUR] =	{ "FLAVOUR", ALL, ALL, 0, "posix or sysv" },
	[C_NAME] =	{ "NAME", ALL, ALL, 0, "POSIX name, /NAME" },
	[C_KEY] =	{ "KEY", ALL, ALL, 0, "SysV key, 0x%08x" },
	[C_ID] =	{ "ID", ALL, ALL, 1, "SysV identifier" },
	[C_OWNER] =	{ "OWNER", ALL, ALL, 0, "owner's user name" },
	[C_PERMS] =	{ "PERMS", ALL, ALL, 0, "permissions, octal" },
	[C_SIZE] =	{ "SIZE", SHM | ANY, SHM, 1, "segment size, bytes" },
	[C_NSEMS] =	{ "NSEMS", SEM | ANY, SEM, 1,
	    "semaphores in the set" },
	[C_VALUE] =	{ "VALUE", SEM | ANY, SEM, 1,
	    "value of a POSIX semaphore" },
	[C_MSGS] =	{ "MSGS", MQ | ANY, MQ, 1, "messages queued" },
	[C_USEDBYTES] =	{ "USEDBYTES", MQ | ANY, MQ, 1, "bytes queued" },
	[C_MAXMSGS] =	{ "MAXMSGS", MQ | ANY, MQ, 1,
	    "most messages a POSIX queue holds" },
	[C_MSGSIZE] =	{ "MSGSIZE", MQ | ANY, MQ, 1,
	    "largest message of a POSIX queue, bytes" },
	[C_NATTCH] =	{ "NATTCH", SHM | ANY, SHM, 1,
	    "attachments of a SysV segment" },
	[C_CPID] =	{ "CPID", SHM | ANY, SHM, 1,
	    "pid of the creator of a SysV segment" },
	[C_LPID] =	{ "LPID", SHM | ANY, SHM, 1,
	    "pid of the last attach or detach" },
	[C_LSPID] =	{ "LSPID", MQ | ANY, MQ, 1,
	    "pid of the last SysV msgsnd" },
	[C_LRPID] =	{ "LRPID", MQ | ANY, MQ, 1,
	    "pid of the last SysV msgrcv" },
	[C_CTIME] =	{ "CTIME", ALL, ALL, 2,
	    "last change (POSIX: last write)" },
	[C_USER] =	{ "USER", ALL, 0, 0, "owner's user name" },
	[C_UID] =	{ "UID", ALL, 0, 1, "owner's user id" },
	[C_GROUP] =	{ "GROUP", ALL, 0, 0, "owner's group name" },
	[C_GID] =	{ "GID", ALL, 0, 1, "owner's group id" },
	[C_CUSER] =	{ "CUSER", ALL, 0, 0, "creator's user name" },
	[C_CUID] =	{ "CUID", ALL, 0, 1, "creator's user id" },
	[C_CGROUP] =	{ "CGROUP", ALL, 0, 0, "creator's group name" },
	[C_CGID] =	{ "CGID", ALL, 0, 1, "creator's group id" },
	[C_SEND] =	{ "SEND", MQ | ANY, 0, 2,
	    "time of the last SysV msgsnd" },
	[C_RECV] =	{ "RECV", MQ | ANY, 0, 2,
	    "time of the last SysV msgrcv" },
	[C_ATTACH] =	{ "ATTACH", SHM | ANY, 0, 2,
	    "time of the last SysV attach" },
	[C_DETACH] =	{ "DETACH", SHM | ANY, 0, 2,
	    "time of the last SysV detach" },
	[C_OTIME] =	{ "OTIME", SEM | ANY, 0, 2,
	    "time of the last SysV semop" },
	[C_STALE] =	{ "STALE", ALL, 0, 0,
	    "why nobody uses it (with --stale)" },
};

static void
addcol(struct colset *cs, enum col c)
{
	if (cs->n < sizeof(cs->c) / sizeof(cs->c[0]))
		cs->c[cs->n++] = c;
}

/* -o help, and the end of ls --help: one column per line */
void
columns_help(FILE *fp, enum ipckind k)
{
	int c;

	fprintf(fp, "columns (-o LIST; +LIST adds to the default ones, "
	    "marked *):\n");
	for (c = 0; c < NCOLS; c++)
		if (columns[c].has & KINDBIT(k))
			fprintf(fp, " %c %-10s %s\n",
			    columns[c].dflt & KINDBIT(k) ? '*' : ' ',
			    columns[c].name, columns[c].help);
}

/*
 * -o LIST: names as the header spells them, any case; "+LIST" adds to
 * the default columns, as in util-linux; "help" lists them.  stale: add
 * STALE to the default ones.
 */
void
ecolumns(enum ipckind k, const char *list, int stale, struct colset *cs)
{
	const char *p, *e;
	size_t n;
	int c;

	cs->n = 0;
	if (list != NULL && strcmp(list, "help") == 0) {
		columns_help(stdout, k);
		exit(efinish(0));
	}
	if (list == NULL || list[0] == '+') {
		for (c = 0; c < NCOLS; c++)
			if (columns[c].dflt & KINDBIT(k))
				addcol(cs, (enum col)c);
		if (stale)
			addcol(cs, C_STALE);
		if (list == NULL)
			return;
		list++;
	}
	for (p = list;; p = e + 1) {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0)
			eusage("empty column name in '%.64s'", list);
		for (c = 0; c < NCOLS; c++)
			if ((columns[c].has & KINDBIT(k)) &&
			    strlen(columns[c].name) == n &&
			    strncasecmp(p, columns[c].name, n) == 0)
				break;
		if (c == NCOLS)
			eusage("unknown column '%.*s' (-o help lists them)",
			    (int)(n < 64 ? n : 64), p);
		addcol(cs, (enum col)c);
		if (e == NULL)
			break;
	}
}

int
columns_judge(const struct colset *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i] == C_STALE)
			return 1;
	return 0;
}

void
columns_head(struct table *t, const struct colset *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		table_col(t, columns[cs->c[i]].name,
		    columns[cs->c[i]].type == 1);
}

/* a number that may be unknown (-1): empty / null */
static void
num(struct table *t, size_t i, long long v)
{
	if (v >= 0)
		table_int(t, i, v, NULL);
}

/* a time: ISO 8601 in the table, seconds in JSON; 0 (never) is empty */
static void
when(struct table *t, size_t i, time_t v)
{
	char b[64];

	if (v > 0)
		table_int(t, i, (long long)v, fmt_time(b, sizeof(b), v));
}

static void
cell(struct table *t, size_t i, enum col c, const struct ipcobj *o)
{
	char b[128];

	switch (c) {
	case C_TYPE:
		table_str(t, i, o->ring ? "ring" : kindinfo(o->kind)->type);
		break;
	case C_FLAVOUR:
		table_str(t, i, o->sysv ? "sysv" : "posix");
		break;
	case C_NAME:
		table_str(t, i, o->sysv ? NULL : o->name);
		break;
	case C_KEY:
		snprintf(b, sizeof(b), "0x%08x", (unsigned)o->key);
		table_str(t, i, o->sysv ? b : NULL);
		break;
	case C_ID:
		if (o->sysv)
			num(t, i, o->id);
		break;
	case C_OWNER:
	case C_USER:
		table_str(t, i, user_name(o->uid, b, sizeof(b)));
		break;
	case C_UID:
		num(t, i, (long long)o->uid);
		break;
	case C_GROUP:
		table_str(t, i, group_name(o->gid, b, sizeof(b)));
		break;
	case C_GID:
		num(t, i, (long long)o->gid);
		break;
	case C_CUSER:
		table_str(t, i, user_name(o->cuid, b, sizeof(b)));
		break;
	case C_CUID:
		num(t, i, (long long)o->cuid);
		break;
	case C_CGROUP:
		table_str(t, i, group_name(o->cgid, b, sizeof(b)));
		break;
	case C_CGID:
		num(t, i, (long long)o->cgid);
		break;
	case C_PERMS:
		snprintf(b, sizeof(b), "%04o", (unsigned)o->mode);
		table_str(t, i, b);
		break;
	case C_SIZE:
		num(t, i, o->size);
		break;
	case C_NSEMS:
		num(t, i, o->nsems);
		break;
	case C_VALUE:
		num(t, i, o->value);
		break;
	case C_MSGS:
		num(t, i, o->msgs);
		break;
	case C_USEDBYTES:
		num(t, i, o->bytes);
		break;
	case C_MAXMSGS:
		num(t, i, o->maxmsgs);
		break;
	case C_MSGSIZE:
		num(t, i, o->msgsize);
		break;
	case C_NATTCH:
		num(t, i, o->nattch);
		break;
	case C_CPID:
		num(t, i, o->cpid);
		break;
	case C_LPID:
		num(t, i, o->lpid);
		break;
	case C_LSPID:
		num(t, i, o->lspid);
		break;
	case C_LRPID:
		num(t, i, o->lrpid);
		break;
	case C_CTIME:
		when(t, i, o->ctime);
		break;
	case C_SEND:
		when(t, i, o->stime);
		break;
	case C_RECV:
		when(t, i, o->rtime);
		break;
	case C_ATTACH:
		when(t, i, o->atime);
		break;
	case C_DETACH:
		when(t, i, o->dtime);
		break;
	case C_OTIME:
		when(t, i, o->otime);
		break;
	case C_STALE:
		table_str(t, i, o->stale ? o->why : NULL);
		break;
	case NCOLS:
		break;
	}
}

void
columns_row(struct table *t, const struct colset *cs, const struct ipcobj *o)
{
	size_t i;

	table_row(t);
	for (i = 0; i < cs->n; i++)
		cell(t, i, (enum col)cs->c[i], o);
}
