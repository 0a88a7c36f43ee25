package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// KeySize is the size of a master key in bytes (AES-256).
const KeySize = 32

// KeySource supplies the master key of a FileStore. It is the seam where OS
// keychains and passphrase-derived keys plug in later.
type KeySource interface {
	// MasterKey returns a KeySize-byte key, creating it if the source
	// creates keys on first use.
	MasterKey() ([]byte, error)
}

// StaticKey is a fixed master key, for tests or a key derived elsewhere.
type StaticKey []byte

// MasterKey implements KeySource.
func (k StaticKey) MasterKey() ([]byte, error) {
	if len(k) != KeySize {
		return nil, fmt.Errorf("master key is %d bytes, want %d", len(k), KeySize)
	}
	return k, nil
}

// FileKey keeps a random master key in a file, created on first use. The key
// is read once per FileKey and then kept in memory.
type FileKey struct {
	Path string // the key file, e.g. ~/.config/assume/cache.key

	mu  sync.Mutex
	key []byte
}

// NewFileKey returns a key source backed by the file at path.
func NewFileKey(path string) *FileKey { return &FileKey{Path: path} }

// MasterKey implements KeySource: it reads the key file, or creates it with
// a fresh random key when it does not exist. When two processes create it at
// the same time, both end up with the key of the one that won.
func (k *FileKey) MasterKey() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := readKeyFile(k.Path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(k.Path)
	}
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

// keyFileLen is the length of a complete key file: hex digits and "\n".
const keyFileLen = 2*KeySize + 1

func readKeyFile(path string) ([]byte, error) {
	// A file shorter than a full key can only be seen while another process
	// creates it without hard links (the O_EXCL fallback); wait briefly.
	for try := 0; ; try++ {
		b, _, err := atomicfile.Read(path, atomicfile.MaxSmallSize)
		if err != nil {
			return nil, fmt.Errorf("reading cache key: %w", err)
		}
		if len(b) < 2*KeySize && try < 20 {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		return parseKeyFile(path, b)
	}
}

func parseKeyFile(path string, b []byte) ([]byte, error) {
	b = bytes.TrimRight(b, "\r\n")
	key := make([]byte, KeySize)
	if len(b) != 2*KeySize {
		return nil, fmt.Errorf("cache key file %s is malformed: want %d hex digits", path, 2*KeySize)
	}
	if _, err := hex.Decode(key, b); err != nil {
		return nil, fmt.Errorf("cache key file %s is malformed: not hex", path)
	}
	return key, nil
}

func createKeyFile(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating cache key folder: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generating cache key: %w", err)
	}
	content := make([]byte, 0, keyFileLen)
	content = hex.AppendEncode(content, key)
	content = append(content, '\n')

	tmp, err := atomicfile.WriteTemp(path, content, 0o600, false)
	if err != nil {
		return nil, fmt.Errorf("writing cache key: %w", err)
	}
	defer os.Remove(tmp)

	// link(2) never replaces an existing name: the first process to link
	// wins, and everyone else reads the winner's key.
	err = os.Link(tmp, path)
	switch {
	case err == nil:
		return key, nil
	case errors.Is(err, fs.ErrExist):
		return readKeyFile(path)
	}
	// Hard links unsupported here: fall back to an exclusive create.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("creating cache key: %w", err)
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("creating cache key: %w", err)
	}
	return key, nil
}
