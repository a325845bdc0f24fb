/*
 * objopt.c - the options of ls, rm and limits: the selection they share
 * (--stale, --older-than, --owner, and --type for the ipckit command),
 * and their --help, which describes each option and, for ls, the
 * columns.
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"

#define MAXOPTS	32

void
objsel_init(struct objsel *s, enum ipckind k)
{
	memset(s, 0, sizeof(*s));
	s->kinds = k == IPC_ANY ? KINDS_ALL : KINDBIT(k);
	s->posix = s->sysv = 1;
	s->older = -1;
}

/* --posix / --sysv: one flavour, or both */
void
eobj_flavours(struct objsel *s, int posix, int sysv)
{
	if (posix && sysv)
		eusage("--posix and --sysv exclude each other");
	s->posix = !sysv;
	s->sysv = !posix;
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

/* --type LIST: mq, shm, sem (rings are segments), ring (only those) */
static void
etypes(struct objsel *s, const char *list)
{
	const char *p = list, *e;
	int ring = 0, shm = 0;
	unsigned k;
	size_t n;

	s->kinds = 0;
	for (;; p = e + 1) {
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		for (k = 0; k < NKINDS; k++)
			if (strlen(kindinfo(k)->type) == n &&
			    strncmp(p, kindinfo(k)->type, n) == 0)
				break;
		if (k < NKINDS)
			s->kinds |= KINDBIT(k);
		else if (n == 4 && strncmp(p, "ring", 4) == 0)
			ring = 1;
		else
			eusage("unknown type '%.*s': want mq, shm, sem or ring",
			    (int)(n < 64 ? n : 64), p);
		shm |= k == IPC_SHM;
		if (e == NULL)
			break;
	}
	if (ring)
		s->kinds |= KINDBIT(IPC_SHM);
	s->rings = ring && !shm;
}

/* the selection options; 1 when c was one of them */
int
eobj_selopt(struct objsel *s, int c)
{
	switch (c) {
	case OO_STALE:
		s->stale = 1;
		return 1;
	case OO_OLDER:
		s->older = edur("duration", optarg);
		return 1;
	case OO_OWNER:
		s->owner = eowner(optarg);
		s->byowner = 1;
		return 1;
	case OO_TYPE:
		etypes(s, optarg);
		return 1;
	}
	return 0;
}

/* "  -o, --output LIST     what" wrapped at 79 columns, as opt_help()
 * writes the common options */
static void
help_line(FILE *fp, const struct objopt *p)
{
	char left[48];
	const char *h, *sp;
	int col = 24, w;

	snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
	    p->o.val < 128 ? "-" : " ", p->o.val < 128 ? p->o.val : ' ',
	    p->o.val < 128 ? ", " : "  ", p->o.name, p->arg != NULL ? " " : "",
	    p->arg != NULL ? p->arg : "");
	fprintf(fp, "  %-22s", left);
	if (strlen(left) > 22)
		fprintf(fp, "\n%24s", "");
	for (h = p->help; *h != '\0'; h = sp) {
		if ((sp = strchr(h, ' ')) == NULL)
			sp = h + strlen(h);
		w = (int)(sp - h);
		if (col > 24 && col + 1 + w > 79) {
			fprintf(fp, "\n%24s", "");
			col = 24;
		} else if (col > 24) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s", w, h);
		col += w;
		if (*sp == ' ')
			sp++;
	}
	fputc('\n', fp);
}

/* VERB --help: usage, the verb's options and the common ones, then what
 * more() adds (the columns of ls); status 0 */
static void
ehelp_obj(enum ipckind k, const struct objopt *oo,
    void (*more)(FILE *, enum ipckind))
{
	const struct verb *v = verb_current();
	const char *name = v != NULL ? v->name : getverb();

	printf("usage: %s %s %s\n       %s %s --help\n", getprogname(),
	    name, v != NULL ? v->args : "", getprogname(), name);
	if (v != NULL)
		printf("\n%s\n", v->help);
	printf("\noptions:\n");
	for (; oo->o.name != NULL; oo++)
		if (oo->help != NULL && (!oo->anyonly || k == IPC_ANY))
			help_line(stdout, oo);
	opt_help(stdout);
	if (more != NULL) {
		putchar('\n');
		more(stdout, k);
	}
	exit(efinish(0));
}

/*
 * opt_begin() with the verb's own options, then a look for --help or -h
 * among all the options (common and own, in GNU getopt's way) before
 * opt_next() sees them, so that VERB --help describes what only this
 * layer knows.
 */
void
eobj_opt_begin(enum ipckind k, int argc, char *argv[], unsigned mask,
    const struct objopt *oo, void (*more)(FILE *, enum ipckind))
{
	static struct option lo[MAXOPTS];
	static const struct option common[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "posix",	no_argument,		NULL, 1 },
		{ "sysv",	no_argument,		NULL, 1 },
		{ "raw",	no_argument,		NULL, 1 },
		{ "json",	no_argument,		NULL, 1 },
		{ "proj",	required_argument,	NULL, 1 },
	};
	char shortopts[64] = "+:hqv", **v;
	size_t n = 0, i, ns = strlen(shortopts);
	int c, end, help = 0;

	for (i = 0; oo[i].o.name != NULL && n < MAXOPTS - 1; i++) {
		if (oo[i].anyonly && k != IPC_ANY)
			continue;
		lo[n++] = oo[i].o;
		if (oo[i].o.val > 0 && oo[i].o.val < 128 &&
		    ns + 3 < sizeof(shortopts)) {
			shortopts[ns++] = (char)oo[i].o.val;
			if (oo[i].o.has_arg == required_argument)
				shortopts[ns++] = ':';
			shortopts[ns] = '\0';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	opt_begin(argc, argv, mask, lo);

	/* the look-ahead: on a copy, up to "--", stopping at nothing */
	for (end = 1; end < argc && strcmp(argv[end], "--") != 0; end++)
		;
	v = ecalloc((size_t)end + 1, sizeof(*v));
	memcpy(v, argv, (size_t)end * sizeof(*v));
	{
		struct option all[MAXOPTS + 8];

		memcpy(all, common, sizeof(common));
		memcpy(all + 8, lo, (n + 1) * sizeof(*lo));
		optind = 0;
		opterr = 0;
		shortopts[0] = '-';	/* operands in order, as 1 */
		while ((c = getopt_long(end, v, shortopts, all, NULL)) != -1)
			if (c == 'h')
				help = 1;
	}
	free(v);
	optind = 0;		/* opt_next() starts afresh */
	if (help)
		ehelp_obj(k, oo, more);
}
