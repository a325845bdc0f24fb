/*
 * ipc-shm - POSIX and System V shared memory for shell scripts, and a
 * streaming ring that carries a byte stream between two processes.
 *
 * Segments (create, write, read, stat): the data moves between the
 * segment and stdin or stdout with one read(2) or write(2) straight into
 * or out of the mapping, so it is copied once.  The mapping is never
 * touched from user space, only by those calls: a page that cannot be
 * had (a full /dev/shm behind a sparse segment, a segment shrunk under
 * us) is an EFAULT to report, never a SIGBUS.
 *
 * The ring (send, recv) is lib/ring.c; here are its options, what each
 * end of a stream means for the exit status, and the messages.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

#define SHMDIR		"/dev/shm"
#define GATHER_STEP	(1u << 20)	/* write --create from a pipe */

/* verb-specific long options */
enum {
	OPT_SIZE = 256, OPT_OFFSET, OPT_LENGTH, OPT_KEEP,
};

struct seg {
	int		 sysv;
	const char	*operand;
	char		 name[NAME_MAX + 2];	/* POSIX: "/NAME" */
	int		 fd;			/* POSIX */
	struct sysvref	 ref;			/* SysV */
	int		 id;
	char		*map;
	size_t		 size;
	int		 created;
	int		 h;			/* cleanup handle while made */
};

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- naming and opening a segment --------------------------------------- */

static void
eoperand(struct seg *s, const char *arg)
{
	memset(s, 0, sizeof(*s));
	s->sysv = opt.sysv;
	s->operand = arg;
	s->fd = -1;
	s->id = -1;
	s->h = -1;
	setoperand(arg);
	if (!s->sysv) {
		eposix_name(arg, s->name, sizeof(s->name));
		return;
	}
	esysv_ref(arg, opt.proj, &s->ref);
	if (s->ref.id >= 0)
		s->id = s->ref.id;
}

static void esysv_gone(void) __attribute__((noreturn));

static void
esysv_gone(void)
{
	eerrx(EXIT_FAIL, "no such segment");
}

/* "size 1.5MiB (1572864 bytes)" for messages */
static const char *
fmt_bytes(char *b, size_t len, uint64_t n)
{
	char h[32];

	if (n < 1024)
		snprintf(b, len, "%llu byte%s", (unsigned long long)n,
		    plural(n));
	else
		snprintf(b, len, "%s (%llu bytes)", fmt_size(h, sizeof(h), n),
		    (unsigned long long)n);
	return b;
}

/* /dev/shm's size and free space, for messages: " (size 64MiB, 1.0MiB
 * free)" */
static const char *
shm_space(char *b, size_t len)
{
	struct statvfs sv;
	char t[32], f[32];

	if (statvfs(SHMDIR, &sv) == -1) {
		b[0] = '\0';
		return b;
	}
	snprintf(b, len, " (size %s, %s free)",
	    fmt_size(t, sizeof(t), (uint64_t)sv.f_blocks * sv.f_frsize),
	    fmt_size(f, sizeof(f), (uint64_t)sv.f_bavail * sv.f_frsize));
	return b;
}

/*
 * read(2) or write(2) on the mapping said EFAULT: the kernel could not
 * have the page.  For a POSIX segment that is a full /dev/shm (tmpfs
 * allocates a page when it is first written) or a segment shrunk by
 * someone else; for System V, memory the kernel would not give.
 */
static void efault(const struct seg *, uint64_t, const char *)
    __attribute__((noreturn));

static void
efault(const struct seg *s, uint64_t done, const char *what)
{
	struct stat st;
	char sp[96];

	if (!s->sysv && fstat(s->fd, &st) == 0 &&
	    (uint64_t)st.st_size < s->size)
		eerrx(EXIT_FAIL, "the segment shrank to %llu bytes under us "
		    "(%llu bytes %s)", (unsigned long long)st.st_size,
		    (unsigned long long)done, what);
	if (!s->sysv)
		eerrx(EXIT_FAIL, "no memory for the segment's pages: " SHMDIR
		    " is full%s (%llu bytes %s)", shm_space(sp, sizeof(sp)),
		    (unsigned long long)done, what);
	eerrx(EXIT_FAIL, "the kernel could not give the segment's pages "
	    "(out of memory?; %llu bytes %s)", (unsigned long long)done,
	    what);
}

static void
posix_unlink_cb(void *name)
{
	(void)shm_unlink(name);
}

static void
sysv_rmid_cb(void *idp)
{
	(void)shmctl(*(int *)idp, IPC_RMID, NULL);
}

