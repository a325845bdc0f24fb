/*
 * ring [SIZE [CHUNK]] - stdin to stdout through a single-producer
 * single-consumer ring in shared memory, between two processes: the
 * parent read(2)s stdin straight into the ring, a forked child write(2)s
 * straight out of it to stdout.  A side sleeps on a futex only when it
 * must (ring empty or full), after a short spin, and the other side wakes
 * it only when it said it sleeps.  SIZE (default 1M) and CHUNK (largest
 * read or write, default 256K) take K, M or G.
 *
 * A bench helper: the ceiling for ipc-shm send | ipc-shm recv, with
 * nothing but the mechanism (no names, no liveness checks, no signals).
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HDR	4096
#define SPIN	2000		/* looks at the other side before sleeping */

struct hdr {
	uint64_t	 head;		/* bytes written, the producer's */
	uint32_t	 eof;
	char		 pad1[52];
	uint64_t	 tail;		/* bytes read, the consumer's */
	uint32_t	 gone;		/* the consumer failed */
	char		 pad2[52];
	uint32_t	 cwait;		/* the consumer sleeps */
	char		 pad3[60];
	uint32_t	 pwait;		/* the producer sleeps */
};

static unsigned long long
parsesize(const char *s)
{
	unsigned long long n, mul = 1;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *s == '-')
		return 0;
	switch (*end) {
	case 'K': case 'k':
		mul = 1ULL << 10;
		end++;
		break;
	case 'M': case 'm':
		mul = 1ULL << 20;
		end++;
		break;
	case 'G': case 'g':
		mul = 1ULL << 30;
		end++;
		break;
	}
	if (*end != '\0')
		return 0;
	return n * mul;
}

static void
relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

#define LOAD(p)		__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

static void
fwait(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAIT, 1, NULL, NULL, 0);
}

/* after publishing: wake the other side if it said it sleeps */
static void
fwake(uint32_t *w)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (LOAD(w) != 0 && __atomic_exchange_n(w, 0, __ATOMIC_SEQ_CST) != 0)
		syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* sleep until ready() says go: spin, say so, look again, sleep */
#define SLEEP_UNTIL(cond, w) do {					\
	int spin_;							\
	for (spin_ = 0; spin_ < SPIN && !(cond); spin_++)		\
		relax();						\
	if (cond)							\
		break;							\
	__atomic_store_n((w), 1, __ATOMIC_SEQ_CST);			\
	if (!(cond))							\
		fwait(w);						\
	__atomic_store_n((w), 0, __ATOMIC_RELAXED);			\
} while (!(cond))

static int
consumer(struct hdr *h, char *data, uint64_t size, uint64_t chunk)
{
	uint64_t tail = 0, head;
	ssize_t w;
	size_t n, off;

	for (;;) {
		SLEEP_UNTIL((head = LOAD(&h->head)) != tail || LOAD(&h->eof),
		    &h->cwait);
		head = LOAD(&h->head);
		if (head == tail)
			return 0;		/* eof */
		off = (size_t)(tail % size);
		n = (size_t)(head - tail);
		if (n > size - off)
			n = size - off;
		if (n > chunk)
			n = (size_t)chunk;
		w = write(1, data + off, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("ring: write");
			STORE(&h->gone, 1);
			fwake(&h->pwait);
			return 1;
		}
		tail += (uint64_t)w;
		STORE(&h->tail, tail);
		fwake(&h->pwait);
	}
}

static int
producer(struct hdr *h, char *data, uint64_t size, uint64_t chunk)
{
	uint64_t head = 0, tail;
	ssize_t r;
	size_t n, off;

	for (;;) {
		SLEEP_UNTIL(head - (tail = LOAD(&h->tail)) < size ||
		    LOAD(&h->gone), &h->pwait);
		if (LOAD(&h->gone))
			return 1;
		tail = LOAD(&h->tail);
		off = (size_t)(head % size);
		n = (size_t)(size - (head - tail));
		if (n > size - off)
			n = size - off;
		if (n > chunk)
			n = (size_t)chunk;
		r = read(0, data + off, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("ring: read");
			r = 0;
		}
		if (r == 0) {
			STORE(&h->eof, 1);
			fwake(&h->cwait);
			return 0;
		}
		head += (uint64_t)r;
		STORE(&h->head, head);
		fwake(&h->cwait);
	}
}

int
main(int argc, char *argv[])
{
	uint64_t size = 1 << 20, chunk = 256 << 10;
	struct hdr *h;
	char *m;
	pid_t pid;
	int st, r;

	if (argc > 1 && (size = parsesize(argv[1])) == 0)
		goto usage;
	if (argc > 2 && (chunk = parsesize(argv[2])) == 0)
		goto usage;
	if (argc > 3)
		goto usage;
	m = mmap(NULL, HDR + size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("ring: mmap");
		return 1;
	}
	h = (struct hdr *)(void *)m;
	switch (pid = fork()) {
	case -1:
		perror("ring: fork");
		return 1;
	case 0:
		_exit(consumer(h, m + HDR, size, chunk));
	}
	close(1);
	r = producer(h, m + HDR, size, chunk);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return r != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0;
usage:
	fprintf(stderr, "usage: ring [SIZE [CHUNK]]\n");
	return 2;
}
