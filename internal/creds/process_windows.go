package creds

import "os/exec"

// processGroup keeps the default: the deadline kills the helper.
func processGroup(cmd *exec.Cmd, own bool) {}

// killGroup kills the helper (Windows has no process groups to kill).
func killGroup(cmd *exec.Cmd, own bool) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