/* made for this run: removed if the run fails */
static void
seg_made(struct seg *s)
{
	s->created = 1;
	s->h = s->sysv ? cleanup_add(sysv_rmid_cb, &s->id) :
	    cleanup_add(posix_unlink_cb, s->name);
}

static void
seg_keep(struct seg *s)
{
	if (s->h >= 0)
		cleanup_del(s->h);
	s->h = -1;
}

/* 0 made; -1 when it exists and adopt says that is fine */
static int
eposix_create(struct seg *s, uint64_t size, int adopt)
{
	struct statvfs sv;
	char a[64], b[64], sp[96];
	uint64_t fs;

	s->fd = shm_open(s->name, O_RDWR | O_CREAT | O_EXCL, opt.mode & 0777);
	if (s->fd == -1) {
		if (errno == EEXIST && adopt)
			return -1;
		if (errno == EEXIST)
			eerrx(EXIT_FAIL, "segment already exists");
		eerr(EXIT_FAIL, "cannot create the segment");
	}
	seg_made(s);
	if (fchmod(s->fd, opt.mode & 0777) == -1)
		eerr(EXIT_FAIL, "fchmod");
	/* sparse, as shm_open(3) makes it; but never larger than /dev/shm
	 * could ever hold */
	if (statvfs(SHMDIR, &sv) == 0 &&
	    size > (fs = (uint64_t)sv.f_blocks * sv.f_frsize))
		eerrx(EXIT_FAIL, "size %s exceeds the size of " SHMDIR ": %s",
		    fmt_bytes(a, sizeof(a), size), fmt_bytes(b, sizeof(b), fs));
	if (size > (uint64_t)INT64_MAX || ftruncate(s->fd, (off_t)size) == -1) {
		if (errno == EFBIG || size > (uint64_t)INT64_MAX)
			eerrx(EXIT_FAIL, "size %s exceeds the file size limit "
			    "(ulimit -f)", fmt_bytes(a, sizeof(a), size));
		if (errno == ENOSPC)
			eerrx(EXIT_FAIL, "no room for %s in " SHMDIR "%s",
			    fmt_bytes(a, sizeof(a), size),
			    shm_space(sp, sizeof(sp)));
		eerr(EXIT_FAIL, "ftruncate");
	}
	s->size = (size_t)size;
	return 0;
}

/* shmget(2) said ENOSPC: kernel.shmmni segments, or kernel.shmall pages */
static void enospc_sysv(uint64_t) __attribute__((noreturn));

static void
enospc_sysv(uint64_t size)
{
	struct shm_info si;
	long long all, mni, pg = sysconf(_SC_PAGESIZE);
	uint64_t want = (size + (uint64_t)pg - 1) / (uint64_t)pg;
	char a[64];

	all = sysctl_num("/proc/sys/kernel/shmall");
	mni = sysctl_num("/proc/sys/kernel/shmmni");
	memset(&si, 0, sizeof(si));
	if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&si) >= 0 &&
	    mni >= 0 && si.used_ids >= mni)
		eerrx(EXIT_FAIL, "too many segments: kernel.shmmni = %lld "
		    "reached", mni);
	if (all >= 0)
		eerrx(EXIT_FAIL, "a segment of %s needs %llu pages: "
		    "kernel.shmall = %lld pages, %lu in use",
		    fmt_bytes(a, sizeof(a), size), (unsigned long long)want,
		    all, (unsigned long)si.shm_tot);
	eerrx(EXIT_FAIL, "no room for a segment of %s (kernel.shmmni or "
	    "kernel.shmall)", fmt_bytes(a, sizeof(a), size));
}

static int
esysv_create(struct seg *s, uint64_t size, int adopt)
{
	long long max;
	char a[64];

	if (s->ref.id >= 0)
		eusage("create needs a key, not id:N");
	if (size > SIZE_MAX)
		eerrx(EXIT_FAIL, "size %s is too large", fmt_bytes(a,
		    sizeof(a), size));
	s->id = shmget(s->ref.key, (size_t)size, IPC_CREAT | IPC_EXCL |
	    (int)(opt.mode & 0777));
	if (s->id == -1) {
		switch (errno) {
		case EEXIST:
			if (adopt)
				return -1;
			eerrx(EXIT_FAIL, "segment already exists");
		case EINVAL:
			max = sysctl_num("/proc/sys/kernel/shmmax");
			if (max >= 0 && size > (uint64_t)max)
				eerrx(EXIT_FAIL, "size %s exceeds kernel.shmmax "
				    "= %lld", fmt_bytes(a, sizeof(a), size),
				    max);
			eerr(EXIT_FAIL, "shmget of %s", fmt_bytes(a, sizeof(a),
			    size));
		case ENOSPC:
			enospc_sysv(size);
		case ENOMEM:
			eerrx(EXIT_FAIL, "not enough memory for a segment of %s",
			    fmt_bytes(a, sizeof(a), size));
		default:
			eerr(EXIT_FAIL, "cannot create the segment");
		}
	}
	seg_made(s);
	s->size = (size_t)size;
	if (s->ref.fromftok)
		iverbose("created key 0x%08x (ftok of %s, proj %d), id %d",
		    (unsigned)s->ref.key, s->operand, opt.proj, s->id);
	else
		iverbose("created key 0x%08x, id %d", (unsigned)s->ref.key,
		    s->id);
	return 0;
}

