package sso

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/browser"
)

// fastLogin returns LoginOptions that poll quickly.
func fastLogin(sess Session, out *bytes.Buffer, b browser.Opener) LoginOptions {
	return LoginOptions{Session: sess, Out: out, Browser: b, PollInterval: 5 * time.Millisecond, SlowDownStep: 5 * time.Millisecond, AuthTimeout: 20 * time.Second}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

var cliFileRE = regexp.MustCompile(`^\{"startUrl": "https://d-1234567890\.awsapps\.com/start", "region": "us-east-1", "accessToken": "fake-access-token-1", ` +
	`"expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", ` +
	`"registrationExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "refreshToken": "fake-refresh-token"\}$`)

func TestDeviceLogin(t *testing.T) {
	f := newFakeIDC(t)
	f.devicePlan = []string{"AuthorizationPendingException", "SlowDownException", "AuthorizationPendingException", ""}
	c := f.client(t)
	var out bytes.Buffer
	stub := &browser.Stub{}
	o := fastLogin(mySSO, &out, stub)
	o.NoBrowser = true
	tok, err := c.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "fake-access-token-1" || tok.RefreshToken != "fake-refresh-token" || tok.Session.Name != "my-sso" {
		t.Errorf("token %s", fields(tok))
	}
	if d := time.Until(tok.ExpiresAt); d < 7*time.Hour || d > 8*time.Hour+time.Minute {
		t.Errorf("token expires in %s, want about 8h", d)
	}
	stub.Verify(t) // --no-browser opens nothing
	if n := f.count("CreateToken"); n != 4 {
		t.Errorf("CreateToken called %d times, want 4", n)
	}
	for _, want := range []string{f.srv.URL + "/device\n", "ABCD-EFGH", f.srv.URL + "/device?user_code=ABCD-EFGH", "Logged in to https://d-1234567890.awsapps.com/start"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// The token file is the CLI's, 0600 in a 0700 folder.
	path := filepath.Join(c.CacheDir(), "0ad374308c5a4e22f723adf10145eafad7c4031c.json")
	if got := readFile(t, path); !cliFileRE.MatchString(got) {
		t.Errorf("token file\n%s\ndoes not look like the CLI's", got)
	}
	checkMode(t, path, 0o600)
	checkMode(t, c.CacheDir(), 0o700)
	// The registration is cached under the CLI's key, with its scopes.
	reg := readFile(t, filepath.Join(c.CacheDir(), "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"))
	if !regexp.MustCompile(`^\{"clientId": "client-1", "clientSecret": "fake-client-secret-0001", "expiresAt": "[^"]+Z", "scopes": \["sso:account:access"\]\}$`).MatchString(reg) {
		t.Errorf("registration file %s", reg)
	}
	if b := f.registerBodies[0]; b["clientName"] != "assume-client-my-sso" || b["clientType"] != "public" || b["grantTypes"] != nil {
		t.Errorf("RegisterClient body %v", b)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(c.CacheDir())
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("leftover %s", e.Name())
		}
	}

	// A second login reuses the cached registration.
	f.devicePlan = nil
	if _, err := c.Login(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := f.count("RegisterClient"); n != 1 {
		t.Errorf("RegisterClient called %d times, want 1", n)
	}
}

func TestDeviceLoginOpensBrowser(t *testing.T) {
	tests := []struct {
		name     string
		sess     Session
		env      []string
		noBrowse bool
		opened   bool
	}{
		{"legacy profile with a display", legacy, []string{"DISPLAY", ":0"}, false, true},
		{"sso-session without a display", mySSO, nil, false, false},
		{"sso-session over ssh", mySSO, []string{"DISPLAY", ":0", "SSH_TTY", "/dev/pts/1"}, false, false},
		{"legacy with --no-browser", legacy, []string{"DISPLAY", ":0"}, true, false},
		{"ASSUME_BROWSER=none", mySSO, []string{"DISPLAY", ":0", "ASSUME_BROWSER", "none"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIDC(t)
			c := f.client(t, func(o *Options) { o.Getenv = env(tt.env...) })
			var out bytes.Buffer
			stub := &browser.Stub{}
			o := fastLogin(tt.sess, &out, stub)
			o.NoBrowser = tt.noBrowse
			if _, err := c.Login(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			if f.count("StartDeviceAuthorization") != 1 || f.count("Authorize") != 0 {
				t.Errorf("not the device flow: %v", f.calls)
			}
			if tt.opened {
				stub.Verify(t, f.srv.URL+"/device?user_code=ABCD-EFGH")
			} else {
				stub.Verify(t)
			}
			if tt.sess.Legacy() {
				b := f.registerBodies[0]
				if b["scopes"] != nil || !strings.HasPrefix(b["clientName"].(string), "assume-client-") {
					t.Errorf("legacy RegisterClient body %v", b)
				}
				if _, err := os.Stat(filepath.Join(c.CacheDir(), "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json")); err != nil {
					t.Errorf("legacy token file: %v", err)
				}
				if _, err := os.Stat(filepath.Join(c.CacheDir(), "365414a68be7c9bfc776c660981dbdbd942acea4.json")); err != nil {
					t.Errorf("legacy registration file: %v", err)
				}
			}
		})
	}
}

func TestDeviceLoginFailures(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(*fakeIDC)
		sess   Session
		check  func(*testing.T, error)
		noCall bool // fails before any network call
	}{
		{name: "expired", setup: func(f *fakeIDC) { f.devicePlan = []string{"AuthorizationPendingException", "ExpiredTokenException"} },
			check: wantLoginError(CodeExpired, "the sign-in code expired", "again")},
		{name: "denied", setup: func(f *fakeIDC) { f.devicePlan = []string{"AccessDeniedException"} },
			check: wantLoginError(Denied, "the request was denied in the browser", "Allow")},
		{name: "invalid grant", setup: func(f *fakeIDC) { f.devicePlan = []string{"InvalidGrantException"} },
			check: wantLoginError(Rejected, "rejected", "again")},
		{name: "bad start URL at the service", setup: func(f *fakeIDC) { f.deviceErr = "InvalidRequestException" },
			check: wantType[*StartURLError]("was not accepted by IAM Identity Center")},
		{name: "wrong region", setup: func(f *fakeIDC) { f.registerErr = "InvalidRequestRegionException" },
			check: wantType[*RegionError]("is not the region")},
		{name: "bad scopes", setup: func(f *fakeIDC) { f.registerErr = "InvalidScopeException" },
			check: func(t *testing.T, err error) {
				var ae *APIError
				if !errors.As(err, &ae) || ae.Code != "InvalidScopeException" || !strings.Contains(ae.Hint(), "sso_registration_scopes") {
					t.Errorf("error %v", err)
				}
			}},
		{name: "server error", setup: func(f *fakeIDC) { f.registerErr = "InternalServerException" },
			check: func(t *testing.T, err error) {
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != 500 || !strings.Contains(ae.Hint(), "try again later") {
					t.Errorf("error %v", err)
				}
			}},
		{name: "malformed start URL", sess: Session{Name: "x", StartURL: "d-1234567890.awsapps.com/start", Region: "us-east-1"},
			check: wantType[*StartURLError]("is not a URL"), noCall: true},
		{name: "malformed region", sess: Session{Name: "x", StartURL: "https://x.test/start", Region: "US East"},
			check: wantType[*RegionError]("is not a region name"), noCall: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIDC(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			sess := tt.sess
			if sess.StartURL == "" {
				sess = mySSO
			}
			c := f.client(t)
			var out bytes.Buffer
			o := fastLogin(sess, &out, &browser.Stub{})
			o.NoBrowser = true
			tok, err := c.Login(context.Background(), o)
			if err == nil {
				t.Fatalf("Login succeeded: %v", tok)
			}
			tt.check(t, err)
			checkOneLine(t, err)
			if tt.noCall && len(f.calls) != 0 {
				t.Errorf("network calls made: %v", f.calls)
			}
			if _, err := os.Stat(filepath.Join(c.CacheDir(), sess.TokenFileName())); err == nil {
				t.Error("a failed login wrote a token file")
			}
		})
	}
}

func wantLoginError(failure LoginFailure, msg, hint string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var le *LoginError
		if !errors.As(err, &le) || le.Failure != failure {
			t.Fatalf("error %v (%T), want LoginError %d", err, err, failure)
		}
		if !strings.Contains(err.Error(), msg) || !strings.Contains(le.Hint(), hint) {
			t.Errorf("error %q hint %q, want %q / %q", err, le.Hint(), msg, hint)
		}
		if !strings.Contains(le.Hint(), "assume sso login --sso-session my-sso") {
			t.Errorf("hint %q does not name the login command", le.Hint())
		}
	}
}

func wantType[E error](msg string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var e E
		if !errors.As(err, &e) {
			t.Fatalf("error %v is %T, want %T", err, err, e)
		}
		if !strings.Contains(err.Error(), msg) {
			t.Errorf("error %q lacks %q", err, msg)
		}
		if h, ok := any(e).(Hinter); !ok || h.Hint() == "" {
			t.Errorf("%T has no hint", e)
		}
	}
}

