package browser

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// machine is a fake computer: an OS, environment variables, the
// executable files that exist and the system's default-browser answer.
type machine struct {
	goos      string
	env       map[string]string
	files     []string
	defaultID string
}

func (m machine) Env() Env {
	sep := ":"
	dirSep := "/"
	if m.goos == "windows" {
		sep, dirSep = ";", `\`
	}
	exists := func(p string) bool { return slices.Contains(m.files, p) }
	return Env{
		GOOS:   m.goos,
		Getenv: func(k string) string { return m.env[k] },
		Exists: exists,
		LookPath: func(name string) (string, error) {
			for _, d := range strings.Split(m.env["PATH"], sep) {
				if d != "" && exists(d+dirSep+name) {
					return d + dirSep + name, nil
				}
			}
			return "", errors.New("executable file not found in $PATH")
		},
		DefaultBrowser: func() string { return m.defaultID },
	}
}

func linuxBox(files ...string) machine {
	return machine{goos: "linux", env: map[string]string{"HOME": "/home/u", "PATH": "/usr/local/bin:/usr/bin:/bin"}, files: files}
}

func TestFind(t *testing.T) {
	darwin := func(files ...string) machine {
		return machine{goos: "darwin", env: map[string]string{"HOME": "/Users/u", "PATH": "/usr/bin:/bin"}, files: files}
	}
	windows := func(files ...string) machine {
		return machine{goos: "windows", env: map[string]string{
			"ProgramFiles":      `C:\Program Files`,
			"ProgramFiles(x86)": `C:\Program Files (x86)`,
			"LocalAppData":      `C:\Users\u\AppData\Local`,
		}, files: files}
	}
	tests := []struct {
		name string
		m    machine
		kind Kind
		want Found
	}{
		{"linux chrome on PATH", linuxBox("/usr/bin/google-chrome-stable", "/usr/bin/google-chrome"), KindChrome,
			Found{Kind: KindChrome, Path: "/usr/bin/google-chrome"}},
		{"linux chrome stable only", linuxBox("/usr/bin/google-chrome-stable"), KindChrome,
			Found{Kind: KindChrome, Path: "/usr/bin/google-chrome-stable"}},
		{"linux chrome outside PATH", machine{goos: "linux", env: map[string]string{"HOME": "/home/u"}, files: []string{"/opt/google/chrome/chrome"}}, KindChrome,
			Found{Kind: KindChrome, Path: "/opt/google/chrome/chrome"}},
		{"linux /usr/bin not on PATH", machine{goos: "linux", env: map[string]string{"HOME": "/home/u", "PATH": "/nix/bin"}, files: []string{"/usr/bin/brave-browser"}}, KindBrave,
			Found{Kind: KindBrave, Path: "/usr/bin/brave-browser"}},
		{"linux chromium deb shim of the snap", linuxBox("/usr/bin/chromium-browser", "/snap/bin/chromium"), KindChromium,
			Found{Kind: KindChromium, Path: "/usr/bin/chromium-browser", DataRoot: "/home/u/snap/chromium/common/assume/browsers"}},
		{"linux chromium snap only", linuxBox("/snap/bin/chromium"), KindChromium,
			Found{Kind: KindChromium, Path: "/snap/bin/chromium", DataRoot: "/home/u/snap/chromium/common/assume/browsers"}},
		{"linux brave flatpak system", linuxBox("/var/lib/flatpak/exports/bin/com.brave.Browser"), KindBrave,
			Found{Kind: KindBrave, Path: "/var/lib/flatpak/exports/bin/com.brave.Browser", DataRoot: "/home/u/.var/app/com.brave.Browser/data/assume/browsers"}},
		{"linux edge flatpak user", linuxBox("/home/u/.local/share/flatpak/exports/bin/com.microsoft.Edge"), KindEdge,
			Found{Kind: KindEdge, Path: "/home/u/.local/share/flatpak/exports/bin/com.microsoft.Edge", DataRoot: "/home/u/.var/app/com.microsoft.Edge/data/assume/browsers"}},
		{"linux flatpak under XDG_DATA_HOME", machine{goos: "linux", env: map[string]string{"HOME": "/home/u", "XDG_DATA_HOME": "/data"}, files: []string{"/data/flatpak/exports/bin/com.vivaldi.Vivaldi"}}, KindVivaldi,
			Found{Kind: KindVivaldi, Path: "/data/flatpak/exports/bin/com.vivaldi.Vivaldi", DataRoot: "/home/u/.var/app/com.vivaldi.Vivaldi/data/assume/browsers"}},
		{"linux firefox snap keeps no data root", linuxBox("/usr/bin/firefox", "/snap/bin/firefox"), KindFirefox,
			Found{Kind: KindFirefox, Path: "/usr/bin/firefox"}},
		{"linux firefox-plain", linuxBox("/usr/local/bin/firefox"), KindFirefoxPlain,
			Found{Kind: KindFirefoxPlain, Path: "/usr/local/bin/firefox"}},
		{"freebsd like linux", machine{goos: "freebsd", env: map[string]string{"PATH": "/usr/local/bin"}, files: []string{"/usr/local/bin/firefox"}}, KindFirefox,
			Found{Kind: KindFirefox, Path: "/usr/local/bin/firefox"}},
		{"darwin chrome", darwin("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"), KindChrome,
			Found{Kind: KindChrome, Path: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", App: "/Applications/Google Chrome.app"}},
		{"darwin brave in ~/Applications", darwin("/Users/u/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"), KindBrave,
			Found{Kind: KindBrave, Path: "/Users/u/Applications/Brave Browser.app/Contents/MacOS/Brave Browser", App: "/Users/u/Applications/Brave Browser.app"}},
		{"darwin edge", darwin("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"), KindEdge,
			Found{Kind: KindEdge, Path: "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge", App: "/Applications/Microsoft Edge.app"}},
		{"darwin firefox", darwin("/Applications/Firefox.app/Contents/MacOS/firefox"), KindFirefox,
			Found{Kind: KindFirefox, Path: "/Applications/Firefox.app/Contents/MacOS/firefox", App: "/Applications/Firefox.app"}},
		{"windows chrome", windows(`C:\Program Files\Google\Chrome\Application\chrome.exe`), KindChrome,
			Found{Kind: KindChrome, Path: `C:\Program Files\Google\Chrome\Application\chrome.exe`}},
		{"windows edge x86", windows(`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`), KindEdge,
			Found{Kind: KindEdge, Path: `C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`}},
		{"windows chromium per user", windows(`C:\Users\u\AppData\Local\Chromium\Application\chrome.exe`), KindChromium,
			Found{Kind: KindChromium, Path: `C:\Users\u\AppData\Local\Chromium\Application\chrome.exe`}},
		{"windows brave", windows(`C:\Program Files\BraveSoftware\Brave-Browser\Application\brave.exe`), KindBrave,
			Found{Kind: KindBrave, Path: `C:\Program Files\BraveSoftware\Brave-Browser\Application\brave.exe`}},
		{"windows vivaldi per user", windows(`C:\Users\u\AppData\Local\Vivaldi\Application\vivaldi.exe`), KindVivaldi,
			Found{Kind: KindVivaldi, Path: `C:\Users\u\AppData\Local\Vivaldi\Application\vivaldi.exe`}},
		{"windows firefox", windows(`C:\Program Files\Mozilla Firefox\firefox.exe`), KindFirefoxPlain,
			Found{Kind: KindFirefoxPlain, Path: `C:\Program Files\Mozilla Firefox\firefox.exe`}},
		{"default launcher", linuxBox("/usr/bin/xdg-open"), KindDefault,
			Found{Kind: KindDefault, Args: []string{"xdg-open"}}},
		{"none", linuxBox(), KindNone, Found{Kind: KindNone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.kind, tt.m.Env())
			if err != nil {
				t.Fatal(err)
			}
			if !foundEqual(got, tt.want) {
				t.Errorf("Find(%s) = %+v, want %+v", tt.kind, got, tt.want)
			}
		})
	}
}

func foundEqual(a, b Found) bool {
	return a.Kind == b.Kind && a.Path == b.Path && a.App == b.App && a.DataRoot == b.DataRoot && slices.Equal(a.Args, b.Args)
}

func TestFindNotFound(t *testing.T) {
	tests := []struct {
		m     machine
		kind  Kind
		looks []string
	}{
		{linuxBox(), KindChrome, []string{"PATH: google-chrome", "PATH: google-chrome-stable", "/usr/bin/google-chrome", "/opt/google/chrome/chrome", "/var/lib/flatpak/exports/bin/com.google.Chrome", "/home/u/.local/share/flatpak/exports/bin/com.google.Chrome"}},
		{linuxBox(), KindChromium, []string{"/snap/bin/chromium"}},
		{machine{goos: "darwin", env: map[string]string{"HOME": "/Users/u"}}, KindVivaldi, []string{"/Applications/Vivaldi.app/Contents/MacOS/Vivaldi", "/Users/u/Applications/Vivaldi.app/Contents/MacOS/Vivaldi"}},
		{machine{goos: "windows", env: map[string]string{"ProgramFiles": `C:\Program Files`}}, KindFirefox, []string{`C:\Program Files\Mozilla Firefox\firefox.exe`, `%LocalAppData%\Mozilla Firefox\firefox.exe`}},
	}
	for _, tt := range tests {
		_, err := Find(tt.kind, tt.m.Env())
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("%s/%s: error %v, want *NotFoundError", tt.m.goos, tt.kind, err)
			continue
		}
		for _, l := range tt.looks {
			if !slices.Contains(nf.Looked, l) || !strings.Contains(err.Error(), l) {
				t.Errorf("%s/%s: error %q does not say it looked at %q", tt.m.goos, tt.kind, err, l)
			}
		}
	}
	if _, err := Find(KindCustom, linuxBox().Env()); err == nil || !strings.Contains(err.Error(), "template") {
		t.Errorf("Find(custom) = %v, want an error asking for a template", err)
	}
	if _, err := Find("netscape", linuxBox().Env()); err == nil {
		t.Error("Find(netscape): no error")
	}
}

func TestFindAuto(t *testing.T) {
	with := func(id string, files ...string) machine {
		m := linuxBox(files...)
		m.defaultID = id
		return m
	}
	tests := []struct {
		name     string
		m        machine
		wantKind Kind
		wantPath string
	}{
		{"default is firefox", with("firefox.desktop", "/usr/bin/google-chrome", "/usr/bin/firefox"), KindFirefox, "/usr/bin/firefox"},
		{"default is the firefox snap", with("firefox_firefox.desktop", "/usr/bin/google-chrome", "/snap/bin/firefox"), KindFirefox, "/snap/bin/firefox"},
		{"default is brave", with("brave-browser.desktop", "/usr/bin/google-chrome", "/usr/bin/brave-browser"), KindBrave, "/usr/bin/brave-browser"},
		{"default cannot be isolated", with("org.gnome.Epiphany.desktop", "/usr/bin/firefox", "/usr/bin/chromium"), KindChromium, "/usr/bin/chromium"},
		{"default not installed where we look", with("google-chrome.desktop", "/usr/bin/firefox"), KindFirefox, "/usr/bin/firefox"},
		{"no answer", with("", "/usr/bin/microsoft-edge", "/usr/bin/firefox"), KindEdge, "/usr/bin/microsoft-edge"},
		{"nothing isolatable", with("", "/usr/bin/xdg-open"), KindDefault, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(KindAuto, tt.m.Env())
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.wantKind || got.Path != tt.wantPath {
				t.Errorf("auto = %s %q, want %s %q", got.Kind, got.Path, tt.wantKind, tt.wantPath)
			}
			if got.Kind == KindDefault && !slices.Equal(got.Args, []string{"xdg-open"}) {
				t.Errorf("auto fell back to %q, want xdg-open", got.Args)
			}
		})
	}
}

func TestKindFromDefaultID(t *testing.T) {
	tests := map[string]Kind{
		"google-chrome.desktop":                KindChrome,
		"com.google.Chrome.desktop":            KindChrome,
		"chromium-browser.desktop":             KindChromium,
		"chromium_chromium.desktop":            KindChromium,
		"org.chromium.Chromium.desktop":        KindChromium,
		"brave-browser.desktop":                KindBrave,
		"com.brave.Browser.desktop":            KindBrave,
		"microsoft-edge.desktop":               KindEdge,
		"com.microsoft.Edge.desktop":           KindEdge,
		"vivaldi-stable.desktop":               KindVivaldi,
		"firefox.desktop":                      KindFirefox,
		"org.mozilla.firefox.desktop":          KindFirefox,
		"ChromeHTML":                           KindChrome,
		"MSEdgeHTM":                            KindEdge,
		"BraveHTML":                            KindBrave,
		"FirefoxURL-308046B0AF4A39CB":          KindFirefox,
		"ChromiumHTM.ABCDEF":                   KindChromium,
		"VivaldiHTM.ABC":                       KindVivaldi,
		"com.google.chrome":                    KindChrome,
		"com.microsoft.edgemac":                KindEdge,
		"org.mozilla.firefox":                  KindFirefox,
		"com.apple.safari":                     "",
		"org.gnome.Epiphany.desktop":           "",
		"":                                     "",
		"  firefox.desktop\n":                  KindFirefox,
		"com.brave.Browser.nightly":            KindBrave,
		"com.vivaldi.Vivaldi":                  KindVivaldi,
		"org.chromium.Chromium":                KindChromium,
		"com.operasoftware.Opera":              "",
		"IE.HTTP":                              "",
		"AppXq0fevzme2pys62n3e0fbqa7peapykr8v": "", // old Edge
	}
	for id, want := range tests {
		if got := kindFromDefaultID(id); got != want {
			t.Errorf("kindFromDefaultID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestLaunchServicesHTTPS(t *testing.T) {
	const out = `(
        {
        LSHandlerContentType = "public.html";
        LSHandlerPreferredVersions =         {
            LSHandlerRoleAll = "-";
        };
        LSHandlerRoleAll = "com.apple.safari";
    },
        {
        LSHandlerPreferredVersions =         {
            LSHandlerRoleAll = "-";
        };
        LSHandlerRoleAll = "com.google.chrome";
        LSHandlerURLScheme = https;
    },
        {
        LSHandlerRoleAll = "org.mozilla.firefox";
        LSHandlerURLScheme = http;
    }
)
`
	if got := launchServicesHTTPS(out); got != "com.google.chrome" {
		t.Errorf("https handler = %q, want com.google.chrome", got)
	}
	httpOnly := strings.Replace(out, "https;", "mailto;", 1)
	if got := launchServicesHTTPS(httpOnly); got != "org.mozilla.firefox" {
		t.Errorf("http handler = %q, want org.mozilla.firefox", got)
	}
	if got := launchServicesHTTPS("garbage {{{ ;;"); got != "" {
		t.Errorf("garbage gave %q", got)
	}
}

func TestDataRoot(t *testing.T) {
	tests := []struct {
		goos    string
		env     []string
		want    string
		wantErr bool
	}{
		{"linux", []string{"HOME", "/home/u"}, "/home/u/.local/share/assume/browsers", false},
		{"linux", []string{"HOME", "/home/u", "XDG_DATA_HOME", "/x/data/"}, "/x/data/assume/browsers", false},
		{"linux", []string{"HOME", "/home/u", "XDG_DATA_HOME", "relative"}, "/home/u/.local/share/assume/browsers", false},
		{"openbsd", []string{"HOME", "/home/u"}, "/home/u/.local/share/assume/browsers", false},
		{"linux", nil, "", true},
		{"darwin", []string{"HOME", "/Users/u"}, "/Users/u/Library/Application Support/assume/browsers", false},
		{"darwin", nil, "", true},
		{"windows", []string{"LocalAppData", `C:\Users\u\AppData\Local`}, `C:\Users\u\AppData\Local\assume\browsers`, false},
		{"windows", []string{"USERPROFILE", `C:\Users\u`}, `C:\Users\u\AppData\Local\assume\browsers`, false},
		{"windows", nil, "", true},
	}
	for _, tt := range tests {
		got, err := DataRoot(tt.goos, env(tt.env...))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("DataRoot(%s, %q) = %q, %v; want %q (error %v)", tt.goos, tt.env, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestResolve(t *testing.T) {
	m := linuxBox("/usr/bin/google-chrome", "/usr/bin/firefox", "/usr/bin/xdg-open", "/usr/bin/w3m")
	tests := []struct {
		setting  string
		wantKind Kind
		wantArgs []string
		wantPath string
		wantErr  string
	}{
		{setting: "", wantKind: KindChrome, wantPath: "/usr/bin/google-chrome"},
		{setting: "auto", wantKind: KindChrome, wantPath: "/usr/bin/google-chrome"},
		{setting: " Firefox ", wantKind: KindFirefox, wantPath: "/usr/bin/firefox"},
		{setting: "firefox-plain", wantKind: KindFirefoxPlain, wantPath: "/usr/bin/firefox"},
		{setting: "google-chrome", wantKind: KindChrome, wantPath: "/usr/bin/google-chrome"},
		{setting: "none", wantKind: KindNone},
		{setting: "default", wantKind: KindDefault, wantArgs: []string{"xdg-open"}},
		{setting: "w3m", wantKind: KindCustom, wantArgs: []string{"w3m"}},
		{setting: "/opt/bin/mybrowser", wantKind: KindCustom, wantArgs: []string{"/opt/bin/mybrowser"}},
		{setting: "firefox {url}", wantKind: KindCustom, wantArgs: []string{"firefox", "{url}"}},
		{setting: "firefox -P {profile}", wantKind: KindCustom, wantArgs: []string{"firefox", "-P", "{profile}"}},
		{setting: "frefox", wantErr: `did you mean "firefox"`},
		{setting: "brave", wantErr: "browser brave not found"},
		{setting: "custom", wantErr: "template"},
		{setting: "chrome 'x", wantErr: "unterminated quote"},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.setting, m.Env())
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Resolve(%q) error = %v, want %q", tt.setting, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.setting, err)
			continue
		}
		if got.Kind != tt.wantKind || got.Path != tt.wantPath || !slices.Equal(got.Args, tt.wantArgs) {
			t.Errorf("Resolve(%q) = %+v, want %s %q %q", tt.setting, got, tt.wantKind, tt.wantPath, tt.wantArgs)
		}
	}
}

// TestSystemEnv: the zero Env is this machine's.
func TestSystemEnv(t *testing.T) {
	e := Env{}.norm()
	if e.GOOS == "" || e.Getenv == nil || e.Exists == nil || e.LookPath == nil || e.DefaultBrowser == nil {
		t.Fatalf("Env{}.norm() left fields empty: %+v", e)
	}
	if exe, err := os.Executable(); err == nil && !e.Exists(exe) {
		t.Errorf("Exists(%q) = false for the running test binary", exe)
	}
	if e.Exists(t.TempDir()) {
		t.Error("a directory counts as an executable")
	}
	// A fake OS never asks the real system.
	if got := (Env{GOOS: "plan9"}).norm().DefaultBrowser(); got != "" {
		t.Errorf("fake OS default browser = %q", got)
	}
}
