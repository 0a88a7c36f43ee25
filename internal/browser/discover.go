package browser

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Env is what discovery reads from the machine; every field can be
// replaced, so tests describe a fake Linux, macOS or Windows machine.
// Nil fields get the real thing: Env{} is this machine.
type Env struct {
	// GOOS is the operating system ("linux", "darwin", "windows", ...).
	GOOS string
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Exists reports whether path is an executable file.
	Exists func(path string) bool
	// LookPath finds an executable on PATH.
	LookPath func(file string) (string, error)
	// DefaultBrowser names the system default browser the way the system
	// does: a .desktop file on Linux ("firefox.desktop"), a ProgId on
	// Windows ("ChromeHTML"), a bundle id on macOS ("com.google.chrome");
	// "" when unknown. The real one asks the system with a time bound
	// (DefaultBrowserTimeout).
	DefaultBrowser func() string
}

// DefaultBrowserTimeout bounds the question "which browser is the
// default?" (xdg-settings can be slow on a cold desktop); without an
// answer in time discovery carries on in its own order.
const DefaultBrowserTimeout = 500 * time.Millisecond

func (e Env) norm() Env {
	real := e.GOOS == "" || e.GOOS == runtime.GOOS
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.Exists == nil {
		e.Exists = isExecutable
	}
	if e.LookPath == nil {
		e.LookPath = exec.LookPath
	}
	if e.DefaultBrowser == nil {
		if real {
			goos := e.GOOS
			e.DefaultBrowser = func() string { return systemDefaultBrowser(goos) }
		} else {
			e.DefaultBrowser = func() string { return "" }
		}
	}
	return e
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode()&0o111 != 0
}

// Found is an installed browser and how to start it.
type Found struct {
	Kind Kind
	// Path is the browser's executable (empty for KindDefault, KindCustom
	// and KindNone).
	Path string
	// Args is the command for KindDefault (the system launcher) and the
	// template for KindCustom; the URL is added to it.
	Args []string
	// App is, on macOS, the application bundle; Firefox is started through
	// "open -a App" there, which hands the URL to a running Firefox.
	App string
	// DataRoot, when set, replaces the default DataRoot for this install:
	// snap and flatpak browsers cannot see ~/.local/share, so their
	// profiles live in the folder the sandbox gives them.
	DataRoot string
	// PageDir, when set, is where the forwarding pages (see Pages) go for
	// a sandboxed browser that keeps no profiles of ours (Firefox).
	PageDir string
}

// Preference is the discovery order: the browsers auto picks from, first
// installed first, when the system default is not one of them.
var Preference = []Kind{KindChrome, KindChromium, KindBrave, KindEdge, KindVivaldi, KindFirefox}

// NotFoundError reports a browser that is not installed in any place
// discovery looks.
type NotFoundError struct {
	Kind   Kind
	Looked []string // executables looked for on PATH ("PATH: name") and paths
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("browser %s not found; looked for %s", e.Kind, strings.Join(e.Looked, ", "))
}

// Find locates the browser of a kind. KindAuto asks the system for its
// default browser and takes it when we can isolate it, else the first
// installed browser in Preference order, else the system launcher.
// KindDefault is the system launcher and KindNone needs nothing;
// KindCustom needs a template, so Find refuses it (see Resolve).
func Find(kind Kind, env Env) (Found, error) {
	env = env.norm()
	switch kind {
	case KindAuto:
		return findAuto(env), nil
	case KindDefault:
		return Found{Kind: KindDefault, Args: systemLauncher(env.GOOS, env.LookPath)}, nil
	case KindNone:
		return Found{Kind: KindNone}, nil
	case KindCustom:
		return Found{}, errors.New("browser custom needs a command template, e.g. ASSUME_BROWSER='mybrowser --profile {profile} {url}'")
	}
	if !kind.Chromium() && !kind.Firefox() {
		return Found{}, fmt.Errorf("unknown browser kind %q", kind)
	}
	return findInstalled(kind, env)
}

