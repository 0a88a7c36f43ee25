# Auto-refresh (assume init bash --auto-refresh). Before each prompt, when
# the credentials that this function exported for a profile expire within
# $ASSUME_AUTO_REFRESH_MARGIN seconds (default 300, the cache's margin), it
# runs `assume PROFILE --auto-refresh`: the cache or a new session, never a
# prompt; a failure prints one line, and each set of credentials is tried once.
__assume_epoch() {
  # RFC 3339 UTC time (2006-01-02T15:04:05Z) -> seconds since 1970, in
  # __assume_t, without starting a process.
  [[ $1 =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$ ]] || return 1
  local y=$((10#${BASH_REMATCH[1]})) m=$((10#${BASH_REMATCH[2]})) d=$((10#${BASH_REMATCH[3]}))
  if (( m <= 2 )); then (( y -= 1, m += 12 )); fi
  __assume_t=$(( (365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d - 719469) * 86400 \
    + 10#${BASH_REMATCH[4]}*3600 + 10#${BASH_REMATCH[5]}*60 + 10#${BASH_REMATCH[6]} ))
}

__assume_auto_refresh() {
  local __assume_rc=$? __assume_now __assume_margin=${ASSUME_AUTO_REFRESH_MARGIN:-300}
  if [[ -n ${AWS_PROFILE-} && -n ${AWS_CREDENTIAL_EXPIRATION-} \
    && ${__assume_set-} == "$AWS_PROFILE $AWS_CREDENTIAL_EXPIRATION" \
    && ${__assume_tried-} != "${AWS_ACCESS_KEY_ID-} $AWS_CREDENTIAL_EXPIRATION" ]] \
    && __assume_epoch "$AWS_CREDENTIAL_EXPIRATION"; then
    if [[ -n ${EPOCHSECONDS-} ]]; then
      __assume_now=$EPOCHSECONDS
    else
      printf -v __assume_now '%(%s)T' -1 2>/dev/null || __assume_now=$(date +%s)
    fi
    [[ $__assume_margin =~ ^[0-9]+$ ]] || __assume_margin=300
    if (( __assume_t - __assume_now <= __assume_margin )); then
      __assume_tried="${AWS_ACCESS_KEY_ID-} $AWS_CREDENTIAL_EXPIRATION"
      assume "$AWS_PROFILE" --auto-refresh </dev/null
    fi
  fi
  return $__assume_rc
}

if [[ ";${PROMPT_COMMAND-};" != *";__assume_auto_refresh;"* ]]; then
  PROMPT_COMMAND="__assume_auto_refresh${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
