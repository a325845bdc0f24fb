/*
 * sysvlist.c - System V objects as ipcs(1) sees them: every object of
 * the IPC namespace, readable or not, from /proc/sysvipc/{msg,shm,sem}.
 * Columns are found by the names in the header line, so a kernel that
 * adds or moves one does not confuse us.
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipcobj.h"

enum {
	F_NONE, F_KEY, F_ID, F_PERMS, F_BYTES, F_MSGS, F_LSPID, F_LRPID,
	F_UID, F_GID, F_CUID, F_CGID, F_CTIME, F_SIZE, F_CPID, F_LPID,
	F_NATTCH, F_NSEMS,
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
	{ "nsems", F_NSEMS },
};

#define MAXF	32

/* the header line -> field code per column */
static int
header(char *line, int *map)
{
	char *tok, *save = NULL;
	int n = 0;
	size_t i;

	for (tok = strtok_r(line, " \t\n", &save); tok != NULL && n < MAXF;
	    tok = strtok_r(NULL, " \t\n", &save)) {
		map[n] = F_NONE;
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(tok, fields[i].name) == 0)
				map[n] = fields[i].f;
		n++;
	}
	return n;
}

static int
parse_row(char *line, const int *map, int ncol, struct ipcobj *o)
{
	char *tok, *save = NULL, *end;
	unsigned long long u;
	long long s;
	int c = 0;

	for (tok = strtok_r(line, " \t\n", &save); tok != NULL && c < ncol;
	    tok = strtok_r(NULL, " \t\n", &save), c++) {
		errno = 0;
		if (map[c] == F_KEY) {
			s = strtoll(tok, &end, 10);
			if (*end != '\0' || errno != 0)
				return -1;
			o->key = (key_t)s;
			continue;
		}
		u = strtoull(tok, &end, map[c] == F_PERMS ? 8 : 10);
		if (*end != '\0' || errno != 0 || tok[0] == '-')
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
		}
	}
	return c == ncol ? 0 : -1;
}

int
sysv_list(enum ipckind k, struct objlist *l)
{
	int map[MAXF], ncol;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;

	if ((fp = fopen(kindinfo(k)->sysvproc, "re")) == NULL)
		return -1;
	if (getline(&line, &cap, fp) == -1 ||
	    (ncol = header(line, map)) == 0) {
		free(line);
		fclose(fp);
		errno = EPROTO;
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		struct ipcobj *o = objlist_add(l, k, 1);

		if (parse_row(line, map, ncol, o) == -1)
			l->n--;		/* a line we do not understand */
	}
	free(line);
	fclose(fp);
	return 0;
}

int
sysv_lookup(enum ipckind k, key_t key)
{
	if (key == IPC_PRIVATE) {	/* would create a new object */
		errno = EINVAL;
		return -1;
	}
	switch (k) {
	case IPC_MQ:
		return msgget(key, 0);
	case IPC_SHM:
		return shmget(key, 0, 0);
	case IPC_SEM:
		return semget(key, 0, 0);
	}
	errno = EINVAL;
	return -1;
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
	}
	errno = EINVAL;
	return -1;
}
