package creds

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/flock"
)

// Concurrent Gets of the same plan on an empty cache make one AssumeRole;
// the others wait for it and reuse its result. (flock excludes goroutines of
// one process too, so goroutines stand in for processes here; the
// end-to-end scripts run real processes.)
func TestSingleFlight(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		refresh bool
		want    int // AssumeRole calls
	}{
		{"one caller", 1, false, 1},
		{"twenty callers", 20, false, 1},
		// --refresh callers that overlap reuse what another one just
		// fetched: it is newer than anything they had.
		{"twenty --refresh callers", 20, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSTS(t)
			gate := make(chan struct{})
			f.hook = func(c stsCall, _ int) (int, string) {
				if c.Action == "AssumeRole" {
					<-gate // hold the first caller inside its fetch
				}
				return 0, ""
			}
			o := testOpts(f, nil)
			o.Cache = newCache(t)
			o.Refresh = tt.refresh
			p := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::111122223333:role/Dev"))

			results := make([]*Result, tt.n)
			errs := make([]error, tt.n)
			var wg sync.WaitGroup
			for i := range tt.n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = Get(context.Background(), p, o)
				}()
			}
			time.Sleep(50 * time.Millisecond) // let them all reach the lock
			close(gate)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("caller %d: %v", i, err)
				}
				if results[i].AccessKeyID != results[0].AccessKeyID {
					t.Fatalf("caller %d got %s, caller 0 %s", i, results[i].AccessKeyID, results[0].AccessKeyID)
				}
			}
			if got := f.count("AssumeRole"); got != tt.want {
				t.Fatalf("AssumeRole calls = %d, want %d", got, tt.want)
			}
		})
	}
}

