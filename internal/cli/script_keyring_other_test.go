//go:build !linux

package cli_test

import "github.com/rogpeppe/go-internal/testscript"

// keyringd: the Secret Service under gnome-keyring is Linux's, and the
// end-to-end scripts run on Linux (make test); elsewhere it fails.
func cmdKeyringd(ts *testscript.TestScript, neg bool, args []string) {
	ts.Fatalf("keyringd: the Secret Service under gnome-keyring is tested on Linux only")
}
