//go:build windows

package cli

import (
	"os"
	"os/exec"
	"path/filepath"
)

// replaceProcess cannot replace a process on Windows; the caller then runs
// the worker as a child.
func replaceProcess(string, []string, []byte, []string) error { return nil }

// passRequest gives cmd the request in a file only the user can read, in a
// fresh folder of its own; the worker reads it and removes the folder
// (cleanup removes it too, should the worker fail first).
func passRequest(cmd *exec.Cmd, body []byte) (cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "assume-request-")
	if err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "request.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// The flag goes before the command's "--".
	args := []string{cmd.Args[0], cmd.Args[1], "--request-file", file}
	cmd.Args = append(args, cmd.Args[2:]...)
	return func() { os.RemoveAll(dir) }, nil
}
