/*
 * fuzz_sysvlist.c - libFuzzer target for the parser of /proc/sysvipc/msg,
 * shm and sem (lib/objsysv.c): any bytes, with or without the kernel's
 * own header line in front.  Built and run by "make fuzz"; any crash,
 * leak or sanitizer report fails it, and so does an object that comes
 * out malformed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* the header lines of Linux 6.x */
static const char *const headers[NKINDS] = {
	[IPC_MQ] = "       key      msqid perms      cbytes       qnum lspid "
	    "lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
	[IPC_SHM] = "       key      shmid perms                  size  cpid  "
	    "lpid nattch   uid   gid  cuid  cgid      atime      dtime      "
	    "ctime                   rss                  swap\n",
	[IPC_SEM] = "       key      semid perms      nsems   uid   gid  cuid  "
	    "cgid      otime      ctime\n",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct objlist l = { 0 };
	enum ipckind k;
	size_t i, hl, len;
	char *buf;
	int r;

	if (size == 0 || size > 65536)
		return 0;
	/* the first byte: the kind, and whether the real header comes
	 * first; the rest is the file */
	k = (enum ipckind)(data[0] % NKINDS);
	hl = data[0] & 0x80 ? strlen(headers[k]) : 0;
	len = hl + size - 1;
	if ((buf = malloc(len + 1)) == NULL)
		return 0;
	memcpy(buf, headers[k], hl);
	memcpy(buf + hl, data + 1, size - 1);
	r = sysv_parse(k, buf, len, &l);
	if (r == -1 && l.n != 0)
		abort();
	for (i = 0; i < l.n; i++) {
		const struct ipcobj *o = &l.v[i];

		if (o->kind != k || !o->sysv || o->name != NULL ||
		    o->id < 0 || (o->mode & ~0777) != 0 ||
		    o->lspid < -1 || o->lrpid < -1 || o->cpid < -1 ||
		    o->lpid < -1)
			abort();
	}
	objlist_free(&l);
	free(buf);
	return 0;
}
