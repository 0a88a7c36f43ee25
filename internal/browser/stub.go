package browser

import "sync"

// Stub is an Opener for tests: it records every URL, calls OnOpen (if set)
// in a new goroutine, as a real browser would act on its own, and returns
// Err.
type Stub struct {
	// OnOpen plays the browser, e.g. follows an authorization URL.
	OnOpen func(url string)
	// Err is returned by Open.
	Err error

	mu   sync.Mutex
	urls []string
}

// Open implements Opener.
func (s *Stub) Open(url string) error {
	s.mu.Lock()
	s.urls = append(s.urls, url)
	s.mu.Unlock()
	if s.OnOpen != nil {
		go s.OnOpen(url)
	}
	return s.Err
}

// URLs returns the URLs opened so far.
func (s *Stub) URLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.urls...)
}

// TB is the part of testing.TB that Verify uses (so this package does not
// import testing).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Verify fails t unless exactly the given URLs were opened, in order.
func (s *Stub) Verify(t TB, want ...string) {
	t.Helper()
	got := s.URLs()
	if len(got) != len(want) {
		t.Errorf("browser opened %d URL(s) %q, want %d %q", len(got), got, len(want), want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("browser URL %d = %q, want %q", i, got[i], want[i])
		}
	}
}
