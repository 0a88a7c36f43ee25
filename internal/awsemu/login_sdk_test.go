package awsemu

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	signintypes "github.com/aws/aws-sdk-go-v2/service/signin/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const testLoginCallback = "http://127.0.0.1:4242/oauth/callback"

// loginFixture is an emulator that approves sign-ins as alice, and a signin
// client of the AWS SDK for Go v2 pointed at it.
type loginFixture struct {
	*fixture
	signin *signin.Client
}

func newLoginFixture(t *testing.T, opts Options) *loginFixture {
	t.Helper()
	w := testWorld(t)
	w.Settings.LoginAutoApproveUser = "alice"
	f := newFixture(t, w, opts)
	return &loginFixture{fixture: f, signin: signin.New(signin.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url)})}
}

// authorize runs the browser step and returns the code from the redirect.
func (f *loginFixture) authorize(t *testing.T, clientID, redirect, verifier string) string {
	t.Helper()
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "state": {"st-1"}, "code_challenge_method": {"SHA-256"},
		"scope": {"openid"}, "redirect_uri": {redirect}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(f.url + "/v1/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("state") != "st-1" || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// testDPoP signs CreateOAuth2Token requests like the AWS CLI does (an
// independent implementation: the SDK's is unexported).
type testDPoP struct {
	key  *ecdsa.PrivateKey
	edit func(hdr, pay map[string]any) // tampers with a proof
}

func (*testDPoP) ID() string { return "testDPoP" }

func (d *testDPoP) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	req := in.Request.(*smithyhttp.Request)
	req.Header.Set("DPoP", d.proof(req.URL.String()))
	return next.HandleFinalize(ctx, in)
}

func (d *testDPoP) proof(htu string) string {
	enc := base64.RawURLEncoding
	pub := d.key.PublicKey
	hdr := map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": map[string]string{
		"kty": "EC", "crv": "P-256", "x": enc.EncodeToString(pub.X.FillBytes(make([]byte, 32))), "y": enc.EncodeToString(pub.Y.FillBytes(make([]byte, 32))),
	}}
	pay := map[string]any{"htm": "POST", "htu": htu, "iat": time.Now().Unix(), "jti": randomToken("", 18)}
	if d.edit != nil {
		d.edit(hdr, pay)
	}
	h, _ := json.Marshal(hdr)
	p, _ := json.Marshal(pay)
	msg := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	sum := sha256.Sum256([]byte(msg))
	r, s, err := ecdsa.Sign(rand.Reader, d.key, sum[:])
	if err != nil {
		panic(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	return msg + "." + enc.EncodeToString(sig)
}

func (d *testDPoP) option() func(*signin.Options) {
	return signin.WithAPIOptions(func(st *middleware.Stack) error { return st.Finalize.Add(d, middleware.After) })
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

const testVerifier = "abcdefghijklmnopqrstuvwxyz0123456789-._~ABCDEFGHIJKLMNOPQRSTUVWX" // 64 characters

func (f *loginFixture) exchange(t *testing.T, d *testDPoP, clientID, redirect, code, verifier string) (*signin.CreateOAuth2TokenOutput, error) {
	t.Helper()
	return f.signin.CreateOAuth2Token(ctx(), &signin.CreateOAuth2TokenInput{TokenInput: &signintypes.CreateOAuth2TokenRequestBody{
		ClientId: aws.String(clientID), GrantType: aws.String("authorization_code"), Code: aws.String(code),
		CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect),
	}}, d.option())
}

func (f *loginFixture) refresh(d *testDPoP, token string) (*signin.CreateOAuth2TokenOutput, error) {
	return f.signin.CreateOAuth2Token(ctx(), &signin.CreateOAuth2TokenInput{TokenInput: &signintypes.CreateOAuth2TokenRequestBody{
		ClientId: aws.String(LoginClientSameDevice), GrantType: aws.String("refresh_token"), RefreshToken: aws.String(token),
	}}, d.option())
}

// writeLoginCache writes the AWS CLI's cache file for out, already expired
// so that the SDK's provider refreshes at once.
func writeLoginCache(t *testing.T, path string, key *ecdsa.PrivateKey, out *signintypes.CreateOAuth2TokenResponseBody, refresh string) {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{
		"accessToken": map[string]string{
			"accessKeyId": aws.ToString(out.AccessToken.AccessKeyId), "secretAccessKey": aws.ToString(out.AccessToken.SecretAccessKey),
			"sessionToken": aws.ToString(out.AccessToken.SessionToken), "accountId": "111111111111",
			"expiresAt": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		},
		"tokenType": "aws_sigv4", "clientId": LoginClientSameDevice, "refreshToken": refresh,
		"idToken": aws.ToString(out.IdToken), "dpopKey": string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})),
	}
	data, _ := json.Marshal(doc)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestSDKLoginProvider proves the emulator speaks the protocol of the AWS
