package login

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsemu"
)

const aliceARN = "arn:aws:iam::111111111111:user/people/alice"

// follow is a stand-in browser: it follows the authorize URL's redirects
// (the emulator approves at once) to the loopback callback.
type follow struct{ t *testing.T }

func (f follow) Open(u string) error {
	go func() {
		resp, err := http.Get(u)
		if err != nil {
			f.t.Errorf("browser: %v", err)
			return
		}
		resp.Body.Close()
	}()
	return nil
}

func emu(t *testing.T, lifetime int) (*awsemu.Server, string) {
	t.Helper()
	w := awsemu.ExampleWorld()
	w.Settings.LoginAutoApproveUser = "alice"
	w.Settings.CredentialLifetimeSeconds = lifetime
	srv := awsemu.MustNew(w, awsemu.Options{})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

func newClient(t *testing.T, url, dir string) *Client {
	t.Helper()
	c, err := New(Options{Getenv: func(string) string { return "" }, CacheDir: dir, Endpoint: url, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func signIn(t *testing.T, c *Client) string {
	t.Helper()
	arn, err := c.SignIn(context.Background(), SignInOptions{Profile: "p", Region: "us-east-1", Browser: follow{t}, AuthTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

// signedIn serves 2-minute credentials and signs in to a fresh cache.
func signedIn(t *testing.T) (srv *awsemu.Server, url, dir string, c *Client, arn string) {
	t.Helper()
	srv, url = emu(t, 120)
	dir = filepath.Join(t.TempDir(), "cache")
	c = newClient(t, url, dir)
	return srv, url, dir, c, signIn(t, c)
}

// TestSignInAndRefresh: the browser sign-in writes the AWS CLI's cache file
// (0600, SEC1 key, idToken); credentials about to expire are refreshed, the
// refresh token rotates, and members we do not know survive the rewrite.
func TestSignInAndRefresh(t *testing.T) {
	srv, _, _, c, arn := signedIn(t)
	if arn != aliceARN {
		t.Fatalf("arn %q", arn)
	}
	path := c.Path(arn)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v %v", fi, err)
	}
	raw := readJSON(t, path)
	for _, k := range []string{"accessToken", "tokenType", "clientId", "refreshToken", "idToken", "dpopKey"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("cache file lacks %s", k)
		}
	}
	if !strings.HasPrefix(raw["dpopKey"].(string), "-----BEGIN EC PRIVATE KEY-----") {
		t.Error("the key is not SEC1")
	}
	// Add members of a future AWS CLI.
	raw["futureMember"] = map[string]any{"x": 1.0}
	raw["accessToken"].(map[string]any)["futureInner"] = "kept"
	raw["accessToken"].(map[string]any)["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	writeJSON(t, path, raw)
	first := raw["refreshToken"].(string)

	creds, err := c.Credentials(context.Background(), Session{ARN: arn, Profile: "p"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccountID != "111111111111" || creds.AccessKeyID == "" {
		t.Fatalf("credentials %v", creds.AccessKeyID)
	}
	after := readJSON(t, path)
	if after["refreshToken"] == first {
		t.Error("the refresh token did not rotate")
	}
	if after["futureMember"] == nil || after["accessToken"].(map[string]any)["futureInner"] != "kept" {
		t.Errorf("unknown members lost: %v", after)
	}
	if got := srv.LoginCounters(); got.Refreshes != 1 || got.CodeExchanges != 1 {
		t.Errorf("counters %+v", got)
	}
}

// TestConcurrentRefresh: refreshers in parallel (separate clients, as
// separate processes would be) make one refresh; the others use its result.
func TestConcurrentRefresh(t *testing.T) {
	srv, url, dir, c, arn := signedIn(t)
	expire(t, c.Path(arn))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := newClient(t, url, dir).Credentials(context.Background(), Session{ARN: arn, Profile: "p"}, false)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Each waiter sees the rotated token (or fresh credentials) and uses
	// it instead of refreshing again.
	if got := srv.LoginCounters(); got.Refreshes != 1 || got.ReplayedRefreshTokens != 0 {
		t.Errorf("counters %+v", got)
	}
}

// TestRevoked: a session AWS ended is one error naming assume login.
func TestRevoked(t *testing.T) {
	srv, _, _, c, arn := signedIn(t)
	srv.RevokeLoginSessions("")
	if _, err := c.Credentials(context.Background(), Session{ARN: arn, Profile: "dev"}, false); err != nil {
		t.Fatalf("fresh credentials need no refresh: %v", err)
	}
	expire(t, c.Path(arn))
	_, err := c.Credentials(context.Background(), Session{ARN: arn, Profile: "dev"}, false)
	var lr *LoginRequiredError
	if !errors.As(err, &lr) || !strings.Contains(lr.Hint(), "assume login --profile dev") || lr.ExitCode() != 5 {
		t.Fatalf("got %v", err)
	}
	if _, err := c.Credentials(context.Background(), Session{ARN: "arn:aws:iam::111111111111:user/nobody", Profile: "x"}, false); !errors.As(err, &lr) {
		t.Fatalf("no file: %v", err)
	}
	if removed, err := c.Logout(Session{ARN: arn}); !removed || err != nil {
		t.Fatalf("logout: %v %v", removed, err)
	}
	if _, err := os.Stat(c.Path(arn)); !os.IsNotExist(err) {
		t.Error("the cache file is still there")
	}
}

// TestParseFileEncodings: PKCS#8 keys and the Go SDK's identityToken are
// read; SEC1 is written and the ID token keeps its field name.
func TestParseFileEncodings(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	doc := map[string]any{
		"accessToken": map[string]any{"accessKeyId": "ASIAX", "secretAccessKey": "s", "sessionToken": "t", "accountId": "111111111111", "expiresAt": "2026-12-07T10:00:00.5+01:00"},
		"tokenType":   "aws_sigv4", "clientId": ClientSameDevice, "refreshToken": "r", "identityToken": "a.b.c",
		"dpopKey": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
	data, _ := json.Marshal(doc)
	tok, err := ParseFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.Key.Equal(key) || tok.IDToken != "a.b.c" || !tok.ExpiresAt.Equal(time.Date(2026, 12, 7, 9, 0, 0, 5e8, time.UTC)) {
		t.Fatalf("parsed %v", tok)
	}
	out, err := tok.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.Contains(s, "BEGIN EC PRIVATE KEY") || !strings.Contains(s, `"identityToken": "a.b.c"`) || strings.Contains(s, `"idToken"`) ||
		!strings.Contains(s, `"expiresAt": "2026-12-07T09:00:00Z"`) {
		t.Errorf("written %s", s)
	}
	again, err := ParseFile(out)
	if err != nil || !again.Key.Equal(key) || again.RefreshToken != "r" {
		t.Fatalf("round trip: %v", err)
	}
	if strings.Contains(tok.String(), "s") && strings.Contains(tok.String(), "secret") {
		t.Error("String shows secrets")
	}
	for name, bad := range map[string]string{
		"not json":       "x",
		"no key":         `{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t","expiresAt":"2026-01-01T00:00:00Z"},"clientId":"c","refreshToken":"r"}`,
		"rsa key":        `{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t","expiresAt":"2026-01-01T00:00:00Z"},"clientId":"c","refreshToken":"r","dpopKey":"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"}`,
		"bad time":       `{"accessToken":{"accessKeyId":"a","secretAccessKey":"s","sessionToken":"t","expiresAt":"soon"},"clientId":"c","refreshToken":"r"}`,
		"secret missing": `{"accessToken":{"accessKeyId":"a","sessionToken":"t"}}`,
	} {
		if _, err := ParseFile([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "AAAA") {
			t.Errorf("%s: the error quotes the file: %v", name, err)
		}
	}
}

// FuzzParseFile: no input panics (the SDK's own parser dereferences a nil
// PEM block), and what parses writes back to something that parses the same.
func FuzzParseFile(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(key)
	seed, _ := json.Marshal(map[string]any{
		"accessToken": map[string]any{"accessKeyId": "ASIAX", "secretAccessKey": "s", "sessionToken": "t", "accountId": "111111111111", "expiresAt": "2026-12-07T10:00:00Z"},
		"tokenType":   "aws_sigv4", "clientId": ClientSameDevice, "refreshToken": "r", "idToken": "a.b.c", "extra": []int{1},
		"dpopKey": string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})),
	})
	f.Add(seed)
	f.Add([]byte(`{"accessToken":null}`))
	f.Add([]byte(`{"dpopKey":"-----BEGIN EC PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseFile(data)
		if err != nil {
			return
		}
		out, err := tok.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseFile(out)
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v\n%s", err, out)
		}
		if again.RefreshToken != tok.RefreshToken || again.AccessKeyID != tok.AccessKeyID || !again.ExpiresAt.Equal(tok.ExpiresAt.Truncate(time.Second)) {
			t.Fatal("round trip changed the token")
		}
	})
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func writeJSON(t *testing.T, path string, m map[string]any) {
	t.Helper()
	data, _ := json.Marshal(m)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// expire makes the cached credentials expired.
func expire(t *testing.T, path string) {
	t.Helper()
	m := readJSON(t, path)
	m["accessToken"].(map[string]any)["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	writeJSON(t, path, m)
}

// TestDue: botocore's 5-minute margin, or a third of the life of shorter
// credentials, so that a refresh is not followed at once by another.
func TestDue(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	c := &Client{o: Options{Now: func() time.Time { return now }}}
	for _, tt := range []struct {
		left, life time.Duration
		due        bool
	}{
		{15 * time.Minute, 15 * time.Minute, false},
		{301 * time.Second, 15 * time.Minute, false},
		{299 * time.Second, 15 * time.Minute, true},
		{119 * time.Second, 120 * time.Second, false},
		{39 * time.Second, 120 * time.Second, true},
		{-time.Second, 120 * time.Second, true},
	} {
		tok := &Token{ExpiresAt: now.Add(tt.left)}
		if got := c.due(tok, tok.ExpiresAt.Add(-tt.life)); got != tt.due {
			t.Errorf("left %v of %v: due %v", tt.left, tt.life, got)
		}
	}
}

// TestSignInRemote: the cross-device flow prints the URL, the user opens it
// anywhere and pastes the code the confirmation page shows.
func TestSignInRemote(t *testing.T) {
	_, url := emu(t, 0)
	c := newClient(t, url, filepath.Join(t.TempDir(), "cache"))
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			u := strings.TrimSpace(sc.Text())
			if !strings.HasPrefix(u, "http") {
				continue
			}
			if !strings.Contains(u, "client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fcross-device") {
				t.Errorf("authorize URL %s", u)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			_, after, _ := strings.Cut(string(body), "Paste this code into the CLI: ")
			code, _, _ := strings.Cut(after, "<")
			io.WriteString(inW, code+"\n")
		}
	}()
	arn, err := c.SignIn(context.Background(), SignInOptions{Profile: "p", Remote: true, In: inR, Out: outW, AuthTimeout: 10 * time.Second})
	outW.Close()
	if err != nil || arn != aliceARN {
		t.Fatalf("remote sign-in: %q %v", arn, err)
	}
	tok, err := c.Load(Session{ARN: arn})
	if err != nil || tok.ClientID != ClientCrossDevice {
		t.Fatalf("cache: %v %v", tok, err)
	}
	// A code of another sign-in is refused.
	if _, err := readPasted(context.Background(), strings.NewReader("c3RhdGU9b3RoZXImY29kZT14\n"), "mine", time.Second); err == nil {
		t.Error("a foreign state was accepted")
	}
}

// TestUnreachable: a sign-in endpoint that does not answer is a network
// error (exit 6), not a request to sign in again.
func TestUnreachable(t *testing.T) {
	_, _, dir, _, arn := signedIn(t)
	c, err := New(Options{Getenv: func(string) string { return "" }, CacheDir: dir, Endpoint: "http://127.0.0.1:1", Timeout: 2 * time.Second,
		RetryBackoff: func(int) time.Duration { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	expire(t, c.Path(arn))
	_, err = c.Credentials(context.Background(), Session{ARN: arn, Profile: "p"}, false)
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.ExitCode() != 6 || !strings.Contains(err.Error(), "http://127.0.0.1:1") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v", err)
	}
}

// FuzzReadPasted: any pasted text is a code for this state or a one-line
// refusal, never a panic.
func FuzzReadPasted(f *testing.F) {
	f.Add("c3RhdGU9bWluZSZjb2RlPXg=\n") // state=mine&code=x
	f.Add("c3RhdGU9b3RoZXImY29kZT14\n")
	f.Add("\n")
	f.Add("%%%%")
	f.Fuzz(func(t *testing.T, in string) {
		code, err := readPasted(context.Background(), strings.NewReader(in), "mine", time.Second)
		if err == nil && code == "" {
			t.Fatal("no code and no error")
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
	})
}
