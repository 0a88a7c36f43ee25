package browser

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in      string
		want    Kind
		suggest string
	}{
		{"", KindAuto, ""},
		{"chrome", KindChrome, ""},
		{" CHROME ", KindChrome, ""},
		{"Firefox-Plain", KindFirefoxPlain, ""},
		{"msedge", KindEdge, ""},
		{"google-chrome", KindChrome, ""},
		{"brave-browser", KindBrave, ""},
		{"none", KindNone, ""},
		{"frefox", "", "firefox"},
		{"firefxo", "", "firefox"},
		{"chorme", "", "chrome"},
		{"chro", "", "chrome"},
		{"vivladi", "", "vivaldi"},
		{"edeg", "", "edge"},
		{"firefox-plan", "", "firefox-plain"},
		{"nonee", "", "none"},
		{"safari", "", ""},
		{"x", "", ""},
	}
	for _, tt := range tests {
		got, err := ParseKind(tt.in)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseKind(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var u *UnknownNameError
		if !errors.As(err, &u) {
			t.Errorf("ParseKind(%q) error = %v, want *UnknownNameError", tt.in, err)
			continue
		}
		if u.Suggestion != tt.suggest {
			t.Errorf("ParseKind(%q) suggests %q, want %q", tt.in, u.Suggestion, tt.suggest)
		}
		if tt.suggest != "" && !strings.Contains(err.Error(), `did you mean "`+tt.suggest+`"`) {
			t.Errorf("ParseKind(%q) error %q lacks the suggestion", tt.in, err)
		}
		if tt.suggest == "" && !strings.Contains(err.Error(), "firefox-plain") {
			t.Errorf("ParseKind(%q) error %q does not list the kinds", tt.in, err)
		}
	}
	for _, k := range Kinds() {
		if got, err := ParseKind(k); err != nil || string(got) != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
}

func TestParseColorAndIcon(t *testing.T) {
	for _, c := range append(Colors, "", "Red", " blue ") {
		if _, err := ParseColor(c); err != nil {
			t.Errorf("ParseColor(%q): %v", c, err)
		}
	}
	if got, _ := ParseColor(" Purple"); got != "purple" {
		t.Errorf("ParseColor normalises to %q", got)
	}
	tests := []struct{ in, suggest string }{
		{"redd", "red"}, {"grene", "green"}, {"turqoise", "turquoise"}, {"#ff0000", ""}, {"magenta", ""},
	}
	for _, tt := range tests {
		_, err := ParseColor(tt.in)
		var u *UnknownNameError
		if !errors.As(err, &u) || u.Suggestion != tt.suggest || u.What != "container color" {
			t.Errorf("ParseColor(%q) = %v, want suggestion %q", tt.in, err, tt.suggest)
		}
	}
	if _, err := ParseIcon("briefcase"); err != nil {
		t.Error(err)
	}
	if _, err := ParseIcon("brefcase"); err == nil || !strings.Contains(err.Error(), `"briefcase"`) {
		t.Errorf("ParseIcon(brefcase) = %v", err)
	}
}

func TestProfileColor(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range []string{"prod", "dev", "staging", "sandbox", "audit", "log-archive", "security", "network", "shared", "a", "b", "c"} {
		c := ProfileColor(p)
		if c == "toolbar" || !slices.Contains(Colors, c) {
			t.Errorf("ProfileColor(%q) = %q", p, c)
		}
		if ProfileColor(p) != c {
			t.Errorf("ProfileColor(%q) is not stable", p)
		}
		seen[c] = true
	}
	if len(seen) < 3 {
		t.Errorf("12 profiles got only %d colours", len(seen))
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"prod", "prod"},
		{"prod-admin_2", "prod-admin_2"},
		{"Prod", "+prod"},
		{"team/prod", "team~2fprod"},
		{`team\prod`, "team~5cprod"},
		{"a b", "a~20b"},
		{"prod.eu", "prod.eu"},
		{".hidden", "~2ehidden"},
		{"trailing.", "trailing~2e"},
		{".", "~2e"},
		{"..", "~2e~2e"},
		{"...", "~2e.~2e"},
		{"C:", "+c~3a"},
		{"con", "~63on"},
		{"nul.txt", "~6eul.txt"},
		{"com1", "~63om1"},
		{"lpt9.x", "~6cpt9.x"},
		{"console", "console"},
		{"comx", "comx"},
		{"CON", "+c+o+n"},
		{"prød", "pr~c3~b8d"},
		{"日本", "~e6~97~a5~e6~9c~ac"},
		{"a+b~c", "a~2bb~7ec"},
		{"", "+"},
		{"\x00\xff", "~00~ff"},
	}
	for _, tt := range tests {
		got := SafeName(tt.in)
		if got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		back, ok := UnsafeName(got)
		if !ok || back != tt.in {
			t.Errorf("UnsafeName(%q) = %q, %v; want %q", got, back, ok, tt.in)
		}
	}
	// Names that differ only in case, or only in a separator, stay apart.
	groups := [][]string{
		{"prod", "Prod", "PROD", "pRod"},
		{"a/b", `a\b`, "a_b", "a-b", "a b", "a.b", "a~2fb", "a+b"},
		{"con", "CON", "~63on"},
		{strings.Repeat("x", 200), strings.Repeat("x", 199) + "y", strings.Repeat("x", 199) + "X"},
	}
	for _, g := range groups {
		seen := map[string]string{}
		for _, p := range g {
			s := strings.ToLower(SafeName(p))
			if q, dup := seen[s]; dup {
				t.Errorf("profiles %q and %q share the folder %q", q, p, s)
			}
			seen[s] = p
		}
	}
	long := strings.Repeat("Very Long Profile Name ", 10)
	s := SafeName(long)
	if len(s) > maxSafeName+4 || !strings.Contains(s, hashMarker) || !strings.HasPrefix(s, "+very~20+long") {
		t.Errorf("SafeName(long) = %q", s)
	}
	if _, ok := UnsafeName(s); ok {
		t.Errorf("UnsafeName(%q) claims to reverse a hashed name", s)
	}
	for _, bad := range []string{"", "A", "a~", "a~2", "a~zz", "a~2F", "+", "+1", "a/b", "~61" /* not canonical: "a" */, "x+"} {
		if p, ok := UnsafeName(bad); ok && bad != "+" {
			t.Errorf("UnsafeName(%q) = %q, want failure", bad, p)
		}
	}
}

