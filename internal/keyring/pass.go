package keyring

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/flock"
	"github.com/assume-cli/assume/internal/vault"
)

// passChunk is the longest path component an entry name gets; longer
// encoded keys are split into folders so that no file name exceeds the
// usual 255-byte limit.
const passChunk = 120

// passEnvVars are the variables passed to pass from Options.Getenv (the
// rest of the environment is the process's own).
var passEnvVars = []string{
	"HOME", "PATH", "GNUPGHOME", "PASSWORD_STORE_KEY", "PASSWORD_STORE_GIT",
	"PASSWORD_STORE_UMASK", "PASSWORD_STORE_SIGNING_KEY", "GPG_AGENT_INFO",
}

// passStore keeps each item as the pass entry <service>/<encoded key>,
// holding the base64 of the value. pass and gpg run without a terminal and
// with --pinentry-mode=error, so a key that needs its passphrase fails at
// once instead of waiting for a pinentry.
type passStore struct {
	bin      string
	storeDir string
	service  string
	env      []string
	timeout  time.Duration
}

// passStoreDir returns $PASSWORD_STORE_DIR, else ~/.password-store.
func passStoreDir(getenv func(string) string) string {
	if d := getenv("PASSWORD_STORE_DIR"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".password-store")
}

// passInitialised reports whether dir (or the service folder in it) has a
// .gpg-id, which `pass init` writes.
func passInitialised(dir, service string) bool {
	if dir == "" {
		return false
	}
	for _, p := range []string{filepath.Join(dir, service, ".gpg-id"), filepath.Join(dir, ".gpg-id")} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

func passAvailable(opts Options) bool {
	if _, err := exec.LookPath("pass"); err != nil {
		return false
	}
	return passInitialised(passStoreDir(opts.Getenv), opts.Service)
}

func openPass(opts Options) (vault.Store, error) {
	bin, err := exec.LookPath("pass")
	if err != nil {
		return nil, &Error{Backend: Pass, Op: "open", Err: fmt.Errorf("pass is not installed: %w", vault.ErrUnavailable),
			Hint: "install pass and gnupg (Debian/Ubuntu: apt install pass gnupg; macOS: brew install pass)"}
	}
	dir := passStoreDir(opts.Getenv)
	if !passInitialised(dir, opts.Service) {
		return nil, &Error{Backend: Pass, Op: "open", Err: fmt.Errorf("no password store at %s: %w", dir, vault.ErrUnavailable),
			Hint: "run `pass init <gpg-id>` (or set PASSWORD_STORE_DIR)"}
	}
	return &passStore{bin: bin, storeDir: dir, service: opts.Service, env: passEnv(opts.Getenv, dir), timeout: opts.Timeout}, nil
}

// passEnv builds pass's environment: ours, with the variables pass cares
// about taken from getenv, a fixed store folder, English messages (they are
// matched below) and gpg told never to ask for a passphrase.
func passEnv(getenv func(string) string, dir string) []string {
	set := map[string]string{}
	for _, k := range passEnvVars {
		set[k] = getenv(k)
	}
	set["PASSWORD_STORE_DIR"] = dir
	set["PASSWORD_STORE_GPG_OPTS"] = strings.TrimSpace(getenv("PASSWORD_STORE_GPG_OPTS") + " --pinentry-mode=error")
	set["LC_ALL"], set["LANGUAGE"] = "C", "C"
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			env = append(env, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if set[k] != "" {
			env = append(env, k+"="+set[k])
		}
	}
	return env
}

// entry returns the pass entry name of key.
func (s *passStore) entry(key string) string {
	enc := encodeKey(key)
	var parts []string
	for len(enc) > passChunk {
		parts = append(parts, enc[:passChunk])
		enc = enc[passChunk:]
	}
	parts = append(parts, enc)
	return s.service + "/" + strings.Join(parts, "/")
}

func (s *passStore) file(key string) string {
	return filepath.Join(s.storeDir, filepath.FromSlash(s.entry(key))+".gpg")
}

func (s *passStore) exists(op, key string) error {
	_, err := os.Stat(s.file(key))
	if errors.Is(err, fs.ErrNotExist) {
		return vault.ErrNotFound
	}
	if err != nil {
		return &Error{Backend: Pass, Op: op, Err: err}
	}
	return nil
}

func (s *passStore) run(op string, stdin []byte, args ...string) (result, error) {
	r, err := runCommand(command{path: s.bin, args: args, env: s.env, stdin: stdin}, s.timeout)
	if err != nil {
		return r, &Error{Backend: Pass, Op: op, Err: fmt.Errorf("running pass: %w", err)}
	}
	if r.timedOut {
		return r, timeoutError(Pass, op, s.timeout)
	}
	if r.exitCode != 0 {
		err := passError(op, r)
		if errors.Is(err, errNoSecretKey) && s.haveSecretKey() {
			err = passLocked(op)
		}
		return r, err
	}
	return r, nil
}

// passError classifies a failed pass or gpg run. Only their own messages
// are quoted: they never contain the secret, which travels on stdin and
// stdout.
func passError(op string, r result) error {
	msg := strings.TrimSpace(string(r.stderr))
	lower := strings.ToLower(msg)
	detail := lastLine(msg)
	switch {
	case containsAny(lower, "no secret key"):
		// With --pinentry-mode=error, gpg says the same for a locked key
		// and a missing one; run tells them apart.
		return &Error{Backend: Pass, Op: op, Err: fmt.Errorf("%s: %w: %w", detail, errNoSecretKey, vault.ErrUnavailable),
			Hint: "the entry is encrypted for a GPG key this machine lacks; import the key or re-run `pass init <gpg-id>`"}
	case containsAny(lower, "pinentry", "operation cancelled", "operation canceled", "inappropriate ioctl", "no such device or address", "bad passphrase", "problem with the agent", "timeout"):
		return passLocked(op)
	case containsAny(lower, "pass init", "no public key", "unusable public key", "encryption failed"):
		return &Error{Backend: Pass, Op: op, Err: fmt.Errorf("%s: %w", detail, vault.ErrUnavailable),
			Hint: "run `pass init <gpg-id>` with a GPG key you have"}
	}
	if detail == "" {
		detail = fmt.Sprintf("pass exited with status %d", r.exitCode)
	}
	return &Error{Backend: Pass, Op: op, Err: errors.New(detail)}
}

// errNoSecretKey marks gpg's "No secret key", which means a locked key as
// well as a missing one.
var errNoSecretKey = errors.New("no secret key")

func passLocked(op string) error {
	return &Error{Backend: Pass, Op: op, Err: fmt.Errorf("the GPG key needs its passphrase: %w", vault.ErrLocked),
		Hint: "unlock your GPG key in gpg-agent (e.g. run `pass show <any entry>` once in a terminal) and retry"}
}

// haveSecretKey reports whether gpg holds the secret key of one of the
// store's recipients (.gpg-id), which listing does without a passphrase.
func (s *passStore) haveSecretKey() bool {
	gpg, err := exec.LookPath("gpg2")
	if err != nil {
		if gpg, err = exec.LookPath("gpg"); err != nil {
			return false
		}
	}
	b, err := os.ReadFile(filepath.Join(s.storeDir, s.service, ".gpg-id"))
	if err != nil {
		if b, err = os.ReadFile(filepath.Join(s.storeDir, ".gpg-id")); err != nil {
			return false
		}
	}
	for _, id := range strings.Fields(string(b)) {
		r, err := runCommand(command{path: gpg, args: []string{"--batch", "--no-tty", "--with-colons", "--list-secret-keys", "--", id}, env: s.env}, s.timeout)
		if err == nil && r.exitCode == 0 && bytes.Contains(r.stdout, []byte("sec:")) {
			return true
		}
	}
	return false
}

func containsAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// lock serialises writers of this store, across goroutines and processes:
// gpg writes an entry in place, so two writers of one entry could mix.
func (s *passStore) lock(op string) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	u, err := flock.Lock(ctx, filepath.Join(s.storeDir, s.service, ".lock"))
	if err != nil {
		if ctx.Err() != nil {
			return nil, timeoutError(Pass, op, s.timeout)
		}
		return nil, &Error{Backend: Pass, Op: op, Err: err}
	}
	return func() { u.Unlock() }, nil
}

