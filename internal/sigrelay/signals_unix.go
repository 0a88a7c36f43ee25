//go:build !windows

package sigrelay

import (
	"os"
	"syscall"
)

// Forwarded are the signals relayed to the child.
var Forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// IsHangup reports SIGHUP (the terminal went away).
func IsHangup(sig os.Signal) bool { return sig == syscall.SIGHUP }
