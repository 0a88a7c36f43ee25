//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteFollowsSymlinkKeepsLink(t *testing.T) {
	dir := t.TempDir()
	dots := filepath.Join(dir, "dotfiles", "aws")
	os.MkdirAll(dots, 0o700)
	real := filepath.Join(dots, "config")
	os.WriteFile(real, []byte("old\n"), 0o640)
	link := filepath.Join(dir, "config")
	if err := os.Symlink("dotfiles/aws/config", link); err != nil {
		t.Skip(err)
	}
	if err := Write(link, []byte("new\n"), Options{Perm: 0o640, FollowSymlink: true}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link became a %v", fi.Mode())
	}
	if b, _ := os.ReadFile(real); string(b) != "new\n" {
		t.Errorf("target holds %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("left behind: %v", ents)
	}
}

// A symlink at a name Write replaces without FollowSymlink (the .bak) is
// replaced, never written through.
func TestWriteReplacesPlantedSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o600)
	bak := filepath.Join(dir, "credentials.bak")
	if err := os.Symlink(victim, bak); err != nil {
		t.Skip(err)
	}
	if err := Write(bak, []byte("secret"), Options{Perm: 0o600}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("wrote through the symlink: %q", b)
	}
	if fi, _ := os.Lstat(bak); !fi.Mode().IsRegular() {
		t.Errorf("bak is %v", fi.Mode())
	}
}

func TestOpenTempNeverFollowsPlantedSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o600)
	tmp := filepath.Join(dir, ".config.tmp-1-0123456789abcdef")
	if err := os.Symlink(victim, tmp); err != nil {
		t.Skip(err)
	}
	if f, err := openTemp(tmp); err == nil {
		f.Close()
		t.Fatal("opened a planted symlink as a temporary file")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("victim = %q", b)
	}
}

func TestWriteExpect(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("one"), 0o600)
	_, st, err := Read(path, MaxSmallSize)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(path, []byte("two!"), 0o600) // another program, in place
	err = Write(path, []byte("mine"), Options{Perm: 0o600, Expect: &st})
	if !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "two!" {
		t.Errorf("file = %q", b)
	}
	// Replaced by rename: also a change.
	_, st, _ = Read(path, MaxSmallSize)
	os.WriteFile(path+".x", []byte("three"), 0o600)
	os.Rename(path+".x", path)
	if err := Write(path, []byte("mine"), Options{Perm: 0o600, Expect: &st}); !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	// Created meanwhile, expected missing.
	missing := Stamp{}
	if err := Write(path, []byte("mine"), Options{Perm: 0o600, Expect: &missing}); !errors.Is(err, ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	_, st, _ = Read(path, MaxSmallSize)
	if err := Write(path, []byte("mine"), Options{Perm: 0o600, Expect: &st}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}
}

func TestReadRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	for path, kind := range map[string]string{fifo: "a named pipe (FIFO)", dir: "a folder", "/dev/zero": "a character device"} {
		done := make(chan error, 1)
		go func() { _, _, err := Read(path, MaxConfigSize); done <- err }()
		select {
		case err := <-done:
			var nr *NotRegularError
			if !errors.As(err, &nr) || nr.Kind != kind {
				t.Errorf("Read(%s) = %v, want %s", path, err, kind)
			}
			if want := path + " is " + kind + ", not a regular file"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) hangs", path)
		}
	}
}

func TestReadSizeLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	f, _ := os.Create(path)
	f.Truncate(100 << 20) // sparse: 100 MiB
	f.Close()
	_, _, err := Read(path, MaxConfigSize)
	var tl *TooLargeError
	if !errors.As(err, &tl) || err.Error() != path+" is 100 MiB, larger than the 64 MiB assume reads" {
		t.Fatalf("err = %v", err)
	}
}

func TestCleanStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	plant := func(name string, age time.Time) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("aws_secret_access_key = x"), 0o600)
		os.Chtimes(p, age, age)
		return p
	}
	dead := deadPID(t)
	stale := plant(".credentials.tmp-"+strconv.Itoa(dead)+"-0123456789abcdef", old)
	legacy := plant(".credentials.tmp-1234567890", old)
	live := plant(".credentials.tmp-"+strconv.Itoa(os.Getppid())+"-0123456789abcdef", old) // its process runs
	fresh := plant(".credentials.tmp-"+strconv.Itoa(dead)+"-fedcba9876543210", time.Now())
	other := plant(".credentials.tmp-notours", old)
	otherFile := plant(".config.tmp-"+strconv.Itoa(dead)+"-0123456789abcdef", old)
	os.Symlink("/etc/passwd", filepath.Join(dir, ".credentials.tmp-"+strconv.Itoa(dead)+"-aaaaaaaaaaaaaaaa"))

	if err := Write(filepath.Join(dir, "credentials"), []byte("[a]\n"), Options{Perm: 0o600}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{stale, legacy} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s was not cleaned", filepath.Base(p))
		}
	}
	for _, p := range []string{live, fresh, other, otherFile, filepath.Join(dir, ".credentials.tmp-"+strconv.Itoa(dead)+"-aaaaaaaaaaaaaaaa")} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skip(err)
	}
	p.Wait()
	return p.Pid
}

// Regression guard: under umask 000 new files are 0600 (or the mode asked
// for), never wider, including the temporary file.
func TestWriteUmask000(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no umask")
	}
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "f")
	tmp, err := WriteTemp(path, []byte("x"), 0o600, false)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(tmp); fi.Mode().Perm() != 0o600 {
		t.Errorf("temp file is %v", fi.Mode().Perm())
	}
	os.Remove(tmp)
	if err := Write(path, []byte("x"), Options{Perm: 0o600}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("file is %v", fi.Mode().Perm())
	}
}

func TestTempPID(t *testing.T) {
	for in, want := range map[string]int{"12-0123456789abcdef": 12, "123": 0} {
		if got, ok := tempPID(in); !ok || got != want {
			t.Errorf("tempPID(%q) = %d, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "x", "12-xyz", "-1-0123456789abcdef", "0-0123456789abcdef", "12-0123456789ABCDEF", strings.Repeat("1", 3) + "a"} {
		if _, ok := tempPID(in); ok {
			t.Errorf("tempPID(%q) accepted", in)
		}
	}
}
