/*
 * ipckit.h - the one header every cmd/ipc-*.c includes.
 *
 * Conventions (see STYLE.md):
 *  - only functions whose names start with 'e' may exit the process;
 *  - library functions return -1 and set errno, the caller reports;
 *  - diagnostics go through eerr/eerrx/iwarn/iwarnx, which prefix
 *    "ipc-TOOL: VERB OPERAND: " so every message has the same shape.
 */
#ifndef IPCKIT_H
#define IPCKIT_H

#include <sys/types.h>

#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define IPCKIT_VERSION	"0.1.0"

/* Exit statuses (ipckit(7), EXIT STATUS). */
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_TIMEOUT	124
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127
#define EXIT_EPIPE	141	/* stdout closed: 128 + SIGPIPE, quietly */

/* ---- err.c: diagnostics ------------------------------------------------ */

void	 setverb(const char *);
void	 setoperand(const char *);
const char *getverb(void);
void	 eerr(int, const char *, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
void	 eerrx(int, const char *, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));
void	 eusage(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	 iwarn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 iwarnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 ivwarn(int, const char *, va_list);
void	 iverbose(const char *, ...) __attribute__((format(printf, 1, 2)));
int	 itimedout(const char *);	/* "WHAT within 2.0s" unless -q: 124 */
void	*ecalloc(size_t, size_t);
void	*ereallocarray(void *, size_t, size_t);
void	*egrow(void *, size_t, size_t *, size_t);
char	*estrdup(const char *);

/* ---- verb.c / opt.c: dispatch and the common options ------------------- */

struct verb {
	const char	*name;
	int		(*fn)(int, char *[]);
	const char	*args;		/* synopsis after the verb */
	const char	*help;		/* one line */
	const char	*opts;		/* its own options: "  -x, --xy N  what\n"
					 * lines for VERB --help, or NULL */
};

int	 verb_main(int, char *[], const struct verb *, const char *);
void	 verb_usage(FILE *, const struct verb *);
const struct verb *verb_current(void);

/* Bits selecting which common options a verb accepts. */
#define OPT_TIMEOUT	(1u << 0)	/* --timeout DUR, -t */
#define OPT_NOWAIT	(1u << 1)	/* --nowait */
#define OPT_COUNT	(1u << 2)	/* --count N, -n */
#define OPT_NULL	(1u << 3)	/* --null, -0 */
#define OPT_RAW		(1u << 4)	/* --raw */
#define OPT_SYSV	(1u << 5)	/* --sysv (and --proj N) */
#define OPT_CREATE	(1u << 6)	/* --create, -c */
#define OPT_MODE	(1u << 7)	/* --mode MODE, -m */
#define OPT_JSON	(1u << 8)	/* --json */
#define OPT_POSIX	(1u << 9)	/* --posix (ls, limits) */
/* --quiet/-q, --verbose/-v and --help/-h are always accepted. */

struct common {
	long long	 timeout;	/* milliseconds, -1 = wait forever */
	long long	 count;		/* 0 = no limit */
	int		 sep;		/* record separator: '\n' or '\0' */
	int		 raw;
	int		 sysv;
	int		 posix;
	int		 create;
	int		 json;
	int		 quiet;
	int		 verbose;
	mode_t		 mode;		/* 0600 unless --mode */
	int		 proj;		/* ftok project id, --proj */
	unsigned	 given;		/* O_* bits the user actually gave */
};
extern struct common opt;

/*
 * Verb-specific options: give a struct option array (terminated by a zero
 * entry).  An entry whose val is a printable character also gets that
 * short letter; long-only options use val >= 256.  opt_next() returns the
 * val of each verb-specific option with optarg set, handles the common
 * ones itself, and returns -1 at the end.  opt_end() then leaves the
 * operands in *argcp and *argvp and, for verbs that run a command, the words
 * after "--" in *cmdvp (NULL when there was no "--").
 */
void	 opt_begin(int, char *[], unsigned, const struct option *);
int	 opt_next(void);
void	 opt_end(int *, char ***, char ***);
void	 opt_operands(int, int, int);	/* argc, min, max (-1: any) */
void	 opt_help(FILE *);		/* the common options, for --help */
void	 ehelp(void) __attribute__((noreturn));	/* VERB --help, exit 0 */

/* ---- parse.c: numbers, sizes, durations, modes ------------------------- */

int	 parse_size(const char *, uint64_t *);
int	 parse_duration(const char *, long long *);	/* -> ms */
int	 parse_mode(const char *, mode_t *);
int	 parse_num(const char *, long long, long long, long long *);
uint64_t esize(const char *, const char *, uint64_t, uint64_t);
long long edur(const char *, const char *);
long long enum_(const char *, const char *, long long, long long);
mode_t	 emode(const char *);
const char *fmt_size(char *, size_t, uint64_t);
const char *fmt_dur(char *, size_t, long long);
#define FMT_UINT	21	/* 18446744073709551615 and its NUL */
const char *fmt_uint(char *, unsigned long long);

/* ---- sysctl.c: kernel settings, for messages that name a limit -------- */

long long sysctl_num(const char *);	/* "/proc/sys/fs/...": value or -1 */

/* ---- deadline.c: --timeout on the monotonic clock ---------------------- */

struct deadline {
	struct timespec	 end;
	int		 forever;
};

void	 deadline_init(struct deadline *, long long);	/* ms, -1 forever */
long long deadline_left(const struct deadline *);	/* ms, -1 forever */
int	 deadline_expired(const struct deadline *);
struct timespec *deadline_realtime(const struct deadline *, struct timespec *);
struct timespec *realtime_in(long long, struct timespec *);
long long mono_ms(void);
double	 mono_sec(void);

/* ---- cleanup.c: what a run created, stdout discipline ------------------ */

void	 cleanup_init(void);		/* called by verb_main */
int	 cleanup_add(void (*)(void *), void *);	/* a handle; -1 full */
void	 cleanup_del(int);		/* forget without running */
void	 cleanup_run(void);
void	 eepipe(void);			/* stdout gone: clean up, exit 141 */
int	 efinish(int);			/* flush and check stdout, return status */

/* ---- sig.c: the one signal-and-wait model (see the top of sig.c) -------- */

#define SIGP_END	0	/* INT/TERM/HUP end the tool (default) */
#define SIGP_FORWARD	1	/* ... are passed on to the children */

extern volatile sig_atomic_t gotsig;	/* INT, TERM or HUP caught */
extern volatile sig_atomic_t gotchld;	/* a child may have ended */
extern volatile sig_atomic_t gottick;	/* the tick_arm timer fired */

void	 sig_init(void);		/* called by cleanup_init */
void	 sig_policy(int);		/* SIGP_END or SIGP_FORWARD */
void	 sig_catchchld(void);
void	 sig_block(sigset_t *, sigset_t *);	/* the caught ones; old mask */
int	 sig_caught(void);		/* gotsig */
int	 sig_deliver(const sigset_t *);	/* signals as data: a signalfd */
/* > 0 ready, 0 time up, -1 errno (EINTR: a caught signal; look at the
 * flags); never exits */
int	 xpoll(struct pollfd *, nfds_t, long long);	/* ms, -1 forever */
int	 xpoll_until(struct pollfd *, nfds_t, const struct deadline *);
int	 tick_arm(long long, long long);	/* ms, interval ms; 0 disarms */
void	 eonsig(void);			/* gotsig: clean up, re-raise */
void	 eraise(int) __attribute__((noreturn));

/* ---- child.c: commands a tool runs ------------------------------------- */

struct childspec {
	char *const	*argv;		/* execvp(argv[0], argv), or */
	const char	*sh;		/* /bin/sh -c -- sh */
	int		 fd0, fd1;	/* its stdin, stdout; -1: ours */
	char *const	*env;		/* "NAME=value" added; NULL-ended */
	int		 pdeathsig;	/* PR_SET_PDEATHSIG, 0: none */
};
pid_t	 child_start(const struct childspec *);	/* -1 errno */
int	 child_reap(pid_t *, int *);	/* 1 one ended, 0 none yet, -1 none */
int	 child_wait(pid_t);		/* shell status, -1 errno (EINTR) */
void	 child_signal(int);		/* to every child not yet reaped */
void	 child_forward(int);		/* the same, from a signal handler */
int	 child_count(void);
int	 child_pidfd(pid_t);
void	 child_sigreset(void);		/* defaults, empty mask: for children */
int	 exit_status(int);		/* wait status -> shell status */

/* ---- io.c: full read/write loops and the splice copy ------------------- */

/* these retry EINTR unless a terminating signal was caught (gotsig), and
 * then return -1 with errno EINTR; they never exit */
ssize_t	 readsome(int, void *, size_t);
int	 writeall(int, const void *, size_t);
int	 writeall_n(int, const void *, size_t, size_t *);	/* bytes done */
uint64_t fd_rest(int, int *);	/* what fd still holds; *exact 1 if exact */
int	 waitfd(int, short, long long);	/* 1 ready, 0 time up, -1 errno */
int	 set_nonblock(int, int);
int	 pipe_capacity(int);		/* -1 when not a pipe */
int	 pipe_queued(int);		/* FIONREAD */
int	 set_pipe_size(int, size_t);	/* F_SETPIPE_SZ, errno kept */

struct xfer {
	int		 in, out;
	int		 splice_ok;	/* try splice(2) first */
	char		*buf;		/* fallback buffer */
	size_t		 bufsz;
	uint64_t	 bytes;		/* moved so far */
};
void	 xfer_init(struct xfer *, int, int, size_t);
void	 xfer_free(struct xfer *);
/* move up to max bytes; returns bytes moved, 0 at EOF, -1 on error with
 * errno (EPIPE: output gone; EAGAIN only for non-blocking ends; EINTR: a
 * terminating signal) */
ssize_t	 xfer_step(struct xfer *, size_t);

/* ---- json.c: the one JSON encoder --------------------------------------- */

#define JSON_STRMAX(n)	((n) * 6 + 2)	/* room json_encode may need */
size_t	 json_encode(char *, const char *, size_t);
size_t	 utf8_seqlen(const unsigned char *, size_t);	/* 0: not UTF-8 */
void	 json_str(FILE *, const char *, size_t);

#define JW_DEPTH	16
struct jw {				/* one JSON value, commas placed */
	FILE	*fp;
	int	 d, inkey;
	int	 n[JW_DEPTH];
};
void	 jw_init(struct jw *, FILE *);
void	 jw_obj(struct jw *);
void	 jw_arr(struct jw *);
void	 jw_end(struct jw *, int);	/* '}' or ']'; newline at depth 0 */
void	 jw_key(struct jw *, const char *);
void	 jw_str(struct jw *, const char *);	/* NULL: null */
void	 jw_strn(struct jw *, const char *, size_t);
void	 jw_int(struct jw *, long long);
void	 jw_uint(struct jw *, unsigned long long);
void	 jw_double(struct jw *, double);
void	 jw_bool(struct jw *, int);
void	 jw_null(struct jw *);

/* ---- kv.c: stat and info (text or --json), times, names ----------------- */

struct kv {
	int		 json;
	struct jw	 jw;
};
void	 kv_begin(struct kv *, int);	/* json; on stdout */
void	 kv_end(struct kv *);
void	 kv_str(struct kv *, const char *, const char *);	/* NULL: - */
void	 kv_strn(struct kv *, const char *, const char *, size_t);
void	 kv_num(struct kv *, const char *, long long);
void	 kv_bool(struct kv *, const char *, int);
void	 kv_null(struct kv *, const char *);
void	 kv_key(struct kv *, const char *, key_t);	/* "0x%08x" */
void	 kv_mode(struct kv *, const char *, mode_t);	/* "0600" */
void	 kv_time(struct kv *, const char *, time_t);	/* 0: never */
void	 kv_id(struct kv *, const char *, const char *, unsigned, int);
const char *user_name(uid_t, char *, size_t);
const char *group_name(gid_t, char *, size_t);
const char *fmt_time(char *, size_t, time_t);	/* ISO 8601, +hh:mm */
const char *fmt_vis(char *, size_t, const char *, size_t);	/* 4n+1 */

/* ---- path.c: FIFOs and socket files, safely ---------------------------- */

const char *ftype_name(mode_t);		/* "regular file", "FIFO", ... */
int	 path_mkfifo(const char *, mode_t);	/* exactly mode */
/* unlink only a node of that type (S_IFIFO, ...; 0 any) and, if ino is
 * not 0, that very node; -1 errno: ENOENT, ESTALE (another node has the
 * name), EINVAL (another type: in *found) */
int	 path_unlink_if(const char *, mode_t, dev_t, ino_t, mode_t *);
int	 path_publish(const char *, const char *);	/* EEXIST: never replaces */

/* ---- bench.c: ipckit bench --------------------------------------------- */

int	 ipckit_bench(int, char *[]);	/* the verb */
#define IPCKIT_BENCH_ARGS "[--quick | --full] [--json] [--plot FILE.png] " \
			"[--tools]"

/* ---- ipcmap.c: ipckit who and map (ipckit(1)) -------------------------- */

int	 ipckit_who(int, char *[]);	/* the verbs */
int	 ipckit_map(int, char *[]);
#define IPCKIT_WHO_ARGS "[--sysv [--proj N]] [--noheadings] [--raw] " \
			"[--json] [-v] OBJECT..."
struct fifo_holders {
	int		 readers;	/* processes with a read end */
	int		 writers;	/* processes with a write end */
	int		 partial;	/* some processes could not be seen */
	pid_t		 pid;		/* one holder, and its descriptor */
	int		 fd;
};
void	 fifo_holders(dev_t, ino_t, struct fifo_holders *);
#define IPCKIT_MAP_ARGS "[--json | --dot] [--depth N] [-v] [PID...]"

/* ---- signame.c: signal names and numbers -------------------------------- */

#define SIGNAME_MAX	16		/* "SIGRTMAX-14" and more, with NUL */
int	 parse_signal(const char *);	/* 1..SIGRTMAX, or -1 EINVAL */
int	 esignal(const char *);		/* the same, or exit 2 */
int	 signo_valid(int);		/* 1: a named signal */
/* "SIGUSR1", "SIGRTMIN+3", "SIGRTMAX-2" (kill -L), "SIG32" unnamed */
const char *signame(int, char *, size_t);

/* ---- sockaddr.c: socket addresses, for ipc-sock ------------------------ */

struct addrinfo;
struct sockaddr;
struct sockaddr_un;

#define SA_UNIX		1	/* /path, ./path, ../path, unix:PATH */
#define SA_ABSTRACT	2	/* @name: Linux abstract namespace */
#define SA_TCP		3	/* tcp:HOST:PORT, tcp:[V6]:PORT */
#define SA_FD		4	/* fd:N, an inherited socket (passive) */
#define SA_SYSTEMD	5	/* systemd: LISTEN_FDS/LISTEN_PID (passive) */

#define SA_PASSIVE	0x1	/* the side that binds: fd:N, systemd, any
				 * host (tcp::PORT, tcp:*:PORT), port 0 */
#define SA_PATHMAX	107	/* bytes of a path or name in sun_path */
#define SA_HOSTMAX	255
#define SA_PORTMAX	32

struct sockspec {
	int		 kind;		/* SA_* */
	char		 path[SA_PATHMAX + 1];	/* UNIX path, abstract name */
	size_t		 len;		/* its length (no NUL counted) */
	char		 host[SA_HOSTMAX + 1];	/* TCP, no brackets; "": any */
	char		 port[SA_PORTMAX + 1];	/* number or service name */
	int		 numhost;	/* host is a numeric address */
	int		 fd;		/* SA_FD */
};

/*
 * Syntax only (no name lookup, no system call): 0, or -1 with errno
 * EINVAL (malformed) or ENAMETOOLONG (a path of SA_PATHMAX + 1 bytes or
 * more: refused, never truncated), and why says what is wrong.
 */
int	 sockspec_parse(const char *, int, struct sockspec *, char *, size_t);
/* UNIX and abstract: fill *un, return the address length (an abstract
 * name's length exactly, no NUL padding); -1 EINVAL for other kinds */
int	 sockspec_un(const struct sockspec *, struct sockaddr_un *);
/* TCP: getaddrinfo(3) for SOCK_STREAM (passive with SA_PASSIVE); its
 * return value (0 or EAI_*) */
int	 sockspec_resolve(const struct sockspec *, int, struct addrinfo **);
/* "/path", "@name" (non-printable bytes as \ooo), "127.0.0.1:80",
 * "[::1]:80", "unnamed" */
const char *sockaddr_fmt(const struct sockaddr *, size_t, char *, size_t);
/* the numeric address ("::ffff:a.b.c.d" as "a.b.c.d") and port of an
 * AF_INET or AF_INET6 address; -1 EAFNOSUPPORT otherwise */
int	 sockaddr_ipport(const struct sockaddr *, size_t, char *, size_t,
	    unsigned *);

/* ---- ring.c: the stream ring of ipc-shm send and recv ------------------ */

/*
 * One POSIX shared memory object, /dev/shm/NAME.ring: a header page,
 * then the data.  Numbers are in the machine's byte order; head and tail
 * count bytes since the start of the stream, byte i is at data[i % size].
 * Each attached side holds a write lock on its byte of the object (0 the
 * producer, 1 the consumer); byte 2 is locked while a side attaches or
 * detaches.  ipc-shm(1), RING LAYOUT, has the whole protocol.
 */
#define RING_MAGIC	"IPCKRING"	/* 8 bytes, no NUL */
#define RING_VERSION	1
#define RING_HDRSIZE	4096		/* the data starts here */
#define RING_SUFFIX	".ring"
#define RING_DEFSIZE	(1u << 20)
#define RING_MINSIZE	4096u
#define RING_FKEEP	0x1u		/* flags: not removed at the end */
#define RING_LOCKP	0		/* the byte the producer locks */
#define RING_LOCKC	1		/* the consumer's */
#define RING_LOCKX	2		/* held while attaching, detaching */

enum ringstate { RING_NONE, RING_ON, RING_DONE, RING_QUIT };
enum ringside { RING_PRODUCER, RING_CONSUMER };

struct ring_hdr {			/* offset */
	char		 magic[8];	/*   0 RING_MAGIC */
	uint32_t	 version;	/*   8 RING_VERSION */
	uint32_t	 hdrsize;	/*  12 RING_HDRSIZE */
	uint64_t	 size;		/*  16 data bytes, a multiple of 4096 */
	uint32_t	 flags;		/*  24 RING_F* */
	uint32_t	 pad0[9];
	uint64_t	 head;		/*  64 producer: bytes written */
	uint32_t	 pstate;	/*  72 producer: enum ringstate */
	int32_t		 ppid;		/*  76 producer: its pid */
	uint32_t	 pad1[12];
	uint64_t	 tail;		/* 128 consumer: bytes read */
	uint32_t	 cstate;	/* 136 consumer: enum ringstate */
	int32_t		 cpid;		/* 140 consumer: its pid */
	uint32_t	 pad2[12];
	uint32_t	 cwait;		/* 192 futex: 1 the consumer sleeps */
	uint32_t	 pad3[15];
	uint32_t	 pwait;		/* 256 futex: 1 the producer sleeps */
	uint32_t	 pad4[15];
};					/* 320; zeros to RING_HDRSIZE */

/* what ring_check found, copied out of the header */
struct ringinfo {
	uint64_t	 size, head, tail;
	uint32_t	 flags, pstate, cstate;
	int32_t		 ppid, cpid;
};

/*
 * A header read from an object of objsize bytes (len bytes at buf, any
 * alignment, possibly written by anyone): 0 and *ri filled when it is a
 * ring this version can use, else -1 with errno EINVAL and *why saying
 * what is wrong.  ri may be NULL.
 */
int	 ring_check(const void *, size_t, uint64_t, struct ringinfo *,
	    const char **);
const char *ring_statename(uint32_t);	/* "none", "on", "done", "quit" */
/* "NAME" or "/NAME" -> "NAME.ring", the object's file in /dev/shm; -1
 * with errno EINVAL or ENAMETOOLONG */
int	 ring_file(const char *, char *, size_t);

struct ringend {
	int		 fd, dfd;	/* the object; /dev/shm */
	enum ringside	 side;
	struct ring_hdr	*h;
	char		*data;
	uint64_t	 size;		/* data bytes */
	size_t		 maplen;
	uint64_t	 pos;		/* our count: head or tail */
	size_t		 chunk;		/* the largest read(2) or write(2) */
	uint64_t	 lowat;		/* the least room worth a wake-up */
	int		 spin;		/* another CPU may run the peer */
	int		 created, attached, removed;
	dev_t		 dev;
	ino_t		 ino;
	char		 file[256];	/* NAME.ring: NAME_MAX + 1 */
	/* after ring_open, ring_produce, ring_consume */
	pid_t		 peer;		/* the other side's pid, 0 none */
	uint64_t	 left;		/* producer: bytes it did not take */
	int		 err;		/* RS_IOERR: errno */
	char		 why[200];	/* ring_open: what went wrong */
};

#define RING_OKEEP	0x1		/* ring_open: --keep */
#define RING_OSHARE	0x2		/* --mode given: join others' rings */

/* what ended a stream */
enum {
	RS_OK,		/* producer: all delivered; consumer: end of stream */
	RS_GONE,	/* the other side died (its lock went, state on) */
	RS_QUIT,	/* the other side gave up (state quit) */
	RS_TIMEOUT,	/* the other side did not come in time */
	RS_SIG,		/* a terminating signal (gotsig) */
	RS_EPIPE,	/* consumer: stdout was closed */
	RS_IOERR,	/* read(2) or write(2) failed: r->err */
	RS_CORRUPT,	/* the header holds impossible numbers */
};

/* create or join, and attach as side: 0, or -1 errno (EBUSY: that side
 * is taken; EINTR: gotsig) with r->why set where there is more to say */
int	 ring_open(struct ringend *, const char *, enum ringside, uint64_t,
	    mode_t, unsigned);
/* the stream from fd into the ring, or from the ring to fd; ms: how long
 * to wait for the other side to come (-1 forever, 0 not at all) */
int	 ring_produce(struct ringend *, int, long long);
int	 ring_consume(struct ringend *, int, long long);
/* detach with that state (RING_DONE or RING_QUIT); the last side out
 * removes the ring unless RING_FKEEP: 1 removed, 0 not; idempotent */
int	 ring_close(struct ringend *, enum ringstate);

/* ---- frame.c: records in, records out ---------------------------------- */

#define REC_RAW		(-1)		/* sep value for --raw chunks */
#define REC_HARDMAX	(64u << 20)	/* longest record we will buffer */

struct recin {
	int		 fd;
	int		 sep;		/* '\n', '\0' or REC_RAW */
	size_t		 chunk;		/* REC_RAW: largest chunk */
	char		*buf;
	size_t		 cap, start, end;
	int		 eof;
	uint64_t	 nrec;
};
void	 recin_init(struct recin *, int, int, size_t);
void	 recin_free(struct recin *);
/* next record: *p points into the reader's buffer, valid until the next
 * call; returns its length (without separator), 0..., or -1 at EOF
 * (errno 0) or on error (errno set; E2BIG: over REC_HARDMAX) */
ssize_t	 recin_next(struct recin *, char **);

struct recout {
	int		 fd;
	char		*buf;
	size_t		 cap, len;
};
void	 recout_init(struct recout *, int, size_t);
void	 recout_free(struct recout *);
/* append a record (+ separator unless sep is REC_RAW); -1 on error */
int	 recout_put(struct recout *, const void *, size_t, int);
int	 recout_flush(struct recout *);

/* ---- name.c: POSIX object names and SysV keys -------------------------- */

/* "NAME" or "/NAME" -> "/NAME" in out (NAME_MAX + 2 bytes); -1 with
 * errno EINVAL (empty, "/" inside) or ENAMETOOLONG */
int	 posix_name(const char *, char *, size_t);
void	 eposix_name(const char *, char *, size_t);	/* exit 2 */

struct sysvref {
	key_t		 key;		/* IPC_PRIVATE when given as id:N */
	int		 id;		/* -1 unless given as id:N */
	int		 fromftok;	/* key came from a path through ftok */
};
/* "0x1a2b", "6699", "0777" (as ipcrm reads), "id:N", or an existing path
 * (ftok with proj); -1 with errno EINVAL for a malformed operand, or the
 * errno of ftok(3) for a path that cannot be used */
int	 sysv_ref(const char *, int, struct sysvref *);
void	 esysv_ref(const char *, int, struct sysvref *);	/* exit 2 or 1 */

/* ---- ls / rm / limits for mq, shm and sem (ipckit(7)) ------------------ */

/*
 * IPC_ANY: every kind at once, for the ipckit command: ls and limits
 * gain a TYPE column (mq, shm, sem; ring for an ipc-shm stream ring),
 * rm --all removes from every kind, and all three take --type LIST (mq,
 * shm, sem, ring) to choose kinds.  rm OPERAND removes the object of
 * whichever kind has it; a name or key that several kinds have is
 * refused (choose with --type), and then nothing is removed.
 */
enum ipckind { IPC_MQ, IPC_SHM, IPC_SEM, IPC_ANY };

/* the verb functions, to be called from a tool's verb table; VERB --help
 * and ls -o help are answered here, with the options (and columns) */
int	 ipcobj_ls(enum ipckind, int, char *[]);
int	 ipcobj_rm(enum ipckind, int, char *[]);
int	 ipcobj_limits(enum ipckind, int, char *[]);
#define IPCOBJ_LS_ARGS	"[--posix | --sysv] [--stale] [--older-than DUR] " \
			"[--owner USER] [-o LIST] [--noheadings] [--raw] " \
			"[-J | --json] [-v]"
#define IPCOBJ_RM_ARGS	"[--posix | --sysv [--proj N]] [--all] [--stale] " \
			"[--older-than DUR] [--owner USER] [--dry-run] [-v] " \
			"[OPERAND...]"
#define IPCOBJ_LIMITS_ARGS "[--posix | --sysv] [--noheadings] [--raw] " \
			"[-J | --json]"
/* the same for IPC_ANY */
#define IPCOBJ_ANY_LS_ARGS	"[--type LIST] " IPCOBJ_LS_ARGS
#define IPCOBJ_ANY_RM_ARGS	"[--type LIST] " IPCOBJ_RM_ARGS
#define IPCOBJ_ANY_LIMITS_ARGS	"[--type LIST] " IPCOBJ_LIMITS_ARGS

#endif /* IPCKIT_H */
