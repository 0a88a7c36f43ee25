package shell

import (
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// initScripts holds the wrapper of each shell. Each has two placeholders:
// @ASSUME_BIN@ (the binary, quoted for that shell) and a line @ASSUME_HOOKS@
// reserved for optional prompt hooks such as a later --auto-refresh.
//
//go:embed init/assume.bash init/assume.zsh init/assume.fish init/assume.ps1 init/assume.nu
var initScripts embed.FS

// initFiles maps each wrapper shell to its embedded script.
var initFiles = map[string]string{
	Bash: "init/assume.bash",
	Zsh:  "init/assume.zsh",
	Fish: "init/assume.fish",
	Pwsh: "init/assume.ps1",
	Nu:   "init/assume.nu",
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
	name := canonical(shellName)
	file, ok := initFiles[name]
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
	script := strings.ReplaceAll(string(text), binPlaceholder, binaryWord(name, binaryPath))
	return strings.Replace(script, hookPlaceholder, "", 1), nil
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
