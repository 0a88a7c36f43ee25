package populate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// RetryPolicy tunes the retries of failed requests. The zero value means the
// defaults.
type RetryPolicy struct {
	// MaxAttempts is how many times one request is tried (default 10).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt (default 100ms);
	// attempt n waits a random time in [0, min(MaxDelay, BaseDelay×2^(n-1))).
	BaseDelay time.Duration
	// MaxDelay caps the backoff (default 10s).
	MaxDelay time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 10
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 100 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	return p
}

// backoff returns the full-jitter delay after failed attempt n (1-based);
// r is a number in [0, 1).
func (p RetryPolicy) backoff(n int, r float64) time.Duration {
	ceil := p.MaxDelay
	if n < 40 {
		if d := p.BaseDelay << (n - 1); d > 0 && d < ceil {
			ceil = d
		}
	}
	return time.Duration(r * float64(ceil))
}

// Stats counts the requests of a run.
type Stats struct {
	Requests  int           // requests sent, retries included
	Throttled int           // of which the server refused for their rate
	Transient int           // of which failed with a retryable error
	Retries   int           // attempts after a first one
	FinalRate float64       // the ListAccountRoles rate the limiter ended at (requests/s)
	Elapsed   time.Duration // time spent listing
}

// listedAccount is one account with its roles.
type listedAccount struct {
	Account
	Roles []string
}

// fetcher lists every account and its roles.
type fetcher struct {
	lister      Lister
	classify    func(error) ErrorKind
	retry       RetryPolicy
	concurrency int
	acctLim     *limiter
	roleLim     *limiter
	prog        *progress

	requests, throttled, transient, retries atomic.Int64
}

// call runs one request with pacing and retries.
func (f *fetcher) call(ctx context.Context, lim *limiter, op func() string, req func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		t, err := lim.wait(ctx)
		if err != nil {
			return err
		}
		if attempt > 1 {
			f.retries.Add(1)
		}
		f.requests.Add(1)
		f.prog.request()
		err = req(ctx)
		if err == nil {
			lim.success(time.Now(), t)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch f.classify(err) {
		case Throttled:
			f.throttled.Add(1)
			lim.throttled(time.Now(), t)
		case Transient:
			f.transient.Add(1)
		default:
			return fmt.Errorf("%s: %w", op(), err)
		}
		if attempt >= f.retry.MaxAttempts {
			return &GiveUpError{Op: op(), Attempts: attempt, Err: err}
		}
		d := max(f.retry.backoff(attempt, rand.Float64()), retryAfter(err))
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// fetch lists the accounts (one page after another) and, as they arrive,
// their roles (concurrently). The first failure cancels everything.
func (f *fetcher) fetch(ctx context.Context) ([]listedAccount, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		once     sync.Once
		firstErr error
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}

	accounts := make(chan Account, 256)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(accounts)
		seen := map[string]bool{}
		token := ""
		for page := 1; ; page++ {
			var list []Account
			var next string
			err := f.call(ctx, f.acctLim, func() string { return fmt.Sprintf("listing accounts (page %d)", page) },
				func(ctx context.Context) error {
					var err error
					list, next, err = f.lister.ListAccounts(ctx, token)
					return err
				})
			if err != nil {
				fail(err)
				return
			}
			for _, a := range list {
				if seen[a.ID] {
					continue
				}
				seen[a.ID] = true
				f.prog.found(1)
				select {
				case accounts <- a:
				case <-ctx.Done():
					return
				}
			}
			if next == "" {
				f.prog.listed()
				return
			}
			if next == token {
				fail(fmt.Errorf("listing accounts (page %d): %w", page, errRepeatedToken))
				return
			}
			token = next
		}
	}()

	var mu sync.Mutex
	var out []listedAccount
	for range f.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range accounts {
				if ctx.Err() != nil {
					continue // drain
				}
				roles, err := f.roles(ctx, a.ID)
				if err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				out = append(out, listedAccount{a, roles})
				mu.Unlock()
				f.prog.done()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// roles lists every page of the roles of one account.
func (f *fetcher) roles(ctx context.Context, accountID string) ([]string, error) {
	var roles []string
	seen := map[string]bool{}
	token := ""
	for page := 1; ; page++ {
		var list []string
		var next string
		err := f.call(ctx, f.roleLim,
			func() string { return fmt.Sprintf("listing roles of account %s (page %d)", accountID, page) },
			func(ctx context.Context) error {
				var err error
				list, next, err = f.lister.ListAccountRoles(ctx, accountID, token)
				return err
			})
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			if !seen[r] {
				seen[r] = true
				roles = append(roles, r)
			}
		}
		if next == "" {
			return roles, nil
		}
		if next == token {
			return nil, fmt.Errorf("listing roles of account %s (page %d): %w", accountID, page, errRepeatedToken)
		}
		token = next
	}
}

var errRepeatedToken = errors.New("the portal returned the same page token again")

func (f *fetcher) stats(elapsed time.Duration) Stats {
	return Stats{
		Requests:  int(f.requests.Load()),
		Throttled: int(f.throttled.Load()),
		Transient: int(f.transient.Load()),
		Retries:   int(f.retries.Load()),
		FinalRate: f.roleLim.current(),
		Elapsed:   elapsed,
	}
}
