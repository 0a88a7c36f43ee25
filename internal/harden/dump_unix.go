//go:build unix && !linux

package harden

import "syscall"

// NoCoreDumps sets the soft core-file limit to 0 (the hard limit stays, so
// a child may raise it again).
func NoCoreDumps() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &lim); err != nil {
		return err
	}
	lim.Cur = 0
	return syscall.Setrlimit(syscall.RLIMIT_CORE, &lim)
}
