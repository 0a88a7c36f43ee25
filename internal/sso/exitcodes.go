package sso

import "github.com/assume-cli/assume/internal/exitcode"

// The exit code class of each error of this package that has one
// (exitcode.Of finds it; docs/exit-codes.md).
func (*LoginRequiredError) ExitCode() int { return exitcode.Interaction }
func (*LoginError) ExitCode() int         { return exitcode.Auth }
func (*RoleNotFoundError) ExitCode() int  { return exitcode.Auth }
func (*NetworkError) ExitCode() int       { return exitcode.Network }
func (*ThrottledError) ExitCode() int     { return exitcode.Network }
func (*ConfigError) ExitCode() int        { return exitcode.Config }
func (*StartURLError) ExitCode() int      { return exitcode.Config }
func (*RegionError) ExitCode() int        { return exitcode.Config }
