package browser

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMain keeps the forwarding pages of launchers built without Pages out
// of the real home folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "browser-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_DATA_HOME", dir)
	os.Setenv("HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var scriptTarget = regexp.MustCompile(`location\.replace\((".*")\);`)

// pageTarget reads the forwarding page behind a file:// URL and returns
// where it leads, checking its permissions on the way.
func pageTarget(t *testing.T, fileURL string) string {
	t.Helper()
	u, err := url.Parse(fileURL)
	if err != nil || u.Scheme != "file" {
		t.Fatalf("browser got %q, want a file:// URL", fileURL)
	}
	fi, err := os.Stat(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("page %s has mode %v, want 0600", u.Path, fi.Mode().Perm())
	}
	if di, err := os.Stat(filepath.Dir(u.Path)); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("page folder: %v %v, want 0700", di, err)
	}
	b, err := os.ReadFile(u.Path)
	if err != nil {
		t.Fatal(err)
	}
	m := scriptTarget.FindSubmatch(b)
	if m == nil {
		t.Fatalf("page holds no redirect:\n%s", b)
	}
	var target string
	if err := json.Unmarshal(m[1], &target); err != nil {
		t.Fatal(err)
	}
	return target
}

func TestPagesWriteAndSweep(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "assume", "open")
	now := time.Now()
	p := &Pages{Dir: dir, Now: func() time.Time { return now }}
	const target = `https://signin.test/federation?Action=login&SigninToken=S3CRET</script><b>"'`
	u, err := p.Write(target)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u, "S3CRET") {
		t.Fatalf("the page URL %q holds the secret", u)
	}
	if got := pageTarget(t, u); got != target {
		t.Errorf("page leads to %q, want %q", got, target)
	}
	b, _ := os.ReadFile(strings.TrimPrefix(u, "file://"))
	if strings.Contains(string(b), "</script><b>") {
		t.Errorf("the target is not escaped in the page:\n%s", b)
	}
	// A page of an earlier run that no browser needs any more goes; a
	// fresh one of another run stays.
	old := filepath.Join(dir, "0ld.html")
	fresh := filepath.Join(dir, "fresh.html")
	for _, f := range []string{old, fresh} {
		os.WriteFile(f, nil, 0o600)
	}
	os.Chtimes(old, now.Add(-PageLife-time.Second), now.Add(-PageLife-time.Second))
	u2, err := p.Write("https://b.test/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old page not removed: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh page removed: %v", err)
	}
	// Close removes what this Pages wrote, nothing else.
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{u, u2} {
		if _, err := os.Stat(strings.TrimPrefix(f, "file://")); !os.IsNotExist(err) {
			t.Errorf("page %s not removed by Close: %v", f, err)
		}
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("Close removed another run's page: %v", err)
	}
}

func TestPagesLoosenedFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &Pages{Dir: dir}
	u, err := p.Write("https://a.test/?state=x")
	if err != nil {
		t.Fatal(err)
	}
	pageTarget(t, u) // checks 0700 / 0600
}

func TestPagesOnlyWebTargets(t *testing.T) {
	p := &Pages{Dir: t.TempDir()}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "JAVASCRIPT://x.test/%0aalert(1)",
		"ext+container:name=a&url=javascript%3Aalert(1)", "//x.test/", "not a url"} {
		if u, err := p.Write(bad); err == nil {
			t.Errorf("Write(%q) = %q, want a refusal", bad, u)
		}
	}
	for _, good := range []string{"https://x.test/a", "HTTP://127.0.0.1:8080/x", "ext+container:name=a&url=https%3A%2F%2Fx.test%2F"} {
		if _, err := p.Write(good); err != nil {
			t.Errorf("Write(%q): %v", good, err)
		}
	}
}

func TestPagesNoFolder(t *testing.T) {
	if _, err := (&Pages{}).Write("https://a.test/"); err == nil {
		t.Error("no folder: no error")
	}
}

func TestFileURL(t *testing.T) {
	for in, want := range map[string]string{
		"/home/a b/x.html":  "file:///home/a%20b/x.html",
		"/h/%#?.html":       "file:///h/%25%23%3F.html",
		`C:\Users\a\x.html`: "file:///C:%5CUsers%5Ca%5Cx.html",
	} {
		if got := fileURL(in); got != want && !(strings.HasPrefix(in, "C:") && filepath.Separator == '\\') {
			t.Errorf("fileURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSandboxedFirefoxPageDir(t *testing.T) {
	f := Found{Kind: KindFirefox, PageDir: "/home/u/snap/firefox/common/assume/open"}
	if got := pagesFor(f, Env{GOOS: "linux", Getenv: func(string) string { return "" }}).Dir; got != f.PageDir {
		t.Errorf("page folder %q, want %q", got, f.PageDir)
	}
	c := Found{Kind: KindChromium, DataRoot: "/home/u/snap/chromium/common/assume/browsers"}
	if got := pagesFor(c, Env{}).Dir; got != "/home/u/snap/chromium/common/assume/open" {
		t.Errorf("chromium snap page folder %q", got)
	}
}
