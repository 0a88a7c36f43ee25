# Auto-refresh (assume init fish --auto-refresh). Before each prompt, when
# the credentials that this function exported for a profile expire within
# $ASSUME_AUTO_REFRESH_MARGIN seconds (default 300, the cache's margin), it
# runs `assume PROFILE --auto-refresh`: the cache or a new session, never a
# prompt; a failure prints one line, and each set of credentials is tried once.
function __assume_epoch --argument-names t
    # RFC 3339 UTC time (2006-01-02T15:04:05Z) -> seconds since 1970.
    string match -qr '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' -- $t; or return 1
    set -l y (string sub -s 1 -l 4 -- $t)
    set -l m (string sub -s 6 -l 2 -- $t)
    set -l d (string sub -s 9 -l 2 -- $t)
    if test $m -le 2
        set y (math $y - 1)
        set m (math $m + 12)
    end
    set -l days (math "365*$y + floor($y/4) - floor($y/100) + floor($y/400) + floor((153*($m-3)+2)/5) + $d - 719469")
    math "$days*86400 + "(string sub -s 12 -l 2 -- $t)"*3600 + "(string sub -s 15 -l 2 -- $t)"*60 + "(string sub -s 18 -l 2 -- $t)
end

function __assume_now
    # Seconds since 1970 without starting a process (fish has no clock
    # builtin): a prompt follows the end of the last command, which is the
    # time fish's history recorded for it plus $CMD_DURATION. Only with no
    # history at all (fish -c, fish_history set empty) does it run date.
    set -l when (builtin history search --show-time='%s ' --max 1 2>/dev/null | string match -rg '^([0-9]+) ')
    if test -n "$when"
        set -l ms 0
        string match -qr '^[0-9]+$' -- "$CMD_DURATION"; and set ms $CMD_DURATION
        math "$when[1] + floor($ms / 1000)"
    else
        date +%s
    end
end

function __assume_auto_refresh --on-event fish_prompt
    set -q AWS_PROFILE[1]; and set -q AWS_CREDENTIAL_EXPIRATION[1]; or return
    set -l t $AWS_CREDENTIAL_EXPIRATION
    test "$__assume_set" = "$AWS_PROFILE $t"; or return
    test "$__assume_tried" != "$AWS_ACCESS_KEY_ID $t"; or return
    set -l exp (__assume_epoch $t); or return
    set -l margin 300
    if set -q ASSUME_AUTO_REFRESH_MARGIN[1]; and string match -qr '^[0-9]+$' -- $ASSUME_AUTO_REFRESH_MARGIN
        set margin $ASSUME_AUTO_REFRESH_MARGIN
    end
    if test (math $exp - (__assume_now)) -le $margin
        set -g __assume_tried "$AWS_ACCESS_KEY_ID $t"
        assume $AWS_PROFILE --auto-refresh </dev/null
    end
end
