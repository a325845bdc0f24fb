/*
 * fuzz_sockaddr.c - libFuzzer target for ipc-sock's address parser
 * (lib/sockaddr.c), the syntax part only: no name is looked up, no
 * socket made.  The first byte picks the flags and the size of the
 * message buffer; the rest is the operand.  What is parsed must be what
 * was written (a path or name byte for byte, never truncated, never over
 * sun_path), the sockaddr_un built from it must have exactly the name's
 * length, and formatting it must give the operand's spelling back.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '\\')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un un;
	struct sockspec sp;
	char *s, why[300], fmt[4 * SA_PATHMAX + 8];
	const char *body;
	size_t whylen, n;
	int flags, r, len;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? SA_PASSIVE : 0;
	whylen = 1 + (size_t)(data[0] >> 1) % sizeof(why);
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	n = strlen(s);
	memset(why, 'X', sizeof(why));
	r = sockspec_parse(s, flags, &sp, why, whylen);
	if (r == -1) {
		/* a reason, NUL-ended inside the buffer it was given */
		if (errno != EINVAL && errno != ENAMETOOLONG)
			abort();
		if (memchr(why, '\0', whylen) == NULL || why[whylen] != 'X')
			abort();
		if (errno == ENAMETOOLONG && n <= SA_PATHMAX)
			abort();
		free(s);
		return 0;
	}
	if (r != 0 || why[0] != '\0')
		abort();
	switch (sp.kind) {
	case SA_UNIX:
	case SA_ABSTRACT:
		if (sp.len == 0 || sp.len > SA_PATHMAX ||
		    strlen(sp.path) != sp.len)
			abort();
		/* the operand ends with the path or name, whole */
		body = s + n - sp.len;
		if (memcmp(body, sp.path, sp.len) != 0)
			abort();
		if (sp.kind == SA_ABSTRACT ? body != s + 1 || s[0] != '@' :
		    body != s && strncmp(s, "unix:", 5) != 0)
			abort();
		if (sp.kind == SA_UNIX && body == s && s[0] != '/' &&
		    strncmp(s, "./", 2) != 0 && strncmp(s, "../", 3) != 0)
			abort();
		len = sockspec_un(&sp, &un);
		if (len < 0 || (size_t)len > sizeof(un))
			abort();
		if (sp.kind == SA_ABSTRACT) {
			if ((size_t)len != offsetof(struct sockaddr_un,
			    sun_path) + 1 + sp.len || un.sun_path[0] != '\0' ||
			    memcmp(un.sun_path + 1, sp.path, sp.len) != 0)
				abort();
		} else if ((size_t)len != offsetof(struct sockaddr_un,
		    sun_path) + sp.len + 1 || strcmp(un.sun_path, sp.path) != 0)
			abort();
		sockaddr_fmt((struct sockaddr *)&un, (size_t)len, fmt,
		    sizeof(fmt));
		if (sp.kind == SA_UNIX && strcmp(fmt, sp.path) != 0)
			abort();
		if (sp.kind == SA_ABSTRACT && printable(sp.path, sp.len) &&
		    strcmp(fmt, s) != 0)
			abort();
		break;
	case SA_TCP:
		if (strncmp(s, "tcp:", 4) != 0 || sp.port[0] == '\0' ||
		    strlen(sp.port) > SA_PORTMAX ||
		    strlen(sp.host) > SA_HOSTMAX)
			abort();
		if (sp.host[0] == '\0' && !(flags & SA_PASSIVE))
			abort();
		if (s[4] == '[' && !sp.numhost)
			abort();
		/* ":PORT" ends the operand */
		if (n < strlen(sp.port) + 1 || strcmp(s + n - strlen(sp.port),
		    sp.port) != 0 || s[n - strlen(sp.port) - 1] != ':')
			abort();
		if (sockspec_un(&sp, &un) != -1)
			abort();
		break;
	case SA_FD:
		if (!(flags & SA_PASSIVE) || sp.fd < 0 || sp.fd > 65535 ||
		    strncmp(s, "fd:", 3) != 0)
			abort();
		break;
	case SA_SYSTEMD:
		if (!(flags & SA_PASSIVE) || strcmp(s, "systemd") != 0)
			abort();
		break;
	default:
		abort();
	}
	free(s);
	return 0;
}
