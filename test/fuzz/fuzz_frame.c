/*
 * fuzz_frame.c - libFuzzer target for the record reader: any input, any
 * separator and chunk size; records must tile the input exactly.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recin r;
	size_t off = 0, chunk;
	ssize_t n;
	char *p;
	int fd, sep;

	if (size < 2)
		return 0;
	sep = data[0] % 3 == 0 ? '\n' : data[0] % 3 == 1 ? '\0' : REC_RAW;
	chunk = (size_t)data[1] + 1;
	data += 2;
	size -= 2;
	if ((fd = memfd_create("fuzz", 0)) == -1)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	recin_init(&r, fd, sep, chunk);
	while ((n = recin_next(&r, &p)) >= 0) {
		/* each record is the next bytes of the input ... */
		if ((size_t)n > size - off || memcmp(p, data + off, (size_t)n))
			abort();
		off += (size_t)n;
		if (sep == REC_RAW) {
			if ((size_t)n > chunk || n == 0)
				abort();
			continue;
		}
		/* ... followed by its separator, unless it was the last */
		if (off < size) {
			if (data[off] != (uint8_t)sep)
				abort();
			off++;
		}
	}
	if (off != size)
		abort();
	recin_free(&r);
	close(fd);
	return 0;
}
