/* verb.c - "ipc-TOOL VERB ...": dispatch, --help, --version */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

static const struct verb *verbs;
static const char *summary;

void
verb_usage(FILE *fp, const struct verb *v)
{
	const struct verb *p;
	int w = 0;

	if (v != NULL) {
		fprintf(fp, "usage: %s %s %s\n       %s %s --help\n\n%s\n",
		    getprogname(), v->name, v->args, getprogname(), v->name,
		    v->help);
		/* the verb's own options, then the common ones it takes */
		fprintf(fp, "\noptions:\n");
		if (v->opts != NULL)
			fputs(v->opts, fp);
		opt_help(fp);
		return;
	}
	fprintf(fp, "usage: %s VERB [OPTION...] OPERAND...\n"
	    "       %s VERB --help | --help | --version\n\n%s\n\nverbs:\n",
	    getprogname(), getprogname(), summary);
	for (p = verbs; p->name != NULL; p++)
		if ((int)strlen(p->name) > w)
			w = (int)strlen(p->name);
	for (p = verbs; p->name != NULL; p++)
		fprintf(fp, "  %-*s  %s\n  %*s  %s %s %s\n", w, p->name,
		    p->help, w, "", getprogname(), p->name, p->args);
}

int
verb_main(int argc, char *argv[], const struct verb *table, const char *what)
{
	const struct verb *v;

	verbs = table;
	summary = what;
	cleanup_init();
	if (argc < 2)
		eusage("missing verb");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		verb_usage(stdout, NULL);
		return efinish(0);
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("%s (ipckit) %s\n", getprogname(), IPCKIT_VERSION);
		return efinish(0);
	}
	for (v = verbs; v->name != NULL; v++)
		if (strcmp(argv[1], v->name) == 0)
			break;
	if (v->name == NULL) {
		if (argv[1][0] == '-')
			eusage("unknown option '%.64s'", argv[1]);
		eusage("unknown verb '%.64s'", argv[1]);
	}
	setverb(v->name);
	return efinish(v->fn(argc - 1, argv + 1));
}

/* used by opt.c for "VERB --help" */
const struct verb *
verb_current(void)
{
	const struct verb *v;
	const char *name = getverb();

	for (v = verbs; v != NULL && v->name != NULL; v++)
		if (name != NULL && strcmp(v->name, name) == 0)
			return v;
	return NULL;
}
