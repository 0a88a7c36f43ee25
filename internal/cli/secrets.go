package cli

import (
	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/vault"
	"strings"
)

// openSecretStore opens the store of cached sessions.
func openSecretStore(s *term.Streams) (vault.Store, error) {
	return vault.OpenDefault(s.Getenv)
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
