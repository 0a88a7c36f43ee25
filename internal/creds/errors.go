package creds

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awssdk"
)

// Hinter is implemented by errors that come with a suggestion for the user,
// printed by the CLI as a separate "hint:" line.
type Hinter interface {
	Hint() string
}

// HintOf returns the hint of the first error in err's chain that has one.
func HintOf(err error) string {
	for err != nil {
		if h, ok := err.(Hinter); ok {
			if s := h.Hint(); s != "" {
				return s
			}
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return ""
		}
		err = u.Unwrap()
	}
	return ""
}

// at renders " (file:line)" for a value's origin, or "".
func at(where string) string {
	if where == "" {
		return ""
	}
	return " (" + where + ")"
}

// ConfigError reports a value of the plan that cannot be used, e.g. a
// duration_seconds that is not a number.
type ConfigError struct {
	Profile string
	Key     string // the config key, e.g. "duration_seconds"
	Where   string // file:line, "" when not from a file
	Problem string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("profile %q: %s %s%s", e.Profile, e.Key, e.Problem, at(e.Where))
}

// Hint implements Hinter.
func (e *ConfigError) Hint() string {
	if e.Where != "" {
		return "fix " + e.Key + " at " + e.Where
	}
	return ""
}

// MFARequiredError reports that a step needs an MFA code and there is no
// terminal to ask for one.
type MFARequiredError struct {
	Profile string
	Serial  string
	Reason  string // why a helper (ykman, a dialog) could not ask either
}

func (e *MFARequiredError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("profile %q needs an MFA code for %s and there is no terminal to ask for it (%s)", e.Profile, e.Serial, e.Reason)
	}
	return fmt.Sprintf("profile %q needs an MFA code for %s and there is no terminal to ask for it", e.Profile, e.Serial)
}

// Hint implements Hinter: the command that asks for the code (the session
// it caches serves the next runs), or the flag that passes one.
func (e *MFARequiredError) Hint() string {
	return fmt.Sprintf("run 'assume %s' in a terminal (its session is then reused), or pass the current code with --mfa-token", e.Profile)
}

// MFAError reports MFA codes that AWS rejected (or that were malformed).
type MFAError struct {
	Profile  string
	Serial   string
	Attempts int
	FromFlag bool   // the code came from --mfa-token
	From     string // else the helper that gave it (mfa_process, ykman), tried once too
}

func (e *MFAError) Error() string {
	if e.FromFlag {
		return fmt.Sprintf("the MFA code given with --mfa-token for %s was rejected (profile %q)", e.Serial, e.Profile)
	}
	if e.From != "" {
		return fmt.Sprintf("the MFA code that %s gave for %s was rejected (profile %q)", e.From, e.Serial, e.Profile)
	}
	return fmt.Sprintf("MFA code for %s rejected %d times (profile %q)", e.Serial, e.Attempts, e.Profile)
}

// Hint implements Hinter.
func (e *MFAError) Hint() string {
	if e.From != "" {
		return "check that " + e.From + " gives the codes of the device " + e.Serial + ", and that its clock is right"
	}
	return "use a fresh 6-digit code from the device of " + e.Serial + "; a code works once, for about 30 seconds, and the device clock must be right"
}

// AccessDeniedError reports that AWS refused to let the caller assume a role.
type AccessDeniedError struct {
	Profile string // the profile being assumed
	Role    string
	Caller  string // the caller's ARN, or a description of its keys
	Op      string
}

func (e *AccessDeniedError) Error() string {
	return fmt.Sprintf("access denied: %s may not assume %s (profile %q)", e.Caller, e.Role, e.Profile)
}

// Hint implements Hinter.
func (e *AccessDeniedError) Hint() string {
	return "the role's trust policy must allow this caller, and the caller's policy must allow sts:" + e.Op + " on the role; check role_arn, external_id and mfa_serial"
}

// InvalidCredentialsError reports access keys that AWS did not accept
// (InvalidClientTokenId, SignatureDoesNotMatch).
type InvalidCredentialsError struct {
	Profile     string // the profile whose keys were used
	AccessKeyID string
	Code        string
	Where       string // where the keys were read, when from a file
	ClockSkew   bool   // the signature was rejected as too old or too new
}

func (e *InvalidCredentialsError) Error() string {
	switch {
	case e.ClockSkew && e.Profile == "":
		return "AWS rejected the request because this computer's clock is wrong"
	case e.ClockSkew:
		return fmt.Sprintf("AWS rejected the request signed with the keys of profile %q because this computer's clock is wrong", e.Profile)
	case e.Profile == "": // keys not from a profile (whoami)
		return fmt.Sprintf("the access keys %s were rejected by AWS (%s)", e.AccessKeyID, e.Code)
	}
	return fmt.Sprintf("the access keys of profile %q (%s) were rejected by AWS (%s)", e.Profile, e.AccessKeyID, e.Code)
}

