/*
 * ipc-sock - UNIX (file and abstract) and TCP sockets as shell filters:
 * listen, connect, send, recv.
 *
 * The data path moves bytes between stdin/stdout and the socket with
 * splice(2) where one end is a pipe (the usual case in a pipeline), with
 * sendfile(2) from a regular file, and with read/write otherwise.  The
 * socket is non-blocking and the pipes are spliced with SPLICE_F_NONBLOCK,
 * so neither direction can hold up the other and every wait is one
 * xpoll() (lib/sig.c): SIGINT, SIGTERM and SIGHUP end the tool at once,
 * busy or blocked.  Both directions end on their own (the EOF table in
 * ipc-sock(1)): stdin's end is passed on with shutdown(2) and reading
 * goes on until the peer closes; the peer's end first lets sending go on
 * until stdin ends.  No timer cuts either short.
 *
 * A socket file is made under a temporary name in the same directory
 * with exactly the mode asked for, listened on, and only then given its
 * name with path_publish() (link(2) or renameat2 RENAME_NOREPLACE), which
 * never replaces a path: so the name appears only once connections are
 * accepted.  A file found at the name is replaced only when a datagram
 * connect(2) to it says ECONNREFUSED (no socket is bound to it: stale);
 * such a probe never reaches a stream server's accept queue.  On exit
 * path_unlink_if() removes that very socket file and nothing else.
 */
#include <sys/types.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

enum {
	O_KEEP = 256, O_EXEC, O_MAXCONNS, O_ALLOWUID, O_ALLOWGID, O_READYFD,
	O_RETRY, O_DGRAM, O_SEQPACKET,
};

#define CHUNK		(1 << 20)	/* most one splice(2) or sendfile moves */
#define TURN		(8 << 20)	/* most one direction moves per turn */
#define BUFSZ		(128 * 1024)	/* the read/write fallback */
#define TCPBUF		(1 << 20)	/* a pipe into TCP: read/send this much */
#define BIGPIPE		(1 << 20)	/* capacity we give pipes when allowed */
#define RAWCHUNK	(64 * 1024)	/* --raw: bytes per datagram or packet */
#define NAP_MIN		5		/* ms between tries: --retry, backlog */
#define NAP_MAX		100
#define PUBLISH_TRIES	8		/* a stale file that keeps coming back */
#define MAXCONNS	40		/* --exec at once, as tcpserver(1) */

/* what the options asked for */
static struct {
	int		 type;		/* SOCK_STREAM, _DGRAM, _SEQPACKET */
	int		 keep;
	int		 retry;
	const char	*exec;		/* --exec CMD, for sh -c */
	char		**cmdv;		/* -- CMD ARG..., for execvp */
	long long	 maxconns;
	unsigned	*uids, *gids;	/* --allow-uid, --allow-gid */
	size_t		 nuids, ngids;
	int		 allow;		/* either list given */
	int		 readyfd;
} so = { .type = SOCK_STREAM, .readyfd = -1 };

/* the socket a listen or recv serves, and the file this run made */
struct server {
	struct sockspec	 sp;
	int		 fd;
	int		 family;
	int		 inherited;	/* fd:N or systemd: never unlinked */
	char		 local[SA_PATHMAX + 2];	/* UNIXLOCALPATH */
	char		 tmp[PATH_MAX];	/* the name it was bound to first */
	dev_t		 dev;
	ino_t		 ino;		/* 0 until bound */
	int		 hpath;		/* its cleanup handle, or -1 */
};

static struct server srv = { .fd = -1, .hpath = -1 };
static int stdin_eof;		/* stdin has ended: no more to send */
static int stdout_closed;	/* the peer's EOF closed our stdout */

static int fdtype(int);

static const char *
typename(int type)
{
	return type == SOCK_DGRAM ? "datagram" : type == SOCK_SEQPACKET ?
	    "seqpacket" : "stream";
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- options ----------------------------------------------------------- */

/* "1000,nobody,0": numbers as they are, names looked up once, here */
static void
eidlist(const char *what, const char *s, int group, unsigned **v, size_t *n)
{
	char *copy, *tok, *save = NULL;
	long long id;

	copy = estrdup(s);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (parse_num(tok, 0, (long long)UINT_MAX - 1, &id) == -1) {
			if (group) {
				struct group *gr = getgrnam(tok);

				if (gr == NULL)
					eusage("%s: no group '%.64s'", what,
					    tok);
				id = gr->gr_gid;
			} else {
				struct passwd *pw = getpwnam(tok);

				if (pw == NULL)
					eusage("%s: no user '%.64s'", what,
					    tok);
				id = pw->pw_uid;
			}
		}
		*v = ereallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = (unsigned)id;
	}
	free(copy);
	if (*n == 0)
		eusage("%s: empty list", what);
	so.allow = 1;
}

/* the verb-specific options all verbs share the handling of */
static void
eoption(int c)
{
	switch (c) {
	case O_KEEP:
		so.keep = 1;
		break;
	case O_EXEC:
		so.exec = optarg;
		break;
	case O_MAXCONNS:
		so.maxconns = enum_("max-conns", optarg, 1, 65536);
		break;
	case O_ALLOWUID:
		eidlist("--allow-uid", optarg, 0, &so.uids, &so.nuids);
		break;
	case O_ALLOWGID:
		eidlist("--allow-gid", optarg, 1, &so.gids, &so.ngids);
		break;
	case O_READYFD:
		so.readyfd = (int)enum_("ready-fd", optarg, 0, INT_MAX);
		break;
	case O_RETRY:
		so.retry = 1;
		break;
	case O_DGRAM:
		if (so.type == SOCK_SEQPACKET)
			eusage("--dgram and --seqpacket exclude each other");
		so.type = SOCK_DGRAM;
		break;
	case O_SEQPACKET:
		if (so.type == SOCK_DGRAM)
			eusage("--dgram and --seqpacket exclude each other");
		so.type = SOCK_SEQPACKET;
		break;
	}
}

/* the address operand: syntax errors are usage errors (status 2) */
static void
eparse(const char *a, int flags, struct sockspec *sp)
{
	char why[256];

	setoperand(a);
	if (sockspec_parse(a, flags, sp, why, sizeof(why)) == -1)
		eusage("%s", why);
	if (sp->kind == SA_TCP && so.type != SOCK_STREAM)
		eusage("--%s is for UNIX sockets (TCP is a stream)",
		    so.type == SOCK_DGRAM ? "dgram" : "seqpacket");
	if (sp->kind == SA_TCP && so.allow)
		eusage("--allow-uid and --allow-gid need a UNIX socket (a TCP "
		    "peer has no credentials)");
	if ((opt.given & OPT_MODE) && sp->kind != SA_UNIX)
		eusage("--mode applies to a socket file (/PATH, ./PATH, "
		    "unix:PATH)");
}

/* --ready-fd N must be open now, and no child may inherit it */
static void
eready_check(void)
{
	if (so.readyfd < 0)
		return;
	if (fcntl(so.readyfd, F_SETFD, FD_CLOEXEC) == -1)
		eusage("--ready-fd %d: not an open descriptor", so.readyfd);
}

/* ---- the socket file --------------------------------------------------- */

static void
rm_tmp(void *arg)
{
	struct server *s = arg;

	if (s->ino != 0)
		(void)path_unlink_if(s->tmp, S_IFSOCK, s->dev, s->ino, NULL);
}

