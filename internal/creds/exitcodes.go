package creds

import "github.com/assume-cli/assume/internal/exitcode"

// The exit code class of each error of this package that has one
// (exitcode.Of finds it; docs/exit-codes.md).
func (*ConfigError) ExitCode() int             { return exitcode.Config }
func (*MFARequiredError) ExitCode() int        { return exitcode.Interaction }
func (*MFAError) ExitCode() int                { return exitcode.Auth }
func (*AccessDeniedError) ExitCode() int       { return exitcode.Auth }
func (*InvalidCredentialsError) ExitCode() int { return exitcode.Auth }
func (*ExpiredCredentialsError) ExitCode() int { return exitcode.Auth }
func (*ThrottledError) ExitCode() int          { return exitcode.Network }
func (*NetworkError) ExitCode() int            { return exitcode.Network }
