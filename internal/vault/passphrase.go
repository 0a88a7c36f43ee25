package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/assume-cli/assume/internal/atomicfile"
	"golang.org/x/crypto/argon2"
)

// ErrWrongPassphrase reports a passphrase that does not match the one the
// store was created with. Nothing is read or written when it is returned.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// EnvPassphrase names the environment variable read for the passphrase
// before any prompt.
const EnvPassphrase = "ASSUME_PASSPHRASE"

// ParamsFileName is the name of the passphrase header file, kept in the
// folder of the file store it unlocks.
const ParamsFileName = "passphrase.params"

// KDFParams are the Argon2id parameters of a passphrase-derived key.
type KDFParams struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultKDFParams follow the second recommended option of RFC 9106 (§4):
// Argon2id, t=3, m=64 MiB, p=4.
var DefaultKDFParams = KDFParams{Time: 3, Memory: 64 << 10, Threads: 4}

// Bounds on parameters read from disk, so that a hostile header cannot make
// us allocate gigabytes or spin for minutes.
const (
	maxKDFMemory = 4 << 20 // KiB: 4 GiB
	maxKDFTime   = 100
	saltSize     = 16
)

// params is the JSON header stored in ParamsFileName.
type params struct {
	Version int    `json:"version"`
	KDF     string `json:"kdf"`
	Time    uint32 `json:"time"`
	Memory  uint32 `json:"memory_kib"`
	Threads uint8  `json:"threads"`
	Salt    []byte `json:"salt"`  // base64 in JSON
	Check   []byte `json:"check"` // base64 in JSON
}

// checkLabel is the message authenticated by the verifier.
const checkLabel = "assume passphrase check v1"

// parseParams reads and validates a header file's content.
func parseParams(b []byte) (params, error) {
	var p params
	if err := json.Unmarshal(b, &p); err != nil {
		return params{}, fmt.Errorf("%w: not a passphrase header", ErrCorrupt)
	}
	switch {
	case p.Version != 1:
		return params{}, fmt.Errorf("%w: unsupported passphrase header version %d", ErrCorrupt, p.Version)
	case p.KDF != "argon2id":
		return params{}, fmt.Errorf("%w: unsupported key derivation %q", ErrCorrupt, p.KDF)
	case p.Time < 1 || p.Time > maxKDFTime || p.Memory < 8*uint32(max(p.Threads, 1)) || p.Memory > maxKDFMemory || p.Threads < 1:
		return params{}, fmt.Errorf("%w: key derivation parameters out of range", ErrCorrupt)
	case len(p.Salt) < saltSize || len(p.Salt) > 64 || len(p.Check) != sha256.Size:
		return params{}, fmt.Errorf("%w: malformed salt or check value", ErrCorrupt)
	}
	return p, nil
}

// derive runs Argon2id and returns the master key and the verifier.
func (p params) derive(passphrase string) (key, check []byte) {
	out := argon2.IDKey([]byte(passphrase), p.Salt, p.Time, p.Memory, p.Threads, 2*KeySize)
	mac := hmac.New(sha256.New, out[KeySize:])
	mac.Write([]byte(checkLabel))
	return out[:KeySize:KeySize], mac.Sum(nil)
}

// PassphraseKey derives a FileStore's master key from a passphrase with
// Argon2id. The salt, the parameters and a verifier live in a header file
// (ParamsFileName, mode 0600) next to the entries; the package
// documentation describes it. The passphrase comes from $ASSUME_PASSPHRASE,
// else from Prompt. It is asked for at the first MasterKey call, and the key
// is kept in memory afterwards.
type PassphraseKey struct {
	// Dir holds the header file (the FileStore's folder).
	Dir string
	// Getenv reads the environment (os.Getenv when nil).
	Getenv func(string) string
	// Prompt asks the user; label says what for. nil means no one can be
	// asked.
	Prompt func(label string) (string, error)
	// Params are used when the header is created. Zero means
	// DefaultKDFParams.
	Params KDFParams

	mu  sync.Mutex
	key []byte
}

