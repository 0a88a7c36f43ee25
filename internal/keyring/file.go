package keyring

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/assume-cli/assume/internal/vault"
)

// DefaultFileDir returns the file backend's default folder:
// $XDG_DATA_HOME/assume/keyring, else ~/.local/share/assume/keyring.
func DefaultFileDir(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if x := getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "assume", "keyring"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil || h == "" {
			return "", errors.New("cannot find the home folder for the encrypted keyring: set HOME or XDG_DATA_HOME")
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "assume", "keyring"), nil
}

// openFile opens the encrypted file backend: a vault.FileStore whose master
// key is derived from a passphrase. Items of a service other than "assume"
// live in a sub-folder named after it.
func openFile(opts Options) (vault.Store, error) {
	dir := opts.Dir
	if dir == "" {
		d, err := DefaultFileDir(opts.Getenv)
		if err != nil {
			return nil, &Error{Backend: File, Op: "open", Err: vault.ErrUnavailable, Hint: err.Error()}
		}
		dir = d
	}
	if opts.Service != DefaultService {
		dir = filepath.Join(dir, opts.Service)
	}
	key := &vault.PassphraseKey{Dir: dir, Getenv: opts.Getenv, Prompt: opts.Prompt, Params: fileKDFParams}
	return &fileStore{vault.NewFileStore(dir, key)}, nil
}

// fileKDFParams are the parameters of new passphrase headers; tests lower
// them.
var fileKDFParams = vault.DefaultKDFParams

// fileStore labels the file store's errors with the backend name.
type fileStore struct{ fs *vault.FileStore }

func fileErr(op string, err error) error {
	if err == nil || errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrEmptyKey) {
		return err
	}
	e := &Error{Backend: File, Op: op, Err: err}
	switch {
	case errors.Is(err, vault.ErrWrongPassphrase):
		e.Hint = "check " + vault.EnvPassphrase + " or type the passphrase again"
	case errors.Is(err, vault.ErrCorrupt):
		e.Hint = "the item was altered or written with another passphrase; delete it and log in again"
	}
	return e
}

func (s *fileStore) Get(key string) ([]byte, error) {
	v, err := s.fs.Get(key)
	return v, fileErr("get", err)
}

func (s *fileStore) Set(key string, data []byte) error { return fileErr("set", s.fs.Set(key, data)) }

func (s *fileStore) Delete(key string) error {
	// Unlock first, so that a locked store cannot lose items.
	if _, err := s.fs.Get(key); err != nil && !errors.Is(err, vault.ErrCorrupt) {
		return fileErr("delete", err)
	}
	return fileErr("delete", s.fs.Delete(key))
}

func (s *fileStore) List(prefix string) ([]string, error) {
	keys, err := s.fs.List(prefix)
	return keys, fileErr("list", err)
}

func init() {
	Register(Backend{
		Name:      File,
		Open:      openFile,
		Available: func(Options) bool { return true },
		// Local file I/O and one key derivation: nothing to wait for but
		// the passphrase prompt, which must not be cut short.
		SelfBounded: true,
	})
}