static void
rm_path(void *arg)
{
	struct server *s = arg;

	if (s->ino != 0)
		(void)path_unlink_if(s->sp.path, S_IFSOCK, s->dev, s->ino,
		    NULL);
}

/*
 * Something is at the path: refuse unless it is a socket file that no
 * socket is bound to.  A datagram connect(2) tells without disturbing
 * anyone: ECONNREFUSED means nothing is bound (stale); success or
 * EPROTOTYPE means a server has it (a stream or seqpacket server is not
 * even reached, so its accept queue, full or not, is left alone).  Any
 * other answer means we cannot tell: "in use".  Returns when the path is
 * free to take again.
 */
static void
eclaim(const char *path)
{
	struct sockaddr_un un;
	struct stat st;
	int fd, r, e;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return;
		eerr(EXIT_FAIL, "lstat");
	}
	if (!S_ISSOCK(st.st_mode))
		eerrx(EXIT_FAIL, "the path exists and is a %s, not a socket: "
		    "left untouched", ftype_name(st.st_mode));
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	memcpy(un.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		eerr(EXIT_FAIL, "socket");
	r = connect(fd, (struct sockaddr *)&un, sizeof(un));
	e = errno;
	close(fd);
	if (r == 0 || e == EPROTOTYPE)
		eerrx(EXIT_FAIL, "in use: a server is bound to this socket");
	if (e == ENOENT)
		return;
	if (e != ECONNREFUSED) {
		errno = e;
		eerr(EXIT_FAIL, "in use or not ours to replace (a connect to "
		    "tell whether it is stale failed)");
	}
	if (path_unlink_if(path, S_IFSOCK, st.st_dev, st.st_ino, NULL) == 0)
		iverbose("removed a stale socket file (nothing bound to it)");
	else if (errno != ENOENT && errno != ESTALE)
		eerr(EXIT_FAIL, "cannot remove the stale socket file");
}

/*
 * Bind fd to a temporary name next to the path, with exactly opt.mode
 * whatever the umask, listen (stream and seqpacket), and give it the
 * path's name, never replacing anything: the path appears only once it
 * accepts.  A directory too long for a temporary name beside the path in
 * sun_path is reached through /proc/self/fd.
 */
static void
ebind_path(struct server *s, int fd)
{
	struct sockaddr_un un;
	struct stat st;
	char dir[SA_PATHMAX + 1], base[32];
	const char *slash;
	mode_t old;
	int dfd = -1, i, r, e;

	if ((slash = strrchr(s->sp.path, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else if (slash == s->sp.path)
		strlcpy(dir, "/", sizeof(dir));
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - s->sp.path),
		    s->sp.path);
	for (i = 0;; i++) {
		snprintf(base, sizeof(base), ".ipc-sock.%08x", arc4random());
		if (strlen(dir) + 1 + strlen(base) <= SA_PATHMAX)
			snprintf(s->tmp, sizeof(s->tmp), "%s%s%s", dir,
			    strcmp(dir, "/") == 0 ? "" : "/", base);
		else {
			if (dfd == -1 && (dfd = open(dir, O_PATH | O_DIRECTORY |
			    O_CLOEXEC)) == -1)
				eerr(EXIT_FAIL, "open the directory");
			snprintf(s->tmp, sizeof(s->tmp), "/proc/self/fd/%d/%s",
			    dfd, base);
		}
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		strlcpy(un.sun_path, s->tmp, sizeof(un.sun_path));
		old = umask(~opt.mode & 0777);
		r = bind(fd, (struct sockaddr *)&un, sizeof(un));
		e = errno;
		umask(old);
		if (r == 0)
			break;
		if (e != EADDRINUSE || i == 16) {
			errno = e;
			eerr(EXIT_FAIL, "bind");
		}
	}
	if (lstat(s->tmp, &st) == -1 || !S_ISSOCK(st.st_mode))
		eerr(EXIT_FAIL, "the socket file vanished");
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	cleanup_add(rm_tmp, s);
	s->hpath = cleanup_add(rm_path, s);
	if (so.type != SOCK_DGRAM && listen(fd, SOMAXCONN) == -1)
		eerr(EXIT_FAIL, "listen");
	for (i = 0;; i++) {
		if (path_publish(s->tmp, s->sp.path) == 0)
			break;
		if (errno != EEXIST)
			eerr(EXIT_FAIL, "cannot give the socket its name");
		if (i == PUBLISH_TRIES)
			eerrx(EXIT_FAIL, "in use: a file keeps reappearing at "
			    "the path");
		eclaim(s->sp.path);
	}
	if (dfd != -1)
		close(dfd);
	strlcpy(s->local, s->sp.path, sizeof(s->local));
}

/* ---- opening the listening side ---------------------------------------- */

/* fd:N or systemd: a socket of the right type, listening if a stream */
static void
eadopt(struct server *s, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct stat st;
	int type, acc;

	s->inherited = 1;
	if (fstat(fd, &st) == -1)
		eerr(EXIT_FAIL, "descriptor %d", fd);
	if (!S_ISSOCK(st.st_mode))
		eerrx(EXIT_FAIL, "descriptor %d is a %s, not a socket", fd,
		    ftype_name(st.st_mode));
	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		eerr(EXIT_FAIL, "getsockopt SO_TYPE");
	if (type != so.type)
		eerrx(EXIT_FAIL, "descriptor %d is a %s socket, not a %s one%s",
		    fd, typename(type), typename(so.type),
		    type == SOCK_DGRAM ? " (add --dgram)" :
		    type == SOCK_SEQPACKET ? " (add --seqpacket)" : "");
	len = sizeof(acc);
	if (type != SOCK_DGRAM && (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN,
	    &acc, &len) == -1 || !acc))
		eerrx(EXIT_FAIL, "descriptor %d is not a listening socket", fd);
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		eerr(EXIT_FAIL, "getsockname");
	s->family = ss.ss_family;
	if (s->family != AF_UNIX && so.allow)
		eerrx(EXIT_FAIL, "--allow-uid and --allow-gid need a UNIX "
		    "socket (a TCP peer has no credentials)");
	if (s->family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		size_t off = offsetof(struct sockaddr_un, sun_path), n;

		n = len > off ? len - off : 0;
		if (n > 0 && un->sun_path[0] == '\0')
			snprintf(s->local, sizeof(s->local), "@%.*s",
			    (int)strnlen(un->sun_path + 1, n - 1),
			    un->sun_path + 1);
		else
			snprintf(s->local, sizeof(s->local), "%.*s",
			    (int)strnlen(un->sun_path, n), un->sun_path);
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (set_nonblock(fd, 1) == -1)
		eerr(EXIT_FAIL, "fcntl");
	s->fd = fd;
}

/* sd_listen_fds(3): ours only if LISTEN_PID is our pid; the first is 3 */
static int
esystemd_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	long long v, k;

	if (pid == NULL || n == NULL)
		eerrx(EXIT_FAIL, "not started by socket activation (LISTEN_PID "
		    "and LISTEN_FDS are not set)");
	if (parse_num(pid, 1, INT_MAX, &v) == -1 || (pid_t)v != getpid())
		eerrx(EXIT_FAIL, "LISTEN_PID=%.32s is not this process (%d): "
		    "the sockets are another's", pid, (int)getpid());
	if (parse_num(n, 1, INT_MAX - 3, &k) == -1)
		eerrx(EXIT_FAIL, "LISTEN_FDS=%.32s: no socket passed", n);
	if (k > 1)
		iverbose("%lld sockets passed: serving the first (fd 3)", k);
	/* not for the commands we run */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 3;
}

