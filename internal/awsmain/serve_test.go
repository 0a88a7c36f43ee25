package awsmain

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

// TestPrivateOutput: serve's stdout redirected to a world-readable file is
// made 0600 before the bearer token is written; a private file, a pipe or
// a buffer are left alone.
func TestPrivateOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "out")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Chmod(0o644); err != nil {
		t.Fatal(err)
	}
	var errBuf bytes.Buffer
	s := term.Test(nil, nil, &errBuf, nil)
	s.Out = f
	if err := privateOutput(s); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	if !strings.Contains(errBuf.String(), "private (0600)") {
		t.Errorf("no notice: %q", errBuf.String())
	}
	errBuf.Reset()
	if err := privateOutput(s); err != nil || errBuf.Len() != 0 {
		t.Errorf("private file: %v, %q", err, errBuf.String())
	}
	s.Out = &bytes.Buffer{}
	if err := privateOutput(s); err != nil {
		t.Error(err)
	}
}
