package sso

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsemu"
	"github.com/assume-cli/assume/internal/browser"
)

// emuWorld is an emulator world with an Identity Center instance. With
// autoApprove every login is approved at once as alice.
func emuWorld(autoApprove bool) string {
	auto := ""
	if autoApprove {
		auto = `"auto_approve_user": "alice",`
	}
	return `{
  "accounts": [{"id": "111111111111", "name": "identity"}, {"id": "222222222222", "name": "dev"}, {"id": "333333333333", "name": "prod"}],
  "identity_center": {
    "instance": {"start_url": "https://d-1234567890.awsapps.com/start", "region": "us-east-1"},
    "settings": {` + auto + ` "device_poll_interval_seconds": 1},
    "users": [{"name": "alice", "email": "alice@example.com"}],
    "permission_sets": [{"name": "AdministratorAccess"}, {"name": "ReadOnly", "session_duration": 7200}],
    "assignments": [
      {"user": "alice", "account": "222222222222", "permission_set": "AdministratorAccess"},
      {"user": "alice", "account": "222222222222", "permission_set": "ReadOnly"},
      {"user": "alice", "account": "333333333333", "permission_set": "ReadOnly"}
    ]
  }
}`
}

// newEmu starts the emulator; the SSO and OIDC endpoints of the returned
// client point at it.
func newEmu(t *testing.T, autoApprove bool) (*awsemu.Server, *httptest.Server, *Client) {
	t.Helper()
	w, err := awsemu.ParseWorld([]byte(emuWorld(autoApprove)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsemu.New(w, awsemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	c, err := New(Options{CacheDir: t.TempDir(), OIDCEndpoint: ts.URL, PortalEndpoint: ts.URL, Getenv: env("DISPLAY", ":0"),
		RetryBackoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	return srv, ts, c
}

func TestEmulatorDeviceLoginAndPortal(t *testing.T) {
	srv, _, c := newEmu(t, true)
	ctx := context.Background()
	tok, err := c.Login(ctx, LoginOptions{Session: mySSO, NoBrowser: true, PollInterval: 10 * time.Millisecond, SlowDownStep: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Error("no refresh token for a scoped registration")
	}
	// Token reads the file back without a network call.
	calls := srv.Counters().Total()
	tok2, err := c.Token(ctx, mySSO)
	if err != nil || tok2.AccessToken != tok.AccessToken || srv.Counters().Total() != calls {
		t.Fatalf("Token = %v, %v", tok2, err)
	}

	cr, err := c.RoleCredentials(ctx, tok2, "222222222222", "AdministratorAccess", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cr.AccessKeyID, "ASIA") || cr.SecretAccessKey == "" || cr.SessionToken == "" || time.Until(cr.Expiration) < 50*time.Minute {
		t.Errorf("credentials %v expire %v", cr, cr.Expiration)
	}
	_, err = c.RoleCredentials(ctx, tok2, "333333333333", "AdministratorAccess", "")
	var rn *RoleNotFoundError
	if !errors.As(err, &rn) {
		t.Errorf("unassigned role: %v", err)
	}

	accts, err := c.Accounts(ctx, tok2)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accts {
		ids = append(ids, a.ID+"="+a.Name)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"222222222222=dev", "333333333333=prod"}) {
		t.Errorf("accounts %v", ids)
	}
	roles, err := c.Roles(ctx, tok2, "222222222222")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"AdministratorAccess", "ReadOnly"}) {
		t.Errorf("roles %v", names)
	}

	// A forced refresh gets a new token from the emulator.
	tok2.ExpiresAt = time.Now().Add(-time.Minute)
	if err := c.writeToken(tok2); err != nil {
		t.Fatal(err)
	}
	tok3, err := c.Token(ctx, mySSO)
	if err != nil {
		t.Fatal(err)
	}
	if tok3.AccessToken == tok2.AccessToken || !tok3.ValidAt(time.Now(), time.Hour) {
		t.Errorf("refresh did not give a new token: %v", tok3)
	}
	if _, err := c.RoleCredentials(ctx, tok3, "222222222222", "ReadOnly", ""); err != nil {
		t.Errorf("credentials with the refreshed token: %v", err)
	}

	// Logout ends the session at the emulator too.
	if removed, err := c.Logout(ctx, mySSO); err != nil || !removed {
		t.Fatalf("Logout = %v, %v", removed, err)
	}
	var lr *LoginRequiredError
	if _, err := c.RoleCredentials(ctx, tok3, "222222222222", "ReadOnly", ""); !errors.As(err, &lr) {
		t.Errorf("credentials after logout: %v", err)
	}
	if _, err := c.Token(ctx, mySSO); !errors.As(err, &lr) {
		t.Errorf("Token after logout: %v", err)
	}
}

func TestEmulatorAuthCodeLogin(t *testing.T) {
	_, _, c := newEmu(t, true)
	errs := make(chan error, 1)
	stub := &browser.Stub{OnOpen: followRedirects(t, errs)}
	tok, err := c.Login(context.Background(), LoginOptions{Session: mySSO, Browser: stub})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if _, err := c.RoleCredentials(context.Background(), tok, "222222222222", "AdministratorAccess", ""); err != nil {
		t.Fatal(err)
	}
}

func TestEmulatorLegacyLogin(t *testing.T) {
	_, _, c := newEmu(t, true)
	tok, err := c.Login(context.Background(), LoginOptions{Session: legacy, NoBrowser: true, PollInterval: 10 * time.Millisecond, SlowDownStep: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "" {
		t.Error("a legacy registration got a refresh token")
	}
	if _, err := c.RoleCredentials(context.Background(), tok, "333333333333", "ReadOnly", ""); err != nil {
		t.Fatal(err)
	}
}

// TestEmulatorDeviceDecisions approves or denies the device code as a
// person would, while Login polls.
func TestEmulatorDeviceDecisions(t *testing.T) {
	for _, approve := range []bool{true, false} {
		srv, _, c := newEmu(t, false)
		var out syncBuffer
		done := make(chan error, 1)
		go func() {
			_, err := c.Login(context.Background(), LoginOptions{Session: mySSO, NoBrowser: true, Out: &out, PollInterval: 10 * time.Millisecond, SlowDownStep: 10 * time.Millisecond})
			done <- err
		}()
		var code string
		waitUntil(t, "the user code", func() bool {
			s := out.String()
			i := strings.Index(s, "enter the code\n\n    ")
			if i < 0 {
				return false
			}
			code, _, _ = strings.Cut(s[i+len("enter the code\n\n    "):], "\n")
			return true
		})
		// Let a few polls see authorization_pending first.
		waitUntil(t, "polling", func() bool { return srv.Counters().Errors("CreateToken") >= 2 })
		var err error
		if approve {
			err = srv.ApproveDevice(code, "alice")
		} else {
			err = srv.DenyDevice(code)
		}
		if err != nil {
			t.Fatal(err)
		}
		err = <-done
		var le *LoginError
		switch {
		case approve && err != nil:
			t.Errorf("approved login: %v", err)
		case !approve && (!errors.As(err, &le) || le.Failure != Denied):
			t.Errorf("denied login: %v", err)
		}
	}
}

func TestEmulatorWrongStartURL(t *testing.T) {
	_, _, c := newEmu(t, true)
	sess := Session{Name: "other", StartURL: "https://d-9999999999.awsapps.com/start", Region: "us-east-1"}
	_, err := c.Login(context.Background(), LoginOptions{Session: sess, NoBrowser: true, PollInterval: 10 * time.Millisecond, SlowDownStep: 10 * time.Millisecond})
	var se *StartURLError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T)", err, err)
	}
	checkOneLine(t, err)
}
