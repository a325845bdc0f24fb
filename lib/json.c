/*
 * json.c - the one JSON encoder behind every --json.
 *
 * Strings are written as RFC 8259 says, with one rule for bytes that are
 * not UTF-8 (a name or a message payload is any bytes): each such byte
 * 0xHH becomes the escape \udcHH, the "surrogateescape" of Python and of
 * PEP 383.  The output always parses, and Python gets the bytes back
 * exactly with s.encode("utf-8", "surrogateescape").  Control characters
 * are \n, \t, ... or \u00XX; "/" is not escaped.
 *
 * struct jw writes one value (an object, an array, or nested ones) and
 * places the commas itself.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ipckit.h"

/* the length of the UTF-8 sequence at s (at most n bytes), 0 if invalid */
size_t
utf8_seqlen(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * Encode n bytes of s as a JSON string, quotes included, into out, which
 * must hold JSON_STRMAX(n) bytes; returns the length written (no NUL).
 */
size_t
json_encode(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char *o = out;
	size_t i, l;

	*o++ = '"';
	for (i = 0; i < n; i += l) {
		unsigned c = p[i];

		l = 1;
		switch (c) {
		case '"':	*o++ = '\\'; *o++ = '"'; continue;
		case '\\':	*o++ = '\\'; *o++ = '\\'; continue;
		case '\b':	*o++ = '\\'; *o++ = 'b'; continue;
		case '\f':	*o++ = '\\'; *o++ = 'f'; continue;
		case '\n':	*o++ = '\\'; *o++ = 'n'; continue;
		case '\r':	*o++ = '\\'; *o++ = 'r'; continue;
		case '\t':	*o++ = '\\'; *o++ = 't'; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
			continue;
		}
		if ((l = utf8_seqlen(p + i, n - i)) == 0) {
			memcpy(o, "\\udc", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
			l = 1;
			continue;
		}
		memcpy(o, p + i, l);
		o += l;
	}
	*o++ = '"';
	return (size_t)(o - out);
}

/* write n bytes of s to fp as a JSON string */
void
json_str(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char buf[JSON_STRMAX(260)];
	size_t i, k, l;

	fputc('"', fp);
	/* pieces of about 256 bytes, cut only between UTF-8 sequences */
	for (i = 0; i < n; i += k) {
		for (k = 0; i + k < n && k < 256; k += l)
			if ((l = utf8_seqlen(p + i + k, n - i - k)) == 0)
				l = 1;
		l = json_encode(buf, s + i, k);
		fwrite(buf + 1, 1, l - 2, fp);
	}
	fputc('"', fp);
}

static void
jw_sep(struct jw *w)
{
	if (w->inkey) {
		w->inkey = 0;
		return;
	}
	if (w->d > 0 && w->d <= JW_DEPTH && w->n[w->d - 1]++ > 0)
		fputc(',', w->fp);
}

void
jw_init(struct jw *w, FILE *fp)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
}

static void
jw_open(struct jw *w, int c)
{
	jw_sep(w);
	fputc(c, w->fp);
	if (w->d < JW_DEPTH)
		w->n[w->d] = 0;
	w->d++;		/* deeper than JW_DEPTH: commas are not tracked */
}

void
jw_obj(struct jw *w)
{
	jw_open(w, '{');
}

void
jw_arr(struct jw *w)
{
	jw_open(w, '[');
}

/* close the innermost object or array; at depth 0 a newline follows */
void
jw_end(struct jw *w, int c)
{
	w->d--;
	fputc(c, w->fp);
	if (w->d == 0)
		fputc('\n', w->fp);
}

void
jw_key(struct jw *w, const char *k)
{
	jw_sep(w);
	json_str(w->fp, k, strlen(k));
	fputc(':', w->fp);
	w->inkey = 1;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	jw_sep(w);
	json_str(w->fp, s, n);
}

void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void
jw_int(struct jw *w, long long v)
{
	jw_sep(w);
	fprintf(w->fp, "%lld", v);
}

void
jw_uint(struct jw *w, unsigned long long v)
{
	jw_sep(w);
	fprintf(w->fp, "%llu", v);
}

void
jw_double(struct jw *w, double v)
{
	jw_sep(w);
	if (isfinite(v))
		fprintf(w->fp, "%.6g", v);
	else
		fputs("null", w->fp);	/* JSON has no NaN or infinity */
}

void
jw_bool(struct jw *w, int v)
{
	jw_sep(w);
	fputs(v ? "true" : "false", w->fp);
}

void
jw_null(struct jw *w)
{
	jw_sep(w);
	fputs("null", w->fp);
}
