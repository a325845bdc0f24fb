/*
 * ipcobj.c - the ls and rm verbs of ipc-mq, ipc-shm and ipc-sem (SPEC
 * section 3): list both flavours in lsipc(1)'s vocabulary, find the ones
 * nobody uses any more, and remove them.  What differs between the
 * mechanisms is data: the kinds table and the columns table below.
 */
#include <sys/types.h>
#include <sys/ipc.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipcobj.h"

#define MQ	KINDBIT(IPC_MQ)
#define SHM	KINDBIT(IPC_SHM)
#define SEM	KINDBIT(IPC_SEM)
#define ALL	(MQ | SHM | SEM)

static const struct kindinfo kinds[] = {
	[IPC_MQ] = { "queue", "/proc/sysvipc/msg" },
	[IPC_SHM] = { "segment", "/proc/sysvipc/shm" },
	[IPC_SEM] = { "semaphore", "/proc/sysvipc/sem" },
};

const struct kindinfo *
kindinfo(enum ipckind k)
{
	return &kinds[k];
}

struct ipcobj *
objlist_add(struct objlist *l, enum ipckind k, int sysv)
{
	struct ipcobj *o;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->v = ereallocarray(l->v, l->cap, sizeof(*l->v));
	}
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

/* --owner USER: a name or a number */
static uid_t
eowner(const char *s)
{
	struct passwd *pw;
	long long v;

	if ((pw = getpwnam(s)) != NULL)
		return pw->pw_uid;
	if (parse_num(s, 0, UINT32_MAX - 1, &v) == 0)
		return (uid_t)v;
	eusage("unknown user '%.64s'", s);
}

void
echeck_flavours(int posix, int sysv)
{
	if (posix && sysv)
		eusage("--posix and --sysv exclude each other");
}

/* how an object is named in messages: "/NAME" or "0x0000162e" */
static const char *
label(const struct ipcobj *o, char *buf, size_t len)
{
	if (o->sysv)
		snprintf(buf, len, "0x%08x", (unsigned)o->key);
	else
		strlcpy(buf, o->name, len);
	return buf;
}

/* ---- the columns of ls ------------------------------------------------ */

enum col {
	C_FLAVOUR, C_NAME, C_KEY, C_ID, C_OWNER, C_UID, C_PERMS, C_SIZE,
	C_NSEMS, C_VALUE, C_MSGS, C_USEDBYTES, C_MAXMSGS, C_MSGSIZE, C_NATTCH, C_CPID,
	C_LPID, C_LSPID, C_LRPID, C_CTIME, C_STALE, NCOLS
};

static const struct column {
	const char	*name;
	unsigned	 has;		/* kinds that have it */
	unsigned	 dflt;		/* kinds that show it by default */
	int		 json;
	int		 right;
} columns[NCOLS] = {
	[C_FLAVOUR] =	{ "FLAVOUR",	ALL, ALL, TJ_STRING, 0 },
	[C_NAME] =	{ "NAME",	ALL, ALL, TJ_STRING, 0 },
	[C_KEY] =	{ "KEY",	ALL, ALL, TJ_STRING, 0 },
	[C_ID] =	{ "ID",		ALL, ALL, TJ_NUMBER, 1 },
	[C_OWNER] =	{ "OWNER",	ALL, ALL, TJ_STRING, 0 },
	[C_UID] =	{ "UID",	ALL, 0, TJ_NUMBER, 1 },
	[C_PERMS] =	{ "PERMS",	ALL, ALL, TJ_STRING, 0 },
	[C_SIZE] =	{ "SIZE",	SHM, SHM, TJ_NUMBER, 1 },
	[C_NSEMS] =	{ "NSEMS",	SEM, SEM, TJ_NUMBER, 1 },
	[C_VALUE] =	{ "VALUE",	SEM, SEM, TJ_NUMBER, 1 },
	[C_MSGS] =	{ "MSGS",	MQ, MQ, TJ_NUMBER, 1 },
	[C_USEDBYTES] =	{ "USEDBYTES",	MQ, MQ, TJ_NUMBER, 1 },
	[C_MAXMSGS] =	{ "MAXMSGS",	MQ, MQ, TJ_NUMBER, 1 },
	[C_MSGSIZE] =	{ "MSGSIZE",	MQ, MQ, TJ_NUMBER, 1 },
	[C_NATTCH] =	{ "NATTCH",	SHM, SHM, TJ_NUMBER, 1 },
	[C_CPID] =	{ "CPID",	SHM, SHM, TJ_NUMBER, 1 },
	[C_LPID] =	{ "LPID",	SHM, SHM, TJ_NUMBER, 1 },
	[C_LSPID] =	{ "LSPID",	MQ, MQ, TJ_NUMBER, 1 },
	[C_LRPID] =	{ "LRPID",	MQ, MQ, TJ_NUMBER, 1 },
	[C_CTIME] =	{ "CTIME",	ALL, ALL, TJ_NUMBER, 0 },
	[C_STALE] =	{ "STALE",	ALL, 0, TJ_STRING, 0 },
};