func checkOneLine(t *testing.T, err error) {
	t.Helper()
	s := err.Error()
	if strings.Contains(s, "\n") || s == "" || strings.HasSuffix(s, ".") {
		t.Errorf("error %q is not one line without a final period", s)
	}
}

func TestDeviceLoginReRegistersRevokedClient(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t)
	var out bytes.Buffer
	o := fastLogin(mySSO, &out, nil)
	o.NoBrowser = true
	if _, err := c.Login(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	// The service forgets the client: the cached registration now fails.
	f.mu.Lock()
	f.clientSecret = "rotated-secret"
	f.mu.Unlock()
	if _, err := c.Login(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := f.count("RegisterClient"); n != 2 {
		t.Errorf("RegisterClient called %d times, want 2", n)
	}
}

func TestLoginCancel(t *testing.T) {
	for _, device := range []bool{true, false} {
		f := newFakeIDC(t)
		f.pendingForever = true
		c := f.client(t)
		ctx, cancel := context.WithCancel(context.Background())
		var out bytes.Buffer
		stub := &browser.Stub{OnOpen: func(string) { cancel() }} // the user presses Ctrl-C instead
		o := fastLogin(mySSO, &out, stub)
		o.NoBrowser = device
		if device {
			go func() {
				for f.count("CreateToken") < 2 {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
		}
		_, err := c.Login(ctx, o)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "login cancelled") {
			t.Errorf("device=%v: error %v, want a cancellation", device, err)
		}
		cancel()
	}
}

func TestAuthCodeLogin(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t)
	var out bytes.Buffer
	errs := make(chan error, 1)
	stub := &browser.Stub{OnOpen: followRedirects(t, errs)}
	tok, err := c.Login(context.Background(), fastLogin(mySSO, &out, stub))
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatalf("browser: %v", err)
	}
	if tok.AccessToken != "fake-access-token-1" || tok.RefreshToken != "fake-refresh-token" {
		t.Errorf("token %s", fields(tok))
	}
	urls := stub.URLs()
	if len(urls) != 1 {
		t.Fatalf("opened %q", urls)
	}
	u, err := url.Parse(urls[0])
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/authorize" || q.Get("client_id") != "client-1" || q.Get("scopes") != "sso:account:access" ||
		q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 16 {
		t.Errorf("authorize URL %s", urls[0])
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/oauth/callback$`).MatchString(q.Get("redirect_uri")) {
		t.Errorf("redirect_uri %q", q.Get("redirect_uri"))
	}
	if !strings.Contains(out.String(), urls[0]) {
		t.Errorf("the authorize URL is not printed:\n%s", out.String())
	}
	// The registration is an authorization-code one, as CLI >= 2.22 makes.
	b := f.registerBodies[0]
	if gt, _ := b["grantTypes"].([]any); len(gt) != 2 || gt[0] != "authorization_code" || gt[1] != "refresh_token" {
		t.Errorf("RegisterClient grantTypes %v", b["grantTypes"])
	}
	if ru, _ := b["redirectUris"].([]any); len(ru) != 1 || ru[0] != "http://127.0.0.1/oauth/callback" {
		t.Errorf("RegisterClient redirectUris %v", b["redirectUris"])
	}
	if b["issuerUrl"] != mySSO.StartURL {
		t.Errorf("RegisterClient issuerUrl %v", b["issuerUrl"])
	}
	reg := readFile(t, filepath.Join(c.CacheDir(), RegistrationFileName(mySSO)))
	if !strings.HasSuffix(reg, `"scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}`) {
		t.Errorf("registration file %s", reg)
	}
	if got := readFile(t, filepath.Join(c.CacheDir(), mySSO.TokenFileName())); !cliFileRE.MatchString(got) {
		t.Errorf("token file %s", got)
	}
	// The listener is gone after the login.
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(strings.TrimSuffix(q.Get("redirect_uri"), "/oauth/callback"), "http://"), time.Second)
	if err == nil {
		conn.Close()
		t.Error("the callback listener is still open")
	}

	// A device-flow registration in the cache is not reused for the
	// authorization code flow, and vice versa.
	o := fastLogin(mySSO, &out, nil)
	o.NoBrowser = true
	if _, err := c.Login(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if n := f.count("RegisterClient"); n != 2 {
		t.Errorf("RegisterClient called %d times, want 2", n)
	}
}

