/*
 * ring.c - the stream ring of ipc-shm send and recv: one producer, one
 * consumer, an unbounded byte stream through a ring buffer in one POSIX
 * shared memory object, /dev/shm/NAME.ring.  ipc-shm(1), RING LAYOUT,
 * documents it for programs in other languages; in short:
 *
 *  - a header page (struct ring_hdr in ipckit.h), then size bytes of
 *    data.  head (the producer's) and tail (the consumer's) count bytes
 *    since the start of the stream; byte i is at data[i % size], and
 *    head - tail bytes are in the ring.  A side publishes its count with
 *    a release store after read(2) filled the data or write(2) emptied
 *    it, and reads the other's with an acquire load.
 *  - a side that must wait (ring empty, ring full) stores 1 in its own
 *    futex word (cwait, pwait), looks once more, and FUTEX_WAITs on the
 *    word for at most CHECK_MS.  The other side, after moving its count
 *    or changing its state, looks at the word (after a full fence) and
 *    only if it is set clears it and FUTEX_WAKEs: no system call at all
 *    while neither side sleeps.
 *  - each attached side holds a write lock (fcntl(2) F_OFD_SETLK) on
 *    its byte of the object: 0 the producer, 1 the consumer.  A second
 *    producer or consumer cannot take it; a side that dies lets it go,
 *    which the other sees with F_OFD_GETLK between timed waits, and a
 *    state still "on" then means it died.  Byte 2 is locked while a side
 *    attaches or detaches, so that exactly one side finds itself the
 *    last one out, and removes the ring.
 *
 * The ring is created under no name (O_TMPFILE in /dev/shm), sized with
 * fallocate(2) (so a full /dev/shm is ENOSPC now, not SIGBUS later),
 * its header written, and only then linked under its name, never
 * replacing anything: whoever opens the name finds a whole ring.
 *
 * The other side may be anyone with write access: its numbers are
 * checked before use (ring_check, and head and tail at every step), so
 * that no read(2) or write(2) ever leaves the mapping.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

#define SHMDIR		"/dev/shm"
#define CHECK_MS	200	/* a waiting side looks around this often */
#define SPIN		2000	/* looks before sleeping, with another CPU */
#define CHUNK		(256 * 1024)	/* the largest read(2) or write(2) */
#define TRIES		100

_Static_assert(offsetof(struct ring_hdr, version) == 8, "version");
_Static_assert(offsetof(struct ring_hdr, size) == 16, "size");
_Static_assert(offsetof(struct ring_hdr, flags) == 24, "flags");
_Static_assert(offsetof(struct ring_hdr, head) == 64, "head");
_Static_assert(offsetof(struct ring_hdr, pstate) == 72, "pstate");
_Static_assert(offsetof(struct ring_hdr, ppid) == 76, "ppid");
_Static_assert(offsetof(struct ring_hdr, tail) == 128, "tail");
_Static_assert(offsetof(struct ring_hdr, cstate) == 136, "cstate");
_Static_assert(offsetof(struct ring_hdr, cpid) == 140, "cpid");
_Static_assert(offsetof(struct ring_hdr, cwait) == 192, "cwait");
_Static_assert(offsetof(struct ring_hdr, pwait) == 256, "pwait");
_Static_assert(sizeof(struct ring_hdr) == 320, "header");

#define LD32(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LD64(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ST32(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ST64(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

static void
relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* ---- the header, as anyone may have written it ------------------------- */

