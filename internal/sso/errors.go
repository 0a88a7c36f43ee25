package sso

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/keyring"
)

// Hinter is implemented by errors that come with a suggestion for the user
// (the CLI prints it on its own "hint:" line). It has the same method set as
// creds.Hinter.
type Hinter interface {
	Hint() string
}

// LoginRequiredError reports that no usable token exists for a session: it
// was never logged in, the login expired and cannot be refreshed, or
// IAM Identity Center no longer accepts the token or refresh token.
type LoginRequiredError struct {
	Session  string // the sso-session name; "" for a legacy profile
	Profile  string // the legacy profile, when known (for the hint)
	StartURL string
	Reason   string // e.g. "not logged in", "the login expired at 2026-11-27T01:58:15Z"
}

// Error implements error: one line, no secrets.
func (e *LoginRequiredError) Error() string {
	who := e.StartURL
	if e.Session != "" {
		who = fmt.Sprintf("sso-session %q", e.Session)
	}
	if e.Reason == "" {
		return "IAM Identity Center login required for " + who
	}
	return "IAM Identity Center login required for " + who + ": " + e.Reason
}

// Hint implements Hinter.
func (e *LoginRequiredError) Hint() string {
	s := Session{Name: e.Session, Profile: e.Profile, StartURL: e.StartURL}
	return "run `" + s.loginCommand() + "`"
}

func loginRequired(s Session, reason string) *LoginRequiredError {
	return &LoginRequiredError{Session: s.Name, Profile: s.Profile, StartURL: s.StartURL, Reason: reason}
}

// LoginFailure says why an interactive login did not complete.
type LoginFailure int

// The ways a login can fail once it has started.
const (
	// CodeExpired: the device code or authorization request expired before
	// the user approved it.
	CodeExpired LoginFailure = iota + 1
	// Denied: the user (or an administrator's policy) denied the request in
	// the browser.
	Denied
	// TimedOut: the browser never came back to the loopback redirect.
	TimedOut
	// Rejected: IAM Identity Center refused the authorization code or
	// device code it had issued.
	Rejected
)

// LoginError reports an interactive login that did not complete.
type LoginError struct {
	Session Session
	Failure LoginFailure
	Waited  time.Duration // for TimedOut
	Detail  string        // the service's reason, one line, for Rejected
}

// Error implements error: one line, no secrets.
func (e *LoginError) Error() string {
	switch e.Failure {
	case CodeExpired:
		return "the sign-in code expired before it was approved"
	case Denied:
		return "the request was denied in the browser"
	case TimedOut:
		return fmt.Sprintf("the browser did not complete the sign-in within %s", e.Waited)
	}
	if e.Detail != "" {
		return "IAM Identity Center rejected the sign-in: " + e.Detail
	}
	return "IAM Identity Center rejected the sign-in"
}

// Hint implements Hinter.
func (e *LoginError) Hint() string {
	cmd := "`" + e.Session.loginCommand() + "`"
	switch e.Failure {
	case CodeExpired:
		return "the code expired, run " + cmd + " again and approve it within the time shown"
	case Denied:
		return "run " + cmd + " again and choose Allow; if you did, your account may not have access to this start URL"
	case TimedOut:
		return "run " + cmd + " again; without a browser on this computer add --no-browser to use a code instead"
	}
	return "run " + cmd + " again"
}

// ConfigError reports an [sso-session] section that cannot be used.
type ConfigError struct {
	Session string
	Where   string // file:line of the section header, when known
	Problem string
}

// Error implements error: one line, no secrets.
func (e *ConfigError) Error() string {
	s := fmt.Sprintf("sso-session %q %s", e.Session, e.Problem)
	if e.Where != "" {
		s += " (" + e.Where + ")"
	}
	return s
}

// Hint implements Hinter.
func (e *ConfigError) Hint() string {
	return "an [sso-session " + e.Session + "] section in ~/.aws/config needs sso_start_url and sso_region; `aws configure sso-session` can write one"
}

// StartURLError reports a start URL that is malformed or that IAM Identity
// Center does not know.
type StartURLError struct {
	Session Session
	Problem string
}

// Error implements error: one line, no secrets.
func (e *StartURLError) Error() string {
	shown := e.Session
	shown.StartURL = displayURL(shown.StartURL)
	return fmt.Sprintf("sso_start_url %q of %s %s", truncate(shown.StartURL, 200), shown, e.Problem)
}

