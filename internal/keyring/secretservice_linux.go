package keyring

import (
	"github.com/assume-cli/assume/internal/keyring/secretservice"
	"github.com/assume-cli/assume/internal/vault"
)

// The Secret Service (GNOME Keyring, KWallet, KeePassXC) is first choice on
// Linux when a session bus is reachable (see DefaultOrder).
func init() {
	Register(Backend{
		Name: SecretService,
		Open: func(opts Options) (vault.Store, error) {
			return secretservice.Open(secretservice.Options{Service: opts.Service, Timeout: opts.Timeout, Getenv: opts.Getenv})
		},
		Available:   func(opts Options) bool { return secretservice.Available(opts.Getenv) },
		SelfBounded: true,
	})
}
