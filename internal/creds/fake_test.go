package creds

import (
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

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
)

// Secrets used by the tests; no error or debug line may contain them.
const (
	baseKeyID    = "AKIAEXAMPLEBASE00001"
	baseSecret   = "baseSecret-wJalrXUtnFEMI-K7MDENG"
	baseToken    = "baseSessionToken-FQoGZXIvYXdzE"
	mfaGoodCode  = "902817"
	webToken     = "eyJhbGciOiJSUzI1NiJ9.web-identity-token.sig"
	secretMarker = "Secret-"
	tokenMarker  = "Token-"
)

// stsCall is one request the fake STS received.
type stsCall struct {
	Action      string
	Form        url.Values
	AccessKeyID string // from the Authorization header; "" when unsigned
	Token       string // X-Amz-Security-Token
}

// fakeSTS answers the STS query API with canned XML in the formats of
// aws-protocols.md §1.3/§1.4. Issued credentials have predictable ids and
// secrets containing secretMarker/tokenMarker, and remember whose they are
// so GetCallerIdentity can answer.
type fakeSTS struct {
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	calls  []stsCall
	n      int
	owners map[string]string // access key id -> ARN
	// hook, when set, may answer a request itself (return status 0 to let
	// the default behaviour run).
	hook func(c stsCall, nth int) (status int, body string)
}

func newFakeSTS(t testing.TB) *fakeSTS {
	f := &fakeSTS{t: t, owners: map[string]string{
		baseKeyID: "arn:aws:iam::123456789012:user/alice",
	}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSTS) URL() string { return f.srv.URL }

func (f *fakeSTS) Calls() []stsCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]stsCall(nil), f.calls...)
}

func (f *fakeSTS) count(action string) int {
	n := 0
	for _, c := range f.Calls() {
		if action == "" || c.Action == action {
			n++
		}
	}
	return n
}

func (f *fakeSTS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	c := stsCall{Action: form.Get("Action"), Form: form, Token: r.Header.Get("X-Amz-Security-Token")}
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			c.AccessKeyID = strings.SplitN(auth[i+len("Credential="):], "/", 2)[0]
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	nth := len(f.calls)
	hook := f.hook
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", "req-"+strconv.Itoa(nth))
	if hook != nil {
		if status, body := hook(c, nth); status != 0 {
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
	}
	status, out := f.answer(c)
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func (f *fakeSTS) issue(arn string) (id, secret, token string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	id = fmt.Sprintf("ASIAFAKE%012d", f.n)
	f.owners[id] = arn
	return id, fmt.Sprintf("issued%s%d", secretMarker, f.n), fmt.Sprintf("issued%s%d", tokenMarker, f.n)
}

func credsXML(id, secret, token string, d time.Duration) string {
	return fmt.Sprintf(`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials>`,
		id, secret, token, time.Now().Add(d).UTC().Format("2006-01-02T15:04:05Z"))
}

func (f *fakeSTS) answer(c stsCall) (int, string) {
	dur := time.Hour
	if s := c.Form.Get("DurationSeconds"); s != "" {
		n, _ := strconv.Atoi(s)
		dur = time.Duration(n) * time.Second
	}
	switch c.Action {
	case "GetCallerIdentity":
		f.mu.Lock()
		arn, ok := f.owners[c.AccessKeyID]
		f.mu.Unlock()
		if !ok {
			return stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return 200, fmt.Sprintf(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAEXAMPLE</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
			arn, accountOf(arn))
	case "AssumeRole", "AssumeRoleWithWebIdentity":
		role := c.Form.Get("RoleArn")
		name := role[strings.LastIndexByte(role, '/')+1:]
		arn := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", accountOf(role), name, c.Form.Get("RoleSessionName"))
		id, secret, token := f.issue(arn)
		return 200, fmt.Sprintf(`<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult>%[2]s<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:%[3]s</AssumedRoleId><Arn>%[4]s</Arn></AssumedRoleUser></%[1]sResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%[1]sResponse>`,
			c.Action, credsXML(id, secret, token, dur), c.Form.Get("RoleSessionName"), arn)
	case "GetSessionToken":
		f.mu.Lock()
		arn := f.owners[c.AccessKeyID]
		f.mu.Unlock()
		if c.Form.Get("TokenCode") != mfaGoodCode {
			return stsError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
		}
		id, secret, token := f.issue(arn)
		return 200, fmt.Sprintf(`<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>%s</GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>`,
			credsXML(id, secret, token, dur))
	}
	return stsError(400, "InvalidAction", "Could not find operation "+c.Action+" for version 2011-06-15")
}

func stsError(status int, code, msg string) (int, string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	return status, fmt.Sprintf(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>err-req</RequestId></ErrorResponse>`,
		typ, code, msg)
}

// Plan building helpers.

func val(s string) awsconfig.Value { return awsconfig.Value{Text: s, Set: true} }

func valAt(s, file string, line int) awsconfig.Value {
	return awsconfig.Value{Text: s, File: file, Line: line, Set: true}
}

func staticStep(profile string) chain.Step {
	return chain.Step{
		Kind:            chain.KindStatic,
		Profile:         profile,
		AccessKeyID:     valAt(baseKeyID, "/home/u/.aws/credentials", 2),
		SecretAccessKey: valAt(baseSecret, "/home/u/.aws/credentials", 3),
	}
}

func roleStep(profile, roleARN string) chain.Step {
	return chain.Step{Kind: chain.KindAssumeRole, Profile: profile, RoleARN: valAt(roleARN, "/home/u/.aws/config", 10)}
}

func plan(profile string, steps ...chain.Step) *chain.Plan {
	return &chain.Plan{Profile: profile, Steps: steps}
}

// testOpts returns Options aimed at f with fast retries and a private
// environment.
func testOpts(f *fakeSTS, env map[string]string) Options {
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["USER"]; !ok {
		env["USER"] = "tester"
	}
	o := Options{Request: Request{Region: "eu-west-1"}, Resolver: Resolver{
		Getenv:       func(k string) string { return env[k] },
		Timeout:      5 * time.Second,
		RetryBackoff: func(int) time.Duration { return time.Millisecond },
		Stdin:        strings.NewReader(""),
		Stderr:       io.Discard,
	}}
	if f != nil {
		o.Endpoint = f.URL()
	}
	return o
}

// assertNoSecrets fails if s contains any secret the tests use.
func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{baseSecret, baseToken, mfaGoodCode, webToken, secretMarker, tokenMarker, "487201", "593012", "601923"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s contains secret %q:\n%s", what, secret, s)
		}
	}
}

type identity = cache.Identity
