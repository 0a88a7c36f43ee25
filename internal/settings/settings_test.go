package settings

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestPath(t *testing.T) {
	tests := []struct {
		env  func(string) string
		want string
	}{
		{env("XDG_CONFIG_HOME", "/x/cfg", "HOME", "/home/u"), filepath.Join("/x/cfg", "assume", "settings")},
		{env("XDG_CONFIG_HOME", "relative", "HOME", "/home/u"), filepath.Join("/home/u", ".config", "assume", "settings")},
		{env("HOME", "/home/u"), filepath.Join("/home/u", ".config", "assume", "settings")},
	}
	for _, tt := range tests {
		if runtime.GOOS == "windows" {
			t.Skip("absolute paths differ on Windows")
		}
		got, err := Path(tt.env)
		if err != nil || got != tt.want {
			t.Errorf("Path = %q, %v; want %q", got, err, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	type want struct{ key, value, source string }
	tests := []struct {
		name     string
		data     string
		want     []want
		problems []string
	}{
		{
			name: "empty",
			want: []want{{"browser", "auto", "default"}, {"cache_margin", "5m", "default"}, {"console_duration", "", "default"}},
		},
		{
			name: "values, comments, spacing, case",
			data: "# mine\n[settings]\n  \nBrowser=Firefox\ncache_margin = 10m ; ten\n; c\nkeychain\t=\tpass # p\ndefault_region = EU-west-1\n",
			want: []want{
				{"browser", "firefox", "f:4"}, {"cache_margin", "10m", "f:5"}, {"keychain", "pass", "f:7"},
				{"default_region", "eu-west-1", "f:8"}, {"cache", "file", "default"},
			},
		},
		{
			name: "last definition wins, across sections",
			data: "[settings]\ncolor = always\n[ settings ]\ncolor = never\ncolor = auto\n",
			want: []want{{"color", "auto", "f:5"}},
		},
		{
			name: "crlf and no final newline",
			data: "[settings]\r\npicker_order = alpha\r\nauto_refresh = true",
			want: []want{{"picker_order", "alpha", "f:2"}, {"auto_refresh", "true", "f:3"}},
		},
		{
			name: "template with a hash that is no comment",
			data: "[settings]\nbrowser = open -a B#2 {url}\n",
			want: []want{{"browser", "open -a B#2 {url}", "f:2"}},
		},
		{
			name:     "problems are skipped and reported",
			data:     "browser = chrome\n[settings]\nbrwoser = chrome\ncache = nope\njunk\n = x\n  indented\ncolor = never\n  more\n[profile dev]\nbrowser = edge\n[broken\nbrowser = edge\n[settings]\nauto_refresh = true\n",
			want:     []want{{"browser", "auto", "default"}, {"cache", "file", "default"}, {"color", "auto", "default"}, {"auto_refresh", "true", "f:15"}},
			problems: []string{"f:1: line before the [settings] header is ignored", `f:3: unknown setting "brwoser"; did you mean "browser"? (ignored)`, `f:4: invalid value "nope" for cache: one of file, keychain (ignored)`, "f:5: expected key = value", "f:6: indented line continues no setting", "f:7: indented line continues no setting", `f:8: invalid value "never\nmore" for color: one of auto, always, never (ignored)`, "f:10: unknown section [profile dev] is ignored (settings go in [settings])", "f:12: section header must end with ']'; the lines up to the next header are ignored"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Parse("f", []byte(tt.data), nil)
			for _, w := range tt.want {
				v, src, err := s.Get(w.key)
				if err != nil || v != w.value || src != w.source {
					t.Errorf("Get(%s) = %q, %q, %v; want %q, %q", w.key, v, src, err, w.value, w.source)
				}
			}
			var got []string
			for _, p := range s.Problems() {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.problems, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.problems, "\n"))
			}
		})
	}
}

func TestGetters(t *testing.T) {
	s := Parse("f", []byte("[settings]\nbrowser = brave\nbrowser_path = /opt/brave\nkeychain = file\ncache = keychain\nsso_cache = keychain\ncache_margin = 90\ndefault_region = ap-south-2\npicker_order = alpha\nauto_refresh = true\ncolor = always\nconsole_duration = 2h\n"), nil)
	if len(s.Problems()) > 0 {
		t.Fatal(s.Problems())
	}
	if s.Browser() != "brave" || s.BrowserPath() != "/opt/brave" || s.Keychain() != "file" || s.Cache() != "keychain" ||
		s.SSOCache() != "keychain" || s.CacheMargin() != 90*time.Second || s.DefaultRegion() != "ap-south-2" ||
		s.PickerOrder() != "alpha" || !s.AutoRefresh() || s.Color() != "always" || s.ConsoleDuration() != 2*time.Hour {
		t.Errorf("getters: %+v", s.List())
	}
	d := Parse("", nil, nil)
	if d.Browser() != "auto" || d.CacheMargin() != 5*time.Minute || d.ConsoleDuration() != 0 || d.AutoRefresh() ||
		d.DefaultRegion() != "us-east-1" || d.Color() != "auto" || d.PickerOrder() != "frecent" {
		t.Errorf("defaults: %+v", d.List())
	}
	if _, _, err := d.Get("nope"); err == nil {
		t.Error("Get of an unknown key: no error")
	}
	if n := len(d.List()); n != len(Keys()) {
		t.Errorf("List has %d entries, want %d", n, len(Keys()))
	}
}

func TestEnv(t *testing.T) {
	file := []byte("[settings]\nkeychain = pass\nbrowser = firefox\ncolor = always\ncache_margin = 1m\n")
	tests := []struct {
		name               string
		env                func(string) string
		key, value, source string
		problem            string
	}{
		{"file", env(), "keychain", "pass", "f:2", ""},
		{"env wins", env("ASSUME_KEYCHAIN", "Secret-Service"), "keychain", "secret-service", "env ASSUME_KEYCHAIN", ""},
		{"bad env ignored", env("ASSUME_KEYCHAIN", "gnome"), "keychain", "pass", "f:2", `ignoring ASSUME_KEYCHAIN: invalid value "gnome" for keychain: one of auto, keychain, wincred, secret-service, pass, file`},
		{"browser env takes any command", env("ASSUME_BROWSER", "my-browser --new"), "browser", "my-browser --new", "env ASSUME_BROWSER", ""},
		{"NO_COLOR wins", env("ASSUME_COLOR", "always", "NO_COLOR", "1"), "color", "never", "env NO_COLOR", ""},
		{"empty NO_COLOR is unset", env("NO_COLOR", ""), "color", "always", "f:4", ""},
		{"duration env", env("ASSUME_CACHE_MARGIN", "2m"), "cache_margin", "2m", "env ASSUME_CACHE_MARGIN", ""},
		{"duration env out of range", env("ASSUME_CACHE_MARGIN", "2h"), "cache_margin", "1m", "f:5", `ignoring ASSUME_CACHE_MARGIN: invalid value "2h" for cache_margin: a duration from 0s to 1h (such as 30m or 1h30m, or whole seconds)`},
		{"region env", env("ASSUME_DEFAULT_REGION", "eu-north-1"), "default_region", "eu-north-1", "env ASSUME_DEFAULT_REGION", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Parse("f", file, tt.env)
			v, src, _ := s.Get(tt.key)
			if v != tt.value || src != tt.source {
				t.Errorf("Get(%s) = %q from %q; want %q from %q", tt.key, v, src, tt.value, tt.source)
			}
			var got string
			if p := s.Problems(); len(p) > 0 {
				got = p[0].String()
			}
			if got != tt.problem {
				t.Errorf("problem %q, want %q", got, tt.problem)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	getenv := env("XDG_CONFIG_HOME", dir, "ASSUME_PICKER_ORDER", "alpha")
	s, err := Load(getenv)
	if err != nil || s.Browser() != "auto" || s.PickerOrder() != "alpha" || len(s.Problems()) > 0 {
		t.Fatalf("Load without a file: %v, %v, %v", err, s.List(), s.Problems())
	}
	if _, err := os.Stat(filepath.Join(dir, "assume")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created the folder: %v", err)
	}
	path := filepath.Join(dir, "assume", "settings")
	if s.File() != path {
		t.Errorf("File() = %q, want %q", s.File(), path)
	}
	if err := os.MkdirAll(path, 0o700); err != nil { // a folder where the file should be
		t.Fatal(err)
	}
	s, err = Load(getenv)
	if err == nil || s == nil || s.Browser() != "auto" || s.PickerOrder() != "alpha" {
		t.Errorf("Load of an unreadable file: %v, %+v", err, s)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("[settings]\nbrowser = edge\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Load(getenv)
	if v, src, _ := s.Get("browser"); err != nil || v != "edge" || src != path+":2" {
		t.Errorf("Load: %q from %q, %v", v, src, err)
	}
}

func TestSetUnset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "settings")

	// Unset on a missing file creates nothing.
	if removed, err := Unset(path, "browser"); err != nil || removed {
		t.Fatalf("Unset on a missing file: %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Unset created the folder: %v", err)
	}

	steps := []struct {
		op, key, value string
		want           string // the file afterwards
		err            string
	}{
		{"set", "browser", "Firefox", "[settings]\nbrowser = firefox\n", ""},
		{"set", "cache_margin", "10m", "[settings]\nbrowser = firefox\ncache_margin = 10m\n", ""},
		{"set", "brwoser", "x", "", `unknown setting "brwoser"; did you mean "browser"?`},
		{"set", "cache", "nope", "", `invalid value "nope" for cache`},
		{"unset", "browser", "", "[settings]\ncache_margin = 10m\n", ""},
		{"unset", "browser", "", "[settings]\ncache_margin = 10m\n", ""},
		{"unset", "nope", "", "", `unknown setting "nope"`},
	}
	for _, st := range steps {
		var err error
		if st.op == "set" {
			err = Set(path, st.key, st.value)
		} else {
			_, err = Unset(path, st.key)
		}
		if st.err != "" {
			if err == nil || !strings.Contains(err.Error(), st.err) {
				t.Errorf("%s %s: error %v, want %q", st.op, st.key, err, st.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s %s: %v", st.op, st.key, err)
		}
		if got, _ := os.ReadFile(path); string(got) != st.want {
			t.Errorf("after %s %s:\n%s\nwant:\n%s", st.op, st.key, got, st.want)
		}
	}
	if fi, err := os.Stat(path); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("file mode: %v, %v", fi, err)
	}
}

func TestSetKeepsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings")
	orig := "# my settings\r\n[settings]\r\nbrowser   =   chrome   # work\r\n\r\n; old: keychain = pass\r\nfuture_key = 1\r\n[profile dev]\r\nbrowser = edge"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Set(path, "browser", "firefox"); err != nil {
		t.Fatal(err)
	}
	if err := Set(path, "keychain", "file"); err != nil {
		t.Fatal(err)
	}
	want := "# my settings\r\n[settings]\r\nbrowser   =   firefox   # work\r\n\r\n; old: keychain = pass\r\nfuture_key = 1\r\nkeychain = file\r\n[profile dev]\r\nbrowser = edge"
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file:\n%q\nwant:\n%q", got, want)
	}
	// A key this version does not know may be removed.
	if removed, err := Unset(path, "future_key"); err != nil || !removed {
		t.Errorf("Unset(future_key) = %v, %v", removed, err)
	}
	if got, _ := os.ReadFile(path); strings.Contains(string(got), "future_key") {
		t.Errorf("future_key still there:\n%s", got)
	}
	if bak, err := os.ReadFile(path + ".bak"); err != nil || !strings.Contains(string(bak), "future_key") {
		t.Errorf("no backup: %v", err)
	}
}

func TestSetRefusesMalformedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings")
	orig := "browser = chrome\n[settings]\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Set(path, "browser", "firefox")
	var se *awsconfig.SyntaxError
	if !errors.As(err, &se) || se.Line != 1 {
		t.Fatalf("Set on a malformed file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("the malformed file was changed:\n%s", got)
	}
}

func TestSetUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := Set(filepath.Join(blocker, "assume", "settings"), "browser", "firefox")
	if err == nil {
		t.Fatal("Set under a file: no error")
	}
}

// FuzzParse: any input is read without panicking, every problem names a
// line of the input, and wherever awsconfig (which writes the file) accepts
// the input, both read the same value for each key of [settings].
func FuzzParse(f *testing.F) {
	f.Add([]byte("[settings]\nbrowser = firefox\n"))
	f.Add([]byte("# c\n[ settings ] # x\r\nBrowser=Edge ; y\n  cont\ncache_margin =\n  a=b\n"))
	f.Add([]byte("[settings]\ncolor = never\n[settings]\ncolor = always"))
	f.Add([]byte("x = 1\n[settings\n[profile a]\nbrowser = chrome\n\tx\n"))
	f.Add([]byte("[settings]\nbrowser = a\v#b {url}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := Parse("f", data, nil)
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range s.Problems() {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem on line %d of %d: %s", p.Line, lines, p)
			}
		}
		doc, err := awsconfig.Parse(data)
		if err != nil {
			return
		}
		raw := map[string]string{}
		scan(data, func(k, v string, _ int) { raw[k] = v }, func(int, string) {})
		for _, sp := range specs {
			want, ok := doc.Get(Section, sp.Key)
			got, ok2 := raw[sp.Key]
			if ok != ok2 || got != want {
				t.Fatalf("%s: awsconfig reads %q (%v), we read %q (%v)", sp.Key, want, ok, got, ok2)
			}
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "assume", "settings")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		b.Fatal(err)
	}
	data := "# settings\n[settings]\nbrowser = firefox\nkeychain = file\ncache_margin = 10m\ndefault_region = eu-west-1\npicker_order = alpha\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		b.Fatal(err)
	}
	getenv := env("XDG_CONFIG_HOME", dir)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(getenv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadMissing(b *testing.B) {
	getenv := env("XDG_CONFIG_HOME", b.TempDir())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(getenv); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	data := []byte("# settings\n[settings]\nbrowser = firefox\nkeychain = file\ncache_margin = 10m\ndefault_region = eu-west-1\npicker_order = alpha\n")
	getenv := env()
	b.ReportAllocs()
	for b.Loop() {
		Parse("f", data, getenv)
	}
}

// Regression: Check accepted "#00000{url}", which the file reads back as a
// comment; Set refuses what it cannot store unchanged and writes nothing.
func TestSetRefusesUnstorable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "settings")
	for _, v := range []string{"#00000{url}", ";x {url}"} {
		err := Set(path, "browser", v)
		var iv *InvalidValueError
		if !errors.As(err, &iv) || !strings.Contains(err.Error(), "cannot hold it unchanged") {
			t.Errorf("Set(browser, %q) = %v", v, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file was written: %v", err)
	}
}
