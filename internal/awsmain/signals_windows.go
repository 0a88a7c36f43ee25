//go:build windows

package awsmain

import (
	"os"
	"syscall"
)

// forwardedSignals are relayed to the command run by exec.
var forwardedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// isHangup reports SIGHUP, which Windows does not have.
func isHangup(os.Signal) bool { return false }
