/*
 * objtable.c - the output of ls and limits: rows of typed cells.  As
 * text they go through libsmartcols, as lsipc(1) prints them: aligned
 * columns under a header, or --raw and --noheadings for scripts.  With
 * --json they are written by json.c as one array of objects whose keys
 * are the column names in lower case; a number stays a JSON number, an
 * empty cell is null, and a string follows json.c's one rule for bytes
 * that are not UTF-8.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsmartcols.h>

#include "obj.h"

enum celltype { T_NULL, T_STR, T_INT, T_UINT, T_DOUBLE };

struct cell {
	enum celltype	 type;
	char		*text;		/* as the table shows it */
	long long	 i;
	unsigned long long u;
	double		 d;
};

struct table {
	int		 json, raw, noheadings;
	size_t		 ncols, nrows;
	char		**names;	/* as the header spells them */
	int		*right;
	struct cell	*cells;		/* nrows * ncols */
};

struct table *
table_new(int json, int raw, int noheadings)
{
	struct table *t = ecalloc(1, sizeof(*t));

	t->json = json;
	t->raw = raw;
	t->noheadings = noheadings;
	return t;
}

void
table_col(struct table *t, const char *name, int right)
{
	t->names = ereallocarray(t->names, t->ncols + 1, sizeof(*t->names));
	t->right = ereallocarray(t->right, t->ncols + 1, sizeof(*t->right));
	t->names[t->ncols] = estrdup(name);
	t->right[t->ncols++] = right;
}

void
table_row(struct table *t)
{
	t->cells = ereallocarray(t->cells, (t->nrows + 1) * t->ncols,
	    sizeof(*t->cells));
	memset(t->cells + t->nrows * t->ncols, 0,
	    t->ncols * sizeof(*t->cells));
	t->nrows++;
}

/* the cell in column col of the last row */
static struct cell *
at(struct table *t, size_t col, enum celltype type, const char *text)
{
	struct cell *c;

	if (t->nrows == 0 || col >= t->ncols)
		return NULL;
	c = &t->cells[(t->nrows - 1) * t->ncols + col];
	free(c->text);
	c->type = type;
	c->text = estrdup(text);
	return c;
}

/* null in JSON, text in the table ("-", say) */
void
table_null(struct table *t, size_t col, const char *text)
{
	(void)at(t, col, T_NULL, text);
}

void
table_str(struct table *t, size_t col, const char *s)
{
	if (s != NULL)
		(void)at(t, col, T_STR, s);
}

/* a number; text is how the table shows it (a time, say), NULL: itself */
void
table_int(struct table *t, size_t col, long long v, const char *text)
{
	struct cell *c;
	char b[32];

	if (text == NULL) {
		snprintf(b, sizeof(b), "%lld", v);
		text = b;
	}
	if ((c = at(t, col, T_INT, text)) != NULL)
		c->i = v;
}

void
table_uint(struct table *t, size_t col, unsigned long long v,
    const char *text)
{
	struct cell *c;
	char b[32];

	if (text == NULL) {
		snprintf(b, sizeof(b), "%llu", v);
		text = b;
	}
	if ((c = at(t, col, T_UINT, text)) != NULL)
		c->u = v;
}

void
table_double(struct table *t, size_t col, double v, const char *text)
{
	struct cell *c;
	char b[32];

	if (text == NULL) {
		snprintf(b, sizeof(b), "%g", v);
		text = b;
	}
	if ((c = at(t, col, T_DOUBLE, text)) != NULL)
		c->d = v;
}

static void
print_json(struct table *t)
{
	struct jw w;
	size_t r, i;
	char key[64];

	jw_init(&w, stdout);
	jw_arr(&w);
	for (r = 0; r < t->nrows; r++) {
		jw_obj(&w);
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[r * t->ncols + i];
			size_t k;

			for (k = 0; t->names[i][k] != '\0' &&
			    k < sizeof(key) - 1; k++)
				key[k] = (char)tolower(
				    (unsigned char)t->names[i][k]);
			key[k] = '\0';
			jw_key(&w, key);
			switch (c->type) {
			case T_NULL:
				jw_null(&w);
				break;
			case T_STR:
				jw_str(&w, c->text);
				break;
			case T_INT:
				jw_int(&w, c->i);
				break;
			case T_UINT:
				jw_uint(&w, c->u);
				break;
			case T_DOUBLE:
				jw_double(&w, c->d);
				break;
			}
		}
		jw_end(&w, '}');
	}
	jw_end(&w, ']');
}

static int
print_text(struct table *t)
{
	struct libscols_table *tb;
	struct libscols_line *ln;
	size_t r, i;
	int ret = -1;

	if (t->nrows == 0) {
		/* libsmartcols prints nothing at all for no rows */
		if (!t->noheadings && t->ncols > 0) {
			for (i = 0; i < t->ncols; i++)
				printf("%s%s", i > 0 ? " " : "", t->names[i]);
			putchar('\n');
		}
		return 0;
	}
	if ((tb = scols_new_table()) == NULL)
		return -1;
	scols_table_enable_raw(tb, t->raw);
	scols_table_enable_noheadings(tb, t->noheadings);
	for (i = 0; i < t->ncols; i++)
		if (scols_table_new_column(tb, t->names[i], 0,
		    t->right[i] ? SCOLS_FL_RIGHT : 0) == NULL)
			goto out;
	for (r = 0; r < t->nrows; r++) {
		if ((ln = scols_table_new_line(tb, NULL)) == NULL)
			goto out;
		for (i = 0; i < t->ncols; i++) {
			const struct cell *c = &t->cells[r * t->ncols + i];

			if (c->text != NULL &&
			    scols_line_set_data(ln, i, c->text) != 0)
				goto out;
		}
	}
	ret = scols_print_table(tb) == 0 ? 0 : -1;
out:
	scols_unref_table(tb);
	return ret;
}

/* -1 with errno (EPIPE: stdout is gone) */
int
table_print(struct table *t)
{
	int r;

	if (t->json) {
		print_json(t);
		r = 0;
	} else if ((r = print_text(t)) == -1 && errno == 0)
		errno = ENOMEM;
	if (fflush(stdout) == EOF)
		return -1;
	return r;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	for (i = 0; i < t->ncols; i++)
		free(t->names[i]);
	free(t->cells);
	free(t->names);
	free(t->right);
	free(t);
}