// checkSafeName holds the rules every SafeName result keeps.
func checkSafeName(t *testing.T, p string) string {
	t.Helper()
	s := SafeName(p)
	if s == "" || len(s) > maxSafeName+len(hashMarker) {
		t.Fatalf("SafeName(%q) = %q: bad length", p, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.+~", c) >= 0) {
			t.Fatalf("SafeName(%q) = %q has byte %q", p, s, c)
		}
	}
	if s[0] == '.' || s[len(s)-1] == '.' || windowsReserved(s) || s == "." || s == ".." {
		t.Fatalf("SafeName(%q) = %q is not a safe folder name", p, s)
	}
	if !strings.Contains(s, hashMarker) {
		if back, ok := UnsafeName(s); !ok || back != p {
			t.Fatalf("UnsafeName(SafeName(%q)) = %q, %v", p, back, ok)
		}
	}
	return s
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"prod", "Prod", "team/prod admin", "con", "日本", ".", "", strings.Repeat("ab", 40), "a\x00b"} {
		f.Add(s, s+"x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		sa, sb := checkSafeName(t, a), checkSafeName(t, b)
		if a != b && strings.EqualFold(sa, sb) {
			t.Fatalf("profiles %q and %q share the folder %q", a, b, sa)
		}
	})
}

func TestContainerURL(t *testing.T) {
	tests := []struct {
		profile, target, color, icon string
		want                         string
	}{
		{"prod", "https://console.aws.amazon.com/", "red", "briefcase",
			"ext+container:name=prod&url=https%3A%2F%2Fconsole.aws.amazon.com%2F&color=red&icon=briefcase"},
		{"team/prod admin", "https://x.test/?a=1&b=2#f", "blue", "",
			"ext+container:name=team%2Fprod%20admin&url=https%3A%2F%2Fx.test%2F%3Fa%3D1%26b%3D2%23f&color=blue&icon=fingerprint"},
		{"a&name=evil", "u", "green", "tree", "ext+container:name=a%26name%3Devil&url=u&color=green&icon=tree"},
		{"x+y", "u", "pink", "pet", "ext+container:name=x%2By&url=u&color=pink&icon=pet"},
	}
	for _, tt := range tests {
		if got := ContainerURL(tt.profile, tt.target, tt.color, tt.icon); got != tt.want {
			t.Errorf("ContainerURL(%q, %q) =\n %s\nwant\n %s", tt.profile, tt.target, got, tt.want)
		}
	}
	got := ContainerURL("dev", "u", "", "")
	if !strings.Contains(got, "&color="+ProfileColor("dev")+"&") {
		t.Errorf("ContainerURL without colour = %q, want %s", got, ProfileColor("dev"))
	}
}

