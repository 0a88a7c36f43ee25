package sso

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeTokenFile puts a token file in c's cache as another tool would.
func writeTokenFile(t *testing.T, c *Client, sess Session, content string) string {
	t.Helper()
	if err := os.MkdirAll(c.CacheDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(c.CacheDir(), sess.TokenFileName())
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func ts(tm time.Time) string { return formatTime(tm) }

func TestToken(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	in := func(d time.Duration) string { return ts(now.Add(d)) }
	reg := `"clientId": "client-1", "clientSecret": "fake-client-secret-0001", "registrationExpiresAt": "` + in(60*24*time.Hour) + `"`
	tests := []struct {
		name      string
		sess      Session
		file      string // "" for none
		setup     func(*fakeIDC)
		wantToken string // access token returned
		refreshes int
		wantErr   string // LoginRequiredError reason fragment
		wantHint  string
	}{
		{name: "fresh", sess: mySSO, file: `{"accessToken": "AT-fresh", "expiresAt": "` + in(2*time.Hour) + `", "refreshToken": "fake-refresh-token", ` + reg + `}`,
			wantToken: "AT-fresh"},
		{name: "within 5 min: refreshed", sess: mySSO, file: `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-old", "expiresAt": "` + in(4*time.Minute) + `", ` + reg + `, "refreshToken": "fake-refresh-token"}`,
			wantToken: "fake-access-token-1", refreshes: 1},
		{name: "expired: refreshed", sess: mySSO, file: `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-old", "expiresAt": "` + in(-time.Hour) + `", ` + reg + `, "refreshToken": "fake-refresh-token"}`,
			wantToken: "fake-access-token-1", refreshes: 1},
		{name: "no file", sess: mySSO, wantErr: "not logged in", wantHint: "run `assume sso login --sso-session my-sso`"},
		{name: "no file, legacy", sess: legacy, wantErr: "not logged in", wantHint: "run `assume sso login --profile legacy`"},
		{name: "corrupt file", sess: mySSO, file: `{"accessToken": "AT"`, wantErr: "unreadable"},
		{name: "expired, no refresh token", sess: mySSO, file: `{"accessToken": "AT", "expiresAt": "` + in(-time.Minute) + `", ` + reg + `}`,
			wantErr: "the login expired at " + in(-time.Minute)},
		{name: "expiring, no refresh token: still usable", sess: mySSO, file: `{"accessToken": "AT-short", "expiresAt": "` + in(3*time.Minute) + `"}`,
			wantToken: "AT-short"},
		{name: "legacy, old CLI format", sess: legacy, file: `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-legacy", "expiresAt": "` + strings.TrimSuffix(in(time.Hour), "Z") + `UTC"}`,
			wantToken: "AT-legacy"},
		{name: "registration expired", sess: mySSO, file: `{"accessToken": "AT", "expiresAt": "` + in(-time.Minute) + `", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "` + in(-time.Hour) + `", "refreshToken": "fake-refresh-token"}`,
			wantErr: "expired"},
		{name: "refresh token revoked", sess: mySSO, file: `{"accessToken": "AT", "expiresAt": "` + in(-time.Minute) + `", ` + reg + `, "refreshToken": "revoked-refresh-token"}`,
			refreshes: 1, wantErr: "refused to refresh the login (InvalidGrantException)"},
		{name: "refresh token revoked, token still valid for a while", sess: mySSO, file: `{"accessToken": "AT", "expiresAt": "` + in(3*time.Minute) + `", ` + reg + `, "refreshToken": "revoked-refresh-token"}`,
			refreshes: 1, wantErr: "InvalidGrantException"},
		{name: "refresh fails at the server, token still valid", sess: mySSO, file: `{"accessToken": "AT-still", "expiresAt": "` + in(3*time.Minute) + `", ` + reg + `, "refreshToken": "fake-refresh-token"}`,
			setup: func(f *fakeIDC) { f.refreshErr = "InternalServerException" }, wantToken: "AT-still", refreshes: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIDC(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			c := f.client(t)
			var path string
			if tt.file != "" {
				path = writeTokenFile(t, c, tt.sess, tt.file)
			}
			tok, err := c.Token(context.Background(), tt.sess)
			if got := f.count("CreateToken"); got != tt.refreshes {
				t.Errorf("CreateToken called %d times, want %d", got, tt.refreshes)
			}
			if tt.wantErr != "" {
				var lr *LoginRequiredError
				if !errors.As(err, &lr) {
					t.Fatalf("error %v (%T), want *LoginRequiredError", err, err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q lacks %q", err, tt.wantErr)
				}
				if tt.wantHint != "" && lr.Hint() != tt.wantHint {
					t.Errorf("hint %q, want %q", lr.Hint(), tt.wantHint)
				}
				checkOneLine(t, err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != tt.wantToken {
				t.Errorf("access token %q, want %q", tok.AccessToken, tt.wantToken)
			}
			if tt.refreshes > 0 && tt.wantToken != "AT-still" {
				// The file was rewritten in the CLI's format, with the new token.
				got := readFile(t, path)
				want := `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-access-token-1", "expiresAt": "` +
					ts(tok.ExpiresAt) + `", ` + reg + `, "refreshToken": "fake-refresh-token"}`
				if got != want {
					t.Errorf("rewritten file\n%s\nwant\n%s", got, want)
				}
				checkMode(t, path, 0o600)
			}
		})
	}
}

func TestTokenRefreshKeepsUnknownKeysAndDropsRefreshToken(t *testing.T) {
	f := newFakeIDC(t)
	f.noNewRefresh = true
	c := f.client(t)
	path := writeTokenFile(t, c, mySSO, `{"accessToken":"AT","clientId":"client-1","clientSecret":"fake-client-secret-0001","expiresAt":"2020-01-01T00:00:00Z","otherTool":{"v":2},"refreshToken":"fake-refresh-token","region":"us-east-1","startUrl":"https://d-1234567890.awsapps.com/start"}`+"\n")
	tok, err := c.Token(context.Background(), mySSO)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "fake-access-token-1", "expiresAt": "` + ts(tok.ExpiresAt) +
		`", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", "otherTool": {"v":2}}`
	if got := readFile(t, path); got != want {
		t.Errorf("rewritten file\n%s\nwant\n%s", got, want)
	}
	b := f.createBodies[0]
	if b["grantType"] != "refresh_token" || b["refreshToken"] != "fake-refresh-token" || b["clientId"] != "client-1" {
		t.Errorf("refresh request %v", b)
	}
}

// TestTokenRefreshOnce: concurrent callers that all need a refresh make one
// refresh call; the others find the refreshed file after the lock.
func TestTokenRefreshOnce(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t)
	writeTokenFile(t, c, mySSO, `{"accessToken": "AT", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", "refreshToken": "fake-refresh-token"}`)
	var wg sync.WaitGroup
	toks := make([]string, 8)
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.Token(context.Background(), mySSO)
			if err != nil {
				t.Error(err)
				return
			}
			toks[i] = tok.AccessToken
		}()
	}
	wg.Wait()
	if n := f.count("CreateToken"); n != 1 {
		t.Errorf("CreateToken called %d times, want 1", n)
	}
	for _, tk := range toks {
		if tk != "fake-access-token-1" {
			t.Errorf("token %q", tk)
		}
	}
}

// errTransport fails every request with err.
type errTransport struct{ err error }

func (e errTransport) Do(*http.Request) (*http.Response, error) { return nil, e.err }

func TestTokenRefreshNetworkError(t *testing.T) {
	f := newFakeIDC(t)
	c := f.client(t, func(o *Options) {
		o.OIDCEndpoint = "http://127.0.0.1:1" // nothing listens on port 1
	})
	writeTokenFile(t, c, mySSO, `{"accessToken": "AT", "expiresAt": "2020-01-01T00:00:00Z", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", "refreshToken": "fake-refresh-token"}`)
	_, err := c.Token(context.Background(), mySSO)
	var ne *NetworkError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "cannot reach IAM Identity Center OIDC at http://127.0.0.1:1") {
		t.Fatalf("error %v (%T)", err, err)
	}
	checkOneLine(t, err)
}
