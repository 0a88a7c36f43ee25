package awsemu

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Facts of the example world's identity_center section.
const (
	startURL     = "https://d-1234567890.awsapps.com/start"
	devAccount   = "222222222222"
	prodAccount  = "333333333333"
	adminPS      = "AdministratorAccess"
	readOnlyPS   = "ReadOnlyAccess"
	ssoScope     = "sso:account:access"
	callbackPath = "/oauth/callback"
)

// noRetry is a retryer with attempts tries and no backoff delay.
func noRetry(attempts int) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = max(attempts, 1)
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func (f *fixture) oidc(attempts int) *ssooidc.Client {
	return ssooidc.New(ssooidc.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url), Retryer: noRetry(attempts)})
}

func (f *fixture) portal(attempts int) *sso.Client {
	return sso.New(sso.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url), Retryer: noRetry(attempts)})
}

// newClock returns a fake clock stopped at the current second (close
// enough to the real clock for SigV4's skew check).
func newClock() *fakeClock {
	return &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
}

// register registers a client through the SDK.
func register(t *testing.T, c *ssooidc.Client, in *ssooidc.RegisterClientInput) *ssooidc.RegisterClientOutput {
	t.Helper()
	if in == nil {
		in = &ssooidc.RegisterClientInput{ClientName: aws.String("test-client"), ClientType: aws.String("public"), Scopes: []string{ssoScope}}
	}
	out, err := c.RegisterClient(ctx(), in)
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	return out
}

// deviceLogin runs a device-code login as user and returns the token.
func deviceLogin(t *testing.T, f *fixture, reg *ssooidc.RegisterClientOutput, user string) *ssooidc.CreateTokenOutput {
	t.Helper()
	c := f.oidc(1)
	dev, err := c.StartDeviceAuthorization(ctx(), &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if err != nil {
		t.Fatalf("StartDeviceAuthorization: %v", err)
	}
	if err := f.srv.ApproveDevice(aws.ToString(dev.UserCode), user); err != nil {
		t.Fatalf("ApproveDevice: %v", err)
	}
	tok, err := c.CreateToken(ctx(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(grantDeviceCode), DeviceCode: dev.DeviceCode,
	})
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return tok
}

// login is a device-code login of alice with a scoped client.
func login(t *testing.T, f *fixture) (*ssooidc.RegisterClientOutput, *ssooidc.CreateTokenOutput) {
	t.Helper()
	reg := register(t, f.oidc(1), nil)
	return reg, deviceLogin(t, f, reg, "alice")
}

// ssoRoleName is the AWSReservedSSO role name of a permission set in the
// example world.
func ssoRoleName(ps string) string {
	sum := sha256.Sum256([]byte(startURL + "\x00" + ps))
	return "AWSReservedSSO_" + ps + "_" + strings.ToLower(strings.TrimSpace(hexOf(sum[:8])))
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestSDKDeviceFlow(t *testing.T) {
	clock := newClock()
	f := newFixture(t, nil, Options{Now: clock.Now})
	c := f.oidc(1)
	reg := register(t, c, nil)
	if reg.ClientIdIssuedAt != clock.Now().Unix() || reg.ClientSecretExpiresAt != clock.Now().Add(90*24*time.Hour).Unix() {
		t.Errorf("registration times %d %d", reg.ClientIdIssuedAt, reg.ClientSecretExpiresAt)
	}
	if aws.ToString(reg.ClientId) == "" || len(aws.ToString(reg.ClientSecret)) < 100 {
		t.Errorf("registration %q", aws.ToString(reg.ClientId))
	}
	dev, err := c.StartDeviceAuthorization(ctx(), &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL + "#"),
	})
	if err != nil {
		t.Fatal(err)
	}
	code := aws.ToString(dev.UserCode)
	if !regexp.MustCompile(`^[A-Z]{4}-[A-Z]{4}$`).MatchString(code) || dev.ExpiresIn != 600 || dev.Interval != 1 ||
		aws.ToString(dev.VerificationUri) != f.url+"/device" ||
		aws.ToString(dev.VerificationUriComplete) != f.url+"/device?user_code="+code {
		t.Errorf("device authorization %q %d %d %q %q", code, dev.ExpiresIn, dev.Interval, aws.ToString(dev.VerificationUri), aws.ToString(dev.VerificationUriComplete))
	}
	poll := func() (*ssooidc.CreateTokenOutput, error) {
		return c.CreateToken(ctx(), &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String(grantDeviceCode), DeviceCode: dev.DeviceCode,
		})
	}
	_, err = poll()
	var pending *oidctypes.AuthorizationPendingException
	if !errors.As(err, &pending) || aws.ToString(pending.Error_) != "authorization_pending" {
		t.Fatalf("first poll: %v", err)
	}
	if _, status := apiErr(t, err); status != 400 {
		t.Errorf("pending status %d", status)
	}
	if _, err = poll(); !errors.As(err, &pending) { // the first poll was a free probe
		t.Fatalf("second poll: %v", err)
	}
	_, err = poll() // no time passed
	var slow *oidctypes.SlowDownException
	if !errors.As(err, &slow) || aws.ToString(slow.Error_) != "slow_down" {
		t.Fatalf("fast poll: %v", err)
	}
	clock.Add(2 * time.Second) // the interval is now 1+5 s
	if _, err = poll(); !errors.As(err, &slow) {
		t.Fatalf("poll after 2 s: %v", err)
	}
	clock.Add(12 * time.Second)
	if _, err = poll(); !errors.As(err, &pending) {
		t.Fatalf("poll after 12 s: %v", err)
	}
	pend := f.srv.PendingAuthorizations()
	if len(pend) != 1 || pend[0].UserCode != code || pend[0].Kind != "device" || pend[0].ClientName != "test-client" {
		t.Errorf("pending %+v", pend)
	}
	if err := f.srv.ApproveDevice(strings.ToLower(strings.ReplaceAll(code, "-", "")), "alice"); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.ApproveDevice(code, "alice"); !errors.Is(err, ErrAuthorizationDecided) {
		t.Errorf("second approval: %v", err)
	}
	tok, err := poll()
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok.TokenType) != "Bearer" || tok.ExpiresIn != 28800 || aws.ToString(tok.AccessToken) == "" ||
		aws.ToString(tok.RefreshToken) == "" || tok.IdToken != nil {
		t.Errorf("token %+v", tok)
	}
	_, err = poll()
	var invalid *oidctypes.InvalidGrantException
	if !errors.As(err, &invalid) || aws.ToString(invalid.Error_) != "invalid_grant" {
		t.Errorf("redeemed device code: %v", err)
	}
	toks := f.srv.SSOTokens()
	if len(toks) != 2 || toks[0].User != "alice" || toks[0].Grant != grantDeviceCode || !toks[0].Valid {
		t.Errorf("tokens %+v", toks)
	}
	cs := f.srv.Counters()
	if cs.Calls("sso-oidc:CreateToken") != 7 || cs.Get("CreateToken").ErrorCodes["SlowDownException"] != 2 ||
		cs.Calls("sso-oidc:RegisterClient") != 1 || cs.Calls("StartDeviceAuthorization") != 1 {
		t.Errorf("counters %+v", cs)
	}
}

