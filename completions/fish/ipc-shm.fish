# fish completion for ipc-shm(1)

set -l verbs create write read stat send recv ls rm limits

# existing segments, or with --sysv keys and ftok files
function __ipc_shm_segments
    if contains -- --sysv (commandline -opc)
        ipc-shm ls --sysv --noheadings -o KEY 2>/dev/null
        __fish_complete_path (commandline -ct)
    else
        ipc-shm ls --posix --noheadings -o NAME 2>/dev/null | string replace -r '^/' ''
    end
end

# the rings of send and recv, named without their ".ring"
function __ipc_shm_rings
    ipc-shm ls --posix --noheadings -o NAME 2>/dev/null | string match -r '^/.*\.ring$' | string replace -r '^/(.*)\.ring$' '$1'
end

complete -c ipc-shm -f
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a create -d 'Create a segment'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a write -d 'Stdin into a segment, at an offset'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a read -d 'A segment to stdout'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a stat -d 'Size, owner, perms, times, pids'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a send -d 'Stdin into the stream ring NAME.ring'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a recv -d 'The stream ring NAME.ring to stdout'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a ls -d 'List segments'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a rm -d 'Remove segments'
complete -c ipc-shm -n "not __fish_seen_subcommand_from $verbs" -a limits -d 'System limits and their use'

# operands
complete -c ipc-shm -n '__fish_seen_subcommand_from create write read stat rm' -a '(__ipc_shm_segments)'
complete -c ipc-shm -n '__fish_seen_subcommand_from send recv' -a '(__ipc_shm_rings)'

# every verb
complete -c ipc-shm -n "__fish_seen_subcommand_from $verbs" -s v -l verbose -d 'More on stderr'
complete -c ipc-shm -n "__fish_seen_subcommand_from $verbs" -s q -l quiet -d 'Less on stderr'
complete -c ipc-shm -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'

# flavour
complete -c ipc-shm -n '__fish_seen_subcommand_from create write read stat ls rm limits' -l sysv -d 'System V segments: the operand is a KEY'
complete -c ipc-shm -n '__fish_seen_subcommand_from create write read stat rm' -l proj -x -d 'ftok project id (1-255)'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls rm limits' -l posix -d 'POSIX segments only'

# segments
complete -c ipc-shm -n '__fish_seen_subcommand_from create send recv' -l size -x -a '4K 64K 1M 16M 256M 1G' -d 'Segment or ring size'
complete -c ipc-shm -n '__fish_seen_subcommand_from create write send recv' -s m -l mode -x -a '0600 0640 0660 0644 0666' -d 'Octal permissions (default 0600)'
complete -c ipc-shm -n '__fish_seen_subcommand_from write read' -l offset -x -d 'Where to start in the segment'
complete -c ipc-shm -n '__fish_seen_subcommand_from read' -l length -x -d 'How many bytes'
complete -c ipc-shm -n '__fish_seen_subcommand_from write' -s c -l create -d 'Create the segment, of the input size'
complete -c ipc-shm -n '__fish_seen_subcommand_from stat' -l json -d 'JSON output'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls limits' -s J -l json -d 'JSON output'

# send and recv
complete -c ipc-shm -n '__fish_seen_subcommand_from send recv' -l keep -d 'Leave the ring when both sides are done'
complete -c ipc-shm -n '__fish_seen_subcommand_from send recv' -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Wait DUR for the other side'
complete -c ipc-shm -n '__fish_seen_subcommand_from send recv' -l nowait -d 'The other side must be there'

# ls, rm, limits
complete -c ipc-shm -n '__fish_seen_subcommand_from ls rm' -l stale -d 'Only segments nobody uses'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls rm' -l older-than -x -d 'Only segments older than DUR'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls rm' -l owner -x -a '(__fish_complete_users)' -d 'Segments of USER'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls' -s o -l output -x -a 'TYPE FLAVOUR NAME KEY ID OWNER PERMS SIZE NATTCH CPID LPID CTIME USER UID GROUP GID CUSER CUID CGROUP CGID ATTACH DETACH STALE' -d 'Columns'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls limits' -l noheadings -d 'No header line'
complete -c ipc-shm -n '__fish_seen_subcommand_from ls limits' -l raw -d 'Unaligned output'
complete -c ipc-shm -n '__fish_seen_subcommand_from rm' -l all -d 'Every segment the caller owns'
complete -c ipc-shm -n '__fish_seen_subcommand_from rm' -l dry-run -d 'Only print'
