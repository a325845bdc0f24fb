/*
 * cleanup.c - remove what a run created, however it ends short of SIGKILL.
 *
 * The registry runs at exit(), and from eraise() (sig.c) before a
 * terminating signal is re-raised.  A closed stdout shows up as EPIPE
 * (SIGPIPE is ignored) and ends the tool through eepipe() with status
 * 141, quietly.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipckit.h"

#define NCLEAN	32

static struct {
	void	(*fn)(void *);
	void	*arg;
} reg[NCLEAN];

int
cleanup_add(void (*fn)(void *), void *arg)
{
	int i;

	for (i = 0; i < NCLEAN; i++)
		if (reg[i].fn == NULL) {
			reg[i].fn = fn;
			reg[i].arg = arg;
			return i;
		}
	errno = ENOSPC;
	return -1;
}

void
cleanup_del(int h)
{
	if (h < 0 || h >= NCLEAN)
		return;
	reg[h].fn = NULL;
	reg[h].arg = NULL;
}

/* last registered runs first */
void
cleanup_run(void)
{
	int i, saved = errno;

	for (i = NCLEAN - 1; i >= 0; i--)
		if (reg[i].fn != NULL) {
			void (*fn)(void *) = reg[i].fn;

			reg[i].fn = NULL;
			fn(reg[i].arg);
			reg[i].arg = NULL;
		}
	errno = saved;
}

void
eepipe(void)
{
	cleanup_run();
	_exit(EXIT_EPIPE);
}

/* flush stdout and check it was all written (sbase fshut, close_stdout) */
int
efinish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			eepipe();
		if (status == 0) {
			iwarn("write error on stdout");
			status = EXIT_FAIL;
		}
	}
	return status;
}

static void
atexit_cleanup(void)
{
	cleanup_run();
}

void
cleanup_init(void)
{
	int fd;

	/*
	 * A closed 0, 1 or 2 would be taken by the first object we open:
	 * park /dev/null there, opened the wrong way round so that using it
	 * fails loudly (EBADF) instead of reading or writing nothing.
	 */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			(void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);

	sig_init();
	atexit(atexit_cleanup);
}
