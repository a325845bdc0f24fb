/*
 * proc.c - which processes have a file open or mapped, as lsof and
 * fuser find out: stat every /proc/PID/fd link (and read /proc/PID/maps)
 * and compare device and inode with the files we care about.  A process
 * we cannot look into (another user's, as an unprivileged caller) is not
 * skipped silently: it is noted with its credentials, so that the caller
 * can decide whether it could have the file open.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcobj.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */

static int
refcmp(const void *a, const void *b)
{
	const struct fileref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

void
proc_sortrefs(struct fileref *refs, size_t n)
{
	if (n > 0)
		qsort(refs, n, sizeof(*refs), refcmp);
}

struct fileref *
proc_findref(const struct procscan *ps, dev_t dev, ino_t ino)
{
	struct fileref key = { .dev = dev, .ino = ino };

	if (ps->nrefs == 0)
		return NULL;
	return bsearch(&key, ps->refs, ps->nrefs, sizeof(key), refcmp);
}

static int
all_held(const struct procscan *ps)
{
	size_t i;

	for (i = 0; i < ps->nrefs; i++)
		if (ps->refs[i].holder == 0)
			return 0;
	return 1;
}

/* hidepid=2 (invisible) or 4 (ptraceable) hides other users' processes
 * from us altogether: then nothing can be ruled out */
static int
hidepid(void)
{
	char *line = NULL, *sep, *p;
	size_t cap = 0;
	int hidden = 0;
	FILE *fp;

	if (geteuid() == 0)
		return 0;
	if ((fp = fopen("/proc/self/mountinfo", "re")) == NULL)
		return 1;
	while (getline(&line, &cap, fp) != -1) {
		if ((sep = strstr(line, " - proc ")) == NULL ||
		    strstr(line, " /proc ") == NULL)
			continue;
		for (p = strstr(sep, "hidepid="); p != NULL;
		    p = strstr(p + 1, "hidepid=")) {
			p += 8;
			if (*p == '2' || *p == '4' ||
			    strncmp(p, "invisible", 9) == 0 ||
			    strncmp(p, "ptraceable", 10) == 0)
				hidden = 1;
		}
	}
	free(line);
	fclose(fp);
	return hidden;
}

/* "/proc/PID/stat": comm, state and flags; -1 errno */
static int
readstat(const char *base, char *comm, size_t len, char *state,
    unsigned long *flags)
{
	char path[PATH_MAX], buf[1024], *lp, *rp, *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "%s/stat", base);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		if (n == 0)
			errno = ESRCH;
		return -1;
	}
	buf[n] = '\0';
	/* "PID (COMM) S PPID PGRP SESSION TTY TPGID FLAGS ..." */
	if ((lp = strchr(buf, '(')) == NULL ||
	    (rp = strrchr(buf, ')')) == NULL || rp < lp || rp[1] == '\0') {
		errno = EPROTO;
		return -1;
	}
	if (comm != NULL) {
		*rp = '\0';
		strlcpy(comm, lp + 1, len);
	}
	p = rp + 2;
	*state = *p;
	for (i = 0; i < 6 && p != NULL; i++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	*flags = p != NULL ? strtoul(p, NULL, 10) : 0;
	return 0;
}

/* a thread of a process whose leader has exited but whose other threads
 * live on (their files and memory are still in use), or 0 */
static pid_t
live_thread(pid_t pid)
{
	char path[64], tpath[PATH_MAX], state;
	unsigned long flags;
	struct dirent *de;
	pid_t found = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (found == 0 && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(tpath, sizeof(tpath), "%s/%s", path, de->d_name);
		if (readstat(tpath, NULL, 0, &state, &flags) == 0 &&
		    state != 'Z' && state != 'X')
			found = (pid_t)strtol(de->d_name, NULL, 10);
	}
	closedir(d);
	return found;
}

static void
mark(struct procscan *ps, dev_t dev, ino_t ino, pid_t pid, char how)
{
	struct fileref *r;

	if ((r = proc_findref(ps, dev, ino)) != NULL && r->holder == 0) {
		r->holder = pid;
		r->how = how;
	}
}

/* 0, or the errno that kept us out */
static int
scan_fds(struct procscan *ps, const char *base, pid_t pid)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct statx stx;
	int dfd, err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/fd", base);
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return errno;
	if ((d = fdopendir(dfd)) == NULL) {
		err = errno;
		close(dfd);
		return err;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		/* follows the link to the open file; DONT_SYNC: a hung
		 * network file system does not hang us */
		if (statx(dfd, de->d_name, AT_STATX_DONT_SYNC, STATX_INO,
		    &stx) == -1) {
			if (errno == ENOENT)	/* closed meanwhile */
				continue;
			err = errno;
			break;
		}
		mark(ps, makedev(stx.stx_dev_major, stx.stx_dev_minor),
		    stx.stx_ino, pid, 'f');
	}
	if (err == 0 && errno != 0)
		err = errno;
	closedir(d);
	return err;
}

