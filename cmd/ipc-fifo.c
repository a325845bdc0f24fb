/*
 * ipc-fifo - named pipes: make them, send stdin into one, receive from
 * one to stdout, describe and remove them.
 *
 * Safety first: a PATH is checked with lstat(2), opened with O_NOFOLLOW
 * and checked again with fstat(2) against the same device and inode, so
 * a symbolic link is never followed and a regular file is never written
 * to.  FIFOs are made with the exact mode asked for (umask 0 around
 * mkfifo), and only a FIFO is ever unlinked.
 */
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

enum {
	OPT_ATOMIC = 256,
	OPT_FOLLOW,
	OPT_RM,
};

#define COPYMAX		(1 << 20)	/* bytes per splice(2) or read(2) */
#define NAPMAX		50		/* ms between looks for a reader */

struct fifo {
	const char	*path;
	dev_t		 dev;
	ino_t		 ino;
	int		 made;		/* this run created it */
};

/* what a stream send has done, for the message when the reader leaves */
struct sent {
	uint64_t	 written;	/* bytes written into the FIFO */
	uint64_t	 pending;	/* taken from stdin, not written */
};

static struct fifo fifo;		/* the one send or recv works on */

static const char *
ftype(mode_t m)
{
	if (S_ISREG(m))
		return "regular file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symbolic link";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m))
		return "character device";
	if (S_ISBLK(m))
		return "block device";
	if (S_ISFIFO(m))
		return "FIFO";
	return "unknown type";
}

/* a --mode a FIFO can take: permission bits only */
static void
echeck_mode(void)
{
	if (opt.mode & ~(mode_t)0777)
		eusage("mode %04o: a FIFO takes permission bits only (at most "
		    "0777)", (unsigned)opt.mode);
}

/* mkfifo with exactly this mode, whatever the umask */
static int
mkfifo_exact(const char *path, mode_t mode)
{
	mode_t old;
	int r, e;

	old = umask(0);
	r = mkfifo(path, mode);
	e = errno;
	umask(old);
	errno = e;
	return r;
}

/* errno as the whole message: "ipc-fifo: rm PATH: No such file ..." */
static void
ewarnerrno(void)
{
	iwarnx("%s", strerror(errno));
}

/* poll(2) that cannot miss INT/TERM/HUP (lib epollsig); 0 when ms ran out */
static int
spoll(struct pollfd *p, nfds_t n, long long ms)
{
	int r;

	if ((r = epollsig(p, n, ms)) == -1)
		eerr(EXIT_FAIL, "poll");
	return r;
}

