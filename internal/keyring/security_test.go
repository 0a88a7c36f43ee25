package keyring

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

// fakeSecurityEnv names the state folder of the fake security command
// (internal/fakesecurity).
const fakeSecurityEnv = "KEYRING_FAKE_SECURITY_DIR"

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

var (
	fakeOnce sync.Once
	fakeBin  string
	fakeErr  error
)

// fakeSecurityBin builds the fake security command (without the race
// detector, whose binaries are slow to start) once per test run.
func fakeSecurityBin(t *testing.T) string {
	t.Helper()
	fakeOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			fakeErr = err
			return
		}
		fakeBin = filepath.Join(testTmp, "security")
		out, err := exec.Command(gobin, "build", "-o", fakeBin, "./internal/fakesecurity").CombinedOutput()
		if err != nil {
			fakeErr = fmt.Errorf("building the fake security: %v\n%s", err, out)
		}
	})
	if fakeErr != nil {
		t.Skip(fakeErr)
	}
	return fakeBin
}

func newFakeSecurity(t *testing.T) (*securityStore, string) {
	t.Helper()
	dir := t.TempDir()
	env := append(os.Environ(), fakeSecurityEnv+"="+dir)
	return newSecurityStore(fakeSecurityBin(t), "assume", 60*time.Second, env), dir
}

func TestKeychainFakeSecurity(t *testing.T) {
	keyringtest.Run(t, func(t *testing.T) vault.Store {
		s, _ := newFakeSecurity(t)
		return s
	}, keyringtest.WithParallel(), keyringtest.WithLock(func(t *testing.T, s vault.Store) vault.Store {
		dir := strings.TrimPrefix(s.(*securityStore).env[len(s.(*securityStore).env)-1], fakeSecurityEnv+"=")
		os.WriteFile(filepath.Join(dir, "locked"), nil, 0o600)
		return s
	}))
}

func TestKeychainSecretNeverInArgv(t *testing.T) {
	s, dir := newFakeSecurity(t)
	const secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
	if err := s.Set("creds/prod", []byte(secret)); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get("creds/prod"); err != nil || string(v) != secret {
		t.Fatalf("Get = %q, %v", v, err)
	}
	argv, err := os.ReadFile(filepath.Join(dir, "argv"))
	if err != nil {
		t.Fatal(err)
	}
	enc := securityValuePrefix + base64Std(secret)
	if bytes.Contains(argv, []byte(secret)) || bytes.Contains(argv, []byte(enc)) {
		t.Fatalf("the secret reached the command line:\n%s", argv)
	}
	if !bytes.Contains(argv, []byte(`"-i"`)) {
		t.Fatalf("writes did not go through security -i:\n%s", argv)
	}
}

func TestSecurityErrors(t *testing.T) {
	tests := []struct {
		code   int
		stderr string
		want   error
	}{
		{44, "security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.", vault.ErrNotFound},
		{36, "security: SecKeychainSearchCopyNext: User interaction is not allowed.", vault.ErrLocked},
		{51, "security: SecKeychainItemCopyContent: Authorization/Authentication failed.", vault.ErrLocked},
		{128, "security: User canceled the operation.", vault.ErrLocked},
		{50, "security: SecKeychainCopyDefault: The specified keychain could not be found.", vault.ErrUnavailable},
		{0, "add-generic-password: User interaction is not allowed.", vault.ErrLocked},
	}
	for _, tt := range tests {
		err := securityError("get", result{exitCode: tt.code, stderr: []byte(tt.stderr)})
		if !errors.Is(err, tt.want) {
			t.Errorf("exit %d %q: err = %v, want %v", tt.code, tt.stderr, err, tt.want)
		}
		if tt.want != vault.ErrNotFound && HintOf(err) == "" {
			t.Errorf("exit %d: no hint in %v", tt.code, err)
		}
	}
}

func TestParseDump(t *testing.T) {
	dump := `keychain: "/Users/me/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    0x00000007 <blob>="assume"
    "acct"<blob>="creds_2f_prod"
    "svce"<blob>="assume"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    "acct"<blob>="someone"
    "svce"<blob>="other-app"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "inet"
attributes:
    "acct"<blob>="web"
    "svce"<blob>="assume"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "genp"
attributes:
    "acct"<blob>=0x00FF  "\000\377"
    "svce"<blob>="assume"
keychain: "/Users/me/Library/Keychains/login.keychain-db"
class: "genp"
attributes:
    "svce"<blob>="assume"
    "acct"<blob>="sso"
`
	got := parseDump([]byte(dump), "assume")
	if want := []string{"creds_2f_prod", "sso"}; !slices.Equal(got, want) {
		t.Fatalf("parseDump = %q, want %q", got, want)
	}
}

func FuzzParseDump(f *testing.F) {
	f.Add([]byte("keychain: \"k\"\nclass: \"genp\"\n\"acct\"<blob>=\"a\"\n\"svce\"<blob>=\"assume\"\n"))
	f.Add([]byte("class: \"genp\"\n\"acct\"<blob>=\"\"\n"))
	f.Add([]byte("\"svce\"<blob>=\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, a := range parseDump(b, "assume") {
			if a == "" || strings.Contains(a, "\n") {
				t.Fatalf("bad account %q", a)
			}
		}
	})
}

func FuzzKeyEncoding(f *testing.F) {
	for _, k := range keyringtest.OddKeys {
		f.Add(k)
	}
	f.Add("_41")
	f.Fuzz(func(t *testing.T, key string) {
		if key == "" {
			return // not a valid key
		}
		enc := encodeKey(key)
		for i := 0; i < len(enc); i++ {
			if c := enc[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Fatalf("encodeKey(%q) = %q has %q", key, enc, c)
			}
		}
		if dec, err := decodeKey(enc); err != nil || dec != key {
			t.Fatalf("decodeKey(encodeKey(%q)) = %q, %v", key, dec, err)
		}
		// decodeKey accepts only canonical names.
		if dec, err := decodeKey(key); err == nil && encodeKey(dec) != key {
			t.Fatalf("decodeKey(%q) = %q, which encodes to %q", key, dec, encodeKey(dec))
		}
	})
}
