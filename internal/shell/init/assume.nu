# assume: shell integration for nushell (0.98 or later).
# nushell cannot evaluate generated code at startup, so save it once:
#     assume init nu | save -f ~/.assume.nu
# and add to your config.nu:
#     source ~/.assume.nu
#
# It defines a command `assume` that runs the real binary with stdin, stdout
# and stderr untouched and gives it a private channel for the changes it wants
# in this shell: a file it creates (mode 0600) inside a fresh temporary folder
# only you can enter, holding one JSON object {"NAME": "value", "OTHER": null}
# (null: remove the variable). The changes are applied only when the binary
# exits 0; the folder is removed right after, and $env.LAST_EXIT_CODE is the
# binary's status.

def --env --wrapped assume [...args: string] {
    let bin = @ASSUME_BIN@
    # mktemp --directory makes the folder with mode 0700.
    let dir = (mktemp --directory --tmpdir 'assume.XXXXXXXXXX')
    let file = ($dir | path join 'env.json')
    # A failing external raises an error; catch it to keep its exit code.
    # The external is not the last statement of its block, so its stdout is
    # not captured but goes where the caller's goes.
    let rc = (with-env {ASSUME_SHELL: 'nu', ASSUME_SHELL_PID: ($nu.pid | into string), ASSUME_OUTPUT_FILE: $file} {
        try {
            run-external $bin ...$args
            $env.LAST_EXIT_CODE
        } catch {
            $env.LAST_EXIT_CODE
        }
    })
    # A command that exports nothing (ls, --help, serve) leaves the file
    # empty: no changes.
    let text = if $rc == 0 and ($file | path exists) { open --raw $file | decode utf-8 } else { '' }
    let changes = if ($text | str trim | is-empty) { {} } else { $text | from json }
    rm --permanent --recursive --force $dir
    # Unset first (null values), then set the rest.
    let gone = ($changes | columns | where {|name| ($changes | get $name) == null })
    let kept = if ($gone | is-empty) { $changes } else { $changes | reject ...$gone }
    # At the top level of the command: env changes inside an `if` block
    # would not reach the caller.
    hide-env --ignore-errors ...$gone
    load-env $kept
    $env.LAST_EXIT_CODE = $rc
}

# Hook point: `assume init nu --auto-refresh` (not implemented yet) adds a
# pre_prompt hook here that refreshes credentials before they expire.
@ASSUME_HOOKS@
