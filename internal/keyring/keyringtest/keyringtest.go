package keyringtest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

// Option adjusts the suite for a backend.
type Option func(*config)

type config struct {
	lock        func(t *testing.T, s vault.Store) vault.Store
	maxValue    int
	writers     int
	perWriter   int
	hangTimeout time.Duration
	parallel    bool
}

// WithLock gives the suite a way to lock a store. lock receives a store that
// holds items and returns a store over the same items that is locked (it
// may be s itself, or a new handle opened without the secret that unlocks
// it). Against the locked store, Get of an existing item must fail with an
// error wrapping vault.ErrLocked; Set, Delete and List must succeed or fail
// with vault.ErrLocked (some keychains encrypt without the unlock secret);
// and no call may hang.
func WithLock(lock func(t *testing.T, s vault.Store) vault.Store) Option {
	return func(c *config) { c.lock = lock }
}

// WithMaxValueSize caps the size of the long values the suite writes, for
// backends with a hard limit (Windows Credential Manager keeps 2560 bytes).
// The default is 64 KiB.
func WithMaxValueSize(n int) Option { return func(c *config) { c.maxValue = n } }

// WithWriters sets how many goroutines write at once, and how many items
// each writes, in the concurrent-writers test (default 8 and 5). Slow
// backends that spawn a process per call may lower them.
func WithWriters(goroutines, itemsEach int) Option {
	return func(c *config) { c.writers, c.perWriter = goroutines, itemsEach }
}

// WithParallel runs the subtests (all but Locked, which runs last and
// alone) in parallel, for backends whose calls mostly wait on other
// processes. open must then be safe to call concurrently.
func WithParallel() Option { return func(c *config) { c.parallel = true } }

// WithHangTimeout sets how long one call may take before the suite reports
// it as hung (default 60 s). It is a guard against hangs, not a speed test.
func WithHangTimeout(d time.Duration) Option { return func(c *config) { c.hangTimeout = d } }

// Run runs the behaviour suite as subtests of t. open must return a new,
// empty store isolated from every other store it returned; it is called
// once per subtest.
func Run(t *testing.T, open func(t *testing.T) vault.Store, opts ...Option) {
	t.Helper()
	c := config{maxValue: 64 << 10, writers: 8, perWriter: 5, hangTimeout: 60 * time.Second}
	for _, o := range opts {
		o(&c)
	}
	s := suite{c: c, open: open}
	tests := []struct {
		name string
		f    func(*testing.T)
	}{
		{"SetGet", s.setGet},
		{"Overwrite", s.overwrite},
		{"Missing", s.missing},
		{"Delete", s.delete},
		{"ListPrefix", s.listPrefix},
		{"EmptyKey", s.emptyKey},
		{"OddKeys", s.oddKeys},
		{"BinaryValues", s.binaryValues},
		{"LongValue", s.longValue},
		{"ConcurrentWriters", s.concurrentWriters},
	}
	if c.parallel {
		// The group returns when all its parallel subtests are done.
		t.Run("Behaviour", func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.f(t)
				})
			}
		})
	} else {
		for _, tt := range tests {
			t.Run(tt.name, tt.f)
		}
	}
	t.Run("Locked", s.locked)
}

type suite struct {
	c    config
	open func(t *testing.T) vault.Store
}

// call runs f and fails the test if it does not return within the hang
// timeout.
func (s suite) call(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(s.c.hangTimeout):
		t.Fatalf("%s did not return within %v: the backend hangs", what, s.c.hangTimeout)
	}
}

func (s suite) get(t *testing.T, st vault.Store, key string) ([]byte, error) {
	t.Helper()
	var (
		v   []byte
		err error
	)
	s.call(t, fmt.Sprintf("Get(%q)", key), func() { v, err = st.Get(key) })
	return v, err
}

func (s suite) set(t *testing.T, st vault.Store, key string, v []byte) error {
	t.Helper()
	var err error
	s.call(t, fmt.Sprintf("Set(%q)", key), func() { err = st.Set(key, v) })
	return err
}

func (s suite) del(t *testing.T, st vault.Store, key string) error {
	t.Helper()
	var err error
	s.call(t, fmt.Sprintf("Delete(%q)", key), func() { err = st.Delete(key) })
	return err
}

func (s suite) list(t *testing.T, st vault.Store, prefix string) ([]string, error) {
	t.Helper()
	var (
		keys []string
		err  error
	)
	s.call(t, fmt.Sprintf("List(%q)", prefix), func() { keys, err = st.List(prefix) })
	return keys, err
}

