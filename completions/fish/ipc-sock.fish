# fish completion for ipc-sock(1)

set -l verbs listen connect send recv

# addresses: socket files (not symlinks) and directories, abstract names
# bound on this machine, and the address kinds
function __ipc_sock_addrs
    set -l cur (commandline -ct)
    # as the command will see it: my\ dir/ is "my dir/"
    set -l plain (string unescape -- $cur 2>/dev/null)
    and set cur $plain
    switch $cur
        case 'unix:*'
            set -l p (string replace -r '^unix:' '' -- $cur)
            for f in $p*
                if test -d $f
                    echo unix:$f/
                else if test -S $f; and not test -L $f
                    echo unix:$f
                end
            end
        case 'tcp:*'
            printf '%s\n' tcp:127.0.0.1: 'tcp:[::1]:' tcp:localhost:
        case '@*'
            awk 'NR > 1 && NF >= 8 {
                for (i = 1; i <= 7; i++) sub(/^[^ ]+ +/, "")
                if (substr($0, 1, 1) == "@") print
            }' /proc/net/unix 2>/dev/null | sort -u
        case '*'
            for f in $cur*
                if test -d $f
                    echo $f/
                else if test -S $f; and not test -L $f
                    echo $f
                end
            end
            printf '%s\n' unix: tcp: @
            if __fish_seen_subcommand_from listen recv
                printf '%s\n' fd: systemd
            end
    end
end

complete -c ipc-sock -f
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -a listen -d 'Accept connections: to stdin/stdout, or a command each'
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -a connect -d 'Connect and relay stdin and stdout both ways'
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -a send -d 'Connect and send stdin'
complete -c ipc-sock -n "not __fish_seen_subcommand_from $verbs" -a recv -d 'Bind and write what arrives to stdout'

# operands
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -a '(__ipc_sock_addrs)'

# every verb
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -s v -l verbose -d 'More on stderr'
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -s q -l quiet -d 'No message for status 124 or a refused peer'
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -s t -l timeout -x -a '250ms 1s 10s 1m' -d 'Give up after DUR'
complete -c ipc-sock -n "__fish_seen_subcommand_from $verbs" -l nowait -d 'Do not wait'

# listen
complete -c ipc-sock -n '__fish_seen_subcommand_from listen' -l keep -d 'Serve connections one after another'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen' -l exec -x -a '(__fish_complete_command)' -d 'Run sh -c CMD per connection'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen' -l max-conns -x -d 'With --exec: at most N at once'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen recv' -s n -l count -x -d 'Stop after N connections or records'

# the listening side
complete -c ipc-sock -n '__fish_seen_subcommand_from listen recv' -l allow-uid -x -a '(__fish_complete_users)' -d 'Only peers with these uids'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen recv' -l allow-gid -x -a '(__fish_complete_groups)' -d 'Only peers in these groups'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen recv' -s m -l mode -x -a '0600 0660 0666' -d 'Octal permissions of the socket file'
complete -c ipc-sock -n '__fish_seen_subcommand_from listen recv' -l ready-fd -x -d 'Write a newline to fd N once accepting'

# connecting
complete -c ipc-sock -n '__fish_seen_subcommand_from connect send' -l retry -d 'Wait for a server that is not up yet'

# records
complete -c ipc-sock -n '__fish_seen_subcommand_from send recv' -l dgram -d 'Datagrams: each record one datagram'
complete -c ipc-sock -n '__fish_seen_subcommand_from send recv' -l seqpacket -d 'Packets: each record one packet'
complete -c ipc-sock -n '__fish_seen_subcommand_from send recv' -s 0 -l null -d 'Records end with NUL'
complete -c ipc-sock -n '__fish_seen_subcommand_from send recv' -l raw -d 'Chunks of stdin, no separator'
