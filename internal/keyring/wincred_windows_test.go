package keyring

import (
	"errors"
	"testing"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

// openTestWinCred opens the real Credential Manager for one test.
func openTestWinCred(t *testing.T) vault.Store {
	t.Helper()
	return openRealStore(t, "Credential Manager", func(service string) (vault.Store, error) {
		return openWinCred(Options{Service: service})
	})
}

// The behaviour suite against the Windows Credential Manager (the Windows
// runner of .github/workflows/test.yml runs it).
func TestWinCredConformance(t *testing.T) {
	keyringtest.Run(t, openTestWinCred, keyringtest.WithMaxValueSize(winCredMaxBlob))
}

// Items live under assume:<service>: and never collide with another service's.
func TestWinCredServicesApart(t *testing.T) {
	a, b := openTestWinCred(t), openTestWinCred(t)
	if err := a.Set("creds/prod", []byte("A")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get("creds/prod"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("another service sees the item: %v", err)
	}
	if keys, err := b.List(""); err != nil || len(keys) != 0 {
		t.Fatalf("another service lists %v, %v", keys, err)
	}
}

// A value over the Credential Manager's limit is refused with a clear error,
// not truncated.
func TestWinCredTooLarge(t *testing.T) {
	s := openTestWinCred(t)
	err := s.Set("big", make([]byte, winCredMaxBlob+1))
	if err == nil {
		t.Fatal("a value over the limit was stored")
	}
	if _, err := s.Get("big"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get after a refused Set: %v", err)
	}
}