func (s suite) mustSet(t *testing.T, st vault.Store, key string, v []byte) {
	t.Helper()
	if err := s.set(t, st, key, v); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func (s suite) mustGet(t *testing.T, st vault.Store, key string, want []byte) {
	t.Helper()
	got, err := s.get(t, st, key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %s, want %s", key, show(got), show(want))
	}
}

func (s suite) mustList(t *testing.T, st vault.Store, prefix string, want []string) {
	t.Helper()
	got, err := s.list(t, st, prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Fatalf("List(%q) = %q, want %q", prefix, got, want)
	}
}

// show describes a value for a failure message without dumping it whole.
func show(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%d bytes %q...", len(b), b[:64])
	}
	return fmt.Sprintf("%q", b)
}

func (s suite) setGet(t *testing.T) {
	st := s.open(t)
	tests := []struct{ key, value string }{
		{"creds/prod", `{"AccessKeyId":"AKIAEXAMPLE"}`},
		{"sso/token", "x"},
		{"empty-value", ""},
		{"with space", "value with\nnewlines\n\n"},
	}
	for _, tt := range tests {
		s.mustSet(t, st, tt.key, []byte(tt.value))
	}
	for _, tt := range tests {
		s.mustGet(t, st, tt.key, []byte(tt.value))
	}
}

func (s suite) overwrite(t *testing.T) {
	st := s.open(t)
	s.mustSet(t, st, "k", []byte("first"))
	s.mustSet(t, st, "k", []byte("second, longer than the first"))
	s.mustGet(t, st, "k", []byte("second, longer than the first"))
	s.mustSet(t, st, "k", []byte("3"))
	s.mustGet(t, st, "k", []byte("3"))
	s.mustList(t, st, "", []string{"k"})
}

func (s suite) missing(t *testing.T) {
	st := s.open(t)
	if _, err := s.get(t, st, "nope"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get of a missing key: err = %v, want vault.ErrNotFound", err)
	}
	if err := s.del(t, st, "nope"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Delete of a missing key: err = %v, want vault.ErrNotFound", err)
	}
	s.mustList(t, st, "", nil)
	s.mustSet(t, st, "present", []byte("v"))
	if _, err := s.get(t, st, "present2"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get of a key sharing a prefix: err = %v, want vault.ErrNotFound", err)
	}
	if _, err := s.get(t, st, "presen"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get of a prefix of a key: err = %v, want vault.ErrNotFound", err)
	}
}

func (s suite) delete(t *testing.T) {
	st := s.open(t)
	s.mustSet(t, st, "a", []byte("1"))
	s.mustSet(t, st, "b", []byte("2"))
	if err := s.del(t, st, "a"); err != nil {
		t.Fatalf("Delete(a): %v", err)
	}
	if _, err := s.get(t, st, "a"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want vault.ErrNotFound", err)
	}
	if err := s.del(t, st, "a"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("second Delete: err = %v, want vault.ErrNotFound", err)
	}
	s.mustGet(t, st, "b", []byte("2"))
	s.mustList(t, st, "", []string{"b"})
}

func (s suite) listPrefix(t *testing.T) {
	st := s.open(t)
	keys := []string{"creds/dev", "creds/prod", "creds/prod/admin", "sso/a", "credsX", "z"}
	for _, k := range keys {
		s.mustSet(t, st, k, []byte("v:"+k))
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"creds/dev", "creds/prod", "creds/prod/admin", "credsX", "sso/a", "z"}},
		{"creds/", []string{"creds/dev", "creds/prod", "creds/prod/admin"}},
		{"creds/prod", []string{"creds/prod", "creds/prod/admin"}},
		{"creds", []string{"creds/dev", "creds/prod", "creds/prod/admin", "credsX"}},
		{"sso/", []string{"sso/a"}},
		{"nothing", nil},
	}
	for _, tt := range tests {
		s.mustList(t, st, tt.prefix, tt.want)
	}
}

func (s suite) emptyKey(t *testing.T) {
	st := s.open(t)
	if err := s.set(t, st, "", []byte("v")); err == nil {
		t.Fatal("Set with an empty key succeeded")
	}
	if _, err := s.get(t, st, ""); err == nil {
		t.Fatal("Get with an empty key succeeded")
	}
}

