package cli

import (
	"testing"

	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/keyring"
	"github.com/assume-cli/assume/internal/settings"
)

// TestSettingsValuesMatchPackages: the settings table lists its allowed
// values as strings (so the package stays small); they must be what the
// browser and keyring packages accept.
func TestSettingsValuesMatchPackages(t *testing.T) {
	b, err := settings.Lookup("browser")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range b.Values {
		if _, err := browser.ParseKind(v); err != nil {
			t.Errorf("settings browser value %q: %v", v, err)
		}
	}
	k, err := settings.Lookup("keychain")
	if err != nil {
		t.Fatal(err)
	}
	valid := map[string]bool{keyring.AutoName: true}
	for _, n := range keyring.Names() {
		valid[n] = true
	}
	for _, v := range k.Values {
		if !valid[v] {
			t.Errorf("settings keychain value %q is not a keyring backend", v)
		}
	}
	for n := range valid {
		found := false
		for _, v := range k.Values {
			found = found || v == n
		}
		if !found {
			t.Errorf("keyring backend %q cannot be chosen in the settings", n)
		}
	}
}
