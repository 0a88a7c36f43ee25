package flock

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestExcl(t *testing.T) {
	x := excl{staleAfter: time.Second, heartbeat: 50 * time.Millisecond}
	tests := []struct {
		name    string
		setup   func(t *testing.T, path string) // state of the lock file before TryLock
		wantOK  bool
		wantErr bool
	}{
		{"free", func(*testing.T, string) {}, true, false},
		{"fresh file of another holder", func(t *testing.T, path string) {
			write(t, path, owner{pid: 12345, nonce: "n"}.String(), 0)
		}, false, false},
		{"stale file of a dead holder", func(t *testing.T, path string) {
			write(t, path, owner{pid: 12345, nonce: "n"}.String(), time.Hour)
		}, true, false},
		{"stale empty file (died before writing)", func(t *testing.T, path string) {
			write(t, path, "", time.Hour)
		}, true, false},
		{"fresh garbage", func(t *testing.T, path string) {
			write(t, path, "garbage", 0)
		}, false, false},
		{"folder in the way", func(t *testing.T, path string) {
			os.Mkdir(path, 0o700)
		}, false, false},
		{"parent is a file", func(t *testing.T, path string) {
			os.Remove(filepath.Dir(path))
			os.WriteFile(filepath.Dir(path), nil, 0o600)
		}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.lock")
			tt.setup(t, path)
			release, ok, err := tryLockExcl(path, x)
			if (err != nil) != tt.wantErr || ok != tt.wantOK {
				t.Fatalf("tryLockExcl = %v, %v; want ok %v, error %v", ok, err, tt.wantOK, tt.wantErr)
			}
			if !ok {
				return
			}
			if Holder(path) != os.Getpid() {
				t.Errorf("Holder = %d, want %d", Holder(path), os.Getpid())
			}
			if err := release(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("lock file left behind: %v", err)
			}
			leftovers, _ := filepath.Glob(path + ".stale.*")
			if len(leftovers) != 0 {
				t.Errorf("left behind: %v", leftovers)
			}
		})
	}
}

func TestExclHeartbeat(t *testing.T) {
	x := excl{staleAfter: 300 * time.Millisecond, heartbeat: 20 * time.Millisecond}
	path := filepath.Join(t.TempDir(), "h.lock")
	release, ok, err := tryLockExcl(path, x)
	if err != nil || !ok {
		t.Fatalf("tryLockExcl = %v, %v", ok, err)
	}
	defer release()
	// Held for longer than staleAfter, the lock is kept fresh by its holder.
	time.Sleep(3 * x.staleAfter)
	if _, ok, err := tryLockExcl(path, x); ok || err != nil {
		t.Fatalf("a live lock was taken over (ok %v, err %v)", ok, err)
	}
}

func TestExclReleaseKeepsOthersFile(t *testing.T) {
	x := excl{staleAfter: time.Hour, heartbeat: time.Hour}
	path := filepath.Join(t.TempDir(), "o.lock")
	release, ok, err := tryLockExcl(path, x)
	if err != nil || !ok {
		t.Fatalf("tryLockExcl = %v, %v", ok, err)
	}
	// Another process took the lock over while we were frozen.
	other := owner{pid: 4242, nonce: "other"}.String()
	write(t, path, other, 0)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != other {
		t.Fatalf("release removed or changed another holder's file: %q, %v", b, err)
	}
}

func TestExclGoroutines(t *testing.T) {
	x := excl{staleAfter: time.Minute, heartbeat: time.Second}
	path := filepath.Join(t.TempDir(), "g.lock")
	var inside, overlaps, total atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for done := 0; done < 10; {
				release, ok, err := tryLockExcl(path, x)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					time.Sleep(time.Millisecond)
					continue
				}
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				total.Add(1)
				inside.Add(-1)
				if err := release(); err != nil {
					t.Error(err)
				}
				done++
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 || total.Load() != 80 {
		t.Errorf("overlaps %d, sections %d (want 0, 80)", overlaps.Load(), total.Load())
	}
}

// write creates path with content and a modification time age ago.
func write(t *testing.T, path, content string, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	mt := time.Now().Add(-age)
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func TestParseOwner(t *testing.T) {
	tests := []struct {
		in      string
		want    owner
		wantErr bool
	}{
		{owner{pid: 42}.String(), owner{pid: 42}, false},
		{owner{pid: 42, nonce: "abc"}.String(), owner{pid: 42, nonce: "abc"}, false},
		{"7\n", owner{pid: 7}, false},
		{"", owner{}, true},
		{"   \n", owner{}, true},
		{"0", owner{}, true},
		{"-3", owner{}, true},
		{"+3", owner{}, true},
		{"x", owner{}, true},
		{"1 2 3", owner{}, true},
		{"99999999999999999999999", owner{}, true},
	}
	for _, tt := range tests {
		got, err := parseOwner(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseOwner(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzParseOwner(f *testing.F) {
	for _, s := range []string{owner{pid: 1}.String(), owner{pid: 123, nonce: "ff00"}.String(), "", "0", "-1", "1 2 3", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := parseOwner(s)
		if err != nil {
			return
		}
		if o.pid <= 0 || strings.ContainsAny(o.nonce, " \t\n") {
			t.Fatalf("parseOwner(%q) = %+v", s, o)
		}
		// What parses round-trips through String.
		back, err := parseOwner(o.String())
		if err != nil || back != o {
			t.Fatalf("round trip of %+v: %+v, %v", o, back, err)
		}
	})
}
