package harden

import (
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

func TestScrub(t *testing.T) {
	env := []string{"A=1", "ASSUME_PASSPHRASE=pw", "ASSUME_PASSPHRASEX=y", "B=2"}
	if got := Scrub(env); !slices.Equal(got, []string{"A=1", "ASSUME_PASSPHRASEX=y", "B=2"}) {
		t.Errorf("Scrub = %v", got)
	}
}

// TestHideSecretEnv: the passphrase leaves the process environment (a
// child started with it does not get it) and stays visible through s.
func TestHideSecretEnv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	t.Setenv("ASSUME_PASSPHRASE", "pw-of-test")
	s := term.System()
	HideSecretEnv(s)
	if s.Getenv("ASSUME_PASSPHRASE") != "pw-of-test" {
		t.Error("s.Getenv lost the passphrase")
	}
	if !slices.Contains(s.Environ(), "ASSUME_PASSPHRASE=pw-of-test") {
		t.Error("s.Environ lost the passphrase")
	}
	out, err := exec.Command("sh", "-c", "env").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "pw-of-test") {
		t.Error("a child started with the process environment got the passphrase")
	}
}
