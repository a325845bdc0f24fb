# fish completion for ipc-fifo(1)

set -l verbs mk send recv rm info

# existing FIFOs (not symlinks, which ipc-fifo refuses), and directories
function __ipc_fifo_fifos
    # the token as typed, quotes and backslashes taken off
    set -l cur (commandline -ct | string unescape)
    for p in $cur*
        if test -d $p
            echo $p/
        else if test -p $p; and not test -L $p
            echo $p
        end
    end
end

complete -c ipc-fifo -f
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -a mk -d 'Create FIFOs, mode 0600 unless --mode'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -a send -d 'Stdin into the FIFO once a reader is there'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -a recv -d 'What writers send, to stdout'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -a rm -d 'Remove FIFOs, nothing else'
complete -c ipc-fifo -n "not __fish_seen_subcommand_from $verbs" -a info -d 'Owner, mode, readers, writers, bytes queued'

# operands: existing FIFOs; mk makes new paths, so directories only
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv rm info' -a '(__ipc_fifo_fifos)'
complete -c ipc-fifo -n '__fish_seen_subcommand_from mk' -a '(__fish_complete_directories)'

# every verb
complete -c ipc-fifo -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-fifo -n '__fish_seen_subcommand_from mk send recv rm' -s v -l verbose -d 'More on stderr'
complete -c ipc-fifo -n '__fish_seen_subcommand_from mk send recv rm' -s q -l quiet -d 'No message for status 124'

# making FIFOs
complete -c ipc-fifo -n '__fish_seen_subcommand_from mk send recv' -s m -l mode -x -a '0600 0620 0640 0660 0666' -d 'Octal permissions of a new FIFO'
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv' -s c -l create -d 'Make the FIFO if it is missing'
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv' -l rm -d 'Remove the FIFO on exit'

# waiting
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv' -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Give up after DUR'
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv' -l nowait -d 'Do not wait'

# records
complete -c ipc-fifo -n '__fish_seen_subcommand_from send' -l atomic -d 'One write of at most PIPE_BUF per record'
complete -c ipc-fifo -n '__fish_seen_subcommand_from send recv' -s 0 -l null -d 'Records end with NUL (--atomic, --count)'
complete -c ipc-fifo -n '__fish_seen_subcommand_from recv' -s n -l count -x -d 'Stop after N records'
complete -c ipc-fifo -n '__fish_seen_subcommand_from recv' -l follow -d 'Keep reading across writers'

# info
complete -c ipc-fifo -n '__fish_seen_subcommand_from info' -l json -d 'One JSON object'
