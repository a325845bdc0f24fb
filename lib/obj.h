/*
 * obj.h - the objects layer: what lib/obj*.c share to list, judge and
 * remove message queues, shared memory segments and semaphores of both
 * flavours, and to show the limits on them.  Not for cmd/: the tools
 * call ipcobj_ls, ipcobj_rm and ipcobj_limits (ipckit.h).
 *
 *   objlist.c    the kinds, the object list, collecting and filtering
 *   objposix.c   POSIX objects: files in the mqueue mount and /dev/shm
 *   objsysv.c    SysV objects: /proc/sysvipc/{msg,shm,sem}
 *   objproc.c    the /proc walk; which processes hold a file or wait on
 *                a SysV id
 *   objstale.c   is anybody still using an object?
 *   objcol.c     the columns of ls
 *   objtable.c   a table (libsmartcols) or a JSON array (json.c)
 *   objopt.c     the options of ls, rm and limits, and their --help
 *   objls.c, objrm.c, objlimits.c   the three verbs
 */
#ifndef OBJ_H
#define OBJ_H

#include <sys/types.h>

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "ipckit.h"

#define NKINDS		3		/* IPC_MQ, IPC_SHM, IPC_SEM */
#define KINDBIT(k)	(1u << (k))
#define KINDS_ALL	(KINDBIT(IPC_MQ) | KINDBIT(IPC_SHM) | KINDBIT(IPC_SEM))

/* one object, either flavour; numbers are -1 where not known, times 0 */
struct ipcobj {
	enum ipckind	 kind;		/* never IPC_ANY */
	int		 sysv;
	int		 ring;		/* a POSIX segment named NAME.ring */
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
	time_t		 ctime;		/* SysV ctime, POSIX mtime */
	time_t		 stime, rtime;	/* SysV mq: last send, receive */
	time_t		 atime, dtime;	/* SysV shm: last attach, detach */
	time_t		 otime;		/* SysV sem: last semop */
	/* filled by stale_check() */
	int		 stale;		/* 1: nobody uses it */
	char		 why[256];	/* why it is or is not stale */
};

struct objlist {
	struct ipcobj	*v;
	size_t		 n, cap;
};

/* objlist.c */
struct kindinfo {
	const char	*type;		/* "mq": the TYPE column, --type */
	const char	*noun;		/* "queue" */
	const char	*sysvproc;	/* "/proc/sysvipc/msg" */
};
const struct kindinfo *kindinfo(enum ipckind);
struct ipcobj *objlist_add(struct objlist *, enum ipckind, int);
void	 objlist_free(struct objlist *);
const char *objlabel(const struct ipcobj *, char *, size_t);

/* what ls and rm --all work on */
struct objsel {
	unsigned	 kinds;		/* KINDBIT()s */
	int		 rings;		/* --type ring: only rings of shm */
	int		 posix, sysv;	/* the flavours */
	int		 stale;		/* --stale */
	long long	 older;		/* --older-than, ms; -1 not given */
	int		 byowner;	/* --owner */
	uid_t		 owner;
};
int	 collect(const struct objsel *, struct objlist *);	/* status */
void	 filter(struct objlist *, const struct objsel *, int);

/* objopt.c: the options of ls, rm and limits */
struct objopt {
	struct option	 o;
	const char	*arg;		/* "DUR" in --help, or NULL */
	const char	*help;
	int		 anyonly;	/* only for IPC_ANY (the ipckit command) */
};
enum {
	OO_STALE = 256, OO_OLDER, OO_OWNER, OO_NOHEAD, OO_SYSV, OO_ALL,
	OO_DRYRUN, OO_TYPE, OO_RAW,
};
void	 eobj_opt_begin(enum ipckind, int, char *[], unsigned,
	    const struct objopt *, void (*)(FILE *, enum ipckind));
int	 eobj_selopt(struct objsel *, int);
void	 objsel_init(struct objsel *, enum ipckind);
void	 eobj_flavours(struct objsel *, int, int);

/* objposix.c: POSIX objects are files */
const char *mqueue_mountpoint(void);	/* this IPC namespace's, or NULL */
const char *posix_dir(enum ipckind);	/* NULL: errno */
int	 posix_list(enum ipckind, struct objlist *);	/* -1 errno */
int	 posix_unlink(enum ipckind, const char *);
int	 posix_exists(enum ipckind, const char *);	/* 0 or -1 errno */
int	 posix_unlink_listed(const struct ipcobj *);	/* ESTALE: replaced */
int	 posix_is_ring(const char *);		/* "NAME.ring": ipc-shm's */