static uint32_t
get32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t
get64(const unsigned char *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

int
ring_check(const void *buf, size_t len, uint64_t objsize,
    struct ringinfo *out, const char **why)
{
	const unsigned char *p = buf;
	struct ringinfo ri;
	const char *w = NULL;

	memset(&ri, 0, sizeof(ri));
	if (p == NULL || len < sizeof(struct ring_hdr))
		w = "shorter than a ring's header";
	else if (memcmp(p, RING_MAGIC, 8) != 0)
		w = "no ring magic";
	else if (get32(p, offsetof(struct ring_hdr, version)) != RING_VERSION)
		w = "a ring of another version";
	else if (get32(p, offsetof(struct ring_hdr, hdrsize)) != RING_HDRSIZE)
		w = "a header size other than 4096";
	else {
		ri.size = get64(p, offsetof(struct ring_hdr, size));
		ri.flags = get32(p, offsetof(struct ring_hdr, flags));
		ri.head = get64(p, offsetof(struct ring_hdr, head));
		ri.pstate = get32(p, offsetof(struct ring_hdr, pstate));
		ri.ppid = (int32_t)get32(p, offsetof(struct ring_hdr, ppid));
		ri.tail = get64(p, offsetof(struct ring_hdr, tail));
		ri.cstate = get32(p, offsetof(struct ring_hdr, cstate));
		ri.cpid = (int32_t)get32(p, offsetof(struct ring_hdr, cpid));
		if (ri.size < RING_MINSIZE || ri.size % 4096 != 0)
			w = "a data size that is not a multiple of 4096";
		else if (objsize < RING_HDRSIZE ||
		    objsize - RING_HDRSIZE != ri.size)
			w = "a data size other than the object's size";
		else if (ri.size > (uint64_t)SSIZE_MAX - RING_HDRSIZE)
			w = "a data size too large to map";
		else if ((ri.flags & ~RING_FKEEP) != 0)
			w = "unknown flags";
		else if (ri.pstate > RING_QUIT || ri.cstate > RING_QUIT)
			w = "an unknown state";
		else if (ri.ppid < 0 || ri.cpid < 0)
			w = "a negative pid";
		else if (ri.tail > ri.head || ri.head - ri.tail > ri.size)
			w = "head and tail out of step";
	}
	if (w != NULL) {
		if (why != NULL)
			*why = w;
		errno = EINVAL;
		return -1;
	}
	if (out != NULL)
		*out = ri;
	return 0;
}

const char *
ring_statename(uint32_t s)
{
	static const char *const names[] = { "none", "on", "done", "quit" };

	return s <= RING_QUIT ? names[s] : "?";
}

int
ring_file(const char *name, char *out, size_t len)
{
	char n[NAME_MAX + 2];
	size_t l;

	if (posix_name(name, n, sizeof(n)) == -1)
		return -1;
	l = strlen(n + 1);
	if (l + sizeof(RING_SUFFIX) - 1 > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (l + sizeof(RING_SUFFIX) > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(out, n + 1, l);
	memcpy(out + l, RING_SUFFIX, sizeof(RING_SUFFIX));
	return 0;
}

/* ---- futexes and locks -------------------------------------------------- */

static int
fwait(uint32_t *w, long long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return (int)syscall(SYS_futex, w, FUTEX_WAIT, 1, &ts, NULL, 0);
}

/* after moving a count or a state: wake the other side if it sleeps */
static void
fwake(uint32_t *w)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(w, __ATOMIC_RELAXED) != 0 &&
	    __atomic_exchange_n(w, 0, __ATOMIC_SEQ_CST) != 0)
		(void)syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static int
lockbyte(int fd, int b, int wait)
{
	struct flock l;

	memset(&l, 0, sizeof(l));
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	l.l_start = b;
	l.l_len = 1;
	return fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &l);
}

static void
unlockbyte(int fd, int b)
{
	struct flock l;

	memset(&l, 0, sizeof(l));
	l.l_type = F_UNLCK;
	l.l_whence = SEEK_SET;
	l.l_start = b;
	l.l_len = 1;
	(void)fcntl(fd, F_OFD_SETLK, &l);
}

/* 1 when someone else holds byte b, 0 when nobody does (or we cannot
 * tell: then the other side counts as there) */
static int
heldbyte(int fd, int b)
{
	struct flock l;

	memset(&l, 0, sizeof(l));
	l.l_type = F_WRLCK;
	l.l_whence = SEEK_SET;
	l.l_start = b;
	l.l_len = 1;
	if (fcntl(fd, F_OFD_GETLK, &l) == -1)
		return 1;
	return l.l_type != F_UNLCK;
}

/* the attach lock: waits (briefly: nobody holds it long); finish says
 * go on after a terminating signal, as detaching must */
static int
lockx(int fd, int finish)
{
	while (lockbyte(fd, RING_LOCKX, 1) == -1) {
		if (errno != EINTR || (gotsig && !finish))
			return -1;
	}
	return 0;
}

/* ---- the two sides ---------------------------------------------------- */

static uint32_t *
mystate(struct ringend *r)
{
	return r->side == RING_PRODUCER ? &r->h->pstate : &r->h->cstate;
}

static uint32_t *
peerstate(struct ringend *r)
{
	return r->side == RING_PRODUCER ? &r->h->cstate : &r->h->pstate;
}

static uint64_t *
peercount(struct ringend *r)
{
	return r->side == RING_PRODUCER ? &r->h->tail : &r->h->head;
}

static uint32_t *
myflag(struct ringend *r)
{
	return r->side == RING_PRODUCER ? &r->h->pwait : &r->h->cwait;
}

static uint32_t *
peerflag(struct ringend *r)
{
	return r->side == RING_PRODUCER ? &r->h->cwait : &r->h->pwait;
}

static int
peerbyte(const struct ringend *r)
{
	return r->side == RING_PRODUCER ? RING_LOCKC : RING_LOCKP;
}

static pid_t
peerpid(struct ringend *r)
{
	return LD32(r->side == RING_PRODUCER ? &r->h->cpid : &r->h->ppid);
}

/* ---- making, finding and joining a ring --------------------------------- */

static void
why_nospace(struct ringend *r, uint64_t size)
{
	struct statvfs sv;
	char a[32], b[32], c[32];

	if (statvfs(SHMDIR, &sv) == -1) {
		snprintf(r->why, sizeof(r->why), "a ring of %s does not fit in "
		    SHMDIR, fmt_size(a, sizeof(a), size));
		return;
	}
	snprintf(r->why, sizeof(r->why), "a ring of %s does not fit in "
	    SHMDIR " (size %s, %s free)", fmt_size(a, sizeof(a), size),
	    fmt_size(b, sizeof(b), (uint64_t)sv.f_blocks * sv.f_frsize),
	    fmt_size(c, sizeof(c), (uint64_t)sv.f_bavail * sv.f_frsize));
}

/*
 * A new ring under no name, whole, then linked under r->file.  -1 with
 * errno: EEXIST when another one got the name first (open that one).
 */
static int
ring_create(struct ringend *r, uint64_t size, mode_t mode)
{
	char proc[64];
	struct ring_hdr *h;
	uint64_t total = RING_HDRSIZE + size;
	int fd, e;

	fd = openat(r->dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode & 0777);
	if (fd == -1) {
		e = errno;
		snprintf(r->why, sizeof(r->why), "cannot create a ring in "
		    SHMDIR ": %s", strerror(e));
		errno = e;
		return -1;
	}
	if (fchmod(fd, mode & 0777) == -1)
		goto fail;
	if (fallocate(fd, 0, 0, (off_t)total) == -1) {
		e = errno;
		if (e == ENOSPC)
			why_nospace(r, size);
		else if (e == EFBIG)
			snprintf(r->why, sizeof(r->why), "a ring of %llu "
			    "bytes exceeds the file size limit (ulimit -f)",
			    (unsigned long long)total);
		else if ((e == EOPNOTSUPP || e == ENOSYS) &&
		    ftruncate(fd, (off_t)total) == 0)
			goto sized;
		errno = e;
		goto fail;
	}
sized:
	h = mmap(NULL, RING_HDRSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
	    0);
	if (h == MAP_FAILED)
		goto fail;
	memcpy(h->magic, RING_MAGIC, 8);
	h->version = RING_VERSION;
	h->hdrsize = RING_HDRSIZE;
	h->size = size;
	munmap(h, RING_HDRSIZE);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, r->dfd, r->file, AT_SYMLINK_FOLLOW) == -1)
		goto fail;
	r->fd = fd;
	r->created = 1;
	return 0;