static void
rm_fifo(void *arg)
{
	const struct fifo *f = arg;
	struct stat st;

	/* only that FIFO: not whatever took its name meanwhile */
	if (lstat(f->path, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    st.st_dev == f->dev && st.st_ino == f->ino)
		(void)unlink(f->path);
}

/*
 * send and recv: make the FIFO if asked, insist that PATH is one (not
 * through a symlink), and arrange for --rm.  A FIFO made here stays
 * unless --rm is given: it is a rendezvous point, like one from mk.
 */
static void
efifo_prepare(struct fifo *f, const char *path, int create, int rm)
{
	struct stat st;

	f->path = path;
	if (create) {
		if (mkfifo_exact(path, opt.mode) == 0)
			f->made = 1;
		else if (errno != EEXIST)
			eerr(EXIT_FAIL, "mkfifo");
	}
	if (lstat(path, &st) == -1) {
		ewarnerrno();
		exit(EXIT_FAIL);
	}
	if (!S_ISFIFO(st.st_mode))
		eerrx(EXIT_FAIL, "not a FIFO (%s), left untouched",
		    ftype(st.st_mode));
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (rm)
		cleanup_add(rm_fifo, f);
	if (f->made)
		iverbose("created with mode %04o", (unsigned)opt.mode);
}

/*
 * open the FIFO checked by efifo_prepare: never through a symlink, and
 * only if it is still the same FIFO.  -1 with errno from open(2).
 */
static int
efifo_open(const struct fifo *f, int flags)
{
	struct stat st;
	int fd;

	if ((fd = open(f->path, flags | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ELOOP && lstat(f->path, &st) == 0 &&
		    S_ISLNK(st.st_mode))
			eerrx(EXIT_FAIL, "not a FIFO (symbolic link), left "
			    "untouched");
		return -1;
	}
	if (fstat(fd, &st) == -1)
		eerr(EXIT_FAIL, "fstat");
	if (!S_ISFIFO(st.st_mode) || st.st_dev != f->dev ||
	    st.st_ino != f->ino)
		eerrx(EXIT_FAIL, "replaced while being opened (now a %s): "
		    "left untouched", ftype(st.st_mode));
	return fd;
}

/* ---- mk ---------------------------------------------------------------- */

static int
cmd_mk(int argc, char *argv[])
{
	struct stat st;
	int i, status = 0;

	opt_begin(argc, argv, OPT_MODE, NULL);
	while (opt_next() != -1)
		continue;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	echeck_mode();
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		if (mkfifo_exact(argv[i], opt.mode) == 0) {
			iverbose("created with mode %04o", (unsigned)opt.mode);
			continue;
		}
		if (errno == EEXIST && lstat(argv[i], &st) == 0)
			iwarnx("already exists (%s), left untouched",
			    ftype(st.st_mode));
		else
			iwarn("mkfifo");
		status = EXIT_FAIL;
	}
	return status;
}

/* ---- rm ---------------------------------------------------------------- */

static int
cmd_rm(int argc, char *argv[])
{
	struct stat st;
	int i, status = 0;

	opt_begin(argc, argv, 0, NULL);
	while (opt_next() != -1)
		continue;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		if (lstat(argv[i], &st) == -1) {
			ewarnerrno();
			status = EXIT_FAIL;
		} else if (!S_ISFIFO(st.st_mode)) {
			iwarnx("not a FIFO (%s), left untouched",
			    ftype(st.st_mode));
			status = EXIT_FAIL;
		} else if (unlink(argv[i]) == -1) {
			iwarn("unlink");
			status = EXIT_FAIL;
		} else
			iverbose("removed");
	}
	return status;
}

/* ---- send -------------------------------------------------------------- */

/*
 * What stdin still holds, for the "not delivered" count: exact for a
 * regular file (size minus offset) and for a pipe whose writers are gone
 * (what is queued); otherwise what is queued now, a lower bound.
 */
static uint64_t
stdin_rest(int *exact)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	struct stat st;
	off_t off;
	int q;

	*exact = 0;
	if (fstat(0, &st) == -1)
		return 0;
	if (S_ISREG(st.st_mode)) {
		if ((off = lseek(0, 0, SEEK_CUR)) == -1)
			return 0;
		*exact = 1;
		return st.st_size > off ? (uint64_t)(st.st_size - off) : 0;
	}
	if (ioctl(0, FIONREAD, &q) == -1 || q < 0)
		q = 0;
	/* a pipe whose writers are gone holds exactly what is queued */
	if (S_ISFIFO(st.st_mode) && poll(&p, 1, 0) == 1 &&
	    (p.revents & POLLHUP))
		*exact = 1;
	return (uint64_t)q;
}

/*
 * The reader went away: say how much of the input it did not get.  Not
 * delivered = bytes left unread in the FIFO + bytes taken from stdin but
 * not written + what stdin still holds.  Returns only when that is
 * exactly nothing (splice(2) at the end of stdin says EPIPE rather than
 * 0 when the reader has gone meanwhile, having read everything).
 */
static void
ereader_gone(int fd, const struct sent *s)
{
	uint64_t unread, rest, lost;
	int q, exact;

	q = pipe_queued(fd);
	unread = q > 0 ? (uint64_t)q : 0;
	if (unread > s->written)	/* another writer's bytes, not ours */
		unread = s->written;
	rest = stdin_rest(&exact);
	lost = unread + s->pending + rest;
	if (exact && lost == 0)
		return;
	eerrx(EXIT_FAIL, "reader went away after %ju bytes: %s%ju bytes not "
	    "delivered (%ju left unread in the FIFO, %ju %s)",
	    (uintmax_t)(s->written - unread), exact ? "" : "at least ",
	    (uintmax_t)lost, (uintmax_t)unread,
	    (uintmax_t)(s->pending + rest),
	    exact ? "more of stdin" : "more of stdin, which was not read to "
	    "its end");
}

