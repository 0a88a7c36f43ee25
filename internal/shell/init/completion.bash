# assume completion for bash. Load it with
#   eval "$(assume completion bash)"
# in ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/assume.
_assume_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" sub="" i
    (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
    (( COMP_CWORD > 1 )) && sub="${COMP_WORDS[1]}"
    local sub2=""
    (( COMP_CWORD > 2 )) && sub2="${COMP_WORDS[2]}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        if [[ "${COMP_WORDS[i]}" == "--" ]]; then
            compopt -o default 2>/dev/null
            COMPREPLY=()
            return 0
        fi
    done
    local IFS=$'\n' words
    case "$prev" in
        {{profiles}}) words="$(command assume __complete profiles 2>/dev/null)" ;;
        {{sso-sessions}}) words="$(command assume __complete sso-sessions 2>/dev/null)" ;;
        {{print}}) words={{formats}} ;;
        {{services}}) words="$(command assume __complete services 2>/dev/null)" ;;
        {{files}})
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        {{none}})
            COMPREPLY=()
            return 0 ;;
        *)
            if [[ "$cur" == -* ]]; then
                words="$(command assume __complete flags "$sub" "$sub2" 2>/dev/null)"
            else
                words="$(command assume __complete args "$sub" "$sub2" 2>/dev/null)"
            fi ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return 0
}
complete -F _assume_complete assume
