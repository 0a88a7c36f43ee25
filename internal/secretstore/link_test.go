package secretstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/assume-cli/assume/internal/chain"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestLinkUnlinkProfile(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	writeFile(t, cfg, "# mine\n[profile dev]\nregion = eu-west-1\n\n[profile ci]\naws_access_key_id = AKIA\naws_secret_access_key = s\n")
	if err := LinkProfile(cfg, "dev", false); err != nil {
		t.Fatal(err)
	}
	if err := LinkProfile(cfg, "ci", true); err != nil {
		t.Fatal(err)
	}
	if err := LinkProfile(cfg, "new.one", false); err != nil {
		t.Fatal(err)
	}
	want := "# mine\n[profile dev]\nregion = eu-west-1\ncredential_process = " + chain.StoredProcessCommand("dev") + "\n\n" +
		"[profile ci]\ncredential_process = " + chain.StoredProcessCommand("ci") + "\n\n" +
		"[profile new.one]\ncredential_process = " + chain.StoredProcessCommand("new.one") + "\n"
	if got := readFile(t, cfg); got != want {
		t.Fatalf("after LinkProfile:\n%s\nwant:\n%s", got, want)
	}
	for _, p := range []string{"dev", "ci", "new.one", "absent"} {
		if err := UnlinkProfile(cfg, p); err != nil {
			t.Fatal(err)
		}
	}
	// dev keeps its region; the sections left empty go.
	if got, want := readFile(t, cfg), "# mine\n[profile dev]\nregion = eu-west-1\n"; got != want {
		t.Errorf("after UnlinkProfile:\n%q\nwant:\n%q", got, want)
	}
	if fi, err := os.Stat(cfg); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
	}
}

// UnlinkProfile leaves a credential_process that is not assume's own.
func TestUnlinkProfileLeavesOtherCommands(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	text := "[profile dev]\ncredential_process = /usr/bin/other --profile dev\n"
	writeFile(t, cfg, text)
	if err := UnlinkProfile(cfg, "dev"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, cfg); got != text {
		t.Errorf("changed another tool's line:\n%s", got)
	}
}

func TestRemoveFileKeys(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	writeFile(t, creds, "[dev]\naws_access_key_id = AKIA\naws_secret_access_key = s\n\n[ci]\naws_access_key_id = AKIB\naws_secret_access_key = t\nregion = us-east-1\n")
	for _, p := range []string{"dev", "ci"} {
		if err := RemoveFileKeys(creds, p); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := readFile(t, creds), "[ci]\nregion = us-east-1\n"; got != want {
		t.Errorf("got:\n%q\nwant:\n%q", got, want)
	}
}

func TestLinkProfileUnwritable(t *testing.T) {
	if err := LinkProfile(t.TempDir(), "dev", false); err == nil {
		t.Error("no error for a config path that is a folder")
	}
}
