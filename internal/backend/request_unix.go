//go:build !windows

package backend

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/assume-cli/assume/internal/worker"
)

// readRequest reads the request that assume handed over for `exec` and
// `endpoint`: on Unix from the pipe on file descriptor 3 (made
// close-on-exec first, so the command run by exec never inherits it).
// file is ignored; it is the Windows way.
func readRequest(file string) (*worker.Request, error) {
	if file != "" {
		return nil, errors.New("--request-file is for Windows")
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(3, &st); err != nil {
		return nil, fmt.Errorf("%s is started by assume, not by hand", worker.Executable)
	}
	syscall.CloseOnExec(3)
	f := os.NewFile(3, "request")
	defer f.Close()
	return decodeRequest(f)
}

func decodeRequest(r io.Reader) (*worker.Request, error) {
	var req worker.Request
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&req); err != nil {
		return nil, fmt.Errorf("reading the request: %v", err)
	}
	return &req, nil
}

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
