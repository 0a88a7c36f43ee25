package awsconfig

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// rewriteInPlace keeps rewriting path with content the way `aws configure
// set` and a shell's `>` do: open with O_TRUNC, then write in pieces,
// pausing between rewrites (ten times as long after every fifth). It stops
// with ctx and returns how many rewrites it made.
func rewriteInPlace(ctx context.Context, t testing.TB, path string, content []byte, pause time.Duration) <-chan int {
	done := make(chan int, 1)
	go func() {
		n := 0
		defer func() { done <- n }()
		for ctx.Err() == nil {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o600)
			if err != nil {
				t.Error(err)
				return
			}
			const pieces = 8
			step := len(content)/pieces + 1
			for off := 0; off < len(content); off += step {
				f.Write(content[off:min(off+step, len(content))])
				time.Sleep(100 * time.Microsecond)
			}
			f.Close()
			n++
			if n%5 == 0 {
				time.Sleep(10 * pause) // now and then a longer break
			} else {
				time.Sleep(pause)
			}
		}
	}()
	return done
}

func countHeaders(data []byte) int { return bytes.Count(data, []byte("\n[profile ")) }

// Regression: an edit that read the file while another program had just
// truncated it committed the truncated content (and an empty backup).
func TestUpdateFileConcurrentTruncation(t *testing.T) {
	old := quietFor
	quietFor = 20 * time.Millisecond
	defer func() { quietFor = old }()
	path := filepath.Join(t.TempDir(), "credentials")
	content := bigConfig(2000)
	want := countHeaders(content)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	// A busy writer (a rewrite every 30 ms) checks that no edit commits a
	// truncated file; a calmer one (every 150 ms) that edits still go through,
	// also under the race detector on a loaded machine, where a busy writer
	// may leave no quiet window at all.
	for _, phase := range []struct {
		pause      time.Duration
		edits      int
		mustCommit bool
	}{{30 * time.Millisecond, 15, false}, {150 * time.Millisecond, 10, true}} {
		ctx, cancel := context.WithCancel(context.Background())
		writes := rewriteInPlace(ctx, t, path, content, phase.pause)
		ok, changed := 0, 0
		for i := 0; i < phase.edits; i++ {
			var seen int
			err := UpdateFile(path, 0o600, func(d *Document) error {
				seen = countHeaders(d.Bytes())
				return d.Set("profile acct-1-role", "x_edit", "1")
			})
			switch {
			case err == nil:
				ok++
				if seen != want {
					t.Errorf("edit %d committed a file of %d profiles, want %d", i, seen, want)
				}
				bak, _ := os.ReadFile(path + ".bak")
				if n := countHeaders(bak); n != want {
					t.Errorf("edit %d: the backup has %d profiles, want %d", i, n, want)
				}
			case errors.Is(err, atomicfile.ErrChanged):
				changed++
			default:
				t.Fatalf("edit %d: %v", i, err)
			}
		}
		cancel()
		n := <-writes
		t.Logf("writer every %s: %d edits committed, %d refused as changed, %d rewrites by the other program", phase.pause, ok, changed, n)
		if ok == 0 && phase.mustCommit {
			t.Error("no edit went through")
		}
	}
}

// Regression: files of 256 KiB or more were memory-mapped, and a program
// truncating the file while assume read it killed assume with SIGBUS
// ("fatal error: fault"), possibly long after the read.
func TestReadWhileTruncating(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	content := bigConfig(4000) // about 520 KB
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	writes := rewriteInPlace(ctx, t, path, content, 0)
	var wg sync.WaitGroup
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				files, err := Open(path, "")
				if errors.Is(err, atomicfile.ErrChanged) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				// A reader may catch the writer between two pieces; what it
				// read must still be what the file held.
				if !bytes.HasPrefix(content, files.config) {
					t.Errorf("read %d bytes that are not the file's", len(files.config))
					return
				}
				var se *SyntaxError
				if _, err := files.Load(); err != nil && !errors.As(err, &se) {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	<-writes
}

// Regression: a symlinked config (dotfiles managers) was replaced by a
// regular file on every edit. A symlink planted at the .bak name is
// replaced, not written through, and one at the .lock name is refused.
func TestUpdateFileSymlinks(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "dotfiles"), 0o700)
	real := filepath.Join(dir, "dotfiles", "config")
	os.WriteFile(real, []byte("[profile a]\nregion = x\n"), 0o644)
	path := filepath.Join(dir, "config")
	if err := os.Symlink("dotfiles/config", path); err != nil {
		t.Skip(err)
	}
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o600)
	os.Symlink(victim, path+".bak")
	if err := UpdateFile(path, 0o600, func(d *Document) error { return d.Set("profile a", "region", "y") }); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(path); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the config is no longer a symlink")
	}
	if b, _ := os.ReadFile(real); string(b) != "[profile a]\nregion = y\n" {
		t.Errorf("target = %q", b)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the backup was written through a symlink: %q", b)
	}
	if b, _ := os.ReadFile(path + ".bak"); string(b) != "[profile a]\nregion = x\n" {
		t.Errorf("backup = %q", b)
	}
	os.Remove(path + ".lock")
	os.Symlink(victim, path+".lock")
	err := UpdateFile(path, 0o600, func(d *Document) error { return d.Set("profile a", "region", "z") })
	if err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("lock symlink: %v", err)
	}
}

// Two populates and an export (UpdateFile in three goroutines) race with a
// user's editor that saves by rename or in place, each save adding a line
// to the file it has just read. The editor may drop assume's lines (it
// does not lock), but assume must never drop the editor's: every line the
// editor saved is in the final file. The editor saves every 10-16 ms, far
// faster than a person; a replacement that finds the file changed is undone
// at once, and an editor reading in the microseconds between the two could
// still build on assume's version: saving continuously (every 0-6 ms) under
// the race detector on a loaded machine hit that window once in ~350 saves.
func TestUpdateFileRacesEditor(t *testing.T) {
	old := quietFor
	quietFor = 5 * time.Millisecond
	defer func() { quietFor = old }()
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[profile editor]\n[profile populate-0]\n[profile populate-1]\n[profile export]\n"), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	saves := make(chan int, 1)
	go func() {
		n := 0
		defer func() { saves <- n }()
		for ; ctx.Err() == nil; n++ {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			doc, err := Parse(data)
			if err != nil {
				t.Errorf("the editor read a broken file: %v", err)
				return
			}
			doc.Set("profile editor", "e_"+strconv.Itoa(n), "1")
			if n%2 == 0 { // save by rename
				os.WriteFile(path+".swp", doc.Bytes(), 0o600)
				os.Rename(path+".swp", path)
			} else { // save in place
				os.WriteFile(path, doc.Bytes(), 0o600)
			}
			time.Sleep(time.Duration(10+n%7) * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	for _, who := range []string{"populate-0", "populate-1", "export"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				err := UpdateFile(path, 0o600, func(d *Document) error {
					return d.Set("profile "+who, "a_"+strconv.Itoa(i), "1")
				})
				if err != nil && !errors.Is(err, atomicfile.ErrChanged) {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	n := <-saves
	files, err := Open(path, "")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := files.Profile("editor")
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for i := 0; i < n; i++ {
		if !p.Get("e_" + strconv.Itoa(i)).Set {
			lost = append(lost, "e_"+strconv.Itoa(i))
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of the editor's %d saves lost: %v", len(lost), n, lost)
	}
	t.Logf("editor saved %d times", n)
}
