// Package sigrelay runs a child that takes over this process's job (a
// command run with credentials, assume-aws after a hand-off): the child
// shares our terminal, so Ctrl-C reaches it directly, and the signals sent
// to this process alone (kill PID) are relayed to it; its exit status
// becomes ours, 128+N when signal N killed it, as a shell reports it.
package sigrelay

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// active counts the children that own this process's signals.
var active atomic.Int32

// Active reports whether a child run by Run owns the signals: while one
// runs, its exit decides ours, and nothing may end the process early on
// INT or TERM.
func Active() bool { return active.Load() > 0 }

// Run starts cmd, relays the signals sent to this process (except SIGINT,
// which the terminal sends to the whole process group, the child
// included) and waits for it. It returns the child's exit status
// (Status); err is set only when cmd could not start.
func Run(cmd *exec.Cmd) (status int, err error) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, Forwarded...)
	defer signal.Stop(sigs)
	active.Add(1)
	defer active.Add(-1)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				Forward(cmd.Process, sig)
			case <-done:
				return
			}
		}
	}()
	status, _ = Status(cmd.Wait())
	close(done)
	return status, nil
}

// Forward relays sig to p, unless it is SIGINT (already delivered to the
// whole process group).
func Forward(p *os.Process, sig os.Signal) {
	if sig != os.Interrupt {
		p.Signal(sig)
	}
}

// Status is the exit status of a child whose Wait returned err: 0, its
// exit code, or 128+N when signal N killed it. Errors other than an exit
// status (the child's I/O failed) are returned with status 1.
func Status(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return ee.ExitCode(), nil
	}
	return 1, err
}

// Exit statuses of a command that could not be run, as a shell reports them.
const (
	CannotRun = 126
	NotFound  = 127
)

// LookPath finds the command to run in our place, with the status a shell
// gives when it cannot: NotFound when it does not exist, CannotRun when it
// cannot be run (not executable). The error is one line naming the command.
func LookPath(name string) (path string, status int, err error) {
	path, err = exec.LookPath(name)
	switch {
	case err == nil:
		return path, 0, nil
	case errors.Is(err, exec.ErrNotFound):
		return "", NotFound, fmt.Errorf("cannot run %q: not found on PATH", name)
	case errors.Is(err, fs.ErrNotExist):
		return "", NotFound, fmt.Errorf("cannot run %q: no such file", name)
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err
	}
	return "", CannotRun, fmt.Errorf("cannot run %q: %v", name, err)
}
