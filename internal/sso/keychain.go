package sso

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/assume-cli/assume/internal/vault"
)

// keychainCache keeps the cache records as keychain items (sso_cache =
// keychain): each item is named like the AWS CLI's file and holds the same
// JSON bytes, so switching the setting back and forth changes where the
// bytes live, not what they are.
type keychainCache struct{ st vault.Store }

var _ cache = keychainCache{}

// keychainItem starts the where of a keychain record.
const keychainItem = "keychain item "

func (k keychainCache) where(name string) string { return keychainItem + name }

func (k keychainCache) read(name string) ([]byte, error) {
	data, err := k.st.Get(name)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, fs.ErrNotExist
	}
	if err != nil {
		return nil, err
	}
	if len(data) > maxCacheFile {
		return nil, errors.New("item too large")
	}
	return data, nil
}

func (k keychainCache) write(name string, data []byte) error {
	if err := k.st.Set(name, data); err != nil {
		return fmt.Errorf("writing %s: %w", k.where(name), err)
	}
	return nil
}

func (k keychainCache) remove(name string) (bool, error) {
	err := k.st.Delete(name)
	if errors.Is(err, vault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("removing %s: %w", k.where(name), err)
	}
	return true, nil
}

// DefaultLockDir is where the session locks go when the tokens are in the
// keychain: "sso-locks" in assume's cache folder ($ASSUME_CACHE_DIR, else
// $XDG_CACHE_HOME/assume, else ~/.cache/assume), so that nothing is written
// to ~/.aws/sso/cache.
func DefaultLockDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	p, err := vault.DefaultPaths(getenv)
	if err != nil {
		return "", fmt.Errorf("finding the folder of the SSO login locks: %w", err)
	}
	return filepath.Join(p.Dir, "sso-locks"), nil
}
