# SPDX-License-Identifier: MIT
# bash completion for moat
_moat()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local sub=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "run policy doctor init types version help --help -h --version -V" -- "$cur"))
        return
    fi
    case "$prev" in
    --policy | --audit | --learn | --manifest | --output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --label | --memory | --cpu | --restart | --var) return ;;
    --template) COMPREPLY=($(compgen -W "vanilla tauri" -- "$cur")); return ;;
    esac
    case "$sub" in
    run)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--policy --label --audit --audit-all --learn --restart --jit
                --memory --cpu --strict --devtools -q --quiet -v --verbose --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -d -- "$cur"))
        fi ;;
    policy)
        if [ "$COMP_CWORD" -eq 2 ]; then
            COMPREPLY=($(compgen -W "check explain schema permissions --help" -- "$cur"))
        elif [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--strict --label --policy --var --output --manifest --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi ;;
    doctor) COMPREPLY=($(compgen -W "--filter --jit --help" -- "$cur")) ;;
    init)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--template --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -d -- "$cur"))
        fi ;;
    types)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--output --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi ;;
    esac
}
complete -F _moat moat
