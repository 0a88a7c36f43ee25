package keyring

import (
	"os"

	"github.com/assume-cli/assume/internal/vault"
)

// The macOS Keychain is first choice on macOS (see DefaultOrder).
func init() {
	Register(Backend{
		Name: Keychain,
		Open: func(opts Options) (vault.Store, error) {
			return newSecurityStore(securityPath, opts.Service, opts.Timeout, nil), nil
		},
		Available: func(Options) bool {
			_, err := os.Stat(securityPath)
			return err == nil
		},
		SelfBounded: true,
	})
}