// ParamsPath returns the path of the header file.
func (k *PassphraseKey) ParamsPath() string { return filepath.Join(k.Dir, ParamsFileName) }

// MasterKey implements KeySource. Without a passphrase it returns an error
// wrapping ErrLocked when the store exists and ErrUnavailable when it does
// not; with a wrong one, ErrWrongPassphrase.
func (k *PassphraseKey) MasterKey() ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	b, err := readSmall(k.ParamsPath())
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading passphrase header: %w", err)
	}
	var p params
	if exists {
		if p, err = parseParams(b); err != nil {
			return nil, fmt.Errorf("passphrase header %s: %w", k.ParamsPath(), err)
		}
	}
	pass, err := k.passphrase(exists)
	if err != nil {
		return nil, err
	}
	if !exists {
		p, err = k.create(pass)
		if err != nil {
			return nil, err
		}
	}
	key, check := p.derive(pass)
	if !hmac.Equal(check, p.Check) {
		return nil, fmt.Errorf("encrypted keyring %s: %w (or %s was altered)", k.Dir, ErrWrongPassphrase, ParamsFileName)
	}
	k.key = key
	return key, nil
}

func (k *PassphraseKey) passphrase(exists bool) (string, error) {
	getenv := k.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if p := getenv(EnvPassphrase); p != "" {
		return p, nil
	}
	state, sentinel := "is locked", ErrLocked
	label := fmt.Sprintf("passphrase for the encrypted keyring %s", k.Dir)
	if !exists {
		state, sentinel = "does not exist yet", ErrUnavailable
		label = fmt.Sprintf("new passphrase for the encrypted keyring %s", k.Dir)
	}
	if k.Prompt == nil {
		return "", fmt.Errorf("encrypted keyring %s %s and there is no passphrase: set %s or run in a terminal: %w", k.Dir, state, EnvPassphrase, sentinel)
	}
	p, err := k.Prompt(label)
	if err != nil {
		return "", fmt.Errorf("encrypted keyring %s %s and the passphrase prompt failed (%v): set %s or run in a terminal: %w", k.Dir, state, err, EnvPassphrase, sentinel)
	}
	if p == "" {
		return "", fmt.Errorf("encrypted keyring %s: the passphrase is empty: type one or set %s: %w", k.Dir, EnvPassphrase, sentinel)
	}
	return p, nil
}

// create writes a new header for pass. When another process creates one at
// the same time, the first one wins and its header is returned instead.
func (k *PassphraseKey) create(pass string) (params, error) {
	kp := k.Params
	if kp == (KDFParams{}) {
		kp = DefaultKDFParams
	}
	p := params{Version: 1, KDF: "argon2id", Time: kp.Time, Memory: kp.Memory, Threads: kp.Threads, Salt: make([]byte, saltSize)}
	if _, err := rand.Read(p.Salt); err != nil {
		return params{}, fmt.Errorf("generating salt: %w", err)
	}
	_, p.Check = p.derive(pass)
	content, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return params{}, err
	}
	content = append(content, '\n')
	if err := os.MkdirAll(k.Dir, 0o700); err != nil {
		return params{}, fmt.Errorf("creating encrypted keyring folder: %w", err)
	}
	tmp, err := atomicfile.WriteTemp(k.ParamsPath(), content, 0o600, false)
	if err != nil {
		return params{}, fmt.Errorf("writing passphrase header: %w", err)
	}
	defer os.Remove(tmp)
	// As for FileKey: link(2) never replaces, so exactly one header wins.
	if err := os.Link(tmp, k.ParamsPath()); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return params{}, fmt.Errorf("writing passphrase header: %w", err)
		}
		b, err := readSmall(k.ParamsPath())
		if err != nil {
			return params{}, fmt.Errorf("reading passphrase header: %w", err)
		}
		return parseParams(b)
	}
	return p, nil
}

// readSmall reads a small regular file of the store (a header, a key).
func readSmall(path string) ([]byte, error) {
	b, _, err := atomicfile.Read(path, atomicfile.MaxSmallSize)
	return b, err
}
