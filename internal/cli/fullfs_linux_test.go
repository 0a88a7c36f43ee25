//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

// Editing commands on a full and on a read-only file system: the file is
// left intact and the error is one line (with at most a hint).
func TestEditOnFullAndReadOnlyFS(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	home := filepath.Join(t.TempDir(), "home")
	os.Mkdir(home, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", home).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", home).Run() })
	settings := filepath.Join(home, ".config", "assume", "settings")
	os.MkdirAll(filepath.Dir(settings), 0o700)
	orig := []byte("[settings]\nbrowser = firefox\n# " + strings.Repeat("x", 20<<10) + "\n")
	if err := os.WriteFile(settings, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	// Fill the rest, leaving room for the backup but not for the new file.
	filler, _ := os.Create(filepath.Join(home, "filler"))
	filler.Write(make([]byte, 64<<10))
	filler.Close()
	os.Truncate(filepath.Join(home, "filler"), int64(64<<10-2*len(orig)-8<<10))

	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}
	run := func(what string, args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := Main(args, term.Test(strings.NewReader(""), &out, &errb, env))
		lines := strings.Split(strings.TrimRight(errb.String(), "\n"), "\n")
		if code == 0 || len(lines) == 0 || !strings.HasPrefix(lines[0], "assume: error: ") {
			t.Errorf("%s: exit %d, stderr %q", what, code, errb.String())
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "assume: hint: ") {
				t.Errorf("%s: extra stderr line %q", what, l)
			}
		}
		if b, _ := os.ReadFile(settings); !bytes.Equal(b, orig) {
			t.Errorf("%s: the settings file changed", what)
		}
		ents, _ := os.ReadDir(filepath.Dir(settings))
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("%s: left %s behind", what, e.Name())
			}
		}
		t.Logf("%s: %s", what, strings.TrimSpace(errb.String()))
	}
	run("full", "settings", "set", "browser", "chromium --new-window {url} "+strings.Repeat("y", 20<<10))
	if out, err := exec.Command("mount", "-o", "remount,ro", home).CombinedOutput(); err != nil {
		t.Skipf("remount read-only: %v: %s", err, out)
	}
	run("read-only set", "settings", "set", "browser", "chromium")
	run("read-only unset", "settings", "unset", "browser")
}
