package cli_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestFrontEndStaysLean guards the cached path's speed: the assume binary
// must not link packages whose initialisation or linking costs milliseconds
// on every run (docs/decisions.md, "Two executables").
func TestFrontEndStaysLean(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/assume-cli/assume/cmd/assume").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	forbidden := map[string]string{
		"net":        "network stack (and cgo DNS: a dynamically linked binary)",
		"net/http":   "HTTP client and server",
		"os/user":    "cgo user lookup: a dynamically linked binary",
		"regexp":     "regular expressions compiled at start-up",
		"crypto/tls": "TLS",
		// The kubeconfig editor's YAML library inits tables on every start.
		"go.yaml.in/yaml/v3": "YAML (assume eks kubeconfig runs in assume-aws)",
	}
	for _, p := range strings.Fields(string(out)) {
		if why, bad := forbidden[p]; bad {
			t.Errorf("cmd/assume links %s (%s); move that work to assume-aws", p, why)
		}
		if strings.HasPrefix(p, "github.com/aws/") {
			t.Errorf("cmd/assume links the AWS SDK (%s); that belongs in assume-aws", p)
		}
	}
}