// Resolve turns a browser setting (ASSUME_BROWSER, a flag or the settings
// file) into a Found: empty means auto; a single word naming a kind is that
// kind ("chrome", "firefox-plain", "none"); anything else is a command
// template (KindCustom) with {url} and {profile} placeholders. A single
// word that is neither a kind nor an installed command but is close to a
// kind is an *UnknownNameError ("frefox": did you mean "firefox"?).
func Resolve(setting string, env Env) (Found, error) {
	env = env.norm()
	s := strings.TrimSpace(setting)
	if s == "" {
		return Find(KindAuto, env)
	}
	args, err := SplitTemplate(s)
	if err != nil {
		return Found{}, err
	}
	if len(args) == 1 && !strings.ContainsAny(args[0], "{}/\\") {
		k, kerr := ParseKind(args[0])
		if kerr == nil {
			return Find(k, env)
		}
		if _, lerr := env.LookPath(args[0]); lerr != nil {
			var u *UnknownNameError
			if errors.As(kerr, &u) && u.Suggestion != "" {
				return Found{}, kerr
			}
		}
	}
	return Found{Kind: KindCustom, Args: args}, nil
}

func findAuto(env Env) Found {
	if k := kindFromDefaultID(env.DefaultBrowser()); k != "" {
		if f, err := findInstalled(k, env); err == nil {
			return f
		}
	}
	for _, k := range Preference {
		if f, err := findInstalled(k, env); err == nil {
			return f
		}
	}
	return Found{Kind: KindDefault, Args: systemLauncher(env.GOOS, env.LookPath)}
}

// kindFromDefaultID maps the system's name for its default browser (a
// .desktop file, a Windows ProgId, a macOS bundle id) to a kind we can
// isolate, or "".
func kindFromDefaultID(id string) Kind {
	id = strings.ToLower(strings.TrimSpace(id))
	switch {
	case id == "":
		return ""
	case strings.Contains(id, "chromium"):
		return KindChromium
	case strings.Contains(id, "firefox"):
		return KindFirefox
	case strings.Contains(id, "brave"):
		return KindBrave
	case strings.Contains(id, "vivaldi"):
		return KindVivaldi
	case strings.Contains(id, "msedge"), strings.Contains(id, "microsoft-edge"), strings.Contains(id, "microsoft.edge"):
		return KindEdge
	case strings.Contains(id, "chrome"):
		return KindChrome
	}
	return ""
}

// unixBrowser says where a browser lives on Linux and the BSDs.
type unixBrowser struct {
	names   []string // executables, looked up on PATH and in unixDirs
	extra   []string // absolute paths of tarball or vendor installs
	snap    string   // snap name, if the browser ships as a snap
	flatpak string   // flatpak application id
}

var unixDirs = []string{"/usr/bin", "/usr/local/bin"}

// The tables below are slices, not maps: a map literal is built by a
// package initialiser at every start of assume, a slice is static data.

var unixBrowsers = []keyed[unixBrowser]{
	{KindChrome, unixBrowser{names: []string{"google-chrome", "google-chrome-stable"}, extra: []string{"/opt/google/chrome/chrome"}, flatpak: "com.google.Chrome"}},
	{KindChromium, unixBrowser{names: []string{"chromium", "chromium-browser"}, snap: "chromium", flatpak: "org.chromium.Chromium"}},
	{KindBrave, unixBrowser{names: []string{"brave-browser", "brave"}, extra: []string{"/opt/brave.com/brave/brave"}, snap: "brave", flatpak: "com.brave.Browser"}},
	{KindEdge, unixBrowser{names: []string{"microsoft-edge", "microsoft-edge-stable"}, extra: []string{"/opt/microsoft/msedge/msedge"}, flatpak: "com.microsoft.Edge"}},
	{KindVivaldi, unixBrowser{names: []string{"vivaldi", "vivaldi-stable"}, extra: []string{"/opt/vivaldi/vivaldi"}, snap: "vivaldi", flatpak: "com.vivaldi.Vivaldi"}},
	{KindFirefox, unixBrowser{names: []string{"firefox"}, extra: []string{"/opt/firefox/firefox"}, snap: "firefox", flatpak: "org.mozilla.firefox"}},
}

