package sso

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeIDC is an httptest stand-in for IAM Identity Center: the OIDC API
// (register, device authorization, token, /authorize) and the portal API,
// on one listener. Behaviour is scripted per test; every call is counted.
type fakeIDC struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	calls map[string]int
	// register
	registerBodies []map[string]any
	registerErr    string // exception name to answer RegisterClient with
	clientSecret   string
	// device flow: answers to device_code CreateToken calls, in order;
	// "" means success. When exhausted, pendingForever decides.
	devicePlan     []string
	pendingForever bool
	approve        chan struct{} // when set, device grants stay pending until closed
	deviceErr      string        // exception for StartDeviceAuthorization
	deviceStarted  chan struct{} // closed on the first device authorization
	interval       int32
	// tokens
	issued       int
	accessToken  string // prefix of issued access tokens
	refreshToken string // issued refresh token ("" = none)
	refreshErr   string // exception for the refresh grant
	noNewRefresh bool   // refresh answers carry no refreshToken
	expiresIn    int
	// auth code
	codes map[string]authCode
	// portal
	validTokens  map[string]bool
	roleErr      string
	accountPages [][]string // account ids per page
	logoutCalls  []string
	lastBearer   string
	createBodies []map[string]any
	// echoSecrets makes error messages repeat the request's secrets, to
	// prove that they are scrubbed.
	echoSecrets bool
	// throttleLists answers ListAccounts with 429.
	throttleLists bool
	lastSecrets   string
}

type authCode struct {
	challenge, redirect, clientID string
}

func newFakeIDC(t *testing.T) *fakeIDC {
	f := &fakeIDC{
		t:            t,
		calls:        map[string]int{},
		clientSecret: "fake-client-secret-0001",
		accessToken:  "fake-access-token",
		refreshToken: "fake-refresh-token",
		expiresIn:    28800,
		interval:     1,
		codes:        map[string]authCode{},
		validTokens:  map[string]bool{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIDC) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeIDC) fail(w http.ResponseWriter, status int, exc, oauth, msg string) {
	w.Header().Set("x-amzn-ErrorType", exc)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body := map[string]string{"message": msg}
	if oauth != "" {
		body = map[string]string{"error": oauth, "error_description": msg}
	}
	json.NewEncoder(w).Encode(body)
}

// oidcErrors maps exception names to status and OAuth error code.
var oidcErrors = map[string]struct {
	status int
	oauth  string
}{
	"AuthorizationPendingException":  {400, "authorization_pending"},
	"SlowDownException":              {400, "slow_down"},
	"ExpiredTokenException":          {400, "expired_token"},
	"AccessDeniedException":          {400, "access_denied"},
	"InvalidGrantException":          {400, "invalid_grant"},
	"InvalidClientException":         {401, "invalid_client"},
	"UnauthorizedClientException":    {400, "unauthorized_client"},
	"InvalidRequestException":        {400, "invalid_request"},
	"InvalidRequestRegionException":  {400, "invalid_request"},
	"InvalidScopeException":          {400, "invalid_scope"},
	"InternalServerException":        {500, "server_error"},
	"InvalidClientMetadataException": {400, "invalid_client_metadata"},
}

func (f *fakeIDC) oidcFail(w http.ResponseWriter, exc string) {
	e, ok := oidcErrors[exc]
	if !ok {
		f.t.Errorf("fake: unknown exception %s", exc)
		e.status = 400
	}
	msg := "fake says " + exc
	if f.echoSecrets {
		msg += " for " + f.lastSecrets
	}
	f.fail(w, e.status, exc, e.oauth, msg)
}

func (f *fakeIDC) json(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (f *fakeIDC) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var body map[string]any
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		b, _ := io.ReadAll(r.Body)
		if len(b) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				f.t.Errorf("fake: %s body is not JSON: %v", r.URL.Path, err)
			}
		}
	}
	str := func(k string) string { s, _ := body[k].(string); return s }
	f.lastSecrets = strings.Join([]string{str("clientSecret"), str("refreshToken"), str("deviceCode"), str("code"), str("codeVerifier")}, " ")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/client/register":
		f.calls["RegisterClient"]++
		f.registerBodies = append(f.registerBodies, body)
		if f.registerErr != "" {
			f.oidcFail(w, f.registerErr)
			return
		}
		n := f.calls["RegisterClient"]
		f.json(w, map[string]any{
			"clientId": fmt.Sprintf("client-%d", n), "clientSecret": f.clientSecret,
			"clientIdIssuedAt": time.Now().Unix(), "clientSecretExpiresAt": time.Now().Add(90 * 24 * time.Hour).Unix(),
		})
	case r.Method == http.MethodPost && r.URL.Path == "/device_authorization":
		f.calls["StartDeviceAuthorization"]++
		if f.deviceStarted != nil && f.calls["StartDeviceAuthorization"] == 1 {
			close(f.deviceStarted)
		}
		if f.deviceErr != "" {
			f.oidcFail(w, f.deviceErr)
			return
		}
		if str("clientSecret") != f.clientSecret {
			f.oidcFail(w, "InvalidClientException")
			return
		}
		f.json(w, map[string]any{
			"deviceCode": "fake-device-code-secret", "userCode": "ABCD-EFGH",
			"verificationUri": f.srv.URL + "/device", "verificationUriComplete": f.srv.URL + "/device?user_code=ABCD-EFGH",
			"expiresIn": 600, "interval": f.interval,
		})
	case r.Method == http.MethodPost && r.URL.Path == "/token":
		f.calls["CreateToken"]++
		f.createBodies = append(f.createBodies, body)
		f.token(w, body, str)
	case r.Method == http.MethodGet && r.URL.Path == "/authorize":
		f.calls["Authorize"]++
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" {
			http.Error(w, "bad authorize request", 400)
			return
		}
		code := fmt.Sprintf("fake-auth-code-%d", len(f.codes)+1)
		f.codes[code] = authCode{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), clientID: q.Get("client_id")}
		u, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect", 400)
			return
		}
		v := url.Values{"code": {code}, "state": {q.Get("state")}}
		u.RawQuery = v.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	case strings.HasPrefix(r.URL.Path, "/federation/") || strings.HasPrefix(r.URL.Path, "/assignment/") || r.URL.Path == "/logout":
		f.portal(w, r)
	default:
		f.t.Errorf("fake: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func (f *fakeIDC) issue(w http.ResponseWriter, refresh bool) {
	f.issued++
	at := fmt.Sprintf("%s-%d", f.accessToken, f.issued)
	f.validTokens[at] = true
	resp := map[string]any{"accessToken": at, "tokenType": "Bearer", "expiresIn": f.expiresIn}
	if f.refreshToken != "" && !(refresh && f.noNewRefresh) {
		resp["refreshToken"] = f.refreshToken
	}
	f.json(w, resp)
}