/* wait for a reader: ENXIO from a non-blocking open means none yet */
static int
eopen_writer(const struct fifo *f)
{
	struct deadline d;
	long long left, nap = 1;
	int fd;

	deadline_init(&d, opt.timeout);
	for (;;) {
		if ((fd = efifo_open(f, O_WRONLY | O_NONBLOCK)) != -1)
			break;
		if (errno != ENXIO)
			eerr(EXIT_FAIL, "open");
		if (nap == 1)
			iverbose("waiting for a reader");
		if (opt.timeout < 0) {
			/* no bound: let the kernel wake us when one comes */
			echecksig();
			while ((fd = efifo_open(f, O_WRONLY)) == -1) {
				if (errno != EINTR)
					eerr(EXIT_FAIL, "open");
				echecksig();
			}
			break;
		}
		if ((left = deadline_left(&d)) == 0)
			return -1;
		(void)spoll(NULL, 0, nap < left ? nap : left);
		nap = nap * 2 > NAPMAX ? NAPMAX : nap * 2;
	}
	if (set_nonblock(fd, 0) == -1)
		eerr(EXIT_FAIL, "fcntl");
	iverbose("reader connected");
	return fd;
}

/* stdin into the FIFO, splice(2) where the kernel allows */
static void
send_stream(int fd, struct sent *s)
{
	char *buf = NULL;
	int spliceok = 1;
	ssize_t r, w, off;

	for (;;) {
		if (spliceok) {
			r = splice(0, NULL, fd, NULL, COPYMAX, SPLICE_F_MOVE);
			if (r > 0) {
				s->written += (uint64_t)r;
				continue;
			}
			if (r == 0)
				break;
			if (errno == EINTR) {
				echecksig();
				continue;
			}
			if (errno == EPIPE) {
				ereader_gone(fd, s);
				break;		/* all delivered after all */
			}
			if (errno != EINVAL && errno != ENOSYS &&
			    errno != EBADF && errno != EAGAIN)
				eerr(EXIT_FAIL, "splice");
			spliceok = 0;	/* read/write from now on */
		}
		if (buf == NULL)
			buf = ecalloc(1, COPYMAX);
		r = read(0, buf, COPYMAX);
		if (r == 0)
			break;
		if (r == -1) {
			if (errno == EINTR)
				echecksig();
			else if (errno == EAGAIN) {
				if (waitfd(0, POLLIN, -1) == -1)
					eerr(EXIT_FAIL, "poll");
			} else
				eerr(EXIT_FAIL, "read error on stdin");
			continue;
		}
		for (off = 0; off < r; off += w) {
			if ((w = write(fd, buf + off, (size_t)(r - off))) > 0) {
				s->written += (uint64_t)w;
				continue;
			}
			w = 0;
			if (errno == EINTR) {
				echecksig();
				continue;
			}
			s->pending = (uint64_t)(r - off);
			if (errno == EPIPE)
				ereader_gone(fd, s);
			eerr(EXIT_FAIL, "write");
		}
	}
	free(buf);
}

/*
 * --atomic: records go out in write(2)s of at most PIPE_BUF bytes that
 * hold whole records only, which the kernel never interleaves with
 * another writer's.  Records already read share a write (a burst of short
 * lines costs one system call per PIPE_BUF, not one per line); a record
 * is never held back waiting for more input.
 */
struct batch {
	char		 buf[PIPE_BUF];
	size_t		 len;		/* bytes in buf */
	size_t		 fromin;	/* of which came from stdin */
	uint64_t	 nrec;		/* records taken so far */
};