func TestSDKDeviceFlowErrors(t *testing.T) {
	clock := newClock()
	f := newFixture(t, nil, Options{Now: clock.Now})
	c := f.oidc(1)
	reg := register(t, c, nil)
	start := func(r *ssooidc.RegisterClientOutput) (*ssooidc.StartDeviceAuthorizationOutput, error) {
		return c.StartDeviceAuthorization(ctx(), &ssooidc.StartDeviceAuthorizationInput{
			ClientId: r.ClientId, ClientSecret: r.ClientSecret, StartUrl: aws.String(startURL),
		})
	}
	poll := func(r *ssooidc.RegisterClientOutput, deviceCode *string) error {
		_, err := c.CreateToken(ctx(), &ssooidc.CreateTokenInput{
			ClientId: r.ClientId, ClientSecret: r.ClientSecret, GrantType: aws.String(grantDeviceCode), DeviceCode: deviceCode,
		})
		return err
	}

	t.Run("denied", func(t *testing.T) {
		dev, err := start(reg)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.srv.DenyDevice(aws.ToString(dev.UserCode)); err != nil {
			t.Fatal(err)
		}
		var denied *oidctypes.AccessDeniedException
		if err := poll(reg, dev.DeviceCode); !errors.As(err, &denied) || aws.ToString(denied.Error_) != "access_denied" {
			t.Errorf("denied: %v", err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		dev, err := start(reg)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(601 * time.Second)
		var expired *oidctypes.ExpiredTokenException
		if err := poll(reg, dev.DeviceCode); !errors.As(err, &expired) || aws.ToString(expired.Error_) != "expired_token" {
			t.Errorf("expired: %v", err)
		}
		if err := f.srv.ApproveDevice(aws.ToString(dev.UserCode), "alice"); !errors.Is(err, ErrAuthorizationExpired) {
			t.Errorf("approving an expired code: %v", err)
		}
	})
	t.Run("unknown or foreign device code", func(t *testing.T) {
		other := register(t, c, nil)
		dev, err := start(other)
		if err != nil {
			t.Fatal(err)
		}
		var invalid *oidctypes.InvalidGrantException
		for _, code := range []*string{aws.String("no-such-code"), dev.DeviceCode} {
			if err := poll(reg, code); !errors.As(err, &invalid) {
				t.Errorf("device code %.10s: %v", aws.ToString(code), err)
			}
		}
	})
	t.Run("invalid client", func(t *testing.T) {
		bad := *reg
		bad.ClientSecret = aws.String("wrong")
		var ic *oidctypes.InvalidClientException
		_, err := start(&bad)
		if !errors.As(err, &ic) || aws.ToString(ic.Error_) != "invalid_client" {
			t.Fatalf("wrong secret: %v", err)
		}
		if _, status := apiErr(t, err); status != 401 {
			t.Errorf("status %d", status)
		}
		unknown := *reg
		unknown.ClientId = aws.String("nobody")
		if err := poll(&unknown, aws.String("x")); !errors.As(err, &ic) {
			t.Errorf("unknown client: %v", err)
		}
	})
	t.Run("wrong start URL", func(t *testing.T) {
		_, err := c.StartDeviceAuthorization(ctx(), &ssooidc.StartDeviceAuthorizationInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String("https://d-0000000000.awsapps.com/start"),
		})
		var ir *oidctypes.InvalidRequestException
		if !errors.As(err, &ir) || aws.ToString(ir.Error_) != "invalid_request" {
			t.Errorf("wrong start URL: %v", err)
		}
	})
	t.Run("registration errors", func(t *testing.T) {
		tests := []struct {
			in   ssooidc.RegisterClientInput
			want any
		}{
			{ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("confidential")}, new(*oidctypes.InvalidClientMetadataException)},
			{ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"), Scopes: []string{"not a scope"}}, new(*oidctypes.InvalidScopeException)},
			{ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"), GrantTypes: []string{"password"}}, new(*oidctypes.InvalidClientMetadataException)},
			{ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"), GrantTypes: []string{grantAuthCode},
				RedirectUris: []string{"https://example.com/callback"}}, new(*oidctypes.InvalidRedirectUriException)},
			{ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"), GrantTypes: []string{grantAuthCode}}, new(*oidctypes.InvalidRequestException)},
		}
		for i, tt := range tests {
			_, err := c.RegisterClient(ctx(), &tt.in)
			if err == nil || !errors.As(err, tt.want) {
				t.Errorf("case %d: %v", i, err)
			}
		}
	})
	t.Run("grant not registered", func(t *testing.T) {
		authOnly := register(t, c, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"),
			GrantTypes: []string{grantAuthCode}, RedirectUris: []string{"http://127.0.0.1" + callbackPath}})
		var uc *oidctypes.UnauthorizedClientException
		if _, err := start(authOnly); !errors.As(err, &uc) {
			t.Errorf("device flow of an auth-code client: %v", err)
		}
		_, err := c.CreateToken(ctx(), &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String(grantAuthCode), Code: aws.String("x"), RedirectUri: aws.String("http://127.0.0.1/x"), CodeVerifier: aws.String(strings.Repeat("v", 43))})
		if !errors.As(err, &uc) {
			t.Errorf("auth code with a device client: %v", err)
		}
		var ug *oidctypes.UnsupportedGrantTypeException
		_, err = c.CreateToken(ctx(), &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("password")})
		if !errors.As(err, &ug) || aws.ToString(ug.Error_) != "unsupported_grant_type" {
			t.Errorf("password grant: %v", err)
		}
	})
	t.Run("registration expires", func(t *testing.T) {
		clock.Add(91 * 24 * time.Hour)
		var ic *oidctypes.InvalidClientException
		if _, err := start(reg); !errors.As(err, &ic) {
			t.Errorf("expired registration: %v", err)
		}
	})
}

