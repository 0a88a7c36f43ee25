package secretstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/assume-cli/assume/internal/vault"
)

func TestSSO(t *testing.T) {
	tests := []struct {
		name      string
		ssoCache  string
		wantStore bool
	}{
		{name: "default: files, no keychain", ssoCache: ""},
		{name: "file", ssoCache: "file"},
		{name: "keychain", ssoCache: "keychain", wantStore: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := t.TempDir()
			env := map[string]string{
				"HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir(), "XDG_DATA_HOME": data,
				"ASSUME_KEYCHAIN": "file", "ASSUME_PASSPHRASE": "correct horse battery staple",
				"ASSUME_SSO_CACHE": tc.ssoCache,
			}
			st, err := SSO(Options{Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			if (st != nil) != tc.wantStore {
				t.Fatalf("store %v, want one: %v", st, tc.wantStore)
			}
			if st == nil {
				return
			}
			name := "ee0bfd2552fbd840c02cc48b6e823320543c450f.json"
			if err := st.Set(name, []byte(`{"accessToken": "x"}`)); err != nil {
				t.Fatal(err)
			}
			// The items are the service's own: a sub-folder of the file keyring.
			if _, err := os.Stat(filepath.Join(data, "assume", "keyring", SSOService, vault.FileName(name))); err != nil {
				t.Errorf("item not in the %s folder: %v", SSOService, err)
			}
			if err := st.Delete(name); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Get(name); !errors.Is(err, vault.ErrNotFound) {
				t.Errorf("Get after Delete: %v", err)
			}
		})
	}
}
