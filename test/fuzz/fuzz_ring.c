/*
 * fuzz_ring.c - libFuzzer target for ring_check() of lib/ring.c: a ring
 * header as another program could have written it into /dev/shm.  The
 * first 8 bytes of the input give the object's size, the rest is the
 * header.  Whatever ring_check accepts must be safe to use: head and
 * tail in step, the data size matching the object, every state known.
 * Built and run by "make fuzz"; any crash, sanitizer report or abort()
 * below fails it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ringinfo ri;
	struct ring_hdr h;
	const char *why = NULL;
	uint64_t objsize;
	unsigned char *buf;
	size_t len;

	if (size < sizeof(objsize) || size > 8192)
		return 0;
	memcpy(&objsize, data, sizeof(objsize));
	len = size - sizeof(objsize);
	/* a copy of exactly len bytes, so that ASan sees any over-read */
	if ((buf = malloc(len > 0 ? len : 1)) == NULL)
		return 0;
	memcpy(buf, data + sizeof(objsize), len);
	/* half the time, a header that passes the first checks, so that the
	 * later ones get exercised too */
	if (len >= sizeof(h) && (objsize & 1)) {
		memcpy(&h, buf, sizeof(h));
		memcpy(h.magic, RING_MAGIC, sizeof(h.magic));
		h.version = RING_VERSION;
		h.hdrsize = RING_HDRSIZE;
		objsize = RING_HDRSIZE + (h.size & ~(uint64_t)4095);
		memcpy(buf, &h, sizeof(h));
	}
	if (ring_check(buf, len, objsize, &ri, &why) == 0) {
		if (len < sizeof(struct ring_hdr) || ri.size < RING_MINSIZE ||
		    ri.size % 4096 != 0 || objsize - RING_HDRSIZE != ri.size ||
		    ri.tail > ri.head || ri.head - ri.tail > ri.size ||
		    ri.pstate > RING_QUIT || ri.cstate > RING_QUIT ||
		    ri.ppid < 0 || ri.cpid < 0)
			abort();
		(void)ring_statename(ri.pstate);
	} else if (why == NULL || errno != EINVAL)
		abort();
	free(buf);
	return 0;
}
