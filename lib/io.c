/*
 * io.c - full read/write loops, polling, pipes, and the splice copy.
 * None of these exits: EINTR is retried unless a terminating signal was
 * caught (gotsig), and then returned, so the caller can give back what it
 * holds before it calls eonsig().
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipckit.h"

ssize_t
readsome(int fd, void *buf, size_t n)
{
	ssize_t r;

	for (;;) {
		r = read(fd, buf, n);
		if (r >= 0 || errno != EINTR || gotsig)
			return r;
	}
}

/* 1 when fd is ready, 0 when ms ran out, -1 with errno (EINTR: gotsig) */
int
waitfd(int fd, short events, long long ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	struct deadline d;
	int r;

	deadline_init(&d, ms);
	for (;;) {
		r = xpoll_until(&p, 1, &d);
		if (r >= 0)
			return r > 0 ? 1 : 0;
		if (errno != EINTR || gotsig)
			return -1;
	}
}

/*
 * Write everything: partial writes, EINTR, and EAGAIN on O_NONBLOCK ends.
 * *done gets the bytes written, also when it fails (-1 with errno; EINTR
 * when a terminating signal came), so a caller knows what got out.
 */
int
writeall_n(int fd, const void *buf, size_t n, size_t *done)
{
	const char *p = buf;
	size_t left = n;
	ssize_t w;
	int r = 0;

	while (left > 0) {
		w = write(fd, p, left);
		if (w > 0) {
			p += w;
			left -= (size_t)w;
			continue;
		}
		if (w == -1 && errno == EINTR && !gotsig)
			continue;
		if (w == -1 && errno == EAGAIN) {
			if (waitfd(fd, POLLOUT, -1) == -1) {
				r = -1;
				break;
			}
			continue;
		}
		r = -1;
		break;
	}
	if (done != NULL)
		*done = n - left;
	return r;
}

int
writeall(int fd, const void *buf, size_t n)
{
	return writeall_n(fd, buf, n, NULL);
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
		if (errno == EINTR && !gotsig)
			continue;
		if (errno == EINTR)
			return -1;
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

/*
 * What fd still holds, for a "not delivered" count: exact for a regular
 * file (size minus offset) and for a pipe whose writers are gone (what
 * is queued); otherwise what is queued now, a lower bound.
 */
uint64_t
fd_rest(int fd, int *exact)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct stat st;
	off_t off;
	int q;

	*exact = 0;
	if (fstat(fd, &st) == -1)
		return 0;
	if (S_ISREG(st.st_mode)) {
		if ((off = lseek(fd, 0, SEEK_CUR)) == -1)
			return 0;
		*exact = 1;
		return st.st_size > off ? (uint64_t)(st.st_size - off) : 0;
	}
	if (ioctl(fd, FIONREAD, &q) == -1 || q < 0)
		q = 0;
	if (S_ISFIFO(st.st_mode) && poll(&p, 1, 0) == 1 &&
	    (p.revents & POLLHUP))
		*exact = 1;
	return (uint64_t)q;
}
