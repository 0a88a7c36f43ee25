//go:build windows

package awsproc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// On Windows, which has no inheritable extra descriptors in os/exec, an
// operation's request goes on stdin and its response comes from stdout;
// a hand-off's request is in a file only the user can read, in a folder of
// its own, named by --request-file.
const exeSuffix = ".exe"

var errNotByHand = errors.New(Executable + " is started by assume, not by hand")

func exchange(cmd *exec.Cmd, body []byte) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdin = bytes.NewReader(body)
	cmd.Stdout = &out
	err := cmd.Run()
	return out.Bytes(), err
}

// replaceProcess cannot replace a process on Windows; the caller then runs
// assume-aws as a child.
func replaceProcess(string, []string, []byte, []string) error { return nil }

// passRequest gives cmd the request in a file only the user can read, in a
// fresh folder of its own; assume-aws reads it and removes the folder
// (cleanup removes it too, should assume-aws fail first).
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

func serveChannel() (io.ReadCloser, io.WriteCloser, error) {
	return os.Stdin, os.Stdout, nil
}

// handOffChannel opens the request file and removes its folder once read.
func handOffChannel(file string) (io.ReadCloser, func(), error) {
	if file == "" {
		return nil, nil, errNotByHand
	}
	if !filepath.IsAbs(file) {
		return nil, nil, errors.New("--request-file must be an absolute path")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the request: %v", err)
	}
	return f, func() { os.RemoveAll(filepath.Dir(file)) }, nil
}
