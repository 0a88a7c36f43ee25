package credserver

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRefreshSchedule(t *testing.T) {
	tests := []struct {
		name     string
		lifetime time.Duration
		margin   time.Duration // Options.Margin
		quiet    time.Duration // until here the first credentials are served
		refresh  time.Duration // from here new ones are fetched
	}{
		{"one hour: 15 minutes ahead", time.Hour, 0, 44*time.Minute + 59*time.Second, 45 * time.Minute},
		{"60 seconds: half the lifetime", time.Minute, 0, 29 * time.Second, 30 * time.Second},
		{"15 minutes: half the lifetime", 15 * time.Minute, 0, 7 * time.Minute, 7*time.Minute + 30*time.Second},
		{"12 hours: 15 minutes ahead", 12 * time.Hour, 0, 11*time.Hour + 44*time.Minute, 11*time.Hour + 45*time.Minute},
		{"custom margin", time.Hour, 5 * time.Minute, 54 * time.Minute, 55 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			start := clk.Now()
			p := &fakeProvider{now: clk.Now, lifetime: tt.lifetime}
			s := newServer(t, p.get, Options{Now: clk.Now, Margin: tt.margin})
			steps := []struct {
				at   time.Duration
				want string
			}{
				{0, "ASIAFAKE000000000001"},
				{tt.quiet, "ASIAFAKE000000000001"},
				{tt.refresh, "ASIAFAKE000000000002"},
				{tt.refresh + time.Second, "ASIAFAKE000000000002"},
			}
			for _, st := range steps {
				clk.Add(start.Add(st.at).Sub(clk.Now()))
				c := fetch(t, s)
				if c.AccessKeyID != st.want {
					t.Fatalf("at +%v: got %s, want %s", st.at, c.AccessKeyID, st.want)
				}
				exp, err := time.Parse(time.RFC3339, c.Expiration)
				if err != nil {
					t.Fatal(err)
				}
				margin := cmp.Or(tt.margin, DefaultMargin)
				if left := exp.Sub(clk.Now()); left < min(margin, tt.lifetime/2)-time.Second {
					t.Errorf("at +%v: served credentials with only %v left", st.at, left)
				}
			}
			if calls, forced := p.counts(); calls != 2 || forced != 0 {
				t.Errorf("provider calls %d (forced %d), want 2 (0)", calls, forced)
			}
		})
	}
}

func TestStaticCredentialsAreNotRefreshed(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now}
	s := newServer(t, p.get, Options{Now: clk.Now})
	for range 3 {
		c := fetch(t, s)
		if c.Expiration != clk.Now().Add(time.Hour).Format(time.RFC3339) {
			t.Errorf("Expiration %s, want an hour from now", c.Expiration)
		}
		clk.Add(24 * time.Hour)
	}
	if calls, _ := p.counts(); calls != 1 {
		t.Errorf("provider called %d times, want 1", calls)
	}
}

func TestFailingRefresh(t *testing.T) {
	clk := newClock()
	p := &fakeProvider{now: clk.Now, lifetime: time.Minute}
	var debug strings.Builder
	s := newServer(t, p.get, Options{Now: clk.Now, RetryInterval: 5 * time.Second, Debug: &debug})
	start := clk.Now()
	defer func() {
		if !strings.Contains(debug.String(), "refresh failed") {
			t.Errorf("debug output lacks the failure:\n%s", debug.String())
		}
		if leak := leaks(strings.ReplaceAll(debug.String(), "ASIAFAKE", ""), p); leak != "" {
			t.Errorf("debug output leaks %q:\n%s", leak, debug.String())
		}
	}()
	if k := fetch(t, s).AccessKeyID; k != "ASIAFAKE000000000001" {
		t.Fatal(k)
	}
	// The provider now fails, quoting a secret and spreading over lines.
	p.setErr(errors.New("sso token expired for fakeSecret/1/wJalrXUtnFEMIK7MDENGbPxRfiCY\nsecond line"))

	type step struct {
		at        time.Duration
		wantCode  int
		wantKey   string
		wantCalls int // provider calls so far
	}
	steps := []step{
		{30 * time.Second, 200, "ASIAFAKE000000000001", 2}, // due: refresh fails, last good served
		{31 * time.Second, 200, "ASIAFAKE000000000001", 2}, // backing off: no new call
		{36 * time.Second, 200, "ASIAFAKE000000000001", 3}, // retried (6 s = lifetime/10), failed again
		{59 * time.Second, 200, "ASIAFAKE000000000001", 4}, // retried, still valid for 1 s
		{60 * time.Second, 500, "", 4},                     // expired, within the backoff: no call
		{65 * time.Second, 500, "", 5},                     // expired, retried, failed
		{65*time.Second + time.Millisecond, 500, "", 5},    // backing off
		{72 * time.Second, 200, "ASIAFAKE000000000002", 6}, // recovered (set below)
		{72*time.Second + time.Millisecond, 200, "ASIAFAKE000000000002", 6},
	}
	for _, st := range steps {
		clk.Add(start.Add(st.at).Sub(clk.Now()))
		if st.wantKey == "ASIAFAKE000000000002" {
			p.setErr(nil)
		}
		w := request(s, "GET", s.path, s.Token())
		if w.Code != st.wantCode {
			t.Fatalf("at +%v: status %d, want %d (%s)", st.at, w.Code, st.wantCode, w.Body)
		}
		if calls, _ := p.counts(); calls != st.wantCalls {
			t.Errorf("at +%v: %d provider calls, want %d", st.at, calls, st.wantCalls)
		}
		body := w.Body.String()
		if st.wantCode == 200 {
			if !strings.Contains(body, st.wantKey) {
				t.Errorf("at +%v: body lacks %s", st.at, st.wantKey)
			}
			continue
		}
		if leak := leaks(body, p); leak != "" {
			t.Errorf("at +%v: error body leaks %q", st.at, leak)
		}
		e := errorOf(t, w.Body)
		if e.Code != "RefreshFailed" || e.Message != "refreshing credentials: sso token expired for [redacted]" {
			t.Errorf("at +%v: error %+v", st.at, e)
		}
	}

	_, err := s.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.setErr(errProvider)
	clk.Add(2 * time.Minute)
	_, err = s.Credentials(context.Background())
	if !errors.Is(err, ErrNoCredentials) || !errors.Is(err, errProvider) {
		t.Errorf("Credentials after expiry = %v, want ErrNoCredentials wrapping the provider's error", err)
	}
}

