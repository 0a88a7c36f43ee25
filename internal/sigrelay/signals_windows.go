//go:build windows

package sigrelay

import (
	"os"
	"syscall"
)

// Forwarded are the signals relayed to the child.
var Forwarded = []os.Signal{os.Interrupt, syscall.SIGTERM}

// IsHangup reports SIGHUP, which Windows does not have.
func IsHangup(os.Signal) bool { return false }
