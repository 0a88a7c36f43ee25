package sso

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/keyring"
	"github.com/assume-cli/assume/internal/vault"
)

// cacheMode is one place the cache records can live, for tests that run in
// both.
type cacheMode struct {
	name string
	kc   *vault.Memory // nil: files in CacheDir
	dir  string        // CacheDir, given in both modes
	lock string        // LockDir, given in both modes
}

func cacheModes(t *testing.T) []*cacheMode {
	return []*cacheMode{
		{name: "file", dir: t.TempDir() + "/file/sso/cache", lock: t.TempDir() + "/file/locks"},
		{name: "keychain", kc: vault.NewMemory(), dir: t.TempDir() + "/kc/sso/cache", lock: t.TempDir() + "/kc/locks"},
	}
}

func (m *cacheMode) options(o *Options) {
	o.CacheDir, o.LockDir = m.dir, m.lock
	if m.kc != nil {
		o.Keychain = m.kc
	}
}

// record returns a cache record's bytes from where the mode keeps it; ok is
// false when there is none.
func (m *cacheMode) record(t *testing.T, name string) (string, bool) {
	t.Helper()
	if m.kc != nil {
		b, err := m.kc.Get(name)
		if errors.Is(err, vault.ErrNotFound) {
			return "", false
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(b), true
	}
	b, err := os.ReadFile(filepath.Join(m.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b), true
}

// put stores a record as another run (or the AWS CLI) would have.
func (m *cacheMode) put(t *testing.T, name, content string) {
	t.Helper()
	if m.kc != nil {
		if err := m.kc.Set(name, []byte(content)); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(m.dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

var cliRegistrationRE = regexp.MustCompile(`^\{"clientId": "client-1", "clientSecret": "fake-client-secret-0001", "expiresAt": "[^"]+Z", "scopes": \["sso:account:access"\]\}$`)

// TestCacheModes runs login, use, refresh and logout with the records in
// files (sso_cache = file) and in a keychain (sso_cache = keychain): the same
// names and bytes, and in keychain mode nothing in the cache folder.
func TestCacheModes(t *testing.T) {
	for _, m := range cacheModes(t) {
		t.Run(m.name, func(t *testing.T) {
			f := newFakeIDC(t)
			c := f.client(t, m.options)
			var out bytes.Buffer
			o := fastLogin(mySSO, &out, &browser.Stub{})
			o.NoBrowser = true
			tok, err := c.Login(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := m.record(t, mySSO.TokenFileName())
			if !ok || !cliFileRE.MatchString(got) {
				t.Errorf("token record %q (present %v) is not the CLI's file", got, ok)
			}
			if got, ok := m.record(t, RegistrationFileName(mySSO)); !ok || !cliRegistrationRE.MatchString(got) {
				t.Errorf("registration record %q (present %v)", got, ok)
			}
			if m.kc != nil {
				if c.CacheDir() != "" {
					t.Errorf("CacheDir = %q in keychain mode", c.CacheDir())
				}
				if _, err := os.Stat(m.dir); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("keychain mode touched the cache folder: %v", err)
				}
				if _, err := os.Stat(filepath.Join(m.lock, sha1Hex(mySSO.CacheKey())+".lock")); err != nil {
					t.Errorf("no lock file in LockDir: %v", err)
				}
				items, _ := m.kc.List("")
				if len(items) != 2 {
					t.Errorf("keychain items %v, want the token and the registration", items)
				}
			} else {
				checkMode(t, filepath.Join(m.dir, mySSO.TokenFileName()), 0o600)
				checkMode(t, m.dir, 0o700)
				if _, err := os.Stat(m.lock); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("file mode used LockDir: %v", err)
				}
			}

			// Read back.
			again, err := c.Token(context.Background(), mySSO)
			if err != nil || again.AccessToken != tok.AccessToken {
				t.Fatalf("Token = %v, %v", again, err)
			}

			// A token about to expire is refreshed and rewritten in place,
			// keeping a key another tool added.
			m.put(t, mySSO.TokenFileName(), `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-old", "expiresAt": "`+
				ts(time.Now().Add(time.Minute))+`", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", "registrationExpiresAt": "`+
				ts(time.Now().Add(24*time.Hour))+`", "refreshToken": "fake-refresh-token", "x-other-tool": 7}`)
			nt, err := c.Token(context.Background(), mySSO)
			if err != nil || nt.AccessToken == "AT-old" {
				t.Fatalf("refresh: %v, %v", nt, err)
			}
			if got, _ := m.record(t, mySSO.TokenFileName()); !strings.Contains(got, `"accessToken": "`+nt.AccessToken+`"`) || !strings.HasSuffix(got, `, "x-other-tool": 7}`) {
				t.Errorf("refreshed record %q", got)
			}

			// Logout removes the token, keeps the registration.
			removed, err := c.Logout(context.Background(), mySSO)
			if err != nil || !removed {
				t.Fatalf("Logout = %v, %v", removed, err)
			}
			if _, ok := m.record(t, mySSO.TokenFileName()); ok {
				t.Error("token record still there after logout")
			}
			if _, ok := m.record(t, RegistrationFileName(mySSO)); !ok {
				t.Error("registration record removed by logout")
			}
			if removed, err := c.Logout(context.Background(), mySSO); err != nil || removed {
				t.Errorf("second Logout = %v, %v", removed, err)
			}
			var lr *LoginRequiredError
			if _, err := c.Token(context.Background(), mySSO); !errors.As(err, &lr) {
				t.Errorf("Token after logout: %v", err)
			}
			if m.kc != nil {
				if _, err := os.Stat(m.dir); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("keychain mode touched the cache folder: %v", err)
				}
			}
		})
	}
}

// TestKeychainSameBytes: from the same record and clock, a refresh writes
// the same bytes to a file and to a keychain item.
func TestKeychainSameBytes(t *testing.T) {
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	start := `{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "AT-old", "expiresAt": "` +
		ts(now.Add(time.Minute)) + `", "clientId": "client-1", "clientSecret": "fake-client-secret-0001", "registrationExpiresAt": "` +
		ts(now.Add(24*time.Hour)) + `", "refreshToken": "fake-refresh-token", "unknown": {"a": [1, 2]}}`
	var got []string
	for _, m := range cacheModes(t) {
		f := newFakeIDC(t)
		c := f.client(t, m.options, func(o *Options) { o.Now = func() time.Time { return now } })
		m.put(t, mySSO.TokenFileName(), start)
		if _, err := c.Token(context.Background(), mySSO); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		b, _ := m.record(t, mySSO.TokenFileName())
		got = append(got, b)
	}
	if got[0] != got[1] || got[0] == start {
		t.Errorf("file and keychain records differ:\n%s\n%s", got[0], got[1])
	}
}

// failingStore is a keychain that fails every call as a locked one does.
type failingStore struct{ err error }

func (s failingStore) Get(string) ([]byte, error)    { return nil, s.err }
func (s failingStore) Set(string, []byte) error      { return s.err }
func (s failingStore) Delete(string) error           { return s.err }
func (s failingStore) List(string) ([]string, error) { return nil, s.err }

func TestKeychainErrors(t *testing.T) {
	locked := &keyring.Error{Backend: "file", Op: "get", Err: vault.ErrLocked, Hint: "set ASSUME_PASSPHRASE"}
	tests := []struct {
		name     string
		st       vault.Store
		run      func(*Client) error
		wantErr  string
		wantHint string
		wantIs   error
	}{
		{name: "read locked", st: failingStore{locked},
			run:     func(c *Client) error { _, err := c.Token(context.Background(), mySSO); return err },
			wantErr: "cannot use the SSO token cache keychain item " + mySSO.TokenFileName(), wantHint: "set ASSUME_PASSPHRASE", wantIs: vault.ErrLocked},
		{name: "read unavailable, no hint", st: failingStore{vault.ErrUnavailable},
			run:     func(c *Client) error { _, err := c.ReadToken(mySSO); return err },
			wantErr: "keychain item", wantHint: "check that the keychain is reachable and unlocked, or set sso_cache = file", wantIs: vault.ErrUnavailable},
		{name: "oversized item", st: func() vault.Store {
			m := vault.NewMemory()
			m.Set(mySSO.TokenFileName(), bytes.Repeat([]byte(" "), maxCacheFile+1))
			return m
		}(),
			run:     func(c *Client) error { _, err := c.ReadToken(mySSO); return err },
			wantErr: "item too large"},
		{name: "login with a locked keychain fails before signing in", st: failingStore{locked},
			run: func(c *Client) error {
				o := fastLogin(mySSO, &bytes.Buffer{}, &browser.Stub{})
				o.NoBrowser = true
				_, err := c.Login(context.Background(), o)
				return err
			},
			wantErr: "keychain item", wantHint: "set ASSUME_PASSPHRASE", wantIs: vault.ErrLocked},
		{name: "logout of a locked keychain", st: failingStore{locked},
			run:     func(c *Client) error { _, err := c.Logout(context.Background(), mySSO); return err },
			wantErr: "keychain item", wantIs: vault.ErrLocked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIDC(t)
			dir := t.TempDir()
			c := f.client(t, func(o *Options) { o.Keychain, o.LockDir, o.CacheDir = tc.st, dir+"/locks", dir+"/cache" })
			err := tc.run(c)
			var ce *CacheError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want a *CacheError with %q", err, tc.wantErr)
			}
			if tc.wantHint != "" && ce.Hint() != tc.wantHint {
				t.Errorf("hint %q, want %q", ce.Hint(), tc.wantHint)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("err %v does not wrap %v", err, tc.wantIs)
			}
			if n := f.count("RegisterClient") + f.count("StartDeviceAuthorization") + f.count("CreateToken"); n != 0 {
				t.Errorf("%d OIDC calls, want none", n)
			}
			if _, err := os.Stat(dir + "/cache"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the cache folder was created: %v", err)
			}
		})
	}
}

func TestDefaultLockDir(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"HOME", "/h"}, "/h/.cache/assume/sso-locks"},
		{[]string{"HOME", "/h", "XDG_CACHE_HOME", "/x"}, "/x/assume/sso-locks"},
		{[]string{"HOME", "/h", "ASSUME_CACHE_DIR", "/c"}, "/c/sso-locks"},
	}
	for _, tc := range tests {
		got, err := DefaultLockDir(env(tc.env...))
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("DefaultLockDir(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
	// New fills it in only in keychain mode.
	c, err := New(Options{Getenv: env("HOME", "/h"), Keychain: vault.NewMemory()})
	if err != nil || c.opts.LockDir != filepath.FromSlash("/h/.cache/assume/sso-locks") || c.CacheDir() != "" {
		t.Errorf("New in keychain mode: lock dir %q, cache dir %q, %v", c.opts.LockDir, c.CacheDir(), err)
	}
}
