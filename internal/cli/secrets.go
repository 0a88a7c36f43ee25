package cli

import (
	"strings"

	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/vault"
)

// openSecretStore opens the keychain that holds long-lived keys.
func openSecretStore(s *term.Streams) (vault.Store, error) {
	_, st, err := secretstore.Keychain(secretStoreOptions(s))
	return st, err
}

// secretStoreOptions reach the keychain from the front end: the passphrase
// of the encrypted file backend is asked on the terminal.
func secretStoreOptions(s *term.Streams) secretstore.Options {
	o := secretstore.Options{Getenv: s.Getenv}
	if s.CanPrompt() {
		o.Prompt = func(label string) (string, error) { return s.Prompt(label, true) }
	}
	return o
}

// browserSetting is the browser chosen in the settings ("" for none: then
// ASSUME_BROWSER, then auto) and its browser_path ("" to search for it).
func browserSetting(s *term.Streams) (setting, path string) {
	st := loadSettings(s)
	v, source, err := st.Get("browser")
	switch {
	case err != nil, source == "default", strings.HasPrefix(source, "env "):
		// ASSUME_BROWSER: the browser package reads it itself.
		v = ""
	case v == "auto":
		v = ""
	}
	return v, st.BrowserPath()
}
