package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

const testKeyPassphrase = "test key passphrase"

// gpgHome is a throwaway GnuPG home with one key (ed25519 to sign,
// cv25519 to encrypt) protected by testKeyPassphrase.
type gpgHome struct {
	dir string
	fpr string
}

func (g *gpgHome) env() []string {
	return append(os.Environ(), "GNUPGHOME="+g.dir, "LC_ALL=C")
}

func (g *gpgHome) gpg(stdin string, args ...string) (string, error) {
	cmd := exec.Command("gpg", append([]string{"--batch", "--no-tty"}, args...)...)
	cmd.Env = g.env()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("gpg %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

func (g *gpgHome) run(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, err := g.gpg(stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unlock caches the key's passphrase in gpg-agent, as a user's earlier
// pinentry would.
func (g *gpgHome) unlock(t testing.TB) {
	t.Helper()
	enc := g.run(t, "probe", "--armor", "--trust-model", "always", "--encrypt", "--recipient", g.fpr)
	g.run(t, enc, "--pinentry-mode", "loopback", "--passphrase", testKeyPassphrase, "--decrypt")
}

// lock makes gpg-agent forget every cached passphrase.
func (g *gpgHome) lock(t testing.TB) {
	t.Helper()
	cmd := exec.Command("gpgconf", "--reload", "gpg-agent")
	cmd.Env = g.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gpgconf --reload gpg-agent: %v\n%s", err, out)
	}
}

func needPass(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pass", "gpg", "gpgconf"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed; the pass backend tests need the Debian packages pass and gnupg", tool)
		}
	}
}

var (
	gpgOnce   sync.Once
	sharedGPG *gpgHome
	gpgErr    error
)

// newGPGHome returns the test binary's GnuPG home, creating it at the first
// call (key generation takes seconds); TestMain stops its agent.
func newGPGHome(t testing.TB) *gpgHome {
	t.Helper()
	needPass(t)
	gpgOnce.Do(func() { sharedGPG, gpgErr = createGPGHome() })
	if gpgErr != nil {
		t.Fatal(gpgErr)
	}
	sharedGPG.unlock(t)
	return sharedGPG
}

func createGPGHome() (*gpgHome, error) {
	// gpg-agent's socket lives in GNUPGHOME when /run/user is absent: keep
	// the path short, well under the 108-byte socket path limit.
	dir, err := os.MkdirTemp("", "gpg")
	if err != nil {
		return nil, err
	}
	g := &gpgHome{dir: dir}
	// The agent re-derives the key's protection key at every decryption,
	// with an iteration count calibrated to take about 100 ms; the minimum
	// keeps the suite fast.
	if err := os.WriteFile(filepath.Join(dir, "gpg-agent.conf"), []byte("s2k-count 65536\n"), 0o600); err != nil {
		return nil, err
	}
	stopGPG = func() {
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = g.env()
		cmd.Run()
		os.RemoveAll(dir)
	}
	if _, err := g.gpg("", "--pinentry-mode", "loopback", "--passphrase", testKeyPassphrase,
		"--quick-gen-key", "assume test <test@example.invalid>", "future-default", "default", "never"); err != nil {
		return nil, err
	}
	out, err := g.gpg("", "--with-colons", "--list-secret-keys")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			g.fpr = f[9]
			break
		}
	}
	if g.fpr == "" {
		return nil, errors.New("no fingerprint for the generated key")
	}
	return g, nil
}

// stopGPG stops the shared GnuPG home's agent and removes it.
var stopGPG = func() {}

// newPassStore initialises an empty password store for g's key.
func newPassStore(t testing.TB, g *gpgHome) (vault.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	cmd := exec.Command("pass", "init", g.fpr)
	cmd.Env = append(g.env(), "PASSWORD_STORE_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pass init: %v\n%s", err, out)
	}
	s, err := Open(Pass, Options{Getenv: envMap(map[string]string{
		"GNUPGHOME": g.dir, "PASSWORD_STORE_DIR": dir, "PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"),
	}), Timeout: 60 * time.Second})
	if err != nil {
		t.Fatalf("Open(pass): %v", err)
	}
	return s, dir
}

func TestPassBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("the pass behaviour suite runs a few hundred pass and gpg commands; skipped in -short mode")
	}
	g := newGPGHome(t)
	keyringtest.Run(t, func(t *testing.T) vault.Store {
		s, _ := newPassStore(t, g)
		return s
	}, keyringtest.WithWriters(3, 2), keyringtest.WithParallel(), keyringtest.WithLock(func(t *testing.T, s vault.Store) vault.Store {
		g.lock(t)
		t.Cleanup(func() { g.unlock(t) })
		return s
	}))
}

func TestPassLayoutAndSecrecy(t *testing.T) {
	g := newGPGHome(t)
	s, dir := newPassStore(t, g)
	long := strings.Repeat("k", 300)
	for _, k := range []string{"creds/Prod", long} {
		if err := s.Set(k, []byte("top-secret-value")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "assume", "creds_2f_50rod.gpg")); err != nil {
		t.Errorf("entry not at the documented name: %v", err)
	}
	// Items of other programs in the same store are never listed.
	os.WriteFile(filepath.Join(dir, "other.gpg"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "assume", "NotOurs.gpg"), []byte("x"), 0o600)
	keys, err := s.List("")
	if err != nil || len(keys) != 2 || keys[0] != "creds/Prod" || keys[1] != long {
		t.Fatalf("List = %q, %v", keys, err)
	}
	// Locked: reading fails fast, and the message tells what to do.
	g.lock(t)
	defer g.unlock(t)
	_, err = s.Get("creds/Prod")
	if !errors.Is(err, vault.ErrLocked) || HintOf(err) == "" {
		t.Fatalf("Get while locked = %v, want ErrLocked with a hint", err)
	}
	if strings.Contains(err.Error(), "top-secret-value") {
		t.Fatalf("error leaks the secret: %v", err)
	}
}

func TestPassUnavailable(t *testing.T) {
	needPass(t)
	_, err := Open(Pass, Options{Getenv: envMap(map[string]string{"PASSWORD_STORE_DIR": t.TempDir()})})
	if !errors.Is(err, vault.ErrUnavailable) || !strings.Contains(HintOf(err), "pass init") {
		t.Fatalf("Open on an uninitialised store = %v (hint %q), want ErrUnavailable and `pass init`", err, HintOf(err))
	}
}
