package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake clock for tests that drive the handler directly.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeProvider hands out numbered credentials that expire lifetime after
// now, or fails with err while it is set.
type fakeProvider struct {
	now      func() time.Time
	lifetime time.Duration // zero: credentials that do not expire
	gate     chan struct{} // when set, each call waits for it to close

	mu     sync.Mutex
	calls  int
	forced int
	err    error
	seq    int
	stale  bool // return the last credentials again unless forced
	last   Credentials
}

func (p *fakeProvider) get(ctx context.Context, force bool) (Credentials, error) {
	if p.gate != nil {
		select {
		case <-p.gate:
		case <-ctx.Done():
			return Credentials{}, ctx.Err()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if force {
		p.forced++
	}
	if p.err != nil {
		return Credentials{}, p.err
	}
	if p.stale && !force && p.seq > 0 {
		return p.last, nil
	}
	p.seq++
	c := Credentials{
		AccessKeyID:     fmt.Sprintf("ASIAFAKE%012d", p.seq),
		SecretAccessKey: fmt.Sprintf("fakeSecret/%d/wJalrXUtnFEMIK7MDENGbPxRfiCY", p.seq),
		SessionToken:    fmt.Sprintf("fakeSessionToken%d+IQoJb3JpZ2luX2VjEJr//////////", p.seq),
		AccountID:       "111111111111",
		RoleARN:         "arn:aws:iam::111111111111:role/dev",
	}
	if p.lifetime > 0 {
		c.Expiration = p.now().Add(p.lifetime).Truncate(time.Second)
	}
	p.last = c
	return c, nil
}

func (p *fakeProvider) setErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.err = err
}

func (p *fakeProvider) counts() (calls, forced int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls, p.forced
}

// newServer returns a server that is closed when the test ends; it is not
// serving yet.
func newServer(t testing.TB, p Provider, opts Options) *Server {
	t.Helper()
	s, err := New(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// serve runs s until the test ends.
func serve(t testing.TB, s *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// request runs one request through the handler, without the network.
func request(s *Server, method, target, auth string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	r.Host = "127.0.0.1:1234"
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// fetch runs one authorised GET through the handler and decodes the
// credentials, or fails the test.
func fetch(t *testing.T, s *Server) wireCredentials {
	t.Helper()
	w := request(s, "GET", s.path, s.Token())
	if w.Code != http.StatusOK {
		t.Fatalf("GET = %d %s", w.Code, w.Body)
	}
	var c wireCredentials
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// errorOf decodes an error body, or fails the test.
func errorOf(t *testing.T, body io.Reader) errorBody {
	t.Helper()
	var e errorBody
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body is not {code, message}: %v", err)
	}
	return e
}

// leaks reports which secret of the provider's credentials (any issued so
// far) appears in b.
func leaks(b string, p *fakeProvider) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := 1; i <= p.seq+1; i++ {
		for _, v := range []string{
			fmt.Sprintf("fakeSecret/%d/", i),
			fmt.Sprintf("fakeSessionToken%d", i),
			fmt.Sprintf("ASIAFAKE%012d", i),
		} {
			if strings.Contains(b, v) {
				return v
			}
		}
	}
	return ""
}

var errProvider = errors.New("provider failed")