/* held: bytes of stdin taken for a record that is not in the batch yet */
static void
batch_flush(int fd, struct batch *b, struct sent *s, const struct recin *in,
    size_t held)
{
	ssize_t w;

	if (b->len == 0)
		return;
	while ((w = write(fd, b->buf, b->len)) == -1 && errno == EINTR)
		echecksig();
	if (w == (ssize_t)b->len) {
		s->written += (uint64_t)w;
		b->len = b->fromin = 0;
		return;
	}
	s->pending = b->fromin + held + (in->end - in->start);
	if (w == -1 && errno == EPIPE)
		ereader_gone(fd, s);
	if (w == -1)
		eerr(EXIT_FAIL, "write");
	eerrx(EXIT_FAIL, "short write (%zd of %zu bytes)", w, b->len);
}

static void
send_atomic(int fd, struct sent *s)
{
	static struct batch b;
	struct recin in;
	ssize_t n;
	char *p;
	size_t hadsep;
	int e;

	recin_init(&in, 0, opt.sep, 0);
	for (;;) {
		errno = 0;
		if ((n = recin_next(&in, &p)) == -1) {
			if (errno == 0)
				break;
			e = errno;
			batch_flush(fd, &b, s, &in, 0);
			if (e == E2BIG)
				eerrx(EXIT_FAIL, "record %ju is longer than %u "
				    "bytes, far over PIPE_BUF %d: not sent; %ju "
				    "records sent before it",
				    (uintmax_t)b.nrec + 1, REC_HARDMAX,
				    PIPE_BUF, (uintmax_t)b.nrec);
			errno = e;
			eerr(EXIT_FAIL, "read error on stdin");
		}
		/* a last record without its separator gets one */
		hadsep = (size_t)(p - in.buf) + (size_t)n < in.end;
		if ((size_t)n + 1 > PIPE_BUF) {
			batch_flush(fd, &b, s, &in, (size_t)n + hadsep);
			eerrx(EXIT_FAIL, "record %ju of %zd bytes (%zd with its "
			    "separator) exceeds PIPE_BUF %d: not sent; %ju "
			    "records sent before it", (uintmax_t)b.nrec + 1, n,
			    n + 1, PIPE_BUF, (uintmax_t)b.nrec);
		}
		if (b.len + (size_t)n + 1 > PIPE_BUF)
			batch_flush(fd, &b, s, &in, (size_t)n + hadsep);
		memcpy(b.buf + b.len, p, (size_t)n);
		b.buf[b.len + (size_t)n] = (char)opt.sep;
		b.len += (size_t)n + 1;
		b.fromin += (size_t)n + hadsep;
		b.nrec++;
		/* no whole record left in what was read: send, do not wait */
		if (memchr(in.buf + in.start, opt.sep, in.end - in.start) ==
		    NULL)
			batch_flush(fd, &b, s, &in, 0);
	}
	batch_flush(fd, &b, s, &in, 0);
	recin_free(&in);
	iverbose("%ju records sent", (uintmax_t)b.nrec);
}

static int
cmd_send(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "atomic",	no_argument,	NULL, OPT_ATOMIC },
		{ "rm",		no_argument,	NULL, OPT_RM },
		{ NULL, 0, NULL, 0 },
	};
	struct pollfd p;
	struct sent s = { 0, 0 };
	char dur[32];
	int c, fd, atomic = 0, rm = 0;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_NULL | OPT_CREATE |
	    OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case OPT_ATOMIC:
			atomic = 1;
			break;
		case OPT_RM:
			rm = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if ((opt.given & OPT_NULL) && !atomic)
		eusage("-0 applies only with --atomic");
	if ((opt.given & OPT_MODE) && !opt.create)
		eusage("--mode applies only with --create");
	echeck_mode();
	setoperand(argv[0]);

	efifo_prepare(&fifo, argv[0], opt.create, rm);
	if ((fd = eopen_writer(&fifo)) == -1) {
		if (!opt.quiet)
			iwarnx("no reader %s%s", opt.timeout == 0 ? "" :
			    "came within ", opt.timeout == 0 ? "(--nowait)" :
			    fmt_dur(dur, sizeof(dur), opt.timeout));
		return EXIT_TIMEOUT;
	}
	if (atomic)
		send_atomic(fd, &s);
	else
		send_stream(fd, &s);
	/* all written: if the reader has left with some of it unread, say so */
	p.fd = fd;
	p.events = POLLOUT;
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR) &&
	    pipe_queued(fd) > 0)
		ereader_gone(fd, &s);
	if (close(fd) == -1)
		eerr(EXIT_FAIL, "close");
	iverbose("%ju bytes sent", (uintmax_t)s.written);
	return 0;
}

