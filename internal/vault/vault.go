package vault

import (
	"errors"
	"slices"
	"strings"
	"sync"
)

// Store keeps secret values by key. Implementations are safe for concurrent
// use by one process; the file store is also safe across processes.
type Store interface {
	// Get returns the value stored under key, or an error wrapping
	// ErrNotFound when there is none.
	Get(key string) ([]byte, error)
	// Set stores data under key, replacing any previous value.
	Set(key string, data []byte) error
	// Delete removes key; it returns an error wrapping ErrNotFound when the
	// key does not exist.
	Delete(key string) error
	// List returns the keys that start with prefix, sorted.
	List(prefix string) ([]string, error)
}

// ErrNotFound reports that a key has no value.
var ErrNotFound = errors.New("not found in vault")

// ErrCorrupt reports a stored value that cannot be opened: truncated,
// tampered with, written under another master key, or not a vault file.
var ErrCorrupt = errors.New("vault entry is corrupt or was written with another key")

// ErrEmptyKey is returned for an empty key name.
var ErrEmptyKey = errors.New("vault key name is empty")

// Memory is an in-memory Store for tests and for callers that must not
// persist anything. The zero value is ready to use.
type Memory struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{} }

// Get implements Store.
func (s *Memory) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, ErrEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return nil, ErrNotFound
	}
	return slices.Clone(v), nil
}

// Set implements Store.
func (s *Memory) Set(key string, data []byte) error {
	if key == "" {
		return ErrEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string][]byte)
	}
	s.m[key] = slices.Clone(data)
	return nil
}

// Delete implements Store.
func (s *Memory) Delete(key string) error {
	if key == "" {
		return ErrEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		return ErrNotFound
	}
	delete(s.m, key)
	return nil
}

// List implements Store.
func (s *Memory) List(prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// ErrLocked reports a keychain that is locked and could not be unlocked
// without the user (a locked login keyring, a GPG key without its agent).
var ErrLocked = errors.New("keychain is locked")

// ErrUnavailable reports a backend that cannot be used on this machine: no
// D-Bus session, no pass store, no passphrase, a tool that is not installed.
var ErrUnavailable = errors.New("keychain backend is unavailable")

// ErrTimeout reports a backend call that did not answer in time.
var ErrTimeout = errors.New("keychain did not answer in time")
