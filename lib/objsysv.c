/*
 * objsysv.c - System V objects as ipcs(1) sees them: every object of
 * the IPC namespace, readable or not, from /proc/sysvipc/{msg,shm,sem}.
 * Columns are found by the names in the header line, so a kernel that
 * adds or moves one does not confuse us; a line we cannot read whole is
 * skipped.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj.h"

enum {
	F_NONE, F_KEY, F_ID, F_PERMS, F_BYTES, F_MSGS, F_LSPID, F_LRPID,
	F_UID, F_GID, F_CUID, F_CGID, F_CTIME, F_SIZE, F_CPID, F_LPID,
	F_NATTCH, F_NSEMS, F_STIME, F_RTIME, F_ATIME, F_DTIME, F_OTIME,
};

static const struct {
	const char	*name;
	int		 f;
} fields[] = {
	{ "key", F_KEY }, { "msqid", F_ID }, { "shmid", F_ID },
	{ "semid", F_ID }, { "perms", F_PERMS }, { "cbytes", F_BYTES },
	{ "qnum", F_MSGS }, { "lspid", F_LSPID }, { "lrpid", F_LRPID },
	{ "uid", F_UID }, { "gid", F_GID }, { "cuid", F_CUID },
	{ "cgid", F_CGID }, { "ctime", F_CTIME }, { "size", F_SIZE },
	{ "cpid", F_CPID }, { "lpid", F_LPID }, { "nattch", F_NATTCH },
	{ "nsems", F_NSEMS }, { "stime", F_STIME }, { "rtime", F_RTIME },
	{ "atime", F_ATIME }, { "dtime", F_DTIME }, { "otime", F_OTIME },
};

#define MAXF	32

/* the header line -> field code per column; the number of columns */
static int
header(char *line, int *map)
{
	char *tok, *save = NULL;
	int n = 0, key = 0, id = 0;
	size_t i;

	for (tok = strtok_r(line, " \t", &save); tok != NULL && n < MAXF;
	    tok = strtok_r(NULL, " \t", &save)) {
		map[n] = F_NONE;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(tok, fields[i].name) == 0)
				map[n] = fields[i].f;
		key |= map[n] == F_KEY;
		id |= map[n] == F_ID;
		n++;
	}
	return key && id ? n : 0;
}

/* a decimal (octal for perms) number in [0, max]; -1 if it is not */
static int
field(const char *tok, int base, unsigned long long max,
    unsigned long long *v)
{
	char *end;

	if (tok[0] < '0' || tok[0] > '9')
		return -1;
	errno = 0;
	*v = strtoull(tok, &end, base);
	return *end != '\0' || errno != 0 || *v > max ? -1 : 0;
}

/* the largest value a field may have */
static unsigned long long
field_max(int f)
{
	switch (f) {
	case F_ID: case F_LSPID: case F_LRPID: case F_CPID: case F_LPID:
		return INT_MAX;
	case F_PERMS: case F_UID: case F_GID: case F_CUID: case F_CGID:
		return UINT32_MAX;
	}
	return LLONG_MAX;
}

static int
parse_row(char *line, const int *map, int ncol, struct ipcobj *o)
{
	char *tok, *save = NULL, *end;
	unsigned long long u;
	long long s;
	int c = 0;

	for (tok = strtok_r(line, " \t", &save); tok != NULL && c < ncol;
	    tok = strtok_r(NULL, " \t", &save), c++) {
		if (map[c] == F_NONE)
			continue;
		if (map[c] == F_KEY) {
			/* key_t printed as a signed int */
			errno = 0;
			s = strtoll(tok, &end, 10);
			if (*end != '\0' || errno != 0 || s < INT32_MIN ||
			    s > (long long)UINT32_MAX)
				return -1;
			o->key = (key_t)(uint32_t)s;
			continue;
		}
		if (field(tok, map[c] == F_PERMS ? 8 : 10, field_max(map[c]),
		    &u) == -1)
			return -1;
		switch (map[c]) {
		case F_ID:	o->id = (int)u; break;
		case F_PERMS:	o->mode = (mode_t)(u & 0777); break;
		case F_BYTES:	o->bytes = (long long)u; break;
		case F_MSGS:	o->msgs = (long long)u; break;
		case F_LSPID:	o->lspid = (long long)u; break;
		case F_LRPID:	o->lrpid = (long long)u; break;
		case F_UID:	o->uid = (uid_t)u; break;
		case F_GID:	o->gid = (gid_t)u; break;
		case F_CUID:	o->cuid = (uid_t)u; break;
		case F_CGID:	o->cgid = (gid_t)u; break;
		case F_CTIME:	o->ctime = (time_t)u; break;
		case F_SIZE:	o->size = (long long)u; break;
		case F_CPID:	o->cpid = (long long)u; break;
		case F_LPID:	o->lpid = (long long)u; break;
		case F_NATTCH:	o->nattch = (long long)u; break;
		case F_NSEMS:	o->nsems = (long long)u; break;
		case F_STIME:	o->stime = (time_t)u; break;
		case F_RTIME:	o->rtime = (time_t)u; break;
		case F_ATIME:	o->atime = (time_t)u; break;
		case F_DTIME:	o->dtime = (time_t)u; break;
		case F_OTIME:	o->otime = (time_t)u; break;
		}
	}
	return c == ncol && o->id >= 0 ? 0 : -1;
}

/*
 * The objects in len bytes of a /proc/sysvipc file (the header line,
 * then one line per object), added to l; -1 with errno EPROTO when the
 * header is not one.
 */
int
sysv_parse(enum ipckind k, const char *buf, size_t len, struct objlist *l)
{
	int map[MAXF], ncol = 0, first = 1;
	const char *p = buf, *nl;
	char *line = NULL;
	size_t n, cap = 0;

	for (; p < buf + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		n = (size_t)(nl - p);
		if (n + 1 > cap) {
			cap = n + 1;
			line = ereallocarray(line, cap, 1);
		}
		memcpy(line, p, n);
		line[n] = '\0';	/* a NUL inside ends it early */
		if (first) {
			first = 0;
			if ((ncol = header(line, map)) == 0)
				break;
			continue;
		}
		if (parse_row(line, map, ncol, objlist_add(l, k, 1)) == -1)
			free(l->v[--l->n].name);	/* not a whole row */
	}
	free(line);
	if (ncol == 0) {
		errno = EPROTO;
		return -1;
	}
	return 0;
}

/* the whole of a small file of /proc; NULL errno */
static char *
slurp(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap == 0 ? 16384 : cap * 2;
			buf = ereallocarray(buf, cap, 1);
		}
		if ((n = read(fd, buf + len, cap - len)) <= 0)
			break;
		len += (size_t)n;
	}
	saved = errno;
	close(fd);
	if (n < 0) {
		free(buf);
		errno = saved;
		return NULL;
	}
	*lenp = len;
	return buf;
}

int
sysv_list(enum ipckind k, struct objlist *l)
{
	size_t len;
	char *buf;
	int r;

	if ((buf = slurp(kindinfo(k)->sysvproc, &len)) == NULL)
		return -1;
	r = sysv_parse(k, buf, len, l);
	free(buf);
	return r;
}

int
sysv_rmid(enum ipckind k, int id)
{
	switch (k) {
	case IPC_MQ:
		return msgctl(id, IPC_RMID, NULL);
	case IPC_SHM:
		return shmctl(id, IPC_RMID, NULL);
	case IPC_SEM:
		return semctl(id, 0, IPC_RMID);
	case IPC_ANY:
		break;
	}
	errno = EINVAL;
	return -1;
}
