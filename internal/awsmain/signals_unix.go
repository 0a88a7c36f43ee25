//go:build !windows

package awsmain

import (
	"os"
	"syscall"
)

// forwardedSignals are relayed to the command run by exec (SIGINT is not:
// Ctrl-C reaches the whole process group, the command included).
var forwardedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// isHangup reports SIGHUP (the terminal went away).
func isHangup(sig os.Signal) bool { return sig == syscall.SIGHUP }
