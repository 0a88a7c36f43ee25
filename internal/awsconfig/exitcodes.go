package awsconfig

import "github.com/assume-cli/assume/internal/exitcode"

// The exit code class of each error of this package that has one
// (exitcode.Of finds it; docs/exit-codes.md).
func (*SyntaxError) ExitCode() int { return exitcode.Config }
