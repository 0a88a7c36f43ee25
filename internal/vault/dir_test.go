//go:build unix

package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// Regression: the cache folder's owner, mode and type were not checked: a
// folder others can write to, or a symlink planted at its name, was used.
func TestFileStoreRefusesUnsafeFolder(t *testing.T) {
	key := StaticKey(make([]byte, KeySize))
	base := t.TempDir()

	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o700)
	os.Chmod(open, 0o777)
	err := NewFileStore(open, key).Set("k", []byte("v"))
	var ue *atomicfile.UnsafeDirError
	if !errors.As(err, &ue) || ue.Hint() != "chmod 700 "+open {
		t.Errorf("world-writable folder: %v", err)
	}

	elsewhere := filepath.Join(base, "elsewhere")
	os.Mkdir(elsewhere, 0o700)
	link := filepath.Join(base, "cache")
	os.Symlink(elsewhere, link)
	if err := NewFileStore(link, key).Set("k", []byte("v")); !errors.As(err, &ue) {
		t.Errorf("symlinked folder: %v", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("wrote through the symlink: %v", ents)
	}
	if err := NewFileStore(filepath.Join(base, "fine"), key).Set("k", []byte("v")); err != nil {
		t.Errorf("a private folder: %v", err)
	}
}
