# fish completion for ipc-sem(1)

set -l verbs create wait post get run stat ls rm limits

# existing semaphores: POSIX names (ls shows a byte it cannot print as
# \xHH, and a backslash as \x5c; quotes are made escapes too, so that
# string unescape gives the name back), or SysV keys with --sysv (plus
# files, which --sysv turns into keys through ftok)
function __ipc_sem_names
    if contains -- --sysv (commandline -opc)
        ipc-sem ls --sysv --noheadings -o KEY 2>/dev/null
        __fish_complete_path (commandline -ct)
    else
        ipc-sem ls --posix --noheadings -o NAME 2>/dev/null |
            string replace -a "'" '\x27' | string replace -a '"' '\x22' |
            string unescape | string replace -r '^/' ''
    end
end

# run NAME -- CMD: true once "--" is on the line
function __ipc_sem_after_dashdash
    contains -- -- (commandline -opc)
end

complete -c ipc-sem -f
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a create -d 'Create a semaphore'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a wait -d 'Take one unit'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a post -d 'Give units'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a get -d 'Print the value'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a run -d 'Run a command holding one unit'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a stat -d 'Value, owner, perms, last operator'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a ls -d 'List semaphores'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a rm -d 'Remove semaphores'
complete -c ipc-sem -n "not __fish_seen_subcommand_from $verbs" -a limits -d 'System limits and their use'

# operands: existing semaphores; after run's "--", a command
complete -c ipc-sem -n '__fish_seen_subcommand_from create wait post get run stat rm; and not __ipc_sem_after_dashdash' -a '(__ipc_sem_names)'
complete -c ipc-sem -n '__fish_seen_subcommand_from run; and __ipc_sem_after_dashdash' -a '(__fish_complete_subcommand --fcs-skip=3)'

# every verb
complete -c ipc-sem -n "__fish_seen_subcommand_from $verbs" -s v -l verbose -d 'More on stderr'
complete -c ipc-sem -n "__fish_seen_subcommand_from $verbs" -s q -l quiet -d 'Less on stderr'
complete -c ipc-sem -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'

# flavour and member
complete -c ipc-sem -n "__fish_seen_subcommand_from $verbs" -l sysv -d 'System V sets: the operand is a KEY'
complete -c ipc-sem -n '__fish_seen_subcommand_from create wait post get run stat rm' -l proj -x -d 'ftok project id (1-255)'
complete -c ipc-sem -n '__fish_seen_subcommand_from wait post get run stat' -l index -x -d 'Which semaphore of a System V set'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls rm limits' -l posix -d 'POSIX semaphores only'

# creating
complete -c ipc-sem -n '__fish_seen_subcommand_from wait post run' -s c -l create -d 'Create the semaphore if missing'
complete -c ipc-sem -n '__fish_seen_subcommand_from create wait post run' -l value -x -d 'Initial value (default 1)'
complete -c ipc-sem -n '__fish_seen_subcommand_from create wait post run' -l nsems -x -d 'Semaphores in a new System V set'
complete -c ipc-sem -n '__fish_seen_subcommand_from create wait post run' -s m -l mode -x -a '0600 0640 0660 0666' -d 'Octal permissions (default 0600)'

# waiting and posting
complete -c ipc-sem -n '__fish_seen_subcommand_from wait run' -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Give up after DUR'
complete -c ipc-sem -n '__fish_seen_subcommand_from wait run' -l nowait -d 'Do not wait'
complete -c ipc-sem -n '__fish_seen_subcommand_from post' -s n -l count -x -d 'Give N units'

# stat, ls, rm, limits
complete -c ipc-sem -n '__fish_seen_subcommand_from stat' -l json -d 'One JSON object'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls limits' -s J -l json -d 'JSON output'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls rm' -l stale -d 'Only semaphores nobody uses'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls rm' -l older-than -x -d 'Only semaphores older than DUR'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls rm' -l owner -x -a '(__fish_complete_users)' -d 'Semaphores of USER'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls' -s o -l output -x -a 'FLAVOUR NAME KEY ID OWNER PERMS NSEMS VALUE CTIME USER UID GROUP GID CUSER CUID CGROUP CGID OTIME STALE' -d 'Columns'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls limits' -l noheadings -d 'No header line'
complete -c ipc-sem -n '__fish_seen_subcommand_from ls limits' -l raw -d 'Unaligned output'
complete -c ipc-sem -n '__fish_seen_subcommand_from rm' -l all -d 'Every semaphore the caller owns'
complete -c ipc-sem -n '__fish_seen_subcommand_from rm' -l dry-run -d 'Only print'