func (f *fakeIDC) token(w http.ResponseWriter, body map[string]any, str func(string) string) {
	if str("clientSecret") != f.clientSecret {
		f.oidcFail(w, "InvalidClientException")
		return
	}
	switch str("grantType") {
	case grantDeviceCode:
		if str("deviceCode") != "fake-device-code-secret" {
			f.oidcFail(w, "InvalidGrantException")
			return
		}
		if f.approve != nil {
			select {
			case <-f.approve:
			default:
				f.oidcFail(w, "AuthorizationPendingException")
				return
			}
		}
		if len(f.devicePlan) > 0 {
			next := f.devicePlan[0]
			f.devicePlan = f.devicePlan[1:]
			if next != "" {
				f.oidcFail(w, next)
				return
			}
		} else if f.pendingForever {
			f.oidcFail(w, "AuthorizationPendingException")
			return
		}
		f.issue(w, false)
	case grantAuthCode:
		ac, ok := f.codes[str("code")]
		delete(f.codes, str("code"))
		sum := sha256.Sum256([]byte(str("codeVerifier")))
		switch {
		case !ok:
			f.oidcFail(w, "InvalidGrantException")
		case base64.RawURLEncoding.EncodeToString(sum[:]) != ac.challenge:
			f.t.Errorf("fake: PKCE verifier does not match the challenge")
			f.oidcFail(w, "InvalidGrantException")
		case str("redirectUri") != ac.redirect:
			f.t.Errorf("fake: redirectUri %q differs from the authorize request's %q", str("redirectUri"), ac.redirect)
			f.oidcFail(w, "InvalidGrantException")
		case str("clientId") != ac.clientID:
			f.oidcFail(w, "InvalidClientException")
		default:
			f.issue(w, false)
		}
	case grantRefresh:
		if f.refreshErr != "" {
			f.oidcFail(w, f.refreshErr)
			return
		}
		if str("refreshToken") != f.refreshToken || f.refreshToken == "" {
			f.oidcFail(w, "InvalidGrantException")
			return
		}
		f.issue(w, true)
	default:
		f.oidcFail(w, "UnsupportedGrantTypeException")
	}
}

