package shell

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Names of the shells and formats. Shells have an `assume init` wrapper;
// every name here is also a format Emit understands.
const (
	Bash = "bash"
	Zsh  = "zsh"
	Fish = "fish"
	Pwsh = "pwsh" // PowerShell 7
	Nu   = "nu"   // nushell
	// Sh is POSIX sh code for scripts (`--print sh`); it runs in bash, zsh,
	// dash, ksh and busybox sh alike.
	Sh = "sh"
	// JSON is the machine-readable format of `--print json`; see Emit.
	JSON = "json"
)

// Shells returns the shells that have an `assume init` wrapper, in the order
// to show them to users.
func Shells() []string { return []string{Bash, Zsh, Fish, Pwsh, Nu} }

// PrintFormats returns the formats offered by `assume PROFILE --print`.
func PrintFormats() []string { return []string{Sh, Fish, Pwsh, JSON} }

// Formats returns every name Emit accepts, canonical spellings only.
func Formats() []string { return []string{Sh, Bash, Zsh, Fish, Pwsh, Nu, JSON} }

// canonical returns the canonical spelling of a shell or format name, or ""
// when the name is unknown.
func canonical(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n { // the other accepted spellings
	case "powershell":
		return Pwsh
	case "nushell":
		return Nu
	}
	for _, f := range Formats() {
		if n == f {
			return f
		}
	}
	return ""
}

// hasInit reports whether the canonical name has a wrapper.
func hasInit(name string) bool { return slices.Contains(Shells(), name) }

// Detect names the wrapper shell for a shell program path such as $SHELL or
// $0 ("/usr/bin/zsh", "-bash", "pwsh.exe"), or returns "" when the program is
// not one with a wrapper. It is meant for hints, not for choosing code to run.
func Detect(program string) string {
	base := filepath.Base(strings.ReplaceAll(strings.TrimSpace(program), `\`, "/"))
	base = strings.TrimPrefix(base, "-")
	base = strings.TrimSuffix(strings.ToLower(base), ".exe")
	switch base {
	case "pwsh", "powershell", "pwsh-preview":
		return Pwsh
	}
	if c := canonical(base); c != "" && hasInit(c) {
		return c
	}
	return ""
}

// SetupHint returns one line telling the user how to load the wrapper for
// the named shell, for the README and for error hints. For an unknown name it
// returns a line that lists the supported shells.
func SetupHint(shellName string) string {
	switch canonical(shellName) {
	case Bash:
		return `add 'eval "$(assume init bash)"' to ~/.bashrc`
	case Zsh:
		return `add 'eval "$(assume init zsh)"' to ~/.zshrc`
	case Fish:
		return `add 'assume init fish | source' to ~/.config/fish/config.fish`
	case Pwsh:
		return `add 'Invoke-Expression (& assume init pwsh | Out-String)' to your $PROFILE`
	case Nu:
		return `run 'assume init nu | save -f ~/.assume.nu' and add 'source ~/.assume.nu' to your config.nu`
	}
	return "run 'assume init SHELL' from your shell's startup file, SHELL being one of " +
		strings.Join(Shells(), ", ")
}

// UnsupportedError reports a shell or format name that is not supported for
// the requested use.
type UnsupportedError struct {
	Name      string   // the name as given
	Supported []string // the names that would have worked
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("unsupported shell %q (supported: %s)", e.Name, strings.Join(e.Supported, ", "))
}

// InvalidNameError reports a variable name outside ^[A-Za-z_][A-Za-z0-9_]*$.
type InvalidNameError struct {
	Name string
}

func (e *InvalidNameError) Error() string {
	return fmt.Sprintf("invalid environment variable name %q", e.Name)
}

// InvalidValueError reports a value the target shell cannot receive. It
// names the variable and the reason, never the value.
type InvalidValueError struct {
	Name   string // the variable
	Format string // the shell or format it was emitted for
	Reason string // e.g. "contains a NUL byte"
}

func (e *InvalidValueError) Error() string {
	return fmt.Sprintf("value of %s cannot be emitted for %s: %s", e.Name, e.Format, e.Reason)
}
