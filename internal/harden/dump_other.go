//go:build !unix

package harden

// NoCoreDumps does nothing here: Windows writes no core files by default.
func NoCoreDumps() error { return nil }
