package creds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/flock"
)

// Defaults of the single-flight lock.
const (
	// DefaultLockTimeout bounds the wait for another process that is
	// getting the same credentials. The holder may be waiting for an MFA
	// code typed in another terminal; a holder that died released its lock
	// at once (the kernel drops it), so only a live, stuck holder makes a
	// waiter give up.
	DefaultLockTimeout = 2 * time.Minute
	// lockNoticeAfter is how long a waiter waits silently before it says
	// why it is waiting.
	lockNoticeAfter = 2 * time.Second
)

// LockTimeoutError reports that another process held the lock of the same
// credentials for longer than the lock timeout.
type LockTimeoutError struct {
	Profile string
	Holder  int // PID of the holder when known, else 0
	Waited  time.Duration
}

func (e *LockTimeoutError) Error() string {
	by := "another assume"
	if e.Holder > 0 {
		by = fmt.Sprintf("another assume (pid %d)", e.Holder)
	}
	return fmt.Sprintf("gave up after %s waiting for %s that is getting credentials for profile %q", fmtDur(e.Waited.Round(time.Second)), by, e.Profile)
}

// Hint implements Hinter.
func (e *LockTimeoutError) Hint() string {
	return "that process may be waiting for an MFA code or a sign-in in another terminal: finish or stop it, then try again"
}

// lockDir is the folder of the lock files: Options.LockDir, else "locks"
// inside the cache's folder when the cache keeps files, else "" (no
// locking: without a shared cache, waiting would gain nothing).
func (o *Options) lockDir() string {
	if o.LockDir != "" {
		return o.LockDir
	}
	if o.Cache == nil {
		return ""
	}
	if d, ok := o.Cache.Store().(interface{ Dir() string }); ok && d.Dir() != "" {
		return filepath.Join(d.Dir(), "locks")
	}
	return ""
}

// lockPath names the lock file of a resource: a hash, so that profile
// names never become file names.
func lockPath(dir, resource string) string {
	sum := sha256.Sum256([]byte("assume-lock-v1;" + resource))
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+".lock")
}

// lock takes the cross-process lock of resource (e.g. "creds/KEY") for
// profile, waiting up to LockTimeout. It returns a release function that is
// never nil. A lock that cannot be taken for another reason than a busy
// holder (a read-only cache folder, say) is skipped: single flight is an
// optimisation, never a reason to fail.
func lock(ctx context.Context, o *Options, dbg *debugLog, resource, profile string) (release func(), err error) {
	dir := o.lockDir()
	if dir == "" {
		return func() {}, nil
	}
	path := lockPath(dir, resource)
	u, ok, err := flock.TryLock(path)
	if err != nil {
		dbg.Printf("lock %s: %v; going on without it", resource, err)
		return func() {}, nil
	}
	if !ok {
		start := time.Now()
		dbg.Printf("lock %s is held by pid %d: waiting", resource, flock.Holder(path))
		notice := time.AfterFunc(lockNoticeAfter, func() {
			who := "another assume"
			if pid := flock.Holder(path); pid > 0 {
				who = fmt.Sprintf("another assume (pid %d)", pid)
			}
			o.Notice(fmt.Sprintf("waiting for %s that is getting credentials for profile %q", who, profile))
		})
		wctx, cancel := context.WithTimeout(ctx, o.lockTimeout())
		u, err = flock.Lock(wctx, path)
		cancel()
		notice.Stop()
		var we *flock.WaitError
		switch {
		case err == nil:
			dbg.Printf("lock %s taken after %s", resource, time.Since(start).Round(time.Millisecond))
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.As(err, &we) && errors.Is(err, context.DeadlineExceeded):
			return nil, &LockTimeoutError{Profile: profile, Holder: we.Holder, Waited: time.Since(start)}
		default:
			dbg.Printf("lock %s: %v; going on without it", resource, err)
			return func() {}, nil
		}
	}
	return func() {
		if err := u.Unlock(); err != nil {
			dbg.Printf("%v", err)
		}
	}, nil
}

func (o *Options) lockTimeout() time.Duration {
	if o.LockTimeout > 0 {
		return o.LockTimeout
	}
	return DefaultLockTimeout
}

// reusable decides whether an entry found in the cache after taking the
// lock can be returned instead of fetching. Entries that pass the cache's
// own margin qualify unless the caller asked for new credentials (refresh);
// an entry written after start, by the process we waited for, also
// qualifies while more than half of its life is left, so that even very
// short sessions (shorter than the cache margin) are fetched only once by
// concurrent callers.
func reusable(e *cache.Entry, now, start, newerThan time.Time, margin time.Duration, refresh bool) bool {
	if e == nil {
		return false
	}
	left := e.Expiration.Sub(now)
	if !e.Expiration.IsZero() && left <= 0 {
		return false
	}
	if !newerThan.IsZero() && !e.Expiration.After(newerThan) {
		return false
	}
	if !refresh && (e.Expiration.IsZero() || left > margin) {
		return true
	}
	if e.Created.Before(start) {
		return false
	}
	return e.Expiration.IsZero() || left > e.Expiration.Sub(e.Created)/2
}

// rawCache reads entries of c without its margin (the caller applies
// reusable).
func rawCache(c *cache.Cache, now func() time.Time) *cache.Cache {
	return cache.New(c.Store(), cache.WithMargin(0), cache.WithClock(now))
}
