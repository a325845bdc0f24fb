/*
 * table.c - ls output through libsmartcols, as lsipc(1) does it: an
 * aligned table with a header, --raw, --noheadings, and --json, which
 * is printed as one bare JSON array (libsmartcols wraps its rows in an
 * object {"name": [...]}; we print only the array).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "ipcobj.h"

struct table {
	struct libscols_table	*tb;
	struct libscols_line	*ln;
	size_t			 ncols;
	size_t			 nrows;
	int			 json, noheadings;
	char			**names;
};

struct table *
table_new(int json, int raw, int noheadings)
{
	struct table *t = ecalloc(1, sizeof(*t));

	if ((t->tb = scols_new_table()) == NULL)
		eerr(EXIT_FAIL, "libsmartcols");
	t->json = json;
	t->noheadings = noheadings;
	scols_table_set_name(t->tb, "ipckit");
	scols_table_enable_json(t->tb, json);
	scols_table_enable_raw(t->tb, raw);
	scols_table_enable_noheadings(t->tb, noheadings);
	return t;
}

void
table_col(struct table *t, const char *name, int jtype, int right)
{
	struct libscols_column *c;

	c = scols_table_new_column(t->tb, name, 0, right ? SCOLS_FL_RIGHT : 0);
	if (c == NULL)
		eerr(EXIT_FAIL, "libsmartcols");
	scols_column_set_json_type(c, jtype == TJ_NUMBER ?
	    SCOLS_JSON_NUMBER : SCOLS_JSON_STRING);
	t->names = ereallocarray(t->names, t->ncols + 1, sizeof(*t->names));
	t->names[t->ncols++] = estrdup(name);
}

void
table_row(struct table *t)
{
	if ((t->ln = scols_table_new_line(t->tb, NULL)) == NULL)
		eerr(EXIT_FAIL, "libsmartcols");
	t->nrows++;
}

/* length of the valid UTF-8 sequence at p, or 0 */
static size_t
utf8len(const unsigned char *p)
{
	size_t n, i;
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* overlong, surrogate and out-of-range forms */
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/*
 * JSON must be UTF-8: a byte that is not part of a valid sequence is
 * written as the four characters \xHH, as rm prints such names.
 */
static char *
json_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len = 0, bad = 0;
	char *out, *q;

	for (p = (const unsigned char *)s; *p != '\0'; p += n)
		if ((n = utf8len(p)) == 0) {
			bad++;
			n = 1;
		}
	if (bad == 0)
		return NULL;
	len = strlen(s) + 3 * bad + 1;
	q = out = ecalloc(1, len);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		if ((n = utf8len(p)) == 0) {
			snprintf(q, 5, "\\x%02x", *p);
			q += 4;
			n = 1;
		} else {
			memcpy(q, p, n);
			q += n;
		}
	}
	*q = '\0';
	return out;
}

/* a NULL or unset cell is empty in the table and null in JSON */
void
table_set(struct table *t, size_t col, const char *s)
{
	char *safe = NULL;

	if (s == NULL)
		return;
	if (t->json && (safe = json_safe(s)) != NULL)
		s = safe;
	if (scols_line_set_data(t->ln, col, s) != 0)
		eerr(EXIT_FAIL, "libsmartcols");
	free(safe);
}

/*
 * libsmartcols prints {\n   "ipckit": [\n ... \n   ]\n}\n: keep what is
 * between the brackets, one indent level less.  Cell strings are
 * escaped, so no line break inside a value can confuse this.
 */
static int
print_array(const char *buf, size_t len)
{
	const char *open, *close, *p, *nl;

	open = memchr(buf, '[', len);
	close = NULL;
	for (p = buf + len; p > buf; p--)
		if (p[-1] == ']') {
			close = p - 1;
			break;
		}
	if (open == NULL || close == NULL || close < open ||
	    (p = memchr(open, '\n', (size_t)(close - open))) == NULL) {
		errno = EPROTO;
		return -1;
	}
	fputs("[\n", stdout);
	/* whole lines from after "[" up to the line holding "]" */
	for (p++; p < close; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(close - p))) == NULL)
			break;
		for (int i = 0; i < 3 && p < nl && *p == ' '; i++)
			p++;
		fwrite(p, 1, (size_t)(nl - p + 1), stdout);
	}
	fputs("]\n", stdout);
	return 0;
}

int
table_print(struct table *t)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp;
	int r;

	if (t->json && t->nrows == 0) {
		fputs("[]\n", stdout);
		return 0;
	}
	if (!t->json) {
		if (t->nrows > 0)
			return scols_print_table(t->tb) == 0 ? 0 : -1;
		/* libsmartcols prints nothing at all for no rows */
		if (!t->noheadings && t->ncols > 0) {
			for (i = 0; i < t->ncols; i++)
				printf("%s%s", i > 0 ? " " : "", t->names[i]);
			putchar('\n');
		}
		return 0;
	}
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return -1;
	scols_table_set_stream(t->tb, fp);
	r = scols_print_table(t->tb);
	if (fclose(fp) != 0)
		r = -1;
	if (r == 0)
		r = print_array(buf, len);
	free(buf);
	return r == 0 ? 0 : -1;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	scols_unref_table(t->tb);
	for (i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->names);
	free(t);
}