/* an existing segment, its size known; -1 with errno ENOENT when it
 * does not exist (the caller decides), other failures exit */
static int
seg_open(struct seg *s, int rw)
{
	struct shmid_ds ds;
	struct stat st;

	if (!s->sysv) {
		s->fd = shm_open(s->name, rw ? O_RDWR : O_RDONLY, 0);
		if (s->fd == -1) {
			if (errno == ENOENT)
				return -1;
			eerr(EXIT_FAIL, "cannot open the segment");
		}
		if (fstat(s->fd, &st) == -1)
			eerr(EXIT_FAIL, "fstat");
		if (!S_ISREG(st.st_mode))
			eerrx(EXIT_FAIL, "not a segment (%s)",
			    ftype_name(st.st_mode));
		s->size = (size_t)st.st_size;
		return 0;
	}
	if (s->ref.id < 0) {
		if (s->ref.key == IPC_PRIVATE) {
			/* write --create 0: always a new private segment */
			if (rw && opt.create) {
				errno = ENOENT;
				return -1;
			}
			eusage("key 0 is IPC_PRIVATE: name a private segment "
			    "as id:N");
		}
		if ((s->id = shmget(s->ref.key, 0, 0)) == -1) {
			if (errno == ENOENT)
				return -1;
			eerr(EXIT_FAIL, "cannot open the segment");
		}
	}
	if (shmctl(s->id, IPC_STAT, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM) {
			errno = ENOENT;
			return -1;
		}
		eerr(EXIT_FAIL, "cannot open the segment");
	}
	s->ref.key = ds.shm_perm.__key;
	s->size = ds.shm_segsz;
	return 0;
}

static void
emap(struct seg *s, int rw)
{
	void *m;

	if (!s->sysv) {
		if (s->size == 0)
			return;
		m = mmap(NULL, s->size, rw ? PROT_READ | PROT_WRITE :
		    PROT_READ, MAP_SHARED, s->fd, 0);
		if (m == MAP_FAILED)
			eerr(EXIT_FAIL, "mmap");
		s->map = m;
		return;
	}
	m = shmat(s->id, NULL, rw ? 0 : SHM_RDONLY);
	if (m == (void *)-1) {
		if (errno == EINVAL || errno == EIDRM)
			esysv_gone();
		eerr(EXIT_FAIL, "shmat");
	}
	s->map = m;
}

static void
seg_close(struct seg *s)
{
	if (s->map != NULL) {
		if (s->sysv)
			(void)shmdt(s->map);
		else
			munmap(s->map, s->size);
	}
	s->map = NULL;
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
}

/* ---- create ------------------------------------------------------------ */

static const struct option size_lo[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ NULL, 0, NULL, 0 },
};

static int
cmd_create(int argc, char *argv[])
{
	uint64_t size = 0;
	struct seg s;
	int c;

	opt_begin(argc, argv, OPT_SYSV | OPT_MODE, size_lo);
	while ((c = opt_next()) != -1)
		if (c == OPT_SIZE)
			size = esize("size", optarg, 1, INT64_MAX);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if (size == 0)
		eusage("--size is required");
	eoperand(&s, argv[0]);
	if (s.sysv) {
		esysv_create(&s, size, 0);
		if (s.ref.key == IPC_PRIVATE)
			printf("id:%d\n", s.id);
	} else
		eposix_create(&s, size, 0);
	seg_keep(&s);
	seg_close(&s);
	return 0;
}

/* ---- write ------------------------------------------------------------- */

struct writeopts {
	uint64_t	 offset;
};

/*
 * stdin from a pipe, for write --create of a new segment: gathered into
 * an anonymous mapping that grows, so that the segment can be made of
 * the input's size.  Returns its length.
 */
