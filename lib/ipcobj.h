/*
 * ipcobj.h - what lib/ipcobj.c, lib/ipclimits.c, lib/posixlist.c,
 * lib/sysvlist.c, lib/stale.c, lib/proc.c and lib/table.c share to list,
 * judge and remove IPC objects (SPEC section 3).  Not for cmd/: tools
 * use the verb functions declared in ipckit.h.
 */
#ifndef IPCOBJ_H
#define IPCOBJ_H

#include <sys/types.h>

#include <time.h>

#include "ipckit.h"

#define KINDBIT(k)	(1u << (k))

/* one object, either flavour; numbers are -1 where not known */
struct ipcobj {
	enum ipckind	 kind;
	int		 sysv;
	char		*name;		/* POSIX: "/NAME" */
	dev_t		 dev;		/* POSIX: its file */
	ino_t		 ino;
	key_t		 key;		/* SysV */
	int		 id;		/* SysV */
	uid_t		 uid, cuid;
	gid_t		 gid, cgid;
	mode_t		 mode;		/* permission bits */
	long long	 msgs;		/* mq: messages queued */
	long long	 bytes;		/* mq: bytes queued */
	long long	 maxmsgs;	/* POSIX mq: mq_maxmsg */
	long long	 msgsize;	/* POSIX mq: mq_msgsize */
	long long	 size;		/* shm: bytes */
	long long	 nattch;	/* SysV shm */
	long long	 nsems;		/* sem */
	long long	 value;		/* POSIX sem */
	long long	 cpid, lpid;	/* SysV shm; 0 = none recorded */
	long long	 lspid, lrpid;	/* SysV mq */
	time_t		 ctime;		/* SysV ctime, POSIX mtime; 0 unknown */
	/* filled by stale_check() */
	int		 stale;		/* 1: nobody uses it */
	char		 why[160];	/* why it is or is not stale */
};

struct objlist {
	struct ipcobj	*v;
	size_t		 n, cap;
};

struct ipcobj *objlist_add(struct objlist *, enum ipckind, int);
void	 objlist_free(struct objlist *);

/* what each mechanism is called and where its objects live */
struct kindinfo {
	const char	*noun;		/* "queue" */
	const char	*sysvproc;	/* "/proc/sysvipc/msg" */
};
const struct kindinfo *kindinfo(enum ipckind);

/* sysvlist.c: the SysV objects of a kind, from /proc/sysvipc; -1 errno */
int	 sysv_list(enum ipckind, struct objlist *);
/* sysvlist.c: remove one SysV object by id (IPC_RMID); -1 errno */
int	 sysv_rmid(enum ipckind, int);
/* sysvlist.c: the id for a key without creating anything; -1 errno */
int	 sysv_lookup(enum ipckind, key_t);

/* posixlist.c: where the kind's POSIX objects are files, or NULL (errno) */
const char *posix_dir(enum ipckind);
/* posixlist.c: the POSIX objects of a kind; -1 errno (ENOENT: no mqueue
 * mount) */
int	 posix_list(enum ipckind, struct objlist *);
/* posixlist.c: unlink by name (mq_unlink, shm_unlink, sem_unlink) */
int	 posix_unlink(enum ipckind, const char *);
/* posixlist.c: --dry-run's test: does the name exist?  -1 errno */
int	 posix_exists(enum ipckind, const char *);
/* posixlist.c: unlink the listed object, only if it is still that file */
int	 posix_unlink_listed(const struct ipcobj *);

/* proc.c: which processes have files open or mapped */
struct fileref {
	dev_t		 dev;
	ino_t		 ino;
	pid_t		 holder;	/* a process that has it, 0 none */
	char		 how;		/* 'f' fd, 'm' mapped */
};
struct procnote {			/* a process we could not look into */
	pid_t		 pid;
	uid_t		 uid[4];	/* real, effective, saved, fs */
	gid_t		 gid[4];
	gid_t		*groups;
	int		 ngroups;
	int		 capable;	/* some capability in effect */
	char		 comm[32];
	char		 what[16];	/* "fd", "maps", "status" */
	int		 err;
};
struct procscan {
	struct fileref	*refs;		/* in: sorted by proc_sortrefs() */
	size_t		 nrefs;
	int		 maps;		/* in: look at /proc/PID/maps too */
	struct procnote	*notes;		/* out */
	size_t		 nnotes;
	int		 hidden;	/* out: hidepid hides processes */
};
void	 proc_sortrefs(struct fileref *, size_t);
struct fileref *proc_findref(const struct procscan *, dev_t, ino_t);
int	 proc_scan(struct procscan *);
void	 proc_free(struct procscan *);
int	 proc_may_open(const struct procnote *, uid_t, gid_t, mode_t);
int	 proc_comm(pid_t, char *, size_t);

/* stale.c: decide obj->stale and obj->why for every object */
void	 stale_check(struct objlist *);

/* table.c: columns and rows through libsmartcols, JSON as one array */
struct table;
struct table *table_new(int, int, int);	/* json, raw, noheadings */
void	 table_col(struct table *, const char *, int, int); /* json type, right */
void	 table_row(struct table *);
void	 table_set(struct table *, size_t, const char *); /* NULL: null */
int	 table_print(struct table *);	/* on stdout; -1 errno */
void	 table_free(struct table *);
#define TJ_STRING	0
#define TJ_NUMBER	1

/* ipcobj.c helpers used by ipclimits.c */
void	 echeck_flavours(int, int);

#endif /* IPCOBJ_H */
