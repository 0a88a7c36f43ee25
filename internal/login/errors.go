package login

import (
	"fmt"
	"strings"

	"github.com/assume-cli/assume/internal/exitcode"
)

// LoginRequiredError: the profile's aws login session is missing or AWS no
// longer accepts it.
type LoginRequiredError struct {
	Profile string
	Session string // login_session ARN
	Reason  string
}

func (e *LoginRequiredError) Error() string {
	return fmt.Sprintf("the aws login session of profile %q (%s) needs a sign-in: %s", e.Profile, e.Session, e.Reason)
}

// Hint names the command that signs in again.
func (e *LoginRequiredError) Hint() string {
	return "run `assume login --profile " + e.Profile + "` (or `aws login --profile " + e.Profile + "`)"
}

// ExitCode: interaction needed.
func (*LoginRequiredError) ExitCode() int { return exitcode.Interaction }

// CacheFileError: the cache file cannot be used.
type CacheFileError struct {
	Path, Profile, Problem string
}

func (e *CacheFileError) Error() string {
	return fmt.Sprintf("the aws login cache file %s of profile %q cannot be used: %s", e.Path, e.Profile, e.Problem)
}

// Hint implements the hinter.
func (e *CacheFileError) Hint() string {
	return "sign in again: `assume login --profile " + e.Profile + "` rewrites it"
}

// ExitCode: configuration.
func (*CacheFileError) ExitCode() int { return exitcode.Config }

// APIError is a refused sign-in call.
type APIError struct {
	Op, Code, Message string
	auth              bool
}

func (e *APIError) Error() string {
	return fmt.Sprintf("AWS sign-in refused %s: %s: %s", e.Op, e.Code, e.Message)
}

// ExitCode: authentication for refusals of the user, else a failure.
func (e *APIError) ExitCode() int {
	if e.auth || strings.HasPrefix(e.Code, "AccessDenied") {
		return exitcode.Auth
	}
	return exitcode.Failure
}

// NetworkError: the sign-in endpoint could not be reached.
type NetworkError struct {
	Op, Err string
}

func (e *NetworkError) Error() string { return "AWS sign-in (" + e.Op + ") unreachable: " + e.Err }

// ExitCode: network.
func (*NetworkError) ExitCode() int { return exitcode.Network }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 300)
}
