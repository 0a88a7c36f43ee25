package shell

import (
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// initScripts holds the wrapper of each shell, its prompt hook and its
// completion script (completion.go). Each wrapper has two placeholders:
// @ASSUME_BIN@ (the binary, quoted for that shell) and a line @ASSUME_HOOKS@
// reserved for optional prompt hooks such as a later --auto-refresh.
//
//go:embed init/assume.bash init/assume.zsh init/assume.fish init/assume.ps1 init/assume.nu
//go:embed init/hook.bash init/hook.zsh init/hook.fish
//go:embed init/completion.bash init/completion.zsh init/completion.fish init/completion.ps1
var initScripts embed.FS

// hookFile is the auto-refresh prompt hook of a shell that has one. (These
// tables are switches, not maps: a map literal is built by a package
// initialiser at every start of assume.)
func hookFile(name string) (string, bool) {
	switch name {
	case Bash, Zsh, Fish:
		return "init/hook." + name, true
	}
	return "", false
}

// InitOptions select the optional parts of the wrapper.
type InitOptions struct {
	// AutoRefresh adds a prompt hook (bash PROMPT_COMMAND, zsh precmd,
	// fish fish_prompt) that, before a prompt, renews the credentials the
	// function exported for a profile when they expire within
	// $ASSUME_AUTO_REFRESH_MARGIN seconds (default 300), by running
	// `assume PROFILE --auto-refresh`. Only for bash, zsh and fish.
	AutoRefresh bool
}

// AutoRefreshShells lists the shells that support InitOptions.AutoRefresh.
func AutoRefreshShells() []string { return []string{Bash, Zsh, Fish} }

// initFile is the embedded wrapper script of a shell.
func initFile(name string) (string, bool) {
	switch name {
	case Bash, Zsh, Fish, Nu:
		return "init/assume." + name, true
	case Pwsh:
		return "init/assume.ps1", true
	}
	return "", false
}

const (
	binPlaceholder  = "@ASSUME_BIN@"
	hookPlaceholder = "@ASSUME_HOOKS@\n"
)

// Init returns the code `assume init SHELL` prints: a function named assume
// that wraps the binary at binaryPath (see the package comment for the
// contract). binaryPath should be absolute, usually SelfPath(); when it is
// empty the function finds the binary through PATH at each call instead,
// skipping shell functions so it cannot call itself.
func Init(shellName, binaryPath string) (string, error) {
	return InitWith(shellName, binaryPath, InitOptions{})
}

// InitWith is Init with optional parts. Asking for a part the shell lacks
// is an *UnsupportedError naming the shells that have it.
func InitWith(shellName, binaryPath string, o InitOptions) (string, error) {
	name := canonical(shellName)
	file, ok := initFile(name)
	if !ok {
		return "", &UnsupportedError{Name: shellName, Supported: Shells()}
	}
	if strings.IndexByte(binaryPath, 0) >= 0 {
		return "", &InvalidValueError{Name: "binary path", Format: name, Reason: "contains a NUL byte"}
	}
	text, err := initScripts.ReadFile(file)
	if err != nil {
		return "", err // unreachable: the files are embedded
	}
	hooks := ""
	if o.AutoRefresh {
		hook, ok := hookFile(name)
		if !ok {
			return "", &UnsupportedError{Name: shellName + " --auto-refresh", Supported: AutoRefreshShells()}
		}
		b, err := initScripts.ReadFile(hook)
		if err != nil {
			return "", err // unreachable: the files are embedded
		}
		hooks = string(b)
	}
	script := strings.ReplaceAll(string(text), binPlaceholder, binaryWord(name, binaryPath))
	return strings.Replace(script, hookPlaceholder, hooks, 1), nil
}

// binaryWord is the code that names the binary in shell name's wrapper.
func binaryWord(name, path string) string {
	switch name {
	case Bash, Zsh:
		if path == "" {
			return "command assume"
		}
		return quotePOSIX(path)
	case Fish:
		if path == "" {
			return "command assume"
		}
		return quoteFish(path)
	case Pwsh:
		if path == "" {
			return "(Get-Command -Name 'assume' -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source"
		}
		return quotePwsh(path)
	case Nu:
		if path == "" {
			return "'assume'" // run-external looks up PATH, never custom commands
		}
		return quoteNu(path)
	}
	return ""
}

// SelfPath returns the path `assume init` should embed for the running
// binary, or "" when it cannot be found (Init then falls back to PATH). When
// the binary is reached through PATH under the same name, the PATH entry is
// preferred over the resolved file: a package manager's symlink such as
// /opt/homebrew/bin/assume survives upgrades, the versioned file behind it
// does not.
func SelfPath() string {
	exe, err := os.Executable()
	if err != nil || exe == "" {
		return ""
	}
	name := strings.TrimSuffix(filepath.Base(exe), ".exe")
	if found, err := exec.LookPath(name); err == nil && filepath.IsAbs(found) && sameFile(found, exe) {
		return found
	}
	return exe
}

// sameFile reports whether both paths name the same file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}
