/* opt.c - one parser for the options every tool shares */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"


struct common opt = {
	.timeout = -1,
	.sep = '\n',
	.mode = 0600,
	.proj = 1,
};

enum {
	C_NOWAIT = 0x1000, C_RAW, C_SYSV, C_PROJ, C_JSON, C_POSIX,
};

static const struct {
	unsigned	 bit;
	struct option	 o;
	const char	*arg, *help;
} common[] = {
	{ OPT_TIMEOUT,	{ "timeout",	required_argument, NULL, 't' },
	    "DUR", "give up after DUR (250ms, 2s, 1.5m, 1h; bare: seconds; "
	    "0: do not wait)" },
	{ OPT_NOWAIT,	{ "nowait",	no_argument,	NULL, C_NOWAIT },
	    NULL, "do not wait at all (--timeout 0)" },
	{ OPT_COUNT,	{ "count",	required_argument, NULL, 'n' },
	    "N", "stop after N" },
	{ OPT_NULL,	{ "null",	no_argument,	NULL, '0' },
	    NULL, "records end with NUL, not newline" },
	{ OPT_RAW,	{ "raw",	no_argument,	NULL, C_RAW },
	    NULL, "binary-safe chunks, no separators" },
	{ OPT_SYSV,	{ "sysv",	no_argument,	NULL, C_SYSV },
	    NULL, "System V flavour: the operand is a KEY (0x1a2b, 6699, "
	    "id:N, a path)" },
	{ OPT_SYSV,	{ "proj",	required_argument, NULL, C_PROJ },
	    "N", "with --sysv and a path: ftok project id, 1-255 "
	    "(default 1)" },
	{ OPT_CREATE,	{ "create",	no_argument,	NULL, 'c' },
	    NULL, "create the object if it is missing" },
	{ OPT_MODE,	{ "mode",	required_argument, NULL, 'm' },
	    "MODE", "octal permissions of what is created (default 0600)" },
	{ OPT_JSON,	{ "json",	no_argument,	NULL, C_JSON },
	    NULL, "machine output in JSON" },
	{ OPT_POSIX,	{ "posix",	no_argument,	NULL, C_POSIX },
	    NULL, "POSIX flavour only" },
	{ ~0u,		{ "quiet",	no_argument,	NULL, 'q' },
	    NULL, "say less on stderr" },
	{ ~0u,		{ "verbose",	no_argument,	NULL, 'v' },
	    NULL, "say more on stderr" },
	{ ~0u,		{ "help",	no_argument,	NULL, 'h' },
	    NULL, "this help" },
};
#define NCOMMON	(sizeof(common) / sizeof(common[0]))

static struct option *longopts;
static char shortopts[128];
static int pargc, dashdash;
static char **pargv;
static unsigned mask;
static char **operands;
static int projgiven;

static void
addshort(size_t *n, int val, int has_arg)
{
	if (val <= 0 || val > 127 || *n + 3 >= sizeof(shortopts))
		return;
	shortopts[(*n)++] = (char)val;
	if (has_arg == required_argument)
		shortopts[(*n)++] = ':';
	shortopts[*n] = '\0';
}

/*
 * The common options a verb takes, one line each, for "VERB --help":
 * "  -t, --timeout DUR  give up after DUR ...", wrapped at 80 columns.
 */
