package populate

import "github.com/assume-cli/assume/internal/exitcode"

// The exit code class of each error of this package that has one
// (exitcode.Of finds it; docs/exit-codes.md).
func (*GiveUpError) ExitCode() int { return exitcode.Network }
func (*BlockError) ExitCode() int  { return exitcode.Config }
