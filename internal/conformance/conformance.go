// Package conformance owns finding the cross-SDK conformance suites
// (shared/conformance, read at test time, never copied) for the tests of
// awsconfig, chain, creds, credserver and doctor. Only tests import it.
package conformance

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// EnvDir overrides where the suites are.
const EnvDir = "ASSUME_CONFORMANCE_DIR"

// Dir returns $ASSUME_CONFORMANCE_DIR, else ../shared/conformance next to
// the repository root (the folder holding go.mod above the test's working
// directory). Callers skip when a suite file is missing there.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "conformance")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// Read returns the suite file name from Dir. When it is missing the test is
// skipped with the folder it looked in, except under CI=true, where a missing
// suite fails the test: a clean clone must run every suite, not skip it.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	path := filepath.Join(Dir(t), name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("conformance suite %s not found, and CI=true: put shared/conformance next to the repository or set %s", path, EnvDir)
		}
		t.Skipf("conformance suite %s not found (set %s to the folder holding it)", path, EnvDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}
