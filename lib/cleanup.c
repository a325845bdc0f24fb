/*
 * cleanup.c - remove what a run created, however it ends short of SIGKILL.
 *
 * The handlers for SIGINT, SIGTERM and SIGHUP only record the signal
 * (without SA_RESTART, so blocking calls return EINTR); loops call
 * echecksig(), which runs the registry, restores the default action and
 * re-raises, so the shell sees the signal.  exit() runs the registry too.
 * SIGPIPE is ignored: a closed stdout shows up as EPIPE and ends the tool
 * through eepipe() with status 141, quietly.
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
	int	 owned;		/* arg was allocated here */
} reg[NCLEAN];

volatile sig_atomic_t gotsig;

static void
onsig(int sig)
{
	gotsig = sig;
}

static void
do_unlink(void *path)
{
	(void)unlink(path);
}

int
cleanup_add(void (*fn)(void *), void *arg)
{
	int i;

	for (i = 0; i < NCLEAN; i++)
		if (reg[i].fn == NULL) {
			reg[i].fn = fn;
			reg[i].arg = arg;
			reg[i].owned = 0;
			return i;
		}
	eerrx(EXIT_FAIL, "too many cleanup entries");
}

int
cleanup_unlink(const char *path)
{
	int h = cleanup_add(do_unlink, estrdup(path));

	reg[h].owned = 1;
	return h;
}

void
cleanup_del(int h)
{
	if (h < 0 || h >= NCLEAN)
		return;
	if (reg[h].owned)
		free(reg[h].arg);
	reg[h].fn = NULL;
	reg[h].arg = NULL;
	reg[h].owned = 0;
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
			if (reg[i].owned)
				free(reg[i].arg);
			reg[i].arg = NULL;
			reg[i].owned = 0;
		}
	errno = saved;
}

void
echecksig(void)
{
	struct sigaction sa;
	sigset_t set;
	int sig = gotsig;

	if (sig == 0)
		return;
	cleanup_run();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
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

/* a signal ignored by whoever started us (nohup, a background job of a
 * non-interactive shell) stays ignored */
static void
catch(int sig, const struct sigaction *sa)
{
	struct sigaction old;

	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN &&
	    sig != SIGTERM)
		return;
	sigaction(sig, sa, NULL);
}

void
cleanup_init(void)
{
	struct sigaction sa;
	int fd;

	/*
	 * A closed 0, 1 or 2 would be taken by the first object we open:
	 * park /dev/null there, opened the wrong way round so that using it
	 * fails loudly (EBADF) instead of reading or writing nothing.
	 */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			(void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsig;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	catch(SIGINT, &sa);
	catch(SIGTERM, &sa);
	catch(SIGHUP, &sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	atexit(atexit_cleanup);
}
