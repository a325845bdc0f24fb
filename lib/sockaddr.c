/*
 * sockaddr.c - socket addresses as ipc-sock(1) spells them:
 *
 *	/path, ./path, ../path, unix:PATH	a UNIX socket file
 *	@name					the abstract namespace
 *						(unix(7)): the address
 *						length is exactly the
 *						name's, no NUL padding
 *	tcp:HOST:PORT, tcp:[V6ADDR]:PORT	TCP over IPv4 or IPv6
 *	fd:N, systemd				(passive side only) an
 *						inherited socket
 *
 * The parser is syntax only: it makes no system call and looks up no
 * name, so it can be fuzzed.  A path that does not fit sun_path (108
 * bytes with its NUL) is refused, never truncated: truncated names have
 * made two programs meet at the wrong socket.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

static const char usage_addr[] = "an address is /PATH, ./PATH, unix:PATH, "
    "@NAME or tcp:HOST:PORT";

static int
fail(int e, char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(int e, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	errno = e;
	return -1;
}

/* a port: 0-65535 in decimal, or a service name as services(5) has them */
static int
parse_port(const char *s, int passive, struct sockspec *sp, char *why,
    size_t len)
{
	const char *p;
	long v = 0;

	if (*s == '\0')
		return fail(EINVAL, why, len, "missing port: tcp:HOST:PORT");
	if (strlen(s) > SA_PORTMAX)
		return fail(EINVAL, why, len, "port name longer than %d bytes",
		    SA_PORTMAX);
	if (isdigit((unsigned char)*s)) {
		for (p = s; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p))
				return fail(EINVAL, why, len, "bad port "
				    "(0-65535 or a service name)");
			v = v * 10 + (*p - '0');
			if (v > 65535)
				return fail(EINVAL, why, len, "port out of "
				    "range (0-65535)");
		}
		if (v == 0 && !passive)
			return fail(EINVAL, why, len, "port 0 can only be "
			    "listened on (the kernel picks one)");
	} else {
		for (p = s; *p != '\0'; p++)
			if ((!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '_' && *p != '.') ||
			    (p == s && !isalpha((unsigned char)*p)))
				return fail(EINVAL, why, len, "bad port "
				    "(0-65535 or a service name)");
	}
	memcpy(sp->port, s, strlen(s) + 1);
	return 0;
}

/* "tcp:" taken off: HOST:PORT, [V6]:PORT, :PORT or *:PORT (passive) */
static int
parse_tcp(const char *s, int passive, struct sockspec *sp, char *why,
    size_t len)
{
	char v6[INET6_ADDRSTRLEN + 1], buf[sizeof(struct in6_addr)];
	const char *colon, *end, *p;
	size_t n, k;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return fail(EINVAL, why, len, "missing ']' after an "
			    "IPv6 address: tcp:[::1]:PORT");
		n = (size_t)(end - s - 1);
		if (n == 0 || n > SA_HOSTMAX)
			return fail(EINVAL, why, len, "bad IPv6 address in "
			    "brackets");
		/* an optional %zone after the address (fe80::1%eth0) */
		k = strcspn(s + 1, "%]");
		if (k == 0 || k >= sizeof(v6))
			return fail(EINVAL, why, len, "bad IPv6 address in "
			    "brackets");
		memcpy(v6, s + 1, k);
		v6[k] = '\0';
		if (inet_pton(AF_INET6, v6, buf) != 1)
			return fail(EINVAL, why, len, "bad IPv6 address in "
			    "brackets");
		for (p = s + 1 + k; p < end; p++)
			if (!isalnum((unsigned char)*p) && *p != '%' &&
			    *p != '_' && *p != '-' && *p != '.')
				return fail(EINVAL, why, len, "bad IPv6 zone");
		if (s[1 + k] == '%' && s + 2 + k == end)
			return fail(EINVAL, why, len, "empty IPv6 zone");
		if (end[1] != ':')
			return fail(EINVAL, why, len, "expected ':PORT' after "
			    "']'");
		memcpy(sp->host, s + 1, n);
		sp->host[n] = '\0';
		sp->numhost = 1;
		return parse_port(end + 2, passive, sp, why, len);
	}
	if ((colon = strrchr(s, ':')) == NULL)
		return fail(EINVAL, why, len, "missing port: tcp:HOST:PORT");
	n = (size_t)(colon - s);
	if (memchr(s, ':', n) != NULL)
		return fail(EINVAL, why, len, "an IPv6 address goes in "
		    "brackets: tcp:[::1]:PORT");
	if (n > SA_HOSTMAX)
		return fail(EINVAL, why, len, "host name longer than %d bytes",
		    SA_HOSTMAX);
	if (n == 0 || (n == 1 && *s == '*')) {
		if (!passive)
			return fail(EINVAL, why, len, "missing host: "
			    "tcp:HOST:PORT");
		sp->host[0] = '\0';
	} else {
		for (p = s; p < colon; p++)
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && *p != '_')
				return fail(EINVAL, why, len, "bad host name");
		if (*s == '-' || *s == '.')
			return fail(EINVAL, why, len, "bad host name");
		memcpy(sp->host, s, n);
		sp->host[n] = '\0';
		sp->numhost = inet_pton(AF_INET, sp->host, buf) == 1;
	}
	return parse_port(colon + 1, passive, sp, why, len);
}

