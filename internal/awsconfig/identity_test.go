//go:build unix

package awsconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFilesIdentity: the identity of the files Open read equals that of a
// stat of the same paths until a file changes; files changed within
// SettleTime have none; a missing credentials file is part of it (creating
// one changes it).
func TestFilesIdentity(t *testing.T) {
	dir := t.TempDir()
	cfg, cred := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	os.WriteFile(cfg, []byte("[profile a]\nregion = eu-west-1\n"), 0o600)
	f, err := Open(cfg, cred)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Identity(time.Now()); ok {
		t.Error("files written just now have an identity")
	}
	later := time.Now().Add(SettleTime + time.Second)
	id, ok := f.Identity(later)
	if !ok {
		t.Fatal("no identity for settled files")
	}
	cur, ok := CurrentIdentity(cfg, cred)
	if !ok || !bytes.Equal(id, cur) {
		t.Fatalf("identity of the files read %x, of a stat now %x", id, cur)
	}
	if other, _ := CurrentIdentity(cred, cfg); bytes.Equal(other, cur) {
		t.Error("the paths swapped give the same identity")
	}
	time.Sleep(20 * time.Millisecond) // past the file system's clock tick
	os.WriteFile(cred, []byte("[a]\n"), 0o600)
	if now, _ := CurrentIdentity(cfg, cred); bytes.Equal(now, cur) {
		t.Error("creating the credentials file left the identity as it was")
	}
	if _, ok := NewFiles(cfg, nil, cred, nil).Identity(later); ok {
		t.Error("files not read by Open have an identity")
	}
}
