package keyring

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

var realStoreServices atomic.Int64

// openRealStore opens an OS keychain (the macOS Keychain, the Windows
// Credential Manager) under a service of its own through open, skips where
// this session has no usable one (a probe Set fails as unavailable or
// locked), and removes every item the test made.
func openRealStore(t *testing.T, name string, open func(service string) (vault.Store, error)) vault.Store {
	t.Helper()
	service := fmt.Sprintf("assume-test-%d-%d-%d", os.Getpid(), time.Now().UnixNano(), realStoreServices.Add(1))
	s, err := open(service)
	if err != nil {
		t.Skipf("%s: %v", name, err)
	}
	if err := s.Set("probe", []byte("x")); err != nil {
		if errors.Is(err, vault.ErrUnavailable) || errors.Is(err, vault.ErrLocked) {
			t.Skipf("%s: %v", name, err)
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