func FuzzContainerURL(f *testing.F) {
	f.Add("prod", "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x y")
	f.Add("team/prod admin & co=1", "https://x.test/#frag")
	f.Add("日本 %zz +", "")
	f.Fuzz(func(t *testing.T, profile, target string) {
		if !utf8.ValidString(profile) || !utf8.ValidString(target) {
			t.Skip("the add-on decodes UTF-8")
		}
		u := ContainerURL(profile, target, "orange", "circle")
		if strings.ContainsAny(u, " \t\n\r+#") && !strings.HasPrefix(u, "ext+container:") {
			t.Fatalf("unescaped byte in %q", u)
		}
		rest := strings.TrimPrefix(u, "ext+container:")
		if strings.ContainsAny(rest, " +#?") {
			t.Fatalf("unescaped byte in %q", rest)
		}
		p, ok := ParseContainerURL(u)
		if !ok {
			t.Fatalf("ParseContainerURL(%q) failed", u)
		}
		want := map[string]string{"name": profile, "url": target, "color": "orange", "icon": "circle"}
		for k, v := range want {
			if p[k] != v {
				t.Fatalf("%s = %q, want %q (from %q)", k, p[k], v, u)
			}
		}
		if len(p) != len(want) {
			t.Fatalf("parameters %q, want %q", p, want)
		}
	})
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET": "https://signin.aws.amazon.com/federation?…",
		"https://user:pass@x.test/a/b#frag":                                        "https://x.test/a/b?…",
		"https://x.test/path":                                                      "https://x.test/path",
		"http://127.0.0.1:8080/cb?":                                                "http://127.0.0.1:8080/cb?…",
		"ext+container:name=a&url=SECRET":                                          "<url>",
		"no scheme SECRET":                                                         "<url>",
		"%zz":                                                                      "<url>",
	}
	for in, want := range tests {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArgv(t *testing.T) {
	const u = "https://console.test/home?token=T"
	root := filepath.Join("/data", "browsers")
	dir := func(kind, safe string) string { return "--user-data-dir=" + filepath.Join(root, kind, safe) }
	tests := []struct {
		name    string
		l       Launch
		want    []string
		wantErr string
	}{
		{"chrome", Launch{Kind: KindChrome, Path: "/usr/bin/google-chrome", Profile: "prod", DataRoot: root},
			[]string{"/usr/bin/google-chrome", dir("chrome", "prod"), "--no-first-run", "--no-default-browser-check", u}, ""},
		{"brave odd name", Launch{Kind: KindBrave, Path: "brave", Profile: "Team/Prod Admin", DataRoot: root},
			[]string{"brave", dir("brave", "+team~2f+prod~20+admin"), "--no-first-run", "--no-default-browser-check", u}, ""},
		{"edge", Launch{Kind: KindEdge, Path: "msedge.exe", Profile: "dev", DataRoot: root},
			[]string{"msedge.exe", dir("edge", "dev"), "--no-first-run", "--no-default-browser-check", u}, ""},
		{"vivaldi", Launch{Kind: KindVivaldi, Path: "vivaldi", Profile: "dev", DataRoot: root},
			[]string{"vivaldi", dir("vivaldi", "dev"), "--no-first-run", "--no-default-browser-check", u}, ""},
		{"chromium no profile", Launch{Kind: KindChromium, Path: "chromium"}, []string{"chromium", u}, ""},
		{"chromium no data root", Launch{Kind: KindChromium, Path: "chromium", Profile: "p"}, nil, "DataRoot"},
		{"chrome no path", Launch{Kind: KindChrome, Profile: "p", DataRoot: root}, nil, "no executable"},
		{"firefox container", Launch{Kind: KindFirefox, Path: "/usr/bin/firefox", Profile: "prod", Color: "red", Icon: "dollar"},
			[]string{"/usr/bin/firefox", "ext+container:name=prod&url=https%3A%2F%2Fconsole.test%2Fhome%3Ftoken%3DT&color=red&icon=dollar"}, ""},
		{"firefox container macOS", Launch{Kind: KindFirefox, Path: "/Applications/Firefox.app/Contents/MacOS/firefox", App: "/Applications/Firefox.app", Profile: "prod", Color: "Red"},
			[]string{"open", "-a", "/Applications/Firefox.app", "ext+container:name=prod&url=https%3A%2F%2Fconsole.test%2Fhome%3Ftoken%3DT&color=red&icon=fingerprint"}, ""},
		{"firefox no profile", Launch{Kind: KindFirefox, Path: "firefox"}, []string{"firefox", "--new-tab", u}, ""},
		{"firefox plain", Launch{Kind: KindFirefoxPlain, Path: "firefox", Profile: "prod", Color: "red"}, []string{"firefox", "--new-tab", u}, ""},
		{"firefox plain macOS", Launch{Kind: KindFirefoxPlain, App: "/Applications/Firefox.app", Profile: "prod"}, []string{"open", "-a", "/Applications/Firefox.app", u}, ""},
		{"firefox bad colour", Launch{Kind: KindFirefox, Path: "firefox", Profile: "p", Color: "redd"}, nil, `did you mean "red"`},
		{"firefox bad icon", Launch{Kind: KindFirefox, Path: "firefox", Profile: "p", Icon: "cat"}, nil, "unknown container icon"},
		{"custom", Launch{Kind: KindCustom, Args: []string{"mybrowser", "--profile={profile}", "--open", "{url}"}, Profile: "team/prod admin"},
			[]string{"mybrowser", "--profile=team/prod admin", "--open", u}, ""},
		{"custom appends url", Launch{Kind: KindCustom, Args: []string{"mybrowser", "-P", "{profile}"}, Profile: "p; rm -rf ~"},
			[]string{"mybrowser", "-P", "p; rm -rf ~", u}, ""},
		{"custom placeholders do not recurse", Launch{Kind: KindCustom, Args: []string{"b", "{profile}", "{url}"}, Profile: "{url}"},
			[]string{"b", "{url}", u}, ""},
		{"custom empty", Launch{Kind: KindCustom}, nil, "no command"},
		{"default", Launch{Kind: KindDefault, Args: []string{"xdg-open"}, Profile: "prod"}, []string{"xdg-open", u}, ""},
		{"none", Launch{Kind: KindNone}, nil, ErrDisabled.Error()},
		{"unknown", Launch{Kind: "netscape"}, nil, "unknown browser kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.l.Argv(u)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Argv error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Argv =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
	if err := (&Launch{Kind: KindNone}).Open(u); !errors.Is(err, ErrDisabled) {
		t.Errorf("none: Open = %v, want ErrDisabled", err)
	}
}

func TestNewLaunch(t *testing.T) {
	m := linuxBox("/usr/bin/google-chrome")
	f, err := Find(KindChrome, m.Env())
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLaunch(f, "prod", "Blue", m.Env())
	if err != nil {
		t.Fatal(err)
	}
	if l.DataRoot != "/home/u/.local/share/assume/browsers" || l.Color != "blue" || l.Path != "/usr/bin/google-chrome" {
		t.Errorf("NewLaunch = %+v", l)
	}
	snap := Found{Kind: KindChromium, Path: "/snap/bin/chromium", DataRoot: "/home/u/snap/chromium/common/assume/browsers"}
	if l, _ := NewLaunch(snap, "prod", "", m.Env()); l.DataRoot != snap.DataRoot {
		t.Errorf("snap DataRoot = %q", l.DataRoot)
	}
	if _, err := NewLaunch(f, "prod", "grean", m.Env()); err == nil || !strings.Contains(err.Error(), `"green"`) || !strings.Contains(err.Error(), `"prod"`) {
		t.Errorf("bad colour: %v", err)
	}
	noHome := machine{goos: "linux"}
	if _, err := NewLaunch(f, "prod", "", noHome.Env()); err == nil {
		t.Error("no HOME: no error")
	}
	if _, err := NewLaunch(f, "", "", noHome.Env()); err != nil {
		t.Errorf("no profile needs no folder: %v", err)
	}
}

func TestNewKinds(t *testing.T) {
	look := func(name string) (string, error) {
		if name == "google-chrome" {
			return "/usr/bin/google-chrome", nil
		}
		return "", errors.New("not found")
	}
	o, err := newFor("linux", env("ASSUME_BROWSER", "chrome"), Options{LookPath: look})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := o.(*Launch)
	if !ok || l.Kind != KindChrome || l.Path != "/usr/bin/google-chrome" || l.Profile != "" {
		t.Fatalf("ASSUME_BROWSER=chrome gave %#v", o)
	}
	if _, err := newFor("linux", env("ASSUME_BROWSER", "frefox"), Options{LookPath: look}); err == nil ||
		!strings.Contains(err.Error(), "ASSUME_BROWSER") || !strings.Contains(err.Error(), `"firefox"`) {
		t.Errorf("typo: %v", err)
	}
	o, err = newFor("linux", env("ASSUME_BROWSER", "b --p={profile} {url}"), Options{LookPath: look})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := o.(*Command); !ok || !slices.Equal(c.Args, []string{"b", "--p=", "{url}"}) {
		t.Errorf("template with {profile} gave %#v", o)
	}
	o, err = newFor("darwin", env("ASSUME_BROWSER", "default"), Options{LookPath: look})
	if c, ok := o.(*Command); err != nil || !ok || !slices.Equal(c.Args, []string{"open"}) {
		t.Errorf("default gave %#v, %v", o, err)
	}
}

// TestLaunchOpen really starts a fake Chromium: Open must return before
// the "browser" finishes (it waits for a gate file the test creates only
// afterwards), pass the right arguments, create the profile folder 0700,
// and keep the token out of the debug output.
func TestLaunchOpen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses a shell script as the browser")
	}
	dir := t.TempDir()
	gate, out := filepath.Join(dir, "gate"), filepath.Join(dir, "argv")
	exe := filepath.Join(dir, "fake-chrome")
	script := "#!/bin/sh\n" +
		// Stop waiting when the test is gone too, failed or not.
		`while [ ! -e "` + gate + `" ] && [ -d "` + dir + `" ]; do sleep 0.01; done` + "\n" +
		`for a in "$@"; do printf '%s\n' "$a"; done > "` + out + `.tmp"` + "\n" +
		`echo browser-noise; echo browser-err >&2` + "\n" +
		`mv "` + out + `.tmp" "` + out + `"` + "\n"
	if err := os.WriteFile(exe, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "data")
	var dbg syncBuffer
	l := &Launch{Kind: KindChrome, Path: exe, Profile: "Team/prod admin", DataRoot: root, Debug: &dbg}
	const u = "https://signin.test/federation?Action=login&SigninToken=SECRET-TOKEN"
	if err := l.Open(u); err != nil {
		t.Fatal(err)
	}
	// Open has returned while the browser still waits for the gate.
	if _, err := os.Stat(out); err == nil {
		t.Fatal("the browser finished before Open returned")
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	profileDir := filepath.Join(root, "chrome", "+team~2fprod~20admin")
	want := []string{"--user-data-dir=" + profileDir, "--no-first-run", "--no-default-browser-check"}
	got := waitForLines(t, out)
	if len(got) != len(want)+1 || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("browser argv = %q, want %q and a page", got, want)
	}
	// The token is not on the command line (world-readable in /proc): the
	// browser gets a private page leading to the URL.
	if strings.Contains(strings.Join(got, " "), "SECRET-TOKEN") {
		t.Errorf("browser argv holds the sign-in token: %q", got)
	}
	if target := pageTarget(t, got[len(want)]); target != u {
		t.Errorf("page leads to %q, want %q", target, u)
	}
	fi, err := os.Stat(profileDir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("profile folder %s: %v %v", profileDir, fi, err)
	}
	if fi, err := os.Stat(root); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data root: %v %v", fi, err)
	}
	d := dbg.String()
	if strings.Contains(d, "SECRET-TOKEN") {
		t.Errorf("debug output leaks the sign-in token: %q", d)
	}
	if !strings.Contains(d, "forwarding to https://signin.test/federation?…") || !strings.Contains(d, "--user-data-dir=") {
		t.Errorf("debug output %q lacks the command line", d)
	}
}