static void
eopen_tcp(struct server *s)
{
	struct addrinfo *res, *ai, *pick[2] = { NULL, NULL };
	int fd = -1, on = 1, off = 0, r, e = 0, i;

	if ((r = sockspec_resolve(&s->sp, SA_PASSIVE, &res)) != 0)
		eerrx(EXIT_FAIL, "cannot resolve: %s", gai_strerror(r));
	/* any host: one dual-stack IPv6 socket where there is IPv6 */
	if (s->sp.host[0] == '\0')
		for (ai = res; ai != NULL; ai = ai->ai_next)
			if (pick[ai->ai_family == AF_INET6 ? 0 : 1] == NULL)
				pick[ai->ai_family == AF_INET6 ? 0 : 1] = ai;
	for (i = 0, ai = res; ai != NULL; ) {
		struct addrinfo *a = ai;

		if (s->sp.host[0] == '\0') {
			if (i == 2)
				break;
			if ((a = pick[i++]) == NULL)
				continue;
		} else
			ai = ai->ai_next;
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, a->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		if (a->ai_family == AF_INET6 && s->sp.host[0] == '\0')
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off,
			    sizeof(off));
		if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0) {
			s->family = a->ai_family;
			break;
		}
		e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = e;
		if (e == EADDRINUSE)
			eerrx(EXIT_FAIL, "in use: another socket is bound to "
			    "this address and port");
		eerr(EXIT_FAIL, "bind");
	}
	s->fd = fd;
}

/* make, bind (and listen on) the address of listen or recv */
static void
eserver_open(struct server *s)
{
	struct sockaddr_un un;
	int fd, len;

	switch (s->sp.kind) {
	case SA_FD:
		eadopt(s, s->sp.fd);
		return;
	case SA_SYSTEMD:
		eadopt(s, esystemd_fd());
		return;
	case SA_TCP:
		eopen_tcp(s);
		return;
	}
	if ((fd = socket(AF_UNIX, so.type | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		eerr(EXIT_FAIL, "socket");
	s->family = AF_UNIX;
	s->fd = fd;
	if (s->sp.kind == SA_UNIX) {
		ebind_path(s, fd);
		return;
	}
	len = sockspec_un(&s->sp, &un);
	if (bind(fd, (struct sockaddr *)&un, (socklen_t)len) == -1) {
		if (errno == EADDRINUSE)
			eerrx(EXIT_FAIL, "in use: another socket has this "
			    "abstract name");
		eerr(EXIT_FAIL, "bind");
	}
	if (so.type != SOCK_DGRAM && listen(fd, SOMAXCONN) == -1)
		eerr(EXIT_FAIL, "listen");
	snprintf(s->local, sizeof(s->local), "@%s", s->sp.path);
}

/* accepting now: say so with -v, and on --ready-fd (one newline) */
static void
eready(const struct server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char where[256];

	if (opt.verbose) {
		if (s->family != AF_UNIX &&
		    getsockname(s->fd, (struct sockaddr *)&ss, &len) == 0)
			sockaddr_fmt((struct sockaddr *)&ss, len, where,
			    sizeof(where));
		else
			strlcpy(where, s->local, sizeof(where));
		iverbose("listening on %s (%s)", where, typename(so.type));
	}
	if (so.readyfd >= 0) {
		if (writeall(so.readyfd, "\n", 1) == -1)
			iwarn("--ready-fd %d", so.readyfd);
		close(so.readyfd);
		so.readyfd = -1;
	}
}

/* stop listening: later clients are refused at once, the file goes */
static void
server_close(struct server *s)
{
	if (s->fd == -1)
		return;
	close(s->fd);
	s->fd = -1;
	if (s->hpath != -1) {
		cleanup_del(s->hpath);
		s->hpath = -1;
		rm_path(s);
		s->ino = 0;
	}
}

/* ---- accepting --------------------------------------------------------- */

static int
inlist(const unsigned *v, size_t n, unsigned id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* the peer's supplementary groups (SO_PEERGROUPS) hold one of the list */
static int
peer_groups_ok(int fd)
{
	gid_t small[64], *g = small;
	socklen_t len = sizeof(small);
	size_t i, n;
	int ok = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
		if (errno != ERANGE || (g = malloc(len)) == NULL)
			return 0;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == -1) {
			free(g);
			return 0;
		}
	}
	n = len / sizeof(gid_t);
	for (i = 0; i < n && !ok; i++)
		ok = inlist(so.gids, so.ngids, g[i]);
	if (g != small)
		free(g);
	return ok;
}

/* --allow-uid/--allow-gid against the kernel's numbers for the peer */
static int
cred_ok(const struct ucred *uc)
{
	return inlist(so.uids, so.nuids, uc->uid) ||
	    inlist(so.gids, so.ngids, uc->gid);
}

static void
refused(const struct ucred *uc)
{
	if (!opt.quiet)
		iwarnx("refused a peer: uid %u gid %u pid %d is not in "
		    "--allow-uid or --allow-gid", (unsigned)uc->uid,
		    (unsigned)uc->gid, (int)uc->pid);
}

/*
 * Take one connection the listening socket has ready: its descriptor
 * (blocking for a command, non-blocking for our relay), or -1 when there
 * was none after all or the peer was refused (nothing read or written).
 */
static int
accept_ready(const struct server *s, int nonblock, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);
	int fd;

	fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0));
	if (fd == -1) {
		switch (errno) {
		case EAGAIN:
		case ECONNABORTED:
		case EPROTO:
		case EINTR:
		case EPERM:
			return -1;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			/* a limit: say so, let the backlog wait a little */
			iwarn("accept");
			(void)xpoll(NULL, 0, NAP_MAX);
			return -1;
		}
		eerr(EXIT_FAIL, "accept");
	}
	uc->pid = 0;
	uc->uid = uc->gid = (unsigned)-1;
	if (s->family == AF_UNIX &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) == -1)
		uc->uid = uc->gid = (unsigned)-1;
	if (so.allow && !cred_ok(uc) && !(so.ngids > 0 && peer_groups_ok(fd))) {
		refused(uc);
		close(fd);
		return -1;
	}
	if (s->family == AF_UNIX)
		iverbose("connection from pid %d uid %u gid %u", (int)uc->pid,
		    (unsigned)uc->uid, (unsigned)uc->gid);
	else
		iverbose("connection accepted");
	return fd;
}

/* wait for an allowed connection until the deadline: its fd, or -1 */
static int
eaccept_wait(const struct server *s, const struct deadline *d,
    struct ucred *uc)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	int r, fd;

	for (;;) {
		r = xpoll_until(&p, 1, d);
		if (r == 0)
			return -1;
		if (r == -1) {
			if (errno != EINTR)
				eerr(EXIT_FAIL, "poll");
			eonsig();
			continue;
		}
		if ((fd = accept_ready(s, 1, uc)) != -1)
			return fd;
	}
}

/* ---- connecting -------------------------------------------------------- */

/* one non-blocking connect, waited for until the deadline: 0, -1 errno
 * (ETIMEDOUT when the deadline passed) */
static int
connect_wait(int fd, const struct sockaddr *sa, socklen_t len,
    const struct deadline *d)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t elen = sizeof(int);
	int r, e;

	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	for (;;) {
		r = xpoll_until(&p, 1, d);
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r == -1) {
			if (errno != EINTR)
				return -1;
			eonsig();
			continue;
		}
		break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		return -1;
	if (e != 0) {
		errno = e;
		return -1;
	}
	return 0;
}

