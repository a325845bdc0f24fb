/*
 * objposix.c - POSIX objects are files: message queues in the mqueue
 * file system (wherever it is mounted), shared memory and named
 * semaphores in /dev/shm (glibc's directory; a semaphore NAME is the
 * file sem.NAME).  Listing them means reading those directories.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "obj.h"

#define SHMDIR	"/dev/shm"
#define RINGSUFFIX ".ring"

/* undo the octal escapes of /proc/self/mountinfo (\040 for a space) */
static void
unescape(char *s)
{
	char *d = s;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
			    (s[3] - '0'));
			s += 4;
		} else
			*d++ = *s++;
	}
	*d = '\0';
}

struct mqmount {
	char		*path;
	dev_t		 dev;
};

/*
 * Every mount of the whole mqueue file system (root "/") that is a
 * directory we can reach, in /proc/self/mountinfo order: "ID PARENT
 * MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE
 * SUPEROPTIONS".  Mounts of other IPC namespaces are among them: a
 * process that did unshare(CLONE_NEWIPC) keeps its mounts.
 */
static size_t
mqueue_mounts(struct mqmount **mp)
{
	char *line = NULL, *f[6], *sep, *save, *type;
	struct mqmount *m = NULL;
	size_t cap = 0, n = 0;
	struct stat st;
	FILE *fp;
	int i;

	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return 0;
	while (getline(&line, &cap, fp) != -1) {
		if ((sep = strstr(line, " - ")) == NULL)
			continue;
		*sep = '\0';
		save = NULL;
		type = strtok_r(sep + 3, " \n", &save);
		if (type == NULL || strcmp(type, "mqueue") != 0)
			continue;
		save = NULL;
		for (i = 0; i < 6; i++)
			if ((f[i] = strtok_r(i == 0 ? line : NULL, " ",
			    &save)) == NULL)
				break;
		if (i < 6 || strcmp(f[3], "/") != 0)
			continue;
		unescape(f[4]);
		/* what the path shows now: a mount on top of it, or a
		 * path outside our root, does not match */
		if (stat(f[4], &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		m = ereallocarray(m, n + 1, sizeof(*m));
		m[n].path = estrdup(f[4]);
		m[n++].dev = st.st_dev;
	}
	free(line);
	fclose(fp);
	*mp = m;
	return n;
}

/* the device of a queue opened by name: mq_open(3) looks in the caller's
 * IPC namespace, whatever is mounted where */
static int
mq_dev(const char *name, dev_t *dev)
{
	struct stat st;
	mqd_t q;
	int r;

	q = mq_open(name, O_RDONLY | O_NONBLOCK);
	if (q == (mqd_t)-1 && errno == EACCES)
		q = mq_open(name, O_WRONLY | O_NONBLOCK);
	if (q == (mqd_t)-1)
		return -1;
	r = fstat(q, &st);
	mq_close(q);
	if (r == 0)
		*dev = st.st_dev;
	return r;
}

/* the same from a queue of a mount that this namespace also has */
static int
mq_dev_from(const char *dir, dev_t *dev)
{
	char name[NAME_MAX + 2];
	struct dirent *de;
	int r = -1;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while (r == -1 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "/%s", de->d_name);
		r = mq_dev(name, dev);
	}
	closedir(d);
	return r;
}

/*
 * Failing that (no queue we may open in any mount), a queue of our own
 * for a moment: made with O_EXCL under a name ls skips (a dot first),
 * 1 message of 1 byte, removed at once.
 */
static int
mq_dev_probe(dev_t *dev)
{
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[64];
	struct stat st;
	mqd_t q;
	int r;

	snprintf(name, sizeof(name), "/.ipckit-probe-%ld-%lx", (long)getpid(),
	    (unsigned long)random());
	if ((q = mq_open(name, O_RDONLY | O_CREAT | O_EXCL, 0600, &a)) ==
	    (mqd_t)-1)
		return -1;
	(void)mq_unlink(name);
	r = fstat(q, &st);
	mq_close(q);
	if (r == 0)
		*dev = st.st_dev;
	return r;
}

/*
 * Where the mqueue file system of the caller's IPC namespace is mounted,
 * or NULL (errno ENOENT).  Every mount of one namespace shows the same
 * superblock, and so the same device as a queue that mq_open(3) opens;
 * a mount of another namespace (one kept after unshare(CLONE_NEWIPC))
 * has another device and is never used, so that ls, limits and rm --all
 * see only this namespace's queues.
 */
const char *
mqueue_mountpoint(void)
{
	static char found[PATH_MAX];
	static int done;
	struct mqmount *m = NULL;
	size_t n, i;
	dev_t dev;
	int known = 0;

	if (done) {
		if (found[0] == '\0')
			errno = ENOENT;
		return found[0] != '\0' ? found : NULL;
	}
	done = 1;
	n = mqueue_mounts(&m);
	for (i = 0; i < n && !known; i++)
		known = mq_dev_from(m[i].path, &dev) == 0;
	if (n > 0 && !known)
		known = mq_dev_probe(&dev) == 0;
	for (i = 0; i < n; i++) {
		if (known && found[0] == '\0' && m[i].dev == dev)
			strlcpy(found, m[i].path, sizeof(found));
		free(m[i].path);
	}
	free(m);
	if (found[0] == '\0')
		errno = ENOENT;
	return found[0] != '\0' ? found : NULL;
}

const char *
posix_dir(enum ipckind k)
{
	return k == IPC_MQ ? mqueue_mountpoint() : SHMDIR;
}

/* the file of an object in its directory: "NAME" or "sem.NAME" */
static const char *
filename(enum ipckind k, const char *name, char *buf, size_t len)
{
	if (name[0] == '/')
		name++;
	snprintf(buf, len, "%s%s", k == IPC_SEM ? "sem." : "", name);
	return buf;
}

/* depth, bytes queued and limits: open the queue's file, which on Linux
 * gives a message queue descriptor, as mq_open does */
static void
mq_attrs(int dirfd, const char *file, struct ipcobj *o)
{
	struct mq_attr a;
	char buf[256], *p;
	ssize_t n;
	int fd;

	fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1 && (errno == EACCES || errno == EPERM))
		fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return;
	if (mq_getattr(fd, &a) == 0) {
		o->maxmsgs = a.mq_maxmsg;
		o->msgsize = a.mq_msgsize;
		o->msgs = a.mq_curmsgs;
	}
	/* "QSIZE:11   NOTIFY:0 ..." (needs read access) */
	if ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if ((p = strstr(buf, "QSIZE:")) != NULL)
			o->bytes = strtoll(p + 6, NULL, 10);
	}
	close(fd);
}

