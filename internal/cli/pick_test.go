package cli

import (
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
)

func TestPickerItems(t *testing.T) {
	set := loadTestSet(t, "[profile base]\nregion = eu-west-1\n"+
		"[profile dev]\nrole_arn = arn:aws:iam::222222222222:role/dev\nsource_profile = base\n"+
		"[profile sso]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Admin\nregion = us-east-2\n"+
		"[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"+
		"[profile vault]\ncredential_process = assume credential-process --profile vault\n",
		"[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
	st := &memStore{m: map[string][]byte{}}
	c := cache.New(st)
	now := time.Now()
	plan, err := chain.Resolve(set, "dev")
	if err != nil {
		t.Fatal(err)
	}
	until := now.Add(time.Hour).Truncate(time.Second)
	if err := c.PutCredentials(plan.CacheKey(), &cache.Entry{AccessKeyID: "ASIA1", SecretAccessKey: "s", Expiration: until, Profile: "dev"}); err != nil {
		t.Fatal(err)
	}
	// A stale entry: written for dev's earlier settings (another key).
	if err := c.PutCredentials("stale", &cache.Entry{AccessKeyID: "ASIA2", SecretAccessKey: "s", Expiration: until.Add(time.Hour), Profile: "dev"}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range pickerItems(set, c, now) {
		got[it.Profile] = it.Kind + "|" + it.Account + "|" + it.Role + "|" + it.Region + "|" + it.SSOSession
		if it.Profile == "dev" && !it.SessionUntil.Equal(until) {
			t.Errorf("dev session until %v, want %v", it.SessionUntil, until)
		}
		if it.Profile != "dev" && !it.SessionUntil.IsZero() {
			t.Errorf("%s has a session", it.Profile)
		}
	}
	want := map[string]string{
		"base":  "keys|||eu-west-1|",
		"dev":   "role|222222222222|dev|eu-west-1|",
		"sso":   "sso|333333333333|Admin|us-east-2|corp",
		"vault": "keychain||||",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

// BenchmarkPickerItems10k is what assume does before the picker's first
// frame on a 10,000-profile config: parse the files, build the rows, look
// the cached sessions up (the picker's own first frame is
// internal/picker's BenchmarkFirstFrame10k).
func BenchmarkPickerItems10k(b *testing.B) {
	config := []byte(lsBenchConfig(10000))
	creds := []byte("[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
	st := &memStore{m: map[string][]byte{}}
	c := cache.New(st)
	set, err := awsconfig.NewFiles("config", config, "credentials", creds).Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"p00001", "p05000"} {
		plan, _ := chain.Resolve(set, name)
		c.PutCredentials(plan.CacheKey(), &cache.Entry{AccessKeyID: "ASIA1", SecretAccessKey: "s", Expiration: time.Now().Add(time.Hour), Profile: name})
	}
	b.ReportAllocs()
	for b.Loop() {
		set, err := awsconfig.NewFiles("config", config, "credentials", creds).Load()
		if err != nil {
			b.Fatal(err)
		}
		if items := pickerItems(set, c, time.Now()); len(items) != 10001 {
			b.Fatalf("%d items", len(items))
		}
	}
}
