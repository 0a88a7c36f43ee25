//go:build unix && !aix

package flock

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// Regression: lock files followed symlinks and the lock folder's mode was
// not checked.
func TestTryLockRefusesUnsafe(t *testing.T) {
	base := t.TempDir()
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o700)
	os.Chmod(open, 0o770)
	_, _, err := TryLock(filepath.Join(open, "x.lock"))
	var ue *atomicfile.UnsafeDirError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "writable by group or others (mode 0770)") {
		t.Errorf("group-writable folder: %v", err)
	}

	dir := filepath.Join(base, "locks")
	os.Mkdir(dir, 0o700)
	victim := filepath.Join(base, "victim")
	os.WriteFile(victim, []byte("keep"), 0o600)
	lock := filepath.Join(dir, "x.lock")
	os.Symlink(victim, lock)
	if u, ok, err := TryLock(lock); err == nil || ok {
		if u != nil {
			u.Unlock()
		}
		t.Fatalf("locked through a symlink: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("victim = %q", b)
	}
	linkDir := filepath.Join(base, "linked")
	os.Symlink(dir, linkDir)
	if _, _, err := TryLock(filepath.Join(linkDir, "y.lock")); !errors.As(err, &ue) {
		t.Errorf("symlinked lock folder: %v", err)
	}
}
