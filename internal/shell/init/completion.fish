# assume completion for fish. Load it with
#   assume completion fish | source
# in ~/.config/fish/config.fish, or save it as ~/.config/fish/completions/assume.fish.
function __assume_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prev $tokens[-1]
    set -l sub ''
    if test (count $tokens) -ge 2
        set sub $tokens[2]
    end
    set -l sub2 ''
    if test (count $tokens) -ge 3
        set sub2 $tokens[3]
    end
    if contains -- -- $tokens[2..-1]
        __fish_complete_path $cur
        return
    end
    switch $prev
        case {{profiles}}
            command assume __complete profiles 2>/dev/null
        case {{sso-sessions}}
            command assume __complete sso-sessions 2>/dev/null
        case {{print}}
            printf '%s\n' {{formats}}
        case {{services}}
            command assume __complete services 2>/dev/null
        case {{files}}
            __fish_complete_path $cur
        case {{none}}
            return
        case '*'
            if string match -q -- '-*' $cur
                command assume __complete flags $sub $sub2 2>/dev/null
            else
                command assume __complete args $sub $sub2 2>/dev/null
            end
    end
end
complete -c assume -e
complete -c assume -f -a '(__assume_complete)'
