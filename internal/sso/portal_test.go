package sso

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// loggedIn returns a client whose cache holds a token the fake accepts.
func loggedIn(t *testing.T, f *fakeIDC) (*Client, *Token) {
	t.Helper()
	c := f.client(t)
	f.mu.Lock()
	f.validTokens["AT-valid"] = true
	f.mu.Unlock()
	writeTokenFile(t, c, mySSO, `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-valid", "expiresAt": "`+ts(time.Now().Add(time.Hour))+`"}`)
	tok, err := c.Token(context.Background(), mySSO)
	if err != nil {
		t.Fatal(err)
	}
	return c, tok
}

func TestRoleCredentials(t *testing.T) {
	f := newFakeIDC(t)
	c, tok := loggedIn(t, f)
	cr, err := c.RoleCredentials(context.Background(), tok, "123456789012", "AdministratorAccess", "")
	if err != nil {
		t.Fatal(err)
	}
	want := Credentials{AccessKeyID: "ASIAFAKEPORTAL000001", SecretAccessKey: "fake-portal-secret-key", SessionToken: "fake-portal-session-token",
		Expiration: time.UnixMilli(1795715883000).UTC()}
	if cr != want {
		t.Errorf("credentials %s %s %s %v", cr.AccessKeyID, cr.SecretAccessKey, cr.SessionToken, cr.Expiration)
	}
	if f.lastBearer != "AT-valid" {
		t.Errorf("bearer header %q", f.lastBearer)
	}
}