struct colset {
	enum col	 c[NCOLS * 2];
	size_t		 n;
};

static void
addcol(struct colset *cs, enum col c)
{
	if (cs->n < sizeof(cs->c) / sizeof(cs->c[0]))
		cs->c[cs->n++] = c;
}

/* -o LIST: names as the header spells them, any case; "+LIST" adds to
 * the default columns, as in util-linux */
static void
ecolumns(enum ipckind k, const char *list, struct colset *cs, int stale)
{
	char *s, *tok, *save = NULL;
	int c;

	cs->n = 0;
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
	s = estrdup(list);
	if (*s == '\0' || s[strlen(s) - 1] == ',' || strstr(s, ",,") != NULL)
		eusage("empty column name in '%.64s'", list);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (c = 0; c < NCOLS; c++)
			if ((columns[c].has & KINDBIT(k)) &&
			    strcasecmp(tok, columns[c].name) == 0)
				break;
		if (c == NCOLS)
			eusage("unknown column '%.64s'", tok);
		addcol(cs, (enum col)c);
	}
	free(s);
}

static const char *
num(char *buf, size_t len, long long v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%lld", v);
	return buf;
}

/* one cell: the table's text, or JSON's number; NULL is empty / null */
static const char *
cell(const struct ipcobj *o, enum col c, int json, char *buf, size_t len)
{
	struct tm tm;

	switch (c) {
	case C_FLAVOUR:
		return o->sysv ? "sysv" : "posix";
	case C_NAME:
		return o->sysv ? NULL : o->name;
	case C_KEY:
		if (!o->sysv)
			return NULL;
		snprintf(buf, len, "0x%08x", (unsigned)o->key);
		return buf;
	case C_ID:
		return o->sysv ? num(buf, len, o->id) : NULL;
	case C_OWNER:
		return user_name(o->uid, buf, len);
	case C_UID:
		return num(buf, len, (long long)o->uid);
	case C_PERMS:
		snprintf(buf, len, "%04o", (unsigned)o->mode);
		return buf;
	case C_SIZE:
		return num(buf, len, o->size);
	case C_NSEMS:
		return num(buf, len, o->nsems);
	case C_VALUE:
		return num(buf, len, o->value);
	case C_MSGS:
		return num(buf, len, o->msgs);
	case C_USEDBYTES:
		return num(buf, len, o->bytes);
	case C_MAXMSGS:
		return num(buf, len, o->maxmsgs);
	case C_MSGSIZE:
		return num(buf, len, o->msgsize);
	case C_NATTCH:
		return num(buf, len, o->nattch);
	case C_CPID:
		return num(buf, len, o->cpid);
	case C_LPID:
		return num(buf, len, o->lpid);
	case C_LSPID:
		return num(buf, len, o->lspid);
	case C_LRPID:
		return num(buf, len, o->lrpid);
	case C_CTIME:
		if (o->ctime <= 0)
			return NULL;
		if (json)
			return num(buf, len, (long long)o->ctime);
		if (localtime_r(&o->ctime, &tm) == NULL ||
		    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			return num(buf, len, (long long)o->ctime);
		return buf;
	case C_STALE:
		return o->stale ? o->why : NULL;
	case NCOLS:
		break;
	}
	return NULL;
}

/* ---- collecting and filtering ------------------------------------------ */

static int
byname(const void *a, const void *b)
{
	const struct ipcobj *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Every object of kind k of the chosen flavours.  POSIX queues can be
 * listed only where the mqueue file system is mounted: say so, list the
 * rest, and fail only when POSIX ones were all that was asked for.
 */
static int
collect(enum ipckind k, int posix, int sysv, struct objlist *l)
{
	const char *dir;
	int status = 0;

	setoperand(NULL);
	if (posix) {
		if (posix_list(k, l) == 0) {
			if (l->n > 1)
				qsort(l->v, l->n, sizeof(*l->v), byname);
		} else if (k == IPC_MQ && (dir = posix_dir(k)) == NULL) {
			if (!sysv || !opt.quiet)
				iwarnx("POSIX queues are not listed: the mqueue "
				    "file system is not mounted (mount it with "
				    "'mount -t mqueue none /dev/mqueue')");
			if (!sysv)
				status = EXIT_FAIL;
		} else {
			iwarn("%s", posix_dir(k));
			status = EXIT_FAIL;
		}
	}
	if (sysv && sysv_list(k, l) == -1) {
		iwarn("%s", kindinfo(k)->sysvproc);
		status = EXIT_FAIL;
	}
	return status;
}

struct filter {
	int		 stale;
	long long	 older;		/* ms, -1 none */
	int		 byowner;
	uid_t		 owner;
};

/* keep what passes the filter at the front of the list */
static void
filter(struct objlist *l, const struct filter *f, int judge)
{
	struct timespec now;
	size_t i, n = 0;
	char lb[NAME_MAX + 2];

	clock_gettime(CLOCK_REALTIME, &now);
	for (i = 0; i < l->n; i++) {
		struct ipcobj *o = &l->v[i];
		long long age;

		/* times are whole seconds: never take it for older than
		 * it is (the age is underestimated by less than a second) */
		age = (long long)(now.tv_sec - o->ctime - 1) * 1000 +
		    now.tv_nsec / 1000000;
		if ((f->byowner && o->uid != f->owner) ||
		    (f->older > 0 && (o->ctime <= 0 || age < f->older))) {
			free(o->name);
			continue;
		}
		l->v[n++] = *o;
	}
	l->n = n;
	if (!f->stale && !judge)
		return;
	stale_check(l);
	for (i = 0; i < l->n; i++)
		if (!l->v[i].stale && f->stale) {
			setoperand(label(&l->v[i], lb, sizeof(lb)));
			iverbose("not stale: %s", l->v[i].why);
		}
	setoperand(NULL);
	if (!f->stale)
		return;
	for (i = n = 0; i < l->n; i++) {
		if (!l->v[i].stale) {
			free(l->v[i].name);
			continue;
		}
		l->v[n++] = l->v[i];
	}
	l->n = n;
}

/* the options ls and rm share */
enum {
	L_STALE = 256, L_OLDER, L_OWNER, L_NOHEAD, L_SYSV, L_ALL, L_DRYRUN,
};

static int
efilter_opt(struct filter *f, int c)
{
	switch (c) {
	case L_STALE:
		f->stale = 1;
		return 1;
	case L_OLDER:
		f->older = edur("duration", optarg);
		return 1;
	case L_OWNER:
		f->owner = eowner(optarg);
		f->byowner = 1;
		return 1;
	}
	return 0;
}

/* ---- ls --------------------------------------------------------------- */

int
ipcobj_ls(enum ipckind k, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "stale",	no_argument,		NULL, L_STALE },
		{ "older-than",	required_argument,	NULL, L_OLDER },
		{ "owner",	required_argument,	NULL, L_OWNER },
		{ "output",	required_argument,	NULL, 'o' },
		{ "noheadings",	no_argument,		NULL, L_NOHEAD },
		{ "sysv",	no_argument,		NULL, L_SYSV },
		{ NULL, 0, NULL, 0 },
	};
	struct filter f = { .older = -1 };
	const char *olist = NULL;
	struct objlist l = { 0 };
	struct colset cs;
	struct table *t;
	int c, sysv = 0, nohead = 0, status, judge = 0;
	size_t i, j;
	char buf[128];

	opt_begin(argc, argv, OPT_POSIX | OPT_RAW | OPT_JSON, lo);
	while ((c = opt_next()) != -1) {
		if (efilter_opt(&f, c))
			continue;
		switch (c) {
		case 'o':
			olist = optarg;
			break;
		case L_NOHEAD:
			nohead = 1;
			break;
		case L_SYSV:
			sysv = 1;
			break;
		}
	}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);
	echeck_flavours(opt.posix, sysv);
	ecolumns(k, olist, &cs, f.stale);
	for (i = 0; i < cs.n; i++)
		if (cs.c[i] == C_STALE)
			judge = 1;

	status = collect(k, !sysv, !opt.posix, &l);
	filter(&l, &f, judge);

	t = table_new(opt.json, opt.raw, nohead);
	for (i = 0; i < cs.n; i++)
		table_col(t, columns[cs.c[i]].name, columns[cs.c[i]].json,
		    columns[cs.c[i]].right);
	for (j = 0; j < l.n; j++) {
		table_row(t);
		for (i = 0; i < cs.n; i++)
			table_set(t, i, cell(&l.v[j], cs.c[i], opt.json, buf,
			    sizeof(buf)));
	}
	if (table_print(t) == -1) {
		if (errno == EPIPE)
			eepipe();
		iwarn("cannot print the table");
		status = EXIT_FAIL;
	}
	table_free(t);
	objlist_free(&l);
	return status;
}

