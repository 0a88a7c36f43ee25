package browser

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ProfilePlaceholder is replaced by the AWS profile name in a custom
// command template.
const ProfilePlaceholder = "{profile}"

// chromiumFlags follow --user-data-dir: a new browser profile should open
// the URL, not a welcome tour or a "make me your default" bar.
var chromiumFlags = []string{"--no-first-run", "--no-default-browser-check"}

// Launch is a plan to open URLs for one AWS profile in one browser. It is
// an Opener.
//
// Per kind, Argv gives:
//
//	chrome, chromium, brave,   <exe> --user-data-dir=<DataRoot>/<kind>/<SafeName(profile)>
//	edge, vivaldi                    --no-first-run --no-default-browser-check <url>
//	firefox                    <exe> ext+container:name=<profile>&url=<url>&color=<c>&icon=<i>
//	firefox-plain              <exe> --new-tab <url>
//	custom                     the template, {url} and {profile} replaced (url appended without {url})
//	default                    the system launcher and <url>
//	none                       nothing: ErrDisabled
//
// On macOS Firefox is started as "open -a <App> <url>", which hands the URL
// to a running Firefox. Without a Profile nothing is isolated: Chromium
// browsers get the plain URL and Firefox a plain tab.
type Launch struct {
	Kind Kind
	// Path is the browser's executable (Chromium family and Firefox).
	Path string
	// Args is the launcher (KindDefault) or the template (KindCustom).
	Args []string
	// App is the macOS application bundle of Firefox ("open -a").
	App string
	// Profile is the AWS profile the URL belongs to; "" for none.
	Profile string
	// Color is the container colour (one of Colors; "" picks one from the
	// profile name). Only Firefox containers show it.
	Color string
	// Icon is the container icon (one of Icons; "" is DefaultIcon).
	Icon string
	// DataRoot holds the Chromium user data directories, one per kind and
	// profile (see DataRoot).
	DataRoot string
	// Pages holds the forwarding pages Open hands the browser instead of
	// the URL; nil uses the default folder (see PageDir).
	Pages *Pages
	// Debug receives the command line (URL shortened to scheme, host and
	// path) and the launcher's output; nil sends the output to /dev/null.
	Debug io.Writer
}

// NewLaunch plans opening URLs for profile in the browser f. color is the
// profile's color value, checked here so that a typo is reported whatever
// the browser. DataRoot comes from f (sandboxed installs) or from the
// environment.
func NewLaunch(f Found, profile, color string, env Env) (*Launch, error) {
	env = env.norm()
	c, err := ParseColor(color)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", profile, err)
	}
	l := &Launch{Kind: f.Kind, Path: f.Path, Args: f.Args, App: f.App, Profile: profile, Color: c, DataRoot: f.DataRoot}
	if l.DataRoot == "" && f.Kind.Chromium() && profile != "" {
		if l.DataRoot, err = DataRoot(env.GOOS, env.Getenv); err != nil {
			return nil, err
		}
	}
	l.Pages = pagesFor(f, env)
	return l, nil
}

// ProfileDir is the Chromium user data directory of the profile:
// DataRoot/<kind>/<SafeName(Profile)>. It is "" when nothing is isolated.
func (l *Launch) ProfileDir() (string, error) {
	if !l.Kind.Chromium() || l.Profile == "" {
		return "", nil
	}
	if l.DataRoot == "" {
		return "", errors.New("no folder for browser profiles (DataRoot is empty)")
	}
	return filepath.Join(l.DataRoot, string(l.Kind), SafeName(l.Profile)), nil
}

// Argv is the command that opens url. KindNone gives ErrDisabled.
func (l *Launch) Argv(url string) ([]string, error) {
	color, err := ParseColor(l.Color)
	if err != nil {
		return nil, err
	}
	icon, err := ParseIcon(l.Icon)
	if err != nil {
		return nil, err
	}
	switch {
	case l.Kind == KindNone:
		return nil, ErrDisabled
	case l.Kind == KindDefault, l.Kind == KindCustom:
		if len(l.Args) == 0 {
			return nil, fmt.Errorf("browser %s: no command configured", l.Kind)
		}
		return expandTemplate(l.Args, url, l.Profile), nil
	case l.Kind.Chromium():
		if l.Path == "" {
			return nil, fmt.Errorf("browser %s: no executable", l.Kind)
		}
		dir, err := l.ProfileDir()
		if err != nil {
			return nil, err
		}
		if dir == "" {
			return []string{l.Path, url}, nil
		}
		argv := []string{l.Path, "--user-data-dir=" + dir}
		argv = append(argv, chromiumFlags...)
		return append(argv, url), nil
	case l.Kind.Firefox():
		if l.Path == "" && l.App == "" {
			return nil, fmt.Errorf("browser %s: no executable", l.Kind)
		}
		target := url
		if l.Kind == KindFirefox && l.Profile != "" {
			target = ContainerURL(l.Profile, url, color, icon)
		}
		if l.App != "" {
			return []string{"open", "-a", l.App, target}, nil
		}
		if target == url {
			return []string{l.Path, "--new-tab", url}, nil
		}
		return []string{l.Path, target}, nil
	}
	return nil, fmt.Errorf("unknown browser kind %q", l.Kind)
}

