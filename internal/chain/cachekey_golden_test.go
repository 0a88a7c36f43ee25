package chain

import (
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// TestCacheKeyStable pins the cache key of one plan: a change of the
// encoding would silently invalidate every user's cached sessions.
func TestCacheKeyStable(t *testing.T) {
	files := awsconfig.NewFiles("config", []byte("[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = bob\nregion = eu-west-1\nmfa_serial = arn:aws:iam::111111111111:mfa/bob\n"),
		"credentials", []byte("[bob]\naws_access_key_id = AKIABOB\naws_secret_access_key = s3cr3t\n"))
	p, err := Resolve(files, "dev")
	if err != nil {
		t.Fatal(err)
	}
	const want = "06e4265e2cf8c952be8d5b3029d33fa5f76003a37d388b15e1fe63cc6187f36e"
	if got := p.CacheKey(); got != want {
		t.Errorf("CacheKey() = %s, want %s", got, want)
	}
}
