package browser

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestCanOpen(t *testing.T) {
	tests := []struct {
		name string
		goos string
		env  []string
		want bool
	}{
		{"linux no display", "linux", nil, false},
		{"linux X11", "linux", []string{"DISPLAY", ":0"}, true},
		{"linux wayland", "linux", []string{"WAYLAND_DISPLAY", "wayland-0"}, true},
		{"linux over ssh with X forwarding", "linux", []string{"DISPLAY", "localhost:10.0", "SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"}, false},
		{"ssh tty only", "linux", []string{"DISPLAY", ":0", "SSH_TTY", "/dev/pts/3"}, false},
		{"ssh but ASSUME_BROWSER set", "linux", []string{"SSH_TTY", "/dev/pts/3", "ASSUME_BROWSER", "w3m"}, true},
		{"no display but ASSUME_BROWSER set", "linux", []string{"ASSUME_BROWSER", "lynx {url}"}, true},
		{"ssh with ASSUME_BROWSER=auto", "linux", []string{"SSH_TTY", "/dev/pts/3", "ASSUME_BROWSER", "auto"}, false},
		{"no display with ASSUME_BROWSER=default", "linux", []string{"ASSUME_BROWSER", "Default"}, false},
		{"ssh with ASSUME_BROWSER=chrome", "linux", []string{"SSH_TTY", "/dev/pts/3", "ASSUME_BROWSER", "chrome"}, true},
		{"ASSUME_BROWSER=none", "linux", []string{"DISPLAY", ":0", "ASSUME_BROWSER", "none"}, false},
		{"ASSUME_BROWSER blank", "linux", []string{"DISPLAY", ":0", "ASSUME_BROWSER", "  "}, true},
		{"darwin", "darwin", nil, true},
		{"darwin over ssh", "darwin", []string{"SSH_CONNECTION", "x"}, false},
		{"windows", "windows", nil, true},
		{"freebsd no display", "freebsd", nil, false},
		{"freebsd X11", "freebsd", []string{"DISPLAY", ":1"}, true},
		{"wasm", "js", []string{"DISPLAY", ":1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := canOpen(tt.goos, env(tt.env...)); got != tt.want {
				t.Errorf("canOpen(%s) = %v, want %v", tt.goos, got, tt.want)
			}
		})
	}
}

func TestSplitTemplate(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"firefox", []string{"firefox"}, false},
		{"  firefox   --new-window\t{url} ", []string{"firefox", "--new-window", "{url}"}, false},
		{`"/Applications/Google Chrome.app/x" --profile-directory='Profile 1' {url}`, []string{"/Applications/Google Chrome.app/x", "--profile-directory=Profile 1", "{url}"}, false},
		{`a\ b c`, []string{"a b", "c"}, false},
		{`say "x \"y\" \\ z"`, []string{"say", `x "y" \ z`}, false},
		{`'it''s'`, []string{"its"}, false},
		{`""`, []string{""}, false},
		{`open -a 'Safari'`, []string{"open", "-a", "Safari"}, false},
		{`"unterminated`, nil, true},
		{`'unterminated`, nil, true},
		{`trailing\`, nil, true},
		{"   ", nil, true},
		{"", nil, true},
	}
	for _, tt := range tests {
		got, err := SplitTemplate(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("SplitTemplate(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("SplitTemplate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSplitTemplate(f *testing.F) {
	for _, s := range []string{"firefox", `a "b c" 'd e' f\ g {url}`, `"x`, `\`, "", "open -a Safari"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args, err := SplitTemplate(s)
		if err != nil {
			return
		}
		if len(args) == 0 {
			t.Fatalf("SplitTemplate(%q) returned no args and no error", s)
		}
		// Re-quoting every argument with single quotes must give the same
		// arguments back.
		var b strings.Builder
		for _, a := range args {
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "' ")
		}
		again, err := SplitTemplate(b.String())
		if err != nil || !slices.Equal(again, args) {
			t.Fatalf("round trip of %q: %q (%v), want %q", s, again, err, args)
		}
	})
}