// Two roles of one IAM user with an MFA device, fetched concurrently: one
// MFA prompt and one GetSessionToken (the MFA session has its own lock),
// then one AssumeRole per role.
func TestSingleFlightMFASession(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	var prompts atomic.Int32
	o.Prompt = func(context.Context, string, int) (string, error) {
		prompts.Add(1)
		time.Sleep(50 * time.Millisecond) // a human typing
		return mfaGoodCode, nil
	}
	serial := "arn:aws:iam::123456789012:mfa/alice"
	mk := func(name string) *chain.Plan {
		r := roleStep(name, "arn:aws:iam::111122223333:role/"+name)
		r.MFASerial = val(serial)
		return plan(name, staticStep("base"), r)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Get(context.Background(), mk([]string{"Admin", "ReadOnly"}[i%2]), o)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := prompts.Load(); got != 1 {
		t.Errorf("prompted %d times, want 1", got)
	}
	if got := f.count("GetSessionToken"); got != 1 {
		t.Errorf("GetSessionToken calls = %d, want 1", got)
	}
	if got := f.count("AssumeRole"); got != 2 {
		t.Errorf("AssumeRole calls = %d, want 2", got)
	}
}

// NewerThan (an endpoint replacing what it serves) skips the cached entry
// it already has, reuses a newer one, and keeps the MFA session: no prompt.
func TestNewerThan(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	prompts := 0
	o.Prompt = func(context.Context, string, int) (string, error) {
		prompts++
		return mfaGoodCode, nil
	}
	r := roleStep("admin", "arn:aws:iam::111122223333:role/Admin")
	r.MFASerial = val("arn:aws:iam::123456789012:mfa/alice")
	p := plan("admin", staticStep("base"), r)

	first, err := Get(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		newerThan time.Time
		wantCache bool
	}{
		{"older than the cached entry", first.Expiration.Add(-time.Minute), true},
		{"the cached entry itself", first.Expiration, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := o
			o.NewerThan = tt.newerThan
			before := f.count("AssumeRole")
			res, err := Get(context.Background(), p, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.FromCache != tt.wantCache {
				t.Errorf("FromCache = %v, want %v", res.FromCache, tt.wantCache)
			}
			if fetched := f.count("AssumeRole") - before; fetched != map[bool]int{true: 0, false: 1}[tt.wantCache] {
				t.Errorf("AssumeRole calls = %d", fetched)
			}
		})
	}
	if prompts != 1 || f.count("GetSessionToken") != 1 {
		t.Fatalf("prompts %d, GetSessionToken %d: a refresh must reuse the MFA session", prompts, f.count("GetSessionToken"))
	}
}

// A holder that does not let go: the waiter gives up after LockTimeout
// with a typed error naming the holder; a cancelled context ends the wait
// at once.
func TestLockTimeout(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	o.LockTimeout = 150 * time.Millisecond
	var notices []string
	o.Notice = func(s string) { notices = append(notices, s) }
	p := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::111122223333:role/Dev"))
	key := PlanKey(p, o.Getenv)
	path := lockPath(o.lockDir(), "creds/"+key)
	u, ok, err := flock.TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock: %v %v", ok, err)
	}
	defer u.Unlock()

	_, err = Get(context.Background(), p, o)
	var lt *LockTimeoutError
	if !errors.As(err, &lt) || lt.Holder != os.Getpid() || lt.Profile != "dev" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), `getting credentials for profile "dev"`) || HintOf(err) == "" {
		t.Errorf("message %q, hint %q", err, HintOf(err))
	}
	if f.count("") != 0 {
		t.Errorf("made %d calls while another process held the lock", f.count(""))
	}

	ctx, cancel := context.WithCancel(context.Background())
	o.LockTimeout = time.Minute
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := Get(ctx, p, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

// Lock files are 0600 in a 0700 folder inside the cache folder, named by a
// hash (no profile names on disk).
func TestLockFiles(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	p := plan("secret-project", staticStep("base"), roleStep("secret-project", "arn:aws:iam::111122223333:role/Dev"))
	if _, err := Get(context.Background(), p, o); err != nil {
		t.Fatal(err)
	}
	dir := o.lockDir()
	if filepath.Dir(dir) != o.Cache.Store().(interface{ Dir() string }).Dir() {
		t.Fatalf("lock folder %s is not in the cache folder", dir)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("lock folder: %v %v", fi.Mode(), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("lock files: %v", ents)
	}
	fi, _ = ents[0].Info()
	if fi.Mode().Perm() != 0o600 || strings.Contains(fi.Name(), "secret") || !strings.HasSuffix(fi.Name(), ".lock") {
		t.Fatalf("lock file %s %v", fi.Name(), fi.Mode())
	}
	// The cache's own listing ignores the folder.
	if _, err := o.Cache.Credentials(PlanKey(p, o.Getenv)); err != nil {
		t.Fatal(err)
	}
}

// Without a cache there is nothing to share, so nothing is locked; a lock
// folder that cannot be created is skipped, not fatal.
func TestLockSkipped(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	p := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::111122223333:role/Dev"))
	if _, err := Get(context.Background(), p, o); err != nil {
		t.Fatal(err)
	}
	o.Cache = newCache(t)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	o.LockDir = filepath.Join(file, "locks") // below a file: cannot exist
	if _, err := Get(context.Background(), p, o); err != nil {
		t.Fatal(err)
	}
}

func TestReusable(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	start := now.Add(-2 * time.Second)
	margin := 5 * time.Minute
	entry := func(created time.Time, lifetime time.Duration) *cache.Entry {
		return &cache.Entry{Created: created, Expiration: created.Add(lifetime)}
	}
	tests := []struct {
		name      string
		e         *cache.Entry
		newerThan time.Time
		refresh   bool
		want      bool
	}{
		{"none", nil, time.Time{}, false, false},
		{"old, beyond the margin", entry(now.Add(-10*time.Minute), time.Hour), time.Time{}, false, true},
		{"old, within the margin", entry(now.Add(-56*time.Minute), time.Hour), time.Time{}, false, false},
		{"old, --refresh", entry(now.Add(-10*time.Minute), time.Hour), time.Time{}, true, false},
		{"fresh, --refresh", entry(now.Add(-time.Second), time.Hour), time.Time{}, true, true},
		{"fresh 60s session, shorter than the margin", entry(now.Add(-time.Second), time.Minute), time.Time{}, false, true},
		{"60s session past half its life", entry(now.Add(-40*time.Second), time.Minute), time.Time{}, false, false},
		{"expired", entry(now.Add(-2*time.Hour), time.Hour), time.Time{}, false, false},
		{"the one being replaced", entry(now.Add(-10*time.Minute), time.Hour), now.Add(50 * time.Minute), false, false},
		{"newer than the one being replaced", entry(now.Add(-time.Second), time.Hour), now.Add(10 * time.Minute), false, true},
		{"never expires", &cache.Entry{Created: now.Add(-time.Hour)}, time.Time{}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reusable(tt.e, now, start, tt.newerThan, margin, tt.refresh); got != tt.want {
				t.Errorf("reusable = %v, want %v", got, tt.want)
			}
		})
	}
}