/* ---- recv -------------------------------------------------------------- */

struct taker {
	int		 fd;		/* the FIFO */
	int		 pr, pw;	/* a private pipe for tee(2) peeks */
	char		*buf;
	size_t		 bufsz;
	uint64_t	 records;
	uint64_t	 bytes;
};

/*
 * Wait until the FIFO has data or its last writer has gone (POLLHUP,
 * which Linux reports only once a writer has come and gone), up to the
 * deadline.  A closed stdout (POLLERR on a pipe) ends us here too, so
 * "recv | head -c1" does not wait for more input to find out.
 */
static int
wait_input(int fd, const struct deadline *d)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = 1, .events = 0 },
	};

	for (;;) {
		if (spoll(p, 2, deadline_left(d)) > 0) {
			if (p[1].revents & POLLERR)
				eepipe();
			if (p[0].revents != 0)
				return 1;
		}
		if (deadline_expired(d))
			return 0;
	}
}

/* stdout error: EPIPE quietly, anything else loudly */
static void
eoutput(void)
{
	if (errno == EPIPE)
		eepipe();
	eerr(EXIT_FAIL, "write error on stdout");
}

/* copy what is there; 0: wait for more, -1: end of file */
static int
drain(struct xfer *x)
{
	ssize_t n;

	for (;;) {
		if ((n = xfer_step(x, COPYMAX)) > 0)
			continue;
		if (n == 0)
			return -1;
		if (errno == EAGAIN) {
			/* our stdout is the full one: wait for it */
			if (pipe_queued(x->in) > 0) {
				if (waitfd(1, POLLOUT, -1) == -1)
					eerr(EXIT_FAIL, "poll");
				continue;
			}
			return 0;
		}
		if (errno == EPIPE)
			eepipe();
		eerr(EXIT_FAIL, "copy to stdout");
	}
}

/*
 * --count: take records without reading past the last one wanted.  tee(2)
 * copies what the FIFO holds into a private pipe without consuming it;
 * we look for separators in that copy, then read exactly that many bytes
 * from the FIFO.  1: count reached, 0: wait for more, -1: end of file.
 */
static int
take(struct taker *t, uint64_t want)
{
	size_t k, got, i;
	ssize_t n, r;
	int eof = 0;

	if ((n = tee(t->fd, t->pw, t->bufsz, SPLICE_F_NONBLOCK)) == 0)
		return -1;
	if (n == -1) {
		if (errno == EINTR)
			echecksig();
		else if (errno != EAGAIN)
			eerr(EXIT_FAIL, "tee");
		return 0;
	}
	for (got = 0; got < (size_t)n; got += (size_t)r)
		if ((r = readsome(t->pr, t->buf + got, (size_t)n - got)) <= 0)
			eerr(EXIT_FAIL, "read from the peek pipe");
	for (k = 0; k < (size_t)n;)
		if (t->buf[k++] == (char)opt.sep && --want == 0)
			break;
	for (got = 0; got < k;) {
		if ((r = read(t->fd, t->buf + got, k - got)) > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0) {
			eof = 1;
			break;
		}
		if (errno == EINTR)
			echecksig();
		else if (errno == EAGAIN)
			break;		/* another reader took it */
		else
			eerr(EXIT_FAIL, "read");
	}
	for (i = 0; i < got; i++)
		if (t->buf[i] == (char)opt.sep)
			t->records++;
	t->bytes += got;
	if (got > 0 && writeall(1, t->buf, got) == -1)
		eoutput();
	if (t->records >= (uint64_t)opt.count)
		return 1;
	return eof && got == 0 ? -1 : 0;
}

