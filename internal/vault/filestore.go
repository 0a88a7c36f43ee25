package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// magic starts every file of format version 1.
const magic = "asv1"

const (
	nonceSize  = 12
	tagSize    = 16
	headerSize = len(magic) + nonceSize
)

// FileStore is a Store that keeps each value AES-256-GCM encrypted in its own
// file. The package documentation describes the format.
type FileStore struct {
	dir  string
	keys KeySource
	// noSync writes entries without fsync (still atomically renamed): for
	// the session cache, whose entries a crash can only make re-fetched.
	noSync bool
}

// NewFileStore returns a store keeping its files in dir (created 0700 on the
// first Set) and its master key in keys.
func NewFileStore(dir string, keys KeySource) *FileStore {
	return &FileStore{dir: dir, keys: keys}
}

// Dir returns the folder holding the store's files.
func (s *FileStore) Dir() string { return s.dir }

// FileName returns the file name (not the path) used for key.
func FileName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func (s *FileStore) path(key string) string { return filepath.Join(s.dir, FileName(key)) }

func (s *FileStore) cipher() (cipher.Block, cipher.AEAD, error) {
	key, err := s.keys.MasterKey()
	if err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, fmt.Errorf("master key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	return block, aead, nil
}

// Get implements Store.
func (s *FileStore) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, ErrEmptyKey
	}
	p := s.path(key)
	b, _, err := atomicfile.Read(p, atomicfile.MaxSmallSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reading vault entry: %w", err)
	}
	_, aead, err := s.cipher()
	if err != nil {
		return nil, err
	}
	name, value, err := open(aead, b, key)
	if err != nil {
		return nil, fmt.Errorf("vault entry %s: %w", p, err)
	}
	if name != key {
		return nil, fmt.Errorf("vault entry %s: %w", p, ErrCorrupt)
	}
	return value, nil
}

// Set implements Store.
func (s *FileStore) Set(key string, data []byte) error {
	if key == "" {
		return ErrEmptyKey
	}
	_, aead, err := s.cipher()
	if err != nil {
		return err
	}
	sealed, err := seal(aead, key, data)
	if err != nil {
		return err
	}
	if err := atomicfile.PrivateDir(s.dir); err != nil {
		return fmt.Errorf("cache folder: %w", err)
	}
	if err := atomicfile.Write(s.path(key), sealed, atomicfile.Options{Perm: 0o600, NoSync: s.noSync}); err != nil {
		return fmt.Errorf("writing vault entry: %w", err)
	}
	return nil
}

// Delete implements Store.
func (s *FileStore) Delete(key string) error {
	if key == "" {
		return ErrEmptyKey
	}
	err := os.Remove(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("deleting vault entry: %w", err)
	}
	return nil
}

// List implements Store. It has to open every file to learn its key, so it
// is meant for maintenance commands, not hot paths. Files that cannot be
// opened are skipped.
func (s *FileStore) List(prefix string) ([]string, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing vault: %w", err)
	}
	var (
		block cipher.Block
		aead  cipher.AEAD
		keys  []string
	)
	for _, e := range ents {
		if !e.Type().IsRegular() || !isHexName(e.Name()) {
			continue
		}
		b, _, err := atomicfile.Read(filepath.Join(s.dir, e.Name()), atomicfile.MaxSmallSize)
		if err != nil {
			continue // removed meanwhile, or unreadable: not ours to report
		}
		if aead == nil {
			if block, aead, err = s.cipher(); err != nil {
				return nil, err
			}
		}
		name, err := recoverName(block, aead, b)
		if err != nil || FileName(name) != e.Name() || !strings.HasPrefix(name, prefix) {
			continue
		}
		keys = append(keys, name)
	}
	slices.Sort(keys)
	return keys, nil
}

// Files returns the paths of every file in the store's folder that looks
// like an entry, readable or not, so that a "clear" command can remove
// corrupt ones too.
func (s *FileStore) Files() ([]string, error) {
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing vault: %w", err)
	}
	var paths []string
	for _, e := range ents {
		if e.Type().IsRegular() && isHexName(e.Name()) {
			paths = append(paths, filepath.Join(s.dir, e.Name()))
		}
	}
	return paths, nil
}

func isHexName(n string) bool {
	if len(n) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// seal builds a version-1 file for key and value with a random nonce.
func seal(aead cipher.AEAD, key string, value []byte) ([]byte, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("generating nonce: %w", err)
	}
	return sealNonce(aead, key, value, nonce), nil
}

func sealNonce(aead cipher.AEAD, key string, value, nonce []byte) []byte {
	plain := make([]byte, 0, binary.MaxVarintLen64+len(key)+len(value))
	plain = binary.AppendUvarint(plain, uint64(len(key)))
	plain = append(plain, key...)
	plain = append(plain, value...)

	out := make([]byte, headerSize, headerSize+len(plain)+aead.Overhead())
	copy(out, magic)
	copy(out[len(magic):headerSize], nonce)
	return aead.Seal(out, out[len(magic):headerSize], plain, []byte(key))
}

// open parses, decrypts and authenticates a version-1 file stored under key
// and returns the key name recorded inside it and the value, or an error
// wrapping ErrCorrupt.
func open(aead cipher.AEAD, b []byte, key string) (name string, value []byte, err error) {
	if len(b) < headerSize+tagSize || string(b[:len(magic)]) != magic {
		return "", nil, ErrCorrupt
	}
	plain, err := aead.Open(nil, b[len(magic):headerSize], b[headerSize:], []byte(key))
	if err != nil {
		return "", nil, ErrCorrupt
	}
	return splitRecord(plain)
}

// recoverName returns the key a version-1 file was written for, without
// knowing it in advance. The name is the additional data, so it must be
// learned before the file can be authenticated: GCM encrypts with AES-CTR
// starting at counter 2 (for a 12-byte nonce), so the candidate name is
// decrypted with CTR alone and then the whole file is authenticated with
// open under that name. Nothing unauthenticated is returned.
func recoverName(block cipher.Block, aead cipher.AEAD, b []byte) (string, error) {
	if len(b) < headerSize+tagSize || string(b[:len(magic)]) != magic {
		return "", ErrCorrupt
	}
	nonce, ct := b[len(magic):headerSize], b[headerSize:len(b)-tagSize]
	iv := make([]byte, aes.BlockSize)
	copy(iv, nonce)
	iv[aes.BlockSize-1] = 2
	head := make([]byte, min(len(ct), binary.MaxVarintLen64))
	cipher.NewCTR(block, iv).XORKeyStream(head, ct[:len(head)])
	n, k := binary.Uvarint(head)
	if k <= 0 || n > uint64(len(ct)-k) {
		return "", ErrCorrupt
	}
	candidate := make([]byte, k+int(n))
	cipher.NewCTR(block, iv).XORKeyStream(candidate, ct[:len(candidate)])
	name, _, err := open(aead, b, string(candidate[k:]))
	if err != nil {
		return "", err
	}
	return name, nil
}

func splitRecord(plain []byte) (string, []byte, error) {
	n, k := binary.Uvarint(plain)
	if k <= 0 || n > uint64(len(plain)-k) {
		return "", nil, ErrCorrupt
	}
	name := string(plain[k : k+int(n)])
	return name, plain[k+int(n):], nil
}
