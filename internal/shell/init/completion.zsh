#compdef assume
# assume completion for zsh. Load it with
#   eval "$(assume completion zsh)"
# in ~/.zshrc after compinit, or save it as _assume in a folder of $fpath.
_assume() {
    local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}" sub=""
    (( CURRENT > 2 )) && sub="${words[2]}"
    local sub2=""
    (( CURRENT > 3 )) && sub2="${words[3]}"
    if (( ${words[(I)--]} > 1 && ${words[(I)--]} < CURRENT )); then
        _files
        return
    fi
    local -a cands
    case "$prev" in
        {{profiles}}) cands=(${(f)"$(command assume __complete profiles 2>/dev/null)"}) ;;
        {{sso-sessions}}) cands=(${(f)"$(command assume __complete sso-sessions 2>/dev/null)"}) ;;
        {{print}}) cands=({{formats}}) ;;
        {{services}}) cands=(${(f)"$(command assume __complete services 2>/dev/null)"}) ;;
        {{files}}) _files; return ;;
        {{none}})
            return 1 ;;
        *)
            if [[ "$cur" == -* ]]; then
                cands=(${(f)"$(command assume __complete flags "$sub" "$sub2" 2>/dev/null)"})
            else
                cands=(${(f)"$(command assume __complete args "$sub" "$sub2" 2>/dev/null)"})
            fi ;;
    esac
    compadd -- "${cands[@]}"
}
if (( $+functions[compdef] )); then
    compdef _assume assume
fi
