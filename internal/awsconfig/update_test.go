package awsconfig

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

func TestUpdateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home", ".aws")
	path := filepath.Join(dir, "credentials")
	set := func(key, value string) func(*Document) error {
		return func(d *Document) error { return d.Set("dev", key, value) }
	}

	// A missing file and folder are created.
	if err := UpdateFile(path, 0o600, set("aws_access_key_id", "AKIA1")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "[dev]\naws_access_key_id = AKIA1\n" {
		t.Errorf("new file = %q", got)
	}
	if runtime.GOOS != "windows" {
		mode(t, dir, 0o700)
		mode(t, path, 0o600)
	}
	if _, err := os.Stat(path + ".bak"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup of a file that did not exist: %v", err)
	}

	// An edit keeps the previous content as .bak.
	if err := UpdateFile(path, 0o600, set("aws_access_key_id", "AKIA2")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path+".bak"); got != "[dev]\naws_access_key_id = AKIA1\n" {
		t.Errorf("backup = %q", got)
	}
	if runtime.GOOS != "windows" {
		mode(t, path+".bak", 0o600)
	}

	// A failing edit and an edit that changes nothing write nothing.
	before := readString(t, path)
	boom := errors.New("boom")
	if err := UpdateFile(path, 0o600, func(d *Document) error { d.Set("dev", "x", "1"); return boom }); !errors.Is(err, boom) {
		t.Errorf("edit error = %v", err)
	}
	if err := UpdateFile(path, 0o600, func(*Document) error { return nil }); err != nil {
		t.Error(err)
	}
	if got := readString(t, path); got != before {
		t.Errorf("file changed: %q", got)
	}

	// A file with a syntax error is left alone.
	bad := "[dev]\nbroken\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var se *SyntaxError
	if err := UpdateFile(path, 0o600, set("x", "1")); !errors.As(err, &se) || se.File != path || se.Line != 2 {
		t.Errorf("syntax error = %v", err)
	}
	if got := readString(t, path); got != bad {
		t.Errorf("broken file changed: %q", got)
	}

	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		switch e.Name() {
		case "credentials", "credentials.bak", "credentials.lock":
		default:
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// TestUpdateFileConcurrent runs editors in parallel; the lock makes every
// increment count.
func TestUpdateFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := UpdateFile(path, 0o600, func(d *Document) error {
				v, _ := d.Get("default", "counter")
				i, _ := strconv.Atoi(v)
				return d.Set("default", "counter", strconv.Itoa(i+1))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	d, err := Parse([]byte(readString(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.Get("default", "counter"); v != strconv.Itoa(n) {
		t.Errorf("counter = %s, want %d", v, n)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %o, want %o", path, got, want)
	}
}
