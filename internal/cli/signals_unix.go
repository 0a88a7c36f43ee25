//go:build !windows

package cli

import (
	"os"
	"syscall"
)

// forwardedSignals are relayed to an --exec child.
var forwardedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
