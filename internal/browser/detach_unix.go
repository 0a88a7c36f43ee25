//go:build unix

package browser

import (
	"os/exec"
	"syscall"
)

// detach puts the launcher in its own process group, so the terminal's
// Ctrl-C (sent to the foreground group) does not kill a browser it starts.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
