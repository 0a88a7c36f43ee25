package secretstore

import (
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/vault"
)

// TestForgetSSOSessions: the sessions of an SSO profile and of a role
// chained on it go; those of another start URL and of keys stay.
func TestForgetSSOSessions(t *testing.T) {
	env := map[string]string{"HOME": t.TempDir(), "XDG_CACHE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir(),
		"XDG_DATA_HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	cfg := `[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = us-east-1
[sso-session other]
sso_start_url = https://other.example/start
sso_region = us-east-1
[profile a]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = R
[profile chained]
role_arn = arn:aws:iam::111111111111:role/x
source_profile = a
[profile b]
sso_session = other
sso_account_id = 111111111111
sso_role_name = R
[profile keys]
aws_access_key_id = AKIAKEYS
aws_secret_access_key = s
`
	files := awsconfig.NewFiles("config", []byte(cfg), "credentials", nil)
	st, err := vault.OpenDefault(getenv)
	if err != nil {
		t.Fatal(err)
	}
	c := cache.New(st)
	for _, p := range []string{"a", "chained", "b", "keys"} {
		plan, err := chain.Resolve(files, p)
		if err != nil {
			t.Fatal(err)
		}
		e := &cache.Entry{AccessKeyID: "ASIA" + p, SecretAccessKey: "s", Expiration: time.Now().Add(time.Hour), Profile: p}
		if err := c.PutCredentials(plan.CacheKey(), e); err != nil {
			t.Fatal(err)
		}
	}
	n, err := ForgetSSOSessions(Options{Getenv: getenv}, files, "https://corp.example/start")
	if err != nil || n != 2 {
		t.Fatalf("ForgetSSOSessions = %d, %v; want 2", n, err)
	}
	left, _ := c.Sessions()
	var profiles []string
	for _, e := range left {
		profiles = append(profiles, e.Profile)
	}
	if len(left) != 2 {
		t.Errorf("left: %v, want b and keys", profiles)
	}
	for _, e := range left {
		if e.Profile == "a" || e.Profile == "chained" {
			t.Errorf("%s still cached", e.Profile)
		}
	}
}
