/*
 * fuzz_json.c - libFuzzer target for the JSON encoder (lib/json.c): what
 * it writes must always be valid JSON (RFC 8259, checked by a strict
 * parser below), and a string must give back exactly the bytes it was
 * made of, reading \udcXX as the byte 0xXX (json.c's one rule for bytes
 * that are not UTF-8).  The input drives json_encode, json_str, or a
 * program of struct jw calls that nests objects and arrays.  Built and
 * run by "make fuzz".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* ---- a strict JSON parser -------------------------------------------- */

struct in {
	const unsigned char	*p, *end;
	unsigned char		*out;	/* decoded string bytes, or NULL */
	size_t			 nout;
	int			 depth;
};

static void
ws(struct in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' ||
	    *in->p == '\n' || *in->p == '\r'))
		in->p++;
}

static int
hex4(struct in *in, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++, in->p++) {
		unsigned c;

		if (in->p >= in->end)
			return -1;
		c = *in->p;
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -1;
		*v = *v << 4 | c;
	}
	return 0;
}

static void
put(struct in *in, unsigned char c)
{
	if (in->out != NULL)
		in->out[in->nout] = c;
	in->nout++;
}

/* a code point as UTF-8; U+DC80..U+DCFF as the byte it escapes */
static void
putcp(struct in *in, unsigned cp)
{
	if (cp >= 0xdc80 && cp <= 0xdcff)
		put(in, (unsigned char)(cp & 0xff));
	else if (cp < 0x80)
		put(in, (unsigned char)cp);
	else if (cp < 0x800) {
		put(in, (unsigned char)(0xc0 | cp >> 6));
		put(in, (unsigned char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		put(in, (unsigned char)(0xe0 | cp >> 12));
		put(in, (unsigned char)(0x80 | (cp >> 6 & 0x3f)));
		put(in, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		put(in, (unsigned char)(0xf0 | cp >> 18));
		put(in, (unsigned char)(0x80 | (cp >> 12 & 0x3f)));
		put(in, (unsigned char)(0x80 | (cp >> 6 & 0x3f)));
		put(in, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

static int
string(struct in *in)
{
	unsigned cp, lo;
	size_t l;

	if (in->p >= in->end || *in->p++ != '"')
		return -1;
	while (in->p < in->end && *in->p != '"') {
		if (*in->p < 0x20)
			return -1;		/* a raw control character */
		if (*in->p != '\\') {
			/* raw bytes must be UTF-8 (RFC 8259, section 8.1) */
			if ((l = utf8_seqlen(in->p, (size_t)(in->end -
			    in->p))) == 0)
				return -1;
			while (l-- > 0)
				put(in, *in->p++);
			continue;
		}
		if (++in->p >= in->end)
			return -1;
		switch (*in->p++) {
		case '"':	put(in, '"'); break;
		case '\\':	put(in, '\\'); break;
		case '/':	put(in, '/'); break;
		case 'b':	put(in, '\b'); break;
		case 'f':	put(in, '\f'); break;
		case 'n':	put(in, '\n'); break;
		case 'r':	put(in, '\r'); break;
		case 't':	put(in, '\t'); break;
		case 'u':
			if (hex4(in, &cp) == -1)
				return -1;
			/* a high surrogate with its low one: one code point */
			if (cp >= 0xd800 && cp <= 0xdbff && in->end - in->p >=
			    6 && in->p[0] == '\\' && in->p[1] == 'u') {
				in->p += 2;
				if (hex4(in, &lo) == -1)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			putcp(in, cp);
			break;
		default:
			return -1;
		}
	}
	if (in->p >= in->end)
		return -1;
	in->p++;
	return 0;
}

static int
digits(struct in *in)
{
	const unsigned char *s = in->p;

	while (in->p < in->end && *in->p >= '0' && *in->p <= '9')
		in->p++;
	return in->p > s ? 0 : -1;
}

static int
number(struct in *in)
{
	if (in->p < in->end && *in->p == '-')
		in->p++;
	if (in->p < in->end && *in->p == '0')
		in->p++;
	else if (digits(in) == -1)
		return -1;
	if (in->p < in->end && *in->p == '.') {
		in->p++;
		if (digits(in) == -1)
			return -1;
	}
	if (in->p < in->end && (*in->p == 'e' || *in->p == 'E')) {
		in->p++;
		if (in->p < in->end && (*in->p == '+' || *in->p == '-'))
			in->p++;
		if (digits(in) == -1)
			return -1;
	}
	return 0;
}

static int
word(struct in *in, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(in->end - in->p) < n || memcmp(in->p, w, n) != 0)
		return -1;
	in->p += n;
	return 0;
}

static int value(struct in *);

static int
members(struct in *in, int obj)
{
	int close = obj ? '}' : ']';

	in->p++;
	if (++in->depth > 64)
		return -1;
	ws(in);
	if (in->p < in->end && *in->p == close) {
		in->p++;
		in->depth--;
		return 0;
	}
	for (;;) {
		ws(in);
		if (obj) {
			if (string(in) == -1)
				return -1;
			ws(in);
			if (in->p >= in->end || *in->p++ != ':')
				return -1;
		}
		if (value(in) == -1)
			return -1;
		ws(in);
		if (in->p >= in->end)
			return -1;
		if (*in->p == close) {
			in->p++;
			in->depth--;
			return 0;
		}
		if (*in->p++ != ',')
			return -1;
	}
}

static int
value(struct in *in)
{
	ws(in);
	if (in->p >= in->end)
		return -1;
	switch (*in->p) {
	case '{':
		return members(in, 1);
	case '[':
		return members(in, 0);
	case '"':
		return string(in);
	case 't':
		return word(in, "true");
	case 'f':
		return word(in, "false");
	case 'n':
		return word(in, "null");
	}
	return number(in);
}

/* the whole text is one JSON value (white space around it) */
static void
check_json(const char *s, size_t n)
{
	struct in in = { (const unsigned char *)s,
	    (const unsigned char *)s + n, NULL, 0, 0 };

	if (value(&in) == -1)
		abort();
	ws(&in);
	if (in.p != in.end)
		abort();
}

/* s is one JSON string that decodes to exactly the n bytes of want */
static void
check_string(const char *s, size_t len, const char *want, size_t n)
{
	struct in in = { (const unsigned char *)s,
	    (const unsigned char *)s + len, NULL, 0, 0 };

	/* count first, then decode into room for exactly that */
	if (string(&in) == -1 || in.p != in.end || in.nout != n)
		abort();
	if ((in.out = malloc(n + 1)) == NULL)
		return;
	in.p = (const unsigned char *)s;
	in.nout = 0;
	(void)string(&in);
	if (memcmp(in.out, want, n) != 0)
		abort();
	free(in.out);
}

/* ---- the three drivers --------------------------------------------------- */

static void
fuzz_encode(const char *s, size_t n)
{
	char *out;
	size_t len;

	if ((out = malloc(JSON_STRMAX(n))) == NULL)
		return;
	len = json_encode(out, s, n);
	if (len > JSON_STRMAX(n))
		abort();
	check_string(out, len, s, n);
	free(out);
}

static void
fuzz_str(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return;
	json_str(fp, s, n);
	if (fclose(fp) != 0)
		abort();
	check_string(buf, len, s, n);
	free(buf);
}

/*
 * A program of jw calls, one byte an operation, that keeps the nesting
 * valid: a key before each value in an object, as deep as JW_DEPTH.
 * Doubles are finite: jw_double writes "nan" and "inf" as they are.
 */
static void
fuzz_jw(const uint8_t *p, size_t n)
{
	char inobj[JW_DEPTH + 1], *buf = NULL;
	size_t len = 0, i = 0;
	struct jw w;
	int d = 0, op;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return;
	jw_init(&w, fp);
	jw_arr(&w);
	inobj[d++] = 0;
	while (i < n && d > 0) {
		op = p[i++];
		if (inobj[d - 1] && (op & 0x0f) != 2) {
			size_t kl = i < n ? p[i] % 8 : 0;

			if (i < n)
				i++;
			if (kl > n - i)
				kl = n - i;
			{
				char key[8];

				memcpy(key, p + i, kl);
				key[kl] = '\0';
				jw_key(&w, key);
			}
			i += kl;
		}
		switch (op & 0x0f) {
		case 0:
		case 1:
			if (d < JW_DEPTH) {
				if (op & 1)
					jw_obj(&w);
				else
					jw_arr(&w);
				inobj[d++] = op & 1;
				break;
			}
			jw_null(&w);
			break;
		case 2:
			jw_end(&w, inobj[--d] ? '}' : ']');
			break;
		case 3: {
			size_t sl = i < n ? p[i++] : 0;

			if (sl > n - i)
				sl = n - i;
			jw_strn(&w, (const char *)p + i, sl);
			i += sl;
			break;
		}
		case 4: {
			unsigned long long v = 0;
			size_t k;

			for (k = 0; k < 8 && i < n; k++)
				v = v << 8 | p[i++];
			jw_int(&w, (long long)v);
			break;
		}
		case 5:
			jw_uint(&w, (unsigned long long)op << 56 | i);
			break;
		case 6: {
			double v = (double)(int8_t)op * 1e-3 * (double)i;

			jw_double(&w, v);
			break;
		}
		case 7:
			jw_bool(&w, op & 0x10);
			break;
		case 8:
			jw_str(&w, NULL);
			break;
		default:
			jw_null(&w);
			break;
		}
	}
	while (d > 0)
		jw_end(&w, inobj[--d] ? '}' : ']');
	if (fclose(fp) != 0)
		abort();
	check_json(buf, len);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_encode((const char *)data + 1, size - 1);
		break;
	case 1:
		fuzz_str((const char *)data + 1, size - 1);
		break;
	case 2:
		fuzz_jw(data + 1, size - 1);
		break;
	}
	return 0;
}