// SDK for Go v2's own login provider (credentials/logincreds): its DPoP
// proofs verify, its refresh rotates the token, its credentials sign STS
// calls as the user, and a replayed refresh token ends the session.
func TestSDKLoginProvider(t *testing.T) {
	f := newLoginFixture(t, Options{})
	key := newKey(t)
	d := &testDPoP{key: key}
	code := f.authorize(t, LoginClientSameDevice, testLoginCallback, testVerifier)
	out, err := f.exchange(t, d, LoginClientSameDevice, testLoginCallback, code, testVerifier)
	if err != nil {
		t.Fatal(err)
	}
	tok := out.TokenOutput
	if aws.ToString(tok.TokenType) != "aws_sigv4" || aws.ToInt32(tok.ExpiresIn) != 900 || aws.ToString(tok.RefreshToken) == "" {
		t.Fatalf("token output: type %q expiresIn %d", aws.ToString(tok.TokenType), aws.ToInt32(tok.ExpiresIn))
	}
	parts := strings.Split(aws.ToString(tok.IdToken), ".")
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if !strings.Contains(string(claims), `"sub":"`+aliceARN+`"`) {
		t.Errorf("id token claims %s lack sub %s", claims, aliceARN)
	}
	// A code is good once.
	if _, err := f.exchange(t, d, LoginClientSameDevice, testLoginCallback, code, testVerifier); !isSigninErr(err, "AUTHCODE_EXPIRED") {
		t.Errorf("second exchange: %v", err)
	}

	path := filepath.Join(t.TempDir(), "cache.json")
	first := aws.ToString(tok.RefreshToken)
	writeLoginCache(t, path, key, tok, first)
	p := logincreds.New(f.signin, path, func(o *logincreds.Options) { o.RestrictPermissions = true })
	creds, err := p.Retrieve(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccountID != "111111111111" || time.Until(creds.Expires) < 14*time.Minute {
		t.Errorf("credentials: account %q expires %v", creds.AccountID, creds.Expires)
	}
	id, err := f.client(creds, 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != aliceARN {
		t.Fatalf("GetCallerIdentity with login credentials: %v %v", err, id)
	}
	var after struct{ RefreshToken string }
	data, _ := os.ReadFile(path)
	_ = json.Unmarshal(data, &after)
	if after.RefreshToken == "" || after.RefreshToken == first {
		t.Fatal("the refresh token did not rotate")
	}
	if c := f.srv.LoginCounters(); c.CodeExchanges != 1 || c.Refreshes != 1 || c.RejectedProofs != 0 {
		t.Errorf("counters %+v", c)
	}

	// The old refresh token again: the session ends, also for the new token.
	writeLoginCache(t, path, key, tok, first)
	if _, err := p.Retrieve(ctx()); err == nil || !strings.Contains(err.Error(), "login session has expired") {
		t.Fatalf("replayed refresh token: %v", err)
	}
	if _, err := f.refresh(d, after.RefreshToken); !isSigninErr(err, "TOKEN_EXPIRED") {
		t.Errorf("refresh after a replay: %v", err)
	}
	if c := f.srv.LoginCounters(); c.ReplayedRefreshTokens != 1 {
		t.Errorf("counters %+v", c)
	}
}

func isSigninErr(err error, code signintypes.OAuth2ErrorCode) bool {
	var ad *signintypes.AccessDeniedException
	var ve *signintypes.ValidationException
	switch {
	case errors.As(err, &ad):
		return ad.Error_ == code
	case errors.As(err, &ve):
		return ve.Error_ == code
	}
	return false
}

// TestLoginTokenErrors: PKCE, DPoP (key binding, htu, htm, iat, replay,
// signature), redirect, revocation and session expiry.
func TestLoginTokenErrors(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	f := newLoginFixture(t, Options{Now: clock.Now})
	key := newKey(t)
	start := func(t *testing.T) string {
		code := f.authorize(t, LoginClientSameDevice, testLoginCallback, testVerifier)
		out, err := f.exchange(t, &testDPoP{key: key}, LoginClientSameDevice, testLoginCallback, code, testVerifier)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TokenOutput.RefreshToken)
	}
	t.Run("pkce mismatch", func(t *testing.T) {
		code := f.authorize(t, LoginClientSameDevice, testLoginCallback, testVerifier)
		_, err := f.exchange(t, &testDPoP{key: key}, LoginClientSameDevice, testLoginCallback, code, strings.Repeat("z", 64))
		if !isSigninErr(err, "INVALID_REQUEST") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("redirect differs", func(t *testing.T) {
		code := f.authorize(t, LoginClientSameDevice, testLoginCallback, testVerifier)
		_, err := f.exchange(t, &testDPoP{key: key}, LoginClientSameDevice, "http://127.0.0.1:9/oauth/callback", code, testVerifier)
		if !isSigninErr(err, "INVALID_REQUEST") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("code expired", func(t *testing.T) {
		code := f.authorize(t, LoginClientSameDevice, testLoginCallback, testVerifier)
		clock.Add(loginCodeLifetime + time.Second)
		_, err := f.exchange(t, &testDPoP{key: key, edit: func(_, p map[string]any) { p["iat"] = clock.Now().Unix() }}, LoginClientSameDevice, testLoginCallback, code, testVerifier)
		clock.Add(-loginCodeLifetime - time.Second)
		if !isSigninErr(err, "AUTHCODE_EXPIRED") {
			t.Errorf("got %v", err)
		}
	})
	proofs := map[string]func(hdr, pay map[string]any){
		"htu of another endpoint": func(_, p map[string]any) { p["htu"] = "https://us-east-1.signin.aws.amazon.com/v1/token" },
		"htm GET":                 func(_, p map[string]any) { p["htm"] = "GET" },
		"iat an hour ago":         func(_, p map[string]any) { p["iat"] = time.Now().Add(-time.Hour).Unix() },
		"typ JWT":                 func(h, _ map[string]any) { h["typ"] = "JWT" },
		"alg RS256":               func(h, _ map[string]any) { h["alg"] = "RS256" },
		"jti missing":             func(_, p map[string]any) { delete(p, "jti") },
		"replayed jti":            func(_, p map[string]any) { p["jti"] = "the-same-jti-every-time" },
	}
	for name, edit := range proofs {
		t.Run(name, func(t *testing.T) {
			rt := start(t)
			d := &testDPoP{key: key, edit: edit}
			_, err := f.refresh(d, rt)
			if name == "replayed jti" && err == nil {
				_, err = f.refresh(d, rt) // the first use of that jti passes
			}
			if !isSigninErr(err, "INVALID_REQUEST") {
				t.Errorf("got %v", err)
			}
		})
	}
	t.Run("another key", func(t *testing.T) {
		rt := start(t)
		if _, err := f.refresh(&testDPoP{key: newKey(t)}, rt); !isSigninErr(err, "INVALID_REQUEST") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		rt := start(t)
		other := &testDPoP{key: newKey(t)}
		_, err := f.signin.CreateOAuth2Token(ctx(), &signin.CreateOAuth2TokenInput{TokenInput: &signintypes.CreateOAuth2TokenRequestBody{
			ClientId: aws.String(LoginClientSameDevice), GrantType: aws.String("refresh_token"), RefreshToken: aws.String(rt),
		}}, signin.WithAPIOptions(func(st *middleware.Stack) error {
			return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("badsig", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				good := (&testDPoP{key: key}).proof(req.URL.String())
				forged := other.proof(req.URL.String())
				i, j := strings.LastIndexByte(good, '.'), strings.LastIndexByte(forged, '.')
				req.Header.Set("DPoP", good[:i]+forged[j:])
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
		}))
		if !isSigninErr(err, "INVALID_REQUEST") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		rt := start(t)
		if n := f.srv.RevokeLoginSessions("alice"); n == 0 {
			t.Fatal("nothing revoked")
		}
		if _, err := f.refresh(&testDPoP{key: key}, rt); !isSigninErr(err, "TOKEN_EXPIRED") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("session lifetime", func(t *testing.T) {
		rt := start(t)
		clock.Add(LoginSessionLifetime)
		defer clock.Add(-LoginSessionLifetime)
		d := &testDPoP{key: key, edit: func(_, p map[string]any) { p["iat"] = clock.Now().Unix() }}
		if _, err := f.refresh(d, rt); !isSigninErr(err, "TOKEN_EXPIRED") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("authorize refuses", func(t *testing.T) {
		for name, q := range map[string]string{
			"S256":               "code_challenge_method=S256",
			"localhost redirect": "redirect_uri=" + url.QueryEscape("http://localhost:1/oauth/callback"),
			"remote redirect":    "redirect_uri=" + url.QueryEscape("http://192.0.2.1:1/oauth/callback"),
			"unknown client":     "client_id=x",
		} {
			v := url.Values{"response_type": {"code"}, "client_id": {LoginClientSameDevice}, "state": {"s"}, "code_challenge_method": {"SHA-256"},
				"scope": {"openid"}, "redirect_uri": {testLoginCallback}, "code_challenge": {strings.Repeat("a", 43)}}
			k, val, _ := strings.Cut(q, "=")
			val, _ = url.QueryUnescape(val)
			v.Set(k, val)
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Get(f.url + "/v1/authorize?" + v.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if strings.Contains(resp.Header.Get("Location"), "code=") {
				t.Errorf("%s: a code was issued (%d)", name, resp.StatusCode)
			}
		}
	})
	if c := f.srv.LoginCounters(); c.RejectedProofs < 8 {
		t.Errorf("rejected proofs counted: %+v", c)
	}
}

// TestLoginCrossDevice: the cross-device client's code arrives on the
// confirmation page as base64("state=…&code=…").
func TestLoginCrossDevice(t *testing.T) {
	f := newLoginFixture(t, Options{})
	redirect := f.url + loginConfirmPath
	sum := sha256.Sum256([]byte(testVerifier))
	q := url.Values{"response_type": {"code"}, "client_id": {LoginClientCrossDevice}, "state": {"st-x"}, "code_challenge_method": {"SHA-256"},
		"scope": {"openid"}, "redirect_uri": {redirect}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}}
	resp, err := http.Get(f.url + "/v1/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var page strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		page.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	_, after, ok := strings.Cut(page.String(), "Paste this code into the CLI: ")
	if !ok {
		t.Fatalf("no code on the page:\n%s", page.String())
	}
	pasted, _, _ := strings.Cut(after, "<")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(pasted))
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := url.ParseQuery(string(raw))
	if vals.Get("state") != "st-x" {
		t.Fatalf("pasted value %q", raw)
	}
	if _, err := f.exchange(t, &testDPoP{key: newKey(t)}, LoginClientCrossDevice, redirect, vals.Get("code"), testVerifier); err != nil {
		t.Fatal(err)
	}
}

// FuzzDPoPProof: any DPoP header is refused or accepted without a panic,
// and an accepted one yields a thumbprint.
func FuzzDPoPProof(f *testing.F) {
	d := &testDPoP{key: newKey(f)}
	f.Add(d.proof("http://example.test/v1/token"))
	f.Add("a.b.c")
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCJ9..")
	f.Add("")
	f.Fuzz(func(t *testing.T, proof string) {
		st := newLoginState()
		r, _ := http.NewRequest(http.MethodPost, "http://example.test/v1/token", nil)
		r.Header.Set("DPoP", proof)
		jkt, reason := st.checkDPoP(r, time.Now())
		if (jkt == "") == (reason == "") {
			t.Fatalf("jkt %q reason %q", jkt, reason)
		}
	})
}
