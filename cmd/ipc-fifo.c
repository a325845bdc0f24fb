/*
 * ipc-fifo - named pipes: make them, send stdin into one, receive from
 * one to stdout, describe and remove them.
 *
 * Safety first: a PATH is checked with lstat(2), opened with O_NOFOLLOW
 * and checked again with fstat(2) against the same device and inode, so
 * a symbolic link is never followed and a regular file is never written
 * to.  FIFOs are made with the exact mode asked for (path_mkfifo), and
 * only that very FIFO is ever unlinked (path_unlink_if: relative to its
 * directory, no window between the check and the unlink).
 *
 * Waiting and signals follow lib/sig.c: waits are xpoll()s or blocking
 * calls that return EINTR, and every copy loop looks at gotsig between
 * two transfers; what was taken and not delivered is written once more
 * or given back to stdin, then the signal is re-raised (ipc-fifo(1),
 * EXIT STATUS).
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
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

enum {
	F_ATOMIC = 256,
	F_FOLLOW,
	F_RM,
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

/* a --mode a FIFO can take: permission bits only */
static void
echeck_mode(void)
{
	if (opt.mode & ~(mode_t)0777)
		eusage("mode %04o: a FIFO takes permission bits only (at most "
		    "0777)", (unsigned)opt.mode);
}

/* errno as the whole message: "ipc-fifo: send PATH: No such file ..." */
static void __attribute__((noreturn))
eerrno(void)
{
	eerrx(EXIT_FAIL, "%s", strerror(errno));
}

/* --rm: that very FIFO, not whatever took its name meanwhile */
static void
rm_fifo(void *arg)
{
	const struct fifo *f = arg;

	if (path_unlink_if(f->path, S_IFIFO, f->dev, f->ino, NULL) == 0)
		iverbose("removed");
}

/*
 * A terminating signal came with n bytes at buf taken (from stdin, or from
 * the FIFO) and not yet delivered to fd: write them once more (the kick
 * of lib/sig.c cuts that short if it blocks), give back to stdin what is
 * left where stdin can seek, else say how much was lost; then clean up
 * (--rm) and re-raise.
 */
static void __attribute__((noreturn))
estop(int fd, const char *buf, size_t n, int fromstdin)
{
	size_t done = 0;

	if (n > 0)
		(void)writeall_n(fd, buf, n, &done);
	n -= done;
	if (n > 0 && fromstdin && lseek(0, -(off_t)n, SEEK_CUR) != -1) {
		iverbose("%zu bytes not sent given back to stdin", n);
		n = 0;
	}
	if (n > 0)
		iwarnx("stopped by a signal: %zu bytes taken from %s were not "
		    "delivered", n, fromstdin ? "stdin" : "the FIFO");
	eraise(gotsig);			/* callers come here with gotsig set */
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
		if (path_mkfifo(path, opt.mode) == 0)
			f->made = 1;
		else if (errno != EEXIST)
			eerr(EXIT_FAIL, "mkfifo");
	}
	if (lstat(path, &st) == -1)
		eerrno();
	if (!S_ISFIFO(st.st_mode))
		eerrx(EXIT_FAIL, "not a FIFO (%s), left untouched",
		    ftype_name(st.st_mode));
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (rm)
		cleanup_add(rm_fifo, f);
	if (f->made)
		iverbose("created with mode %04o", (unsigned)opt.mode);
}

/*
 * open the FIFO checked by efifo_prepare: never through a symlink, and
 * only if it is still the same FIFO.  -1 with errno from open(2) (EINTR
 * for a blocking open that a signal cut short).
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
		    "left untouched", ftype_name(st.st_mode));
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
		if (path_mkfifo(argv[i], opt.mode) == 0) {
			iverbose("created with mode %04o", (unsigned)opt.mode);
			continue;
		}
		if (errno == EEXIST && lstat(argv[i], &st) == 0)
			iwarnx("already exists (%s), left untouched",
			    ftype_name(st.st_mode));
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
	mode_t found = 0;
	int i, status = 0;

	opt_begin(argc, argv, 0, NULL);
	while (opt_next() != -1)
		continue;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, -1);
	for (i = 0; i < argc; i++) {
		setoperand(argv[i]);
		/* the node checked is the node unlinked (path_unlink_if) */
		if (path_unlink_if(argv[i], S_IFIFO, 0, 0, &found) == 0) {
			iverbose("removed");
			continue;
		}
		if (errno == EINVAL)
			iwarnx("not a FIFO (%s), left untouched",
			    ftype_name(found));
		else
			iwarnx("%s", strerror(errno));
		status = EXIT_FAIL;
	}
	return status;
}