/* one try at every address the operand stands for: fd, or -1 errno */
static int
try_connect(const struct sockspec *sp, int type, struct addrinfo *res,
    const struct deadline *d)
{
	struct sockaddr_un un;
	struct addrinfo *ai;
	int fd, len, e = ECONNREFUSED;

	if (sp->kind == SA_UNIX || sp->kind == SA_ABSTRACT) {
		len = sockspec_un(sp, &un);
		if ((fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0)) == -1)
			eerr(EXIT_FAIL, "socket");
		if (connect_wait(fd, (struct sockaddr *)&un, (socklen_t)len,
		    d) == 0)
			return fd;
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol)) == -1) {
			e = errno;
			continue;
		}
		if (connect_wait(fd, ai->ai_addr, ai->ai_addrlen, d) == 0)
			return fd;
		e = errno;
		close(fd);
		if (e == ETIMEDOUT && deadline_expired(d))
			break;
	}
	errno = e;
	return -1;
}

/*
 * Connect to the operand's address (connect, send): the socket, or -1
 * when --timeout ran out first.  A full accept queue (EAGAIN) is waited
 * out; with --retry so are a missing server (ENOENT, ECONNREFUSED).
 */
static int
econnect(const struct sockspec *sp, int type)
{
	struct addrinfo *res = NULL;
	struct deadline d;
	struct stat st;
	long long nap = NAP_MIN, left;
	int fd, r, said = 0;

	if (sp->kind == SA_TCP && (r = sockspec_resolve(sp, 0, &res)) != 0) {
		if (r == EAI_SYSTEM)
			eerr(EXIT_FAIL, "cannot resolve");
		eerrx(EXIT_FAIL, "cannot resolve: %s", gai_strerror(r));
	}
	deadline_init(&d, opt.timeout);
	for (;;) {
		if ((fd = try_connect(sp, type, res, &d)) != -1)
			break;
		switch (errno) {
		case ETIMEDOUT:
			if (!deadline_expired(&d))
				goto fail;
			freeaddrinfo(res);
			return -1;
		case EAGAIN:		/* the server's accept queue is full */
			break;
		case ECONNREFUSED:
		case ENOENT:
			r = errno;
			if (sp->kind == SA_UNIX && lstat(sp->path, &st) == 0 &&
			    !S_ISSOCK(st.st_mode))
				eerrx(EXIT_FAIL, "not a socket (%s)",
				    ftype_name(st.st_mode));
			errno = r;
			if (so.retry)
				break;
			/* FALLTHROUGH */
		default:
			goto fail;
		}
		if (!said++)
			iverbose("waiting for the server (%s)", strerror(errno));
		if ((left = deadline_left(&d)) == 0) {
			freeaddrinfo(res);
			return -1;
		}
		if (xpoll(NULL, 0, left >= 0 && left < nap ? left : nap) == -1 &&
		    errno == EINTR)
			eonsig();
		nap = nap * 2 > NAP_MAX ? NAP_MAX : nap * 2;
	}
	if (res != NULL)
		freeaddrinfo(res);
	iverbose("connected");
	return fd;
fail:
	r = errno;
	if (res != NULL)
		freeaddrinfo(res);
	errno = r;
	if (errno == ECONNREFUSED && sp->kind == SA_UNIX)
		eerr(EXIT_FAIL, "connect (a socket file nothing is bound to)");
	eerr(EXIT_FAIL, "connect");
}

/* ---- the relay: stdin to the socket, the socket to stdout -------------- */

#define HOW_SPLICE	0	/* one end is a pipe */
#define HOW_SENDFILE	1	/* a regular file into the socket */
#define HOW_COPY	2	/* read(2), then write(2) or send(2) */

#define W_IN		0	/* waiting for in to be readable */
#define W_OUT		1	/* waiting for out to be writable */

#define ST_WAIT		0	/* nothing more for now: poll */
#define ST_EOF		1	/* in has ended, all of it written */
#define ST_ERRIN	2	/* errno: reading in failed */
#define ST_ERROUT	3	/* errno: writing out failed */

struct flow {
	int		 in, out;
	int		 how;
	int		 inpoll;	/* in needs poll before each read */
	int		 insock;	/* in is a socket: recv(2) */
	int		 outsock;	/* out is a socket: send(2) */
	int		 discard;	/* drop what is read */
	int		 wait;		/* W_IN, W_OUT */
	int		 done;
	int		 spins;		/* EAGAIN with both ends ready */
	char		*buf;
	size_t		 bufsz;
	size_t		 off, len;	/* bytes read, not yet written */
	uint64_t	 bytes;
};

static int
fdtype(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return 0;
	return st.st_mode & S_IFMT;
}

/* raise a pipe to BIGPIPE if the kernel lets us, silently, never lower */
static void
pipe_grow(int fd)
{
	int cap;

	if (fdtype(fd) == S_IFIFO && (cap = pipe_capacity(fd)) > 0 &&
	    cap < BIGPIPE)
		(void)set_pipe_size(fd, BIGPIPE);
}

