/*
 * objrm.c - the rm verb of ipc-mq, ipc-shm, ipc-sem and ipckit: remove
 * the named objects, or with --all every object the caller owns that
 * ls would choose.  Every operand is checked before anything is
 * removed: one that names no single object (key 0, a path ftok(3)
 * cannot use, a name several kinds have) stops the whole run, while one
 * that names nothing that exists is reported and the others are still
 * removed.
 */
#include <sys/types.h>
#include <sys/ipc.h>

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "obj.h"

static const struct objopt rmopts[] = {
	{ { "all", no_argument, NULL, OO_ALL }, NULL,
	    "every object the caller owns (no operands)", 0 },
	{ { "stale", no_argument, NULL, OO_STALE }, NULL,
	    "with --all: only what nobody uses any more", 0 },
	{ { "older-than", required_argument, NULL, OO_OLDER }, "DUR",
	    "with --all: only what was last changed more than DUR ago", 0 },
	{ { "owner", required_argument, NULL, OO_OWNER }, "USER",
	    "with --all: USER's objects (a name or a uid), not the "
	    "caller's", 0 },
	{ { "dry-run", no_argument, NULL, OO_DRYRUN }, NULL,
	    "print what would be removed, remove nothing", 0 },
	{ { "type", required_argument, NULL, OO_TYPE }, "LIST",
	    "only these kinds: mq, shm, sem, ring (default all)", 1 },
	{ { NULL, 0, NULL, 0 }, NULL, NULL, 0 },
};

struct rmopt {
	struct objsel	 sel;
	int		 all;
	int		 dry;
};

/* an operand, and the object it names */
struct target {
	const char	*arg;
	struct ipcobj	 o;
	char		 name[NAME_MAX + 2];
	int		 missing;	/* names nothing: "no such queue" */
	char		 refused[160];	/* names no single object: why */
};

static const char *
noun(enum ipckind k)
{
	return k == IPC_ANY ? "object" : kindinfo(k)->noun;
}

/*
 * A name on one line of stdout, as ls's table shows it: what the locale
 * prints stays as it is, any other byte (and the backslash) is \xHH.
 */
static void
putname(const char *s)
{
	mbstate_t st;
	size_t n, len = strlen(s), i;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	while (len > 0) {
		n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    !iswprint((wint_t)wc) || wc == L'\\') {
			if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
				n = 1;
			for (i = 0; i < n; i++)
				printf("\\x%02x", (unsigned char)s[i]);
			memset(&st, 0, sizeof(st));
		} else
			fwrite(s, 1, n, stdout);
		s += n;
		len -= n;
	}
}

/* the line of a removed object: "posix /NAME" or "sysv 0x%08x ID",
 * after its TYPE for the ipckit command */
static void
eremoved(enum ipckind k, const struct ipcobj *o)
{
	if (k == IPC_ANY)
		printf("%s ", o->ring ? "ring" : kindinfo(o->kind)->type);
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

/* remove one object; 0, or an exit status after saying why not */
static int
rm_one(enum ipckind k, const struct ipcobj *o, int listed)
{
	int r;

	if (o->sysv)
		r = sysv_rmid(o->kind, o->id);
	else if (listed)
		r = posix_unlink_listed(o);
	else
		r = posix_unlink(o->kind, o->name);
	if (r == 0) {
		eremoved(k, o);
		return 0;
	}
	if (errno == ENOENT || errno == EINVAL || errno == EIDRM) {
		if (listed)
			return 0;	/* removed by someone else meanwhile */
		iwarnx("no such %s", noun(k));
	} else if (errno == ESTALE) {
		iwarnx("left alone: another %s took the name since it was "
		    "listed", noun(o->kind));
		return 0;
	} else
		iwarn("cannot remove");
	return EXIT_FAIL;
}

static int
rm_all(enum ipckind k, struct rmopt *ro)
{
	struct objlist l = { 0 };
	char lb[NAME_MAX + 2];
	int status;
	size_t i;

	if (!ro->sel.byowner) {
		ro->sel.byowner = 1;
		ro->sel.owner = geteuid();
	}
	status = collect(&ro->sel, &l);
	filter(&l, &ro->sel, 0);
	for (i = 0; i < l.n; i++) {
		setoperand(objlabel(&l.v[i], lb, sizeof(lb)));
		if (ro->dry)
			eremoved(k, &l.v[i]);
		else if (rm_one(k, &l.v[i], 1) != 0)
			status = EXIT_FAIL;
	}
	setoperand(NULL);
	objlist_free(&l);
	return status;
}

/* the one object of the list that matches; several: refused */
static void
pick(const struct objsel *s, struct target *t, const struct objlist *l,
    int byid, int v)
{
	const struct ipcobj *o, *found = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		o = &l->v[i];
		if ((byid ? o->id : (int)o->key) != v ||
		    (s->rings && o->kind == IPC_SHM && !o->ring))
			continue;
		if (found != NULL && found->kind != o->kind) {
			snprintf(t->refused, sizeof(t->refused), "names a %s "
			    "and a %s: choose one with --type",
			    noun(found->kind), noun(o->kind));
			return;
		}
		found = o;
	}
	if (found == NULL) {
		t->missing = 1;
		return;
	}
	t->o.kind = found->kind;
	t->o.key = found->key;
	t->o.id = found->id;
}

