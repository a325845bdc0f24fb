/* io.c - full read/write loops, polling, pipes, and the splice copy */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipckit.h"

/* one read, retried on EINTR (after checking for a terminating signal) */
ssize_t
readsome(int fd, void *buf, size_t n)
{
	ssize_t r;

	for (;;) {
		r = read(fd, buf, n);
		if (r >= 0 || errno != EINTR)
			return r;
		echecksig();
	}
}

/*
 * poll(2) that cannot miss INT/TERM/HUP: they stay blocked while the flag
 * is checked, and ppoll(2) unblocks them atomically, so one that arrived
 * before the wait (during start-up, say) is not left pending until a
 * timeout that may never come.  A terminating signal does not return;
 * another signal returns 0, as a timeout does; -1 on error.
 */
int
epollsig(struct pollfd *p, nfds_t n, long long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	sigset_t stop, old;
	int r, e;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	echecksig();
	r = ppoll(p, n, ms < 0 ? NULL : &ts, &old);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r == -1 && e == EINTR) {
		echecksig();
		return 0;
	}
	errno = e;
	return r;
}

int
waitfd(int fd, short events, long long ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	struct deadline d;
	int r;

	deadline_init(&d, ms);
	for (;;) {
		if ((r = epollsig(&p, 1, deadline_left(&d))) != 0)
			return r > 0 ? 1 : -1;
		if (deadline_expired(&d))
			return 0;
	}
}

/* write everything: partial writes, EINTR, and EAGAIN on O_NONBLOCK ends */
int
writeall(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR) {
			echecksig();
			continue;
		}
		if (w == -1 && errno == EAGAIN) {
			if (waitfd(fd, POLLOUT, -1) == -1)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

int
set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1)
		return -1;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl);
}

int
pipe_capacity(int fd)
{
	return fcntl(fd, F_GETPIPE_SZ);
}

int
pipe_queued(int fd)
{
	int n;

	if (ioctl(fd, FIONREAD, &n) == -1)
		return -1;
	return n;
}

int
set_pipe_size(int fd, size_t size)
{
	if (size > INT32_MAX) {
		errno = EINVAL;
		return -1;
	}
	return fcntl(fd, F_SETPIPE_SZ, (int)size) == -1 ? -1 : 0;
}

void
xfer_init(struct xfer *x, int in, int out, size_t bufsz)
{
	x->in = in;
	x->out = out;
	x->splice_ok = 1;
	x->buf = NULL;
	x->bufsz = bufsz != 0 ? bufsz : 128 * 1024;
	x->bytes = 0;
}

void
xfer_free(struct xfer *x)
{
	free(x->buf);
	x->buf = NULL;
}

/*
 * Move up to max bytes from in to out.  splice(2) needs a pipe on one
 * side; when the kernel says EINVAL (neither end a pipe, or an O_APPEND
 * file) we fall back to read/write for good.  A short write inside the
 * fallback is completed before returning, so bytes are never dropped.
 */
ssize_t
xfer_step(struct xfer *x, size_t max)
{
	ssize_t r;

	while (x->splice_ok) {
		r = splice(x->in, NULL, x->out, NULL, max, SPLICE_F_MOVE);
		if (r >= 0) {
			x->bytes += (uint64_t)r;
			return r;
		}
		if (errno == EINTR) {
			echecksig();
			continue;
		}
		if (errno == EINVAL || errno == ENOSYS || errno == EBADF)
			x->splice_ok = 0;
		else
			return -1;
	}
	if (x->buf == NULL && (x->buf = malloc(x->bufsz)) == NULL)
		return -1;
	if (max > x->bufsz)
		max = x->bufsz;
	r = readsome(x->in, x->buf, max);
	if (r <= 0)
		return r;
	if (writeall(x->out, x->buf, (size_t)r) == -1)
		return -1;
	x->bytes += (uint64_t)r;
	return r;
}

int
copyfd(int in, int out, uint64_t *bytes)
{
	struct xfer x;
	ssize_t r;

	xfer_init(&x, in, out, 0);
	while ((r = xfer_step(&x, 1 << 20)) > 0)
		;
	if (bytes != NULL)
		*bytes = x.bytes;
	xfer_free(&x);
	return r == 0 ? 0 : -1;
}
