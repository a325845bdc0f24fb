# fish completion for ipc-sig(1)

set -l verbs send wait recv list info

# signal names as this system numbers them (from "ipc-sig list"); "rt":
# the real-time ones only
function __ipc_sig_signals
    set -l names (ipc-sig list 2>/dev/null | string split \t | string replace -rf '^ *[0-9]+\) SIG' '')
    if test "$argv[1]" = rt
        set names (string match 'RT*' -- $names)
    end
    set -l cur (commandline -ct)
    if string match -qi 'sig*' -- $cur
        printf 'SIG%s\n' $names
    else
        printf '%s\n' $names
    end
end

# the operands typed so far after the verb (options and their arguments
# are not operands)
function __ipc_sig_noperands
    set -l words (commandline -opc)
    set -l n 0
    set -l skip 0
    for w in $words[3..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $w
            case --pidfile --timeout -t --count -n --value --exec --tid
                set skip 1
            case '-*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end

complete -c ipc-sig -f
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -a send -d 'Send a signal through a pidfd, or stream stdin'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -a wait -d 'Wait for signals, one line each'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -a recv -d 'The stream send --stdin sends, to stdout'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -a list -d 'Signal names and numbers'
complete -c ipc-sig -n "not __fish_seen_subcommand_from $verbs" -a info -d 'Pending, blocked, ignored and caught signals of a process'

# operands: signals, then PIDs
complete -c ipc-sig -n '__fish_seen_subcommand_from send; and test (__ipc_sig_noperands) -eq 0' -a '(__ipc_sig_signals)'
complete -c ipc-sig -n '__fish_seen_subcommand_from send; and test (__ipc_sig_noperands) -gt 0' -a '(__fish_complete_pids)'
complete -c ipc-sig -n '__fish_seen_subcommand_from wait list' -a '(__ipc_sig_signals)'
complete -c ipc-sig -n '__fish_seen_subcommand_from recv; and test (__ipc_sig_noperands) -eq 0' -a '(__ipc_sig_signals rt)'
complete -c ipc-sig -n '__fish_seen_subcommand_from info; and test (__ipc_sig_noperands) -eq 0' -a '(__fish_complete_pids)'

# every verb
complete -c ipc-sig -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-sig -n '__fish_seen_subcommand_from send wait recv' -s v -l verbose -d 'More on stderr'
complete -c ipc-sig -n '__fish_seen_subcommand_from send wait recv' -s q -l quiet -d 'No message for status 124'

# send
complete -c ipc-sig -n '__fish_seen_subcommand_from send' -l value -x -d 'Queue the integer N with the signal'
complete -c ipc-sig -n '__fish_seen_subcommand_from send' -l stdin -d 'Stream stdin, one integer per line, to ipc-sig recv'
complete -c ipc-sig -n '__fish_seen_subcommand_from send recv' -l bytes -d 'The stream is bytes, four per signal'
complete -c ipc-sig -n '__fish_seen_subcommand_from send wait recv' -l pidfile -r -F -d 'The PID in FILE (send); write our PID to FILE (wait, recv)'

# waiting
complete -c ipc-sig -n '__fish_seen_subcommand_from send wait recv' -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Give up after DUR'
complete -c ipc-sig -n '__fish_seen_subcommand_from wait recv' -l nowait -d 'Do not wait'
complete -c ipc-sig -n '__fish_seen_subcommand_from wait recv' -s n -l count -x -d 'Stop after N'
complete -c ipc-sig -n '__fish_seen_subcommand_from wait' -l follow -d 'Keep waiting: no count'
complete -c ipc-sig -n '__fish_seen_subcommand_from wait' -l exec -x -a '(__fish_complete_command)' -d 'Run CMD per signal, IPC_SIG_* set'

# output
complete -c ipc-sig -n '__fish_seen_subcommand_from wait list info' -l json -d 'JSON output'
complete -c ipc-sig -n '__fish_seen_subcommand_from info' -l tid -x -d 'The view of thread TID'
