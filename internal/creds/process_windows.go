package creds

import "os/exec"

// processGroup keeps the default: the deadline kills the helper.
func processGroup(cmd *exec.Cmd, own bool) {}

// controllingTerminal: Windows has no process groups that a console read
// would stop, so the helper never gets one of its own.
func controllingTerminal() bool { return true }

// killGroup kills the helper (Windows has no process groups to kill).
func killGroup(cmd *exec.Cmd, own bool) {
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}