/* ---- send -------------------------------------------------------------- */


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
	rest = fd_rest(0, &exact);
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

/*
 * Wait for a reader: ENXIO from a non-blocking open means none yet.
 * Without a bound, a blocking open waits (a signal cuts it short: EINTR,
 * the kick closes the window before the call); with one, a non-blocking
 * open is tried again every few ms.  -1 when the time is up.
 */
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
			while (!gotsig &&
			    (fd = efifo_open(f, O_WRONLY)) == -1)
				if (errno != EINTR)
					eerr(EXIT_FAIL, "open");
			eonsig();
			break;
		}
		if ((left = deadline_left(&d)) == 0)
			return -1;
		if (xpoll(NULL, 0, nap < left ? nap : left) == -1 &&
		    errno != EINTR)
			eerr(EXIT_FAIL, "ppoll");
		eonsig();
		nap = nap * 2 > NAPMAX ? NAPMAX : nap * 2;
	}
	if (set_nonblock(fd, 0) == -1)
		eerr(EXIT_FAIL, "fcntl");
	iverbose("reader connected");
	return fd;
}

/* read(2) of stdin that waits for a non-blocking one: > 0, 0 EOF, -1 EINTR */
static ssize_t
eread_stdin(char *buf, size_t n)
{
	ssize_t r;

	for (;;) {
		if ((r = read(0, buf, n)) >= 0)
			return r;
		if (errno == EINTR)
			return -1;
		if (errno != EAGAIN)
			eerr(EXIT_FAIL, "read error on stdin");
		if (waitfd(0, POLLIN, -1) == -1) {
			if (errno == EINTR)
				return -1;
			eerr(EXIT_FAIL, "poll");
		}
	}
}