/* ---- rm --------------------------------------------------------------- */

/* names on one line: control bytes and backslash as \xHH, as
 * libsmartcols writes them */
static void
putname(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
}

static void
removed(const struct ipcobj *o)
{
	if (o->sysv)
		printf("sysv 0x%08x %d\n", (unsigned)o->key, o->id);
	else {
		fputs("posix ", stdout);
		putname(o->name);
		putchar('\n');
	}
	if (fflush(stdout) == EOF && errno == EPIPE)
		eepipe();
}

static int
rm_all(enum ipckind k, int posix, int sysv, struct filter *f, int dry)
{
	const struct kindinfo *ki = kindinfo(k);
	struct objlist l = { 0 };
	int status, r;
	char lb[NAME_MAX + 2];
	size_t i;

	if (!f->byowner) {
		f->byowner = 1;
		f->owner = geteuid();
	}
	status = collect(k, posix, sysv, &l);
	filter(&l, f, 0);
	for (i = 0; i < l.n; i++) {
		struct ipcobj *o = &l.v[i];

		setoperand(label(o, lb, sizeof(lb)));
		if (dry) {
			removed(o);
			continue;
		}
		r = o->sysv ? sysv_rmid(k, o->id) : posix_unlink_listed(o);
		if (r == 0) {
			removed(o);
			continue;
		}
		if (errno == ENOENT || errno == EINVAL || errno == EIDRM)
			continue;	/* removed by someone else meanwhile */
		if (errno == ESTALE) {
			iwarnx("left alone: another %s took the name since it "
			    "was listed", ki->noun);
			continue;
		}
		iwarn("cannot remove");
		status = EXIT_FAIL;
	}
	setoperand(NULL);
	objlist_free(&l);
	return status;
}

