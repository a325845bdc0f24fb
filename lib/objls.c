/*
 * objls.c - the ls verb of ipc-mq, ipc-shm, ipc-sem and ipckit: every
 * object of the kind, both flavours, in lsipc(1)'s vocabulary; --stale
 * keeps the ones nobody uses any more, and says why.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>

#include "obj.h"

static const struct objopt lsopts[] = {
	{ { "output", required_argument, NULL, 'o' }, "LIST",
	    "the columns (-o help lists them; +LIST adds to the default "
	    "ones)", 0 },
	{ { "noheadings", no_argument, NULL, OO_NOHEAD }, NULL,
	    "no header line", 0 },
	{ { "raw", no_argument, NULL, OO_RAW }, NULL,
	    "cells separated by one space, not aligned, escaped", 0 },
	{ { "json", no_argument, NULL, 'J' }, NULL,
	    "one JSON array of objects, keys the column names in lower "
	    "case", 0 },
	{ { "sysv", no_argument, NULL, OO_SYSV }, NULL,
	    "System V objects only", 0 },
	{ { "stale", no_argument, NULL, OO_STALE }, NULL,
	    "only what nobody uses any more, with the reason", 0 },
	{ { "older-than", required_argument, NULL, OO_OLDER }, "DUR",
	    "only what was last changed more than DUR ago", 0 },
	{ { "owner", required_argument, NULL, OO_OWNER }, "USER",
	    "only what USER (a name or a uid) owns", 0 },
	{ { "type", required_argument, NULL, OO_TYPE }, "LIST",
	    "only these kinds: mq, shm, sem, ring (default all)", 1 },
	{ { NULL, 0, NULL, 0 }, NULL, NULL, 0 },
};

struct lsopt {
	struct objsel	 sel;
	struct colset	 cols;
	int		 noheadings;
};

static void
els_opts(enum ipckind k, int argc, char *argv[], struct lsopt *lo)
{
	const char *olist = NULL;
	int c, sysv = 0;

	objsel_init(&lo->sel, k);
	lo->noheadings = 0;
	eobj_opt_begin(k, argc, argv, OPT_POSIX, lsopts, columns_help);
	while ((c = opt_next()) != -1) {
		if (eobj_selopt(&lo->sel, c))
			continue;
		switch (c) {
		case 'o':
			olist = optarg;
			break;
		case 'J':
			opt.json = 1;
			break;
		case OO_RAW:
			opt.raw = 1;
			break;
		case OO_NOHEAD:
			lo->noheadings = 1;
			break;
		case OO_SYSV:
			sysv = 1;
			break;
		}
	}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);
	eobj_flavours(&lo->sel, opt.posix, sysv);
	ecolumns(k, olist, lo->sel.stale, &lo->cols);
}

int
ipcobj_ls(enum ipckind k, int argc, char *argv[])
{
	struct objlist l = { 0 };
	struct lsopt lo;
	struct table *t;
	int status;
	size_t i;

	/* names in the user's character set print as they are; only the
	 * character type: numbers stay C numbers (JSON) */
	setlocale(LC_CTYPE, "");
	els_opts(k, argc, argv, &lo);
	status = collect(&lo.sel, &l);
	filter(&l, &lo.sel, columns_judge(&lo.cols));

	t = table_new(opt.json, opt.raw, lo.noheadings);
	columns_head(t, &lo.cols);
	for (i = 0; i < l.n; i++)
		columns_row(t, &lo.cols, &l.v[i]);
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
