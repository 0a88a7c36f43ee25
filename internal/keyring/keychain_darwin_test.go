package keyring

import (
	"os"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

// openTestKeychain opens the real macOS Keychain (the default keychain,
// through /usr/bin/security) for one test.
func openTestKeychain(t *testing.T) vault.Store {
	t.Helper()
	if _, err := os.Stat(securityPath); err != nil {
		t.Skipf("no %s", securityPath)
	}
	return openRealStore(t, "Keychain", func(service string) (vault.Store, error) {
		return newSecurityStore(securityPath, service, 30*time.Second, nil), nil
	})
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
