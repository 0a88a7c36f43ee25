//go:build unix && !linux

package harden

import "testing"

// checkNotDumpable: only Linux has a dumpable flag to read back; the core
// limit is checked by the caller.
func checkNotDumpable(t *testing.T) {}
