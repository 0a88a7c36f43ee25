//go:build !windows

package creds

import (
	"os/exec"
	"syscall"
)

// processGroup puts the helper into a process group of its own when own is
// set, and makes the deadline kill that whole group (or, without one, the
// helper).
func processGroup(cmd *exec.Cmd, own bool) {
	if own {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	cmd.Cancel = func() error {
		killGroup(cmd, own)
		return nil
	}
}

// killGroup kills the helper's process group, or the helper alone when it
// has none of its own.
func killGroup(cmd *exec.Cmd, own bool) {
	if cmd.Process == nil {
		return
	}
	if own {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return
	}
	cmd.Process.Kill()
}
