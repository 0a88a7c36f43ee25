//go:build linux

package awsconfig

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mountTmpfs mounts a tmpfs of the given size ("64k") on a new folder and
// unmounts it at the end; it skips the test when that is not possible.
func mountTmpfs(t *testing.T, size string) string {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := filepath.Join(t.TempDir(), "mnt")
	os.Mkdir(dir, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// Every editing command goes through UpdateFile: on a full or read-only
// file system the file is left intact, no temporary file stays behind and
// the error is one line.
func TestUpdateFileFullAndReadOnlyFS(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	path := filepath.Join(dir, "credentials")
	orig := bigConfig(150) // about 20 KB: room for one copy, not for three
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	grow := func(d *Document) error {
		return d.Set("profile acct-1-role", "x_big", strings.Repeat("y", 40<<10))
	}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error of several lines: %q", what, err)
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, orig) {
			t.Errorf("%s: the file changed (%d bytes)", what, len(b))
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("%s: left %s behind", what, e.Name())
			}
		}
		t.Logf("%s: %v", what, err)
	}
	check("full", UpdateFile(path, 0o600, grow))

	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Skipf("remount read-only: %v: %s", err, out)
	}
	check("read-only", UpdateFile(path, 0o600, func(d *Document) error { return d.Set("profile acct-1-role", "region", "z") }))
}
