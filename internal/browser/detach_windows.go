//go:build windows

package browser

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// detach starts the launcher in a new process group without a console
// window, so Ctrl-C in the terminal does not reach it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		CreationFlags: windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_NO_WINDOW,
	}
}