/* a TCP socket (not UNIX) */
static int
is_tcp(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

/*
 * up: stdin to the socket; down: the socket to stdout (or dropped).
 * Spliced pipe pages reach a TCP socket as 4 KiB fragments, many small
 * segments: on loopback, reading 1 MiB at a time and sending it is a
 * third faster, so a pipe into TCP is copied; everything else that
 * touches a pipe is spliced.
 */
static void
flow_init(struct flow *f, int in, int out, int discard)
{
	int tin = fdtype(in), tout = discard ? 0 : fdtype(out);

	memset(f, 0, sizeof(*f));
	f->in = in;
	f->out = out;
	f->discard = discard;
	f->wait = W_IN;
	f->bufsz = BUFSZ;
	if (discard)
		f->how = HOW_COPY;
	else if (tin == S_IFIFO && tout == S_IFSOCK && is_tcp(out)) {
		f->how = HOW_COPY;
		f->bufsz = TCPBUF;
	} else if (tin == S_IFIFO || tout == S_IFIFO)
		f->how = HOW_SPLICE;
	else if (tin == S_IFREG)
		f->how = HOW_SENDFILE;
	else
		f->how = HOW_COPY;
	/* stdin may block (a terminal): read only what poll promised */
	f->inpoll = in == 0 && tin != S_IFREG;
	f->insock = tin == S_IFSOCK;
	f->outsock = tout == S_IFSOCK;
}

/* EAGAIN: wait for whichever end is not ready (both: nap, then retry) */
static int
flow_blocked(struct flow *f)
{
	struct pollfd p[2] = {
		{ .fd = f->in, .events = POLLIN },
		{ .fd = f->out, .events = POLLOUT },
	};

	if (poll(p, 2, 0) == -1)
		p[0].revents = p[1].revents = 0;
	if (p[0].revents == 0) {
		f->wait = W_IN;
		f->spins = 0;
	} else if (p[1].revents == 0) {
		f->wait = W_OUT;
		f->spins = 0;
	} else if (++f->spins > 2) {
		(void)xpoll(NULL, 0, 1);
		f->spins = 0;
	}
	return ST_WAIT;
}

static ssize_t
flow_read(struct flow *f)
{
	if (f->buf == NULL && (f->buf = malloc(f->bufsz)) == NULL)
		return -1;
	if (f->insock)
		return recv(f->in, f->buf, f->bufsz, MSG_DONTWAIT);
	return read(f->in, f->buf, f->bufsz);
}

#define ST_MORE		(-1)	/* flow_*: moved some, or try again */

/* a splice(2) or sendfile(2) that failed: what comes of errno (EPIPE
 * is the writer's; the caller sorts the socket's errors from the
 * pipe's) */
static int
flow_zc_error(struct flow *f)
{
	int sf = f->how == HOW_SENDFILE;

	if (errno == EAGAIN) {
		if (!sf)
			return flow_blocked(f);
		f->wait = W_OUT;
		return ST_WAIT;
	}
	if (errno == EINTR) {
		if (gotsig)
			eonsig();
		return ST_MORE;
	}
	if ((errno == EINVAL || errno == ENOSYS) && f->bytes == 0) {
		f->how = HOW_COPY;
		return ST_MORE;
	}
	if (errno == EPIPE || (sf && errno == ECONNRESET))
		return ST_ERROUT;
	return ST_ERRIN;
}

/* one splice(2) or sendfile(2) of up to CHUNK bytes */
static int
flow_zerocopy(struct flow *f, size_t *moved)
{
	ssize_t n;

	if (f->how == HOW_SPLICE)
		n = splice(f->in, NULL, f->out, NULL, CHUNK,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	else
		n = sendfile(f->out, f->in, NULL, CHUNK);
	if (n > 0) {
		f->bytes += (uint64_t)n;
		*moved += (size_t)n;
		return ST_MORE;
	}
	if (n == 0)
		return ST_EOF;
	return flow_zc_error(f);
}

/* read(2) into the buffer when it is empty, then write all of it out */
static int
flow_copy(struct flow *f, size_t *moved)
{
	ssize_t n;

	if (f->len == 0) {
		if ((n = flow_read(f)) == 0)
			return ST_EOF;
		if (n < 0) {
			if (errno == EAGAIN) {
				f->wait = W_IN;
				return ST_WAIT;
			}
			if (errno != EINTR)
				return ST_ERRIN;
			if (gotsig)
				eonsig();
			return ST_MORE;
		}
		f->off = 0;
		f->len = (size_t)n;
		if (f->discard) {
			f->bytes += (uint64_t)n;
			f->len = 0;
			return ST_MORE;
		}
	}
	while (f->len > 0) {
		n = f->outsock ? send(f->out, f->buf + f->off, f->len,
		    MSG_DONTWAIT | MSG_NOSIGNAL) :
		    write(f->out, f->buf + f->off, f->len);
		if (n > 0) {
			f->off += (size_t)n;
			f->len -= (size_t)n;
			f->bytes += (uint64_t)n;
			*moved += (size_t)n;
		} else if (n == -1 && errno == EAGAIN) {
			f->wait = W_OUT;
			return ST_WAIT;
		} else if (n == -1 && errno == EINTR) {
			if (gotsig)
				eonsig();
		} else
			return ST_ERROUT;
	}
	if (f->inpoll) {
		f->wait = W_IN;
		return ST_WAIT;
	}
	return ST_MORE;
}

/*
 * Move what can be moved now, at most TURN bytes (then the other
 * direction gets its turn).  Never blocks on a socket or a pipe.
 */
static int
flow_step(struct flow *f)
{
	size_t moved = 0;
	int st = ST_MORE;

	while (st == ST_MORE && moved < TURN)
		st = f->how == HOW_COPY ? flow_copy(f, &moved) :
		    flow_zerocopy(f, &moved);
	return st == ST_MORE ? ST_WAIT : st;
}

static int
sockerr(int e)
{
	return e == ECONNRESET || e == EPIPE || e == ETIMEDOUT ||
	    e == ENOTCONN || e == EHOSTUNREACH || e == ENETUNREACH ||
	    e == ECONNABORTED || e == ENETDOWN || e == EHOSTDOWN;
}

#define R_UP		0x01	/* stdin to the socket */
#define R_DOWN		0x02	/* the socket to stdout */
#define R_DRAIN		0x04	/* read the socket to its end, drop it */
#define R_CLOSEOUT	0x08	/* the peer's EOF closes our stdout */
#define R_PEERENDS	0x10	/* the peer's EOF ends the connection */

/* the connection failed: one line saying how far it got, status 1 */
static int
lost(int e, const struct flow *up, const struct flow *down, int how)
{
	char what[160];

	if (how & R_UP)
		snprintf(what, sizeof(what), "%ju byte%s of stdin sent%s",
		    (uintmax_t)up->bytes, plural(up->bytes),
		    up->done ? " (all of it)" : ", the rest not delivered");
	else
		what[0] = '\0';
	if (how & R_DOWN)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
		    "%s%ju byte%s received", what[0] != '\0' ? ", " : "",
		    (uintmax_t)down->bytes, plural(down->bytes));
	if (e == EPIPE)
		iwarnx("the peer closed the connection before taking all of "
		    "stdin: %s", what);
	else if (e == ECONNRESET && up->done && !(how & R_DOWN))
		iwarnx("connection reset by the peer: it closed without "
		    "reading everything (%s)", what);
	else
		iwarnx("%s: %s", strerror(e), what);
	return EXIT_FAIL;
}

/* stdin has ended: pass it on, keep reading */
static void
up_eof(int sock, struct flow *up)
{
	up->done = 1;
	stdin_eof = 1;
	if (shutdown(sock, SHUT_WR) == -1 && errno != ENOTCONN)
		iwarn("shutdown");
	iverbose("stdin ended after %ju byte%s: end of file sent",
	    (uintmax_t)up->bytes, plural(up->bytes));
}

/*
 * The peer's end: our stdout is done, its reader gets EOF.  A socket
 * (ipc-sock run by a server, as a relay) is shut down for writing, so
 * the other half goes on; anything else is replaced by /dev/null opened
 * for reading, so that a stray write fails rather than vanishes.
 */
static void
close_stdout(void)
{
	int fd;

	if (stdout_closed)
		return;
	fflush(stdout);
	stdout_closed = 1;
	if (fdtype(1) == S_IFSOCK) {
		(void)shutdown(1, SHUT_WR);
		return;
	}
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1) {
		dup2(fd, 1);
		close(fd);
	}
}

/*
 * Relay between stdin/stdout and the connected socket until both
 * directions have ended: 0, or 1 with a message.  A closed stdout ends
 * the tool with status 141 (eepipe), a signal with its re-raise.
 */
