/*
 * mqpair - the reference for bench/mq.bench: a minimal C line sender and
 * receiver on one message queue, as anyone would write them.
 *
 *   mqpair send posix /NAME <lines    one mq_send per line (getline),
 *   mqpair recv posix /NAME >out      then the end-of-stream marker;
 *   mqpair send sysv KEY <lines       the receiver prints each message
 *   mqpair recv sysv KEY >out         and a newline, until the marker
 *
 * The marker is ipc-mq's ("\0ipckit-eof\n", 12 bytes), so either side can
 * pair with ipc-mq.  The queue must exist (ipc-mq create).
 */
#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include <err.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK	"\0ipckit-eof\n"
#define MARKLEN	12

struct sysvmsg {
	long	mtype;
	char	mtext[1 << 16];
};

int
main(int argc, char *argv[])
{
	static struct sysvmsg m;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int send, sysv, id = -1;
	mqd_t q = (mqd_t)-1;

	if (argc != 4)
		errx(2, "usage: mqpair send|recv posix|sysv NAME|KEY");
	send = strcmp(argv[1], "send") == 0;
	sysv = strcmp(argv[2], "sysv") == 0;
	if (sysv) {
		if ((id = msgget((key_t)strtoul(argv[3], NULL, 0), 0)) == -1)
			err(1, "msgget");
	} else if ((q = mq_open(argv[3], send ? O_WRONLY : O_RDONLY)) ==
	    (mqd_t)-1)
		err(1, "mq_open");
	if (send) {
		while ((n = getline(&line, &cap, stdin)) != -1) {
			if (n > 0 && line[n - 1] == '\n')
				n--;
			if (sysv) {
				m.mtype = 1;
				memcpy(m.mtext, line, (size_t)n);
				if (msgsnd(id, &m, (size_t)n, 0) == -1)
					err(1, "msgsnd");
			} else if (mq_send(q, line, (size_t)n, 0) == -1)
				err(1, "mq_send");
		}
		if (sysv) {
			memcpy(m.mtext, MARK, MARKLEN);
			if (msgsnd(id, &m, MARKLEN, 0) == -1)
				err(1, "msgsnd");
		} else if (mq_send(q, MARK, MARKLEN, 0) == -1)
			err(1, "mq_send");
		return 0;
	}
	for (;;) {
		if (sysv)
			n = msgrcv(id, &m, sizeof(m.mtext), 0, 0);
		else
			n = mq_receive(q, m.mtext, sizeof(m.mtext), NULL);
		if (n == -1)
			err(1, "receive");
		if (n == MARKLEN && memcmp(m.mtext, MARK, MARKLEN) == 0)
			break;
		fwrite(m.mtext, 1, (size_t)n, stdout);
		putchar('\n');
	}
	return fflush(stdout) == EOF;
}