static size_t
egather(char **bufp, size_t *capp)
{
	size_t cap = GATHER_STEP, len = 0;
	char *buf, *nb;
	ssize_t n;

	buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		eerr(EXIT_FAIL, "mmap");
	for (;;) {
		if (len == cap) {
			nb = mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
			if (nb == MAP_FAILED)
				eerr(EXIT_FAIL, "input of more than %zu bytes: "
				    "mremap", len);
			buf = nb;
			cap *= 2;
		}
		n = readsome(0, buf + len, cap - len);
		if (n == 0)
			break;
		if (n == -1) {
			eonsig();
			eerr(EXIT_FAIL, "read error on stdin");
		}
		len += (size_t)n;
	}
	*bufp = buf;
	*capp = cap;
	return len;
}

/* a gathered input into the segment at the offset; what fits */
static void
put_buffer(struct seg *s, const struct writeopts *o, const char *buf,
    uint64_t n)
{
	uint64_t room, k;
	char a[64];

	if (o->offset > s->size)
		eerrx(EXIT_FAIL, "offset %llu is past the end of the segment "
		    "(size %s)", (unsigned long long)o->offset,
		    fmt_bytes(a, sizeof(a), s->size));
	room = s->size - o->offset;
	k = n < room ? n : room;
	emap(s, 1);
	/* memcpy would fault on a page /dev/shm cannot give: have the
	 * pages first, where the kernel can say so (EFAULT) */
	if (k > 0 && madvise(s->map + (o->offset & ~(uint64_t)4095),
	    (size_t)((o->offset & 4095) + k), MADV_POPULATE_WRITE) == -1 &&
	    errno == EFAULT)
		efault(s, 0, "written");
	memcpy(s->map + o->offset, buf, (size_t)k);
	if (n > room)
		eerrx(EXIT_FAIL, "input runs past the end of the segment: "
		    "%llu byte%s written at offset %llu, the segment's size is "
		    "%s", (unsigned long long)k, plural(k),
		    (unsigned long long)o->offset, fmt_bytes(a, sizeof(a),
		    s->size));
	iverbose("%llu byte%s written at offset %llu", (unsigned long long)n,
	    plural(n), (unsigned long long)o->offset);
}

/*
 * write --create on a segment that does not exist: make it of the
 * input's size (plus the offset).  From a regular file the size is
 * known and the data is then read straight into the segment (returns
 * 0); from anything else the input is gathered first and copied in
 * here (returns 1: done).  Made by someone else meanwhile: that one is
 * written, as an existing segment is.
 */
static int
ecreate_for_input(struct seg *s, const struct writeopts *o)
{
	struct stat st;
	char *buf = NULL;
	uint64_t n, total;
	size_t cap = 0;
	off_t cur;
	int gathered = 0, r;

	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
	    (cur = lseek(0, 0, SEEK_CUR)) != -1)
		n = st.st_size > cur ? (uint64_t)(st.st_size - cur) : 0;
	else {
		n = egather(&buf, &cap);
		gathered = 1;
	}
	total = o->offset + n;
	if (total == 0)
		eerrx(EXIT_FAIL, "empty input: no segment made (a segment holds "
		    "at least 1 byte)");
	r = s->sysv ? esysv_create(s, total, 1) : eposix_create(s, total, 1);
	if (r == -1 && seg_open(s, 1) == -1)
		eerrx(EXIT_FAIL, "the segment appeared and vanished");
	if (r == 0 && s->sysv && s->ref.key == IPC_PRIVATE)
		printf("id:%d\n", s->id);
	if (!gathered)
		return 0;
	put_buffer(s, o, buf, n);
	munmap(buf, cap);
	return 1;
}

/* stdin into the mapping at the offset; what fits */
static int
write_in(struct seg *s, const struct writeopts *o)
{
	uint64_t pos = o->offset, done;
	char a[64], c;
	ssize_t n;

	if (o->offset > s->size)
		eerrx(EXIT_FAIL, "offset %llu is past the end of the segment "
		    "(size %s)", (unsigned long long)o->offset,
		    fmt_bytes(a, sizeof(a), s->size));
	while (pos < s->size) {
		n = readsome(0, s->map + pos, s->size - pos);
		if (n == 0)
			break;
		if (n == -1) {
			eonsig();
			if (errno == EFAULT)
				efault(s, pos - o->offset, "written");
			eerr(EXIT_FAIL, "read error on stdin");
		}
		pos += (uint64_t)n;
	}
	done = pos - o->offset;
	/* full: is there more?  One byte read to know, and not written */
	if (pos == s->size) {
		while ((n = read(0, &c, 1)) == -1 && errno == EINTR && !gotsig)
			;
		if (n == -1)
			eonsig();
		if (n == 1)
			eerrx(EXIT_FAIL, "input runs past the end of the segment: "
			    "%llu byte%s written at offset %llu, the segment's "
			    "size is %s", (unsigned long long)done,
			    plural(done), (unsigned long long)o->offset,
			    fmt_bytes(a, sizeof(a), s->size));
	}
	iverbose("%llu byte%s written at offset %llu", (unsigned long long)done,
	    plural(done), (unsigned long long)o->offset);
	return 0;
}