func TestAuthCodeCallback(t *testing.T) {
	// Drive the callback server directly: wrong state, error, then code.
	tests := []struct {
		name    string
		visit   func(t *testing.T, redirect, state string)
		wantErr func(*testing.T, error)
	}{
		{"wrong state first, then the right one", func(t *testing.T, redirect, state string) {
			if s := get(t, redirect+"?code=evil&state=not-the-state"); s != 400 {
				t.Errorf("wrong state: status %d", s)
			}
			if s := get(t, strings.Replace(redirect, "/oauth/callback", "/other", 1)); s != 404 {
				t.Errorf("other path: status %d", s)
			}
			if s := get(t, redirect+"?state="+state); s != 400 {
				t.Errorf("no code: status %d", s)
			}
			if s := get(t, redirect+"?code=fake-auth-code-1&state="+state); s != 200 {
				t.Errorf("right state: status %d", s)
			}
		}, nil},
		{"access denied", func(t *testing.T, redirect, state string) {
			get(t, redirect+"?error=access_denied&state="+state)
		}, wantLoginError(Denied, "denied in the browser", "again")},
		{"other error", func(t *testing.T, redirect, state string) {
			get(t, redirect+"?error=invalid_scope&error_description=nope&state="+state)
		}, wantLoginError(Rejected, "invalid_scope", "again")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIDC(t)
			c := f.client(t)
			var out bytes.Buffer
			stub := &browser.Stub{OnOpen: func(u string) {
				pu, _ := url.Parse(u)
				q := pu.Query()
				// Register the code the fake expects, as /authorize would.
				f.mu.Lock()
				f.codes["fake-auth-code-1"] = authCode{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), clientID: q.Get("client_id")}
				f.mu.Unlock()
				tt.visit(t, q.Get("redirect_uri"), q.Get("state"))
			}}
			_, err := c.Login(context.Background(), fastLogin(mySSO, &out, stub))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("Login succeeded")
			}
			tt.wantErr(t, err)
		})
	}
}

