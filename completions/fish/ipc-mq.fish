# fish completion for ipc-mq(1)

set -l verbs create send recv stat ls rm limits

# ls --raw writes bytes that would break a field as \xHH: printf %b turns
# them back, so names with blanks or non-ASCII bytes complete whole
function __ipc_mq_queues
    if contains -- --sysv (commandline -opc)
        ipc-mq ls --sysv --noheadings --raw -o KEY 2>/dev/null
        __fish_complete_path (commandline -ct)
    else
        for n in (ipc-mq ls --posix --noheadings --raw -o NAME 2>/dev/null)
            printf '%b\n' $n | string replace -r '^/' ''
        end
    end
end

complete -c ipc-mq -f
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a create -d 'Create a queue'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a send -d 'Each record of stdin becomes one message'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a recv -d 'Messages to stdout, one record each'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a stat -d 'Depth, bytes, limits, owner, mode'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a ls -d 'List queues'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a rm -d 'Remove queues'
complete -c ipc-mq -n "not __fish_seen_subcommand_from $verbs" -a limits -d 'System limits and their use'

# operands: existing queues
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv stat rm' -a '(__ipc_mq_queues)'

# every verb
complete -c ipc-mq -n "__fish_seen_subcommand_from $verbs" -s v -l verbose -d 'More on stderr'
complete -c ipc-mq -n "__fish_seen_subcommand_from $verbs" -s q -l quiet -d 'Less on stderr'
complete -c ipc-mq -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'

# flavour
complete -c ipc-mq -n "__fish_seen_subcommand_from $verbs" -l sysv -d 'System V queues: the operand is a KEY'
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv stat rm' -l proj -x -d 'ftok project id (1-255)'
complete -c ipc-mq -n '__fish_seen_subcommand_from ls rm limits' -l posix -d 'POSIX queues only'

# create and send --create
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv' -l max-msgs -x -d 'Queue depth (POSIX)'
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv' -l msg-size -x -a '64 1K 4K 8K 16K 64K' -d 'Largest message (POSIX)'
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv' -l max-bytes -x -a '1K 4K 16K 64K 1M' -d 'Queue capacity in bytes (System V)'
complete -c ipc-mq -n '__fish_seen_subcommand_from create send recv' -s m -l mode -x -a '0600 0640 0644 0660 0666' -d 'Octal permissions (default 0600)'

# send
complete -c ipc-mq -n '__fish_seen_subcommand_from send' -l priority -x -d 'Message priority 0-32767 (POSIX)'
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv' -l type -x -d 'Message type (System V)'
complete -c ipc-mq -n '__fish_seen_subcommand_from send' -l eof -d 'Send an end-of-stream marker at the end'
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv' -s c -l create -d 'Create the queue if missing'

# send and recv
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv' -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Give up after DUR'
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv' -l nowait -d 'Do not wait'
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv' -s 0 -l null -d 'Records end with NUL'
complete -c ipc-mq -n '__fish_seen_subcommand_from send recv ls' -l raw -d 'Binary-safe chunks / unaligned output'

# recv
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l drain -d 'Take what is queued, stop when empty'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -s n -l count -x -d 'Stop after N messages'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l priority -d 'Show the priority or type with each record'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv stat ls limits' -l json -d 'JSON output'

# ls and rm
complete -c ipc-mq -n '__fish_seen_subcommand_from ls rm' -l stale -d 'Only queues nobody uses'
complete -c ipc-mq -n '__fish_seen_subcommand_from ls rm' -l older-than -x -d 'Only queues older than DUR'
complete -c ipc-mq -n '__fish_seen_subcommand_from ls rm' -l owner -x -a '(__fish_complete_users)' -d 'Queues of USER'
complete -c ipc-mq -n '__fish_seen_subcommand_from ls' -s o -l output -x -a 'FLAVOUR NAME KEY ID OWNER UID PERMS MSGS USEDBYTES MAXMSGS MSGSIZE LSPID LRPID CTIME STALE' -d 'Columns'
complete -c ipc-mq -n '__fish_seen_subcommand_from ls' -l noheadings -d 'No header line'
complete -c ipc-mq -n '__fish_seen_subcommand_from rm' -l all -d 'Every queue the caller owns'
complete -c ipc-mq -n '__fish_seen_subcommand_from rm' -l dry-run -d 'Only print'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l batch -d 'Into a pipe, take as much as it holds'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l exec -x -a '(__fish_complete_command)' -d 'Run a command per message, the record on its stdin'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l jobs -x -d 'With --exec: commands at once'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l max-tries -x -d 'With --exec: runs of a failing message'
complete -c ipc-mq -n '__fish_seen_subcommand_from recv' -l dead-letter -x -a '(__ipc_mq_queues)' -d 'With --exec: where a message then goes'
