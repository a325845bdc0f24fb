/*
 * kv.c - the one key/value printer behind every stat and info, the one
 * time format, and user and group names.
 *
 * Text: one "key value" line each, keys padded to a column, values with
 * non-printable bytes escaped (fmt_vis, as vis(3) does).  --json: one object on one line,
 * numbers as numbers, times as seconds since the epoch, unknowns null.
 * Keys are lsipc(1)'s column names in lower case, as ls --json spells
 * them, so the same quantity has the same key everywhere.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipckit.h"

/* names looked up once each */
static const char *
idname(int group, unsigned id, char *buf, size_t len)
{
	static struct {
		int		 group;
		unsigned	 id;
		char		 name[64];
	} cache[32];
	static size_t ncache;
	struct passwd *pw;
	struct group *gr;
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache[i].id == id && cache[i].group == group) {
			strlcpy(buf, cache[i].name, len);
			return buf;
		}
	if (!group && (pw = getpwuid(id)) != NULL)
		strlcpy(buf, pw->pw_name, len);
	else if (group && (gr = getgrgid(id)) != NULL)
		strlcpy(buf, gr->gr_name, len);
	else
		snprintf(buf, len, "%u", id);
	if (ncache < sizeof(cache) / sizeof(cache[0])) {
		cache[ncache].group = group;
		cache[ncache].id = id;
		strlcpy(cache[ncache++].name, buf, sizeof(cache[0].name));
	}
	return buf;
}

const char *
user_name(uid_t uid, char *buf, size_t len)
{
	return idname(0, (unsigned)uid, buf, len);
}

const char *
group_name(gid_t gid, char *buf, size_t len)
{
	return idname(1, (unsigned)gid, buf, len);
}

/* ISO 8601 local time with its UTC offset: 2026-12-03T09:07:13+01:00 */
const char *
fmt_time(char *buf, size_t len, time_t t)
{
	struct tm tm;
	size_t n;

	if (localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm)) == 0 ||
	    n + 2 > len) {
		snprintf(buf, len, "%lld", (long long)t);
		return buf;
	}
	/* +0100 -> +01:00 */
	memmove(buf + n - 1, buf + n - 2, 3);
	buf[n - 2] = ':';
	return buf;
}

/*
 * n bytes of s made safe for a terminal, as vis(3) does in C style: \n,
 * \t, \r and \\, other control bytes, DEL, the C1 controls and bytes
 * that are not UTF-8 as \ooo; valid UTF-8 text stays as it is.  buf
 * holds 4n+1 bytes; a longer s is cut.
 */
const char *
fmt_vis(char *buf, size_t len, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, o = 0, l;

	for (i = 0; i < n && o + 5 <= len; i += l) {
		unsigned c = p[i];

		l = 1;
		if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			buf[o++] = '\\';
			buf[o++] = c == '\\' ? '\\' : c == '\n' ? 'n' :
			    c == '\t' ? 't' : 'r';
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			buf[o++] = (char)c;
			continue;
		}
		l = c >= 0x80 ? utf8_seqlen(p + i, n - i) : 0;
		/* U+0080..U+009F are the C1 controls: escape them too */
		if (l > 1 && !(c == 0xc2 && p[i + 1] < 0xa0) &&
		    o + l + 1 <= len) {
			memcpy(buf + o, p + i, l);
			o += l;
			continue;
		}
		l = 1;
		o += (size_t)snprintf(buf + o, len - o, "\\%03o", c);
	}
	buf[o < len ? o : len - 1] = '\0';
	return buf;
}

void
kv_begin(struct kv *kv, int json)
{
	memset(kv, 0, sizeof(*kv));
	kv->json = json;
	jw_init(&kv->jw, stdout);
	if (json)
		jw_obj(&kv->jw);
}

void
kv_end(struct kv *kv)
{
	if (kv->json)
		jw_end(&kv->jw, '}');
}

static void
kv_text(const char *key, const char *val)
{
	printf("%-10s %s\n", key, val);
}

void
kv_strn(struct kv *kv, const char *key, const char *s, size_t n)
{
	char *b;

	if (kv->json) {
		jw_key(&kv->jw, key);
		jw_strn(&kv->jw, s, n);
		return;
	}
	b = ecalloc(n * 4 + 1, 1);
	kv_text(key, fmt_vis(b, n * 4 + 1, s, n));
	free(b);
}

/* a string; NULL is unknown: "-" in text, null in JSON */
void
kv_str(struct kv *kv, const char *key, const char *s)
{
	if (s == NULL)
		kv_null(kv, key);
	else
		kv_strn(kv, key, s, strlen(s));
}

void
kv_null(struct kv *kv, const char *key)
{
	if (kv->json) {
		jw_key(&kv->jw, key);
		jw_null(&kv->jw);
	} else
		kv_text(key, "-");
}

void
kv_num(struct kv *kv, const char *key, long long v)
{
	char b[32];

	if (kv->json) {
		jw_key(&kv->jw, key);
		jw_int(&kv->jw, v);
		return;
	}
	snprintf(b, sizeof(b), "%lld", v);
	kv_text(key, b);
}

void
kv_bool(struct kv *kv, const char *key, int v)
{
	if (kv->json) {
		jw_key(&kv->jw, key);
		jw_bool(&kv->jw, v);
	} else
		kv_text(key, v ? "yes" : "no");
}

/* a SysV key: "0x%08x" in both forms, as ipcs shows it */
void
kv_key(struct kv *kv, const char *key, key_t k)
{
	char b[16];

	snprintf(b, sizeof(b), "0x%08x", (unsigned)k);
	kv_str(kv, key, b);
}

/* permission bits: "0600" in both forms, as ls shows PERMS */
void
kv_mode(struct kv *kv, const char *key, mode_t m)
{
	char b[16];

	snprintf(b, sizeof(b), "%04o", (unsigned)(m & 07777));
	kv_str(kv, key, b);
}

/* a time: ISO 8601 in text, seconds in JSON; 0 is "never" (- / null) */
void
kv_time(struct kv *kv, const char *key, time_t t)
{
	char b[64];

	if (t == 0)
		kv_null(kv, key);
	else if (kv->json)
		kv_num(kv, key, (long long)t);
	else
		kv_text(key, fmt_time(b, sizeof(b), t));
}

/*
 * An owner: the name under namekey and the number under idkey ("owner"
 * and "uid", "cuser" and "cuid"; "group" and "gid", ...), as ls's
 * columns are named.  Text shows "name (id)" under namekey alone.
 */
void
kv_id(struct kv *kv, const char *namekey, const char *idkey, unsigned id,
    int group)
{
	char n[64], b[96];

	idname(group, id, n, sizeof(n));
	if (kv->json) {
		kv_str(kv, namekey, n);
		kv_num(kv, idkey, (long long)id);
		return;
	}
	snprintf(b, sizeof(b), "%s (%u)", n, id);
	kv_str(kv, namekey, b);
}
