package chain

import "github.com/assume-cli/assume/internal/exitcode"

// The exit code class of each error of this package that has one
// (exitcode.Of finds it; docs/exit-codes.md).
func (*NotFoundError) ExitCode() int       { return exitcode.Config }
func (*MissingProfileError) ExitCode() int { return exitcode.Config }
func (*LoopError) ExitCode() int           { return exitcode.Config }
func (*PartialKeysError) ExitCode() int    { return exitcode.Config }
func (*ConfigError) ExitCode() int         { return exitcode.Config }
