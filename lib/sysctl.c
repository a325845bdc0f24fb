/* sysctl.c - a kernel setting from /proc/sys, to name limits in messages */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

/* the number in a /proc/sys file (full path), or -1 */
long long
sysctl_num(const char *path)
{
	char buf[64];
	long long v;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = readsome(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_num(buf, 0, LLONG_MAX, &v) == -1)
		return -1;
	return v;
}
