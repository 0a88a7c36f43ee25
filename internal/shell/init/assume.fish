# assume: shell integration for fish (3.1 or later).
# Load it from ~/.config/fish/config.fish with:    assume init fish | source
#
# It defines a function `assume` that runs the real binary with stdin, stdout
# and stderr untouched (prompts, pickers, pipes and `--exec` work as without
# it) and gives the binary a private channel, fd 3, for the shell code it wants
# run in this shell. The code is applied only when the binary exits 0; the
# function always returns the binary's exit status.

function assume --description 'Get temporary AWS credentials into this shell'
    set -l __assume_code ''
    set -l __assume_rc 1
    # fish command substitutions do not see outer redirections, so the
    # channel is a pipe into `read` instead: fd 3 of the binary is the pipe,
    # and its fd 1 goes back to the caller's stdout, saved on fd 4 by the
    # block around it.
    begin
        ASSUME_SHELL=fish ASSUME_SHELL_PID=$fish_pid ASSUME_OUTPUT_FD=3 @ASSUME_BIN@ $argv 3>&1 1>&4 4>&- | read -z __assume_code
        set __assume_rc $pipestatus[1]
    end 4>&1
    if test "$__assume_rc" -eq 0; and test -n "$__assume_code"
        # fish cannot ignore SIGINT from a script; the code is a few `set`
        # lines, applied in one eval.
        eval $__assume_code
        # What this function set, for the auto-refresh hook.
        set -g __assume_set "$AWS_PROFILE $AWS_CREDENTIAL_EXPIRATION"
    end
    return $__assume_rc
end

# Hook point: `assume init fish --auto-refresh` adds a fish_prompt event
# handler here that renews the credentials before they expire.
@ASSUME_HOOKS@
