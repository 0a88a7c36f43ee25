package awsemu

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// signinFixture is an emulator on a fake clock with helpers for the
// federation endpoint.
type signinFixture struct {
	*fixture
	clock *fakeClock
	logs  *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newSigninFixture(t *testing.T) *signinFixture {
	t.Helper()
	clock := &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
	logs := &lockedBuffer{}
	f := newFixture(t, nil, Options{Now: clock.Now, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	return &signinFixture{fixture: f, clock: clock, logs: logs}
}

func (f *signinFixture) assumeDeveloper(t *testing.T) aws.Credentials {
	t.Helper()
	out, err := f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(developerARN), RoleSessionName: aws.String("alice-console"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return credsOf(out.Credentials)
}

func (f *signinFixture) federationToken(t *testing.T) aws.Credentials {
	t.Helper()
	out, err := f.client(keys(botKeyID, botSecret), 1).GetFederationToken(ctx(), &sts.GetFederationTokenInput{
		Name: aws.String("bob"), DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	return credsOf(out.Credentials)
}

func (f *signinFixture) sessionToken(t *testing.T) aws.Credentials {
	t.Helper()
	out, err := f.client(aliceCreds(), 1).GetSessionToken(ctx(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	return credsOf(out.Credentials)
}

// ssoCreds returns SSO role credentials of alice for ReadOnly in prod.
func (f *signinFixture) ssoCreds(t *testing.T) aws.Credentials {
	t.Helper()
	tok, err := f.srv.MintSSOToken("alice")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.url+"/federation/credentials?role_name="+readOnlyPS+"&account_id="+prodAccount, nil)
	req.Header.Set("x-amz-sso_bearer_token", tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		RoleCredentials struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
		} `json:"roleCredentials"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GetRoleCredentials: %d %v", resp.StatusCode, err)
	}
	rc := out.RoleCredentials
	return aws.Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken}
}

func sessionParam(c aws.Credentials) string {
	b, _ := json.Marshal(map[string]string{"sessionId": c.AccessKeyID, "sessionKey": c.SecretAccessKey, "sessionToken": c.SessionToken})
	return string(b)
}

// get performs a GET with client and returns status, body and the response.
func get(t *testing.T, client *http.Client, target string) (int, string, *http.Response) {
	t.Helper()
	resp, err := client.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp
}

// signinToken calls getSigninToken; duration "" omits SessionDuration.
func (f *signinFixture) signinToken(t *testing.T, c aws.Credentials, duration string) (int, string) {
	t.Helper()
	q := "Action=getSigninToken"
	if duration != "" {
		q += "&SessionDuration=" + url.QueryEscape(duration)
	}
	q += "&Session=" + url.QueryEscape(sessionParam(c))
	status, body, resp := get(t, http.DefaultClient, f.url+"/federation?"+q)
	if status != 200 {
		return status, body
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("content type %q", ct)
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(body), &out); err != nil || len(out) != 1 || out["SigninToken"] == "" {
		t.Fatalf("getSigninToken body %q: %v", body, err)
	}
	return status, out["SigninToken"]
}

func loginURL(base, dest, token string) string {
	return base + "/federation?Action=login&Issuer=" + url.QueryEscape("https://issuer.example.test/") +
		"&Destination=" + url.QueryEscape(dest) + "&SigninToken=" + url.QueryEscape(token)
}

func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

var dataAttr = regexp.MustCompile(`data-([a-z-]+)="([^"]*)"`)

// consoleInfo extracts the data- attributes of the console page.
func consoleInfo(body string) map[string]string {
	out := map[string]string{}
	for _, m := range dataAttr.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func TestSigninLogin(t *testing.T) {
	f := newSigninFixture(t)
	tests := []struct {
		name     string
		creds    func(*testing.T) aws.Credentials
		duration string
		dest     string
		want     map[string]string
	}{
		{"assumed role", f.assumeDeveloper, "3600", "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
			map[string]string{"account": "222222222222", "role": "Developer", "session-name": "alice-console",
				"arn": "arn:aws:sts::222222222222:assumed-role/Developer/alice-console", "region": "eu-west-1", "service": "ec2", "path": "/ec2/home"}},
		{"assumed role 12h, regional host", f.assumeDeveloper, "43200", "https://eu-west-2.console.aws.amazon.com/lambda/home",
			map[string]string{"account": "222222222222", "role": "Developer", "region": "eu-west-2", "service": "lambda"}},
		{"assumed role without duration, console home", f.assumeDeveloper, "", "https://console.aws.amazon.com/",
			map[string]string{"account": "222222222222", "region": "us-east-1", "service": ""}},
		{"federation token", f.federationToken, "", "https://console.aws.amazon.com/s3/home?region=us-west-2",
			map[string]string{"account": "111111111111", "role": "", "session-name": "bob",
				"arn": "arn:aws:sts::111111111111:federated-user/bob", "region": "us-west-2", "service": "s3"}},
		{"sso role credentials", f.ssoCreds, "900", "https://console.amazonaws-us-gov.com/iam/home",
			map[string]string{"account": prodAccount, "role": ssoRoleName(readOnlyPS), "session-name": "alice", "service": "iam"}},
		{"china console", f.assumeDeveloper, "", "https://console.amazonaws.cn/rds/home?region=cn-north-1",
			map[string]string{"region": "cn-north-1", "service": "rds"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.creds(t)
			status, token := f.signinToken(t, c, tt.duration)
			if status != 200 {
				t.Fatalf("getSigninToken: %d %s", status, token)
			}
			if strings.Contains(token, c.SecretAccessKey) || strings.Contains(token, c.SessionToken) {
				t.Error("sign-in token contains the credentials")
			}
			b := browser(t)
			status, body, resp := get(t, b, loginURL(f.url, tt.dest, token))
			if status != 200 || !strings.HasPrefix(resp.Request.URL.Path, "/console/") {
				t.Fatalf("login landed on %s: %d %s", resp.Request.URL, status, body)
			}
			info := consoleInfo(body)
			if info["access-key-id"] != c.AccessKeyID {
				t.Errorf("access key id %q", info["access-key-id"])
			}
			for k, v := range tt.want {
				if info[k] != v {
					t.Errorf("%s = %q, want %q (page %v)", k, info[k], v, info)
				}
			}
			if !strings.Contains(body, `<pre id="console-info">`) || !strings.Contains(body, "account: "+info["account"]) {
				t.Errorf("page lacks the <pre> block: %s", body)
			}
			// The cookie keeps the browser signed in on another page.
			status, body, _ = get(t, b, f.url+"/console/sqs/v3/home?region=ap-south-1")
			if info := consoleInfo(body); status != 200 || info["service"] != "sqs" || info["region"] != "ap-south-1" || info["access-key-id"] != c.AccessKeyID {
				t.Errorf("second page: %d %v", status, info)
			}
		})
	}
}

func TestSigninRedirect(t *testing.T) {
	f := newSigninFixture(t)
	_, token := f.signinToken(t, f.assumeDeveloper(t), "")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, _, resp := get(t, noFollow, loginURL(f.url, "https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups", token))
	if status != http.StatusFound || resp.Header.Get("Location") != "/console/cloudwatch/home?region=eu-west-1#logsV2:log-groups" {
		t.Errorf("redirect %d to %q", status, resp.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == consoleCookieName {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.Path != "/console/" {
		t.Errorf("cookie %+v", ck)
	}
}

func TestSigninTokenErrors(t *testing.T) {
	f := newSigninFixture(t)
	role := f.assumeDeveloper(t)
	fed := f.federationToken(t)
	st := f.sessionToken(t)
	expired := f.assumeDeveloper(t)
	f.srv.ExpireSessions(expired.AccessKeyID)
	wrongSecret, wrongToken := role, role
	wrongSecret.SecretAccessKey = strings.Repeat("x", 40)
	wrongToken.SessionToken = "not-the-token"
	tests := []struct {
		name   string
		query  string
		status int
	}{
		{"long-term keys", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(aliceCreds())), 403},
		{"unknown key id", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(aws.Credentials{AccessKeyID: "ASIANOTISSUED0000000", SecretAccessKey: "s", SessionToken: "t"})), 403},
		{"wrong secret", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(wrongSecret)), 403},
		{"wrong token", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(wrongToken)), 403},
		{"expired", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(expired)), 403},
		{"GetSessionToken credentials", "Action=getSigninToken&Session=" + url.QueryEscape(sessionParam(st)), 403},
		{"federation token with duration", "Action=getSigninToken&SessionDuration=3600&Session=" + url.QueryEscape(sessionParam(fed)), 400},
		{"duration too short", "Action=getSigninToken&SessionDuration=899&Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"duration too long", "Action=getSigninToken&SessionDuration=43201&Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"duration not a number", "Action=getSigninToken&SessionDuration=1h&Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"duration empty", "Action=getSigninToken&SessionDuration=&Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"no session", "Action=getSigninToken", 400},
		{"session not JSON", "Action=getSigninToken&Session=abc", 400},
		{"no action", "Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"unknown action", "Action=getSignInToken&Session=" + url.QueryEscape(sessionParam(role)), 400},
		{"bad query", "Action=getSigninToken&Session=%zz", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := get(t, http.DefaultClient, f.url+"/federation?"+tt.query)
			if status != tt.status {
				t.Errorf("status %d, want %d: %s", status, tt.status, body)
			}
		})
	}
	// The same credentials still work where allowed.
	if status, _ := f.signinToken(t, fed, ""); status != 200 {
		t.Errorf("federation token without duration: %d", status)
	}
	for _, d := range []string{"900", "43200"} {
		if status, _ := f.signinToken(t, role, d); status != 200 {
			t.Errorf("duration %s: %d", d, status)
		}
	}
	for _, c := range []aws.Credentials{role, fed, st, expired} {
		if logs := f.logs.String(); strings.Contains(logs, c.SecretAccessKey) || strings.Contains(logs, c.SessionToken) {
			t.Fatal("logs contain a secret")
		}
	}
}

func TestSigninLoginErrors(t *testing.T) {
	f := newSigninFixture(t)
	role := f.assumeDeveloper(t)
	_, token := f.signinToken(t, role, "")
	dest := "https://console.aws.amazon.com/ec2/home"
	p64, mac, _ := strings.Cut(token, ".")
	tampered := p64[:len(p64)-2] + "AA." + mac
	tests := []struct {
		name   string
		target string
		status int
	}{
		{"http destination", loginURL(f.url, "http://console.aws.amazon.com/", token), 400},
		{"foreign destination", loginURL(f.url, "https://evil.example.com/", token), 400},
		{"look-alike destination", loginURL(f.url, "https://evilconsole.aws.amazon.com/", token), 400},
		{"relative destination", loginURL(f.url, "/ec2/home", token), 400},
		{"no token", f.url + "/federation?Action=login&Destination=" + url.QueryEscape(dest), 400},
		{"garbage token", loginURL(f.url, dest, "garbage"), 403},
		{"tampered token", loginURL(f.url, dest, tampered), 403},
		{"console cookie as token", loginURL(f.url, dest, f.srv.sealClaimsFor(t, role.AccessKeyID, signinPurposeConsole)), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, resp := get(t, browser(t), tt.target)
			if status != tt.status || strings.HasPrefix(resp.Request.URL.Path, "/console/") {
				t.Errorf("status %d at %s, want %d: %s", status, resp.Request.URL.Path, tt.status, body)
			}
		})
	}

	// The token is good for 15 minutes.
	f.clock.Add(14 * time.Minute)
	if status, body, _ := get(t, browser(t), loginURL(f.url, dest, token)); status != 200 {
		t.Errorf("token at 14 min: %d %s", status, body)
	}
	f.clock.Add(time.Minute)
	if status, _, _ := get(t, browser(t), loginURL(f.url, dest, token)); status != 403 {
		t.Errorf("token at 15 min: %d", status)
	}

	// Forgetting the credentials invalidates their tokens.
	f.clock.Add(-15 * time.Minute)
	f.srv.Reset()
	if status, _, _ := get(t, browser(t), loginURL(f.url, dest, token)); status != 403 {
		t.Errorf("token after reset: %d", status)
	}
}

// sealClaimsFor seals claims for an issued session, for tests.
func (s *Server) sealClaimsFor(t *testing.T, akid, purpose string) string {
	t.Helper()
	sess, ok := s.lookupSession(akid)
	if !ok {
		t.Fatalf("no session %s", akid)
	}
	now := s.now()
	return s.sealClaims(&sess, signinClaims{Purpose: purpose, AccessKeyID: akid, Expires: now.Add(time.Hour).Unix(), ConsoleEnd: now.Add(time.Hour).Unix()})
}

func TestConsoleSession(t *testing.T) {
	f := newSigninFixture(t)
	role := f.assumeDeveloper(t) // valid 1 h
	_, short := f.signinToken(t, role, "900")
	_, long := f.signinToken(t, role, "7200")
	_, fromCreds := f.signinToken(t, role, "")
	dest := "https://console.aws.amazon.com/ec2/home"
	browsers := map[string]*http.Client{"short": browser(t), "long": browser(t), "creds": browser(t)}
	for name, tok := range map[string]string{"short": short, "long": long, "creds": fromCreds} {
		if status, _, _ := get(t, browsers[name], loginURL(f.url, dest, tok)); status != 200 {
			t.Fatalf("%s login: %d", name, status)
		}
	}
	// Without the cookie the console refuses.
	if status, body, _ := get(t, browser(t), f.url+"/console/ec2/home"); status != 403 || consoleInfo(body)["error"] == "" {
		t.Errorf("no cookie: %d %s", status, body)
	}
	tests := []struct {
		after time.Duration
		want  map[string]int
	}{
		{899 * time.Second, map[string]int{"short": 200, "long": 200, "creds": 200}},
		{900 * time.Second, map[string]int{"short": 403, "long": 200, "creds": 200}},
		{3600 * time.Second, map[string]int{"short": 403, "long": 200, "creds": 403}},
		{7200 * time.Second, map[string]int{"short": 403, "long": 403, "creds": 403}},
	}
	start := f.clock.Now()
	for _, tt := range tests {
		f.clock.Add(start.Add(tt.after).Sub(f.clock.Now()))
		for name, want := range tt.want {
			// Present the cookie explicitly: the jar drops it at its
			// Expires by the real clock, which the fake clock ignores.
			req, _ := http.NewRequest("GET", f.url+"/console/ec2/home", nil)
			u, _ := url.Parse(f.url + "/console/")
			for _, c := range browsers[name].Jar.Cookies(u) {
				req.AddCookie(c)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != want {
				t.Errorf("%s after %v: %d, want %d", name, tt.after, resp.StatusCode, want)
			}
		}
	}
}

// TestConsoleSessionsApart checks that two browsers signed in to two
// accounts each keep their own session.
func TestConsoleSessionsApart(t *testing.T) {
	f := newSigninFixture(t)
	_, devTok := f.signinToken(t, f.assumeDeveloper(t), "")
	_, ssoTok := f.signinToken(t, f.ssoCreds(t), "")
	dev, prod := browser(t), browser(t)
	get(t, dev, loginURL(f.url, "https://console.aws.amazon.com/ec2/home", devTok))
	get(t, prod, loginURL(f.url, "https://console.aws.amazon.com/ec2/home", ssoTok))
	for _, tt := range []struct {
		b       *http.Client
		account string
	}{{dev, "222222222222"}, {prod, prodAccount}} {
		if _, body, _ := get(t, tt.b, f.url+"/console/ec2/home"); consoleInfo(body)["account"] != tt.account {
			t.Errorf("want account %s: %v", tt.account, consoleInfo(body))
		}
	}
}

func FuzzFederationHandler(f *testing.F) {
	f.Add("Action=getSigninToken&SessionDuration=900&Session=%7B%7D")
	f.Add("Action=login&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2F&SigninToken=a.b")
	f.Add("Action=login&Destination=%zz")
	f.Add("Action=getSigninToken&Session=%7B%22sessionId%22%3A%22ASIA%22%2C%22sessionKey%22%3A%22k%22%7D")
	srv := MustNew(ExampleWorld(), Options{})
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, query string) {
		for _, path := range []string{"/federation", "/console/ec2/home"} {
			req := httptest.NewRequest("GET", path, nil)
			req.URL.RawQuery = query
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 400 && rec.Code != 403 {
				t.Fatalf("%s?%q: status %d", path, query, rec.Code)
			}
		}
	})
}