/* stdin into the FIFO, splice(2) where the kernel allows */
static void
send_stream(int fd, struct sent *s)
{
	char *buf = NULL;
	int spliceok = 1;
	size_t done;
	ssize_t r;

	for (;;) {
		if (gotsig)
			estop(fd, NULL, 0, 1);	/* splice holds nothing */
		if (spliceok) {
			r = splice(0, NULL, fd, NULL, COPYMAX, SPLICE_F_MOVE);
			if (r > 0) {
				s->written += (uint64_t)r;
				continue;
			}
			if (r == 0)
				break;
			if (errno == EINTR)
				continue;
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
		if ((r = eread_stdin(buf, COPYMAX)) == 0)
			break;
		if (r < 0)
			continue;
		if (writeall_n(fd, buf, (size_t)r, &done) == 0) {
			s->written += (uint64_t)r;
			continue;
		}
		s->written += done;
		if (errno == EINTR && gotsig)
			estop(fd, buf + done, (size_t)r - done, 1);
		s->pending = (uint64_t)r - done;
		if (errno == EPIPE)
			ereader_gone(fd, s);
		eerr(EXIT_FAIL, "write");
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

/*
 * A terminating signal with --atomic: the batch goes out whole or not at
 * all (one write of at most PIPE_BUF, which the kick cuts short if it
 * blocks); what was read and not sent, whole records, goes back to stdin
 * where stdin can seek.
 */
static void __attribute__((noreturn))
eatomic_stop(int fd, struct batch *b, struct sent *s, const struct recin *in,
    size_t held)
{
	size_t back;

	if (b->len > 0 && write(fd, b->buf, b->len) == (ssize_t)b->len) {
		s->written += b->len;
		b->len = b->fromin = 0;
	}
	back = b->fromin + held + (in->end - in->start);
	if (back > 0 && lseek(0, -(off_t)back, SEEK_CUR) != -1) {
		iverbose("%zu bytes not sent given back to stdin", back);
		back = 0;
	}
	if (back > 0)
		iwarnx("stopped by a signal: %zu bytes taken from stdin were "
		    "not delivered", back);
	eraise(gotsig);			/* callers come here with gotsig set */
}

/* held: bytes of stdin taken for a record that is not in the batch yet */
static void
batch_flush(int fd, struct batch *b, struct sent *s, const struct recin *in,
    size_t held)
{
	ssize_t w;

	if (b->len == 0)
		return;
	while ((w = write(fd, b->buf, b->len)) == -1 && errno == EINTR)
		if (gotsig)
			eatomic_stop(fd, b, s, in, held);
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

/* the next record, or -1 at the end of stdin */
static ssize_t
atomic_next(int fd, struct batch *b, struct sent *s, struct recin *in,
    char **p)
{
	ssize_t n;
	int e;

	for (;;) {
		if (gotsig)
			eatomic_stop(fd, b, s, in, 0);
		errno = 0;
		if ((n = recin_next(in, p)) != -1)
			return n;
		if (errno == 0)
			return -1;
		if (errno == EINTR)
			continue;
		e = errno;
		batch_flush(fd, b, s, in, 0);
		if (e == E2BIG)
			eerrx(EXIT_FAIL, "record %ju is longer than %u bytes, "
			    "far over PIPE_BUF %d: not sent; %ju records sent "
			    "before it", (uintmax_t)b->nrec + 1, REC_HARDMAX,
			    PIPE_BUF, (uintmax_t)b->nrec);
		errno = e;
		eerr(EXIT_FAIL, "read error on stdin");
	}
}

static void
send_atomic(int fd, struct sent *s)
{
	static struct batch b;
	struct recin in;
	ssize_t n;
	char *p;
	size_t hadsep;

	recin_init(&in, 0, opt.sep, 0);
	while ((n = atomic_next(fd, &b, s, &in, &p)) != -1) {
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
		{ "atomic",	no_argument,	NULL, F_ATOMIC },
		{ "rm",		no_argument,	NULL, F_RM },
		{ NULL, 0, NULL, 0 },
	};
	struct pollfd p;
	struct sent s = { 0, 0 };
	int c, fd, atomic = 0, rm = 0;

	opt_begin(argc, argv, OPT_TIMEOUT | OPT_NOWAIT | OPT_NULL | OPT_CREATE |
	    OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case F_ATOMIC:
			atomic = 1;
			break;
		case F_RM:
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
	if ((fd = eopen_writer(&fifo)) == -1)
		return itimedout("no reader came");
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

struct recvopt {
	const char	*path;
	int		 follow;	/* --follow */
	int		 rm;		/* --rm */
};

struct taker {
	int		 fd;		/* the FIFO */
	int		 splice_ok;	/* without --count: splice to stdout */
	int		 pr, pw;	/* --count: a private pipe for tee(2) peeks */
	char		*buf;
	size_t		 bufsz;
	uint64_t	 records;
	uint64_t	 bytes;
};

/*
 * Wait until the FIFO has data or its last writer has gone (POLLHUP,
 * which Linux reports only once a writer has come and gone), up to the
 * deadline: 1, or 0 when the time is up.  A closed stdout (POLLERR on a
 * pipe) ends us here too, so "recv | head -c1" does not wait for more
 * input to find out.
 */
static int
ewait_input(int fd, const struct deadline *d)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = 1, .events = 0 },
	};
	int r;

	for (;;) {
		eonsig();
		if ((r = xpoll_until(p, 2, d)) == 0)
			return 0;
		if (r == -1) {
			if (errno != EINTR)
				eerr(EXIT_FAIL, "poll");
			continue;
		}
		if (p[1].revents & POLLERR)
			eepipe();
		if (p[1].revents != 0)
			p[1].fd = -1;	/* a hangup: the write will tell */
		if (p[0].revents != 0)
			return 1;
	}
}

/*
 * Write n bytes taken from the FIFO to stdout: EPIPE quietly, a signal
 * after one more try (estop), anything else loudly.
 */
static void
eout(const char *buf, size_t n)
{
	size_t done;

	if (writeall_n(1, buf, n, &done) == 0)
		return;
	if (errno == EINTR && gotsig)
		estop(1, buf + done, n - done, 0);
	if (errno == EPIPE)
		eepipe();
	eerr(EXIT_FAIL, "write error on stdout");
}

/*
 * Without --count: copy what is there, splice(2) from the FIFO to stdout
 * where the kernel allows (it holds nothing in our hands), else read and
 * write.  0: wait for more, -1: end of file.
 */
static int
drain(struct taker *t)
{
	ssize_t n;

	for (;;) {
		eonsig();
		if (t->splice_ok) {
			n = splice(t->fd, NULL, 1, NULL, COPYMAX,
			    SPLICE_F_MOVE);
			if (n > 0) {
				t->bytes += (uint64_t)n;
				continue;
			}
			if (n == 0)
				return -1;
			if (errno == EAGAIN) {
				if (pipe_queued(t->fd) <= 0)
					return 0;
				/* our stdout is the full one: wait for it */
				if (waitfd(1, POLLOUT, -1) == -1 &&
				    errno != EINTR)
					eerr(EXIT_FAIL, "poll");
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				eepipe();
			if (errno != EINVAL && errno != ENOSYS &&
			    errno != EBADF)
				eerr(EXIT_FAIL, "copy to stdout");
			t->splice_ok = 0;	/* O_APPEND, a terminal, ... */
		}
		if (t->buf == NULL) {
			t->bufsz = COPYMAX;
			t->buf = ecalloc(1, t->bufsz);
		}
		if ((n = read(t->fd, t->buf, t->bufsz)) == 0)
			return -1;
		if (n < 0) {
			if (errno == EAGAIN)
				return 0;
			if (errno == EINTR)
				continue;
			eerr(EXIT_FAIL, "read");
		}
		eout(t->buf, (size_t)n);
		t->bytes += (uint64_t)n;
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

	eonsig();
	if ((n = tee(t->fd, t->pw, t->bufsz, SPLICE_F_NONBLOCK)) == 0)
		return -1;
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			eerr(EXIT_FAIL, "tee");
		return 0;
	}
	/* nothing is taken from the FIFO yet: a signal just ends us */
	for (got = 0; got < (size_t)n; got += (size_t)r)
		if ((r = readsome(t->pr, t->buf + got, (size_t)n - got)) <= 0) {
			eonsig();
			eerr(EXIT_FAIL, "read from the peek pipe");
		}
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
		if (errno == EAGAIN)
			break;		/* another reader took it */
		if (errno != EINTR)
			eerr(EXIT_FAIL, "read");
	}
	for (i = 0; i < got; i++)
		if (t->buf[i] == (char)opt.sep)
			t->records++;
	t->bytes += got;
	if (got > 0)
		eout(t->buf, got);
	if (t->records >= (uint64_t)opt.count)
		return 1;
	return eof && got == 0 ? -1 : 0;
}

static void
etaker_init(struct taker *t, int fd)
{
	int p[2], cap;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	t->pr = t->pw = -1;
	t->splice_ok = 1;
	if (opt.count == 0)
		return;
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
	if (t->pr != -1)
		close(t->pr);
	if (t->pw != -1)
		close(t->pw);
	free(t->buf);
}

static void
recv_parse(int *argcp, char ***argvp, struct recvopt *o)
{
	static const struct option lo[] = {
		{ "follow",	no_argument,	NULL, F_FOLLOW },
		{ "rm",		no_argument,	NULL, F_RM },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opt_begin(*argcp, *argvp, OPT_TIMEOUT | OPT_NOWAIT | OPT_COUNT |
	    OPT_NULL | OPT_CREATE | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		switch (c) {
		case F_FOLLOW:
			o->follow = 1;
			break;
		case F_RM:
			o->rm = 1;
			break;
		}
	opt_end(argcp, argvp, NULL);
	opt_operands(*argcp, 1, 1);
	if ((opt.given & OPT_NULL) && !(opt.given & OPT_COUNT))
		eusage("-0 applies only with --count");
	if ((opt.given & OPT_MODE) && !opt.create)
		eusage("--mode applies only with --create");
	echeck_mode();
	o->path = (*argvp)[0];
	setoperand(o->path);
}

static int
recv_run(const struct recvopt *o)
{
	struct deadline d;
	struct taker t;
	uint64_t before;
	int fd, wfd = -1, r = 0, timedout = 0;

	efifo_prepare(&fifo, o->path, opt.create, o->rm);
	/* non-blocking: open does not wait for a writer, poll does */
	if ((fd = efifo_open(&fifo, O_RDONLY | O_NONBLOCK)) == -1)
		eerr(EXIT_FAIL, "open");
	/*
	 * --follow: hold a write end ourselves, so the FIFO never reaches
	 * end of file between writers (no gap in which a new writer could
	 * find no reader, no POLLHUP to spin on).
	 */
	if (o->follow &&
	    (wfd = efifo_open(&fifo, O_WRONLY | O_NONBLOCK)) == -1)
		eerr(EXIT_FAIL, "open for writing");
	etaker_init(&t, fd);
	deadline_init(&d, opt.timeout);
	while (r == 0) {
		if (!ewait_input(fd, &d)) {
			timedout = 1;
			break;
		}
		before = t.bytes;
		if (opt.count > 0)
			r = take(&t, (uint64_t)opt.count - t.records);
		else
			r = drain(&t);
		if (t.bytes != before)
			deadline_init(&d, opt.timeout);
	}
	taker_free(&t);
	if (wfd != -1)
		close(wfd);
	close(fd);
	iverbose("%ju bytes received", (uintmax_t)t.bytes);
	if (timedout && t.bytes == 0)
		return itimedout("nothing arrived");
	return 0;
}

static int
cmd_recv(int argc, char *argv[])
{
	struct recvopt o;

	recv_parse(&argc, &argv, &o);
	return recv_run(&o);
}

/* ---- info -------------------------------------------------------------- */

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
    const struct fifo_holders *h, int *cap)
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

/* readers or writers: "2", or "2+" when some processes could not be seen */
static void
kv_holders(struct kv *kv, const char *key, int n, int partial)
{
	char b[32];

	if (kv->json || !partial) {
		kv_num(kv, key, n);
		return;
	}
	snprintf(b, sizeof(b), "%d+", n);
	kv_str(kv, key, b);
}

static int
cmd_info(int argc, char *argv[])
{
	struct fifo_holders h;
	struct stat st;
	struct kv kv;
	long long q;
	int cap;

	opt_begin(argc, argv, OPT_JSON, NULL);
	while (opt_next() != -1)
		continue;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	setoperand(argv[0]);
	if (lstat(argv[0], &st) == -1)
		eerrno();
	if (!S_ISFIFO(st.st_mode))
		eerrx(EXIT_FAIL, "not a FIFO (%s)", ftype_name(st.st_mode));
	fifo_holders(st.st_dev, st.st_ino, &h);
	q = queued_bytes(argv[0], &st, &h, &cap);

	kv_begin(&kv, opt.json);
	kv_str(&kv, "path", argv[0]);
	kv_str(&kv, "type", "fifo");
	kv_id(&kv, "owner", "uid", st.st_uid, 0);
	kv_id(&kv, "group", "gid", st.st_gid, 1);
	kv_mode(&kv, "perms", st.st_mode);
	kv_holders(&kv, "readers", h.readers, h.partial);
	kv_holders(&kv, "writers", h.writers, h.partial);
	if (opt.json)
		kv_bool(&kv, "complete", !h.partial);
	if (q >= 0)
		kv_num(&kv, "usedbytes", q);
	else
		kv_null(&kv, "usedbytes");
	if (cap >= 0)
		kv_num(&kv, "capacity", cap);
	else
		kv_null(&kv, "capacity");
	kv_time(&kv, "mtime", st.st_mtime);
	kv_end(&kv);
	return 0;
}

/* ---- main -------------------------------------------------------------- */

#define SEND_OPTS \
	"      --atomic          each record (line, or NUL-ended with -0) " \
	    "in one write(2)\n" \
	"                        of at most PIPE_BUF bytes: never torn " \
	    "or mixed\n" \
	"      --rm              remove the FIFO at the end (only that " \
	    "FIFO)\n"
#define RECV_OPTS \
	"      --follow          keep reading across writers that come " \
	    "and go\n" \
	"      --rm              remove the FIFO at the end (only that " \
	    "FIFO)\n"

static const struct verb verbs[] = {
	{ "mk", cmd_mk,
	    "[--mode MODE] [-q | --quiet] [-v | --verbose] PATH...",
	    "create FIFOs, mode 0600 whatever the umask unless --mode", NULL },
	{ "send", cmd_send,
	    "[--atomic] [-0 | --null] [--timeout DUR] [--nowait] [--create] "
	    "[--mode MODE] [--rm] [-q | --quiet] [-v | --verbose] PATH",
	    "stdin into the FIFO, once a reader has it open", SEND_OPTS },
	{ "recv", cmd_recv,
	    "[--follow] [--count N] [-0 | --null] [--timeout DUR] [--nowait] "
	    "[--create] [--mode MODE] [--rm] [-q | --quiet] [-v | --verbose] "
	    "PATH",
	    "what writers send into the FIFO, to stdout", RECV_OPTS },
	{ "rm", cmd_rm, "[-q | --quiet] [-v | --verbose] PATH...",
	    "remove FIFOs, and nothing that is not one", NULL },
	{ "info", cmd_info, "[--json] PATH",
	    "type, owner, perms, readers, writers, bytes queued", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs, "named pipes (FIFOs)");
}