static void
etaker_init(struct taker *t, int fd)
{
	int p[2], cap;

	t->fd = fd;
	t->records = t->bytes = 0;
	if (pipe2(p, O_CLOEXEC) == -1)
		eerr(EXIT_FAIL, "pipe");
	t->pr = p[0];
	t->pw = p[1];
	/* a larger peek finds a far separator in one go; optional */
	(void)set_pipe_size(t->pw, COPYMAX);
	cap = pipe_capacity(t->pw);
	t->bufsz = cap > 0 ? (size_t)cap : 64 * 1024;
	t->buf = ecalloc(1, t->bufsz);
}

static void
taker_free(struct taker *t)
{
	close(t->pr);
	close(t->pw);
	free(t->buf);
}

static int
cmd_recv(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "follow",	no_argument,	NULL, OPT_FOLLOW },
		{ "rm",		no_argument,	NULL, OPT_RM },
		{ NULL, 0, NULL, 0 },
	};
	struct deadline d;
	struct taker t = { .pr = -1, .pw = -1 };
	struct xfer x = { .in = -1 };
	uint64_t before, total = 0;
	char dur[32];
	int c, fd, wfd = -1, follow = 0, rm = 0, r = 0, timedout = 0;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_COUNT | OPT_NULL |
	    OPT_CREATE | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case OPT_FOLLOW:
			follow = 1;
			break;
		case OPT_RM:
			rm = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if ((opt.given & OPT_NULL) && !(opt.given & OPT_COUNT))
		eusage("-0 applies only with --count");
	if ((opt.given & OPT_MODE) && !opt.create)
		eusage("--mode applies only with --create");
	echeck_mode();
	setoperand(argv[0]);

	efifo_prepare(&fifo, argv[0], opt.create, rm);
	/* non-blocking: open does not wait for a writer, poll does */
	if ((fd = efifo_open(&fifo, O_RDONLY | O_NONBLOCK)) == -1)
		eerr(EXIT_FAIL, "open");
	/*
	 * --follow: hold a write end ourselves, so the FIFO never reaches
	 * end of file between writers (no gap in which a new writer could
	 * find no reader, no POLLHUP to spin on).
	 */
	if (follow && (wfd = efifo_open(&fifo, O_WRONLY | O_NONBLOCK)) == -1)
		eerr(EXIT_FAIL, "open for writing");
	if (opt.count > 0)
		etaker_init(&t, fd);
	else
		xfer_init(&x, fd, 1, COPYMAX);

	deadline_init(&d, opt.timeout);
	while (r == 0) {
		if (!wait_input(fd, &d)) {
			timedout = 1;
			break;
		}
		if (opt.count > 0) {
			before = t.bytes;
			r = take(&t, (uint64_t)opt.count - t.records);
			total = t.bytes;
			if (t.bytes != before)
				deadline_init(&d, opt.timeout);
		} else {
			before = x.bytes;
			r = drain(&x);
			total = x.bytes;
			if (x.bytes != before)
				deadline_init(&d, opt.timeout);
		}
	}
	if (opt.count > 0)
		taker_free(&t);
	else
		xfer_free(&x);
	if (wfd != -1)
		close(wfd);
	close(fd);
	iverbose("%ju bytes received", (uintmax_t)total);
	if (timedout && total == 0) {
		if (!opt.quiet)
			iwarnx("nothing arrived %s%s", opt.timeout == 0 ? "" :
			    "within ", opt.timeout == 0 ? "(--nowait)" :
			    fmt_dur(dur, sizeof(dur), opt.timeout));
		return EXIT_TIMEOUT;
	}
	return 0;
}

/* ---- info -------------------------------------------------------------- */

struct holders {
	int		 readers;	/* processes with a read end */
	int		 writers;	/* processes with a write end */
	int		 partial;	/* some processes could not be seen */
	pid_t		 pid;		/* one holder, and its descriptor */
	int		 fd;
};

