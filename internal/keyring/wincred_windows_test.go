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

var wincredServices atomic.Int64

// openTestWinCred opens the real Credential Manager under a service of its
// own, skips where this logon session has none (a service logon), and
// removes every item the test made.
func openTestWinCred(t *testing.T) vault.Store {
	t.Helper()
	service := fmt.Sprintf("assume-test-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), wincredServices.Add(1))
	s, err := openWinCred(Options{Service: service})
	if err != nil {
		t.Skipf("Credential Manager: %v", err)
	}
	if err := s.Set("probe", []byte("x")); err != nil {
		if errors.Is(err, vault.ErrUnavailable) {
			t.Skipf("Credential Manager: %v", err)
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
