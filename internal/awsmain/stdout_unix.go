//go:build !windows

package awsmain

import (
	"os"

	"golang.org/x/sys/unix"
)

// detachStdout points standard output at /dev/null once everything has
// been printed, so that a reader waiting for the end of the output (a pipe
// into a program that reads it whole) gets it while the server goes on.
func detachStdout() {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return
	}
	defer null.Close()
	unix.Dup2(int(null.Fd()), 1)
}