func (f *fakeIDC) portal(w http.ResponseWriter, r *http.Request) {
	bearer := r.Header.Get("x-amz-sso_bearer_token")
	f.lastBearer = bearer
	if r.Header.Get("Authorization") != "" {
		f.t.Errorf("fake: portal call %s is signed; it must not be", r.URL.Path)
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/logout":
		f.calls["Logout"]++
		f.logoutCalls = append(f.logoutCalls, bearer)
		if !f.validTokens[bearer] {
			f.fail(w, 401, "UnauthorizedException", "", "Session token not found or invalid")
			return
		}
		delete(f.validTokens, bearer)
		w.WriteHeader(200)
		return
	}
	if !f.validTokens[bearer] {
		f.calls[r.URL.Path]++
		f.fail(w, 401, "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/", "", "Session token not found or invalid")
		return
	}
	switch r.URL.Path {
	case "/federation/credentials":
		f.calls["GetRoleCredentials"]++
		switch f.roleErr {
		case "":
		case "TooManyRequestsException":
			f.fail(w, 429, f.roleErr, "", "slow down")
			return
		default:
			f.fail(w, 404, f.roleErr, "", "No access")
			return
		}
		if q.Get("account_id") != "123456789012" || q.Get("role_name") != "AdministratorAccess" {
			f.fail(w, 404, "ResourceNotFoundException", "", "No access")
			return
		}
		f.json(w, map[string]any{"roleCredentials": map[string]any{
			"accessKeyId": "ASIAFAKEPORTAL000001", "secretAccessKey": "fake-portal-secret-key", "sessionToken": "fake-portal-session-token",
			"expiration": int64(1795715883000),
		}})
	case "/assignment/accounts":
		f.calls["ListAccounts"]++
		if f.throttleLists {
			f.fail(w, 429, "TooManyRequestsException", "", "slow down")
			return
		}
		page := 0
		if tok := q.Get("next_token"); tok != "" {
			page, _ = strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		}
		var list []map[string]string
		for _, id := range f.accountPages[page] {
			list = append(list, map[string]string{"accountId": id, "accountName": "name-" + id, "emailAddress": id + "@example.com"})
		}
		resp := map[string]any{"accountList": list}
		if page+1 < len(f.accountPages) {
			resp["nextToken"] = fmt.Sprintf("page-%d", page+1)
		} else {
			resp["nextToken"] = nil
		}
		f.json(w, resp)
	case "/assignment/roles":
		f.calls["ListAccountRoles"]++
		acct := q.Get("account_id")
		if acct == "999999999999" {
			f.fail(w, 404, "ResourceNotFoundException", "", "No account")
			return
		}
		if q.Get("next_token") == "" {
			f.json(w, map[string]any{"nextToken": "r2", "roleList": []map[string]string{{"roleName": "ReadOnly", "accountId": acct}}})
			return
		}
		f.json(w, map[string]any{"roleList": []map[string]string{{"roleName": "AdministratorAccess", "accountId": acct}}})
	default:
		http.NotFound(w, r)
	}
}

// client returns a Client pointed at the fake with a temp cache folder and
// fast retries.
func (f *fakeIDC) client(t *testing.T, mods ...func(*Options)) *Client {
	t.Helper()
	o := Options{
		CacheDir:       t.TempDir() + "/sso/cache",
		Getenv:         env("DISPLAY", ":0"),
		OIDCEndpoint:   f.srv.URL,
		PortalEndpoint: f.srv.URL,
		RetryBackoff:   func(int) time.Duration { return time.Millisecond },
		Timeout:        20 * time.Second,
	}
	for _, m := range mods {
		m(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// followRedirects plays a browser for the authorization code flow: it opens
// the authorize URL and follows the redirect to the loopback callback.
func followRedirects(t *testing.T, errs chan<- error) func(string) {
	return func(u string) {
		resp, err := http.Get(u)
		if err != nil {
			errs <- err
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			errs <- fmt.Errorf("browser landed on status %d", resp.StatusCode)
			return
		}
		errs <- nil
	}
}

// Sessions used throughout the tests.
var (
	mySSO  = Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"}
	legacy = Session{Profile: "legacy", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"}
)

func sprintf(format string, v any) string { return fmt.Sprintf(format, v) }
