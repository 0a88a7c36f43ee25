//go:build !windows

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/assume-cli/assume/internal/worker"
)

// replaceProcess executes the worker at path in place of this process with
// the request readable on file descriptor 3 (a pipe that already holds it
// all). It returns only when that fails.
func replaceProcess(path string, args []string, body []byte, env []string) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	// The request is far smaller than a pipe's buffer, so this never blocks.
	_, err = w.Write(body)
	w.Close()
	if err != nil {
		return err
	}
	// dup2 leaves the copy without close-on-exec; it replaces whatever was
	// on 3 (the shell function's channel, unused by these commands).
	if err := unix.Dup2(int(r.Fd()), 3); err != nil {
		return fmt.Errorf("handing over to %s: %v", worker.Executable, err)
	}
	err = syscall.Exec(path, append([]string{path}, args...), env)
	return fmt.Errorf("cannot run %s: %v", path, err)
}

// passRequest gives cmd the request on file descriptor 3.
func passRequest(cmd *exec.Cmd, body []byte) (cleanup func(), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(body); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close()
	cmd.ExtraFiles = []*os.File{r}
	return func() { r.Close() }, nil
}