// Get implements vault.Store.
func (s *passStore) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, vault.ErrEmptyKey
	}
	if err := s.exists("get", key); err != nil {
		return nil, err
	}
	r, err := s.run("get", nil, "show", s.entry(key))
	if err != nil {
		return nil, err
	}
	v, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(r.stdout)))
	if err != nil {
		return nil, &Error{Backend: Pass, Op: "get", Err: fmt.Errorf("entry %s is not base64: %w", s.entry(key), vault.ErrCorrupt),
			Hint: "the entry was not written by assume; remove it with `pass rm " + s.entry(key) + "`"}
	}
	return v, nil
}

// Set implements vault.Store.
func (s *passStore) Set(key string, data []byte) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	unlock, err := s.lock("set")
	if err != nil {
		return err
	}
	defer unlock()
	in := base64.StdEncoding.AppendEncode(nil, data)
	in = append(in, '\n')
	_, err = s.run("set", in, "insert", "--multiline", "--force", s.entry(key))
	return err
}

// Delete implements vault.Store.
func (s *passStore) Delete(key string) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	unlock, err := s.lock("delete")
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.exists("delete", key); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(s.storeDir, ".git")); err == nil {
		_, err = s.run("delete", nil, "rm", "--force", s.entry(key))
		return err // pass records the removal in git
	}
	// Removing needs no key: skip starting pass and gpg.
	f := s.file(key)
	if err := os.Remove(f); err != nil {
		return &Error{Backend: Pass, Op: "delete", Err: err}
	}
	root := filepath.Join(s.storeDir, s.service)
	for d := filepath.Dir(f); d != root && strings.HasPrefix(d, root); d = filepath.Dir(d) {
		if os.Remove(d) != nil { // not empty
			break
		}
	}
	return nil
}

// List implements vault.Store. It reads entry names from the store folder
// and decrypts nothing.
func (s *passStore) List(prefix string) ([]string, error) {
	root := filepath.Join(s.storeDir, s.service)
	var keys []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".gpg") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		enc := strings.ReplaceAll(filepath.ToSlash(strings.TrimSuffix(rel, ".gpg")), "/", "")
		key, err := decodeKey(enc)
		if err != nil || s.file(key) != p || !strings.HasPrefix(key, prefix) {
			return nil // not ours
		}
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return nil, &Error{Backend: Pass, Op: "list", Err: err}
	}
	slices.Sort(keys)
	return keys, nil
}

func init() {
	Register(Backend{Name: Pass, Open: openPass, Available: passAvailable, SelfBounded: true})
}