/* objsysv.c: SysV objects, as /proc/sysvipc shows them */
int	 sysv_parse(enum ipckind, const char *, size_t, struct objlist *);
int	 sysv_list(enum ipckind, struct objlist *);	/* -1 errno */
int	 sysv_rmid(enum ipckind, int);

/* objproc.c: which processes have files open or mapped, or wait on SysV
 * ids, as lsof and fuser find out */
struct fileref {
	dev_t		 dev;
	ino_t		 ino;
	pid_t		 holder;	/* a process that has it, 0 none */
	char		 how;		/* 'f' fd, 'm' mapped */
};
struct procwait {			/* a thread blocked on a SysV object */
	enum ipckind	 kind;
	int		 id;
	pid_t		 pid;
	const char	*call;		/* "msgrcv", ... */
};
struct procnote {			/* a process we could not look into */
	pid_t		 pid;
	unsigned	 unseen;	/* PN_* */
	int		 nocreds;	/* its ids unknown too */
	uid_t		 uid[4];	/* real, effective, saved, fs */
	gid_t		 gid[4];
	gid_t		*groups;
	int		 ngroups;
	char		 comm[32];
	/* what could not be read, and why: [0] its files ("fd", "maps"
	 * or "stat"), [1] its waits ("syscall" or "stat") */
	char		 what[2][8];
	int		 err[2];
};
#define PN_FILES	1		/* its open files and mappings */
#define PN_WAITS	2		/* what its threads wait for */
struct procscan {
	struct fileref	*refs;		/* in: sorted by proc_sortrefs() */
	size_t		 nrefs;
	int		 maps;		/* in: look at /proc/PID/maps too */
	int		 waits;		/* in: look at .../task/TID/syscall */
	struct procwait	*wait;		/* out */
	size_t		 nwait;
	struct procnote	*notes;		/* out */
	size_t		 nnotes;
	int		 hidden;	/* out: hidepid hides processes */
};
/* the one walk over /proc that both the stale checks here and ipckit's
 * who and map (ipcmap.c) are built on */
struct procwalk {
	int		 fd;		/* /proc */
	pid_t		 self;		/* left out */
	char		 buf[4096];	/* entries read, off..len to go */
	size_t		 off, len;
	size_t		 chunk;		/* bytes read at a time */
};
struct mapline {			/* a line of /proc/PID/maps */
	unsigned long	 start, end;
	char		 perms[8];	/* "rw-s" */
	dev_t		 dev;
	unsigned long long ino;
	const char	*path;		/* "" for anonymous memory */
};
int	 proc_open(struct procwalk *);		/* -1 errno */
pid_t	 proc_next(struct procwalk *);		/* 0 at the end */
void	 proc_close(struct procwalk *);
int	 proc_fds(int, int (*)(void *, int, const char *), void *);
int	 proc_maps(const char *, const char *const *,
	    int (*)(void *, const struct mapline *), void *);
void	 proc_sortrefs(struct fileref *, size_t);
struct fileref *proc_findref(const struct procscan *, dev_t, ino_t);
int	 proc_scan(struct procscan *);
void	 proc_free(struct procscan *);
int	 proc_readat(int, const char *, char *, size_t);
int	 proc_commat(int, const char *, char *, size_t);
int	 proc_comm(pid_t, char *, size_t);

/* objstale.c: decide obj->stale and obj->why for every object */
void	 stale_check(struct objlist *, const struct objsel *);

/* objcol.c: the columns of ls */
struct colset {
	int		 c[64];
	size_t		 n;
};
void	 ecolumns(enum ipckind, const char *, int, struct colset *);
int	 columns_judge(const struct colset *);	/* STALE among them */
void	 columns_help(FILE *, enum ipckind);
struct table;
void	 columns_head(struct table *, const struct colset *);
void	 columns_row(struct table *, const struct colset *,
	    const struct ipcobj *);

/* objtable.c: rows of typed cells, printed as a table through
 * libsmartcols or as one JSON array of objects (keys: the column names
 * in lower case) through json.c */
struct table *table_new(int, int, int);	/* json, raw, noheadings */
void	 table_col(struct table *, const char *, int);	/* name, right */
void	 table_row(struct table *);
void	 table_str(struct table *, size_t, const char *);	/* NULL: null */
void	 table_null(struct table *, size_t, const char *);	/* text: "-" */
void	 table_int(struct table *, size_t, long long, const char *);
void	 table_uint(struct table *, size_t, unsigned long long,
	    const char *);
void	 table_double(struct table *, size_t, double, const char *);
int	 table_print(struct table *);	/* on stdout; -1 errno */
void	 table_free(struct table *);

#endif /* OBJ_H */
