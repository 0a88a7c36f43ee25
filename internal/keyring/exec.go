package keyring

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"time"
)

// command is one run of an external tool (pass, security).
type command struct {
	path  string
	args  []string
	env   []string // nil: inherit
	stdin []byte   // secrets travel here, never in args or env
}

// result is what a command printed and how it ended.
type result struct {
	stdout, stderr []byte
	exitCode       int // -1 when it did not exit normally
	timedOut       bool
}

// runCommand runs c with no terminal (stdin a pipe, a new session on Unix
// so it cannot open /dev/tty and wait for a password there), kills it and
// its process group when timeout expires, and never waits for stray
// children holding its output open for more than a moment.
func runCommand(c command, timeout time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.path, c.args...)
	cmd.Env = c.env
	cmd.Stdin = bytes.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	detach(cmd)
	cmd.WaitDelay = 500 * time.Millisecond
	err := cmd.Run()
	r := result{stdout: stdout.Bytes(), stderr: stderr.Bytes(), exitCode: -1}
	if cmd.ProcessState != nil {
		r.exitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		r.timedOut = true
		return r, nil
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) && !errors.Is(err, exec.ErrWaitDelay) {
		return r, err // could not start it at all
	}
	return r, nil
}
