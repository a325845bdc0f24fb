/*
 * sig.c - the one signal-and-wait model every tool uses.
 *
 * Handlers only set flags (volatile sig_atomic_t), without SA_RESTART, so
 * a blocking call returns EINTR; loops look at the flags and decide.
 *
 *  - SIGINT, SIGTERM, SIGHUP: by default they end the tool (policy
 *    SIGP_END): the loop that sees gotsig gives back what it holds, then
 *    calls eonsig(), which runs the cleanup registry and re-raises the
 *    signal so the shell sees it.  With SIGP_FORWARD (a verb that runs a
 *    command, see child.c) the handler passes the signal on to every
 *    child still running, through its pidfd, and the tool re-raises it
 *    once the children are reaped.
 *  - SIGCHLD sets gotchld (installed by child.c when a child starts).
 *  - SIGALRM sets gottick: the tick of a progress meter or of a periodic
 *    check (tick_arm).
 *  - Signals a verb takes as data (ipc-sig) are blocked and read from a
 *    signalfd(2) (sig_deliver), never caught.
 *
 * Waiting without losing a wake-up: xpoll() blocks the caught signals,
 * looks at the wake flag, and lets ppoll(2) unblock them atomically, so a
 * signal that lands just before the wait still ends it.  A call that
 * cannot be polled (msgrcv, semop, a futex, a blocking open of a FIFO)
 * has a window between the look at the flag and the call; the handler of
 * a terminating signal closes it by arming the "kick", a timer that sends
 * SIGALRM every KICK_MS until the tool exits, so such a call returns EINTR
 * at most KICK_MS late.  Code that must finish after a signal (giving
 * messages back) retries EINTR.
 */
#include <sys/signalfd.h>
#include <sys/syscall.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

#define KICK_MS	20

volatile sig_atomic_t gotsig;		/* INT, TERM or HUP: the last one */
volatile sig_atomic_t gotchld;
volatile sig_atomic_t gottick;
static volatile sig_atomic_t wake;	/* something for xpoll's caller */
static volatile sig_atomic_t policy = SIGP_END;
static timer_t kicktimer, ticktimer;
static int havekick, havetick;

static void
onterm(int sig)
{
	int e = errno;

	gotsig = sig;
	wake = 1;
	if (policy == SIGP_FORWARD)
		child_forward(sig);		/* async-signal-safe */
	else if (havekick) {
		/* timer_settime is async-signal-safe (signal-safety(7)) */
		struct itimerspec its = {
			{ 0, KICK_MS * 1000000L }, { 0, 1000000L }
		};

		(void)timer_settime(kicktimer, 0, &its, NULL);
	}
	errno = e;
}

static void
onchld(int sig)
{
	(void)sig;
	gotchld = 1;
	wake = 1;
}

static void
onalrm(int sig)
{
	(void)sig;
	gottick = 1;
	wake = 1;
}

static int
catch(int sig, void (*fn)(int), int keepign)
{
	struct sigaction sa, old;

	if (keepign && sigaction(sig, NULL, &old) == 0 &&
	    old.sa_handler == SIG_IGN)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP : 0;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaddset(&sa.sa_mask, SIGCHLD);
	sigaddset(&sa.sa_mask, SIGALRM);
	return sigaction(sig, &sa, NULL);
}

static int
mktimer(timer_t *t)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGALRM;
	return timer_create(CLOCK_MONOTONIC, &sev, t);
}

/*
 * Called once by verb_main (through cleanup_init).  SIGINT and SIGHUP
 * that whoever started us ignored (nohup, a background job of a
 * non-interactive shell) stay ignored; SIGTERM is always caught.
 * SIGPIPE is ignored: a closed stdout shows as EPIPE and ends the tool
 * with status 141 (eepipe).
 */
void
sig_init(void)
{
	struct sigaction sa;
	sigset_t set;

	catch(SIGINT, onterm, 1);
	catch(SIGTERM, onterm, 0);
	catch(SIGHUP, onterm, 1);
	catch(SIGALRM, onalrm, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	havekick = mktimer(&kicktimer) == 0;
	/* whatever mask we inherited, the signals we act on get through */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* SIGP_END (the default) or SIGP_FORWARD: see the top of this file */
void
sig_policy(int p)
{
	sigset_t set, old;

	sig_block(&set, &old);
	policy = p;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* SIGCHLD sets gotchld from now on (child.c calls it before a fork) */
void
sig_catchchld(void)
{
	catch(SIGCHLD, onchld, 0);
}

/* block the signals this file catches; old gets the mask to restore */
void
sig_block(sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGALRM);
	sigprocmask(SIG_BLOCK, set, old);
}

/*
 * Wait for the descriptors, at most ms milliseconds (-1: no limit).
 * Returns what ppoll returns (> 0 ready, 0 time is up), or -1 with errno
 * EINTR when a caught signal came (before or during the wait): the caller
 * looks at gotsig, gotchld and gottick.  Never exits.
 */
int
xpoll(struct pollfd *p, nfds_t n, long long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
	sigset_t set, old;
	int r, e;

	sig_block(&set, &old);
	if (wake) {
		wake = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		errno = EINTR;
		return -1;
	}
	r = ppoll(p, n, ms < 0 ? NULL : &ts, &old);
	e = errno;
	if (r == -1 && e == EINTR)
		wake = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
}

/*
 * The same with a deadline: returns > 0 ready, 0 when the deadline has
 * passed, -1 (EINTR: a signal; else an error).  Polls again after a
 * spurious early return, so callers need no loop of their own for time.
 */
int
xpoll_until(struct pollfd *p, nfds_t n, const struct deadline *d)
{
	int r;

	for (;;) {
		r = xpoll(p, n, deadline_left(d));
		if (r != 0 || deadline_expired(d))
			return r;
	}
}

/* the terminating signal caught so far, 0 for none */
int
sig_caught(void)
{
	return gotsig;
}

/* die of sig as the shell expects, after the cleanup registry has run */
void
eraise(int sig)
{
	struct sigaction sa;
	sigset_t set;

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

/* a terminating signal was caught: clean up and re-raise it */
void
eonsig(void)
{
	if (gotsig != 0)
		eraise(gotsig);
}

/*
 * A periodic SIGALRM (gottick) after ms milliseconds, then every
 * interval ms (0: once); ms 0 disarms.  One per process: a progress
 * meter, or a periodic look at something that cannot be polled.
 */
int
tick_arm(long long ms, long long interval)
{
	struct itimerspec its;

	if (!havetick) {
		if (mktimer(&ticktimer) == -1)
			return -1;
		havetick = 1;
	}
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000;
	its.it_interval.tv_sec = interval / 1000;
	its.it_interval.tv_nsec = (interval % 1000) * 1000000;
	return timer_settime(ticktimer, 0, &its, NULL);
}

/*
 * Take the signals in set as data: blocked from now on (children get them
 * unblocked again, child_sigreset) and read from the returned signalfd
 * (non-blocking, close-on-exec), which the caller polls with xpoll.  A
 * signal in set is no longer caught here, so SIGINT given to ipc-sig wait
 * is data, not the end.  -1 with errno.
 */
int
sig_deliver(const sigset_t *set)
{
	struct sigaction sa;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	if (sigprocmask(SIG_BLOCK, set, NULL) == -1)
		return -1;
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(set, sig) == 1 && sig != SIGKILL &&
		    sig != SIGSTOP)
			(void)sigaction(sig, &sa, NULL);
	return signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC);
}

