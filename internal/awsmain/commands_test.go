package awsmain

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

// TestSSOParsesItsDeclaration: assume-aws parses every `assume sso`
// subcommand with its declaration (internal/commands), all of it bound: an
// unknown flag reaches the parser, which refuses to run while a declared
// flag is unbound.
func TestSSOParsesItsDeclaration(t *testing.T) {
	for _, sub := range []string{"login", "logout", "ls", "populate"} {
		var stderr bytes.Buffer
		s := term.Test(nil, &bytes.Buffer{}, &stderr, map[string]string{"HOME": t.TempDir()})
		if code := runSSO(context.Background(), []string{sub, "--zz-probe"}, s); code != 2 || !strings.Contains(stderr.String(), "unknown flag --zz-probe") {
			t.Errorf("sso %s --zz-probe: exit %d, %q", sub, code, stderr.String())
		}
		// The usage it prints is the declaration's.
		if !strings.Contains(stderr.String(), "assume sso populate --sso-session NAME") {
			t.Errorf("sso %s: usage not from the declaration: %q", sub, stderr.String())
		}
	}
}

// TestEKSKubeconfigParsesItsDeclaration: the hand-off of assume eks
// kubeconfig is parsed with its declaration, all of it bound.
func TestEKSKubeconfigParsesItsDeclaration(t *testing.T) {
	var stderr bytes.Buffer
	s := term.Test(nil, &bytes.Buffer{}, &stderr, map[string]string{"HOME": t.TempDir()})
	if code := runEKS(context.Background(), []string{"kubeconfig", "--zz-probe"}, s); code != 2 || !strings.Contains(stderr.String(), "unknown flag --zz-probe") {
		t.Errorf("eks kubeconfig --zz-probe: exit %d, %q", code, stderr.String())
	}
}
