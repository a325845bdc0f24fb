/*
 * bench.c - "ipckit bench": the IPC mechanisms measured on this machine.
 *
 * Each mechanism is measured by a small loop in this process with a
 * forked child as the peer, so the figures are about the kernel, not
 * about a tool: throughput (a stream of 64 KiB writes, or of 64-byte
 * messages where the mechanism moves records) and the round trip of a
 * one-byte ping-pong (median and 99th percentile).  Rounds are
 * interleaved (every mechanism once per round) and the median of the
 * rounds is shown, so a noisy neighbour hurts all mechanisms alike.
 * --tools runs the ipc-* tools end to end against their peers instead.
 */
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/futex.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipckit.h"

#define CHUNK		(64 * 1024)	/* one write of a stream */
#define MSG		64		/* one record */
#define RING		(1 << 20)	/* the shm ring's size */

struct cfg {
	uint64_t	 bytes;		/* per stream throughput run */
	long		 msgs;		/* per record throughput run */
	long		 trips;		/* per latency run */
	int		 rounds;
	char		 dir[64];	/* for FIFOs */
};

struct mech {
	const char	*name;
	const char	*unit;		/* "B/s" or "msg/s" */
	double		(*thr)(const struct cfg *);	/* units/s, <0 n/a */
	int		(*lat)(const struct cfg *, double *);	/* trips, us */
	const char	*advice;
};

struct res {
	double		*thr;		/* per round */
	double		 med, p99;	/* latency, us */
	double		*lats;		/* all round trips of all rounds */
	size_t		 nlats;
	double		 thrmed;
};

static double
now(void)
{
	return mono_sec();
}

/* fork a peer that runs fn(arg) and _exits; it dies with us */
static pid_t
peer(void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* our handlers go, the mask stays: it holds what a peer waits for */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	fn(arg);
	_exit(0);
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof(*v), cmpd);
	return v[(size_t)(q * (double)(n - 1) + 0.5)];
}