static int
cmd_write(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ NULL, 0, NULL, 0 },
	};
	struct writeopts o;
	struct seg s;
	int c;

	memset(&o, 0, sizeof(o));
	opt_begin(argc, argv, OPT_SYSV | OPT_CREATE | OPT_MODE, lo);
	while ((c = opt_next()) != -1)
		if (c == OPT_OFFSET)
			o.offset = esize("offset", optarg, 0, INT64_MAX);
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	if ((opt.given & OPT_MODE) && !opt.create)
		eusage("--mode goes with --create");
	eoperand(&s, argv[0]);
	if (seg_open(&s, 1) == -1) {
		if (!opt.create)
			eerrx(EXIT_FAIL, "no such segment");
		if (ecreate_for_input(&s, &o)) {
			seg_keep(&s);
			seg_close(&s);
			return 0;
		}
	}
	emap(&s, 1);
	write_in(&s, &o);
	seg_keep(&s);
	seg_close(&s);
	return 0;
}

/* ---- read -------------------------------------------------------------- */

static int
cmd_read(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "length", required_argument, NULL, OPT_LENGTH },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t off = 0, len = 0, n;
	int c, haslen = 0;
	size_t done;
	struct seg s;
	char a[64];

	opt_begin(argc, argv, OPT_SYSV, lo);
	while ((c = opt_next()) != -1) {
		if (c == OPT_OFFSET)
			off = esize("offset", optarg, 0, INT64_MAX);
		else if (c == OPT_LENGTH) {
			len = esize("length", optarg, 0, INT64_MAX);
			haslen = 1;
		}
	}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	eoperand(&s, argv[0]);
	if (seg_open(&s, 0) == -1)
		eerrx(EXIT_FAIL, "no such segment");
	if (off > s.size)
		eerrx(EXIT_FAIL, "offset %llu is past the end of the segment "
		    "(size %s)", (unsigned long long)off,
		    fmt_bytes(a, sizeof(a), s.size));
	n = s.size - off;
	if (haslen && len < n)
		n = len;
	emap(&s, 0);
	if (n > 0 && writeall_n(1, s.map + off, (size_t)n, &done) == -1) {
		if (errno == EPIPE)
			eepipe();
		eonsig();
		if (errno == EFAULT)
			efault(&s, done, "read");
		eerr(EXIT_FAIL, "write error on stdout");
	}
	seg_close(&s);
	if (haslen && len > n)
		eerrx(EXIT_FAIL, "--length %llu runs past the end of the "
		    "segment: %llu byte%s read from offset %llu, the segment's "
		    "size is %s", (unsigned long long)len,
		    (unsigned long long)n, plural(n), (unsigned long long)off,
		    fmt_bytes(a, sizeof(a), s.size));
	return 0;
}

/* ---- stat: the keys are ls --json's (lsipc(1)'s columns) ---------------- */

/* a ring's header, when the segment is one (and we may read it) */
static void
stat_ring(struct kv *kv, int dfd, const char *file, const struct stat *st)
{
	unsigned char hdr[sizeof(struct ring_hdr)];
	struct ringinfo ri;
	const char *why;
	ssize_t n;
	int fd;

	fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	if (n <= 0 || ring_check(hdr, (size_t)n, (uint64_t)st->st_size, &ri,
	    &why) == -1)
		return;
	kv_num(kv, "ringsize", (long long)ri.size);
	kv_num(kv, "used", (long long)(ri.head - ri.tail));
	kv_num(kv, "written", (long long)ri.head);
	kv_num(kv, "read", (long long)ri.tail);
	kv_str(kv, "producer", ring_statename(ri.pstate));
	kv_num(kv, "ppid", ri.ppid);
	kv_str(kv, "consumer", ring_statename(ri.cstate));
	kv_num(kv, "cpid", ri.cpid);
	kv_bool(kv, "keep", (ri.flags & RING_FKEEP) != 0);
}

