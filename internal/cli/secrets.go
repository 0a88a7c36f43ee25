package cli

import (
	"errors"
	"strings"

	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/term"
)

// secretStoreOptions reach the keychain from the front end: the passphrase
// of the encrypted file backend is asked on the terminal.
func secretStoreOptions(s *invocation) secretstore.Options {
	// The terminal is looked for only when a passphrase is needed: opening
	// /dev/tty on every run would cost the cached path.
	ask := passphrasePrompt(s)
	return secretstore.Options{Getenv: s.Getenv, Prompt: func(label string) (string, error) {
		if !s.CanPrompt() {
			return "", term.ErrNoTerminal
		}
		return ask(label)
	}}
}

// browserSetting is the browser chosen in the settings ("" for none: then
// ASSUME_BROWSER, then auto) and its browser_path ("" to search for it).
func browserSetting(s *invocation) (setting, path string) {
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

// passphrasePrompt asks for a keychain passphrase without echo; a new one
// is asked twice.
func passphrasePrompt(s *invocation) func(label string) (string, error) {
	return func(label string) (string, error) {
		p, err := s.Prompt(upperFirst(label)+": ", true)
		if err != nil || !strings.HasPrefix(label, "new ") {
			return p, err
		}
		again, err := s.Prompt("Again, to confirm: ", true)
		if err != nil {
			return "", err
		}
		if again != p {
			return "", errors.New("the two passphrases differ")
		}
		return p, nil
	}
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
