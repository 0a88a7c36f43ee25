package keyring

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

// Backend names, as accepted by Open, ASSUME_KEYCHAIN and the settings.
const (
	Keychain      = "keychain"       // macOS Keychain, through /usr/bin/security
	WinCred       = "wincred"        // Windows Credential Manager
	SecretService = "secret-service" // Linux Secret Service over D-Bus (GNOME Keyring, KWallet)
	Pass          = "pass"           // the standard Unix password manager, pass(1)
	File          = "file"           // encrypted file store with a passphrase
)

// AutoName asks for automatic selection where a backend name is expected.
const AutoName = "auto"

// EnvBackend names the environment variable that overrides the backend
// choice (and the settings).
const EnvBackend = "ASSUME_KEYCHAIN"

// DefaultService is the namespace of our items when Options.Service is empty.
const DefaultService = "assume"

// DefaultTimeout bounds each backend call when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// names lists every backend name, in the order they are documented.
var names = []string{Keychain, WinCred, SecretService, Pass, File}

// Names returns every backend name this package knows, whether or not the
// backend can run on this platform.
func Names() []string { return slices.Clone(names) }

// Options configure a backend. The zero value is usable: service "assume",
// a 5 s timeout, the process environment and no prompt.
type Options struct {
	// Backend is the choice from the settings: a backend name, "auto" or
	// "". ASSUME_KEYCHAIN in the environment wins over it.
	Backend string
	// Service namespaces our items (the keychain service, the pass folder,
	// the credential target prefix) so that other programs' items are never
	// read, listed or removed. Default "assume".
	Service string
	// Timeout bounds every backend call. Default DefaultTimeout.
	Timeout time.Duration
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Prompt asks the user for a secret (the file backend's passphrase).
	// nil means there is no one to ask.
	Prompt func(label string) (string, error)
	// Dir is the file backend's folder. Default DefaultFileDir.
	Dir string
}

func (o Options) withDefaults() Options {
	if o.Service == "" {
		o.Service = DefaultService
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

// Backend describes one keychain backend.
type Backend struct {
	// Name is the name users choose it by.
	Name string
	// Open returns a store over the backend's items of opts.Service. It
	// receives opts with defaults filled in.
	Open func(opts Options) (vault.Store, error)
	// Available reports cheaply, without prompting or unlocking anything,
	// whether the backend is usable here; Auto skips it otherwise.
	Available func(opts Options) bool
	// SelfBounded is true when every call of the store already honours
	// opts.Timeout; otherwise Open wraps the store so that each call
	// returns an error wrapping vault.ErrTimeout after opts.Timeout.
	SelfBounded bool
}

var (
	regMu    sync.Mutex
	registry = map[string]Backend{}
)

// Register adds a backend (a platform file or another package's glue calls
// it from init). Registering a name twice replaces the earlier backend.
func Register(b Backend) {
	regMu.Lock()
	defer regMu.Unlock()
	registry[b.Name] = b
}

func lookup(name string) (Backend, bool) {
	regMu.Lock()
	defer regMu.Unlock()
	b, ok := registry[name]
	return b, ok
}

// Registered returns the names of the backends built into this binary, in
// documented order.
func Registered() []string {
	var out []string
	for _, n := range names {
		if _, ok := lookup(n); ok {
			out = append(out, n)
		}
	}
	return out
}

// DefaultOrder returns the order in which Auto tries backends on goos.
func DefaultOrder(goos string) []string {
	switch goos {
	case "darwin", "ios":
		return []string{Keychain, Pass, File}
	case "windows":
		return []string{WinCred, File}
	default:
		return []string{SecretService, Pass, File}
	}
}

// UnknownBackendError reports a backend name that is not one of Names.
type UnknownBackendError struct {
	Name       string
	Suggestion string // the closest valid name, or ""
}

func (e *UnknownBackendError) Error() string {
	msg := fmt.Sprintf("unknown keychain backend %q (valid: %s, %s)", e.Name, strings.Join(names, ", "), AutoName)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg
}

// Error is a backend failure with what the user can do about it. It wraps
// one of the vault errors (ErrNotFound, ErrLocked, ErrUnavailable,
// ErrTimeout, ErrCorrupt) or a lower-level error; it never holds a secret.
type Error struct {
	Backend string // backend name
	Op      string // "get", "set", "delete", "list", "open"
	Err     error
	Hint    string // what to do, or ""
}

func (e *Error) Error() string {
	msg := e.Backend
	if e.Op != "" {
		msg += " " + e.Op
	}
	msg += ": " + e.Err.Error()
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// HintOf returns the hint of the first *Error in err's chain, or "".
func HintOf(err error) string {
	var ke *Error
	if errors.As(err, &ke) {
		return ke.Hint
	}
	return ""
}

// Open opens the backend called name with opts. Open does not unlock or
// prompt: that happens at the first call that needs it.
func Open(name string, opts Options) (vault.Store, error) {
	opts = opts.withDefaults()
	if err := checkService(opts.Service); err != nil {
		return nil, err
	}
	if !slices.Contains(names, name) {
		return nil, &UnknownBackendError{Name: name, Suggestion: suggest(name, append(Names(), AutoName))}
	}
	b, ok := lookup(name)
	if !ok {
		return nil, &Error{Backend: name, Op: "open", Err: vault.ErrUnavailable,
			Hint: fmt.Sprintf("%s is not built for %s; choose one of: %s", name, runtime.GOOS, strings.Join(Registered(), ", "))}
	}
	s, err := b.Open(opts)
	if err != nil {
		return nil, err
	}
	if !b.SelfBounded {
		s = &bounded{inner: s, name: name, timeout: opts.Timeout}
	}
	return s, nil
}

// Auto opens the backend chosen by ASSUME_KEYCHAIN, else by opts.Backend,
// else the first available backend of DefaultOrder(runtime.GOOS). It
// returns the chosen name.
func Auto(opts Options) (string, vault.Store, error) {
	return autoFor(runtime.GOOS, opts)
}

func autoFor(goos string, opts Options) (string, vault.Store, error) {
	opts = opts.withDefaults()
	name := strings.TrimSpace(opts.Getenv(EnvBackend))
	if name == "" || name == AutoName {
		name = strings.TrimSpace(opts.Backend)
	}
	if name != "" && name != AutoName {
		s, err := Open(name, opts)
		if err != nil {
			return "", nil, err
		}
		return name, s, nil
	}
	var tried []string
	for _, n := range DefaultOrder(goos) {
		b, ok := lookup(n)
		if !ok {
			continue
		}
		if n != File && b.Available != nil && !b.Available(opts) {
			tried = append(tried, n)
			continue
		}
		s, err := Open(n, opts)
		if err != nil {
			if errors.Is(err, vault.ErrUnavailable) && n != File {
				tried = append(tried, n)
				continue
			}
			return "", nil, err
		}
		return n, s, nil
	}
	return "", nil, &Error{Backend: "keychain", Op: "open", Err: vault.ErrUnavailable,
		Hint: fmt.Sprintf("none of %s is usable here; set %s to one of: %s", strings.Join(tried, ", "), EnvBackend, strings.Join(Registered(), ", "))}
}

// checkService accepts service names that are safe in every backend's
// namespace: a pass folder, a keychain attribute, a credential target.
func checkService(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("keychain service name %q: only letters, digits, '-', '_' and '.' are allowed", s)
		}
	}
	if s == "." || s == ".." {
		return fmt.Errorf("keychain service name %q is not allowed", s)
	}
	return nil
}

// suggest returns the candidate closest to name by edit distance, if close
// enough to be a likely typo.
func suggest(name string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), c); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(best)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// bounded makes every call of a store return within a timeout. A call that
// does not finish keeps running in its goroutine, but the caller is free.
type bounded struct {
	inner   vault.Store
	name    string
	timeout time.Duration
}

// run calls f in a goroutine and waits for it at most the timeout. Results
// travel over the channel, so a late call writes nothing the caller reads.
func run[T any](b *bounded, op string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	t := time.NewTimer(b.timeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-t.C:
		var zero T
		return zero, timeoutError(b.name, op, b.timeout)
	}
}

func timeoutError(name, op string, d time.Duration) error {
	return &Error{Backend: name, Op: op, Err: vault.ErrTimeout,
		Hint: fmt.Sprintf("no answer within %v; check that the keychain is unlocked and not waiting for a dialog, or choose another backend with %s", d, EnvBackend)}
}

// Get implements vault.Store.
func (b *bounded) Get(key string) ([]byte, error) {
	return run(b, "get", func() ([]byte, error) { return b.inner.Get(key) })
}

// Set implements vault.Store.
func (b *bounded) Set(key string, data []byte) error {
	data = slices.Clone(data) // the call may outlive us
	_, err := run(b, "set", func() (struct{}, error) { return struct{}{}, b.inner.Set(key, data) })
	return err
}

// Delete implements vault.Store.
func (b *bounded) Delete(key string) error {
	_, err := run(b, "delete", func() (struct{}, error) { return struct{}{}, b.inner.Delete(key) })
	return err
}

// List implements vault.Store.
func (b *bounded) List(prefix string) ([]string, error) {
	return run(b, "list", func() ([]string, error) { return b.inner.List(prefix) })
}