static int
relay(int sock, int how)
{
	struct flow up, down;
	struct pollfd p[3];
	int n, r, st, iup, idown, iout, outpipe, rc = 0;

	flow_init(&up, 0, sock, 0);
	flow_init(&down, sock, 1, (how & R_DRAIN) != 0);
	if (!(how & R_UP))
		up.done = 1;
	else if (stdin_eof)
		up_eof(sock, &up);
	if (!(how & (R_DOWN | R_DRAIN)))
		down.done = 1;
	outpipe = (how & R_DOWN) && fdtype(1) == S_IFIFO;
	if (how & R_UP)
		pipe_grow(0);
	if (how & R_DOWN)
		pipe_grow(1);
	while (!up.done || !down.done) {
		n = 0;
		iup = idown = iout = -1;
		if (!up.done) {
			iup = n++;
			p[iup].fd = up.wait == W_IN ? up.in : up.out;
			p[iup].events = up.wait == W_IN ? POLLIN : POLLOUT;
		}
		if (!down.done) {
			idown = n++;
			p[idown].fd = down.wait == W_IN ? down.in : down.out;
			p[idown].events = down.wait == W_IN ? POLLIN : POLLOUT;
			/* a reader of stdout that has gone (POLLERR) */
			if (outpipe && down.wait == W_IN) {
				iout = n++;
				p[iout].fd = 1;
				p[iout].events = 0;
			}
		}
		if ((r = xpoll(p, (nfds_t)n, -1)) == -1) {
			if (errno != EINTR)
				eerr(EXIT_FAIL, "poll");
			eonsig();
			continue;
		}
		if (iout != -1 && (p[iout].revents & POLLERR))
			eepipe();
		if (iup != -1 && p[iup].revents != 0) {
			st = flow_step(&up);
			if (st == ST_EOF)
				up_eof(sock, &up);
			else if (st == ST_ERRIN && !sockerr(errno))
				eerr(EXIT_FAIL, "read error on stdin");
			else if (st != ST_WAIT) {
				rc = lost(errno, &up, &down, how);
				break;
			}
		}
		if (idown != -1 && p[idown].revents != 0 && !down.done) {
			st = flow_step(&down);
			if (st == ST_EOF) {
				down.done = 1;
				iverbose("the peer ended after %ju byte%s",
				    (uintmax_t)down.bytes, plural(down.bytes));
				if (how & R_CLOSEOUT)
					close_stdout();
				if ((how & R_PEERENDS) && up.len == 0)
					up.done = 1;
			} else if (st == ST_ERROUT && errno == EPIPE)
				eepipe();
			else if (st == ST_ERROUT)
				eerr(EXIT_FAIL, "write error on stdout");
			else if (st == ST_ERRIN) {
				rc = lost(errno, &up, &down, how);
				break;
			}
		}
	}
	free(up.buf);
	free(down.buf);
	if (rc == 0)
		iverbose("%ju byte%s sent, %ju received", (uintmax_t)up.bytes,
		    plural(up.bytes), (uintmax_t)down.bytes);
	return rc;
}

/* ---- --exec: a command per connection ---------------------------------- */

struct conenv {
	char	 v[6][SA_PATHMAX + 64];
	char	*p[7];
};

/* the UCSPI variables (ucspi-unix, tcpserver, s6-ipcserver) for CMD */
static void
conn_env(const struct server *s, int fd, const struct ucred *uc,
    struct conenv *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char ip[INET6_ADDRSTRLEN + 1];
	unsigned port;
	int n = 0;

	if (s->family == AF_UNIX) {
		snprintf(e->v[n++], sizeof(e->v[0]), "PROTO=UNIX");
		snprintf(e->v[n++], sizeof(e->v[0]), "UNIXREMOTEPID=%d",
		    (int)uc->pid);
		snprintf(e->v[n++], sizeof(e->v[0]), "UNIXREMOTEEUID=%u",
		    (unsigned)uc->uid);
		snprintf(e->v[n++], sizeof(e->v[0]), "UNIXREMOTEEGID=%u",
		    (unsigned)uc->gid);
		snprintf(e->v[n++], sizeof(e->v[0]), "UNIXLOCALPATH=%s",
		    s->local);
	} else {
		snprintf(e->v[n++], sizeof(e->v[0]), "PROTO=TCP");
		len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
		    sockaddr_ipport((struct sockaddr *)&ss, len, ip,
		    sizeof(ip), &port) == 0) {
			snprintf(e->v[n++], sizeof(e->v[0]), "TCPREMOTEIP=%s",
			    ip);
			snprintf(e->v[n++], sizeof(e->v[0]),
			    "TCPREMOTEPORT=%u", port);
		}
		len = sizeof(ss);
		if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
		    sockaddr_ipport((struct sockaddr *)&ss, len, ip,
		    sizeof(ip), &port) == 0) {
			snprintf(e->v[n++], sizeof(e->v[0]), "TCPLOCALIP=%s",
			    ip);
			snprintf(e->v[n++], sizeof(e->v[0]),
			    "TCPLOCALPORT=%u", port);
		}
	}
	for (int i = 0; i < n; i++)
		e->p[i] = e->v[i];
	e->p[n] = NULL;
}

/* a terminating signal with commands running: they have it too
 * (SIGP_FORWARD); stop listening, wait for them, then re-raise */
static void
eend_children(struct server *s)
{
	int sig = gotsig, st;
	pid_t pid;

	server_close(s);
	for (;;) {
		int r = child_reap(&pid, &st);

		if (r == 1)
			continue;
		if (r == -1 || child_count() == 0)
			break;
		(void)xpoll(NULL, 0, NAP_MAX);
	}
	eraise(sig);
}

static int
serve_exec(struct server *s)
{
	struct childspec cs;
	struct conenv env;
	struct deadline d;
	struct pollfd p;
	struct ucred uc;
	long long served = 0, max;
	int status = 0, st, r, fd, active = 0, more = 1, timedout = 0;
	pid_t pid;

	max = so.maxconns > 0 ? so.maxconns : so.keep ? MAXCONNS : 1;
	sig_policy(SIGP_FORWARD);
	deadline_init(&d, opt.timeout);
	for (;;) {
		while (child_reap(&pid, &st) == 1) {
			active--;
			if (!so.keep)
				status = st;
			if (st != 0)
				iverbose("command %d ended with status %d",
				    (int)pid, st);
		}
		if ((!so.keep && served > 0) ||
		    (opt.count > 0 && served >= opt.count) || timedout)
			more = 0;
		if (!more) {
			server_close(s);
			if (active == 0)
				break;
		}
		p.fd = more && active < max ? s->fd : -1;
		p.events = POLLIN;
		r = xpoll(&p, 1, p.fd != -1 ? deadline_left(&d) : -1);
		if (r == -1) {
			if (errno != EINTR)
				eerr(EXIT_FAIL, "poll");
			if (gotsig)
				eend_children(s);
			continue;
		}
		if (r == 0) {
			if (p.fd != -1 && deadline_expired(&d)) {
				if (served == 0) {
					server_close(s);
					return itimedout("no connection came");
				}
				timedout = 1;
			}
			continue;
		}
		if ((fd = accept_ready(s, 0, &uc)) == -1)
			continue;
		conn_env(s, fd, &uc, &env);
		memset(&cs, 0, sizeof(cs));
		cs.sh = so.exec;
		cs.argv = so.cmdv;
		cs.fd0 = cs.fd1 = fd;
		cs.env = env.p;
		pid = child_start(&cs);
		close(fd);
		if (pid == -1) {
			iwarn("cannot start the command");
			status = EXIT_FAIL;
			if (!so.keep)
				return status;
			continue;
		}
		iverbose("command %d started", (int)pid);
		active++;
		served++;
		deadline_init(&d, opt.timeout);
	}
	return status;
}

/* connections one at a time, wired to stdin and stdout */
static int
serve_stdio(struct server *s)
{
	struct deadline d;
	struct ucred uc;
	long long served = 0;
	int fd, st, status = 0, keep = so.keep;

	deadline_init(&d, opt.timeout);
	for (;;) {
		if ((fd = eaccept_wait(s, &d, &uc)) == -1) {
			if (served == 0) {
				server_close(s);
				return itimedout("no connection came");
			}
			break;
		}
		served++;
		if (!keep || (opt.count > 0 && served >= opt.count))
			server_close(s);
		st = relay(fd, R_UP | R_DOWN | (keep ? R_PEERENDS :
		    R_CLOSEOUT));
		close(fd);
		if (st != 0)
			status = st;
		if (s->fd == -1)
			break;
		deadline_init(&d, opt.timeout);
	}
	return status;
}

/* ---- records: datagrams and packets ------------------------------------ */

