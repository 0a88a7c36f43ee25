package cli

import (
	"testing"

	"github.com/assume-cli/assume/internal/chain"
)

// TestMemoisable: only plans whose cached credentials depend on nothing but
// the config files get a memo.
func TestMemoisable(t *testing.T) {
	step := func(k chain.Kind) chain.Step { return chain.Step{Kind: k} }
	for _, tt := range []struct {
		name  string
		steps []chain.Step
		want  bool
	}{
		{"role from keys", []chain.Step{step(chain.KindStatic), step(chain.KindAssumeRole)}, true},
		{"sso", []chain.Step{step(chain.KindSSO)}, true},
		{"credential_process", []chain.Step{step(chain.KindProcess)}, true},
		{"long-lived keys (the answer is the secret)", []chain.Step{step(chain.KindStatic)}, false},
		{"keys in the keychain", []chain.Step{step(chain.KindStored)}, false},
		{"role from keychain keys", []chain.Step{step(chain.KindStored), step(chain.KindAssumeRole)}, false},
		{"no steps", nil, false},
	} {
		if got := memoisable(&chain.Plan{Steps: tt.steps}); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if memoisable(nil) {
		t.Error("nil plan")
	}
	if memoID("a", "/c", "/k") == memoID("a", "/c/k", "") || memoID("a", "/c", "/k") == memoID("b", "/c", "/k") {
		t.Error("memo names collide")
	}
}
