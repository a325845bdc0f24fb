/*
 * ipckit - every IPC object of every kind: one list, one cleanup, the
 * limits of every mechanism, who holds an object and who talks to whom,
 * and the mechanisms measured on this machine.  The verbs are the objects
 * layer's (lib/obj*.c) with every kind at once, lib/ipcmap.c and
 * lib/bench.c.
 */
#include "ipckit.h"

static int
cmd_ls(int argc, char *argv[])
{
	return ipcobj_ls(IPC_ANY, argc, argv);
}

static int
cmd_rm(int argc, char *argv[])
{
	return ipcobj_rm(IPC_ANY, argc, argv);
}

static int
cmd_limits(int argc, char *argv[])
{
	return ipcobj_limits(IPC_ANY, argc, argv);
}

static const struct verb verbs[] = {
	{ "ls", cmd_ls, IPCOBJ_ANY_LS_ARGS,
	    "list queues, segments and semaphores of both flavours", NULL },
	{ "rm", cmd_rm, IPCOBJ_ANY_RM_ARGS,
	    "remove objects of any kind; --all --stale cleans up", NULL },
	{ "limits", cmd_limits, IPCOBJ_ANY_LIMITS_ARGS,
	    "every mechanism's limits and their use", NULL },
	{ "who", ipckit_who, IPCKIT_WHO_ARGS,
	    "the processes that hold an object, and how",
	    "      --noheadings      no header line\n" },
	{ "map", ipckit_map, IPCKIT_MAP_ARGS,
	    "which processes talk to which, and through what",
	    "      --dot             Graphviz DOT, for dot -Tsvg\n"
	    "      --depth N         with PIDs: at most N hops from them\n" },
	{ "bench", ipckit_bench, IPCKIT_BENCH_ARGS,
	    "measure the IPC mechanisms on this machine",
	    "      --quick           about 5 seconds, one round\n"
	    "      --full            larger runs, five rounds\n"
	    "      --plot FILE.png   draw throughput and latency (gnuplot)\n"
	    "      --tools           the ipc-* tools end to end against their "
	    "peers\n" },
	{ NULL, NULL, NULL, NULL, NULL },
};

int
main(int argc, char *argv[])
{
	return verb_main(argc, argv, verbs,
	    "every IPC object of every kind, and which mechanism to use");
}