/* the open flags of /proc/PID/fdinfo/FD, or -1 */
static long
fdflags(long pid, int fd)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", pid, fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "flags:")) == NULL)
		return -1;
	return strtol(p + 6, NULL, 8);
}

/*
 * Who has the FIFO open, as fuser(1) finds out: stat every /proc/PID/fd
 * link and compare device and inode; fdinfo tells the direction.
 */
static void
scan_holders(dev_t dev, ino_t ino, struct holders *h)
{
	char path[64];
	struct dirent *pe, *fe;
	struct statx stx;
	long pid, fl;
	pid_t self = getpid();
	int dfd, fdn, r, w;
	DIR *pd, *d;
	char *end;

	memset(h, 0, sizeof(*h));
	if ((pd = opendir("/proc")) == NULL) {
		h->partial = 1;
		return;
	}
	while ((pe = readdir(pd)) != NULL) {
		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		pid = strtol(pe->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid > INT_MAX ||
		    (pid_t)pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		if ((dfd = open(path, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1) {
			if (errno != ENOENT && errno != ESRCH)
				h->partial = 1;
			continue;
		}
		if ((d = fdopendir(dfd)) == NULL) {
			close(dfd);
			continue;
		}
		r = w = 0;
		while ((fe = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)fe->d_name[0]))
				continue;
			/* follows the link to the open file, opens nothing */
			if (statx(dfd, fe->d_name, AT_STATX_DONT_SYNC,
			    STATX_TYPE | STATX_INO, &stx) == -1 ||
			    !S_ISFIFO(stx.stx_mode) || stx.stx_ino != ino ||
			    makedev(stx.stx_dev_major,
			    stx.stx_dev_minor) != dev)
				continue;
			fdn = (int)strtol(fe->d_name, NULL, 10);
			if ((fl = fdflags(pid, fdn)) == -1)
				continue;
			if ((fl & O_ACCMODE) != O_WRONLY)
				r = 1;
			if ((fl & O_ACCMODE) != O_RDONLY)
				w = 1;
			if (h->pid == 0) {
				h->pid = (pid_t)pid;
				h->fd = fdn;
			}
		}
		closedir(d);
		h->readers += r;
		h->writers += w;
	}
	closedir(pd);
}

/* bytes queued and capacity through a descriptor of that FIFO */
static int
fd_queue(int fd, dev_t dev, ino_t ino, long long *queued, int *cap)
{
	struct stat st;
	int q;

	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode) ||
	    st.st_dev != dev || st.st_ino != ino ||
	    ioctl(fd, FIONREAD, &q) == -1)
		return -1;
	*queued = q;
	*cap = pipe_capacity(fd);
	return 0;
}

/*
 * The bytes queued, without disturbing anyone.  Opening a FIFO is not
 * harmless: a read open wakes a writer blocked in open(2) for a reader,
 * which then dies of SIGPIPE when we close again.  So: borrow a holder's
 * descriptor (pidfd_getfd(2), a dup that opens nothing); else open for
 * reading only while a reader is known to hold it (then no writer can be
 * blocked in open); else, when nobody has it open, nothing is queued;
 * else we cannot tell (-1).
 */
