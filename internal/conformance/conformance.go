// Package conformance owns finding the cross-SDK conformance suites
// (shared/conformance, read at test time, never copied) for the tests of
// awsconfig, chain, creds, credserver and doctor. Only tests import it.
package conformance

import (
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
