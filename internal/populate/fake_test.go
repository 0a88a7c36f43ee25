package populate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeOrg is an in-memory SSO portal.
type fakeOrg struct {
	mu       sync.Mutex
	accounts []Account
	roles    map[string][]string
	pageSize int // accounts and roles per page (default 2, to exercise paging)

	// beforeRoles, if set, runs before every ListAccountRoles call and may
	// fail it.
	beforeRoles func(accountID string, call int) error
	// bucket, if set, throttles ListAccountRoles.
	bucket *tokenBucket

	accountCalls, roleCalls atomic.Int64
}

// org builds a fakeOrg from "id:name" accounts, each with the given roles.
func org(roles []string, accounts ...string) *fakeOrg {
	o := &fakeOrg{roles: map[string][]string{}}
	for _, a := range accounts {
		id, name, _ := cutColon(a)
		o.accounts = append(o.accounts, Account{ID: id, Name: name})
		o.roles[id] = append([]string(nil), roles...)
	}
	return o
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (o *fakeOrg) size() int {
	if o.pageSize > 0 {
		return o.pageSize
	}
	return 2
}

func page[T any](all []T, token string, size int) ([]T, string, error) {
	off := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", &RequestError{Kind: Fatal, Err: errors.New("invalid next token")}
		}
		off = n
	}
	end := min(len(all), off+size)
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return append([]T(nil), all[off:end]...), next, nil
}

func (o *fakeOrg) ListAccounts(ctx context.Context, token string) ([]Account, string, error) {
	o.accountCalls.Add(1)
	o.mu.Lock()
	defer o.mu.Unlock()
	return page(o.accounts, token, o.size())
}

func (o *fakeOrg) ListAccountRoles(ctx context.Context, id, token string) ([]string, string, error) {
	n := int(o.roleCalls.Add(1))
	if o.beforeRoles != nil {
		if err := o.beforeRoles(id, n); err != nil {
			return nil, "", err
		}
	}
	if o.bucket != nil && !o.bucket.take() {
		return nil, "", &RequestError{Kind: Throttled, Err: errors.New("TooManyRequestsException: rate exceeded")}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return page(o.roles[id], token, o.size())
}

// tokenBucket refuses requests above rate per second (burst at most).
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate, burst float64) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, last: time.Now()}
}

func (b *tokenBucket) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// errUnauthorized is what the lead's adapter passes on for a 401.
var errUnauthorized = errors.New("UnauthorizedException: Session token not found or invalid")

// configFile writes content to a config file in a temporary folder.
func configFile(t *testing.T, content string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(path, content string) error {
	return os.WriteFile(path, []byte(content), 0o600)
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fastRetry keeps retries quick in tests.
var fastRetry = RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

func opts(path string, l Lister) Options {
	return Options{ConfigPath: path, SSOSession: "corp", Lister: l, Retry: fastRetry,
		Limiter: LimiterConfig{InitialRate: 2000}}
}

func run(t *testing.T, o Options) *Summary {
	t.Helper()
	sum, err := Populate(context.Background(), o)
	if err != nil {
		t.Fatalf("Populate: %v", err)
	}
	return sum
}

func fmtSummary(s *Summary) string {
	return fmt.Sprintf("added=%v updated=%v renamed=%v removed=%v unchanged=%v kept=%v",
		s.Added, s.Updated, s.Renamed, s.Removed, s.Unchanged, s.KeptVanished)
}
