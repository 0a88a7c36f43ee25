package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/assume-cli/assume/internal/term"
)

// Exit codes. Documented in docs/exit-codes.md; keep the two in step.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // any other failure (an AWS call failed, a file could not be written ...)
	ExitUsage       = 2   // bad flags or arguments, shell integration missing
	ExitConfig      = 3   // the AWS config is wrong: unknown profile, loop, malformed line, bad value
	ExitAuth        = 4   // AWS refused: keys rejected, access denied, wrong MFA code, expired session
	ExitInteraction = 5   // a prompt (MFA code, login) is needed but there is no terminal
	ExitNetwork     = 6   // AWS (or the endpoint) unreachable, timed out, or throttled after retries
	ExitCancelled   = 130 // interrupted (Ctrl-C)
)

// exitError carries an exit code and optional hints with an error.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode attaches an exit code (and hints) to err.
func withCode(code int, err error, hints ...string) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err, hints: hints}
}

// usageErr is a bad-invocation error.
func usageErr(format string, a ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, a...))
}

// coder is implemented by domain errors that know their exit class.
type coder interface{ ExitCode() int }

// hinter is implemented by domain errors that know what the user should do.
type hinter interface{ Hint() string }

// report prints err as one "assume: error:" line plus hint lines and returns
// the exit code for it.
func report(s *term.Streams, err error) int {
	code := exitCodeOf(err)
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		hints = append(hints, ee.hints...)
	}
	var h hinter
	if errors.As(err, &h) {
		if hint := h.Hint(); hint != "" {
			hints = append(hints, hint)
		}
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	s.Errorf("%s", msg)
	for _, h := range hints {
		s.Hintf("%s", h)
	}
	return code
}

// exitCodeOf is the exit code for err.
func exitCodeOf(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if c, ok := asCoder(err); ok {
		return c.ExitCode()
	}
	if errors.Is(err, context.Canceled) {
		return ExitCancelled
	}
	return ExitFailure
}

func asCoder(err error) (coder, bool) {
	var c coder
	if errors.As(err, &c) {
		return c, true
	}
	return nil, false
}
