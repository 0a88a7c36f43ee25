package browser

import (
	"errors"
	"fmt"
	"io"
	"os"
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
// ASSUME_BROWSER names a browser or a command (auto and default do not
// count). ASSUME_BROWSER=none is always false.
func CanOpen(getenv func(string) string) bool { return canOpen(runtime.GOOS, getenv) }

func canOpen(goos string, getenv func(string) string) bool {
	switch b := strings.ToLower(strings.TrimSpace(getenv(EnvBrowser))); b {
	case None:
		return false
	case "", string(KindAuto), string(KindDefault):
		// Not a choice of browser: the usual checks decide.
	default:
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

// New returns the opener ASSUME_BROWSER asks for, for URLs that belong to
// no AWS profile (nothing is isolated): unset, the system launcher; "none",
// nothing (ErrDisabled); a kind name ("chrome", "firefox", ...), that
// browser; else a command template. A malformed template, an unknown
// browser or one that is not installed is an error naming ASSUME_BROWSER.
func New(getenv func(string) string, opts Options) (Opener, error) {
	return newFor(runtime.GOOS, getenv, opts)
}

func newFor(goos string, getenv func(string) string, opts Options) (Opener, error) {
	if opts.LookPath == nil {
		opts.LookPath = exec.LookPath
	}
	tmpl := strings.TrimSpace(getenv(EnvBrowser))
	switch tmpl {
	case "", string(KindDefault):
		return &Command{Args: systemLauncher(goos, opts.LookPath), Debug: opts.Debug,
			Pages: &Pages{Dir: defaultPageDir(goos, getenv)}}, nil
	case None:
		return disabled{}, nil
	}
	env := Env{GOOS: goos, Getenv: getenv, LookPath: opts.LookPath}
	f, err := Resolve(tmpl, env)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvBrowser, err)
	}
	switch f.Kind {
	case KindNone:
		return disabled{}, nil
	case KindDefault:
		return &Command{Args: f.Args, Debug: opts.Debug, Pages: pagesFor(f, env)}, nil
	case KindCustom:
		// No profile here: {profile} becomes empty.
		return &Command{Args: expandProfile(f.Args, ""), Debug: opts.Debug, Pages: pagesFor(f, env)}, nil
	}
	return &Launch{Kind: f.Kind, Path: f.Path, App: f.App, Debug: opts.Debug, Pages: pagesFor(f, env)}, nil
}

// expandProfile replaces {profile} in a template, leaving {url}.
func expandProfile(args []string, profile string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, ProfilePlaceholder, profile)
	}
	return out
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
// where every "{url}" is replaced by the file:// URL of a forwarding page
// (see Pages) that leads to the URL; without a placeholder it is appended
// as the last argument. No shell is involved.
type Command struct {
	Args  []string
	Debug io.Writer // launcher output; nil means /dev/null
	// Pages holds the forwarding pages; nil uses the default folder.
	Pages *Pages
}

// Open starts the launcher and returns without waiting for it.
func (c *Command) Open(url string) error {
	if len(c.Args) == 0 {
		return errors.New("no browser command configured")
	}
	if c.Pages == nil {
		c.Pages = &Pages{Dir: defaultPageDir(runtime.GOOS, os.Getenv)}
	}
	page, err := c.Pages.Write(url)
	if err != nil {
		return err
	}
	return start(Expand(c.Args, page), c.Debug)
}

// Close removes the forwarding pages this Command wrote.
func (c *Command) Close() error { return c.Pages.Close() }

// start runs argv detached and returns at once; debug (if any) gets the
// program's output and a line with its pid.
func start(argv []string, debug io.Writer) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	// Leave stdin nil (/dev/null); stdout and stderr go to /dev/null unless
	// debugging: a launcher's chatter must not land on the user's terminal.
	if debug != nil {
		cmd.Stdout, cmd.Stderr = debug, debug
	}
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the browser: %w", err)
	}
	if debug != nil {
		fmt.Fprintf(debug, "debug: browser: started %s (pid %d)\n", argv[0], cmd.Process.Pid)
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