/* a named semaphore's value, through the API (sem_open needs read and
 * write permission) */
static void
sem_value(struct ipcobj *o)
{
	sem_t *s;
	int v;

	if ((s = sem_open(o->name, 0)) == SEM_FAILED)
		return;
	if (sem_getvalue(s, &v) == 0)
		o->value = v;
	sem_close(s);
}

/*
 * A segment named NAME.ring is the stream ring of ipc-shm send and recv
 * (ipc-shm(1)): ls shows it with TYPE "ring", and --type ring picks
 * these alone.  It is still an ordinary segment to everything else.
 */
int
posix_is_ring(const char *name)
{
	size_t n = strlen(name), s = sizeof(RINGSUFFIX) - 1;

	return n > s && strcmp(name + n - s, RINGSUFFIX) == 0;
}

static void
add_file(enum ipckind k, int dfd, const char *file, const char *name,
    const struct stat *st, struct objlist *l)
{
	struct ipcobj *o;
	size_t len;

	o = objlist_add(l, k, 0);
	len = strlen(name) + 2;
	o->name = ecalloc(1, len);
	snprintf(o->name, len, "/%s", name);
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->uid = o->cuid = st->st_uid;
	o->gid = o->cgid = st->st_gid;
	o->mode = st->st_mode & 0777;
	/* the last change of contents: creation, a send or a receive.  Not
	 * st_ctime, which reading the queue's file (for QSIZE, as we do)
	 * sets to now */
	o->ctime = st->st_mtim.tv_sec;
	switch (k) {
	case IPC_MQ:
		mq_attrs(dfd, file, o);
		break;
	case IPC_SHM:
		o->size = st->st_size;
		o->ring = posix_is_ring(name);
		break;
	case IPC_SEM:
		o->nsems = 1;
		sem_value(o);
		break;
	case IPC_ANY:
		break;
	}
}

int
posix_list(enum ipckind k, struct objlist *l)
{
	const char *dir;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int saved;

	if ((dir = posix_dir(k)) == NULL)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((errno = 0, de = readdir(d)) != NULL) {
		const char *name = de->d_name;

		if (name[0] == '.')
			continue;
		if (k == IPC_SEM) {
			if (strncmp(name, "sem.", 4) != 0 || name[4] == '\0')
				continue;
			name += 4;
		} else if (k == IPC_SHM && strncmp(name, "sem.", 4) == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
			continue;
		add_file(k, dirfd(d), de->d_name, name, &st, l);
	}
	saved = errno;
	closedir(d);
	errno = saved;
	return saved != 0 ? -1 : 0;
}

int
posix_unlink(enum ipckind k, const char *name)
{
	switch (k) {
	case IPC_MQ:
		return mq_unlink(name);
	case IPC_SHM:
		return shm_unlink(name);
	case IPC_SEM:
		return sem_unlink(name);
	case IPC_ANY:
		break;
	}
	errno = EINVAL;
	return -1;
}

/* --dry-run, and rm of any kind: would posix_unlink() find it?  0, or
 * -1 with errno */
int
posix_exists(enum ipckind k, const char *name)
{
	const char *dir;
	char file[NAME_MAX + 8], path[PATH_MAX];
	struct stat st;
	mqd_t q;

	if ((dir = posix_dir(k)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir,
		    filename(k, name, file, sizeof(file)));
		return lstat(path, &st);
	}
	/* no mqueue mount: ask mq_open, as mq_unlink would find it */
	if ((q = mq_open(name, O_RDONLY | O_NONBLOCK)) != (mqd_t)-1) {
		mq_close(q);
		return 0;
	}
	return errno == ENOENT ? -1 : 0;
}

/*
 * Remove exactly the object that was listed: through its directory, and
 * only while the name still holds the same file (a queue removed and made
 * again since it was judged stale is left alone).
 */
int
posix_unlink_listed(const struct ipcobj *o)
{
	char file[NAME_MAX + 8];
	const char *dir;
	struct stat st;
	int dfd, r, saved;

	if ((dir = posix_dir(o->kind)) == NULL)
		return -1;
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	filename(o->kind, o->name, file, sizeof(file));
	r = fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0 && (st.st_dev != o->dev || st.st_ino != o->ino)) {
		errno = ESTALE;		/* another object by now */
		r = -1;
	}
	if (r == 0)
		r = unlinkat(dfd, file, 0);
	saved = errno;
	close(dfd);
	errno = saved;
	return r;
}