/* a connected TCP pair over 127.0.0.1, Nagle off */
static int
tcp_pair(int fd[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int l, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&a, &len) == -1 ||
	    (fd[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		close(l);
		return -1;
	}
	if (connect(fd[0], (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    (fd[1] = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		close(fd[0]);
		close(l);
		return -1;
	}
	close(l);
	setsockopt(fd[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

/* ---- byte streams over file descriptors ------------------------------- */

struct fdpeer {
	int		 rfd, wfd;	/* the child's ends */
	int		 close1, close2;
	uint64_t	 bytes;
	long		 trips;
	const char	*path_r, *path_w;	/* FIFOs: opened in the child */
};

static void
writer(void *arg)
{
	struct fdpeer *p = arg;
	static char buf[CHUNK];
	uint64_t left = p->bytes;
	int fd = p->wfd;

	if (p->close1 != -1)
		close(p->close1);
	if (p->path_w != NULL && (fd = open(p->path_w, O_WRONLY)) == -1)
		_exit(1);
	while (left > 0) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = write(fd, buf, n);

		if (w <= 0)
			_exit(1);
		left -= (uint64_t)w;
	}
	close(fd);
}

static double
drain(int fd, uint64_t bytes, double t0)
{
	static char buf[CHUNK];
	uint64_t got = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		got += (uint64_t)r;
	if (got != bytes)
		return -1;
	return (double)bytes / (now() - t0);
}

static double
thr_pipe(const struct cfg *c)
{
	struct fdpeer p = { .close1 = -1, .close2 = -1, .bytes = c->bytes };
	int fd[2];
	double t0, r;
	pid_t pid;

	if (pipe(fd) == -1)
		return -1;
	fcntl(fd[0], F_SETPIPE_SZ, 1 << 20);
	p.wfd = fd[1];
	p.close1 = fd[0];
	t0 = now();
	pid = peer(writer, &p);
	close(fd[1]);
	r = drain(fd[0], c->bytes, t0);
	close(fd[0]);
	return reap(pid) == 0 ? r : -1;
}

static double
thr_popen(const struct cfg *c)
{
	char cmd[96];
	FILE *fp;
	double t0, r;

	snprintf(cmd, sizeof(cmd), "exec head -c %llu /dev/zero",
	    (unsigned long long)c->bytes);
	t0 = now();
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	r = drain(fileno(fp), c->bytes, t0);
	return pclose(fp) == 0 ? r : -1;
}

static double
thr_fifo(const struct cfg *c)
{
	struct fdpeer p = { .close1 = -1, .wfd = -1, .bytes = c->bytes };
	char path[96];
	double t0, r;
	pid_t pid;
	int fd;

	snprintf(path, sizeof(path), "%s/thr", c->dir);
	if (mkfifo(path, 0600) == -1)
		return -1;
	p.path_w = path;
	t0 = now();
	pid = peer(writer, &p);
	fd = open(path, O_RDONLY);
	unlink(path);
	if (fd == -1) {
		kill(pid, SIGKILL);
		reap(pid);
		return -1;
	}
	r = drain(fd, c->bytes, t0);
	close(fd);
	return reap(pid) == 0 ? r : -1;
}

static double
thr_sock(const struct cfg *c, int tcp)
{
	struct fdpeer p = { .close1 = -1, .bytes = c->bytes };
	int fd[2];
	double t0, r;
	pid_t pid;

	if (tcp ? tcp_pair(fd) == -1 :
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == -1)
		return -1;
	p.wfd = fd[1];
	p.close1 = fd[0];
	t0 = now();
	pid = peer(writer, &p);
	close(fd[1]);
	r = drain(fd[0], c->bytes, t0);
	close(fd[0]);
	return reap(pid) == 0 ? r : -1;
}

static double
thr_unix(const struct cfg *c)
{
	return thr_sock(c, 0);
}

static double
thr_tcp(const struct cfg *c)
{
	return thr_sock(c, 1);
}

/* one byte there and back, trips times, through the fds of a pair */
static void
echo(void *arg)
{
	struct fdpeer *p = arg;
	int rfd = p->rfd, wfd = p->wfd;
	char b;
	long i;

	if (p->close1 != -1)
		close(p->close1);
	if (p->close2 != -1)
		close(p->close2);
	if (p->path_r != NULL) {
		rfd = open(p->path_r, O_RDONLY);
		wfd = open(p->path_w, O_WRONLY);
		if (rfd == -1 || wfd == -1)
			_exit(1);
	}
	for (i = 0; i < p->trips; i++)
		if (read(rfd, &b, 1) != 1 || write(wfd, &b, 1) != 1)
			_exit(1);
}

static int
pingpong(int wfd, int rfd, long trips, double *lat)
{
	char b = 'x';
	long i;

	for (i = 0; i < trips; i++) {
		double t0 = now();

		if (write(wfd, &b, 1) != 1 || read(rfd, &b, 1) != 1)
			return -1;
		lat[i] = (now() - t0) * 1e6;
	}
	return 0;
}

static int
lat_pipe(const struct cfg *c, double *lat)
{
	struct fdpeer p = { .trips = c->trips };
	int a[2], b[2], r;
	pid_t pid;

	if (pipe(a) == -1)
		return -1;
	if (pipe(b) == -1) {
		close(a[0]);
		close(a[1]);
		return -1;
	}
	p.rfd = a[0];
	p.wfd = b[1];
	p.close1 = a[1];
	p.close2 = b[0];
	pid = peer(echo, &p);
	close(a[0]);
	close(b[1]);
	r = pingpong(a[1], b[0], c->trips, lat);
	close(a[1]);
	close(b[0]);
	return reap(pid) == 0 ? r : -1;
}

/* popen: the round trip is a process start, its one byte, and its end */
static int
lat_popen(const struct cfg *c, double *lat)
{
	long i, n = c->trips / 100 + 5;
	char b;

	for (i = 0; i < n; i++) {
		double t0 = now();
		FILE *fp = popen("exec printf x", "r");

		if (fp == NULL || fread(&b, 1, 1, fp) != 1)
			return -1;
		if (pclose(fp) != 0)
			return -1;
		lat[i] = (now() - t0) * 1e6;
	}
	return (int)n;
}

static int
lat_fifo(const struct cfg *c, double *lat)
{
	struct fdpeer p = { .close1 = -1, .close2 = -1, .trips = c->trips };
	char a[96], b[96];
	int wfd, rfd, r;
	pid_t pid;

	snprintf(a, sizeof(a), "%s/ping", c->dir);
	snprintf(b, sizeof(b), "%s/pong", c->dir);
	if (mkfifo(a, 0600) == -1 || mkfifo(b, 0600) == -1) {
		unlink(a);
		return -1;
	}
	p.path_r = a;
	p.path_w = b;
	pid = peer(echo, &p);
	wfd = open(a, O_WRONLY);
	rfd = open(b, O_RDONLY);
	unlink(a);
	unlink(b);
	r = wfd == -1 || rfd == -1 ? -1 : pingpong(wfd, rfd, c->trips, lat);
	close(wfd);
	close(rfd);
	if (r == -1)
		kill(pid, SIGKILL);
	return reap(pid) == 0 ? r : -1;
}

static int
lat_sock(const struct cfg *c, double *lat, int tcp)
{
	struct fdpeer p = { .close1 = -1, .close2 = -1, .trips = c->trips };
	int fd[2], r;
	pid_t pid;

	if (tcp ? tcp_pair(fd) == -1 :
	    socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == -1)
		return -1;
	p.rfd = p.wfd = fd[1];
	p.close1 = fd[0];
	pid = peer(echo, &p);
	close(fd[1]);
	r = pingpong(fd[0], fd[0], c->trips, lat);
	close(fd[0]);
	return reap(pid) == 0 ? r : -1;
}

static int
lat_unix(const struct cfg *c, double *lat)
{
	return lat_sock(c, lat, 0);
}

static int
lat_tcp(const struct cfg *c, double *lat)
{
	return lat_sock(c, lat, 1);
}

/* ---- message queues ----------------------------------------------------- */

struct mqpeer {
	char		 name[64];
	int		 id;		/* SysV */
	long		 n;
};

static void
mq_sender(void *arg)
{
	struct mqpeer *p = arg;
	char buf[MSG] = { 0 };
	mqd_t q;
	long i;

	if ((q = mq_open(p->name, O_WRONLY)) == (mqd_t)-1)
		_exit(1);
	for (i = 0; i < p->n; i++)
		if (mq_send(q, buf, sizeof(buf), 0) == -1)
			_exit(1);
}

static mqd_t
mq_make(char *name, size_t len, const char *tag, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = msgsize };
	mqd_t q;

	snprintf(name, len, "/ipckit-bench-%ld-%s", (long)getpid(), tag);
	q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	return q;
}

static double
thr_posixmq(const struct cfg *c)
{
	struct mqpeer p = { .n = c->msgs };
	char buf[8192];
	double t0, r = -1;
	mqd_t q;
	pid_t pid;
	long i;

	if ((q = mq_make(p.name, sizeof(p.name), "thr", MSG)) == (mqd_t)-1)
		return -1;
	t0 = now();
	pid = peer(mq_sender, &p);
	for (i = 0; i < c->msgs; i++)
		if (mq_receive(q, buf, sizeof(buf), NULL) == -1)
			break;
	if (i == c->msgs)
		r = (double)c->msgs / (now() - t0);
	else
		kill(pid, SIGKILL);
	mq_close(q);
	mq_unlink(p.name);
	return reap(pid) == 0 ? r : -1;
}

struct mqecho {
	char		 ping[64], pong[64];
	long		 n;
};

static void
mq_echo(void *arg)
{
	struct mqecho *p = arg;
	char buf[MSG];
	mqd_t a, b;
	long i;

	a = mq_open(p->ping, O_RDONLY);
	b = mq_open(p->pong, O_WRONLY);
	if (a == (mqd_t)-1 || b == (mqd_t)-1)
		_exit(1);
	for (i = 0; i < p->n; i++)
		if (mq_receive(a, buf, sizeof(buf), NULL) != 1 ||
		    mq_send(b, buf, 1, 0) == -1)
			_exit(1);
}

static int
lat_posixmq(const struct cfg *c, double *lat)
{
	struct mqecho p = { .n = c->trips };
	char buf[MSG] = "x";
	mqd_t a, b;
	pid_t pid;
	long i;
	int r = 0;

	a = mq_make(p.ping, sizeof(p.ping), "ping", MSG);
	b = mq_make(p.pong, sizeof(p.pong), "pong", MSG);
	if (a == (mqd_t)-1 || b == (mqd_t)-1) {
		mq_unlink(p.ping);
		mq_unlink(p.pong);
		return -1;
	}
	pid = peer(mq_echo, &p);
	for (i = 0; i < c->trips && r == 0; i++) {
		double t0 = now();

		if (mq_send(a, buf, 1, 0) == -1 ||
		    mq_receive(b, buf, sizeof(buf), NULL) != 1)
			r = -1;
		lat[i] = (now() - t0) * 1e6;
	}
	if (r == -1)
		kill(pid, SIGKILL);
	mq_close(a);
	mq_close(b);
	mq_unlink(p.ping);
	mq_unlink(p.pong);
	return reap(pid) == 0 ? r : -1;
}

struct sysvmsg {
	long	 type;
	char	 text[MSG];
};

static void
msq_sender(void *arg)
{
	struct mqpeer *p = arg;
	struct sysvmsg m = { .type = 1 };
	long i;

	for (i = 0; i < p->n; i++)
		if (msgsnd(p->id, &m, sizeof(m.text), 0) == -1)
			_exit(1);
}

static double
thr_sysvmq(const struct cfg *c)
{
	struct mqpeer p = { .n = c->msgs };
	struct sysvmsg m;
	double t0, r = -1;
	pid_t pid;
	long i;

	if ((p.id = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == -1)
		return -1;
	t0 = now();
	pid = peer(msq_sender, &p);
	for (i = 0; i < c->msgs; i++)
		if (msgrcv(p.id, &m, sizeof(m.text), 0, 0) == -1)
			break;
	if (i == c->msgs)
		r = (double)c->msgs / (now() - t0);
	else
		kill(pid, SIGKILL);
	msgctl(p.id, IPC_RMID, NULL);
	return reap(pid) == 0 ? r : -1;
}

static void
msq_echo(void *arg)
{
	struct mqpeer *p = arg;
	struct sysvmsg m;
	long i;

	for (i = 0; i < p->n; i++) {
		if (msgrcv(p->id, &m, 1, 1, 0) != 1)
			_exit(1);
		m.type = 2;
		if (msgsnd(p->id, &m, 1, 0) == -1)
			_exit(1);
	}
}

static int
lat_sysvmq(const struct cfg *c, double *lat)
{
	struct mqpeer p = { .n = c->trips };
	struct sysvmsg m = { .type = 1, .text = "x" };
	pid_t pid;
	long i;
	int r = 0;

	if ((p.id = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == -1)
		return -1;
	pid = peer(msq_echo, &p);
	for (i = 0; i < c->trips && r == 0; i++) {
		double t0 = now();

		m.type = 1;
		if (msgsnd(p.id, &m, 1, 0) == -1 ||
		    msgrcv(p.id, &m, 1, 2, 0) != 1)
			r = -1;
		lat[i] = (now() - t0) * 1e6;
	}
	if (r == -1)
		kill(pid, SIGKILL);
	msgctl(p.id, IPC_RMID, NULL);
	return reap(pid) == 0 ? r : -1;
}

/* ---- shared memory: an SPSC ring and futexes ---------------------------- */

struct ring {
	_Atomic uint64_t head;		/* bytes written, producer's */
	char		 pad1[56];
	_Atomic uint64_t tail;		/* bytes read, consumer's */
	char		 pad2[56];
	_Atomic uint32_t wakew, waker;	/* futex words: a side sleeps */
	_Atomic uint32_t seq;		/* ping-pong turns */
	char		 pad3[52];
	char		 data[RING];
};

static long
futex(_Atomic uint32_t *w, int op, uint32_t v)
{
	return syscall(SYS_futex, (uint32_t *)w, op, v, NULL, NULL, 0);
}

/* sleep while *w == v, after a short spin */
static void
fwait(_Atomic uint32_t *w, uint32_t v)
{
	int i;

	for (i = 0; i < 200; i++)
		if (atomic_load(w) != v)
			return;
	futex(w, FUTEX_WAIT, v);
}

static void
fwake(_Atomic uint32_t *w)
{
	atomic_fetch_add(w, 1);
	futex(w, FUTEX_WAKE, INT_MAX);
}

struct ringpeer {
	struct ring	*r;
	uint64_t	 bytes;
	long		 trips;
};

static void
ring_producer(void *arg)
{
	struct ringpeer *p = arg;
	struct ring *r = p->r;
	static char buf[CHUNK];
	uint64_t done = 0;

	while (done < p->bytes) {
		uint64_t tail = atomic_load(&r->tail);
		uint64_t room = RING - (done - tail), n;
		size_t off = (size_t)(done % RING);

		if (room == 0) {
			uint32_t w = atomic_load(&r->wakew);

			if (atomic_load(&r->tail) == tail)
				fwait(&r->wakew, w);
			continue;
		}
		n = p->bytes - done;
		if (n > room)
			n = room;
		if (n > CHUNK)
			n = CHUNK;
		if (n > RING - off)
			n = RING - off;
		memcpy(r->data + off, buf, (size_t)n);
		done += n;
		atomic_store(&r->head, done);
		fwake(&r->waker);
	}
}

static double
thr_shm(const struct cfg *c)
{
	static char buf[CHUNK];
	struct ringpeer p = { .bytes = c->bytes };
	struct ring *r;
	uint64_t got = 0;
	double t0, res;
	pid_t pid;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return -1;
	memset(r, 0, offsetof(struct ring, data));
	p.r = r;
	t0 = now();
	pid = peer(ring_producer, &p);
	while (got < c->bytes) {
		uint64_t head = atomic_load(&r->head), n;
		size_t off = (size_t)(got % RING);

		if (head == got) {
			uint32_t w = atomic_load(&r->waker);

			if (atomic_load(&r->head) == got)
				fwait(&r->waker, w);
			continue;
		}
		n = head - got;
		if (n > CHUNK)
			n = CHUNK;
		if (n > RING - off)
			n = RING - off;
		memcpy(buf, r->data + off, (size_t)n);
		got += n;
		atomic_store(&r->tail, got);
		fwake(&r->wakew);
	}
	res = (double)c->bytes / (now() - t0);
	munmap(r, sizeof(*r));
	return reap(pid) == 0 ? res : -1;
}

/* ping-pong on one futex word: odd turns are the peer's */
static void
futex_echo(void *arg)
{
	struct ringpeer *p = arg;
	uint32_t i;

	for (i = 0; i < (uint32_t)p->trips; i++) {
		uint32_t s;

		while (((s = atomic_load(&p->r->seq)) & 1) == 0)
			fwait(&p->r->seq, s);
		atomic_store(&p->r->seq, s + 1);
		futex(&p->r->seq, FUTEX_WAKE, INT_MAX);
	}
}

static int
lat_shm(const struct cfg *c, double *lat)
{
	struct ringpeer p = { .trips = c->trips };
	struct ring *r;
	pid_t pid;
	long i;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return -1;
	memset(r, 0, offsetof(struct ring, data));
	p.r = r;
	pid = peer(futex_echo, &p);
	for (i = 0; i < c->trips; i++) {
		double t0 = now();
		uint32_t s = atomic_load(&r->seq) + 1;

		atomic_store(&r->seq, s);
		futex(&r->seq, FUTEX_WAKE, INT_MAX);
		while (atomic_load(&r->seq) == s)
			fwait(&r->seq, s);
		lat[i] = (now() - t0) * 1e6;
	}
	munmap(r, sizeof(*r));
	return reap(pid);
}

/* ---- semaphores: a hand-off there and back ------------------------------ */

struct sempair {
	sem_t	 ping, pong;
	long	 n;
};

static void
sem_echo(void *arg)
{
	struct sempair *p = arg;
	long i;

	for (i = 0; i < p->n; i++) {
		while (sem_wait(&p->ping) == -1)
			if (errno != EINTR)
				_exit(1);
		sem_post(&p->pong);
	}
}

static int
lat_sem(const struct cfg *c, double *lat)
{
	struct sempair *p;
	pid_t pid;
	long i;

	p = mmap(NULL, sizeof(*p), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	sem_init(&p->ping, 1, 0);
	sem_init(&p->pong, 1, 0);
	p->n = c->trips;
	pid = peer(sem_echo, p);
	for (i = 0; i < c->trips; i++) {
		double t0 = now();

		sem_post(&p->ping);
		while (sem_wait(&p->pong) == -1 && errno == EINTR)
			;
		lat[i] = (now() - t0) * 1e6;
	}
	munmap(p, sizeof(*p));
	return reap(pid);
}

/* a semaphore carries no data: its throughput is hand-offs each way */
static double
thr_sem(const struct cfg *c)
{
	double *lat, t0, r;
	struct cfg cc = *c;

	cc.trips = c->msgs;
	if ((lat = calloc((size_t)cc.trips, sizeof(*lat))) == NULL)
		return -1;
	t0 = now();
	r = lat_sem(&cc, lat) == 0 ? 2.0 * (double)cc.trips / (now() - t0) :
	    -1;
	free(lat);
	return r;
}

/* ---- real-time signals: sigqueue and sigwaitinfo ------------------------ */

struct sigpeer {
	pid_t	 parent;
	long	 n;
};

static void
sig_sender(void *arg)
{
	struct sigpeer *p = arg;
	union sigval v;
	long i;

	for (i = 0; i < p->n; i++) {
		v.sival_int = (int)i;
		while (sigqueue(p->parent, SIGRTMIN, v) == -1) {
			if (errno != EAGAIN)
				_exit(1);
			sched_yield();
		}
	}
}

static double
thr_signal(const struct cfg *c)
{
	struct sigpeer p = { .parent = getpid(), .n = c->msgs };
	sigset_t set, old;
	siginfo_t si;
	double t0, r = -1;
	pid_t pid;
	long i;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, &old);
	t0 = now();
	pid = peer(sig_sender, &p);
	for (i = 0; i < c->msgs; i++) {
		while (sigwaitinfo(&set, &si) == -1 && errno == EINTR)
			;
		if (si.si_signo != SIGRTMIN)
			break;
	}
	if (i == c->msgs)
		r = (double)c->msgs / (now() - t0);
	else
		kill(pid, SIGKILL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return reap(pid) == 0 ? r : -1;
}

static void
sig_echo(void *arg)
{
	struct sigpeer *p = arg;
	sigset_t set;
	siginfo_t si;
	long i;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	for (i = 0; i < p->n; i++) {
		while (sigwaitinfo(&set, &si) == -1)
			if (errno != EINTR)
				_exit(1);
		if (sigqueue(p->parent, SIGRTMIN + 2, si.si_value) == -1)
			_exit(1);
	}
}

static int
lat_signal(const struct cfg *c, double *lat)
{
	struct sigpeer p = { .parent = getpid(), .n = c->trips };
	union sigval v = { .sival_int = 1 };
	sigset_t set, old;
	siginfo_t si;
	pid_t pid;
	long i;
	int r = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* the peer inherits the mask: SIGRTMIN+1 is blocked there too */
	pid = peer(sig_echo, &p);
	sigdelset(&set, SIGRTMIN + 1);
	for (i = 0; i < c->trips && r == 0; i++) {
		double t0 = now();

		if (sigqueue(pid, SIGRTMIN + 1, v) == -1)
			r = -1;
		while (r == 0 && sigwaitinfo(&set, &si) == -1)
			if (errno != EINTR)
				r = -1;
		lat[i] = (now() - t0) * 1e6;
	}
	if (r == -1)
		kill(pid, SIGKILL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return reap(pid) == 0 ? r : -1;
}

/* ---- the table, the verdicts, the output -------------------------------- */

static const struct mech mechs[] = {
	{ "pipe", "B/s", thr_pipe, lat_pipe,
	    "streams, short frequent messages: the default" },
	{ "popen", "B/s", thr_popen, lat_popen,
	    "running commands: a process start per use" },
	{ "fifo", "B/s", thr_fifo, lat_fifo,
	    "a pipe between unrelated processes" },
	{ "posix-mq", "msg/s", thr_posixmq, lat_posixmq,
	    "queued records, priorities, worker pools" },
	{ "sysv-mq", "msg/s", thr_sysvmq, lat_sysvmq,
	    "typed records; where POSIX queues are missing" },
	{ "shm-ring", "B/s", thr_shm, lat_shm,
	    "large data: the fastest stream" },
	{ "semaphore", "handoff/s", thr_sem, lat_sem,
	    "mutual exclusion, N slots: no data" },
	{ "rt-signal", "msg/s", thr_signal, lat_signal,
	    "events and small integers, not bulk data" },
	{ "unix-socket", "B/s", thr_unix, lat_unix,
	    "both ways, many clients, peer credentials" },
	{ "tcp-loopback", "B/s", thr_tcp, lat_tcp,
	    "across machines (locally a UNIX socket is cheaper)" },
};
#define NMECH	(sizeof(mechs) / sizeof(mechs[0]))

static const char *
rate(char *buf, size_t len, double v, const char *unit)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else if (strcmp(unit, "B/s") == 0) {
		char b[16];

		snprintf(buf, len, "%s/s", fmt_size(b, sizeof(b),
		    (uint64_t)v));
	} else if (v >= 1e6)
		snprintf(buf, len, "%.2fM %s", v / 1e6, unit);
	else if (v >= 1e3)
		snprintf(buf, len, "%.1fk %s", v / 1e3, unit);
	else
		snprintf(buf, len, "%.0f %s", v, unit);
	return buf;
}

static const char *
usec(char *buf, size_t len, double us)
{
	if (us < 0)
		snprintf(buf, len, "-");
	else if (us >= 1000)
		snprintf(buf, len, "%.2f ms", us / 1000);
	else
		snprintf(buf, len, "%.1f us", us);
	return buf;
}

static void
machine(char *buf, size_t len)
{
	struct utsname u;

	uname(&u);
	snprintf(buf, len, "%ld CPUs, Linux %s %s",
	    sysconf(_SC_NPROCESSORS_ONLN), u.release, u.machine);
}

static int
plot(const char *file, const struct res *res)
{
	char data[] = "/tmp/ipckit-bench.XXXXXX";
	FILE *fp, *gp;
	size_t i;
	int fd, st;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		iwarnx("--plot needs gnuplot: apt-get install gnuplot-nox");
		return -1;
	}
	if ((fd = mkstemp(data)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		iwarn("%s", data);
		return -1;
	}
	for (i = 0; i < NMECH; i++)
		fprintf(fp, "%s %g %g %g\n", mechs[i].name,
		    res[i].thrmed < 0 ? 0 : res[i].thrmed /
		    (strcmp(mechs[i].unit, "B/s") == 0 ? 1048576.0 : 1e3),
		    res[i].med < 0 ? 0 : res[i].med,
		    res[i].p99 < 0 ? 0 : res[i].p99);
	fclose(fp);
	if ((gp = popen("gnuplot", "w")) == NULL) {
		unlink(data);
		iwarn("gnuplot");
		return -1;
	}
	fprintf(gp, "set terminal png size 1100,800\n"
	    "set output '%s'\n"
	    "set multiplot layout 2,1 title 'ipckit bench: %s'\n"
	    "set style data histograms\nset style fill solid 0.7\n"
	    "set logscale y\nset grid ytics\nset xtics rotate by -30\n"
	    "set title 'throughput (MiB/s for streams, thousands/s for "
	    "records)'\n"
	    "plot '%s' using 2:xtic(1) notitle\n"
	    "set title 'round trip, microseconds (median, 99th percentile)'\n"
	    "plot '%s' using 3:xtic(1) title 'median', '' using 4 title "
	    "'p99'\n"
	    "unset multiplot\n", file, "this machine", data, data);
	st = pclose(gp);
	unlink(data);
	if (st != 0) {
		iwarnx("gnuplot failed");
		return -1;
	}
	return 0;
}

static void
print_table(const struct res *res, const char *mach, int json)
{
	char a[32], b[32], d[32];
	struct jw w;
	size_t i;

	if (json) {
		jw_init(&w, stdout);
		jw_obj(&w);
		jw_key(&w, "machine");
		jw_str(&w, mach);
		jw_key(&w, "results");
		jw_arr(&w);
		for (i = 0; i < NMECH; i++) {
			jw_obj(&w);
			jw_key(&w, "mechanism");
			jw_str(&w, mechs[i].name);
			jw_key(&w, "throughput");
			if (res[i].thrmed < 0)
				jw_null(&w);
			else
				jw_double(&w, res[i].thrmed);
			jw_key(&w, "unit");
			jw_str(&w, mechs[i].unit);
			jw_key(&w, "latency_median_us");
			jw_double(&w, res[i].med);
			jw_key(&w, "latency_p99_us");
			jw_double(&w, res[i].p99);
			jw_key(&w, "verdict");
			jw_str(&w, mechs[i].advice);
			jw_end(&w, '}');
		}
		jw_end(&w, ']');
		jw_end(&w, '}');
		return;
	}
	printf("ipckit bench: %s; figures vary between runs\n\n", mach);
	printf("%-13s %16s %11s %11s  %s\n", "MECHANISM", "THROUGHPUT",
	    "RTT-MEDIAN", "RTT-P99", "USE IT FOR");
	for (i = 0; i < NMECH; i++)
		printf("%-13s %16s %11s %11s  %s\n", mechs[i].name,
		    rate(a, sizeof(a), res[i].thrmed, mechs[i].unit),
		    usec(b, sizeof(b), res[i].med),
		    usec(d, sizeof(d), res[i].p99), mechs[i].advice);
}

static int
measure(const struct cfg *c, struct res *res)
{
	double *lat;
	int r, i;
	size_t m;

	lat = ecalloc((size_t)c->trips, sizeof(*lat));
	for (m = 0; m < NMECH; m++) {
		res[m].thr = ecalloc((size_t)c->rounds, sizeof(double));
		res[m].lats = ecalloc((size_t)c->trips * (size_t)c->rounds,
		    sizeof(double));
	}
	/* interleaved: every mechanism once per round */
	for (i = 0; i < c->rounds; i++)
		for (m = 0; m < NMECH; m++) {
			if (gotsig)
				eonsig();
			res[m].thr[i] = mechs[m].thr(c);
			r = mechs[m].lat(c, lat);
			if (r >= 0) {
				long n = r > 0 ? r : c->trips;

				memcpy(res[m].lats + res[m].nlats, lat,
				    (size_t)n * sizeof(*lat));
				res[m].nlats += (size_t)n;
			}
			if (res[m].thr[i] < 0 || r < 0)
				iwarnx("%s: a run failed (%s)", mechs[m].name,
				    errno != 0 ? strerror(errno) : "peer");
		}
	for (m = 0; m < NMECH; m++) {
		res[m].thrmed = quantile(res[m].thr, (size_t)c->rounds, 0.5);
		res[m].med = quantile(res[m].lats, res[m].nlats, 0.5);
		res[m].p99 = quantile(res[m].lats, res[m].nlats, 0.99);
		free(res[m].thr);
		free(res[m].lats);
	}
	free(lat);
	return 0;
}

static void
rmdir_cfg(void *arg)
{
	const struct cfg *c = arg;
	char p[96];

	snprintf(p, sizeof(p), "%s/thr", c->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/ping", c->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/pong", c->dir);
	unlink(p);
	rmdir(c->dir);
}

/*
 * --tools: the ipc-* tools end to end against the peers they replace, as
 * shell pipelines.  $S is the size moved, $D a scratch directory, $N a
 * name of our own.  A row whose commands are not all installed is
 * skipped.  The ratio is the peer's median time over ours: above 1, the
 * tool is faster.
 */
static const struct toolrow {
	const char	*what, *needs, *peer, *ours;
} toolrows[] = {
	{ "stream pass-through", "ipc-pipe",
	    "head -c $S /dev/zero | cat | cat >/dev/null",
	    "head -c $S /dev/zero | ipc-pipe cat | cat >/dev/null" },
	{ "progress meter", "ipc-pipe pv",
	    "head -c $S /dev/zero | pv -q | cat >/dev/null",
	    "head -c $S /dev/zero | ipc-pipe cat --stats 2>/dev/null | "
	    "cat >/dev/null" },
	{ "fan-out to two readers", "ipc-pipe pee",
	    "head -c $S /dev/zero | pee 'cat >/dev/null' 'cat >/dev/null'",
	    "head -c $S /dev/zero | ipc-pipe tee -q 'cat >/dev/null' "
	    "'cat >/dev/null'" },
	{ "named pipe", "ipc-fifo",
	    "mkfifo $D/f && { head -c $S /dev/zero >$D/f & cat $D/f "
	    ">/dev/null; wait; rm $D/f; }",
	    "ipc-fifo mk $D/f && { head -c $S /dev/zero | ipc-fifo send $D/f "
	    "& ipc-fifo recv $D/f >/dev/null; wait; ipc-fifo rm $D/f; }" },
	{ "shm ring vs a pipe", "ipc-shm",
	    "head -c $S /dev/zero | cat | cat >/dev/null",
	    "head -c $S /dev/zero | ipc-shm send $N & "
	    "ipc-shm recv $N | cat >/dev/null; wait" },
	{ "UNIX socket", "ipc-sock socat",
	    "socat -u UNIX-LISTEN:$D/s - >/dev/null & "
	    "head -c $S /dev/zero | socat -u - "
	    "UNIX-CONNECT:$D/s,retry=500,interval=0.01; wait",
	    "ipc-sock recv $D/s >/dev/null & "
	    "head -c $S /dev/zero | ipc-sock send --retry --timeout 10 $D/s; "
	    "wait" },
	{ "mutex around a command x200", "ipc-sem flock",
	    "i=0; while [ $i -lt 200 ]; do flock $D/lock true; "
	    "i=$((i+1)); done",
	    "i=0; while [ $i -lt 200 ]; do ipc-sem run --create $N -- true; "
	    "i=$((i+1)); done; ipc-sem rm $N" },
};
#define NTOOLROW	(sizeof(toolrows) / sizeof(toolrows[0]))

static int
installed(const char *cmds)
{
	char buf[256], *w, *last;

	strlcpy(buf, cmds, sizeof(buf));
	for (w = strtok_r(buf, " ", &last); w != NULL;
	    w = strtok_r(NULL, " ", &last)) {
		char sh[300];

		snprintf(sh, sizeof(sh), "command -v %s >/dev/null 2>&1", w);
		if (system(sh) != 0)
			return 0;
	}
	return 1;
}

/* wall time of one shell command line, or -1 when it failed */
static double
timed(const char *cmd, const char *size, const char *dir, const char *name)
{
	struct childspec cs = { .fd0 = -1, .fd1 = -1 };
	char *env[4], e1[64], e2[96], e3[96];
	double t0;
	pid_t pid;
	int st;

	snprintf(e1, sizeof(e1), "S=%s", size);
	snprintf(e2, sizeof(e2), "D=%s", dir);
	snprintf(e3, sizeof(e3), "N=%s", name);
	env[0] = e1;
	env[1] = e2;
	env[2] = e3;
	env[3] = NULL;
	cs.sh = cmd;
	cs.env = env;
	t0 = now();
	if ((pid = child_start(&cs)) == -1)
		return -1;
	while ((st = child_wait(pid)) == -1 && errno == EINTR)
		if (gotsig) {
			child_signal(gotsig);
			(void)child_wait(pid);
			eonsig();
		}
	return st == 0 ? now() - t0 : -1;
}

static int
bench_tools(int rounds, int json)
{
	static struct cfg c;
	double t[NTOOLROW][2][5];
	char name[64], mach[160];
	const char *size = rounds == 1 ? "64M" : "512M";
	struct jw w;
	size_t i;
	int r, k;

	strlcpy(c.dir, "/tmp/ipckit-bench.XXXXXX", sizeof(c.dir));
	if (mkdtemp(c.dir) == NULL)
		eerr(EXIT_FAIL, "mkdtemp");
	cleanup_add(rmdir_cfg, &c);
	snprintf(name, sizeof(name), "ipckit-bench-%ld", (long)getpid());
	for (r = 0; r < rounds; r++)
		for (i = 0; i < NTOOLROW; i++)
			for (k = 0; k < 2; k++) {
				int kk = (k + r) % 2;	/* alternate first */

				t[i][kk][r] = !installed(toolrows[i].needs) ?
				    -2 : timed(kk ? toolrows[i].ours :
				    toolrows[i].peer, size, c.dir, name);
			}
	machine(mach, sizeof(mach));
	if (json) {
		jw_init(&w, stdout);
		jw_obj(&w);
		jw_key(&w, "machine");
		jw_str(&w, mach);
		jw_key(&w, "tools");
		jw_arr(&w);
	} else
		printf("ipckit bench --tools: %s, %s moved per run, median of "
		    "%d; ratio above 1: ipckit is faster\n\n%-30s %10s %10s "
		    "%7s\n", mach, size, rounds, "WHAT", "PEER", "IPCKIT",
		    "RATIO");
	for (i = 0; i < NTOOLROW; i++) {
		double p, o;

		p = quantile(t[i][0], (size_t)rounds, 0.5);
		o = quantile(t[i][1], (size_t)rounds, 0.5);
		if (json) {
			jw_obj(&w);
			jw_key(&w, "what");
			jw_str(&w, toolrows[i].what);
			jw_key(&w, "peer_s");
			p < 0 ? jw_null(&w) : jw_double(&w, p);
			jw_key(&w, "ipckit_s");
			o < 0 ? jw_null(&w) : jw_double(&w, o);
			jw_end(&w, '}');
		} else if (p == -2 || o == -2)
			printf("%-30s %10s %10s %7s  (%s not installed)\n",
			    toolrows[i].what, "-", "-", "-", toolrows[i].needs);
		else if (p < 0 || o < 0)
			printf("%-30s %10s %10s %7s  (a run failed)\n",
			    toolrows[i].what, "-", "-", "-");
		else
			printf("%-30s %9.3fs %9.3fs %6.2fx\n",
			    toolrows[i].what, p, o, p / o);
	}
	if (json) {
		jw_end(&w, ']');
		jw_end(&w, '}');
	}
	return 0;
}

int
ipckit_bench(int argc, char *argv[])
{
	static const struct option lo[] = {
		{ "quick",	no_argument,		NULL, 256 },
		{ "full",	no_argument,		NULL, 257 },
		{ "plot",	required_argument,	NULL, 258 },
		{ "tools",	no_argument,		NULL, 259 },
		{ NULL, 0, NULL, 0 },
	};
	static struct cfg c;
	struct res res[NMECH];
	const char *plotfile = NULL;
	char mach[160];
	int ch, quick = 0, full = 0, tools = 0, st = 0;

	opt_begin(argc, argv, OPT_JSON, lo);
	while ((ch = opt_next()) != -1)
		switch (ch) {
		case 256:
			quick = 1;
			break;
		case 257:
			full = 1;
			break;
		case 258:
			plotfile = optarg;
			break;
		case 259:
			tools = 1;
			break;
		}
	opt_end(&argc, &argv, NULL);
	opt_operands(argc, 0, 0);
	if (quick && full)
		eusage("--quick and --full exclude each other");
	if (plotfile != NULL && tools)
		eusage("--plot goes with the mechanisms' table, not --tools");
	if (tools)
		return bench_tools(quick ? 1 : full ? 5 : 3, opt.json);
	/* about 5 s, 30 s, or as long as it takes on 2 cores */
	c.bytes = quick ? 256ULL << 20 : full ? 4096ULL << 20 : 512ULL << 20;
	c.msgs = quick ? 50000 : full ? 1000000 : 150000;
	c.trips = quick ? 5000 : full ? 200000 : 30000;
	c.rounds = quick ? 1 : full ? 5 : 3;
	strlcpy(c.dir, "/tmp/ipckit-bench.XXXXXX", sizeof(c.dir));
	if (mkdtemp(c.dir) == NULL)
		eerr(EXIT_FAIL, "mkdtemp");
	cleanup_add(rmdir_cfg, &c);
	memset(res, 0, sizeof(res));
	if (!opt.json && !opt.quiet)
		fprintf(stderr, "measuring %zu mechanisms, %d round%s...\n",
		    NMECH, c.rounds, c.rounds == 1 ? "" : "s");
	measure(&c, res);
	machine(mach, sizeof(mach));
	print_table(res, mach, opt.json);
	if (plotfile != NULL && plot(plotfile, res) == -1)
		st = EXIT_FAIL;
	return st;
}
