package credserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRequests(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{Now: clk.Now})
	tests := []struct {
		name     string
		method   string
		path     string
		host     string
		auth     []string
		wantCode int
		wantErr  string // code of the error body
	}{
		{"right token", "GET", s.path, "", []string{s.Token()}, 200, ""},
		{"localhost host", "GET", s.path, "localhost:9", []string{s.Token()}, 200, ""},
		{"no token", "GET", s.path, "", nil, 401, "Unauthorized"},
		{"wrong token", "GET", s.path, "", []string{strings.Repeat("0", 64)}, 401, "Unauthorized"},
		{"token prefix", "GET", s.path, "", []string{s.Token()[:63]}, 401, "Unauthorized"},
		{"token plus suffix", "GET", s.path, "", []string{s.Token() + "x"}, 401, "Unauthorized"},
		{"bearer token", "GET", s.path, "", []string{"Bearer " + s.Token()}, 401, "Unauthorized"},
		{"two headers", "GET", s.path, "", []string{s.Token(), s.Token()}, 401, "Unauthorized"},
		{"other path", "GET", "/", "", []string{s.Token()}, 404, "NotFound"},
		{"path prefix", "GET", s.path + "/x", "", []string{s.Token()}, 404, "NotFound"},
		{"POST", "POST", s.path, "", []string{s.Token()}, 405, "MethodNotAllowed"},
		{"HEAD", "HEAD", s.path, "", []string{s.Token()}, 405, "MethodNotAllowed"},
		{"foreign host (DNS rebinding)", "GET", s.path, "evil.example:80", []string{s.Token()}, 403, "Forbidden"},
		{"no host", "GET", s.path, "-", []string{s.Token()}, 403, "Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(tt.method, "http://127.0.0.1"+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch tt.host {
			case "":
			case "-":
				r.Host = ""
			default:
				r.Host = tt.host
			}
			for _, a := range tt.auth {
				r.Header.Add("Authorization", a)
			}
			w := newRecorder()
			s.ServeHTTP(w, r)
			if w.code != tt.wantCode {
				t.Fatalf("status %d, want %d (%s)", w.code, tt.wantCode, w.body.String())
			}
			if ct := w.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := w.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if tt.wantCode == 200 {
				var c wireCredentials
				if err := json.Unmarshal(w.body.Bytes(), &c); err != nil || c.AccessKeyID == "" {
					t.Fatalf("body %s: %v", w.body.String(), err)
				}
				return
			}
			if leak := leaks(w.body.String(), p); leak != "" {
				t.Errorf("a %d answer leaks %q", w.code, leak)
			}
			if e := errorOf(t, &w.body); e.Code != tt.wantErr || e.Message == "" {
				t.Errorf("error body %+v, want code %s", e, tt.wantErr)
			}
			if tt.wantCode == 405 && w.header.Get("Allow") != "GET" {
				t.Errorf("Allow %q, want GET", w.header.Get("Allow"))
			}
		})
	}
}

// recorder is a minimal http.ResponseWriter (httptest.ResponseRecorder
// drops the body of HEAD answers only on the wire, but keep it simple).
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return r.body.Write(b)
}

