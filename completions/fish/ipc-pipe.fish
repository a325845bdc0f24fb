# fish completion for ipc-pipe(1)

set -l verbs cat tee merge info

complete -c ipc-pipe -f
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -s V -l version -d 'Show version'
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -a cat -d 'Copy stdin to stdout, with splice(2)'
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -a tee -d 'Copy stdin to each CMD and to stdout'
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -a merge -d 'Run the CMDs, their output lines to stdout'
complete -c ipc-pipe -n "not __fish_seen_subcommand_from $verbs" -a info -d 'Describe stdin and stdout'

# every verb
complete -c ipc-pipe -n "__fish_seen_subcommand_from $verbs" -s h -l help -d 'Show usage'
complete -c ipc-pipe -n "__fish_seen_subcommand_from cat tee merge" -s v -l verbose -d 'More on stderr'

# cat
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -s q -l quiet -d 'No warnings'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l pipe-size -x -a '4K 64K 256K 1M 4M' -d 'Capacity of the adjacent pipes'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l progress -d 'Live progress line on stderr (=force: not only on a tty)'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l bar -d 'A bar on the progress line'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l name -x -d 'Start the progress line with NAME:'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -s l -l line-mode -d 'Count lines, not bytes'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l numeric -d 'Integers on stderr: percent or bytes'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l expect -x -a '1M 100M 1G' -d 'Expected size, for percent and ETA'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l interval -x -a '100ms 250ms 1s 5s' -d 'Meter update period'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l stats -d 'One summary line on stderr at the end'
complete -c ipc-pipe -n '__fish_seen_subcommand_from cat' -l rate-limit -x -a '100K 1M 10M 100M' -d 'At most RATE bytes per second'

# tee
complete -c ipc-pipe -n '__fish_seen_subcommand_from tee' -s q -l quiet -d 'Do not copy stdin to stdout'
complete -c ipc-pipe -n '__fish_seen_subcommand_from tee merge' -a '(__fish_complete_command)' -d 'Command line'

# merge
complete -c ipc-pipe -n '__fish_seen_subcommand_from merge' -s q -l quiet -d 'Less on stderr'
complete -c ipc-pipe -n '__fish_seen_subcommand_from merge' -s 0 -l null -d 'Records end with NUL'
complete -c ipc-pipe -n '__fish_seen_subcommand_from merge' -l tag -d 'Prefix each line with its CMD index'

# info
complete -c ipc-pipe -n '__fish_seen_subcommand_from info' -l json -d 'One JSON object'
