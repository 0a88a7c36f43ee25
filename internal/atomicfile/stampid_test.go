//go:build unix

package atomicfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func stampID(t *testing.T, path string) []byte {
	t.Helper()
	st, err := StatPath(path)
	if err != nil {
		t.Fatal(err)
	}
	id, ok := st.AppendID(nil)
	if !ok {
		t.Fatalf("no ID for %s", path)
	}
	return id
}

// TestStampID: the ID of a stamp changes with every change to the file
// that a reader could see (an in-place write of the same size, a
// replacement, a chmod, a removal) and with nothing else.
func TestStampID(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte("[profile a]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	first := stampID(t, path)
	if again := stampID(t, path); !bytes.Equal(first, again) {
		t.Fatal("two stats of an unchanged file differ")
	}
	data, st, err := Read(path, MaxSmallSize)
	if err != nil || len(data) == 0 {
		t.Fatal(err)
	}
	if id, _ := st.AppendID(nil); !bytes.Equal(id, first) {
		t.Error("the stamp of a read differs from a stat of the same version")
	}

	seen := [][]byte{first}
	change := func(what string, f func()) {
		t.Helper()
		f()
		id := stampID(t, path)
		for _, old := range seen {
			if bytes.Equal(id, old) {
				t.Errorf("%s: the ID did not change", what)
			}
		}
		seen = append(seen, id)
	}
	// The clock the kernel stamps files with is coarse: step past a tick so
	// that a write after a stat gets new times (what Settled guards against
	// is exactly a write within the tick).
	tick := func() { time.Sleep(20 * time.Millisecond) }
	change("in-place write of the same size", func() {
		tick()
		os.WriteFile(path, []byte("[profile a]\nregion = eu-west-2\n"), 0o600)
	})
	change("replacement by rename", func() {
		tmp := filepath.Join(dir, "tmp")
		os.WriteFile(tmp, []byte("[profile a]\nregion = eu-west-2\n"), 0o600)
		os.Rename(tmp, path)
	})
	change("chmod", func() { tick(); os.Chmod(path, 0o640) })
	change("removal", func() { os.Remove(path) })
	if len(seen[len(seen)-1]) != 1 {
		t.Errorf("a missing file's ID is %x", seen[len(seen)-1])
	}
}

func TestStampSettled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	os.WriteFile(path, []byte("x"), 0o600)
	st, err := StatPath(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if st.Settled(now, 2*time.Second) {
		t.Error("a file written just now is settled")
	}
	if !st.Settled(now.Add(3*time.Second), 2*time.Second) {
		t.Error("a file left alone for 3s is not settled")
	}
	// A change time in the future (a clock set back) is never settled.
	if st.Settled(now.Add(-time.Hour), 2*time.Second) {
		t.Error("a file changed in the future is settled")
	}
	if !(Stamp{}).Settled(now, 2*time.Second) {
		t.Error("a missing file is not settled")
	}
}