func TestResponseBody(t *testing.T) {
	clk := newClock()
	tests := []struct {
		name     string
		lifetime time.Duration
		mutate   func(*Credentials)
		want     map[string]any
	}{
		{"session", time.Hour, nil, map[string]any{
			"AccessKeyId":     "ASIAFAKE000000000001",
			"SecretAccessKey": "fakeSecret/1/wJalrXUtnFEMIK7MDENGbPxRfiCY",
			"Token":           "fakeSessionToken1+IQoJb3JpZ2luX2VjEJr//////////",
			"Expiration":      "2026-03-01T13:00:00Z",
			"RoleArn":         "arn:aws:iam::111111111111:role/dev",
			"AccountId":       "111111111111",
		}},
		{"no identity, non-UTC expiration", time.Hour, func(c *Credentials) {
			c.RoleARN, c.AccountID = "", ""
			c.Expiration = c.Expiration.In(time.FixedZone("X", 5*3600))
		}, map[string]any{
			"AccessKeyId":     "ASIAFAKE000000000001",
			"SecretAccessKey": "fakeSecret/1/wJalrXUtnFEMIK7MDENGbPxRfiCY",
			"Token":           "fakeSessionToken1+IQoJb3JpZ2luX2VjEJr//////////",
			"Expiration":      "2026-03-01T13:00:00Z",
		}},
		{"long-term keys", 0, func(c *Credentials) { c.SessionToken = "" }, map[string]any{
			"AccessKeyId":     "ASIAFAKE000000000001",
			"SecretAccessKey": "fakeSecret/1/wJalrXUtnFEMIK7MDENGbPxRfiCY",
			"Token":           "", // botocore requires the key
			"Expiration":      "2026-03-01T13:00:00Z",
			"RoleArn":         "arn:aws:iam::111111111111:role/dev",
			"AccountId":       "111111111111",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProvider{now: clk.Now, lifetime: tt.lifetime}
			provider := func(ctx context.Context, force bool) (Credentials, error) {
				c, err := p.get(ctx, force)
				if tt.mutate != nil {
					tt.mutate(&c)
				}
				return c, err
			}
			s := newServer(t, provider, Options{Now: clk.Now})
			w := request(s, "GET", s.path, s.Token())
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("body\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestLoopbackAddr(t *testing.T) {
	tests := []struct {
		addr    string
		want    string
		wantErr bool
	}{
		{"", "127.0.0.1:0", false},
		{"127.0.0.1:0", "127.0.0.1:0", false},
		{"127.0.0.1:8080", "127.0.0.1:8080", false},
		{"127.1.2.3:0", "127.1.2.3:0", false},
		{"localhost:0", "127.0.0.1:0", false},
		{"LOCALHOST:0", "127.0.0.1:0", false},
		{"[::1]:0", "[::1]:0", false},
		{"[::ffff:127.0.0.1]:0", "127.0.0.1:0", false},
		{"0.0.0.0:0", "", true},
		{":0", "", true},
		{"[::]:0", "", true},
		{"192.168.1.10:0", "", true},
		{"169.254.170.2:80", "", true},
		{"example.com:0", "", true},
		{"localhost.example.com:0", "", true},
		{"[fe80::1%lo]:0", "", true},
		{"[::1%lo]:0", "", true},
		{"127.0.0.1", "", true},
		{"127.0.0.1:http", "", true},
		{"127.0.0.1:65536", "", true},
		{"127.0.0.1:-1", "", true},
	}
	for _, tt := range tests {
		got, err := loopbackAddr(tt.addr)
		if (err != nil) != tt.wantErr {
			t.Errorf("loopbackAddr(%q) error %v, want error %v", tt.addr, err, tt.wantErr)
			continue
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("loopbackAddr(%q) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

func TestNewRefusesNonLoopback(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "10.0.0.1:0"} {
		s, err := New(p.get, Options{Addr: addr})
		if err == nil {
			s.Close()
			t.Errorf("New(Addr %q) succeeded", addr)
			continue
		}
		if !strings.Contains(err.Error(), "loopback") {
			t.Errorf("New(Addr %q): %v (does not say loopback)", addr, err)
		}
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil provider) succeeded")
	}
}

func TestServerIdentity(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	a := newServer(t, p.get, Options{})
	b := newServer(t, p.get, Options{Addr: "localhost:0"})
	for _, s := range []*Server{a, b} {
		if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), s.path) || len(s.path) != 33 {
			t.Errorf("URL %q", s.URL())
		}
		if len(s.Token()) != 64 || strings.Trim(s.Token(), "0123456789abcdef") != "" {
			t.Errorf("token is not 256 bits in hex: %d chars", len(s.Token()))
		}
		want := []string{EnvFullURI + "=" + s.URL(), EnvToken + "=" + s.Token()}
		if !slices.Equal(s.Env(), want) {
			t.Errorf("Env() = %q", s.Env())
		}
	}
	if a.Token() == b.Token() || a.path == b.path || a.URL() == b.URL() {
		t.Error("two servers share a token, path or URL")
	}
}

func TestChildEnv(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	in := []string{
		"PATH=/bin", "HOME=/home/u", "AWS_REGION=eu-west-1",
		"AWS_ACCESS_KEY_ID=AKIA", "AWS_SECRET_ACCESS_KEY=x", "AWS_SESSION_TOKEN=y", "AWS_SECURITY_TOKEN=y",
		"AWS_PROFILE=prod", "aws_default_profile=prod", "AWS_CREDENTIAL_EXPIRATION=2026-01-01T00:00:00Z",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x", "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/old",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN=old", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/t",
		"AWS_WEB_IDENTITY_TOKEN_FILE=/w", "AWS_ROLE_ARN=arn", "AWS_CONFIG_FILE=/c", "NOEQUALS",
	}
	want := append([]string{"PATH=/bin", "HOME=/home/u", "AWS_REGION=eu-west-1", "AWS_CONFIG_FILE=/c", "NOEQUALS"}, s.Env()...)
	if got := s.ChildEnv(in); !slices.Equal(got, want) {
		t.Errorf("ChildEnv =\n%q\nwant\n%q", got, want)
	}
}

func TestRedactLine(t *testing.T) {
	tests := []struct {
		err     string
		secrets []string
		want    string
	}{
		{"plain", nil, "plain"},
		{"first\nsecond", nil, "first"},
		{"tab\there\r", nil, "tab here"},
		{"key wJalrXUtnFEMIK7 and token T0KEN12345 end", []string{"wJalrXUtnFEMIK7", "T0KEN12345", ""}, "key [redacted] and token [redacted] end"},
		{"short x kept", []string{"x"}, "short x kept"},
		{"bad \xff utf8", nil, "bad ? utf8"},
		{"esc \x1b[31m", nil, "esc  [31m"},
		{strings.Repeat("é", 200), nil, strings.Repeat("é", 150) + "..."},
	}
	for _, tt := range tests {
		if got := redactLine(errors.New(tt.err), tt.secrets...); got != tt.want {
			t.Errorf("redactLine(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestServeStops(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	if c := getHTTP(t, http.DefaultClient, s); c.AccessKeyID == "" {
		t.Fatal("no credentials")
	}
	if err := s.Serve(ctx); err == nil {
		t.Error("a second Serve succeeded")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v, want nil after ctx ends", err)
	}
	if _, err := net.DialTimeout("tcp", s.ln.Addr().String(), time.Second); err == nil {
		t.Error("still listening after Serve returned")
	}
}

// getHTTP fetches the credentials over the network, or fails the test.
func getHTTP(t testing.TB, client *http.Client, s *Server) wireCredentials {
	t.Helper()
	r, err := http.NewRequest("GET", s.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", s.Token())
	resp, err := client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %d %s %v", resp.StatusCode, b, err)
	}
	var c wireCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConcurrentRequestsShareOneRefresh(t *testing.T) {
	gate := make(chan struct{})
	p := &fakeProvider{now: time.Now, lifetime: time.Hour, gate: gate}
	s := newServer(t, p.get, Options{})
	serve(t, s)

	const n = 100
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()
	keys := make(chan string, n)
	var started, wg sync.WaitGroup
	for range n {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			keys <- getHTTP(t, client, s).AccessKeyID
		})
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let the requests reach the server
	close(gate)
	wg.Wait()
	close(keys)
	for k := range keys {
		if k != "ASIAFAKE000000000001" {
			t.Fatalf("a request got %s", k)
		}
	}
	if calls, _ := p.counts(); calls != 1 {
		t.Errorf("provider called %d times, want 1", calls)
	}
}

func TestConcurrentRequestsWhileDue(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{Now: clk.Now})
	fetch(t, s)
	clk.Add(50 * time.Minute) // within the 15-minute margin
	p.mu.Lock()
	p.gate = make(chan struct{})
	p.mu.Unlock()
	s.dueWait = time.Minute

	const n = 100
	results := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { results <- fetch(t, s).AccessKeyID })
	}
	time.Sleep(50 * time.Millisecond)
	close(p.gate)
	wg.Wait()
	close(results)
	for k := range results {
		if k != "ASIAFAKE000000000002" {
			t.Fatalf("a request got %s, want the refreshed credentials", k)
		}
	}
	if calls, _ := p.counts(); calls != 2 {
		t.Errorf("provider called %d times, want 2", calls)
	}
}

func TestSlowRefreshServesValidCredentials(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{Now: clk.Now})
	fetch(t, s)
	clk.Add(50 * time.Minute)
	p.mu.Lock()
	p.gate = make(chan struct{}) // the refresh hangs
	p.mu.Unlock()
	s.dueWait = 20 * time.Millisecond
	if k := fetch(t, s).AccessKeyID; k != "ASIAFAKE000000000001" {
		t.Errorf("got %s while the refresh hangs, want the still valid first credentials", k)
	}
	close(p.gate)
}

func TestForcedRefreshWhenProviderCaches(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Hour, stale: true}
	s := newServer(t, p.get, Options{Now: clk.Now})
	if k := fetch(t, s).AccessKeyID; k != "ASIAFAKE000000000001" {
		t.Fatal(k)
	}
	clk.Add(46 * time.Minute)
	if k := fetch(t, s).AccessKeyID; k != "ASIAFAKE000000000002" {
		t.Fatalf("got %s after refresh, want new credentials", k)
	}
	if calls, forced := p.counts(); calls != 3 || forced != 1 {
		t.Errorf("calls %d, forced %d; want 3 calls, 1 forced", calls, forced)
	}
}

func TestServeStopsDuringHungRefresh(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour, gate: make(chan struct{})} // never opens
	s := newServer(t, p.get, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	status := make(chan int, 1)
	go func() {
		r, _ := http.NewRequest("GET", s.URL(), nil)
		r.Header.Set("Authorization", s.Token())
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			status <- 0
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if code := <-status; code != 0 && code != http.StatusInternalServerError {
		t.Errorf("waiting request got %d, want 500 or a closed connection", code)
	}
}