// macApps are the application bundles and their executables on macOS.
var macApps = []keyed[[2]string]{
	{KindChrome, [2]string{"Google Chrome.app", "Google Chrome"}},
	{KindChromium, [2]string{"Chromium.app", "Chromium"}},
	{KindBrave, [2]string{"Brave Browser.app", "Brave Browser"}},
	{KindEdge, [2]string{"Microsoft Edge.app", "Microsoft Edge"}},
	{KindVivaldi, [2]string{"Vivaldi.app", "Vivaldi"}},
	{KindFirefox, [2]string{"Firefox.app", "firefox"}},
}

// windowsPaths are the executables below %ProgramFiles%,
// %ProgramFiles(x86)% and %LocalAppData% (per-user installs).
var windowsPaths = []keyed[string]{
	{KindChrome, `Google\Chrome\Application\chrome.exe`},
	{KindChromium, `Chromium\Application\chrome.exe`},
	{KindBrave, `BraveSoftware\Brave-Browser\Application\brave.exe`},
	{KindEdge, `Microsoft\Edge\Application\msedge.exe`},
	{KindVivaldi, `Vivaldi\Application\vivaldi.exe`},
	{KindFirefox, `Mozilla Firefox\firefox.exe`},
}

// findInstalled searches the usual places of one browser kind.
func findInstalled(kind Kind, env Env) (Found, error) {
	base := kind
	if kind == KindFirefoxPlain {
		base = KindFirefox
	}
	var looked []string
	found := func(f Found) (Found, error) {
		f.Kind = kind
		if !kind.Chromium() && f.DataRoot != "" {
			// Only Chromium profiles are folders of ours, but the sandbox
			// folder still takes the forwarding pages.
			f.PageDir = PageDir(f.DataRoot)
			f.DataRoot = ""
		}
		return f, nil
	}
	switch env.GOOS {
	case "windows":
		rel, ok := lookup(windowsPaths, base)
		if !ok {
			break
		}
		for _, v := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			root := env.Getenv(v)
			if root == "" {
				looked = append(looked, `%`+v+`%\`+rel)
				continue
			}
			p := joinPath("windows", root, rel)
			looked = append(looked, p)
			if env.Exists(p) {
				return found(Found{Path: p})
			}
		}
	case "darwin":
		app, ok := lookup(macApps, base)
		if !ok {
			break
		}
		roots := []string{"/Applications"}
		if home := env.Getenv("HOME"); home != "" {
			roots = append(roots, joinPath("darwin", home, "Applications"))
		}
		for _, r := range roots {
			bundle := joinPath("darwin", r, app[0])
			p := joinPath("darwin", bundle, "Contents", "MacOS", app[1])
			looked = append(looked, p)
			if env.Exists(p) {
				return found(Found{Path: p, App: bundle})
			}
		}
	default:
		b, ok := lookup(unixBrowsers, base)
		if !ok {
			break
		}
		home := env.Getenv("HOME")
		// A snap cannot see hidden folders in the home directory, so when
		// the snap is installed (and /usr/bin/chromium-browser may well be
		// its shim) profiles go where the snap can write; that folder works
		// for a non-snap build as well.
		var snapRoot string
		if b.snap != "" && home != "" && env.Exists("/snap/bin/"+b.snap) {
			snapRoot = joinPath(env.GOOS, home, "snap", b.snap, "common", "assume", "browsers")
		}
		for _, n := range b.names {
			looked = append(looked, "PATH: "+n)
			if p, err := env.LookPath(n); err == nil {
				return found(Found{Path: p, DataRoot: snapRoot})
			}
		}
		var paths []string
		for _, n := range b.names {
			for _, d := range unixDirs {
				paths = append(paths, d+"/"+n)
			}
		}
		if b.snap != "" {
			paths = append(paths, "/snap/bin/"+b.snap)
		}
		paths = append(paths, b.extra...)
		for _, p := range paths {
			looked = append(looked, p)
			if env.Exists(p) {
				return found(Found{Path: p, DataRoot: snapRoot})
			}
		}
		if b.flatpak != "" {
			userData := env.Getenv("XDG_DATA_HOME")
			if !strings.HasPrefix(userData, "/") && home != "" {
				userData = joinPath(env.GOOS, home, ".local", "share")
			}
			exports := []string{"/var/lib/flatpak/exports/bin"}
			if userData != "" {
				exports = append(exports, joinPath(env.GOOS, userData, "flatpak", "exports", "bin"))
			}
			for _, dir := range exports {
				p := dir + "/" + b.flatpak
				looked = append(looked, p)
				if env.Exists(p) {
					f := Found{Path: p}
					if home != "" {
						// The sandbox always sees the app's own folder.
						f.DataRoot = joinPath(env.GOOS, home, ".var", "app", b.flatpak, "data", "assume", "browsers")
					}
					return found(f)
				}
			}
		}
	}
	return Found{}, &NotFoundError{Kind: kind, Looked: looked}
}

// DataRoot is the folder holding one browser profile per AWS profile:
// $XDG_DATA_HOME/assume/browsers (default ~/.local/share) on Linux and
// the BSDs, ~/Library/Application Support/assume/browsers on macOS,
// %LocalAppData%\assume\browsers on Windows.
func DataRoot(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return joinPath(goos, d, "assume", "browsers"), nil
		}
		if d := getenv("USERPROFILE"); d != "" {
			return joinPath(goos, d, "AppData", "Local", "assume", "browsers"), nil
		}
		return "", errors.New("finding the browser profiles folder: neither LocalAppData nor USERPROFILE is set")
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return joinPath(goos, h, "Library", "Application Support", "assume", "browsers"), nil
		}
	default:
		// The XDG spec ignores relative values.
		if d := getenv("XDG_DATA_HOME"); strings.HasPrefix(d, "/") {
			return joinPath(goos, d, "assume", "browsers"), nil
		}
		if h := getenv("HOME"); h != "" {
			return joinPath(goos, h, ".local", "share", "assume", "browsers"), nil
		}
	}
	return "", errors.New("finding the browser profiles folder: HOME is not set")
}

// joinPath joins path elements with the separator of goos, so that tests
// on one system can describe another.
func joinPath(goos string, elem ...string) string {
	sep := "/"
	if goos == "windows" {
		sep = `\`
	}
	out := strings.TrimRight(elem[0], `/\`)
	for _, e := range elem[1:] {
		out += sep + strings.Trim(e, `/\`)
	}
	return out
}

// systemDefaultBrowser asks the system for its default browser, within
// DefaultBrowserTimeout.
func systemDefaultBrowser(goos string) string {
	switch goos {
	case "windows":
		return registryDefaultBrowser()
	case "darwin":
		out, err := runBounded("defaults", "read", "com.apple.LaunchServices/com.apple.launchservices.secure", "LSHandlers")
		if err != nil {
			return ""
		}
		return launchServicesHTTPS(out)
	default:
		out, err := runBounded("xdg-settings", "get", "default-web-browser")
		if err != nil {
			return ""
		}
		return strings.TrimSpace(out)
	}
}

// runBounded runs a short query command and returns its stdout.
func runBounded(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultBrowserTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	// A grandchild holding the pipe open must not keep us waiting.
	cmd.WaitDelay = 100 * time.Millisecond
	out, err := cmd.Output()
	return string(out), err
}

// launchServicesHTTPS reads the output of "defaults read
// com.apple.LaunchServices/com.apple.launchservices.secure LSHandlers" (an
// old-style property list: an array of dictionaries) and returns the
// bundle id handling https (or http) URLs.
func launchServicesHTTPS(plist string) string {
	var byScheme = map[string]string{}
	depth := 0
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(plist))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasSuffix(line, "{") {
			depth++
			if depth == 1 {
				cur = map[string]string{}
			}
			continue
		}
		if strings.HasPrefix(line, "}") {
			if depth == 1 && cur != nil {
				if s := cur["LSHandlerURLScheme"]; s != "" && cur["LSHandlerRoleAll"] != "" {
					byScheme[strings.ToLower(s)] = cur["LSHandlerRoleAll"]
				}
				cur = nil
			}
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth != 1 || cur == nil {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSuffix(line, ";"), "=")
		if !ok {
			continue
		}
		cur[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	if id := byScheme["https"]; id != "" {
		return id
	}
	return byScheme["http"]
}

// keyed is one row of a table by kind.
type keyed[V any] struct {
	kind Kind
	val  V
}

// lookup finds kind's row in a table.
func lookup[V any](table []keyed[V], kind Kind) (V, bool) {
	for _, r := range table {
		if r.kind == kind {
			return r.val, true
		}
	}
	var zero V
	return zero, false
}
