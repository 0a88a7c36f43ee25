package login

import (
	"fmt"
	"strings"
	"time"

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
	auth, throttled   bool
}

func (e *APIError) Error() string {
	return fmt.Sprintf("AWS sign-in refused %s: %s: %s", e.Op, e.Code, e.Message)
}

// Hint implements the hinter.
func (e *APIError) Hint() string {
	switch {
	case e.auth || strings.HasPrefix(e.Code, "AccessDenied"):
		return "the user needs signin:CreateOAuth2Token (and signin:AuthorizeOAuth2Access to sign in)"
	case e.throttled:
		return "wait a moment and try again; the session is kept"
	}
	return "try again later; the session is kept (assume login --profile P signs in anew)"
}

// ExitCode: authentication for refusals of the user, network for
// throttling that outlasted the retries, else a failure.
func (e *APIError) ExitCode() int {
	switch {
	case e.auth || strings.HasPrefix(e.Code, "AccessDenied"):
		return exitcode.Auth
	case e.throttled:
		return exitcode.Network
	}
	return exitcode.Failure
}

// NetworkError: the sign-in endpoint could not be reached or did not
// answer in time.
type NetworkError struct {
	Endpoint string        // the sign-in endpoint's URL
	Timeout  time.Duration // set when it did not answer in time
	Reason   string        // else the transport's reason, e.g. "connection refused"
}

func (e *NetworkError) Error() string {
	if e.Timeout > 0 {
		return fmt.Sprintf("the AWS sign-in endpoint %s did not answer within %s", e.Endpoint, e.Timeout)
	}
	return fmt.Sprintf("cannot reach the AWS sign-in endpoint %s: %s", e.Endpoint, e.Reason)
}

// Hint implements the hinter.
func (e *NetworkError) Hint() string {
	return "check the network, HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL_SIGNIN; the session is kept, try again (ASSUME_HTTP_TIMEOUT sets the time limit)"
}

// ExitCode: network.
func (*NetworkError) ExitCode() int { return exitcode.Network }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 300)
}
