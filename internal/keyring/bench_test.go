package keyring

import (
	"testing"

	"github.com/assume-cli/assume/internal/vault"
)

// BenchmarkGet reads one 1.5 KB item (about the size of a cached set of
// credentials) per backend, with the key already unlocked.
func BenchmarkGet(b *testing.B) {
	stores := map[string]func(b *testing.B) vault.Store{
		"file": func(b *testing.B) vault.Store { return openTestFile(b, b.TempDir(), "pw", nil) },
		"pass": func(b *testing.B) vault.Store {
			g := newGPGHome(b)
			s, _ := newPassStore(b, g)
			return s
		},
	}
	for _, name := range []string{"file", "pass"} {
		b.Run(name, func(b *testing.B) {
			s := stores[name](b)
			if err := s.Set("creds/prod", make([]byte, 1500)); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := s.Get("creds/prod"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