// TestLaunchOpenQuiet starts a fake Firefox without a debug writer: the
// container URL is its one argument.
func TestLaunchOpenQuiet(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses a shell script as the browser")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "argv")
	exe := filepath.Join(dir, "fake-firefox")
	script := "#!/bin/sh\necho noise; echo noise >&2\n" + `printf '%s\n' "$@" > "` + out + `.tmp"; mv "` + out + `.tmp" "` + out + `"` + "\n"
	if err := os.WriteFile(exe, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	l := &Launch{Kind: KindFirefox, Path: exe, Profile: "prod", Color: "green"}
	if err := l.Open("https://x.test/a b"); err != nil {
		t.Fatal(err)
	}
	got := waitForLines(t, out)
	// Firefox opens the private page, which hands the URL to the add-on.
	if len(got) != 2 || got[0] != "--new-tab" {
		t.Fatalf("argv = %q, want --new-tab and a page", got)
	}
	want := "ext+container:name=prod&url=https%3A%2F%2Fx.test%2Fa%20b&color=green&icon=fingerprint"
	if target := pageTarget(t, got[1]); target != want {
		t.Errorf("page leads to %q, want %q", target, want)
	}
}

func waitForLines(t *testing.T, path string) []string {
	t.Helper()
	waitFor(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestForProfileAndDescribe(t *testing.T) {
	m := linuxBox("/usr/bin/google-chrome", "/usr/bin/firefox", "/usr/bin/xdg-open")
	tests := []struct {
		setting, envBrowser, profile, color string
		want                                string
		wantErr                             string
	}{
		{"", "", "prod", "", "chrome, browser profile prod", ""},
		{"firefox", "chrome", "Prod", "red", `firefox, red container "Prod"`, ""},
		{"", "firefox", "dev", "", `firefox, ` + ProfileColor("dev") + ` container "dev"`, ""},
		{"firefox-plain", "", "dev", "", "firefox", ""},
		{"default", "", "dev", "", "default browser", ""},
		{"none", "", "dev", "", "", ""},
		{"", "/opt/x/mybrowser --p {profile}", "dev", "", "mybrowser", ""},
		{"", "frefox", "dev", "", "", `ASSUME_BROWSER: unknown browser "frefox"; did you mean "firefox"?`},
		{"brave", "", "dev", "", "", "browser: browser brave not found"},
		{"chrome", "", "dev", "violet", "", `unknown container color "violet"`},
	}
	for _, tt := range tests {
		m.env[EnvBrowser] = tt.envBrowser
		l, err := ForProfile(tt.setting, tt.profile, tt.color, m.Env(), nil)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ForProfile(%q, env %q) error = %v, want %q", tt.setting, tt.envBrowser, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ForProfile(%q, env %q): %v", tt.setting, tt.envBrowser, err)
			continue
		}
		if got := l.Describe(); got != tt.want {
			t.Errorf("ForProfile(%q, env %q).Describe() = %q, want %q", tt.setting, tt.envBrowser, got, tt.want)
		}
	}
}