int
sockspec_parse(const char *s, int flags, struct sockspec *sp, char *why,
    size_t len)
{
	int passive = (flags & SA_PASSIVE) != 0;
	const char *p;
	size_t n;
	long v;

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	if (why != NULL && len > 0)
		why[0] = '\0';
	if (strncmp(s, "tcp:", 4) == 0) {
		sp->kind = SA_TCP;
		return parse_tcp(s + 4, passive, sp, why, len);
	}
	if (strncmp(s, "fd:", 3) == 0) {
		if (!passive)
			return fail(EINVAL, why, len, "fd:N is for the side "
			    "that listens (listen, recv)");
		v = 0;
		for (p = s + 3; isdigit((unsigned char)*p); p++)
			if ((v = v * 10 + (*p - '0')) > 65535)
				break;
		if (p == s + 3 || *p != '\0')
			return fail(EINVAL, why, len, "bad descriptor: fd:N, "
			    "N from 0 to 65535");
		sp->kind = SA_FD;
		sp->fd = (int)v;
		return 0;
	}
	if (strcmp(s, "systemd") == 0) {
		if (!passive)
			return fail(EINVAL, why, len, "systemd is for the "
			    "side that listens (listen, recv)");
		sp->kind = SA_SYSTEMD;
		return 0;
	}
	if (*s == '@') {
		sp->kind = SA_ABSTRACT;
		s++;
		if (*s == '\0')
			return fail(EINVAL, why, len, "empty abstract name "
			    "(@NAME)");
	} else if (strncmp(s, "unix:", 5) == 0) {
		sp->kind = SA_UNIX;
		s += 5;
		if (*s == '\0')
			return fail(EINVAL, why, len, "empty path (unix:PATH)");
	} else if (*s == '/' || strncmp(s, "./", 2) == 0 ||
	    strncmp(s, "../", 3) == 0) {
		sp->kind = SA_UNIX;
	} else if (*s == '\0') {
		return fail(EINVAL, why, len, "empty address (%s)",
		    usage_addr);
	} else
		return fail(EINVAL, why, len, "%s (a file in this directory: "
		    "./NAME)", usage_addr);
	n = strlen(s);
	if (n > SA_PATHMAX)
		return fail(ENAMETOOLONG, why, len, "%s of %zu bytes does not "
		    "fit a socket address (sun_path holds %d bytes%s): refused, "
		    "not truncated", sp->kind == SA_ABSTRACT ? "abstract name" :
		    "path", n, SA_PATHMAX, sp->kind == SA_ABSTRACT ?
		    " after its leading NUL" : " and a NUL");
	if (sp->kind == SA_UNIX && s[n - 1] == '/')
		return fail(EINVAL, why, len, "path ends with '/': a socket "
		    "is not a directory");
	memcpy(sp->path, s, n + 1);
	sp->len = n;
	return 0;
}