func TestRoleCredentialsErrors(t *testing.T) {
	tests := []struct {
		name          string
		account, role string
		setup         func(*fakeIDC, *Token)
		check         func(*testing.T, error)
	}{
		{"unknown role", "123456789012", "Nope", nil, func(t *testing.T, err error) {
			var rn *RoleNotFoundError
			if !errors.As(err, &rn) || err.Error() != "no role Nope in account 123456789012 for this user" {
				t.Errorf("error %v", err)
			}
		}},
		{"token no longer accepted", "123456789012", "AdministratorAccess", func(f *fakeIDC, tok *Token) { delete(f.validTokens, tok.AccessToken) },
			func(t *testing.T, err error) {
				var lr *LoginRequiredError
				if !errors.As(err, &lr) || lr.Session != "my-sso" || !strings.Contains(lr.Hint(), "--sso-session my-sso") {
					t.Errorf("error %v", err)
				}
			}},
		{"throttled", "123456789012", "AdministratorAccess", func(f *fakeIDC, _ *Token) { f.roleErr = "TooManyRequestsException" },
			func(t *testing.T, err error) {
				var te *ThrottledError
				if !errors.As(err, &te) || te.Attempts != 3 {
					t.Errorf("error %v", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIDC(t)
			c, tok := loggedIn(t, f)
			if tt.setup != nil {
				f.mu.Lock()
				tt.setup(f, tok)
				f.mu.Unlock()
			}
			_, err := c.RoleCredentials(context.Background(), tok, tt.account, tt.role, "us-east-1")
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			checkOneLine(t, err)
			if strings.Contains(err.Error(), "AT-valid") {
				t.Errorf("error %q shows the token", err)
			}
		})
	}
}

func TestAccountsAndRoles(t *testing.T) {
	f := newFakeIDC(t)
	f.accountPages = [][]string{{"111111111111", "222222222222"}, {"333333333333"}, {"444444444444"}}
	c, tok := loggedIn(t, f)
	accts, err := c.Accounts(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range accts {
		ids = append(ids, a.ID)
		if a.Name != "name-"+a.ID || a.Email != a.ID+"@example.com" {
			t.Errorf("account %+v", a)
		}
	}
	if !slices.Equal(ids, []string{"111111111111", "222222222222", "333333333333", "444444444444"}) || f.count("ListAccounts") != 3 {
		t.Errorf("accounts %v in %d calls", ids, f.count("ListAccounts"))
	}
	roles, err := c.Roles(context.Background(), tok, "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(roles, []Role{{"111111111111", "ReadOnly"}, {"111111111111", "AdministratorAccess"}}) {
		t.Errorf("roles %v", roles)
	}
	_, err = c.Roles(context.Background(), tok, "999999999999")
	var rn *RoleNotFoundError
	if !errors.As(err, &rn) || err.Error() != "no account 999999999999 for this user" {
		t.Errorf("unknown account: %v", err)
	}
	f.mu.Lock()
	delete(f.validTokens, "AT-valid")
	f.mu.Unlock()
	var lr *LoginRequiredError
	if _, err := c.Accounts(context.Background(), tok); !errors.As(err, &lr) {
		t.Errorf("Accounts with a revoked token: %v", err)
	}
}

func TestLogout(t *testing.T) {
	f := newFakeIDC(t)
	c, tok := loggedIn(t, f)
	regPath := filepath.Join(c.CacheDir(), RegistrationFileName(mySSO))
	if err := os.WriteFile(regPath, []byte(cliRegistrationFile), 0o600); err != nil {
		t.Fatal(err)
	}
	removed, err := c.Logout(context.Background(), mySSO)
	if err != nil || !removed {
		t.Fatalf("Logout = %v, %v", removed, err)
	}
	if !slices.Equal(f.logoutCalls, []string{tok.AccessToken}) {
		t.Errorf("logout calls %v", f.logoutCalls)
	}
	if _, err := os.Stat(filepath.Join(c.CacheDir(), mySSO.TokenFileName())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file still there: %v", err)
	}
	if _, err := os.Stat(regPath); err != nil {
		t.Errorf("registration file removed: %v", err)
	}
	// Again: nothing to do, no call.
	removed, err = c.Logout(context.Background(), mySSO)
	if err != nil || removed || len(f.logoutCalls) != 1 {
		t.Errorf("second Logout = %v, %v (%d calls)", removed, err, len(f.logoutCalls))
	}
	// A token the service no longer knows is removed without complaint.
	writeTokenFile(t, c, mySSO, `{"accessToken": "AT-unknown", "expiresAt": "`+ts(time.Now().Add(time.Hour))+`", "region": "us-east-1"}`)
	if removed, err := c.Logout(context.Background(), mySSO); err != nil || !removed {
		t.Errorf("Logout of an unknown token = %v, %v", removed, err)
	}
}

func TestLogoutUnreachable(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t, func(o *Options) { o.PortalEndpoint = "http://127.0.0.1:1" })
	writeTokenFile(t, c, mySSO, `{"accessToken": "AT-x", "expiresAt": "`+ts(time.Now().Add(time.Hour))+`", "region": "us-east-1"}`)
	removed, err := c.Logout(context.Background(), mySSO)
	var ne *NetworkError
	if !removed || !errors.As(err, &ne) || !strings.Contains(err.Error(), "removed the token from this computer") {
		t.Errorf("Logout = %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(c.CacheDir(), mySSO.TokenFileName())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token file still there: %v", err)
	}
}

func TestDNSFailureNamesRegion(t *testing.T) {
	dnsErr := &url.Error{Op: "Post", URL: "https://oidc.us-esat-1.amazonaws.com/client/register",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "oidc.us-esat-1.amazonaws.com", IsNotFound: true}}}
	c, err := New(Options{CacheDir: t.TempDir(), HTTPClient: errTransport{dnsErr}, RetryBackoff: func(int) time.Duration { return 0 }, Getenv: env()})
	if err != nil {
		t.Fatal(err)
	}
	sess := Session{Name: "typo", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-esat-1"}
	_, err = c.Login(context.Background(), LoginOptions{Session: sess, NoBrowser: true})
	var ne *NetworkError
	if !errors.As(err, &ne) || !ne.DNS || !strings.Contains(err.Error(), "cannot resolve oidc.us-esat-1.amazonaws.com") ||
		!strings.Contains(ne.Hint(), "check sso_region (us-esat-1)") {
		t.Fatalf("error %v (%T)", err, err)
	}
	if !strings.Contains(err.Error(), "https://oidc.us-esat-1.amazonaws.com") {
		t.Errorf("error %q does not name the endpoint", err)
	}
}

func TestTimeoutError(t *testing.T) {
	// A listener that accepts and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	f := newFakeIDC(t)
	c, tok := loggedIn(t, f)
	c2, _ := New(Options{CacheDir: c.CacheDir(), PortalEndpoint: "http://" + ln.Addr().String(), Timeout: 200 * time.Millisecond, Getenv: env()})
	_, err = c2.RoleCredentials(context.Background(), tok, "123456789012", "AdministratorAccess", "")
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Timeout != 200*time.Millisecond || !strings.Contains(err.Error(), "no answer from the IAM Identity Center portal") {
		t.Fatalf("error %v (%T)", err, err)
	}
}

func TestPages(t *testing.T) {
	f := newFakeIDC(t)
	f.accountPages = [][]string{{"111111111111"}, {"222222222222"}}
	c, tok := loggedIn(t, f)
	ctx := context.Background()
	accts, next, err := c.AccountsPage(ctx, tok, "")
	if err != nil || len(accts) != 1 || accts[0].ID != "111111111111" || next != "page-1" {
		t.Fatalf("first page %v %q %v", accts, next, err)
	}
	accts, next, err = c.AccountsPage(ctx, tok, next)
	if err != nil || len(accts) != 1 || accts[0].ID != "222222222222" || next != "" {
		t.Fatalf("second page %v %q %v", accts, next, err)
	}
	roles, next, err := c.RolesPage(ctx, tok, "111111111111", "")
	if err != nil || len(roles) != 1 || roles[0].Name != "ReadOnly" || next != "r2" {
		t.Fatalf("roles page %v %q %v", roles, next, err)
	}
	// One request, no retries: a 429 comes straight back.
	f.mu.Lock()
	f.roleErr = "TooManyRequestsException"
	f.mu.Unlock()
	_, err = c.RoleCredentials(ctx, tok, "123456789012", "AdministratorAccess", "")
	before := f.count("GetRoleCredentials")
	var te *ThrottledError
	if !errors.As(err, &te) || before != 3 {
		t.Errorf("RoleCredentials retried %d times: %v", before, err)
	}
	f.mu.Lock()
	f.throttleLists = true
	f.mu.Unlock()
	before = f.count("ListAccounts")
	_, _, err = c.AccountsPage(ctx, tok, "")
	if !errors.As(err, &te) || te.Attempts != 1 || f.count("ListAccounts") != before+1 {
		t.Errorf("AccountsPage throttled: %v after %d calls", err, f.count("ListAccounts")-before)
	}
	_, _, err = c.RolesPage(ctx, tok, "999999999999", "")
	var rn *RoleNotFoundError
	if !errors.As(err, &rn) {
		t.Errorf("RolesPage unknown account: %v", err)
	}
	if n := f.count("ListAccountRoles"); n != 2 {
		t.Errorf("ListAccountRoles called %d times, want 2", n)
	}
}
