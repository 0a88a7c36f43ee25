package browser

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
)

// EnvBrowser names the environment variable holding a command template that
// replaces the system's default browser launcher.
const EnvBrowser = "ASSUME_BROWSER"

// None is the ASSUME_BROWSER value that disables opening: URLs are only
// printed.
const None = "none"

// Placeholder is replaced by the URL in an ASSUME_BROWSER template.
const Placeholder = "{url}"

// ErrDisabled is returned by the opener of ASSUME_BROWSER=none: nothing was
// opened and the caller should make sure the URL is shown.
var ErrDisabled = errors.New("opening a browser is disabled by ASSUME_BROWSER=none")

// Opener opens a URL in a web browser without waiting for the browser.
type Opener interface {
	Open(url string) error
}

// CanOpen reports whether a browser can be shown to the user: false inside
// an SSH session (SSH_CONNECTION or SSH_TTY set) and, on Linux and the BSDs,
// without a display (neither DISPLAY nor WAYLAND_DISPLAY), unless
// ASSUME_BROWSER names a command. ASSUME_BROWSER=none is always false.
func CanOpen(getenv func(string) string) bool { return canOpen(runtime.GOOS, getenv) }

func canOpen(goos string, getenv func(string) string) bool {
	switch b := strings.TrimSpace(getenv(EnvBrowser)); {
	case b == None:
		return false
	case b != "":
		return true
	}
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return false
	}
	switch goos {
	case "windows", "darwin":
		return true
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly", "solaris", "illumos":
		return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
	}
	return false
}

// Options tune New.
type Options struct {
	// Debug receives the launcher's output and a line per launch; nil sends
	// the output to /dev/null.
	Debug io.Writer
	// LookPath finds an executable (default exec.LookPath); tests replace it.
	LookPath func(string) (string, error)
}

// New returns the opener the environment asks for: the ASSUME_BROWSER
// template, nothing for ASSUME_BROWSER=none, else the system launcher.
// A malformed template is an error.
func New(getenv func(string) string, opts Options) (Opener, error) {
	return newFor(runtime.GOOS, getenv, opts)
}

func newFor(goos string, getenv func(string) string, opts Options) (Opener, error) {
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	switch tmpl := strings.TrimSpace(getenv(EnvBrowser)); tmpl {
	case "":
		return &Command{Args: systemLauncher(goos, opts.LookPath), Debug: opts.Debug}, nil
	case None:
		return disabled{}, nil
	default:
		args, err := SplitTemplate(tmpl)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvBrowser, err)
		}
		return &Command{Args: args, Debug: opts.Debug}, nil
	}
}

// systemLauncher is the command that opens a URL with the user's default
// browser; the URL is appended.
func systemLauncher(goos string, lookPath func(string) (string, error)) []string {
	switch goos {
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler"}
	case "darwin":
		return []string{"open"}
	}
	// xdg-open is the freedesktop standard; Debian-style alternatives follow
	// for systems without it.
	for _, c := range []string{"xdg-open", "sensible-browser", "x-www-browser", "www-browser"} {
		if _, err := lookPath(c); err == nil {
			return []string{c}
		}
	}
	return []string{"xdg-open"}
}

type disabled struct{}

func (disabled) Open(string) error { return ErrDisabled }

// Command opens URLs by starting a program: Args[0] with the other Args,
// where every "{url}" is replaced by the URL; without a placeholder the URL
// is appended as the last argument. No shell is involved.
type Command struct {
	Args  []string
	Debug io.Writer // launcher output; nil means /dev/null
}

// Open starts the launcher and returns without waiting for it.
func (c *Command) Open(url string) error {
	if len(c.Args) == 0 {
		return errors.New("no browser command configured")
	}
	argv := Expand(c.Args, url)
	cmd := exec.Command(argv[0], argv[1:]...)
	// Leave stdin nil (/dev/null); stdout and stderr go to /dev/null unless
	// debugging: a launcher's chatter must not land on the user's terminal.
	if c.Debug != nil {
		cmd.Stdout, cmd.Stderr = c.Debug, c.Debug
	}
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the browser: %w", err)
	}
	if c.Debug != nil {
		fmt.Fprintf(c.Debug, "debug: browser: started %s (pid %d)\n", argv[0], cmd.Process.Pid)
	}
	go cmd.Wait() // reap it whenever it exits; nobody waits for the browser
	return nil
}

// Expand builds the argument vector for url from a template.
func Expand(args []string, url string) []string {
	out := make([]string, 0, len(args)+1)
	found := false
	for _, a := range args {
		if strings.Contains(a, Placeholder) {
			found = true
			a = strings.ReplaceAll(a, Placeholder, url)
		}
		out = append(out, a)
	}
	if !found {
		out = append(out, url)
	}
	return out
}

// SplitTemplate splits an ASSUME_BROWSER value into arguments: words are
// separated by blanks; single quotes keep everything literally, double
// quotes keep blanks and allow \" and \\; a backslash outside quotes escapes
// the next character.
func SplitTemplate(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inWord := false
	const (
		plain = iota
		single
		double
	)
	state := plain
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch state {
		case single:
			if ch == '\'' {
				state = plain
			} else {
				cur.WriteByte(ch)
			}
		case double:
			switch {
			case ch == '"':
				state = plain
			case ch == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(ch)
			}
		default:
			switch ch {
			case ' ', '\t', '\n', '\r':
				if inWord {
					args = append(args, cur.String())
					cur.Reset()
					inWord = false
				}
				continue
			case '\'':
				state = single
			case '"':
				state = double
			case '\\':
				if i+1 == len(s) {
					return nil, errors.New("template ends with a lone backslash")
				}
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(ch)
			}
			inWord = true
		}
	}
	if state != plain {
		return nil, errors.New("template has an unterminated quote")
	}
	if inWord {
		args = append(args, cur.String())
	}
	if len(args) == 0 {
		return nil, errors.New("template names no command")
	}
	return args, nil
}