static void
eoutput(void)
{
	if (errno == EPIPE)
		eepipe();
	eerr(EXIT_FAIL, "write error on stdout");
}

/* the receiver is gone or the record does not fit: say so, status 1 */
static void
esend_failed(int fd, int e, uint64_t nrec, size_t len)
{
	socklen_t sl = sizeof(int);
	int sndbuf = 0;

	if (e == EMSGSIZE) {
		(void)getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
		eerrx(EXIT_FAIL, "record %ju of %zu bytes does not fit one %s "
		    "(the socket's send buffer is %d bytes, net.core.wmem_max "
		    "= %lld): not sent; %ju record%s sent before it",
		    (uintmax_t)nrec + 1, len, so.type == SOCK_DGRAM ?
		    "datagram" : "packet", sndbuf,
		    sysctl_num("/proc/sys/net/core/wmem_max"), (uintmax_t)nrec,
		    plural(nrec));
	}
	if (e == ECONNREFUSED || e == EPIPE || e == ECONNRESET ||
	    e == ENOTCONN)
		eerrx(EXIT_FAIL, "the receiver went away: record %ju and any "
		    "after it not delivered; %ju record%s sent", (uintmax_t)nrec
		    + 1, (uintmax_t)nrec, plural(nrec));
	errno = e;
	eerr(EXIT_FAIL, "send");
}

/* each record of stdin, one datagram or packet */
static uint64_t
send_records(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	struct recin in;
	uint64_t nrec = 0;
	ssize_t n, w;
	char *rec;

	recin_init(&in, 0, opt.raw ? REC_RAW : opt.sep,
	    opt.raw ? RAWCHUNK : 0);
	for (;;) {
		errno = 0;
		if ((n = recin_next(&in, &rec)) == -1) {
			if (errno == 0)
				break;
			if (errno == EINTR)
				eonsig();
			if (errno == E2BIG)
				eerrx(EXIT_FAIL, "record %ju is longer than %u "
				    "bytes: not sent; %ju record%s sent before "
				    "it", (uintmax_t)nrec + 1, REC_HARDMAX,
				    (uintmax_t)nrec, plural(nrec));
			eerr(EXIT_FAIL, "read error on stdin");
		}
		while ((w = send(fd, rec, (size_t)n, MSG_DONTWAIT |
		    MSG_NOSIGNAL)) == -1) {
			if (errno == EAGAIN) {
				/* the receiver's queue is full: wait */
				if (xpoll(&p, 1, -1) == -1 && errno == EINTR)
					eonsig();
				continue;
			}
			if (errno == EINTR) {
				eonsig();
				continue;
			}
			esend_failed(fd, errno, nrec, (size_t)n);
		}
		nrec++;
	}
	recin_free(&in);
	iverbose("%ju record%s sent", (uintmax_t)nrec, plural(nrec));
	return nrec;
}

/*
 * Take the next record, N bytes as a peek said, whole into *BUF (grown
 * to fit), and the sender's credentials into *UC when it sent them
 * (*CREDS).  Its length, or -1 when it is not there after all (EAGAIN,
 * EINTR: look again).
 */
static ssize_t
recv_cred(int fd, size_t n, char **buf, size_t *cap, struct ucred *uc,
    int *creds)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(struct ucred))];
	} cm;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	ssize_t got;

	if (n > *cap) {
		if (n > REC_HARDMAX)
			eerrx(EXIT_FAIL, "a %s of %zu bytes: over %u",
			    typename(so.type), n, REC_HARDMAX);
		free(*buf);
		*cap = n;
		*buf = ecalloc(1, *cap);
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = *buf;
	iov.iov_len = *cap;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	if ((got = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EAGAIN || errno == EINTR)
			return -1;
		eerr(EXIT_FAIL, "recvmsg");
	}
	*creds = 0;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(*uc))) {
			memcpy(uc, CMSG_DATA(c), sizeof(*uc));
			*creds = 1;
		}
	return got;
}

/*
 * Each datagram or packet, one record of stdout.  A seqpacket's end of
 * file and an empty packet both read as 0 bytes: with SO_PASSCRED every
 * packet comes with the sender's credentials and the end of file with
 * none, which tells them apart (and gives --allow-uid the sender of each
 * datagram).
 */
static int
recv_records(int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = 1, .events = 0 },
	};
	struct deadline d;
	struct recout out;
	struct ucred uc;
	uint64_t nrec = 0;
	size_t cap = 64 * 1024;
	ssize_t n;
	char *buf;
	int on = 1, r, creds, outpipe = fdtype(1) == S_IFIFO;

	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		eerr(EXIT_FAIL, "setsockopt SO_PASSCRED");
	buf = ecalloc(1, cap);
	recout_init(&out, 1, 0);
	deadline_init(&d, opt.timeout);
	while (opt.count == 0 || nrec < (uint64_t)opt.count) {
		/* the size of the next one, to make room for it whole */
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (n == -1 && errno == EAGAIN) {
			if (recout_flush(&out) == -1)
				eoutput();
			r = xpoll_until(p, outpipe ? 2 : 1, &d);
			if (r == -1 && errno == EINTR) {
				eonsig();
				continue;
			}
			if (r == -1)
				eerr(EXIT_FAIL, "poll");
			if (r == 0)
				break;
			if (p[1].revents & POLLERR)
				eepipe();
			continue;
		}
		if (n == -1 && errno == EINTR) {
			eonsig();
			continue;
		}
		if (n == -1 && sockerr(errno))
			eerr(EXIT_FAIL, "the sender's connection failed after "
			    "%ju record%s", (uintmax_t)nrec, plural(nrec));
		if (n == -1)
			eerr(EXIT_FAIL, "recv");
		if ((n = recv_cred(fd, (size_t)n, &buf, &cap, &uc, &creds)) ==
		    -1)
			continue;
		if (n == 0 && !creds && so.type == SOCK_SEQPACKET)
			break;		/* the end of file */
		if (so.allow && so.type == SOCK_DGRAM &&
		    (!creds || !cred_ok(&uc))) {
			if (creds)
				refused(&uc);
			continue;
		}
		if (recout_put(&out, buf, (size_t)n, opt.raw ? REC_RAW :
		    opt.sep) == -1)
			eoutput();
		nrec++;
		deadline_init(&d, opt.timeout);
	}
	if (recout_flush(&out) == -1)
		eoutput();
	recout_free(&out);
	free(buf);
	iverbose("%ju record%s received", (uintmax_t)nrec, plural(nrec));
	if (nrec == 0 && opt.timeout >= 0 && (opt.count == 0 || nrec <
	    (uint64_t)opt.count) && deadline_expired(&d))
		return itimedout("nothing arrived");
	return 0;
}

/* seqpacket send: after the last packet, wait for the receiver's end;
 * a reset says it closed with packets unread */
static int
seq_finish(int fd, uint64_t nrec)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[512];
	ssize_t n;

	if (shutdown(fd, SHUT_WR) == -1 && errno != ENOTCONN)
		eerr(EXIT_FAIL, "shutdown");
	for (;;) {
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EAGAIN) {
			if (xpoll(&p, 1, -1) == -1 && errno == EINTR)
				eonsig();
			continue;
		}
		if (errno == EINTR) {
			eonsig();
			continue;
		}
		if (errno == ECONNRESET)
			eerrx(EXIT_FAIL, "the receiver closed without reading "
			    "every packet (%ju sent)", (uintmax_t)nrec);
		eerr(EXIT_FAIL, "recv");
	}
}

