# SPDX-License-Identifier: MIT
# fish completion for moat
complete -c moat -f
complete -c moat -n __fish_use_subcommand -a run -d 'run a bundle in the sandbox'
complete -c moat -n __fish_use_subcommand -a policy -d 'check, explain and describe policies'
complete -c moat -n __fish_use_subcommand -a doctor -d 'which sandbox layers this machine gets'
complete -c moat -n __fish_use_subcommand -a init -d 'write a new bundle'
complete -c moat -n __fish_use_subcommand -a types -d 'TypeScript declarations of typed commands'
complete -c moat -n __fish_use_subcommand -a version -d 'print the version'
complete -c moat -s V -l version -d 'print the version'
complete -c moat -s h -l help -d 'print the usage'
complete -c moat -n '__fish_seen_subcommand_from run' -l policy -r -F
complete -c moat -n '__fish_seen_subcommand_from run' -l label -x
complete -c moat -n '__fish_seen_subcommand_from run' -l audit -r -F
complete -c moat -n '__fish_seen_subcommand_from run' -l audit-all
complete -c moat -n '__fish_seen_subcommand_from run' -l learn -r -F
complete -c moat -n '__fish_seen_subcommand_from run' -l restart -x
complete -c moat -n '__fish_seen_subcommand_from run' -l jit
complete -c moat -n '__fish_seen_subcommand_from run' -l memory -x
complete -c moat -n '__fish_seen_subcommand_from run' -l cpu -x
complete -c moat -n '__fish_seen_subcommand_from run' -l strict
complete -c moat -n '__fish_seen_subcommand_from run' -l devtools -d 'WebKit inspector in webview windows'
complete -c moat -n '__fish_seen_subcommand_from run' -s q -l quiet -d 'only errors'
complete -c moat -n '__fish_seen_subcommand_from run' -s v -l verbose -d 'debug lines too'
complete -c moat -n '__fish_seen_subcommand_from run' -a '(__fish_complete_directories)'
complete -c moat -n '__fish_seen_subcommand_from policy' -a 'check explain schema permissions'
complete -c moat -n '__fish_seen_subcommand_from policy' -l strict -d 'check: unshipped plugins are errors'
complete -c moat -n '__fish_seen_subcommand_from policy' -l label -x
complete -c moat -n '__fish_seen_subcommand_from policy' -l policy -r -F
complete -c moat -n '__fish_seen_subcommand_from policy' -l var -x
complete -c moat -n '__fish_seen_subcommand_from policy' -l output -r -F
complete -c moat -n '__fish_seen_subcommand_from policy' -l manifest -r -F
complete -c moat -n '__fish_seen_subcommand_from doctor' -l filter
complete -c moat -n '__fish_seen_subcommand_from doctor' -l jit
complete -c moat -n '__fish_seen_subcommand_from init' -l template -x -a 'vanilla tauri'
complete -c moat -n '__fish_seen_subcommand_from init' -a '(__fish_complete_directories)'
complete -c moat -n '__fish_seen_subcommand_from types' -l output -r -F
complete -c moat -n '__fish_seen_subcommand_from types' -F