static long long
queued_bytes(const char *path, const struct stat *st,
    const struct holders *h, int *cap)
{
	long long q = -1;
	int pfd, fd;

	*cap = -1;
	if (h->pid != 0 && (pfd = pidfd_open(h->pid, 0)) != -1) {
		if ((fd = pidfd_getfd(pfd, h->fd, 0)) != -1) {
			if (fd_queue(fd, st->st_dev, st->st_ino, &q, cap) == -1)
				q = -1;
			close(fd);
		}
		close(pfd);
	}
	if (q == -1 && h->readers > 0 && (fd = open(path, O_RDONLY |
	    O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		if (fd_queue(fd, st->st_dev, st->st_ino, &q, cap) == -1)
			q = -1;
		close(fd);
	}
	if (q == -1 && h->pid == 0 && !h->partial)
		q = 0;
	return q;
}

static void
fifo_json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int
cmd_info(int argc, char *argv[])
{
	struct holders h;
	struct passwd *pw;
	struct group *gr;
	struct stat st;
	struct tm tm;
	char owner[32], group[32], when[64], mark[2] = "";
	long long q;
	int cap;

	opt_begin(argc, argv, OPT_JSON, NULL);
	while (opt_next() != -1)
		continue;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	setoperand(argv[0]);
	if (lstat(argv[0], &st) == -1) {
		ewarnerrno();
		return EXIT_FAIL;
	}
	if (!S_ISFIFO(st.st_mode))
		eerrx(EXIT_FAIL, "not a FIFO (%s)", ftype(st.st_mode));
	scan_holders(st.st_dev, st.st_ino, &h);
	q = queued_bytes(argv[0], &st, &h, &cap);
	if ((pw = getpwuid(st.st_uid)) != NULL)
		strlcpy(owner, pw->pw_name, sizeof(owner));
	else
		snprintf(owner, sizeof(owner), "%u", (unsigned)st.st_uid);
	if ((gr = getgrgid(st.st_gid)) != NULL)
		strlcpy(group, gr->gr_name, sizeof(group));
	else
		snprintf(group, sizeof(group), "%u", (unsigned)st.st_gid);
	if (opt.json) {
		printf("{\"path\":");
		fifo_json_str(argv[0]);
		printf(",\"type\":\"fifo\",\"owner\":");
		fifo_json_str(owner);
		printf(",\"uid\":%u,\"group\":", (unsigned)st.st_uid);
		fifo_json_str(group);
		printf(",\"gid\":%u,\"mode\":\"%04o\",\"readers\":%d,"
		    "\"writers\":%d,\"complete\":%s,", (unsigned)st.st_gid,
		    (unsigned)(st.st_mode & 07777), h.readers, h.writers,
		    h.partial ? "false" : "true");
		if (q >= 0)
			printf("\"queued\":%lld,", q);
		else
			printf("\"queued\":null,");
		if (cap >= 0)
			printf("\"capacity\":%d,", cap);
		else
			printf("\"capacity\":null,");
		printf("\"mtime\":%lld}\n", (long long)st.st_mtime);
		return 0;
	}
	if (h.partial)
		mark[0] = '+';
	if (localtime_r(&st.st_mtime, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)st.st_mtime);
	printf("path      %s\n", argv[0]);
	printf("type      fifo\n");
	printf("owner     %s\n", owner);
	printf("group     %s\n", group);
	printf("mode      %04o\n", (unsigned)(st.st_mode & 07777));
	printf("readers   %d%s\n", h.readers, mark);
	printf("writers   %d%s\n", h.writers, mark);
	if (q >= 0)
		printf("queued    %lld\n", q);
	else
		printf("queued    unknown\n");
	if (cap >= 0)
		printf("capacity  %d\n", cap);
	else
		printf("capacity  -\n");
	printf("mtime     %s\n", when);
	return 0;
}

/* ---- main -------------------------------------------------------------- */

static const struct verb verbs[] = {
	{ "mk", cmd_mk,
	    "[--mode MODE] [-q | --quiet] [-v | --verbose] PATH...",
	    "create FIFOs, mode 0600 whatever the umask unless --mode" },
	{ "send", cmd_send,
	    "[--atomic] [-0 | --null] [--timeout DUR] [--nowait] [--create] "
	    "[--mode MODE] [--rm] [-q | --quiet] [-v | --verbose] PATH",
	    "stdin into the FIFO, once a reader has it open" },
	{ "recv", cmd_recv,
	    "[--follow] [--count N] [-0 | --null] [--timeout DUR] [--nowait] "
	    "[--create] [--mode MODE] [--rm] [-q | --quiet] [-v | --verbose] "
	    "PATH",
	    "what writers send into the FIFO, to stdout" },
	{ "rm", cmd_rm, "[-q | --quiet] [-v | --verbose] PATH...",
	    "remove FIFOs, and nothing that is not one" },
	{ "info", cmd_info, "[--json] PATH",
	    "type, owner, mode, readers, writers, bytes queued" },
	{ NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs, "named pipes (FIFOs)");
}