/* ---- the verbs --------------------------------------------------------- */

static const struct option listen_lo[] = {
	{ "keep",	no_argument,	   NULL, O_KEEP },
	{ "exec",	required_argument, NULL, O_EXEC },
	{ "max-conns",	required_argument, NULL, O_MAXCONNS },
	{ "allow-uid",	required_argument, NULL, O_ALLOWUID },
	{ "allow-gid",	required_argument, NULL, O_ALLOWGID },
	{ "ready-fd",	required_argument, NULL, O_READYFD },
	{ NULL, 0, NULL, 0 },
};

static const struct option connect_lo[] = {
	{ "retry",	no_argument,	   NULL, O_RETRY },
	{ NULL, 0, NULL, 0 },
};

static const struct option send_lo[] = {
	{ "retry",	no_argument,	   NULL, O_RETRY },
	{ "dgram",	no_argument,	   NULL, O_DGRAM },
	{ "seqpacket",	no_argument,	   NULL, O_SEQPACKET },
	{ NULL, 0, NULL, 0 },
};

static const struct option recv_lo[] = {
	{ "dgram",	no_argument,	   NULL, O_DGRAM },
	{ "seqpacket",	no_argument,	   NULL, O_SEQPACKET },
	{ "allow-uid",	required_argument, NULL, O_ALLOWUID },
	{ "allow-gid",	required_argument, NULL, O_ALLOWGID },
	{ "ready-fd",	required_argument, NULL, O_READYFD },
	{ NULL, 0, NULL, 0 },
};

static int
cmd_listen(int argc, char *argv[])
{
	int c;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_COUNT |
	    OPT_MODE, listen_lo);
	while ((c = opt_next()) != -1)
		eoption(c);
	opt_end(&argc, &argv, &so.cmdv);
	opt_operands(argc, 1, 1);
	if (so.cmdv != NULL && so.cmdv[0] == NULL)
		eusage("missing command after '--'");
	if (so.cmdv != NULL && so.exec != NULL)
		eusage("--exec CMD and '-- CMD ARG...' exclude each other");
	if (so.maxconns > 0 && so.exec == NULL && so.cmdv == NULL)
		eusage("--max-conns goes with --exec");
	if (opt.count > 0)
		so.keep = 1;	/* N connections: one after another */
	eparse(argv[0], SA_PASSIVE, &srv.sp);
	eready_check();
	eserver_open(&srv);
	eready(&srv);
	if (so.exec != NULL || so.cmdv != NULL)
		return serve_exec(&srv);
	return serve_stdio(&srv);
}

static int
cmd_connect(int argc, char *argv[])
{
	struct sockspec sp;
	int c, fd, st;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT, connect_lo);
	while ((c = opt_next()) != -1)
		eoption(c);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	eparse(argv[0], 0, &sp);
	if ((fd = econnect(&sp, SOCK_STREAM)) == -1)
		return itimedout("no connection");
	st = relay(fd, R_UP | R_DOWN | R_CLOSEOUT);
	close(fd);
	return st;
}

/* -0, --raw: records only with --dgram or --seqpacket */
static void
erecord_opts(void)
{
	if (so.type == SOCK_STREAM && (opt.given & (OPT_NULL | OPT_RAW |
	    OPT_COUNT)))
		eusage("-0, --raw and --count go with --dgram or --seqpacket "
		    "(a stream is copied byte for byte)");
	if ((opt.given & OPT_NULL) && opt.raw)
		eusage("-0 and --raw exclude each other");
}

static int
cmd_send(int argc, char *argv[])
{
	struct sockspec sp;
	uint64_t nrec;
	int c, fd, st = 0;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_NULL | OPT_RAW,
	    send_lo);
	while ((c = opt_next()) != -1)
		eoption(c);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	erecord_opts();
	eparse(argv[0], 0, &sp);
	if ((fd = econnect(&sp, so.type)) == -1)
		return itimedout("no receiver");
	if (so.type == SOCK_STREAM)
		st = relay(fd, R_UP | R_DRAIN);
	else {
		nrec = send_records(fd);
		if (so.type == SOCK_SEQPACKET)
			st = seq_finish(fd, nrec);
	}
	close(fd);
	return st;
}

static int
cmd_recv(int argc, char *argv[])
{
	struct deadline d;
	struct ucred uc;
	int c, fd, st;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_COUNT |
	    OPT_NULL | OPT_RAW | OPT_MODE, recv_lo);
	while ((c = opt_next()) != -1)
		eoption(c);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	erecord_opts();
	eparse(argv[0], SA_PASSIVE, &srv.sp);
	eready_check();
	eserver_open(&srv);
	eready(&srv);
	if (so.type == SOCK_DGRAM)
		return recv_records(srv.fd);
	deadline_init(&d, opt.timeout);
	if ((fd = eaccept_wait(&srv, &d, &uc)) == -1) {
		server_close(&srv);
		return itimedout("no sender came");
	}
	server_close(&srv);
	if (so.type == SOCK_SEQPACKET)
		st = recv_records(fd);
	else
		st = relay(fd, R_DOWN);
	close(fd);
	return st;
}

/* ---- main -------------------------------------------------------------- */

#define ALLOW_OPTS \
	"      --allow-uid LIST  only peers with these uids (numbers or " \
	    "names, comma-separated)\n" \
	"      --allow-gid LIST  only peers in these groups\n" \
	"      --ready-fd N      write a newline to fd N once accepting, " \
	    "then close it\n"

static const struct verb verbs[] = {
	{ "listen", cmd_listen,
	    "[--keep] [--count N] [--exec CMD [--max-conns N]] "
	    "[--allow-uid LIST] [--allow-gid LIST] [--mode MODE] "
	    "[--ready-fd N] [--timeout DUR | --nowait] [-q | -v] ADDR "
	    "[-- CMD [ARG...]]",
	    "accept connections: each wired to stdin and stdout, or to a "
	    "command",
	    "      --keep            serve connections one after another\n"
	    "      --exec CMD        run sh -c CMD per connection, the "
	    "socket as its stdin and stdout\n"
	    "      --max-conns N     with --exec: at most N at once "
	    "(default 40 with --keep)\n"
	    ALLOW_OPTS },
	{ "connect", cmd_connect,
	    "[--retry] [--timeout DUR | --nowait] [-q | -v] ADDR",
	    "connect, and relay stdin and stdout both ways",
	    "      --retry           wait for a server that is not up yet "
	    "(bounded by --timeout)\n" },
	{ "send", cmd_send,
	    "[--dgram | --seqpacket] [-0 | --raw] [--retry] "
	    "[--timeout DUR | --nowait] [-q | -v] ADDR",
	    "connect and send stdin (each record one datagram or packet)",
	    "      --dgram           datagrams: each record one datagram\n"
	    "      --seqpacket       packets: each record one packet\n"
	    "      --retry           wait for a receiver that is not up yet "
	    "(bounded by --timeout)\n" },
	{ "recv", cmd_recv,
	    "[--dgram | --seqpacket] [-0 | --raw] [--count N] "
	    "[--allow-uid LIST] [--allow-gid LIST] [--mode MODE] "
	    "[--ready-fd N] [--timeout DUR | --nowait] [-q | -v] ADDR",
	    "bind the address and write what arrives to stdout",
	    "      --dgram           datagrams: each one record\n"
	    "      --seqpacket       packets: each one record\n"
	    ALLOW_OPTS },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs,
	    "sockets: UNIX (files and abstract names) and TCP");
}