int
sockspec_un(const struct sockspec *sp, struct sockaddr_un *un)
{
	if ((sp->kind != SA_UNIX && sp->kind != SA_ABSTRACT) ||
	    sp->len > SA_PATHMAX) {
		errno = EINVAL;
		return -1;
	}
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	if (sp->kind == SA_ABSTRACT) {
		/* sun_path[0] is NUL; the name follows, not NUL-ended */
		memcpy(un->sun_path + 1, sp->path, sp->len);
		return (int)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    sp->len);
	}
	memcpy(un->sun_path, sp->path, sp->len + 1);
	return (int)(offsetof(struct sockaddr_un, sun_path) + sp->len + 1);
}

int
sockspec_resolve(const struct sockspec *sp, int flags, struct addrinfo **res)
{
	struct addrinfo hints;
	const char *p;
	int numport = 1;

	if (sp->kind != SA_TCP)
		return EAI_FAMILY;
	for (p = sp->port; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			numport = 0;
	memset(&hints, 0, sizeof(hints));	/* any family: v4 or v6 */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	if (flags & SA_PASSIVE)
		hints.ai_flags |= AI_PASSIVE;
	if (sp->numhost)
		hints.ai_flags |= AI_NUMERICHOST;
	if (numport)
		hints.ai_flags |= AI_NUMERICSERV;
	return getaddrinfo(sp->host[0] != '\0' ? sp->host : NULL, sp->port,
	    &hints, res);
}

/* bytes of an abstract name, printable ones as they are, others \ooo */
static void
fmt_bytes(char *out, size_t outlen, const char *p, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\%03o", c);
	}
	out[o] = '\0';
}

const char *
sockaddr_fmt(const struct sockaddr *sa, size_t salen, char *buf, size_t len)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
	char ip[INET6_ADDRSTRLEN + 1];
	size_t off = offsetof(struct sockaddr_un, sun_path), n;
	unsigned port;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (salen < sizeof(sa->sa_family)) {
		snprintf(buf, len, "unnamed");
		return buf;
	}
	switch (sa->sa_family) {
	case AF_UNIX:
		if (salen <= off) {
			snprintf(buf, len, "unnamed");
			break;
		}
		n = salen - off;
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		if (un->sun_path[0] == '\0') {
			buf[0] = '@';
			fmt_bytes(buf + 1, len - 1, un->sun_path + 1, n - 1);
		} else
			snprintf(buf, len, "%.*s", (int)strnlen(un->sun_path, n),
			    un->sun_path);
		break;
	case AF_INET:
	case AF_INET6:
		if (sockaddr_ipport(sa, salen, ip, sizeof(ip), &port) == -1)
			snprintf(buf, len, "unknown");
		else if (strchr(ip, ':') != NULL)
			snprintf(buf, len, "[%s]:%u", ip, port);
		else
			snprintf(buf, len, "%s:%u", ip, port);
		break;
	default:
		snprintf(buf, len, "family %d", sa->sa_family);
		break;
	}
	return buf;
}

int
sockaddr_ipport(const struct sockaddr *sa, size_t salen, char *ip,
    size_t iplen, unsigned *port)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
	struct in_addr a4;

	if (sa->sa_family == AF_INET && salen >= sizeof(*s4)) {
		if (inet_ntop(AF_INET, &s4->sin_addr, ip, (socklen_t)iplen) ==
		    NULL)
			return -1;
		*port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && salen >= sizeof(*s6)) {
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			/* a v4 peer on a dual-stack socket: as it is known */
			memcpy(&a4, s6->sin6_addr.s6_addr + 12, 4);
			if (inet_ntop(AF_INET, &a4, ip, (socklen_t)iplen) ==
			    NULL)
				return -1;
		} else if (inet_ntop(AF_INET6, &s6->sin6_addr, ip,
		    (socklen_t)iplen) == NULL)
			return -1;
		*port = ntohs(s6->sin6_port);
		return 0;
	}
	errno = EAFNOSUPPORT;
	return -1;
}