static void
stat_posix(struct seg *s)
{
	struct stat st;
	struct kv kv;
	int dfd, ring = 0;
	unsigned char hdr[8];
	int fd;

	if ((dfd = open(SHMDIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		eerr(EXIT_FAIL, "cannot open " SHMDIR);
	if (fstatat(dfd, s->name + 1, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			eerrx(EXIT_FAIL, "no such segment");
		eerr(EXIT_FAIL, "cannot look at the segment");
	}
	if (!S_ISREG(st.st_mode))
		eerrx(EXIT_FAIL, "not a segment (%s)", ftype_name(st.st_mode));
	fd = openat(dfd, s->name + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd != -1) {
		ring = pread(fd, hdr, sizeof(hdr), 0) == 8 &&
		    memcmp(hdr, RING_MAGIC, 8) == 0;
		close(fd);
	}
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "posix");
	kv_str(&kv, "type", ring ? "ring" : "shm");
	kv_str(&kv, "name", s->name);
	kv_id(&kv, "owner", "uid", st.st_uid, 0);
	kv_id(&kv, "group", "gid", st.st_gid, 1);
	kv_mode(&kv, "perms", st.st_mode);
	kv_num(&kv, "size", (long long)st.st_size);
	/* the last change of contents, as ls shows it */
	kv_time(&kv, "ctime", st.st_mtime);
	if (ring)
		stat_ring(&kv, dfd, s->name + 1, &st);
	kv_end(&kv);
	close(dfd);
}

static void
stat_sysv(struct seg *s)
{
	struct shmid_ds ds;
	struct kv kv;
	char st[32] = "";

	if (seg_open(s, 0) == -1)
		esysv_gone();
	if (shmctl(s->id, IPC_STAT, &ds) == -1) {
		if (errno == EINVAL || errno == EIDRM)
			esysv_gone();
		eerr(EXIT_FAIL, "shmctl IPC_STAT");
	}
	if (ds.shm_perm.mode & SHM_DEST)
		strlcat(st, "dest", sizeof(st));
	if (ds.shm_perm.mode & SHM_LOCKED)
		strlcat(st, st[0] != '\0' ? ",locked" : "locked", sizeof(st));
	kv_begin(&kv, opt.json);
	kv_str(&kv, "flavour", "sysv");
	kv_key(&kv, "key", ds.shm_perm.__key);
	kv_num(&kv, "id", s->id);
	if (s->ref.fromftok) {
		kv_str(&kv, "file", s->operand);
		kv_num(&kv, "proj", opt.proj);
	}
	kv_id(&kv, "owner", "uid", ds.shm_perm.uid, 0);
	kv_id(&kv, "group", "gid", ds.shm_perm.gid, 1);
	kv_id(&kv, "cuser", "cuid", ds.shm_perm.cuid, 0);
	kv_id(&kv, "cgroup", "cgid", ds.shm_perm.cgid, 1);
	kv_mode(&kv, "perms", ds.shm_perm.mode & 0777);
	kv_num(&kv, "size", (long long)ds.shm_segsz);
	kv_num(&kv, "nattch", (long long)ds.shm_nattch);
	kv_str(&kv, "status", st[0] != '\0' ? st : NULL);
	kv_num(&kv, "cpid", ds.shm_cpid);
	kv_num(&kv, "lpid", ds.shm_lpid);
	kv_time(&kv, "attach", ds.shm_atime);
	kv_time(&kv, "detach", ds.shm_dtime);
	kv_time(&kv, "ctime", ds.shm_ctime);
	kv_end(&kv);
}

static int
cmd_stat(int argc, char *argv[])
{
	struct seg s;

	opt_begin(argc, argv, OPT_SYSV | OPT_JSON, NULL);
	while (opt_next() != -1)
		;
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 1, 1);
	eoperand(&s, argv[0]);
	if (s.sysv)
		stat_sysv(&s);
	else
		stat_posix(&s);
	return 0;
}

/* ---- send and recv: the stream ring ------------------------------------ */

struct streamopts {
	uint64_t	 size;		/* 0: RING_DEFSIZE */
	int		 keep;
};

static struct ringend ring;

static void
ring_cleanup(void *p)
{
	(void)ring_close(p, RING_QUIT);
}


/* the producer's stream ended without the consumer taking it all */
static void eundelivered(const char *, uint64_t) __attribute__((noreturn));

static void
eundelivered(const char *what, uint64_t sent)
{
	uint64_t rest;
	int exact;

	rest = fd_rest(0, &exact);
	eerrx(EXIT_FAIL, "%s after %llu byte%s: %s%llu bytes not delivered "
	    "(%llu left in the ring, %llu more of stdin%s)", what,
	    (unsigned long long)sent, plural(sent), exact ? "" : "at least ",
	    (unsigned long long)(ring.left + rest),
	    (unsigned long long)ring.left, (unsigned long long)rest,
	    exact ? "" : ", which was not read to its end");
}

static void
stream_options(int *argcp, char ***argvp, struct streamopts *o)
{
	static const struct option lo[] = {
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opt_begin(*argcp, *argvp, OPT_TIMEOUT | OPT_NOWAIT | OPT_MODE, lo);
	while ((c = opt_next()) != -1) {
		if (c == OPT_SIZE)
			o->size = esize("size", optarg, 1,
			    INT64_MAX - RING_HDRSIZE - 4096);
		else if (c == OPT_KEEP)
			o->keep = 1;
	}
	opt_end(argcp, argvp, NULL);
	opt_operands(*argcp, 1, 1);
}

static void
ering_file(const char *arg, char *file, size_t len)
{
	setoperand(arg);
	if (ring_file(arg, file, len) == 0)
		return;
	if (errno == ENAMETOOLONG)
		eusage("name of %zu bytes is too long for a ring (NAME_MAX %d "
		    "less the %zu of \"" RING_SUFFIX "\")", strlen(arg) -
		    (arg[0] == '/'), NAME_MAX, sizeof(RING_SUFFIX) - 1);
	eusage("bad name '%.64s': want NAME or /NAME, one path component",
	    arg);
}

static void
ering_open(const char *file, enum ringside side, const struct streamopts *o)
{
	uint64_t size = o->size != 0 ? o->size : RING_DEFSIZE;
	unsigned fl = 0;
	char a[32];

	if (o->keep)
		fl |= RING_OKEEP;
	if (opt.given & OPT_MODE)
		fl |= RING_OSHARE;
	if (ring_open(&ring, file, side, size, opt.mode, fl) == -1) {
		if (errno == EINTR)
			eonsig();
		if (ring.why[0] != '\0')
			eerrx(EXIT_FAIL, "%s", ring.why);
		if (errno == ENOENT)
			eerr(EXIT_FAIL, "cannot open the ring");
		eerr(EXIT_FAIL, "cannot open the ring " SHMDIR "/%s", file);
	}
	if (cleanup_add(ring_cleanup, &ring) == -1)
		eerr(EXIT_FAIL, "cleanup_add");
	iverbose("%s ring /%s of %s as the %s%s", ring.created ? "created" :
	    "joined", file, fmt_size(a, sizeof(a), ring.size),
	    side == RING_PRODUCER ? "producer" : "consumer",
	    ring.peer > 0 ? " (the other side is there)" : "");
	if (!ring.created && o->size != 0 && ring.size !=
	    ((o->size + 4095) & ~(uint64_t)4095))
		iverbose("the ring exists with %llu bytes: --size not used",
		    (unsigned long long)ring.size);
}

static void etimedout(const char *, uint64_t) __attribute__((noreturn));

static void
etimedout(const char *who, uint64_t left)
{
	char d[32], b[64] = "";

	if (left > 0)
		snprintf(b, sizeof(b), ": %llu byte%s not delivered",
		    (unsigned long long)left, plural(left));
	if (!opt.quiet) {
		if (opt.timeout == 0)
			iwarnx("no %s is there (--nowait)%s", who, b);
		else
			iwarnx("no %s came within %s%s", who,
			    fmt_dur(d, sizeof(d), opt.timeout), b);
	}
	exit(EXIT_TIMEOUT);
}

static int
cmd_send(int argc, char *argv[])
{
	struct streamopts o;
	char file[NAME_MAX + 1], b[64];
	int rc;

	stream_options(&argc, &argv, &o);
	ering_file(argv[0], file, sizeof(file));
	ering_open(file, RING_PRODUCER, &o);
	rc = ring_produce(&ring, 0, opt.timeout);
	switch (rc) {
	case RS_OK:
		ring_close(&ring, RING_DONE);
		iverbose("%llu byte%s sent and taken", (unsigned long long)
		    ring.pos, plural(ring.pos));
		return 0;
	case RS_SIG:
		eonsig();
		break;
	case RS_TIMEOUT:
		etimedout("consumer", ring.left);
	case RS_QUIT:
		eundelivered("consumer gone", ring.pos - ring.left);
	case RS_GONE:
		snprintf(b, sizeof(b), "consumer gone (pid %d died)",
		    (int)ring.peer);
		eundelivered(b, ring.pos - ring.left);
	case RS_IOERR:
		errno = ring.err;
		eerr(EXIT_FAIL, "read error on stdin");
	case RS_CORRUPT:
		eerrx(EXIT_FAIL, "the ring's head and tail are out of step "
		    "(written over by another program?)");
	}
	eerrx(EXIT_FAIL, "unexpected end of the stream (%d)", rc);
}

static int
cmd_recv(int argc, char *argv[])
{
	struct streamopts o;
	char file[NAME_MAX + 1];
	int rc;

	stream_options(&argc, &argv, &o);
	ering_file(argv[0], file, sizeof(file));
	ering_open(file, RING_CONSUMER, &o);
	rc = ring_consume(&ring, 1, opt.timeout);
	switch (rc) {
	case RS_OK:
		ring_close(&ring, RING_DONE);
		iverbose("%llu byte%s received", (unsigned long long)ring.pos,
		    plural(ring.pos));
		return 0;
	case RS_SIG:
		eonsig();
		break;
	case RS_EPIPE:
		eepipe();
		break;
	case RS_TIMEOUT:
		etimedout("producer", 0);
	case RS_QUIT:
		eerrx(EXIT_FAIL, "producer stopped before the end of the stream "
		    "(%llu byte%s received)", (unsigned long long)ring.pos,
		    plural(ring.pos));
	case RS_GONE:
		eerrx(EXIT_FAIL, "producer gone (pid %d died) before the end of "
		    "the stream (%llu byte%s received)", (int)ring.peer,
		    (unsigned long long)ring.pos, plural(ring.pos));
	case RS_IOERR:
		errno = ring.err;
		eerr(EXIT_FAIL, "write error on stdout");
	case RS_CORRUPT:
		eerrx(EXIT_FAIL, "the ring's head and tail are out of step "
		    "(written over by another program?)");
	}
	eerrx(EXIT_FAIL, "unexpected end of the stream (%d)", rc);
}

/* ---- ls, rm, limits: the shared machinery ------------------------------ */

static int
cmd_ls(int argc, char *argv[])
{
	return ipcobj_ls(IPC_SHM, argc, argv);
}

static int
cmd_rm(int argc, char *argv[])
{
	return ipcobj_rm(IPC_SHM, argc, argv);
}

static int
cmd_limits(int argc, char *argv[])
{
	return ipcobj_limits(IPC_SHM, argc, argv);
}

#define STREAM_OPTS \
	"      --size SIZE      the ring's size when this side makes it " \
	    "(default 1M)\n" \
	"      --keep           leave the ring when both sides are done\n"

static const struct verb verbs[] = {
	{ "create", cmd_create,
	    "[--sysv [--proj N]] --size SIZE [--mode MODE] [-v] NAME",
	    "create a segment (never adopts an existing one)",
	    "      --size SIZE      its size in bytes (K, M, G)\n" },
	{ "write", cmd_write,
	    "[--sysv [--proj N]] [--offset N] [--create [--mode MODE]] [-v] "
	    "NAME",
	    "stdin into the segment, at an offset; what fits",
	    "      --offset N       where the data goes (default 0)\n" },
	{ "read", cmd_read,
	    "[--sysv [--proj N]] [--offset N] [--length N] NAME",
	    "the segment to stdout, or a part of it",
	    "      --offset N       where to start (default 0)\n"
	    "      --length N       how many bytes (default: to the end)\n" },
	{ "stat", cmd_stat, "[--sysv [--proj N]] [--json] NAME",
	    "size, owner, perms, times; SysV attachments and pids; a ring's "
	    "state", NULL },
	{ "send", cmd_send,
	    "[--size SIZE] [--keep] [--mode MODE] [--timeout DUR | --nowait] "
	    "[-v] NAME",
	    "stdin into the stream ring NAME.ring, to one recv", STREAM_OPTS },
	{ "recv", cmd_recv,
	    "[--size SIZE] [--keep] [--mode MODE] [--timeout DUR | --nowait] "
	    "[-v] NAME",
	    "the stream ring NAME.ring to stdout, from one send",
	    STREAM_OPTS },
	{ "ls", cmd_ls, IPCOBJ_LS_ARGS, "list segments (and rings)", NULL },
	{ "rm", cmd_rm, IPCOBJ_RM_ARGS, "remove segments (and rings)", NULL },
	{ "limits", cmd_limits, IPCOBJ_LIMITS_ARGS,
	    "the system's shared memory limits and their use", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs,
	    "shared memory segments, POSIX and System V, and a streaming ring");
}