// Hint implements Hinter.
func (e *InvalidCredentialsError) Hint() string {
	if e.ClockSkew {
		return "set the system clock (AWS allows 15 minutes of skew)"
	}
	if e.Where != "" {
		return "check aws_access_key_id, aws_secret_access_key and aws_session_token of " + e.Where + "; the keys may have been deleted or rotated"
	}
	return "the keys may have been deleted, rotated, or mistyped"
}

// ExpiredCredentialsError reports source credentials whose session has
// expired (ExpiredToken), or an expired web identity token.
type ExpiredCredentialsError struct {
	Profile string
	What    string // e.g. "session credentials", "web identity token"
	Where   string
}

func (e *ExpiredCredentialsError) Error() string {
	if e.Profile == "" { // keys not from a profile (whoami)
		return fmt.Sprintf("the %s expired", e.What)
	}
	return fmt.Sprintf("the %s of profile %q expired", e.What, e.Profile)
}

// Hint implements Hinter. --refresh only helps when the expired session
// was one assume made (no file holds it).
func (e *ExpiredCredentialsError) Hint() string {
	switch {
	case e.What == "web identity token" && e.Where != "":
		return "get a fresh token from the identity provider into the file set at " + e.Where
	case e.What == "web identity token":
		return "get a fresh token from the identity provider"
	case e.Where != "":
		return "the session keys at " + e.Where + " are no longer valid: replace them with fresh ones"
	}
	return "run again with --refresh"
}

// ThrottledError reports STS throttling that outlasted every retry.
type ThrottledError struct {
	Op       string
	Endpoint string
	Attempts int
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("STS throttled %s after %d attempts (%s)", e.Op, e.Attempts, e.Endpoint)
}

// Hint implements Hinter.
func (e *ThrottledError) Hint() string {
	return "too many requests to STS right now; wait a little and try again"
}

// NetworkError reports an endpoint that could not be reached, or did not
// answer in time.
type NetworkError struct {
	Service  string // "STS", "the container credentials endpoint", ...
	Endpoint string
	Timeout  time.Duration // non-zero when the operation timed out
	Reason   string        // e.g. "connection refused"
	Err      error
}

func (e *NetworkError) Error() string {
	return awssdk.NetworkMessage(e.Service, e.Endpoint, e.Timeout, e.Reason)
}

// Unwrap returns the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Hint implements Hinter.
func (e *NetworkError) Hint() string {
	return "check the network, HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL(_STS); ASSUME_HTTP_TIMEOUT changes the timeout"
}

// APIError is any other error answer from an AWS API.
type APIError struct {
	Op       string
	Profile  string
	Code     string
	Message  string // the service's message, one line
	Status   int
	Attempts int
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("%s for profile %q failed: %s", e.Op, e.Profile, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Hint implements Hinter.
func (e *APIError) Hint() string {
	if e.Status >= 500 {
		return "AWS had an internal error; try again later"
	}
	if e.Code == "ValidationError" && strings.Contains(e.Message, "DurationSeconds") {
		return "ask for a shorter session with --duration or duration_seconds"
	}
	return ""
}

// ProcessError reports a credential_process that failed or printed
// something unusable. It never includes the process's output.
type ProcessError struct {
	Profile  string
	Where    string
	ExitCode int           // -1 when it did not exit normally
	Timeout  time.Duration // non-zero when it was killed for taking too long
	Problem  string        // what was wrong with its output, or why it did not start
	hint     string        // replaces the default hint (a bad setting, not the command)
}

func (e *ProcessError) Error() string {
	switch {
	case e.Timeout > 0:
		return fmt.Sprintf("credential_process of profile %q did not finish within %s", e.Profile, e.Timeout)
	case e.Problem != "":
		return fmt.Sprintf("credential_process of profile %q: %s", e.Profile, e.Problem)
	default:
		return fmt.Sprintf("credential_process of profile %q exited with status %d (its error output is shown above)", e.Profile, e.ExitCode)
	}
}

// Hint implements Hinter.
func (e *ProcessError) Hint() string {
	if e.hint != "" {
		return e.hint
	}
	if e.Where != "" {
		return "run the command of " + e.Where + " by hand to see what it prints"
	}
	return "run the command by hand to see what it prints"
}

// SourceError reports a credential source that yielded no credentials:
// missing environment variables, no instance metadata, an unreadable web
// identity token file.
type SourceError struct {
	Profile string
	Source  string // e.g. "credential_source Environment"
	Where   string
	Problem string
	Err     error
}

func (e *SourceError) Error() string {
	return fmt.Sprintf("profile %q: %s: %s", e.Profile, e.Source, e.Problem)
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// Hint implements Hinter.
func (e *SourceError) Hint() string {
	if e.Where != "" {
		return "the source is configured at " + e.Where
	}
	return ""
}

// Unreachable is the NetworkError of an HTTP call to service at endpoint
// that failed in transport. It keeps only the short reason: the request URL
// (which may hold secrets, as a sign-in URL does) is dropped.
func Unreachable(service, endpoint string, err error) *NetworkError {
	reason := awssdk.NetReason(err)
	return &NetworkError{Service: service, Endpoint: endpoint, Reason: reason, Err: errors.New(reason)}
}
