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
} common[] = {
	{ OPT_TIMEOUT,	{ "timeout",	required_argument, NULL, 't' } },
	{ OPT_NOWAIT,	{ "nowait",	no_argument,	NULL, C_NOWAIT } },
	{ OPT_COUNT,	{ "count",	required_argument, NULL, 'n' } },
	{ OPT_NULL,	{ "null",	no_argument,	NULL, '0' } },
	{ OPT_RAW,	{ "raw",	no_argument,	NULL, C_RAW } },
	{ OPT_SYSV,	{ "sysv",	no_argument,	NULL, C_SYSV } },
	{ OPT_SYSV,	{ "proj",	required_argument, NULL, C_PROJ } },
	{ OPT_CREATE,	{ "create",	no_argument,	NULL, 'c' } },
	{ OPT_MODE,	{ "mode",	required_argument, NULL, 'm' } },
	{ OPT_JSON,	{ "json",	no_argument,	NULL, C_JSON } },
	{ OPT_POSIX,	{ "posix",	no_argument,	NULL, C_POSIX } },
	{ ~0u,		{ "quiet",	no_argument,	NULL, 'q' } },
	{ ~0u,		{ "verbose",	no_argument,	NULL, 'v' } },
	{ ~0u,		{ "help",	no_argument,	NULL, 'h' } },
};
#define NCOMMON	(sizeof(common) / sizeof(common[0]))

static struct option *longopts;
static char shortopts[128];
static int pargc, dashdash;
static char **pargv;
static unsigned mask;
static char **operands;

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
			verb_usage(stdout, verb_current());
			exit(efinish(0));
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
		eusage("unexpected operand");
}
