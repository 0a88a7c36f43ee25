package keyring

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

var keychainServices atomic.Int64

// openTestKeychain opens the real macOS Keychain (the default keychain,
// through /usr/bin/security) under a service of its own, skips where there
// is no usable default keychain, and removes every item the test made.
func openTestKeychain(t *testing.T) vault.Store {
	t.Helper()
	if _, err := os.Stat(securityPath); err != nil {
		t.Skipf("no %s", securityPath)
	}
	service := fmt.Sprintf("assume-test-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), keychainServices.Add(1))
	s := newSecurityStore(securityPath, service, 30*time.Second, nil)
	if err := s.Set("probe", []byte("x")); err != nil {
		if errors.Is(err, vault.ErrUnavailable) || errors.Is(err, vault.ErrLocked) {
			t.Skipf("Keychain: %v", err)
		}
		t.Fatal(err)
	}
	s.Delete("probe")
	t.Cleanup(func() {
		keys, _ := s.List("")
		for _, k := range keys {
			s.Delete(k)
		}
	})
	return s
}

// The behaviour suite against the real Keychain (the macOS runner of
// .github/workflows/test.yml runs it; the fake security(1) covers the same
// code on Linux).
func TestKeychainConformance(t *testing.T) {
	keyringtest.Run(t, openTestKeychain, keyringtest.WithWriters(3, 2))
}

// The registered backend is the Keychain, found at /usr/bin/security.
func TestKeychainRegistered(t *testing.T) {
	b, ok := lookup(Keychain)
	if !ok {
		t.Fatal("no Keychain backend registered on macOS")
	}
	if !b.Available(Options{}) {
		t.Fatalf("%s not found: the Keychain backend is unavailable", securityPath)
	}
}