fail:
	e = errno;
	if (r->why[0] == '\0' && e != EEXIST)
		snprintf(r->why, sizeof(r->why), "cannot create the ring: %s",
		    strerror(e));
	close(fd);
	errno = e;
	return -1;
}

/* check what r->fd holds and map it */
static int
ring_map(struct ringend *r, mode_t mode, unsigned fl)
{
	unsigned char hdr[sizeof(struct ring_hdr)];
	struct ringinfo ri;
	const char *why;
	struct stat st;
	char u[64];
	ssize_t n;
	void *m;

	if (fstat(r->fd, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		snprintf(r->why, sizeof(r->why), "not a ring (%s)",
		    ftype_name(st.st_mode));
		errno = EINVAL;
		return -1;
	}
	n = pread(r->fd, hdr, sizeof(hdr), 0);
	if (n == -1)
		return -1;
	if (ring_check(hdr, (size_t)n, (uint64_t)st.st_size, &ri, &why) ==
	    -1) {
		snprintf(r->why, sizeof(r->why), "not a ring this version "
		    "can use: %s", why);
		errno = EINVAL;
		return -1;
	}
	if (!r->created && st.st_uid != geteuid() && !(fl & RING_OSHARE)) {
		snprintf(r->why, sizeof(r->why), "the ring belongs to %s: "
		    "give --mode to join another user's ring",
		    user_name(st.st_uid, u, sizeof(u)));
		errno = EPERM;
		return -1;
	}
	if (!r->created && (st.st_mode & 0777 & ~mode) != 0) {
		snprintf(r->why, sizeof(r->why), "the ring has mode %04o, "
		    "wider than %04o: not joined (give --mode %04o to join it)",
		    (unsigned)(st.st_mode & 0777), (unsigned)mode,
		    (unsigned)(st.st_mode & 0777));
		errno = EPERM;
		return -1;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
	    r->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	r->h = m;
	r->data = (char *)m + RING_HDRSIZE;
	r->maplen = (size_t)st.st_size;
	r->size = ri.size;
	r->dev = st.st_dev;
	r->ino = st.st_ino;
	r->chunk = r->size / 4 < CHUNK ? (size_t)(r->size / 4) : CHUNK;
	if (r->chunk < 4096)
		r->chunk = 4096;
	r->lowat = r->chunk;
	return 0;
}

static void
ring_unmap(struct ringend *r)
{
	if (r->h != NULL)
		munmap(r->h, r->maplen);
	r->h = NULL;
	r->data = NULL;
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	r->created = 0;
}

/*
 * Join as r->side, under the attach lock.  A side that finds its own
 * state already set finds a ring that carried a stream: when that
 * stream is over (both sides done or given up, the other not attached)
 * it starts a new one; otherwise it is refused.  0 joined, 1 the ring
 * was removed meanwhile (open the name again), -1 errno.
 */
static int
ring_attach(struct ringend *r, unsigned fl)
{
	struct ring_hdr *h = r->h;
	uint32_t me, other;
	uint64_t head, tail;
	struct stat st;
	int e;

	if (lockx(r->fd, 0) == -1)
		return -1;
	if (fstat(r->fd, &st) == 0 && st.st_nlink == 0) {
		unlockbyte(r->fd, RING_LOCKX);
		return 1;
	}
	if (lockbyte(r->fd, r->side == RING_PRODUCER ? RING_LOCKP :
	    RING_LOCKC, 0) == -1) {
		e = errno;
		unlockbyte(r->fd, RING_LOCKX);
		if (e != EAGAIN && e != EACCES) {
			errno = e;
			return -1;
		}
		r->peer = LD32(r->side == RING_PRODUCER ? &h->ppid : &h->cpid);
		snprintf(r->why, sizeof(r->why), "the ring is busy: another %s "
		    "(pid %d) is attached", r->side == RING_PRODUCER ?
		    "producer" : "consumer", (int)r->peer);
		errno = EBUSY;
		return -1;
	}
	me = LD32(mystate(r));
	other = LD32(peerstate(r));
	head = LD64(&h->head);
	tail = LD64(&h->tail);
	if (me != RING_NONE) {
		if ((me == RING_DONE || me == RING_QUIT) &&
		    (other == RING_DONE || other == RING_QUIT) &&
		    !heldbyte(r->fd, peerbyte(r))) {
			/* a new stream through a kept ring */
			ST64(&h->head, 0);
			ST64(&h->tail, 0);
			ST32(&h->ppid, 0);
			ST32(&h->cpid, 0);
			ST32(&h->pstate, RING_NONE);
			ST32(&h->cstate, RING_NONE);
			head = tail = 0;
		} else {
			unlockbyte(r->fd, r->side == RING_PRODUCER ?
			    RING_LOCKP : RING_LOCKC);
			unlockbyte(r->fd, RING_LOCKX);
			snprintf(r->why, sizeof(r->why), "the ring holds the "
			    "rest of a stream (producer %s, consumer %s, %llu "
			    "bytes in it): remove it first",
			    ring_statename(LD32(&h->pstate)),
			    ring_statename(LD32(&h->cstate)),
			    (unsigned long long)(head - tail));
			errno = EBUSY;
			return -1;
		}
	}
	r->pos = r->side == RING_PRODUCER ? head : tail;
	ST32(r->side == RING_PRODUCER ? &h->ppid : &h->cpid, (int32_t)getpid());
	if (fl & RING_OKEEP)
		__atomic_fetch_or(&h->flags, RING_FKEEP, __ATOMIC_SEQ_CST);
	ST32(mystate(r), RING_ON);
	fwake(peerflag(r));
	unlockbyte(r->fd, RING_LOCKX);
	r->attached = 1;
	r->peer = peerpid(r);
	return 0;
}

int
ring_open(struct ringend *r, const char *file, enum ringside side,
    uint64_t size, mode_t mode, unsigned fl)
{
	cpu_set_t cpus;
	int tries, a, e;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->side = side;
	r->spin = sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) > 1;
	if (strlcpy(r->file, file, sizeof(r->file)) >= sizeof(r->file)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (size < RING_MINSIZE)
		size = RING_MINSIZE;
	if (size > UINT64_MAX - RING_HDRSIZE - 4095) {
		errno = EFBIG;
		return -1;
	}
	size = (size + 4095) & ~(uint64_t)4095;
	if ((r->dfd = open(SHMDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		e = errno;
		snprintf(r->why, sizeof(r->why), "cannot open " SHMDIR ": %s",
		    strerror(e));
		errno = e;
		return -1;
	}
	for (tries = 0; tries < TRIES; tries++) {
		r->why[0] = '\0';
		r->fd = openat(r->dfd, r->file, O_RDWR | O_NOFOLLOW |
		    O_CLOEXEC);
		if (r->fd == -1 && errno == ENOENT) {
			if (ring_create(r, size, mode) == -1) {
				if (errno == EEXIST)
					continue;
				break;
			}
		} else if (r->fd == -1) {
			if (errno == ELOOP)
				snprintf(r->why, sizeof(r->why), "not a ring "
				    "(symbolic link)");
			break;
		}
		if (ring_map(r, mode, fl) == -1)
			break;
		if ((a = ring_attach(r, fl)) == 0)
			return 0;
		if (a == -1)
			break;
		ring_unmap(r);
	}
	e = tries == TRIES ? EAGAIN : errno;
	if (tries == TRIES)
		snprintf(r->why, sizeof(r->why), "the ring keeps appearing "
		    "and vanishing");
	ring_unmap(r);
	close(r->dfd);
	r->dfd = -1;
	errno = e;
	return -1;
}

int
ring_close(struct ringend *r, enum ringstate st)
{
	char path[sizeof(SHMDIR) + sizeof(r->file)];
	uint32_t cur;

	if (!r->attached) {
		ring_unmap(r);
		if (r->dfd != -1)
			close(r->dfd);
		r->dfd = -1;
		return r->removed;
	}
	r->attached = 0;
	(void)lockx(r->fd, 1);
	cur = LD32(mystate(r));
	if (cur == RING_NONE || cur == RING_ON)
		ST32(mystate(r), st);
	fwake(peerflag(r));
	unlockbyte(r->fd, r->side == RING_PRODUCER ? RING_LOCKP : RING_LOCKC);
	if (!heldbyte(r->fd, peerbyte(r)) &&
	    !(LD32(&r->h->flags) & RING_FKEEP)) {
		snprintf(path, sizeof(path), SHMDIR "/%s", r->file);
		r->removed = path_unlink_if(path, S_IFREG, r->dev, r->ino,
		    NULL) == 0;
	}
	unlockbyte(r->fd, RING_LOCKX);
	ring_unmap(r);
	close(r->dfd);
	r->dfd = -1;
	return r->removed;
}

/* ---- waiting ------------------------------------------------------------ */

/*
 * A slice went by with nothing new: has the other side come (the
 * deadline d, when not NULL, is for that), is it still attached, has
 * the reader of outfd gone?  0, or the RS_* that ends the stream.
 */
static int
ring_look(struct ringend *r, const struct deadline *d, int outfd)
{
	struct pollfd p;
	uint32_t s = LD32(peerstate(r));

	if (s == RING_NONE && d != NULL && deadline_expired(d))
		return RS_TIMEOUT;
	/* detaching sets the state before the lock goes: a lock gone and
	 * a state still "on" is a side that died */
	if (s == RING_ON && !heldbyte(r->fd, peerbyte(r)) &&
	    LD32(peerstate(r)) == RING_ON) {
		r->peer = peerpid(r);
		return RS_GONE;
	}
	if (outfd >= 0) {
		p.fd = outfd;
		p.events = 0;
		p.revents = 0;
		if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
			return RS_EPIPE;
	}
	return 0;
}

/*
 * Sleep until the other side's count moves from seen or its state from
 * seenst: spin a little where another CPU runs it, say so in our futex
 * word, look once more, wait on the word a slice at a time, and look
 * around between slices.  0: look again; or the RS_* that ends it.
 */
static int
ring_sleep(struct ringend *r, uint64_t seen, uint32_t seenst,
    const struct deadline *d, int outfd)
{
	uint32_t *flag = myflag(r);
	long long ms;
	int i, rc, e;

#define MOVED()	(LD64(peercount(r)) != seen || LD32(peerstate(r)) != seenst)
	for (;;) {
		if (gotsig)
			return RS_SIG;
		for (i = 0; r->spin && i < SPIN; i++) {
			if (MOVED())
				return 0;
			relax();
		}
		__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
		if (MOVED()) {
			__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
			return 0;
		}
		ms = CHECK_MS;
		if (seenst == RING_NONE && d != NULL && !d->forever &&
		    deadline_left(d) < ms)
			ms = deadline_left(d);
		rc = ms > 0 ? fwait(flag, ms) : -1;
		e = ms > 0 ? errno : ETIMEDOUT;
		__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
		if (rc == 0 || e == EAGAIN || MOVED())
			return 0;
		if (e == EINTR)
			continue;
		if (e != ETIMEDOUT) {
			r->err = e;
			return RS_IOERR;
		}
		if ((rc = ring_look(r, d, outfd)) != 0)
			return rc;
	}
#undef MOVED
}

/* producer: wait for input, looking at the consumer between slices;
 * 0 ready (or read(2) will say what is wrong), -1 the consumer's state
 * changed, or the RS_* that ends the stream */
static int
wait_input(struct ringend *r, int fd, const struct deadline *d)
{
	struct pollfd p;
	uint32_t s;
	int n, rc;

	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		n = xpoll(&p, 1, CHECK_MS);
		if (n > 0 || (n == -1 && errno != EINTR))
			return 0;
		if (n == -1 && gotsig)
			return RS_SIG;
		s = LD32(&r->h->cstate);
		if (s == RING_QUIT || s == RING_DONE)
			return -1;
		if (n == 0 && (rc = ring_look(r, d, -1)) != 0)
			return rc;
	}
}

/* ---- the stream ---------------------------------------------------------- */

static int
produce(struct ringend *r, int fd, long long ms)
{
	struct ring_hdr *h = r->h;
	struct deadline d;
	struct stat st;
	uint64_t tail, room, off, n;
	uint32_t cs;
	int eof = 0, full = 1, pollin, rc;
	ssize_t k;

	deadline_init(&d, ms);
	/* a pipe, a socket or a terminal may have nothing for a long time:
	 * wait for it in slices, to notice a consumer that died */
	pollin = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISBLK(st.st_mode);
	if (ms == 0 && LD32(&h->cstate) == RING_NONE)
		return RS_TIMEOUT;
	for (;;) {
		if (gotsig)
			return RS_SIG;
		cs = LD32(&h->cstate);
		tail = LD64(&h->tail);
		if (tail > r->pos || r->pos - tail > r->size)
			return RS_CORRUPT;
		if (cs == RING_NONE && !d.forever && deadline_expired(&d))
			return RS_TIMEOUT;
		/* done before the end of the stream is gone early too */
		if (cs == RING_QUIT || (cs == RING_DONE && (!eof ||
		    tail != r->pos)))
			return RS_QUIT;
		/* an empty stream too waits for its consumer to come */
		if (eof && tail == r->pos && cs != RING_NONE)
			return RS_OK;
		room = r->size - (r->pos - tail);
		if (!eof && room > 0) {
			if (pollin && !full && (rc = wait_input(r, fd, &d)) != 0) {
				if (rc == -1)
					continue;
				return rc;
			}
			off = r->pos % r->size;
			n = room < r->size - off ? room : r->size - off;
			if (n > r->chunk)
				n = r->chunk;
			k = read(fd, r->data + off, (size_t)n);
			if (k > 0) {
				full = (uint64_t)k == n;
				r->pos += (uint64_t)k;
				ST64(&h->head, r->pos);
				fwake(&h->cwait);
				continue;
			}
			if (k == 0) {
				eof = 1;
				ST32(&h->pstate, RING_DONE);
				fwake(&h->cwait);
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {	/* O_NONBLOCK stdin */
				pollin = 1;
				full = 0;
				continue;
			}
			r->err = errno;
			return RS_IOERR;
		}
		if ((rc = ring_sleep(r, tail, cs, &d, -1)) != 0)
			return rc;
	}
}

int
ring_produce(struct ringend *r, int fd, long long ms)
{
	uint64_t tail;
	int rc;

	rc = produce(r, fd, ms);
	tail = LD64(&r->h->tail);
	r->left = tail <= r->pos && r->pos - tail <= r->size ?
	    r->pos - tail : 0;
	if (rc != RS_OK)
		r->peer = peerpid(r);
	return rc;
}

int
ring_consume(struct ringend *r, int fd, long long ms)
{
	struct ring_hdr *h = r->h;
	struct deadline d;
	uint64_t head, off, n;
	uint32_t ps;
	ssize_t k;
	int rc;

	deadline_init(&d, ms);
	if (ms == 0 && LD32(&h->pstate) == RING_NONE)
		return RS_TIMEOUT;
	for (;;) {
		if (gotsig)
			return RS_SIG;
		/* the state first: once it says done, head is final */
		ps = LD32(&h->pstate);
		head = LD64(&h->head);
		if (head < r->pos || head - r->pos > r->size)
			return RS_CORRUPT;
		if (head != r->pos) {
			off = r->pos % r->size;
			n = head - r->pos;
			if (n > r->size - off)
				n = r->size - off;
			if (n > r->chunk)
				n = r->chunk;
			k = write(fd, r->data + off, (size_t)n);
			if (k > 0) {
				r->pos += (uint64_t)k;
				ST64(&h->tail, r->pos);
				if (r->size - (head - r->pos) >= r->lowat)
					fwake(&h->pwait);
				continue;
			}
			if (k == -1 && errno == EINTR)
				continue;
			if (k == -1 && errno == EAGAIN) {	/* O_NONBLOCK */
				if (waitfd(fd, POLLOUT, -1) == -1 &&
				    errno == EINTR)
					return RS_SIG;
				continue;
			}
			if (k == -1 && errno == EPIPE)
				return RS_EPIPE;
			r->err = k == -1 ? errno : EIO;
			return RS_IOERR;
		}
		if (ps == RING_DONE)
			return RS_OK;
		if (ps == RING_QUIT) {
			r->peer = peerpid(r);
			return RS_QUIT;
		}
		/* empty: whatever the producer waits for, it has now */
		fwake(&h->pwait);
		if ((rc = ring_sleep(r, head, ps, &d, fd)) != 0)
			return rc;
	}
}
