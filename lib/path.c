/*
 * path.c - file system paths handled safely: FIFOs and socket files are
 * made with exactly the mode asked for, never through a symlink, never
 * over an existing path, and only the very node a tool made or checked is
 * ever unlinked (never a regular file that took its name meanwhile).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

/* what a file is, for messages: "regular file", "FIFO", "socket", ... */
const char *
ftype_name(mode_t m)
{
	if (S_ISREG(m))
		return "regular file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symbolic link";
	if (S_ISSOCK(m))
		return "socket";
	if (S_ISCHR(m))
		return "character device";
	if (S_ISBLK(m))
		return "block device";
	if (S_ISFIFO(m))
		return "FIFO";
	return "unknown type";
}

/*
 * Open the directory that holds path (O_PATH) and point *base at the last
 * component, so the caller can act relative to that directory: the node
 * it looks at with fstatat is the node it unlinks, whatever happens to
 * the path's parents meanwhile.  -1 with errno.
 */
static int
opendirof(const char *path, char *buf, size_t len, const char **base)
{
	char *slash;
	int dfd;

	if (strlcpy(buf, path, len) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while ((slash = strrchr(buf, '/')) != NULL && slash[1] == '\0' &&
	    slash != buf)
		*slash = '\0';		/* "fifo/" is "fifo" */
	if ((slash = strrchr(buf, '/')) == NULL) {
		*base = buf;
		return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if (slash == buf)
		dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	else {
		*slash = '\0';
		dfd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	*base = slash + 1;
	return dfd;
}

/*
 * Unlink path only if it is a node of the given type (S_IFIFO, S_IFSOCK;
 * 0 for any but a directory) and, when ino is not 0, that very node
 * (dev, ino).  Never through a symlink: a symlink is not the node.
 * -1 with errno: ENOENT; ESTALE, another node has the name now; EINVAL,
 * the node is of another type (*found, when not NULL, says which).
 */
int
path_unlink_if(const char *path, mode_t type, dev_t dev, ino_t ino,
    mode_t *found)
{
	char buf[PATH_MAX];
	const char *base;
	struct stat st;
	int dfd, r, e;

	if ((dfd = opendirof(path, buf, sizeof(buf), &base)) == -1)
		return -1;
	r = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW);
	if (r == 0) {
		if (found != NULL)
			*found = st.st_mode & S_IFMT;
		if ((type != 0 && (st.st_mode & S_IFMT) != type) ||
		    S_ISDIR(st.st_mode)) {
			errno = EINVAL;
			r = -1;
		} else if (ino != 0 && (st.st_dev != dev || st.st_ino != ino)) {
			errno = ESTALE;
			r = -1;
		} else
			r = unlinkat(dfd, base, 0);
	}
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/* mkfifo(3) with exactly this mode, whatever the umask; never follows */
int
path_mkfifo(const char *path, mode_t mode)
{
	mode_t old;
	int r, e;

	old = umask(0);
	r = mkfifo(path, mode & 0777);
	e = errno;
	umask(old);
	errno = e;
	return r;
}

/*
 * Give the node at tmp the name path, failing with EEXIST rather than
 * replacing anything that has that name (link(2), then unlink tmp;
 * renameat2(2) RENAME_NOREPLACE where links are not allowed).  A socket
 * file made under a temporary name appears under its real name only
 * once it is ready.
 */
int
path_publish(const char *tmp, const char *path)
{
	int e;

	if (link(tmp, path) == 0) {
		(void)unlink(tmp);
		return 0;
	}
	e = errno;
	if (e == EEXIST)
		return -1;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOSYS)
		errno = e;
	return -1;
}