func TestSDKRefreshTokens(t *testing.T) {
	clock := newClock()
	w := ExampleWorld()
	w.IdentityCenter.Settings.RefreshTokenLifetimeSeconds = 3600
	f := newFixture(t, w, Options{Now: clock.Now})
	c := f.oidc(1)
	reg, tok := login(t, f)
	refresh := func(rt *string) (*ssooidc.CreateTokenOutput, error) {
		return c.CreateToken(ctx(), &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String(grantRefresh), RefreshToken: rt,
		})
	}
	var invalid *oidctypes.InvalidGrantException
	next, err := refresh(tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(next.AccessToken) == aws.ToString(tok.AccessToken) || aws.ToString(next.RefreshToken) == "" ||
		aws.ToString(next.RefreshToken) == aws.ToString(tok.RefreshToken) {
		t.Error("refresh did not rotate the tokens")
	}
	if _, err := refresh(tok.RefreshToken); !errors.As(err, &invalid) {
		t.Errorf("used refresh token: %v", err)
	}
	// The access token from before the refresh stays valid until it expires.
	if _, err := f.portal(1).ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken}); err != nil {
		t.Errorf("old access token: %v", err)
	}
	if n := f.srv.RevokeRefreshTokens("bob"); n != 0 {
		t.Errorf("revoked %d of bob's", n)
	}
	if n := f.srv.RevokeRefreshTokens("alice"); n != 1 {
		t.Errorf("revoked %d of alice's", n)
	}
	if _, err := refresh(next.RefreshToken); !errors.As(err, &invalid) {
		t.Errorf("revoked refresh token: %v", err)
	}

	// A client registered without scopes gets no refresh token.
	plain := register(t, c, &ssooidc.RegisterClientInput{ClientName: aws.String("botocore-client-1795715894"), ClientType: aws.String("public")})
	if tok := deviceLogin(t, f, plain, "bob"); tok.RefreshToken != nil {
		t.Error("refresh token for a registration without scopes")
	}

	// Refresh tokens expire, and die with their sign-in at logout.
	_, tok2 := login(t, f)
	clock.Add(time.Hour)
	if _, err := refresh(tok2.RefreshToken); !errors.As(err, &invalid) {
		t.Errorf("expired refresh token: %v", err)
	}
	reg3, tok3 := login(t, f)
	if _, err := f.portal(1).Logout(ctx(), &sso.LogoutInput{AccessToken: tok3.AccessToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateToken(ctx(), &ssooidc.CreateTokenInput{ClientId: reg3.ClientId, ClientSecret: reg3.ClientSecret,
		GrantType: aws.String(grantRefresh), RefreshToken: tok3.RefreshToken}); !errors.As(err, &invalid) {
		t.Errorf("refresh after logout: %v", err)
	}
	// A refresh token of another client is invalid_grant.
	_, tok4 := login(t, f)
	if _, err := refresh(tok4.RefreshToken); !errors.As(err, &invalid) {
		t.Errorf("foreign refresh token: %v", err)
	}
}

// authCodeClient registers an authorization-code client the way AWS CLI
// 2.22+ does.
func authCodeClient(t *testing.T, f *fixture) *ssooidc.RegisterClientOutput {
	return register(t, f.oidc(1), &ssooidc.RegisterClientInput{
		ClientName: aws.String("botocore-client-my-sso"), ClientType: aws.String("public"),
		GrantTypes: []string{grantAuthCode, grantRefresh}, RedirectUris: []string{"http://127.0.0.1" + callbackPath},
		IssuerUrl: aws.String(startURL), Scopes: []string{ssoScope},
	})
}

// noRedirects is an HTTP client that returns redirects instead of
// following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authorizeURL(f *fixture, clientID, redirect, state, challenge string) string {
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirect}, "state": {state},
		"code_challenge_method": {"S256"}, "scopes": {ssoScope}, "code_challenge": {challenge},
	}
	return f.url + "/authorize?" + q.Encode()
}

