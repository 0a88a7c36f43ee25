// Package exitcode owns assume's exit codes: the documented values
// (docs/exit-codes.md, checked by a test), and how an error finds its code.
// A domain error says its own class with an ExitCode method; a wrapper
// attaches a code (and hints) to an error that has none. It imports nothing
// of ours, so both executables and every domain package can use it.
package exitcode

import (
	"context"
	"errors"
)

// The codes. docs/exit-codes.md documents each; keep the two in step (a
// test compares them).
const (
	OK          = 0   // success
	Failure     = 1   // any other failure (an AWS call failed, a file could not be written ...)
	Usage       = 2   // bad flags or arguments, shell integration missing
	Config      = 3   // the AWS config is wrong: unknown profile, loop, malformed line, bad value
	Auth        = 4   // AWS refused: keys rejected, access denied, wrong MFA code, expired session
	Interaction = 5   // a prompt (MFA code, login) is needed but there is no terminal
	Network     = 6   // unreachable, timed out, throttled after retries, or an answer that is not AWS's
	Cancelled   = 130 // interrupted (Ctrl-C)
)

// Coder is implemented by errors that know their exit code.
type Coder interface{ ExitCode() int }

// Of returns the code of err: the outermost Coder in its chain, Cancelled
// for a cancelled context, else Failure (OK for nil).
func Of(err error) int {
	if err == nil {
		return OK
	}
	var c Coder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	if errors.Is(err, context.Canceled) {
		return Cancelled
	}
	return Failure
}

// Error attaches a code, and optionally hints, to an error.
type Error struct {
	Code  int
	Err   error
	Hints []string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }
func (e *Error) ExitCode() int { return e.Code }

// With returns err with code and hints attached (nil for nil).
func With(code int, err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err, Hints: hints}
}
