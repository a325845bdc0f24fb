/*
 * posixlist.c - POSIX objects are files: message queues in the mqueue
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

#include "ipcobj.h"

#define SHMDIR	"/dev/shm"

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

/*
 * The first mount of the whole mqueue file system (root "/") that is a
 * directory we can reach, in /proc/self/mountinfo order:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE
 * SUPEROPTIONS".
 */
const char *
mqueue_mountpoint(void)
{
	static char found[PATH_MAX];
	char *line = NULL, *f[6], *sep, *save, *type;
	size_t cap = 0;
	struct stat st;
	FILE *fp;
	int i;

	found[0] = '\0';
	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return NULL;
	while (getline(&line, &cap, fp) != -1) {
		if ((sep = strstr(line, " - ")) == NULL)
			continue;
		*sep = '\0';
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
		if (strlen(f[4]) >= sizeof(found) || stat(f[4], &st) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;
		strlcpy(found, f[4], sizeof(found));
		break;
	}
	free(line);
	fclose(fp);
	return found[0] != '\0' ? found : NULL;
}

const char *
posix_dir(enum ipckind k)
{
	const char *d;

	if (k != IPC_MQ)
		return SHMDIR;
	if ((d = mqueue_mountpoint()) == NULL)
		errno = ENOENT;
	return d;
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

int
posix_list(enum ipckind k, struct objlist *l)
{
	const char *dir;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int dfd;

	if ((dir = posix_dir(k)) == NULL)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return -1;
	dfd = dirfd(d);
	while ((errno = 0, de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		struct ipcobj *o;
		size_t len;

		if (name[0] == '.')
			continue;
		if (k == IPC_SEM) {
			if (strncmp(name, "sem.", 4) != 0 || name[4] == '\0')
				continue;
			name += 4;
		} else if (k == IPC_SHM && strncmp(name, "sem.", 4) == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		o = objlist_add(l, k, 0);
		len = strlen(name) + 2;
		o->name = ecalloc(1, len);
		snprintf(o->name, len, "/%s", name);
		o->dev = st.st_dev;
		o->ino = st.st_ino;
		o->uid = o->cuid = st.st_uid;
		o->gid = o->cgid = st.st_gid;
		o->mode = st.st_mode & 0777;
		/* the last change of contents: creation, a send or a
		 * receive.  Not st_ctime, which reading the queue's file
		 * (for QSIZE, as we do) sets to now */
		o->ctime = st.st_mtim.tv_sec;
		switch (k) {
		case IPC_MQ:
			mq_attrs(dfd, de->d_name, o);
			break;
		case IPC_SHM:
			o->size = st.st_size;
			break;
		case IPC_SEM:
			o->nsems = 1;
			sem_value(o);
			break;
		}
	}
	if (errno != 0) {
		int saved = errno;

		closedir(d);
		errno = saved;
		return -1;
	}
	closedir(d);
	return 0;
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
	}
	errno = EINVAL;
	return -1;
}

/* --dry-run: would posix_unlink() find it?  0, or -1 with errno */
int
posix_exists(enum ipckind k, const char *name)
{
	const char *dir;
	char file[NAME_MAX + 8];
	struct stat st;
	mqd_t q;

	if ((dir = posix_dir(k)) != NULL) {
		char path[PATH_MAX];

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
	int dfd, r;

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
	if (r == -1) {
		int saved = errno;

		close(dfd);
		errno = saved;
		return -1;
	}
	close(dfd);
	return 0;
}