func get(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Errorf("GET %s: %v", u, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAuthCodeTimeout(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t)
	var out bytes.Buffer
	o := fastLogin(mySSO, &out, &browser.Stub{Err: errors.New("no browser here")})
	o.AuthTimeout = 50 * time.Millisecond
	_, err := c.Login(context.Background(), o)
	var le *LoginError
	if !errors.As(err, &le) || le.Failure != TimedOut || !strings.Contains(le.Hint(), "--no-browser") {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(out.String(), "Could not open a browser (no browser here)") {
		t.Errorf("output %s", out.String())
	}
}

func TestLoginProgress(t *testing.T) {
	f := newFakeIDC(t)
	f.devicePlan = []string{"AuthorizationPendingException", "AuthorizationPendingException", "AuthorizationPendingException"}
	c := f.client(t)
	for _, animate := range []bool{false, true} {
		var out syncBuffer
		o := LoginOptions{Session: mySSO, NoBrowser: true, Out: &out, Progress: animate, PollInterval: 100 * time.Millisecond}
		if _, err := c.Login(context.Background(), o); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		if animate != strings.Contains(s, "\r") {
			t.Errorf("animate=%v: output %q", animate, s)
		}
		if !strings.Contains(s, "Waiting for the sign-in to be approved") {
			t.Errorf("no progress in %q", s)
		}
		if animate && !strings.Contains(s, "\r\033[K") {
			t.Errorf("spinner line not cleared: %q", s)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPKCE(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		v, err := newVerifier()
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != 64 || strings.Trim(v, pkceChars) != "" {
			t.Fatalf("verifier %q", v)
		}
		if seen[v] {
			t.Fatal("repeated verifier")
		}
		seen[v] = true
	}
	// RFC 7636 appendix B.
	if got := challengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("challenge %s", got)
	}
}