// OddKeys are key names that stress escaping in paths, command lines and
// attribute values.
var OddKeys = []string{
	"a/b/c",
	"../escape",
	"./dot",
	"..",
	".",
	"/leading-slash",
	"trailing-slash/",
	"double//slash",
	`back\slash`,
	"space in key",
	"tab\tkey",
	"new\nline",
	`quote"double`,
	"quote'single",
	"$(echo pwned)",
	"`backtick`",
	"semi;colon|pipe&amp",
	"percent%41%zz",
	"ünïcödé/日本",
	"emoji😀",
	"-dash-first",
	"--force",
	"UPPER/lower",
	"upper/LOWER",
	"x.gpg",
	"colon:key",
	"star*?glob[]",
	strings.Repeat("long", 50),
}

func (s suite) oddKeys(t *testing.T) {
	st := s.open(t)
	for i, k := range OddKeys {
		s.mustSet(t, st, k, []byte(fmt.Sprintf("value %d", i)))
	}
	for i, k := range OddKeys {
		s.mustGet(t, st, k, []byte(fmt.Sprintf("value %d", i)))
	}
	want := slices.Clone(OddKeys)
	slices.Sort(want)
	s.mustList(t, st, "", want)
	// Deleting a sample keeps slow backends quick; Delete has its own test.
	for _, k := range []string{"a/b/c", "..", "new\nline", "$(echo pwned)", "ünïcödé/日本"} {
		if err := s.del(t, st, k); err != nil {
			t.Fatalf("Delete(%q): %v", k, err)
		}
		want = slices.DeleteFunc(want, func(w string) bool { return w == k })
	}
	s.mustList(t, st, "", want)
}

func (s suite) binaryValues(t *testing.T) {
	st := s.open(t)
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	tests := map[string][]byte{
		"bytes":    all,
		"nul":      {0},
		"nuls":     {0, 0, 0, 'a', 0},
		"newlines": []byte("\n\n\r\n"),
		"invalid":  {0xff, 0xfe, 0xc3, 0x28},
		"spaces":   []byte("  padded  "),
	}
	for k, v := range tests {
		s.mustSet(t, st, k, v)
	}
	for k, v := range tests {
		s.mustGet(t, st, k, v)
	}
}

func (s suite) longValue(t *testing.T) {
	st := s.open(t)
	v := make([]byte, s.c.maxValue)
	for i := range v {
		v[i] = byte('a' + i%26)
	}
	s.mustSet(t, st, "long", v)
	s.mustGet(t, st, "long", v)
}

func (s suite) concurrentWriters(t *testing.T) {
	st := s.open(t)
	var wg sync.WaitGroup
	errs := make(chan error, s.c.writers*(s.c.perWriter+1))
	for w := range s.c.writers {
		wg.Go(func() {
			for i := range s.c.perWriter {
				k := fmt.Sprintf("w%d/i%d", w, i)
				if err := st.Set(k, []byte("value of "+k)); err != nil {
					errs <- fmt.Errorf("Set(%q): %w", k, err)
				}
			}
			if err := st.Set("shared", []byte(fmt.Sprintf("writer %d", w))); err != nil {
				errs <- fmt.Errorf("Set(shared): %w", err)
			}
		})
	}
	s.call(t, "concurrent writers", wg.Wait)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	var want []string
	for w := range s.c.writers {
		for i := range s.c.perWriter {
			k := fmt.Sprintf("w%d/i%d", w, i)
			want = append(want, k)
			s.mustGet(t, st, k, []byte("value of "+k))
		}
	}
	got, err := s.get(t, st, "shared")
	if err != nil {
		t.Fatalf("Get(shared): %v", err)
	}
	var ok bool
	for w := range s.c.writers {
		ok = ok || string(got) == fmt.Sprintf("writer %d", w)
	}
	if !ok {
		t.Fatalf("Get(shared) = %s, want the value of one writer", show(got))
	}
	want = append(want, "shared")
	slices.Sort(want)
	s.mustList(t, st, "", want)
}

func (s suite) locked(t *testing.T) {
	if s.c.lock == nil {
		t.Skip("the backend offers no way to lock a store in tests")
	}
	st := s.open(t)
	s.mustSet(t, st, "secret", []byte("v"))
	locked := s.c.lock(t, st)
	if _, err := s.get(t, locked, "secret"); !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("Get on a locked store: err = %v, want vault.ErrLocked", err)
	}
	if err := s.set(t, locked, "other", []byte("w")); err != nil && !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Set on a locked store: err = %v, want nil or vault.ErrLocked", err)
	}
	if _, err := s.list(t, locked, ""); err != nil && !errors.Is(err, vault.ErrLocked) {
		t.Errorf("List on a locked store: err = %v, want nil or vault.ErrLocked", err)
	}
	if err := s.del(t, locked, "secret"); err != nil && !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Delete on a locked store: err = %v, want nil or vault.ErrLocked", err)
	}
}