var hiddenRe = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

func TestSDKAuthCodeFlow(t *testing.T) {
	f := newFixture(t, nil, Options{})
	reg := authCodeClient(t, f)
	verifier := strings.Repeat("abcdefgh", 8) // 64 characters, like the CLI's
	challenge := pkceChallenge(verifier)
	if want := base64.RawURLEncoding.EncodeToString(func() []byte { s := sha256.Sum256([]byte(verifier)); return s[:] }()); challenge != want {
		t.Fatal("challenge")
	}
	redirect := "http://127.0.0.1:45678" + callbackPath
	state := "6a4f4a4e-2e2a-4bb0-9d3e-0f5b7e6f1c2d"

	// The sign-in page, driven like a browser would.
	resp, err := noRedirects.Get(authorizeURL(f, aws.ToString(reg.ClientId), redirect, state, challenge))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := hiddenRe.FindSubmatch(body)
	if resp.StatusCode != 200 || m == nil || !strings.Contains(string(body), `<option value="alice">`) ||
		!strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("authorize page %d %s", resp.StatusCode, body)
	}
	pend := f.srv.PendingAuthorizations()
	if len(pend) != 1 || pend[0].Kind != "authorize" || pend[0].RequestID != string(m[1]) || pend[0].RedirectURI != redirect {
		t.Errorf("pending %+v", pend)
	}
	resp, err = noRedirects.PostForm(f.url+"/authorize", url.Values{"request_id": {string(m[1])}, "user": {"alice"}, "action": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || loc.Host != "127.0.0.1:45678" || loc.Path != callbackPath ||
		loc.Query().Get("state") != state || loc.Query().Get("code") == "" {
		t.Fatalf("approve: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	code := loc.Query().Get("code")

	c := f.oidc(1)
	exchange := func(code, redirect, verifier string) (*ssooidc.CreateTokenOutput, error) {
		return c.CreateToken(ctx(), &ssooidc.CreateTokenInput{
			ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String(grantAuthCode),
			Code: aws.String(code), RedirectUri: aws.String(redirect), CodeVerifier: aws.String(verifier),
		})
	}
	tok, err := exchange(code, redirect, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok.RefreshToken) == "" || tok.ExpiresIn != 28800 {
		t.Errorf("token %+v", tok)
	}
	var invalid *oidctypes.InvalidGrantException
	if _, err := exchange(code, redirect, verifier); !errors.As(err, &invalid) {
		t.Errorf("reused code: %v", err)
	}
	if got := f.srv.SSOTokens(); len(got) != 2 || got[0].Grant != grantAuthCode || got[0].ClientName != "botocore-client-my-sso" {
		t.Errorf("tokens %+v", got)
	}

	// Wrong verifier or redirect URI burn the code.
	for _, tt := range []struct{ name, redirect, verifier string }{
		{"wrong verifier", redirect, strings.Repeat("x", 64)},
		{"wrong redirect", "http://127.0.0.1:1" + callbackPath, verifier},
	} {
		to, err := f.srv.ApproveAuthorization(pendingRequest(t, f, reg, redirect, challenge), "alice")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(to)
		if _, err := exchange(u.Query().Get("code"), tt.redirect, tt.verifier); !errors.As(err, &invalid) {
			t.Errorf("%s: %v", tt.name, err)
		}
		if _, err := exchange(u.Query().Get("code"), redirect, verifier); !errors.As(err, &invalid) {
			t.Errorf("%s: the code survived a failed exchange: %v", tt.name, err)
		}
	}
	var ir *oidctypes.InvalidRequestException
	if _, err := exchange("x", redirect, "short"); !errors.As(err, &ir) {
		t.Errorf("malformed verifier: %v", err)
	}

	// Deny redirects with access_denied.
	resp, err = noRedirects.PostForm(f.url+"/authorize", url.Values{"request_id": {pendingRequest(t, f, reg, redirect, challenge)}, "action": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s" || loc.Query().Has("code") {
		t.Errorf("deny: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// auto_approve_user answers /authorize with a redirect at once.
	if err := f.srv.SetAutoApproveUser("bob"); err != nil {
		t.Fatal(err)
	}
	resp, err = noRedirects.Get(authorizeURL(f, aws.ToString(reg.ClientId), "http://127.0.0.1:999"+callbackPath, "st", challenge))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Host != "127.0.0.1:999" || loc.Query().Get("code") == "" {
		t.Fatalf("auto-approve: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err = exchange(loc.Query().Get("code"), "http://127.0.0.1:999"+callbackPath, verifier)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.SetAutoApproveUser("mallory"); err == nil {
		t.Error("unknown auto-approve user accepted")
	}
	// The token is bob's: bob sees only the dev account.
	accts, err := f.portal(1).ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	if err != nil || len(accts.AccountList) != 1 || aws.ToString(accts.AccountList[0].AccountId) != devAccount {
		t.Errorf("bob's accounts %v %v", accts, err)
	}
}

// pendingRequest opens the sign-in page for a fresh /authorize request
// (state "s") and returns its request id.
func pendingRequest(t *testing.T, f *fixture, reg *ssooidc.RegisterClientOutput, redirect, challenge string) string {
	t.Helper()
	resp, err := noRedirects.Get(authorizeURL(f, aws.ToString(reg.ClientId), redirect, "s", challenge))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := hiddenRe.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no request id in %s", body)
	}
	return string(m[1])
}

func TestAuthorizeErrors(t *testing.T) {
	f := newFixture(t, nil, Options{})
	reg := authCodeClient(t, f)
	device := register(t, f.oidc(1), nil)
	id := aws.ToString(reg.ClientId)
	good := "http://127.0.0.1:5000" + callbackPath
	tests := []struct {
		name     string
		url      string
		status   int
		errParam string // for redirects
	}{
		{"unknown client", authorizeURL(f, "nobody", good, "s", "c"), 400, ""},
		{"non-loopback redirect", authorizeURL(f, id, "http://example.com"+callbackPath, "s", "c"), 400, ""},
		{"https redirect", authorizeURL(f, id, "https://127.0.0.1"+callbackPath, "s", "c"), 400, ""},
		{"unregistered path", authorizeURL(f, id, "http://127.0.0.1:5000/elsewhere", "s", "c"), 400, ""},
		{"device client", authorizeURL(f, aws.ToString(device.ClientId), good, "s", "c"), 400, ""},
		{"no challenge", authorizeURL(f, id, good, "s", ""), 302, "invalid_request"},
		{"plain method", strings.Replace(authorizeURL(f, id, good, "s", "c"), "S256", "plain", 1), 302, "invalid_request"},
		{"response type", strings.Replace(authorizeURL(f, id, good, "s", "c"), "response_type=code", "response_type=token", 1), 302, "unsupported_response_type"},
		{"scope", strings.Replace(authorizeURL(f, id, good, "s", "c"), "scopes=sso", "scopes=other%3Ascope+sso", 1), 302, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirects.Get(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if tt.status == 302 {
				loc, _ := url.Parse(resp.Header.Get("Location"))
				if loc.Query().Get("error") != tt.errParam || loc.Query().Get("state") != "s" || loc.Host != "127.0.0.1:5000" {
					t.Errorf("redirect %q", resp.Header.Get("Location"))
				}
			} else if !strings.Contains(string(body), `id="error"`) {
				t.Errorf("error page %s", body)
			}
		})
	}
	// Bad form posts.
	for _, form := range []url.Values{
		{"request_id": {"nope"}, "user": {"alice"}, "action": {"approve"}},
		{"request_id": {"nope"}, "user": {"mallory"}, "action": {"approve"}},
		{"request_id": {"nope"}, "action": {"maybe"}},
	} {
		resp, err := noRedirects.PostForm(f.url+"/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("form %v: %d", form, resp.StatusCode)
		}
	}
}

func TestSDKPortal(t *testing.T) {
	clock := newClock()
	f := newFixture(t, nil, Options{Now: clock.Now})
	_, tok := login(t, f)
	p := f.portal(1)

	accts, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(accts.AccountList) != 2 || accts.NextToken != nil {
		t.Fatalf("accounts %+v", accts)
	}
	a := accts.AccountList[0]
	if aws.ToString(a.AccountId) != devAccount || aws.ToString(a.AccountName) != "dev" || aws.ToString(a.EmailAddress) != "aws-dev@example.com" {
		t.Errorf("account %+v", a)
	}
	roles, err := p.ListAccountRoles(ctx(), &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(devAccount)})
	if err != nil {
		t.Fatal(err)
	}
	if len(roles.RoleList) != 2 || aws.ToString(roles.RoleList[0].RoleName) != adminPS || aws.ToString(roles.RoleList[1].RoleName) != readOnlyPS ||
		aws.ToString(roles.RoleList[0].AccountId) != devAccount {
		t.Errorf("roles %+v", roles.RoleList)
	}

	for _, tt := range []struct {
		ps      string
		account string
		life    time.Duration
	}{
		{adminPS, devAccount, time.Hour},
		{readOnlyPS, prodAccount, 8 * time.Hour},
	} {
		out, err := p.GetRoleCredentials(ctx(), &sso.GetRoleCredentialsInput{
			AccessToken: tok.AccessToken, AccountId: aws.String(tt.account), RoleName: aws.String(tt.ps),
		})
		if err != nil {
			t.Fatal(err)
		}
		rc := out.RoleCredentials
		if got := time.UnixMilli(rc.Expiration); !got.Equal(clock.Now().Add(tt.life)) {
			t.Errorf("%s expiration %v", tt.ps, got)
		}
		// The credentials work against the emulated STS.
		gci, err := f.client(aws.Credentials{
			AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey), SessionToken: aws.ToString(rc.SessionToken),
		}, 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity with SSO credentials: %v", err)
		}
		wantARN := "arn:aws:sts::" + tt.account + ":assumed-role/" + ssoRoleName(tt.ps) + "/alice"
		if aws.ToString(gci.Arn) != wantARN || aws.ToString(gci.Account) != tt.account ||
			!regexp.MustCompile(`^AROA[A-Z2-7]{17}:alice$`).MatchString(aws.ToString(gci.UserId)) {
			t.Errorf("caller %s %s %s, want %s", aws.ToString(gci.Arn), aws.ToString(gci.Account), aws.ToString(gci.UserId), wantARN)
		}
	}
	if !regexp.MustCompile(`^AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}$`).MatchString(ssoRoleName(adminPS)) {
		t.Errorf("role name %s", ssoRoleName(adminPS))
	}

	var nf *ssotypes.ResourceNotFoundException
	var ua *ssotypes.UnauthorizedException
	var ir *ssotypes.InvalidRequestException
	for _, tt := range []struct {
		name    string
		account string
		role    string
	}{
		{"unassigned role", prodAccount, adminPS},
		{"unknown account", "999999999999", adminPS},
		{"unknown role", devAccount, "Nope"},
	} {
		_, err := p.GetRoleCredentials(ctx(), &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(tt.account), RoleName: aws.String(tt.role)})
		if !errors.As(err, &nf) {
			t.Errorf("%s: %v", tt.name, err)
		} else if _, status := apiErr(t, err); status != 404 {
			t.Errorf("%s: status %d", tt.name, status)
		}
	}
	if _, err := p.ListAccountRoles(ctx(), &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String("111111111111")}); !errors.As(err, &nf) {
		t.Errorf("roles of an unassigned account: %v", err)
	}
	if _, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken, MaxResults: aws.Int32(101)}); !errors.As(err, &ir) {
		t.Errorf("max_result 101: %v", err)
	} else if _, status := apiErr(t, err); status != 400 {
		t.Errorf("max_result 101: status %d", status)
	}
	if _, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken, NextToken: aws.String("forged")}); !errors.As(err, &ir) {
		t.Errorf("forged next token: %v", err)
	}
	_, err = p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: aws.String("not-a-token")})
	if !errors.As(err, &ua) {
		t.Fatalf("unknown token: %v", err)
	}
	if code, status := apiErr(t, err); status != 401 || code != "UnauthorizedException" || ua.ErrorMessage() != "Session token not found or invalid" {
		t.Errorf("unknown token: %s %d %q", code, status, ua.ErrorMessage())
	}

	// Expired access tokens are refused; ExpireSSOTokens expires them early.
	if n := f.srv.ExpireSSOTokens("alice"); n != 1 {
		t.Errorf("expired %d tokens", n)
	}
	if _, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken}); !errors.As(err, &ua) {
		t.Errorf("expired token: %v", err)
	}
	_, tok = login(t, f)
	clock.Add(8 * time.Hour)
	if _, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken}); !errors.As(err, &ua) {
		t.Errorf("token past its lifetime: %v", err)
	}

	// Logout invalidates the token; a second logout is unauthorized.
	_, tok = login(t, f)
	if _, err := p.Logout(ctx(), &sso.LogoutInput{AccessToken: tok.AccessToken}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.GetRoleCredentials(ctx(), &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(devAccount), RoleName: aws.String(adminPS)}); !errors.As(err, &ua) {
		t.Errorf("after logout: %v", err)
	}
	if _, err := p.Logout(ctx(), &sso.LogoutInput{AccessToken: tok.AccessToken}); !errors.As(err, &ua) {
		t.Errorf("second logout: %v", err)
	}
	cs := f.srv.Counters()
	if cs.Calls("sso:GetRoleCredentials") != 6 || cs.Get("sso:GetRoleCredentials").ErrorCodes["ResourceNotFoundException"] != 3 || cs.Calls("sso:Logout") != 2 {
		t.Errorf("counters %+v", cs.Actions)
	}
}

