package sso

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/browser"
)

// TestNoSecretsInOutput runs every flow with debug output on and checks that
// no token, refresh token, client secret, device code, authorization code,
// PKCE verifier or role credential appears in anything shown to the user:
// instructions, debug lines, errors.
func TestNoSecretsInOutput(t *testing.T) {
	f := newFakeIDC(t)
	f.devicePlan = []string{"AuthorizationPendingException", "SlowDownException", ""}
	var shown syncBuffer // Out and Debug together
	c := f.client(t, func(o *Options) { o.Debug = &shown })
	var errs []string
	note := func(err error) {
		if err != nil {
			errs = append(errs, err.Error(), HintText(err))
		}
	}

	o := LoginOptions{Session: mySSO, NoBrowser: true, Out: &shown, PollInterval: 5 * time.Millisecond, SlowDownStep: time.Millisecond}
	_, err := c.Login(context.Background(), o)
	note(err)

	berrs := make(chan error, 1)
	o = LoginOptions{Session: mySSO, Out: &shown, Browser: &browser.Stub{OnOpen: followRedirects(t, berrs)}}
	_, err = c.Login(context.Background(), o)
	note(err)
	note(<-berrs)

	tok, err := c.Token(context.Background(), mySSO)
	note(err)
	if tok == nil {
		t.Fatal("no token")
	}
	_, err = c.RoleCredentials(context.Background(), tok, "123456789012", "AdministratorAccess", "")
	note(err)
	_, err = c.RoleCredentials(context.Background(), tok, "123456789012", "Nope", "")
	note(err)

	// Force refreshes: one that works, one the server fails while echoing
	// the request's secrets in its message.
	expire := func() {
		t.Helper()
		cur, err := c.ReadToken(mySSO)
		if err != nil {
			t.Fatal(err)
		}
		cur.ExpiresAt = time.Now().Add(-time.Minute)
		if err := c.writeToken(cur); err != nil {
			t.Fatal(err)
		}
	}
	expire()
	_, err = c.Token(context.Background(), mySSO)
	note(err)
	expire()
	f.mu.Lock()
	f.echoSecrets = true
	f.refreshErr = "InvalidRequestException"
	f.mu.Unlock()
	_, err = c.Token(context.Background(), mySSO)
	if err == nil {
		t.Error("refresh with a server error succeeded")
	}
	note(err)
	f.mu.Lock()
	f.refreshErr = "InvalidGrantException"
	f.mu.Unlock()
	_, err = c.Token(context.Background(), mySSO)
	var lr *LoginRequiredError
	if !errors.As(err, &lr) {
		t.Errorf("revoked refresh token: %v", err)
	}
	note(err)
	// A device login whose code is rejected with a message echoing it.
	f.mu.Lock()
	f.devicePlan = []string{"InvalidGrantException"}
	f.mu.Unlock()
	_, err = c.Login(context.Background(), LoginOptions{Session: mySSO, NoBrowser: true, Out: &shown, PollInterval: 5 * time.Millisecond})
	note(err)
	_, err = c.Logout(context.Background(), mySSO)
	note(err)

	f.mu.Lock()
	secrets := []string{f.clientSecret, "fake-device-code-secret", "fake-access-token-", f.refreshToken, "fake-auth-code-",
		"fake-portal-secret-key", "fake-portal-session-token"}
	for _, b := range f.createBodies {
		if v, _ := b["codeVerifier"].(string); v != "" {
			secrets = append(secrets, v)
		}
	}
	f.mu.Unlock()
	all := shown.String() + "\n" + strings.Join(errs, "\n")
	if !strings.Contains(all, "debug: sso:") || !strings.Contains(all, "<redacted>") {
		t.Errorf("the test did not exercise debug output and scrubbing:\n%s", all)
	}
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("output shows secret %q:\n%s", s, all)
		}
	}
}

// HintText returns the hint of err, if any (tests only).
func HintText(err error) string {
	var h Hinter
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}

// TestErrorsOneLine checks every error type's message and hint.
func TestErrorsOneLine(t *testing.T) {
	errs := []error{
		&LoginRequiredError{Session: "s", StartURL: "https://x.test/start", Reason: "not logged in"},
		&LoginRequiredError{Profile: "p", StartURL: "https://x.test/start"},
		&LoginRequiredError{StartURL: "https://x.test/start"},
		&LoginError{Session: mySSO, Failure: CodeExpired},
		&LoginError{Session: mySSO, Failure: Denied},
		&LoginError{Session: legacy, Failure: TimedOut, Waited: 10 * time.Minute},
		&LoginError{Session: mySSO, Failure: Rejected, Detail: "invalid_grant"},
		&LoginError{Session: mySSO, Failure: Rejected},
		&ConfigError{Session: "s", Problem: "has no sso_region", Where: "/c:3"},
		&StartURLError{Session: mySSO, Problem: "is empty"},
		&RegionError{Session: mySSO, Problem: "is not a region name such as us-east-1"},
		&RoleNotFoundError{AccountID: "123456789012", RoleName: "R"},
		&RoleNotFoundError{AccountID: "123456789012"},
		&NetworkError{Service: "x", Endpoint: "http://e", Reason: "connection refused"},
		&NetworkError{Service: "x", Endpoint: "http://e", Timeout: time.Second},
		&ThrottledError{Op: "GetRoleCredentials", Attempts: 3},
		&APIError{Op: "CreateToken", Code: "InternalServerException", Status: 500, Message: "boom"},
		&CacheError{Path: "/p", Err: errors.New("permission denied")},
	}
	for _, err := range errs {
		checkOneLine(t, err)
		if first := err.Error()[:1]; first != strings.ToLower(first) && !strings.HasPrefix(err.Error(), "IAM") {
			t.Errorf("error %q starts with a capital", err)
		}
		if h, ok := err.(Hinter); !ok || h.Hint() == "" || strings.Contains(h.Hint(), "\n") {
			t.Errorf("%T: hint %q", err, HintText(err))
		}
	}
	if got := (&LoginRequiredError{Profile: "p", StartURL: "u"}).Hint(); got != "run `assume sso login --profile p`" {
		t.Errorf("legacy hint %q", got)
	}
}
