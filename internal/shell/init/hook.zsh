# Auto-refresh (assume init zsh --auto-refresh). Before each prompt, when
# the credentials that this function exported for a profile expire within
# $ASSUME_AUTO_REFRESH_MARGIN seconds (default 300, the cache's margin), it
# runs `assume PROFILE --auto-refresh`: the cache or a new session, never a
# prompt; a failure prints one line, and each set of credentials is tried once.
function __assume_epoch {
  # RFC 3339 UTC time (2006-01-02T15:04:05Z) -> seconds since 1970, in
  # __assume_t, without starting a process.
  emulate -L zsh
  local t=$1
  [[ ${#t} == 20 && $t == <->-<->-<->T<->:<->:<->Z ]] || return 1
  local -i y=${t[1,4]} m=${t[6,7]} d=${t[9,10]}
  if (( m <= 2 )); then (( y -= 1, m += 12 )); fi
  typeset -gi __assume_t=$(( (365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d - 719469) * 86400 \
    + ${t[12,13]}*3600 + ${t[15,16]}*60 + ${t[18,19]} ))
}

function __assume_auto_refresh {
  local __assume_rc=$?
  emulate -L zsh
  local t=${AWS_CREDENTIAL_EXPIRATION-} margin=${ASSUME_AUTO_REFRESH_MARGIN:-300}
  [[ -n ${AWS_PROFILE-} && -n $t && ${__assume_set-} == "$AWS_PROFILE $t" && ${__assume_tried-} != "${AWS_ACCESS_KEY_ID-} $t" ]] || return $__assume_rc
  __assume_epoch $t || return $__assume_rc
  zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null
  local -i now=${EPOCHSECONDS:-$(date +%s)}
  [[ $margin == <-> ]] || margin=300
  if (( __assume_t - now <= margin )); then
    typeset -g __assume_tried="${AWS_ACCESS_KEY_ID-} $t"
    assume "$AWS_PROFILE" --auto-refresh </dev/null
  fi
  return $__assume_rc
}

autoload -Uz add-zsh-hook
add-zsh-hook precmd __assume_auto_refresh
