package keyringtest_test

import (
	"testing"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

// The suite itself is checked against the reference in-memory store.
func TestMemory(t *testing.T) {
	keyringtest.Run(t, func(t *testing.T) vault.Store { return vault.NewMemory() })
}
