/*
 * frame.c - records: lines, NUL-terminated records, or raw chunks.
 *
 * The reader pulls large blocks and hands out records with memchr, so
 * there is no syscall per byte; the writer gathers records into one
 * buffer and writes it when full or when asked (before a blocking wait).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

#define RECIN_BLOCK	(64 * 1024)

void
recin_init(struct recin *r, int fd, int sep, size_t chunk)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->sep = sep;
	r->chunk = chunk != 0 ? chunk : RECIN_BLOCK;
}

void
recin_free(struct recin *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* read more input after what is buffered; 0 at EOF, -1 on error */
static ssize_t
fill(struct recin *r, size_t want)
{
	ssize_t n;

	if (r->start > 0 && (r->end == r->cap || r->cap - r->end < want)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < want) {
		size_t ncap = r->cap != 0 ? r->cap : RECIN_BLOCK;
		char *nb;

		while (ncap - r->end < want)
			ncap *= 2;
		if (ncap > REC_HARDMAX + RECIN_BLOCK) {
			errno = E2BIG;
			return -1;
		}
		if ((nb = realloc(r->buf, ncap)) == NULL)
			return -1;
		r->buf = nb;
		r->cap = ncap;
	}
	n = readsome(r->fd, r->buf + r->end, r->cap - r->end);
	if (n > 0)
		r->end += (size_t)n;
	else if (n == 0)
		r->eof = 1;
	return n;
}

ssize_t
recin_next(struct recin *r, char **p)
{
	size_t scanned = 0, len;
	char *s;

	if (r->sep == REC_RAW) {
		if (r->end == r->start) {
			if (r->eof)
				goto eof;
			r->start = r->end = 0;
			if (fill(r, r->chunk) <= 0)
				goto eofor;
		}
		len = r->end - r->start;
		if (len > r->chunk)
			len = r->chunk;
		*p = r->buf + r->start;
		r->start += len;
		r->nrec++;
		return (ssize_t)len;
	}
	for (;;) {
		s = r->end - r->start > scanned ? memchr(r->buf + r->start +
		    scanned, r->sep, r->end - r->start - scanned) : NULL;
		if (s != NULL) {
			len = (size_t)(s - (r->buf + r->start));
			*p = r->buf + r->start;
			r->start += len + 1;
			r->nrec++;
			return (ssize_t)len;
		}
		scanned = r->end - r->start;
		if (r->eof) {
			/* a last record without its separator still counts */
			if (scanned == 0)
				goto eof;
			*p = r->buf + r->start;
			r->start = r->end;
			r->nrec++;
			return (ssize_t)scanned;
		}
		if (scanned > REC_HARDMAX) {
			errno = E2BIG;
			return -1;
		}
		if (fill(r, RECIN_BLOCK) < 0)
			return -1;
	}
eofor:
	if (!r->eof)
		return -1;
eof:
	errno = 0;
	return -1;
}

void
recout_init(struct recout *w, int fd, size_t cap)
{
	w->fd = fd;
	w->cap = cap != 0 ? cap : 64 * 1024;
	w->buf = NULL;
	w->len = 0;
}

void
recout_free(struct recout *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

int
recout_flush(struct recout *w)
{
	size_t n = w->len;

	w->len = 0;
	if (n == 0)
		return 0;
	return writeall(w->fd, w->buf, n);
}

int
recout_put(struct recout *w, const void *p, size_t n, int sep)
{
	size_t need = n + (sep != REC_RAW);

	if (w->buf == NULL && (w->buf = malloc(w->cap)) == NULL)
		return -1;
	if (w->len + need > w->cap && recout_flush(w) == -1)
		return -1;
	if (need > w->cap) {
		/* bigger than the buffer: straight through */
		if (writeall(w->fd, p, n) == -1)
			return -1;
		if (sep != REC_RAW) {
			char c = (char)sep;

			return writeall(w->fd, &c, 1);
		}
		return 0;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	if (sep != REC_RAW)
		w->buf[w->len++] = (char)sep;
	return 0;
}