/* "ADDR PERMS OFFSET MAJ:MIN INODE [PATH]" */
static int
scan_maps(struct procscan *ps, const char *base, pid_t pid)
{
	char path[PATH_MAX], *line = NULL;
	unsigned int maj, min;
	unsigned long long ino;
	size_t cap = 0;
	FILE *fp;
	int err = 0;

	snprintf(path, sizeof(path), "%s/maps", base);
	if ((fp = fopen(path, "re")) == NULL)
		return errno;
	while ((errno = 0, getline(&line, &cap, fp)) != -1)
		if (sscanf(line, "%*s %*s %*s %x:%x %llu", &maj, &min,
		    &ino) == 3 && ino != 0)
			mark(ps, makedev(maj, min), (ino_t)ino, pid, 'm');
	if (errno != 0)
		err = errno;
	free(line);
	fclose(fp);
	return err;
}

static void
ids(const char *s, unsigned int *v, int n)
{
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		v[i] = (unsigned int)strtoul(s, &end, 10);
		if (end == s)
			v[i] = 0;	/* unreadable: assume root */
		s = end;
	}
}

/* note a process we could not look into, with what /proc/PID/status
 * says about its credentials (all-powerful when that is unreadable too) */
static void
note(struct procscan *ps, pid_t pid, const char *comm, const char *what,
    int err)
{
	struct procnote *n;
	char path[64], *line = NULL, *p;
	size_t cap = 0;
	FILE *fp;

	ps->notes = ereallocarray(ps->notes, ps->nnotes + 1,
	    sizeof(*ps->notes));
	n = &ps->notes[ps->nnotes++];
	memset(n, 0, sizeof(*n));
	n->pid = pid;
	n->err = err;
	strlcpy(n->comm, comm, sizeof(n->comm));
	strlcpy(n->what, what, sizeof(n->what));
	n->capable = 1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "re")) == NULL)
		return;
	n->capable = 0;
	while (getline(&line, &cap, fp) != -1) {
		if (strncmp(line, "Uid:", 4) == 0)
			ids(line + 4, n->uid, 4);
		else if (strncmp(line, "Gid:", 4) == 0)
			ids(line + 4, n->gid, 4);
		else if (strncmp(line, "CapEff:", 7) == 0 ||
		    strncmp(line, "CapPrm:", 7) == 0) {
			if (strtoull(line + 7, NULL, 16) != 0)
				n->capable = 1;
		} else if (strncmp(line, "Groups:", 7) == 0) {
			char *end;

			for (p = line + 7;; p = end) {
				unsigned long g = strtoul(p, &end, 10);

				if (end == p)
					break;
				n->groups = ereallocarray(n->groups,
				    (size_t)n->ngroups + 1, sizeof(gid_t));
				n->groups[n->ngroups++] = (gid_t)g;
			}
		}
	}
	free(line);
	fclose(fp);
}

static void
scan_one(struct procscan *ps, pid_t pid)
{
	char base[96], comm[64] = "?", state;
	unsigned long flags;
	pid_t task = pid;
	int err;

	snprintf(base, sizeof(base), "/proc/%d", (int)pid);
	if (readstat(base, comm, sizeof(comm), &state, &flags) == -1) {
		if (errno != ENOENT && errno != ESRCH)
			note(ps, pid, comm, "stat", errno);
		return;
	}
	if (flags & PF_KTHREAD)		/* kernel threads open no queues */
		return;
	if (state == 'Z' || state == 'X') {
		if ((task = live_thread(pid)) == 0)
			return;		/* dead: holds nothing */
		snprintf(base, sizeof(base), "/proc/%d/task/%d", (int)pid,
		    (int)task);
	}
	err = scan_fds(ps, base, pid);
	if (err == 0 && ps->maps) {
		err = scan_maps(ps, base, pid);
		if (err != 0 && err != ENOENT && err != ESRCH)
			note(ps, pid, comm, "maps", err);
	} else if (err != 0 && err != ENOENT && err != ESRCH)
		note(ps, pid, comm, "fd", err);
}

int
proc_scan(struct procscan *ps)
{
	struct dirent *de;
	pid_t self = getpid();
	DIR *d;

	ps->notes = NULL;
	ps->nnotes = 0;
	ps->hidden = hidepid();
	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && !all_held(ps)) {
		long pid;
		char *end;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid > INT_MAX ||
		    (pid_t)pid == self)
			continue;
		scan_one(ps, (pid_t)pid);
	}
	closedir(d);
	return 0;
}

void
proc_free(struct procscan *ps)
{
	size_t i;

	for (i = 0; i < ps->nnotes; i++)
		free(ps->notes[i].groups);
	free(ps->notes);
	ps->notes = NULL;
	ps->nnotes = 0;
}

/* could this process have opened a file of that owner, group and mode?
 * Any of its ids counts (it may have switched since), so does root, a
 * capability, or any permission for others */
int
proc_may_open(const struct procnote *n, uid_t uid, gid_t gid, mode_t mode)
{
	int i;

	if (n->capable || (mode & 0007) != 0)
		return 1;
	for (i = 0; i < 4; i++) {
		if (n->uid[i] == 0)
			return 1;
		if ((mode & 0700) != 0 && n->uid[i] == uid)
			return 1;
		if ((mode & 0070) != 0 && n->gid[i] == gid)
			return 1;
	}
	for (i = 0; i < n->ngroups; i++)
		if ((mode & 0070) != 0 && n->groups[i] == gid)
			return 1;
	return 0;
}

int
proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}
