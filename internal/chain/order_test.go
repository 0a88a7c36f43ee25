package chain

import "testing"

// TestBaseOrderStaticKeysLast: a profile with static keys and another kind
// of credentials uses the other kind, as smithy-rs aws-config and botocore
// do (the regression: IAM Identity Center settings lost to the keys).
func TestBaseOrderStaticKeysLast(t *testing.T) {
	const keys = "aws_access_key_id = AKIAK\naws_secret_access_key = " + testSecret + "\n"
	cfg := `[profile sso]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
` + keys + `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile legacy-sso]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Admin
` + keys + `
[profile proc]
credential_process = /bin/get-creds
` + keys + `
[profile src]
credential_source = Environment
` + keys + `
[profile plain]
` + keys
	for name, want := range map[string]Kind{"sso": KindSSO, "legacy-sso": KindSSO, "proc": KindProcess,
		"src": KindNamedSource, "plain": KindStatic} {
		plan, err := build(files(cfg, ""), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := plan.Steps[0].Kind; got != want {
			t.Errorf("%s: base step %v, want %v", name, got, want)
		}
	}
}
