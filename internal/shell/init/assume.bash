# assume: shell integration for bash.
# Load it from ~/.bashrc with:    eval "$(assume init bash)"
#
# It defines a function `assume` that runs the real binary with stdin, stdout
# and stderr untouched (prompts, pickers, pipes and `--exec` work as without
# it) and gives the binary a private channel, fd 3, for the shell code it wants
# run in this shell. The code is applied only when the binary exits 0; the
# function always returns the binary's exit status.

# An alias named assume (another tool's, say) would shadow the function.
unalias assume 2>/dev/null || true

function assume {
  local __assume_code='' __assume_rc=1 __assume_trap=''
  # In the command substitution, fd 3 becomes its pipe (the channel) and fd 1
  # goes back to the caller's stdout, saved on fd 4 by the group around it.
  # `&& ... || ...` keeps `set -e` from ending the shell on failure.
  # ASSUME_SHELL_PID: $$ is this shell even in the subshell, so that `assume
  # serve` stops when this shell exits (its parent, the subshell, waits for it).
  {
    __assume_code="$(ASSUME_SHELL=bash ASSUME_SHELL_PID=$$ ASSUME_OUTPUT_FD=3 @ASSUME_BIN@ "$@" 3>&1 1>&4 4>&-)" \
      && __assume_rc=0 || __assume_rc=$?
  } 4>&1
  if [ "$__assume_rc" -ne 0 ] || [ -z "$__assume_code" ]; then
    return "$__assume_rc"
  fi
  # Ctrl-C must not leave the environment half changed: ignore SIGINT while
  # applying, then put the caller's INT trap back.
  __assume_trap="$(trap -p INT)"
  trap -- '' INT
  eval "$__assume_code"
  # What this function set, for the auto-refresh hook.
  __assume_set="${AWS_PROFILE-} ${AWS_CREDENTIAL_EXPIRATION-}"
  if [ -n "$__assume_trap" ]; then eval "$__assume_trap"; else trap - INT; fi
  return "$__assume_rc"
}

# Hook point: `assume init bash --auto-refresh` adds a PROMPT_COMMAND hook
# here that renews the credentials before they expire.
@ASSUME_HOOKS@