/* the key of a SysV id, from the list; -1 when there is no such id */
static int
key_of(enum ipckind k, const struct objlist *l, int id, key_t *key)
{
	size_t i;

	(void)k;
	for (i = 0; i < l->n; i++)
		if (l->v[i].sysv && l->v[i].id == id) {
			*key = l->v[i].key;
			return 0;
		}
	return -1;
}

static int
rm_sysv(enum ipckind k, int argc, char *argv[], int dry)
{
	const struct kindinfo *ki = kindinfo(k);
	struct sysvref *refs;
	struct objlist l = { 0 };
	int *err, status = 0, i, listed = 0;

	refs = ecalloc((size_t)argc, sizeof(*refs));
	err = ecalloc((size_t)argc, sizeof(*err));
	/* every operand well-formed before anything is removed */
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		if (sysv_ref(argv[i], opt.proj, &refs[i]) == -1) {
			if (errno == EINVAL || errno == ERANGE)
				esysv_ref(argv[i], opt.proj, &refs[i]);
			err[i] = errno;
		}
		if (refs[i].id >= 0 && !listed) {
			if (sysv_list(k, &l) == -1)
				eerr(EXIT_FAIL, "%s", ki->sysvproc);
			listed = 1;
		}
	}
	for (i = 0; i < argc; i++) {
		struct ipcobj o;

		setoperand(argv[i]);
		if (err[i] != 0) {
			errno = err[i];
			iwarn("cannot make a key of it (ftok)");
			status = EXIT_FAIL;
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.kind = k;
		o.sysv = 1;
		if (refs[i].id >= 0) {
			o.id = refs[i].id;
			if (key_of(k, &l, o.id, &o.key) == -1) {
				iwarnx("no such %s", ki->noun);
				status = EXIT_FAIL;
				continue;
			}
		} else if (refs[i].key == IPC_PRIVATE) {
			iwarnx("key 0 is IPC_PRIVATE and names no single %s: "
			    "use id:N", ki->noun);
			status = EXIT_FAIL;
			continue;
		} else {
			o.key = refs[i].key;
			if ((o.id = sysv_lookup(k, o.key)) == -1) {
				if (errno == ENOENT)
					iwarnx("no such %s", ki->noun);
				else
					iwarn("cannot look it up");
				status = EXIT_FAIL;
				continue;
			}
		}
		if (!dry && sysv_rmid(k, o.id) == -1) {
			if (errno == EINVAL || errno == EIDRM)
				iwarnx("no such %s", ki->noun);
			else
				iwarn("cannot remove");
			status = EXIT_FAIL;
			continue;
		}
		removed(&o);
	}
	setoperand(NULL);
	objlist_free(&l);
	free(refs);
	free(err);
	return status;
}