/* SysV operands: a key, id:N or a path (ftok with --proj) */
static void
eresolve_sysv(enum ipckind k, const struct objsel *s, struct target *t,
    int n)
{
	struct objlist l = { 0 };
	struct sysvref ref;
	unsigned kk;
	int i;

	for (i = 0; i < n; i++) {
		setoperand(t[i].arg);
		if (sysv_ref(t[i].arg, opt.proj, &ref) == -1) {
			if (errno == EINVAL || errno == ERANGE)
				esysv_ref(t[i].arg, opt.proj, &ref);
			snprintf(t[i].refused, sizeof(t[i].refused), "cannot "
			    "make a key of it (ftok): %s", strerror(errno));
		} else if (ref.id < 0 && ref.key == IPC_PRIVATE)
			snprintf(t[i].refused, sizeof(t[i].refused), "key 0 "
			    "is IPC_PRIVATE and names no single %s: use id:N",
			    noun(k));
		t[i].o.sysv = 1;
		t[i].o.id = ref.id;
		t[i].o.key = ref.key;
	}
	setoperand(NULL);
	for (kk = 0; kk < NKINDS; kk++)
		if ((s->kinds & KINDBIT(kk)) &&
		    sysv_list((enum ipckind)kk, &l) == -1)
			eerr(EXIT_FAIL, "%s", kindinfo(kk)->sysvproc);
	for (i = 0; i < n; i++)
		if (t[i].refused[0] == '\0')
			pick(s, &t[i], &l, t[i].o.id >= 0, t[i].o.id >= 0 ?
			    t[i].o.id : (int)t[i].o.key);
	objlist_free(&l);
}

/* POSIX operands: "NAME" or "/NAME"; of one kind, removal will tell
 * whether it exists; of any kind, the kinds that have it are asked */
static void
eresolve_posix(enum ipckind k, const struct objsel *s, struct target *t,
    int n)
{
	const char *found;
	unsigned kk;
	int i;

	for (i = 0; i < n; i++) {
		setoperand(t[i].arg);
		eposix_name(t[i].arg, t[i].name, sizeof(t[i].name));
		t[i].o.name = t[i].name;
		t[i].o.kind = k;
		t[i].o.ring = k == IPC_SHM && posix_is_ring(t[i].name);
	}
	setoperand(NULL);
	if (k != IPC_ANY)
		return;
	for (i = 0; i < n; i++) {
		found = NULL;
		for (kk = 0; kk < NKINDS; kk++) {
			if (!(s->kinds & KINDBIT(kk)) || (kk == IPC_SHM &&
			    s->rings && !posix_is_ring(t[i].name)) ||
			    posix_exists((enum ipckind)kk, t[i].name) == -1)
				continue;
			if (found != NULL) {
				snprintf(t[i].refused, sizeof(t[i].refused),
				    "names a %s and a %s: choose one with "
				    "--type", found, noun(kk));
				break;
			}
			found = noun(kk);
			t[i].o.kind = (enum ipckind)kk;
			t[i].o.ring = kk == IPC_SHM &&
			    posix_is_ring(t[i].name);
		}
		t[i].missing = found == NULL;
	}
}

static int
rm_operands(enum ipckind k, const struct rmopt *ro, int argc, char *argv[])
{
	struct target *t;
	int status = 0, refused = 0, i;

	t = ecalloc((size_t)argc, sizeof(*t));
	for (i = 0; i < argc; i++) {
		t[i].arg = argv[i];
		t[i].o.kind = k;
	}
	if (opt.sysv)
		eresolve_sysv(k, &ro->sel, t, argc);
	else
		eresolve_posix(k, &ro->sel, t, argc);
	for (i = 0; i < argc; i++)
		if (t[i].refused[0] != '\0') {
			setoperand(argv[i]);
			iwarnx("%s%s", t[i].refused, argc > 1 ?
			    "; nothing removed" : "");
			refused = 1;
		}
	for (i = 0; i < argc && !refused; i++) {
		setoperand(argv[i]);
		if (t[i].missing) {
			iwarnx("no such %s", noun(k));
			status = EXIT_FAIL;
		} else if (ro->dry) {
			if (!t[i].o.sysv && k != IPC_ANY &&
			    posix_exists(k, t[i].name) == -1) {
				iwarnx("no such %s", noun(k));
				status = EXIT_FAIL;
			} else
				eremoved(k, &t[i].o);
		} else if (rm_one(k, &t[i].o, 0) != 0)
			status = EXIT_FAIL;
	}
	setoperand(NULL);
	free(t);
	return refused ? EXIT_FAIL : status;
}

int
ipcobj_rm(enum ipckind k, int argc, char *argv[])
{
	struct rmopt ro;
	int c;

	setlocale(LC_CTYPE, "");
	objsel_init(&ro.sel, k);
	ro.all = ro.dry = 0;
	eobj_opt_begin(k, argc, argv, OPT_SYSV | OPT_POSIX, rmopts, NULL);
	while ((c = opt_next()) != -1) {
		if (eobj_selopt(&ro.sel, c))
			continue;
		if (c == OO_ALL)
			ro.all = 1;
		else if (c == OO_DRYRUN)
			ro.dry = 1;
	}
	opt_end(&argc, &argv, NULL);
	eobj_flavours(&ro.sel, opt.posix, opt.sysv);
	if (ro.all) {
		if (argc > 0)
			eusage("--all takes no operands");
		return rm_all(k, &ro);
	}
	if (argc == 0)
		eusage("missing operand (or --all)");
	if (ro.sel.stale || ro.sel.older >= 0 || ro.sel.byowner)
		eusage("--stale, --older-than and --owner select for --all");
	return rm_operands(k, &ro, argc, argv);
}
