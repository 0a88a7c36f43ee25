package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/assume-cli/assume/internal/exitcode"
)

// Exit codes (internal/exitcode owns them; docs/exit-codes.md documents them).
const (
	ExitOK          = exitcode.OK
	ExitFailure     = exitcode.Failure
	ExitUsage       = exitcode.Usage
	ExitConfig      = exitcode.Config
	ExitAuth        = exitcode.Auth
	ExitInteraction = exitcode.Interaction
	ExitCancelled   = exitcode.Cancelled
)

// exitError carries an exit code and optional hints with an error.
type exitError = exitcode.Error

// withCode attaches an exit code (and hints) to err.
func withCode(code int, err error, hints ...string) error { return exitcode.With(code, err, hints...) }

// usageErr is a bad-invocation error.
func usageErr(format string, a ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, a...))
}

// hinter is implemented by domain errors that know what the user should do.
type hinter interface{ Hint() string }

// report prints err as one "assume: error:" line plus hint lines and returns
// the exit code for it.
func report(s *invocation, err error) int {
	code := exitCodeOf(err)
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		hints = append(hints, ee.Hints...)
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

// exitCodeOf is the exit code for err (exitcode.Of: the outermost error
// that knows its code).
func exitCodeOf(err error) int { return exitcode.Of(err) }