static int
rm_posix(enum ipckind k, int argc, char *argv[], int dry)
{
	const struct kindinfo *ki = kindinfo(k);
	char (*names)[NAME_MAX + 2];
	int status = 0, i;

	names = ecalloc((size_t)argc, sizeof(*names));
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		eposix_name(argv[i], names[i], sizeof(names[i]));
	}
	for (i = 0; i < argc; i++) {
		struct ipcobj o;
		int r;

		setoperand(argv[i]);
		r = dry ? posix_exists(k, names[i]) :
		    posix_unlink(k, names[i]);
		if (r == -1) {
			if (errno == ENOENT)
				iwarnx("no such %s", ki->noun);
			else
				iwarn("cannot remove");
			status = EXIT_FAIL;
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.name = names[i];
		removed(&o);
	}
	setoperand(NULL);
	free(names);
	return status;
}

int
ipcobj_rm(enum ipckind k, int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "all",	no_argument,		NULL, L_ALL },
		{ "stale",	no_argument,		NULL, L_STALE },
		{ "older-than",	required_argument,	NULL, L_OLDER },
		{ "owner",	required_argument,	NULL, L_OWNER },
		{ "dry-run",	no_argument,		NULL, L_DRYRUN },
		{ NULL, 0, NULL, 0 },
	};
	struct filter f = { .older = -1 };
	int c, all = 0, dry = 0;

	opt_begin(argc, argv, OPT_SYSV | OPT_POSIX, lo);
	while ((c = opt_next()) != -1) {
		if (efilter_opt(&f, c))
			continue;
		switch (c) {
		case L_ALL:
			all = 1;
			break;
		case L_DRYRUN:
			dry = 1;
			break;
		}
	}
	opt_end(&argc, &argv, NULL);
	echeck_flavours(opt.posix, opt.sysv);
	if (all) {
		if (argc > 0)
			eusage("--all takes no operands");
		return rm_all(k, !opt.sysv, !opt.posix, &f, dry);
	}
	if (argc == 0)
		eusage("missing operand (or --all)");
	if (f.stale || f.older >= 0 || f.byowner)
		eusage("--stale, --older-than and --owner select for --all");
	if (opt.sysv)
		return rm_sysv(k, argc, argv, dry);
	return rm_posix(k, argc, argv, dry);
}
