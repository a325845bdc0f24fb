/* deadline.c - --timeout measured on CLOCK_MONOTONIC */
#include <time.h>

#include "ipckit.h"

long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
mono_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
deadline_init(struct deadline *d, long long ms)
{
	d->forever = ms < 0;
	clock_gettime(CLOCK_MONOTONIC, &d->end);
	if (d->forever)
		return;
	d->end.tv_sec += ms / 1000;
	d->end.tv_nsec += (ms % 1000) * 1000000;
	if (d->end.tv_nsec >= 1000000000) {
		d->end.tv_sec++;
		d->end.tv_nsec -= 1000000000;
	}
}

/* milliseconds left, rounded up so a poll never wakes early; -1 forever */
long long
deadline_left(const struct deadline *d)
{
	struct timespec now;
	long long ns;

	if (d->forever)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(d->end.tv_sec - now.tv_sec) * 1000000000LL +
	    (d->end.tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	return (ns + 999999) / 1000000;
}

int
deadline_expired(const struct deadline *d)
{
	return deadline_left(d) == 0;
}

/*
 * The same deadline as an absolute CLOCK_REALTIME time, for the calls that
 * take one (mq_timedsend, sem_timedwait).  Compute it afresh before each
 * call, so a clock step only shifts one wait, not the whole budget.
 */
struct timespec *
deadline_realtime(const struct deadline *d, struct timespec *ts)
{
	long long left = deadline_left(d);

	if (left < 0)
		return NULL;
	return realtime_in(left, ts);
}

/* CLOCK_REALTIME now plus ms, for the calls that take an absolute time */
struct timespec *
realtime_in(long long ms, struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
	return ts;
}