// Hint implements Hinter.
func (e *StartURLError) Hint() string {
	return "use the AWS access portal URL of your organisation, such as https://d-1234567890.awsapps.com/start, exactly as your administrator gave it"
}

// RegionError reports an sso_region that is malformed or wrong for the
// start URL.
type RegionError struct {
	Session Session
	Problem string
}

// Error implements error: one line, no secrets.
func (e *RegionError) Error() string {
	return fmt.Sprintf("sso_region %q of %s %s", truncate(e.Session.Region, 50), e.Session, e.Problem)
}

// Hint implements Hinter.
func (e *RegionError) Hint() string {
	return "set sso_region to the region of your IAM Identity Center instance (shown in the console's Settings), such as us-east-1"
}

// RoleNotFoundError reports an account or role the user is not assigned.
type RoleNotFoundError struct {
	AccountID string
	RoleName  string // "" when the account itself was not found
}

// Error implements error: one line, no secrets.
func (e *RoleNotFoundError) Error() string {
	if e.RoleName == "" {
		return fmt.Sprintf("no account %s for this user", e.AccountID)
	}
	return fmt.Sprintf("no role %s in account %s for this user", e.RoleName, e.AccountID)
}

// Hint implements Hinter.
func (e *RoleNotFoundError) Hint() string {
	return "check sso_account_id and sso_role_name (the permission set name); an administrator must assign it to you in IAM Identity Center"
}

// NetworkError reports an endpoint that could not be reached or did not
// answer in time.
type NetworkError struct {
	Service  string // "IAM Identity Center OIDC" or "the IAM Identity Center portal"
	Endpoint string
	Region   string
	Timeout  time.Duration // non-zero when the call timed out
	Reason   string
	DNS      bool // the host name did not resolve
	Err      error
}

// Error implements error: one line, no secrets.
func (e *NetworkError) Error() string {
	return awssdk.NetworkMessage(e.Service, e.Endpoint, e.Timeout, e.Reason)
}

// Unwrap returns the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Hint implements Hinter.
func (e *NetworkError) Hint() string {
	if e.DNS {
		return fmt.Sprintf("check sso_region (%s) and the network; AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO override the endpoints", e.Region)
	}
	return "check the network, HTTPS_PROXY/NO_PROXY and AWS_ENDPOINT_URL_SSO(_OIDC); ASSUME_HTTP_TIMEOUT changes the timeout"
}

// ThrottledError reports throttling that outlasted every retry.
type ThrottledError struct {
	Op       string
	Attempts int
}

// Error implements error: one line, no secrets.
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("IAM Identity Center throttled %s after %d attempts", e.Op, e.Attempts)
}

// Hint implements Hinter.
func (e *ThrottledError) Hint() string {
	return "too many requests right now; wait a little and try again"
}

// APIError is any other error answer from IAM Identity Center.
type APIError struct {
	Op      string
	Code    string
	Message string // one line, secrets removed
	Status  int
}

// Error implements error: one line, no secrets.
func (e *APIError) Error() string {
	s := fmt.Sprintf("IAM Identity Center %s failed: %s", e.Op, e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Hint implements Hinter.
func (e *APIError) Hint() string {
	switch {
	case e.Status >= 500:
		return "IAM Identity Center had an internal error; try again later"
	case e.Code == "InvalidScopeException":
		return "check sso_registration_scopes of the sso-session"
	}
	return ""
}

// CacheError reports a cache file (or, with sso_cache = keychain, a
// keychain item) that could not be written or read for a reason other than
// being absent or malformed (permissions, a full disk, a locked keychain).
type CacheError struct {
	Path string // the file, or "keychain item NAME"
	Err  error
}

// Error implements error: one line, no secrets.
func (e *CacheError) Error() string {
	return fmt.Sprintf("cannot use the SSO token cache %s: %v", e.Path, e.Err)
}

// Unwrap returns the file-system or keychain error.
func (e *CacheError) Unwrap() error { return e.Err }

// Hint implements Hinter. A keychain failure (sso_cache = keychain) gives
// the keychain's own hint.
func (e *CacheError) Hint() string {
	if strings.HasPrefix(e.Path, keychainItem) {
		if h := keyring.HintOf(e.Err); h != "" {
			return h
		}
		return "check that the keychain is reachable and unlocked, or set sso_cache = file"
	}
	return "check the owner and permissions of ~/.aws/sso/cache"
}

// displayURL hides the password of a URL that has one.
func displayURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// oneLine flattens and bounds a service message.
func oneLine(s string) string {
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), ".")
	return truncate(s, 300)
}
