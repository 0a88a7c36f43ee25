// Package shell owns everything `assume` says to a shell: one emitter per
// shell that turns a Script (variables to unset, then variables to set) into
// code that shell runs, the dotenv file of `assume PROFILE --env FILE`
// (Dotenv), the `assume init SHELL` wrapper functions, the `assume
// completion SHELL` scripts (Completion), and the private channel over which
// the binary hands that code to the wrapper.
//
// # The wrapper contract
//
// A user loads the integration once from their rc file (see SetupHint). It
// defines a shell function named assume that runs the real binary with stdin,
// stdout and stderr left exactly as they are, so prompts, pickers, pipes and
// `--exec` children behave as without the function. The function also sets
// EnvShell to its shell's name and one of:
//
//   - EnvOutputFD (bash, zsh, fish): the number of an extra file descriptor,
//     the write end of a pipe into a command substitution of the function;
//   - EnvOutputFile (pwsh, nu): the path of a file that does not exist yet,
//     inside a fresh folder only the user can enter. The binary creates it
//     with mode 0600; the function reads it and removes the folder.
//
// The binary calls OpenFromEnv (or OpenChannel) first thing, writes the
// emitted code to the Channel and exits. The function applies the code only
// when the binary exited 0 and always returns the binary's exit status.
//
// With InitOptions.AutoRefresh (bash, zsh, fish) the script also installs a
// prompt hook that renews the credentials the function exported before
// they expire, by running `assume PROFILE --auto-refresh` (see hook.* in
// init/ and docs/refresh.md).
//
// Nothing here writes to the terminal, and no error message ever contains a
// variable's value: values are credentials.
package shell
