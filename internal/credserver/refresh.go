package credserver

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoCredentials is the error of Credentials (and the reason of a 500)
// when the provider has failed and no valid credentials are left. It wraps
// the provider's last error: errors.Is(err, ErrNoCredentials) holds and
// errors.Unwrap chains reach the provider's error.
var ErrNoCredentials = errors.New("no valid credentials")

// refreshError joins ErrNoCredentials and the provider's error.
type refreshError struct{ err error }

func (e *refreshError) Error() string   { return "refreshing credentials: " + e.err.Error() }
func (e *refreshError) Unwrap() []error { return []error{ErrNoCredentials, e.err} }

// margin is how long before expiry c, received at obtained, are refreshed:
// Margin, or half their lifetime if that is less.
func (s *Server) margin(c Credentials, obtained time.Time) time.Duration {
	return min(s.opts.Margin, c.Expiration.Sub(obtained)/2)
}

// retryDelay is the wait after a failed refresh: RetryInterval, or a tenth
// of the current credentials' lifetime if that is less (but at least 100
// ms), so that short sessions get several attempts before they expire.
// Called with mu held.
func (s *Server) retryDelay() time.Duration {
	d := s.opts.RetryInterval
	if s.have && !s.cur.Expiration.IsZero() {
		d = min(d, max(s.cur.Expiration.Sub(s.obtained)/10, 100*time.Millisecond))
	}
	return d
}

// state is what the server holds at a given instant.
type state int

const (
	fresh state = iota // valid, not yet due for refresh
	due                // valid, but within the margin
	none               // missing or expired
)

// stateLocked classifies the current credentials at now. Called with mu
// held.
func (s *Server) stateLocked(now time.Time) state {
	switch {
	case !s.have:
		return none
	case s.cur.Expiration.IsZero():
		return fresh
	case !now.Before(s.cur.Expiration):
		return none
	case now.Before(s.cur.Expiration.Add(-s.margin(s.cur, s.obtained))):
		return fresh
	}
	return due
}

// get returns credentials to serve, refreshing them first when they are
// due or gone, unless a refresh failed less than retryDelay ago.
func (s *Server) get(ctx context.Context) (Credentials, error) {
	s.mu.Lock()
	now := s.opts.Now()
	st := s.stateLocked(now)
	backingOff := now.Before(s.retryAt)
	switch {
	case st == fresh || st == due && backingOff:
		c := s.cur
		s.mu.Unlock()
		return c, nil
	case st == none && backingOff:
		err := &refreshError{s.lastErr}
		s.mu.Unlock()
		return Credentials{}, err
	}
	f := s.startLocked()
	s.mu.Unlock()

	var timeout <-chan time.Time
	if st == due {
		t := time.NewTimer(s.dueWait)
		defer t.Stop()
		timeout = t.C
	}
	done := false
	select {
	case <-f.done:
		done = true
	case <-timeout:
		s.debugf("refresh is slow; serving the current credentials meanwhile")
	case <-ctx.Done():
		return Credentials{}, ctx.Err()
	}
	if done && f.err == nil {
		return f.creds, nil
	}
	// The refresh failed or is slow: the last good credentials do until
	// they expire.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stateLocked(s.opts.Now()) != none {
		return s.cur, nil
	}
	if !done {
		return Credentials{}, &refreshError{errors.New("the refresh is taking too long")}
	}
	return Credentials{}, &refreshError{f.err}
}

// startLocked starts a refresh, or returns the one under way. Called with
// mu held.
func (s *Server) startLocked() *flight {
	if s.flight != nil {
		return s.flight
	}
	f := &flight{done: make(chan struct{})}
	s.flight = f
	prev, have := s.cur, s.have
	go func() {
		c, err := s.fetch(prev, have)
		s.mu.Lock()
		now := s.opts.Now()
		if err == nil {
			s.cur, s.have, s.obtained = c, true, now
			s.lastErr, s.retryAt = nil, time.Time{}
			next := "never"
			if d := s.untilDueLocked(now); d >= 0 {
				next = d.Round(time.Millisecond).String()
			}
			s.debugf("refreshed: %s, expires %s, next refresh in %s", c, fmtTime(c.Expiration), next)
		} else {
			s.lastErr = err
			s.retryAt = now.Add(s.retryDelay())
			s.debugf("refresh failed (next attempt in %v): %s", s.retryDelay(), redactLine(err, s.cur.SecretAccessKey, s.cur.SessionToken))
		}
		s.flight = nil
		f.creds, f.err = c, err
		s.mu.Unlock()
		close(f.done)
		s.poke()
	}()
	return f
}

// fetch calls the provider once, or twice when its first answer is no
// newer than prev (it came from a cache of the provider's own).
func (s *Server) fetch(prev Credentials, have bool) (c Credentials, err error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.opts.RefreshTimeout)
	defer cancel()
	call := func(force bool) (c Credentials, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("credentials provider panicked: %v", r)
			}
		}()
		return s.provider(ctx, force)
	}
	c, err = call(false)
	if err == nil && have && !prev.Expiration.IsZero() && !c.Expiration.After(prev.Expiration) {
		s.debugf("provider returned credentials no newer than ours; forcing a refresh")
		c, err = call(true)
	}
	if err != nil {
		return Credentials{}, err
	}
	switch {
	case c.AccessKeyID == "" || c.SecretAccessKey == "":
		return Credentials{}, errors.New("credentials provider returned no access key")
	case !c.Expiration.IsZero() && !c.Expiration.After(s.opts.Now()):
		return Credentials{}, fmt.Errorf("credentials provider returned credentials that expired at %s", fmtTime(c.Expiration))
	}
	return c, nil
}

// untilDueLocked is how long from now the credentials stay fresh; zero
// when they are due or gone, negative when they never need a refresh.
// Called with mu held.
func (s *Server) untilDueLocked(now time.Time) time.Duration {
	if !s.have {
		return 0
	}
	if s.cur.Expiration.IsZero() {
		return -1
	}
	return max(0, s.cur.Expiration.Add(-s.margin(s.cur, s.obtained)).Sub(now))
}

// background refreshes the credentials when they become due, so that
// requests rarely wait. It retries failed refreshes while the last good
// credentials are valid; once they are gone (or before the first ones
// arrive, after a failure) it leaves refreshing to requests. It returns
// when the server stops.
func (s *Server) background() {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.wake:
		case <-timer.C:
		}
		s.mu.Lock()
		now := s.opts.Now()
		st := s.stateLocked(now)
		wait := time.Duration(-1) // no timer: wait for a wake-up
		switch {
		case s.flight != nil:
			// The refresh under way pokes us when it ends.
		case now.Before(s.retryAt):
			if st == due {
				wait = s.retryAt.Sub(now)
			}
		case st == none && s.lastErr == nil || st == due:
			s.startLocked()
		case st == fresh:
			wait = s.untilDueLocked(now)
		}
		s.mu.Unlock()
		timer.Stop()
		if wait >= 0 {
			timer.Reset(wait)
		}
	}
}

// poke wakes the background loop without blocking.
func (s *Server) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