func TestProviderMisbehaves(t *testing.T) {
	clk := newClock()
	tests := []struct {
		name     string
		provider Provider
		want     string
	}{
		{"no key", func(context.Context, bool) (Credentials, error) {
			return Credentials{SessionToken: "t", Expiration: clk.Now().Add(time.Hour)}, nil
		}, "returned no access key"},
		{"already expired", func(context.Context, bool) (Credentials, error) {
			return Credentials{AccessKeyID: "A", SecretAccessKey: "S", Expiration: clk.Now()}, nil
		}, "returned credentials that expired at 2026-03-01T12:00:00Z"},
		{"panics", func(context.Context, bool) (Credentials, error) { panic("boom") }, "panicked: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, tt.provider, Options{Now: clk.Now})
			w := request(s, "GET", s.path, s.Token())
			if w.Code != http.StatusInternalServerError {
				t.Fatalf("status %d", w.Code)
			}
			if e := errorOf(t, w.Body); !strings.Contains(e.Message, tt.want) {
				t.Errorf("message %q lacks %q", e.Message, tt.want)
			}
		})
	}
}

func TestClientGoneDuringRefresh(t *testing.T) {
	gate := make(chan struct{})
	p := &fakeProvider{now: time.Now, lifetime: time.Hour, gate: gate}
	s := newServer(t, p.get, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := s.Credentials(ctx); errc <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Credentials = %v, want context.Canceled", err)
	}
	// The refresh itself went on and its result is kept.
	close(gate)
	c, err := s.Credentials(context.Background())
	if err != nil || c.AccessKeyID != "ASIAFAKE000000000001" {
		t.Fatalf("Credentials = %v, %v", c, err)
	}
	if calls, _ := p.counts(); calls != 1 {
		t.Errorf("provider called %d times, want 1", calls)
	}
}

func TestBackgroundRefresh(t *testing.T) {
	t.Parallel()
	// Real clock, two-second sessions: refreshed a second before expiry
	// without any request asking.
	p := &fakeProvider{now: time.Now, lifetime: 2 * time.Second}
	s := newServer(t, p.get, Options{})
	serve(t, s)
	deadline := time.Now().Add(10 * time.Second)
	for {
		calls, _ := p.counts()
		if calls >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("provider called %d times in 10 s, want at least 3 without any request", calls)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c := getHTTP(t, http.DefaultClient, s); c.AccessKeyID == "ASIAFAKE000000000001" {
		t.Error("still serving the first credentials")
	}
}

func TestBackgroundRetriesWhileValid(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{now: time.Now, lifetime: 2 * time.Second}
	s := newServer(t, p.get, Options{RetryInterval: 50 * time.Millisecond})
	if _, err := s.Credentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.setErr(errProvider)
	serve(t, s)
	// Due after 1 s; retried every 50 ms until the 2 s are over, then no more.
	time.Sleep(2500 * time.Millisecond)
	calls, _ := p.counts()
	if calls < 5 {
		t.Errorf("provider called %d times, want background retries", calls)
	}
	time.Sleep(500 * time.Millisecond)
	if later, _ := p.counts(); later != calls {
		t.Errorf("background kept calling the provider after the credentials expired (%d, then %d)", calls, later)
	}
}