// Open starts the browser on url and returns without waiting for it. For a
// Chromium browser it first creates the profile's user data directory
// (0700). KindNone returns ErrDisabled: the caller shows the URL.
//
// The URL itself never reaches the browser's command line: the browser
// gets the file:// URL of a forwarding page (see Pages) that replaces
// itself by the URL, or for a Firefox container by the ext+container URL.
func (l *Launch) Open(url string) error {
	if _, err := l.Argv(url); err != nil {
		return err
	}
	dir, err := l.ProfileDir()
	if err != nil {
		return err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating the browser profile for %q: %w", l.Profile, err)
		}
	}
	page, err := l.pages().Write(l.forwardTarget(url))
	if err != nil {
		return err
	}
	argv, err := l.pageArgv(page)
	if err != nil {
		return err
	}
	if l.Debug != nil {
		fmt.Fprintf(l.Debug, "debug: browser: %s: %s (forwarding to %s)\n", l.Kind, strings.Join(quoteArgs(argv), " "), redactURL(url))
	}
	return start(argv, l.Debug)
}

// forwardTarget is where the forwarding page of url leads: url, or the
// ext+container URL that opens it in the profile's Firefox container.
func (l *Launch) forwardTarget(url string) string {
	if l.Kind == KindFirefox && l.Profile != "" {
		color, _ := ParseColor(l.Color) // checked by Argv
		icon, _ := ParseIcon(l.Icon)
		return ContainerURL(l.Profile, url, color, icon)
	}
	return url
}

// pageArgv is the command opening the forwarding page: the page takes the
// URL's place, and a Firefox container is left to the page to reach.
func (l *Launch) pageArgv(page string) ([]string, error) {
	if l.Kind == KindFirefox && l.Profile != "" {
		plain := *l
		plain.Kind = KindFirefoxPlain
		return plain.Argv(page)
	}
	return l.Argv(page)
}

func (l *Launch) pages() *Pages {
	if l.Pages == nil {
		l.Pages = &Pages{Dir: defaultPageDir(runtime.GOOS, os.Getenv)}
	}
	return l.Pages
}

// Close removes the forwarding pages this Launch wrote; call it once the
// browser has surely read them.
func (l *Launch) Close() error { return l.Pages.Close() }

// pagesFor is where the forwarding pages for the browser f go: next to
// its sandbox folder when it has one, else next to the default DataRoot.
func pagesFor(f Found, env Env) *Pages {
	switch {
	case f.PageDir != "":
		return &Pages{Dir: f.PageDir}
	case f.DataRoot != "":
		return &Pages{Dir: PageDir(f.DataRoot)}
	}
	return &Pages{Dir: defaultPageDir(env.GOOS, env.Getenv)}
}

// expandTemplate replaces {url} and {profile} in one pass, so that a URL
// containing "{profile}" (or a profile containing "{url}") stays as it is;
// without {url} the URL is appended.
func expandTemplate(args []string, url, profile string) []string {
	r := strings.NewReplacer(Placeholder, url, ProfilePlaceholder, profile)
	out := make([]string, 0, len(args)+1)
	found := false
	for _, a := range args {
		if strings.Contains(a, Placeholder) {
			found = true
		}
		out = append(out, r.Replace(a))
	}
	if !found {
		out = append(out, url)
	}
	return out
}

// quoteArgs quotes arguments holding blanks or quotes, for debug output.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

// ForProfile plans opening URLs of an AWS profile: setting is the browser
// the user chose (a flag or the settings file; empty falls back to
// ASSUME_BROWSER and then to auto, see Resolve), color the profile's color
// value. debug, if not nil, receives command lines and browser output.
func ForProfile(setting, profile, color string, env Env, debug io.Writer) (*Launch, error) {
	env = env.norm()
	from := "browser"
	if strings.TrimSpace(setting) == "" {
		setting = env.Getenv(EnvBrowser)
		from = EnvBrowser
	}
	f, err := Resolve(setting, env)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	l, err := NewLaunch(f, profile, color, env)
	if err != nil {
		return nil, err
	}
	l.Debug = debug
	return l, nil
}

// Describe says in a few words where URLs open, for messages such as
// "opened the AWS console (chrome, own browser profile)"; "" for none.
func (l *Launch) Describe() string {
	switch {
	case l.Kind == KindNone:
		return ""
	case l.Kind == KindDefault:
		return "default browser"
	case l.Kind == KindCustom:
		if len(l.Args) == 0 {
			return "custom command"
		}
		return filepath.Base(l.Args[0])
	case l.Kind.Chromium() && l.Profile != "":
		return string(l.Kind) + ", browser profile " + SafeName(l.Profile)
	case l.Kind == KindFirefox && l.Profile != "":
		c := l.Color
		if c == "" {
			c = ProfileColor(l.Profile)
		}
		return fmt.Sprintf("firefox, %s container %q", c, l.Profile)
	case l.Kind == KindFirefoxPlain:
		return "firefox"
	}
	return string(l.Kind)
}