func TestSDKPaginators(t *testing.T) {
	w := ExampleWorld()
	w.IdentityCenter.Generate = &OrgGenerator{Accounts: 250, PermissionSets: []string{"ReadOnly", "PowerUser", "Admin"}, User: "carol"}
	f := newFixture(t, w, Options{})
	tok, err := f.srv.MintSSOToken("carol")
	if err != nil {
		t.Fatal(err)
	}
	p := f.portal(1)
	pages := sso.NewListAccountsPaginator(p, &sso.ListAccountsInput{AccessToken: aws.String(tok.AccessToken)}, func(o *sso.ListAccountsPaginatorOptions) { o.Limit = 100 })
	var ids []string
	var sizes []int
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.AccountList))
		for _, a := range out.AccountList {
			ids = append(ids, aws.ToString(a.AccountId))
		}
	}
	if len(ids) != 250 || len(sizes) != 3 || sizes[0] != 100 || sizes[2] != 50 || ids[0] != "100000000000" || ids[249] != "100000000249" {
		t.Fatalf("%d accounts in pages %v", len(ids), sizes)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("accounts out of order at %d", i)
		}
	}
	// The default page size is 20.
	out, err := p.ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: aws.String(tok.AccessToken)})
	if err != nil || len(out.AccountList) != 20 || out.NextToken == nil {
		t.Fatalf("default page: %d %v", len(out.AccountList), err)
	}
	// A token of one listing is refused by another.
	var ir *ssotypes.InvalidRequestException
	if _, err := p.ListAccountRoles(ctx(), &sso.ListAccountRolesInput{AccessToken: aws.String(tok.AccessToken), AccountId: aws.String("100000000000"), NextToken: out.NextToken}); !errors.As(err, &ir) {
		t.Errorf("accounts token used for roles: %v", err)
	}
	rolePages := sso.NewListAccountRolesPaginator(p, &sso.ListAccountRolesInput{AccessToken: aws.String(tok.AccessToken), AccountId: aws.String("100000000007")},
		func(o *sso.ListAccountRolesPaginatorOptions) { o.Limit = 1 })
	var roles []string
	for rolePages.HasMorePages() {
		out, err := rolePages.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.RoleList {
			roles = append(roles, aws.ToString(r.RoleName))
		}
	}
	if strings.Join(roles, ",") != "Admin,PowerUser,ReadOnly" {
		t.Errorf("roles %v", roles)
	}
}