void
opt_help(FILE *fp)
{
	char left[40];
	const char *h, *sp;
	size_t i;
	int col;

	for (i = 0; i < NCOMMON; i++) {
		if ((common[i].bit & mask) == 0 && common[i].bit != ~0u)
			continue;
		if (common[i].o.val > 0 && common[i].o.val < 128)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    common[i].o.val, common[i].o.name,
			    common[i].arg != NULL ? " " : "",
			    common[i].arg != NULL ? common[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
			    common[i].o.name, common[i].arg != NULL ? " " : "",
			    common[i].arg != NULL ? common[i].arg : "");
		fprintf(fp, "  %-22s", left);
		col = 24;
		if (strlen(left) > 22)
			fprintf(fp, "\n%24s", "");
		/* words, wrapped at 79 columns under the description */
		for (h = common[i].help; *h != '\0'; h = sp) {
			int w;

			sp = strchr(h, ' ');
			if (sp == NULL)
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
}

void
opt_begin(int argc, char *argv[], unsigned m, const struct option *extra)
{
	size_t i, nextra = 0, nl = 0, ns = 0;

	mask = m;
	for (nextra = 0; extra != NULL && extra[nextra].name != NULL; nextra++)
		;
	free(longopts);
	longopts = ecalloc(NCOMMON + nextra + 1, sizeof(*longopts));
	shortopts[0] = ':';	/* report missing arguments as ':' */
	shortopts[1] = '\0';
	ns = 1;
	for (i = 0; i < NCOMMON; i++) {
		if ((common[i].bit & m) == 0 && common[i].bit != ~0u)
			continue;
		longopts[nl++] = common[i].o;
		addshort(&ns, common[i].o.val, common[i].o.has_arg);
	}
	for (i = 0; i < nextra; i++) {
		longopts[nl++] = extra[i];
		addshort(&ns, extra[i].val, extra[i].has_arg);
	}
	/* "--" ends the options; what follows is CMD or more operands */
	dashdash = argc;
	for (i = 1; i < (size_t)argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dashdash = (int)i;
			break;
		}
	pargc = argc;
	pargv = argv;
	optind = 0;		/* full re-initialisation of GNU getopt */
	opterr = 0;
}

static const char *
badopt(void)
{
	const char *a = pargv[optind - 1];

	return a != NULL ? a : "?";
}

/* VERB --help: its usage on stdout, status 0 */
void
ehelp(void)
{
	verb_usage(stdout, verb_current());
	exit(efinish(0));
}

int
opt_next(void)
{
	int c;

	for (;;) {
		c = getopt_long(dashdash, pargv, shortopts, longopts, NULL);
		switch (c) {
		case -1:
			return -1;
		case '?':
			if (optopt > 0 && optopt < 128)
				eusage("unknown option '-%c'", optopt);
			eusage("unknown option '%.64s'", badopt());
		case ':':
			eusage("option '%.64s' needs an argument", badopt());
		case 'h':
			ehelp();
		case 'q':
			opt.quiet = 1;
			opt.verbose = 0;
			continue;
		case 'v':
			opt.verbose++;
			opt.quiet = 0;
			continue;
		}
		if (c == 't' && (mask & OPT_TIMEOUT)) {
			opt.timeout = edur("timeout", optarg);
			opt.given |= OPT_TIMEOUT;
		} else if (c == C_NOWAIT && (mask & OPT_NOWAIT)) {
			opt.timeout = 0;
			opt.given |= OPT_NOWAIT;
		} else if (c == 'n' && (mask & OPT_COUNT)) {
			opt.count = enum_("count", optarg, 1, LLONG_MAX);
			opt.given |= OPT_COUNT;
		} else if (c == '0' && (mask & OPT_NULL)) {
			opt.sep = '\0';
			opt.given |= OPT_NULL;
		} else if (c == C_RAW && (mask & OPT_RAW)) {
			opt.raw = 1;
			opt.given |= OPT_RAW;
		} else if (c == C_SYSV && (mask & OPT_SYSV)) {
			opt.sysv = 1;
			opt.given |= OPT_SYSV;
		} else if (c == C_PROJ && (mask & OPT_SYSV)) {
			opt.proj = (int)enum_("proj", optarg, 1, 255);
			projgiven = 1;
		} else if (c == 'c' && (mask & OPT_CREATE)) {
			opt.create = 1;
			opt.given |= OPT_CREATE;
		} else if (c == 'm' && (mask & OPT_MODE)) {
			opt.mode = emode(optarg);
			opt.given |= OPT_MODE;
		} else if (c == C_JSON && (mask & OPT_JSON)) {
			opt.json = 1;
			opt.given |= OPT_JSON;
		} else if (c == C_POSIX && (mask & OPT_POSIX)) {
			opt.posix = 1;
			opt.given |= OPT_POSIX;
		} else
			return c;
	}
}

void
opt_end(int *argcp, char ***argvp, char ***cmdvp)
{
	char **v;
	int n = 0, i;

	if ((opt.given & OPT_NOWAIT) && (opt.given & OPT_TIMEOUT))
		eusage("--nowait and --timeout exclude each other");
	if (projgiven && !opt.sysv)
		eusage("--proj goes with --sysv");
	if ((opt.given & OPT_POSIX) && opt.sysv)
		eusage("--posix and --sysv exclude each other");

	free(operands);
	operands = v = ecalloc((size_t)pargc + 1, sizeof(*v));
	for (i = optind; i < dashdash; i++)
		v[n++] = pargv[i];
	if (cmdvp != NULL) {
		*cmdvp = dashdash < pargc ? pargv + dashdash + 1 : NULL;
	} else {
		for (i = dashdash + 1; i < pargc; i++)
			v[n++] = pargv[i];
	}
	v[n] = NULL;
	*argcp = n;
	*argvp = v;
	free(longopts);
	longopts = NULL;
}

void
opt_operands(int argc, int min, int max)
{
	if (argc < min)
		eusage("missing operand");
	if (max >= 0 && argc > max)
		eusage("unexpected operand '%.64s'", operands != NULL &&
		    operands[max] != NULL ? operands[max] : "?");
}