func TestExpand(t *testing.T) {
	const u = "https://example.test/?a=1&b=2"
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"xdg-open"}, []string{"xdg-open", u}},
		{[]string{"firefox", "--new-window", "{url}"}, []string{"firefox", "--new-window", u}},
		{[]string{"sh", "-c", "x", "--url={url}"}, []string{"sh", "-c", "x", "--url=" + u}},
		{[]string{"twice", "{url}", "{url}"}, []string{"twice", u, u}},
	}
	for _, tt := range tests {
		if got := Expand(tt.args, u); !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	look := func(have ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			if slices.Contains(have, name) {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		}
	}
	tests := []struct {
		name     string
		goos     string
		env      []string
		have     []string
		want     []string // Command.Args; nil means the disabled opener
		wantErr  bool
		disabled bool
	}{
		{name: "linux xdg-open", goos: "linux", have: []string{"xdg-open", "sensible-browser"}, want: []string{"xdg-open"}},
		{name: "linux without xdg-open", goos: "linux", have: []string{"x-www-browser"}, want: []string{"x-www-browser"}},
		{name: "linux nothing installed", goos: "linux", want: []string{"xdg-open"}},
		{name: "darwin", goos: "darwin", want: []string{"open"}},
		{name: "windows", goos: "windows", want: []string{"rundll32", "url.dll,FileProtocolHandler"}},
		{name: "template", goos: "linux", env: []string{"ASSUME_BROWSER", "firefox -P 'work profile' {url}"}, want: []string{"firefox", "-P", "work profile", "{url}"}},
		{name: "none", goos: "linux", env: []string{"ASSUME_BROWSER", "none"}, disabled: true},
		{name: "bad template", goos: "linux", env: []string{"ASSUME_BROWSER", "firefox 'x"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := newFor(tt.goos, env(tt.env...), Options{LookPath: look(tt.have...)})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "ASSUME_BROWSER") {
					t.Errorf("error %q does not name ASSUME_BROWSER", err)
				}
				return
			}
			if tt.disabled {
				if err := o.Open("https://x.test"); !errors.Is(err, ErrDisabled) {
					t.Errorf("Open = %v, want ErrDisabled", err)
				}
				return
			}
			c, ok := o.(*Command)
			if !ok {
				t.Fatalf("opener is %T, want *Command", o)
			}
			if !slices.Equal(c.Args, tt.want) {
				t.Errorf("Args = %q, want %q", c.Args, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the launcher's copy goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls for a file's contents; it is a bound for a test that would
// otherwise hang, not a speed assertion.
func waitFor(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(b), "\n") {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s was never written", path)
	return ""
}

// TestCommandOpenDoesNotBlock starts a launcher that waits for a gate file
// the test creates only after Open has returned: Open must not wait for it.
func TestCommandOpenDoesNotBlock(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	dir := t.TempDir()
	gate, out := filepath.Join(dir, "gate"), filepath.Join(dir, "out")
	script := `while [ ! -e "$1" ]; do sleep 0.01; done; printf '%s\n' "$0" > "$2"`
	c := &Command{Args: []string{"sh", "-c", script, "{url}", gate, out}}
	const u = "https://example.test/start?x=1&y=2"
	if err := c.Open(u); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := pageTarget(t, waitFor(t, out)); got != u {
		t.Errorf("launcher got a page leading to %q, want %q", got, u)
	}
}

func TestCommandOutputGoesToDebugOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	var dbg syncBuffer
	c := &Command{Args: []string{"sh", "-c", `echo launcher-noise; echo launcher-err >&2; echo done > "$1"`, "x", out}, Debug: &dbg}
	if err := c.Open("https://example.test"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(dbg.String(), "launcher-err") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"launcher-noise", "launcher-err", "debug: browser: started sh"} {
		if !strings.Contains(dbg.String(), want) {
			t.Errorf("debug output %q lacks %q", dbg.String(), want)
		}
	}
}

func TestCommandErrors(t *testing.T) {
	if err := (&Command{}).Open("u"); err == nil {
		t.Error("empty command: no error")
	}
	err := (&Command{Args: []string{"/nonexistent/browser-launcher"}}).Open("https://example.test/secret-path")
	if err == nil || !strings.Contains(err.Error(), "starting the browser") {
		t.Errorf("missing launcher: error %v", err)
	}
}

type fakeTB struct{ errors []string }

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, format)
}

func TestStub(t *testing.T) {
	opened := make(chan string, 1)
	s := &Stub{OnOpen: func(u string) { opened <- u }, Err: errors.New("boom")}
	if err := s.Open("https://a.test"); err == nil || err.Error() != "boom" {
		t.Errorf("Open = %v", err)
	}
	if got := <-opened; got != "https://a.test" {
		t.Errorf("OnOpen got %q", got)
	}
	s.OnOpen = nil
	s.Open("https://b.test")
	s.Verify(t, "https://a.test", "https://b.test")

	var f fakeTB
	s.Verify(&f, "https://a.test")
	s.Verify(&f, "https://a.test", "https://c.test")
	if len(f.errors) != 2 {
		t.Errorf("Verify reported %d mismatches, want 2", len(f.errors))
	}
}