func TestSDKRateLimitsAndFaults(t *testing.T) {
	clock := newClock()
	w := ExampleWorld()
	w.IdentityCenter.Settings.RateLimits = map[string]float64{"sso:ListAccountRoles": 2, "CreateToken": 0.5}
	f := newFixture(t, w, Options{Now: clock.Now})
	_, tok := login(t, f)
	p := f.portal(1)
	list := func() error {
		_, err := p.ListAccountRoles(ctx(), &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String(devAccount)})
		return err
	}
	for i := 0; i < 2; i++ {
		if err := list(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	var tmr *ssotypes.TooManyRequestsException
	err := list()
	if !errors.As(err, &tmr) {
		t.Fatalf("third call: %v", err)
	}
	if _, status := apiErr(t, err); status != 429 {
		t.Errorf("status %d", status)
	}
	clock.Add(500 * time.Millisecond) // one call's worth
	if err := list(); err != nil {
		t.Errorf("after refill: %v", err)
	}
	if err := list(); !errors.As(err, &tmr) {
		t.Errorf("bucket not empty: %v", err)
	}

	// Injected faults use the rest-json codes; the SDK retries throttles.
	if err := f.srv.SetFaults(Fault{Kind: FaultThrottle, Action: "sso:ListAccounts", Count: 1}, Fault{Kind: FaultInternal, Action: "RegisterClient", Count: 1}); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetCounters()
	if _, err := f.portal(3).ListAccounts(ctx(), &sso.ListAccountsInput{AccessToken: tok.AccessToken}); err != nil {
		t.Errorf("retried throttle: %v", err)
	}
	if c := f.srv.Counters().Get("sso:ListAccounts"); c.Calls != 2 || c.ErrorCodes["TooManyRequestsException"] != 1 {
		t.Errorf("counter %+v", c)
	}
	_, err = f.oidc(1).RegisterClient(ctx(), &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public")})
	var ise *oidctypes.InternalServerException
	if !errors.As(err, &ise) {
		t.Errorf("internal fault: %v", err)
	} else if _, status := apiErr(t, err); status != 500 {
		t.Errorf("internal fault status %d", status)
	}
}

// TestSSOCredsProvider runs the SDK's own SSO credential provider against
// token files: a valid token, and an expired one refreshed through the
// SSOTokenProvider.
func TestSSOCredsProvider(t *testing.T) {
	f := newFixture(t, nil, Options{})
	tok, err := f.srv.MintSSOToken("alice")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeToken := func(name string, expiresAt time.Time) string {
		t.Helper()
		doc := map[string]string{
			"startUrl": tok.StartURL, "region": tok.Region, "accessToken": tok.AccessToken,
			"expiresAt": expiresAt.UTC().Format(time.RFC3339), "clientId": tok.ClientID, "clientSecret": tok.ClientSecret,
			"registrationExpiresAt": tok.RegistrationExpiresAt.UTC().Format(time.RFC3339), "refreshToken": tok.RefreshToken,
		}
		data, _ := json.Marshal(doc)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	p := f.portal(1)
	valid := writeToken("valid.json", tok.ExpiresAt)
	prov := ssocreds.New(p, devAccount, adminPS, tok.StartURL, func(o *ssocreds.Options) { o.CachedTokenFilepath = valid })
	creds, err := prov.Retrieve(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || !creds.CanExpire || creds.Expires.Sub(time.Now()) < 59*time.Minute {
		t.Errorf("credentials %s %v", creds.AccessKeyID, creds.Expires)
	}
	gci, err := f.client(creds, 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(gci.Arn), "/alice") {
		t.Errorf("caller %v %v", gci, err)
	}

	// The server-side token expires; the file says it expired: the token
	// provider refreshes it, rewrites the file, and credentials work again.
	f.srv.ExpireSSOTokens("")
	expired := writeToken("expired.json", time.Now().Add(-time.Minute))
	tp := ssocreds.NewSSOTokenProvider(f.oidc(1), expired)
	prov = ssocreds.New(p, devAccount, readOnlyPS, tok.StartURL, func(o *ssocreds.Options) { o.SSOTokenProvider = tp })
	creds, err = prov.Retrieve(ctx())
	if err != nil {
		t.Fatalf("refreshing provider: %v", err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") {
		t.Errorf("credentials %s", creds.AccessKeyID)
	}
	var rewritten map[string]string
	data, _ := os.ReadFile(expired)
	if err := json.Unmarshal(data, &rewritten); err != nil || rewritten["accessToken"] == tok.AccessToken || rewritten["refreshToken"] == tok.RefreshToken {
		t.Errorf("token file not refreshed: %v", err)
	}
	if c := f.srv.Counters().Get("sso-oidc:CreateToken"); c.Calls != 1 || c.Errors != 0 {
		t.Errorf("CreateToken counter %+v", c)
	}
	// With the refresh token revoked, a stale file fails.
	f.srv.RevokeRefreshTokens("")
	tp = ssocreds.NewSSOTokenProvider(f.oidc(1), writeToken("stale.json", time.Now().Add(-time.Minute)))
	if _, err := ssocreds.New(p, devAccount, adminPS, tok.StartURL, func(o *ssocreds.Options) { o.SSOTokenProvider = tp }).Retrieve(ctx()); err == nil {
		t.Error("revoked refresh token worked")
	}
}
