package keyring

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

// testKDF keeps key derivation cheap in tests.
var testKDF = vault.KDFParams{Time: 1, Memory: 64, Threads: 1}

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func openTestFile(t testing.TB, dir, passphrase string, prompt func(string) (string, error)) vault.Store {
	t.Helper()
	s, err := Open(File, Options{Dir: dir, Getenv: envMap(map[string]string{vault.EnvPassphrase: passphrase}), Prompt: prompt})
	if err != nil {
		t.Fatalf("Open(file): %v", err)
	}
	return s
}

// testTmp is a folder that lives as long as the test binary.
var testTmp string

func TestMain(m *testing.M) {
	fileKDFParams = testKDF
	if spec := os.Getenv(writerEnv); spec != "" {
		os.Exit(runWriter(spec))
	}
	dir, err := os.MkdirTemp("", "keyring-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testTmp = dir
	code := m.Run()
	stopGPG()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestFileBackend(t *testing.T) {
	keyringtest.Run(t, func(t *testing.T) vault.Store {
		return openTestFile(t, t.TempDir(), "correct horse", nil)
	}, keyringtest.WithLock(func(t *testing.T, s vault.Store) vault.Store {
		return openTestFile(t, s.(*fileStore).fs.Dir(), "", nil)
	}))
}

func TestFilePassphrase(t *testing.T) {
	dir := t.TempDir()
	s := openTestFile(t, dir, "right", nil)
	if err := s.Set("creds/prod", []byte("secret-value")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, vault.ParamsFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("params file mode %v, want 0600", fi.Mode().Perm())
	}
	prompted := func(answer string, err error) func(string) (string, error) {
		return func(string) (string, error) { return answer, err }
	}
	tests := []struct {
		name   string
		env    string
		prompt func(string) (string, error)
		want   error
	}{
		{"env right", "right", nil, nil},
		{"prompt right", "", prompted("right", nil), nil},
		{"env wins over prompt", "right", prompted("wrong", nil), nil},
		{"env wrong", "wrong", nil, vault.ErrWrongPassphrase},
		{"prompt wrong", "", prompted("Right", nil), vault.ErrWrongPassphrase},
		{"no passphrase", "", nil, vault.ErrLocked},
		{"prompt fails", "", prompted("", errors.New("no terminal")), vault.ErrLocked},
		{"prompt empty", "", prompted("", nil), vault.ErrLocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestFile(t, dir, tt.env, tt.prompt)
			v, err := s.Get("creds/prod")
			if !errors.Is(err, tt.want) || (tt.want == nil && string(v) != "secret-value") {
				t.Fatalf("Get = %q, %v; want error %v", v, err, tt.want)
			}
			if tt.want == nil {
				return
			}
			if HintOf(err) == "" && !errors.Is(err, vault.ErrLocked) {
				t.Errorf("error %v has no hint", err)
			}
			if errors.Is(err, vault.ErrLocked) && !containsAny(err.Error(), vault.EnvPassphrase) {
				t.Errorf("locked error %q does not say to set %s", err, vault.EnvPassphrase)
			}
			// A wrong or missing passphrase touches nothing.
			if err := s.Set("creds/prod", []byte("overwritten")); !errors.Is(err, tt.want) {
				t.Fatalf("Set = %v, want %v", err, tt.want)
			}
			if err := s.Delete("creds/prod"); !errors.Is(err, tt.want) {
				t.Fatalf("Delete = %v, want %v", err, tt.want)
			}
		})
	}
	if v, err := openTestFile(t, dir, "right", nil).Get("creds/prod"); err != nil || string(v) != "secret-value" {
		t.Fatalf("after failed attempts: Get = %q, %v", v, err)
	}
}

func TestFileNewStoreWithoutPassphrase(t *testing.T) {
	s := openTestFile(t, t.TempDir(), "", nil)
	err := s.Set("k", []byte("v"))
	if !errors.Is(err, vault.ErrUnavailable) {
		t.Fatalf("Set on a new store without passphrase = %v, want ErrUnavailable", err)
	}
}

func TestFileTampered(t *testing.T) {
	dir := t.TempDir()
	s := openTestFile(t, dir, "pw", nil)
	if err := s.Set("creds/a", []byte("value-a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Set("creds/b", []byte("value-b")); err != nil {
		t.Fatal(err)
	}
	pa := filepath.Join(dir, vault.FileName("creds/a"))
	pb := filepath.Join(dir, vault.FileName("creds/b"))
	orig, err := os.ReadFile(pa)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T)
	}{
		{"flipped ciphertext bit", func(t *testing.T) {
			b := append([]byte(nil), orig...)
			b[len(b)-20] ^= 1
			os.WriteFile(pa, b, 0o600)
		}},
		{"flipped tag bit", func(t *testing.T) {
			b := append([]byte(nil), orig...)
			b[len(b)-1] ^= 0x80
			os.WriteFile(pa, b, 0o600)
		}},
		{"truncated", func(t *testing.T) { os.WriteFile(pa, orig[:len(orig)-5], 0o600) }},
		{"swapped with another entry", func(t *testing.T) {
			b, _ := os.ReadFile(pb)
			os.WriteFile(pa, b, 0o600)
		}},
		{"written under another passphrase", func(t *testing.T) {
			other := t.TempDir()
			o := openTestFile(t, other, "other", nil)
			if err := o.Set("creds/a", []byte("evil")); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(other, vault.FileName("creds/a")))
			os.WriteFile(pa, b, 0o600)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.mutate(t)
			v, err := openTestFile(t, dir, "pw", nil).Get("creds/a")
			if !errors.Is(err, vault.ErrCorrupt) {
				t.Fatalf("Get = %q, %v; want ErrCorrupt", v, err)
			}
			os.WriteFile(pa, orig, 0o600)
		})
	}
}

func TestFileTamperedParams(t *testing.T) {
	dir := t.TempDir()
	if err := openTestFile(t, dir, "pw", nil).Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	pp := filepath.Join(dir, vault.ParamsFileName)
	orig, err := os.ReadFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		content string
		want    error
	}{
		{"not json", "garbage", vault.ErrCorrupt},
		{"empty", "", vault.ErrCorrupt},
		{"huge memory", `{"version":1,"kdf":"argon2id","time":1,"memory_kib":4294967295,"threads":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","check":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`, vault.ErrCorrupt},
		{"other salt", `{"version":1,"kdf":"argon2id","time":1,"memory_kib":64,"threads":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","check":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`, vault.ErrWrongPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(pp, []byte(tt.content), 0o600)
			if _, err := openTestFile(t, dir, "pw", nil).Get("k"); !errors.Is(err, tt.want) {
				t.Fatalf("Get = %v, want %v", err, tt.want)
			}
		})
	}
	os.WriteFile(pp, orig, 0o600)
	if v, err := openTestFile(t, dir, "pw", nil).Get("k"); err != nil || string(v) != "v" {
		t.Fatalf("restored: Get = %q, %v", v, err)
	}
}

func TestDefaultFileDir(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_DATA_HOME": "/x/data", "HOME": "/h"}, "/x/data/assume/keyring"},
		{map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/h"}, "/h/.local/share/assume/keyring"},
		{map[string]string{"HOME": "/h"}, "/h/.local/share/assume/keyring"},
	}
	for _, tt := range tests {
		got, err := DefaultFileDir(envMap(tt.env))
		if err != nil || got != filepath.FromSlash(tt.want) {
			t.Errorf("DefaultFileDir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
