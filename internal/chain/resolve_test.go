package chain

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
)

const testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"

// files builds a Source from config and credentials text, labelled
// "config" and "credentials".
func files(config, credentials string) *awsconfig.Files {
	return awsconfig.NewFiles("config", []byte(config), "credentials", []byte(credentials))
}

const demoCredentials = `[alice]
aws_access_key_id = AKIAALICE
aws_secret_access_key = ` + testSecret + `
aws_session_token = ` + testSecret + `TOKEN
`

const demoConfig = `[profile dev]
role_arn = arn:aws:iam::222222222222:role/developer
source_profile = alice
mfa_serial = arn:aws:iam::111111111111:mfa/alice
external_id = ext-123
role_session_name = alice@dev
duration_seconds = 3600
source_identity = alice
region = eu-west-1

[profile prod-admin]
role_arn = arn:aws:iam::333333333333:role/admin
source_profile = dev

[profile ci]
role_arn = arn:aws-us-gov:iam::444444444444:role/path/to/ci
credential_source = EcsContainer

[profile proc]
credential_process = /usr/bin/get-creds --profile x
region = us-west-2

[profile web]
role_arn = arn:aws:iam::555555555555:role/web
web_identity_token_file = /var/run/token
source_profile = ignored

[profile sso]
sso_session = corp
sso_account_id = 666666666666
sso_role_name = ReadOnly

[profile sso-legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 666666666666
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile self]
aws_access_key_id = AKIASELF
aws_secret_access_key = ` + testSecret + `
role_arn = arn:aws:iam::777777777777:role/self
source_profile = self
`

func TestResolve(t *testing.T) {
	src := files(demoConfig, demoCredentials)
	v := func(text string, file string, line int) awsconfig.Value {
		return awsconfig.Value{Text: text, File: file, Line: line, Set: true}
	}
	alice := Step{Kind: KindStatic, Profile: "alice", AccessKeyID: v("AKIAALICE", "credentials", 2),
		SecretAccessKey: v(testSecret, "credentials", 3), SessionToken: v(testSecret+"TOKEN", "credentials", 4)}
	dev := Step{Kind: KindAssumeRole, Profile: "dev", RoleARN: v("arn:aws:iam::222222222222:role/developer", "config", 2),
		MFASerial: v("arn:aws:iam::111111111111:mfa/alice", "config", 4), ExternalID: v("ext-123", "config", 5),
		RoleSessionName: v("alice@dev", "config", 6), DurationSeconds: v("3600", "config", 7), SourceIdentity: v("alice", "config", 8)}
	tests := []struct {
		profile string
		want    Plan
	}{
		{"dev", Plan{Profile: "dev", Region: v("eu-west-1", "config", 9), Steps: []Step{alice, dev}}},
		{"prod-admin", Plan{Profile: "prod-admin", Region: v("eu-west-1", "config", 9), Steps: []Step{alice, dev,
			{Kind: KindAssumeRole, Profile: "prod-admin", RoleARN: v("arn:aws:iam::333333333333:role/admin", "config", 12)}}}},
		{"ci", Plan{Profile: "ci", Steps: []Step{
			{Kind: KindNamedSource, Profile: "ci", CredentialSource: v("EcsContainer", "config", 17)},
			{Kind: KindAssumeRole, Profile: "ci", RoleARN: v("arn:aws-us-gov:iam::444444444444:role/path/to/ci", "config", 16)}}}},
		{"proc", Plan{Profile: "proc", Region: v("us-west-2", "config", 21), Steps: []Step{
			{Kind: KindProcess, Profile: "proc", CredentialProcess: v("/usr/bin/get-creds --profile x", "config", 20)}}}},
		{"web", Plan{Profile: "web", Steps: []Step{
			{Kind: KindWebIdentity, Profile: "web", RoleARN: v("arn:aws:iam::555555555555:role/web", "config", 24),
				WebIdentityTokenFile: v("/var/run/token", "config", 25)}}}},
		{"sso", Plan{Profile: "sso", Steps: []Step{
			{Kind: KindSSO, Profile: "sso", SSOSession: v("corp", "config", 29), SSOAccountID: v("666666666666", "config", 30),
				SSORoleName: v("ReadOnly", "config", 31), SSOStartURL: v("https://corp.awsapps.com/start", "config", 40),
				SSORegion: v("eu-central-1", "config", 41), SSORegistrationScopes: v("sso:account:access", "config", 42)}}}},
		{"sso-legacy", Plan{Profile: "sso-legacy", Steps: []Step{
			{Kind: KindSSO, Profile: "sso-legacy", SSOStartURL: v("https://legacy.awsapps.com/start", "config", 34),
				SSORegion: v("us-east-1", "config", 35), SSOAccountID: v("666666666666", "config", 36),
				SSORoleName: v("Admin", "config", 37)}}}},
		{"self", Plan{Profile: "self", Steps: []Step{
			{Kind: KindStatic, Profile: "self", AccessKeyID: v("AKIASELF", "config", 45), SecretAccessKey: v(testSecret, "config", 46)},
			{Kind: KindAssumeRole, Profile: "self", RoleARN: v("arn:aws:iam::777777777777:role/self", "config", 47)}}}},
	}
	for _, tc := range tests {
		t.Run(tc.profile, func(t *testing.T) {
			got, err := Resolve(src, tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got\n%+v\nwant\n%+v", *got, tc.want)
			}
		})
	}
}

func TestRegionFromNearestSource(t *testing.T) {
	src := files("[profile a]\nrole_arn = arn:aws:iam::111111111111:role/a\nsource_profile = b\n"+
		"[profile b]\nrole_arn = arn:aws:iam::111111111111:role/b\nsource_profile = c\nregion = eu-north-1\n"+
		"[profile c]\nregion = ap-south-1\n", "[c]\naws_access_key_id = A\naws_secret_access_key = S\n")
	p, err := Resolve(src, "a")
	if err != nil {
		t.Fatal(err)
	}
	if p.Region.Text != "eu-north-1" || p.Region.Where() != "config:7" {
		t.Errorf("region = %+v", p.Region)
	}
}

func TestResolveErrors(t *testing.T) {
	const keys = "aws_access_key_id = AKIAX\naws_secret_access_key = " + testSecret + "\n"
	role := func(arn string, extra string) string {
		return "[profile r]\nrole_arn = " + arn + "\nsource_profile = k\n" + extra
	}
	const arn = "arn:aws:iam::123456789012:role/x"
	tests := []struct {
		name, config, creds, profile string
		check                        func(error) bool
		msg                          string // the error text must contain this
	}{
		{"not found with suggestions", "[profile production]\n[profile prod-admin]\n[profile dev]\n", "", "prod",
			func(err error) bool {
				var e *NotFoundError
				return errors.As(err, &e) && reflect.DeepEqual(e.Suggestions, []string{"prod-admin", "production"})
			}, `profile "prod" not found`},
		{"not found typo", "[profile staging]\n", "", "stagign",
			func(err error) bool {
				var e *NotFoundError
				return errors.As(err, &e) && reflect.DeepEqual(e.Suggestions, []string{"staging"})
			}, `profile "stagign" not found`},
		{"missing source", "[profile r]\nrole_arn = " + arn + "\nsource_profile = nope\n", "", "r",
			func(err error) bool {
				var e *MissingProfileError
				return errors.As(err, &e) && e.Name == "nope" && e.ReferencedFrom == "r"
			}, `config:3: source profile "nope" (referenced from profile "r") not found`},
		{"loop", "[profile a]\nrole_arn = " + arn + "\nsource_profile = b\n[profile b]\nrole_arn = " + arn + "\nsource_profile = c\n[profile c]\nrole_arn = " + arn + "\nsource_profile = a\n", "", "a",
			loop("a", "b", "c", "a"), "a -> b -> c -> a"},
		{"partial keys", role(arn, ""), "[k]\naws_secret_access_key = " + testSecret + "\n", "r",
			partialKeys("k", "aws_access_key_id"), `credentials:2: profile "k" has aws_secret_access_key but no aws_access_key_id`},
		{"bad arn", role("arn:aws:iam::12345:role/x", ""), "[k]\n" + keys, "r",
			configKey("r", "role_arn"), "config:2: "},
		{"arn of a user", role("arn:aws:iam::123456789012:user/x", ""), "[k]\n" + keys, "r",
			configKey("r", "role_arn"), "is not a role ARN"},
		{"duration not a number", role(arn, "duration_seconds = 1h\n"), "[k]\n" + keys, "r",
			configKey("r", "duration_seconds"), `config:4: profile "r": duration_seconds "1h" is not a whole number`},
		{"duration too short", role(arn, "duration_seconds = 899\n"), "[k]\n" + keys, "r",
			configKey("r", "duration_seconds"), "outside 900-43200"},
		{"duration too long", role(arn, "duration_seconds = 43201\n"), "[k]\n" + keys, "r",
			configKey("r", "duration_seconds"), "outside 900-43200"},
		{"bad session name", role(arn, "role_session_name = my session\n"), "[k]\n" + keys, "r",
			configKey("r", "role_session_name"), "config:4:"},
		{"bad external id", role(arn, "external_id = a\n"), "[k]\n" + keys, "r",
			configKey("r", "external_id"), "2-1224"},
		{"bad source identity", role(arn, "source_identity = a b\n"), "[k]\n" + keys, "r",
			configKey("r", "source_identity"), "source_identity"},
		{"bad mfa serial", role(arn, "mfa_serial = 123\n"), "[k]\n" + keys, "r",
			configKey("r", "mfa_serial"), "mfa_serial"},
		{"unknown credential source", "[profile r]\nrole_arn = " + arn + "\ncredential_source = environment\n", "", "r",
			configKey("r", "credential_source"), `credential_source "environment" is not one of Environment, Ec2InstanceMetadata, EcsContainer`},
		{"role without source", "[profile r]\nrole_arn = " + arn + "\ncredential_process = x\n", "", "r",
			configKey("r", "role_arn"), "role_arn needs source_profile"},
		{"no credentials", "[profile r]\nregion = x\n", "", "r",
			configKey("r", ""), `config:1: profile "r": no credentials configured`},
		{"sso session without start url", "[profile s]\nsso_session = c\n[sso-session c]\nsso_region = x\n", "", "s",
			configKey("s", "sso_session"), "has no sso_start_url"},
		{"sso legacy without region", "[profile s]\nsso_start_url = u\nsso_account_id = 1\nsso_role_name = r\n", "", "s",
			configKey("s", "sso_region"), "sso_region is missing"},
		{"sso start url differs", "[profile s]\nsso_session = c\nsso_start_url = v\n[sso-session c]\nsso_start_url = u\nsso_region = x\n", "", "s",
			configKey("s", "sso_start_url"), "differs"},
		{"syntax error passes through", "[profile r]\nbroken\n", "", "r",
			func(err error) bool {
				var e *awsconfig.SyntaxError
				return errors.As(err, &e) && e.Line == 2
			}, "config:2: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Resolve(files(tc.config, tc.creds), tc.profile)
			if err == nil {
				t.Fatal("no error")
			}
			if !tc.check(err) {
				t.Errorf("wrong error %T: %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			if strings.Contains(err.Error(), "wJalr") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func TestNotFoundHint(t *testing.T) {
	for _, tc := range []struct {
		sugg []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, `did you mean "a"?`},
		{[]string{"a", "b"}, `did you mean one of "a", "b"?`},
	} {
		if got := (&NotFoundError{Name: "x", Suggestions: tc.sugg}).Hint(); got != tc.want {
			t.Errorf("Hint(%v) = %q, want %q", tc.sugg, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"default", "dev", "dev-admin", "prod", "prod-admin", "production", "staging", "Sandbox"}
	tests := []struct {
		name string
		want []string
	}{
		{"prdo", []string{"prod"}},
		{"dve", []string{"dev"}},
		{"admin", []string{"dev-admin", "prod-admin"}},
		{"sandbox", []string{"Sandbox"}},
		{"zzzzzzzz", nil},
		{"pro", []string{"prod", "prod-admin", "production"}},
	}
	for _, tc := range tests {
		if got := suggest(tc.name, names); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("suggest(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestValidRoleARN(t *testing.T) {
	for arn, want := range map[string]bool{
		"arn:aws:iam::123456789012:role/x":                          true,
		"arn:aws-cn:iam::123456789012:role/a/b/c+=,.@_-":            true,
		"arn:aws:iam::123456789012:role/" + strings.Repeat("x", 64): true,
		"arn:aws:iam::123456789012:role/" + strings.Repeat("x", 65): false,
		"arn:aws:iam::123456789012:role/":                           false,
		"arn:aws:iam::123456789012:role/a/":                         false,
		"arn:aws:iam::12345678901:role/x":                           false,
		"arn:aws:iam::12345678901a:role/x":                          false,
		"arn:aws:iam:us-east-1:123456789012:role/x":                 false,
		"arn:aws:sts::123456789012:role/x":                          false,
		"arn:AWS:iam::123456789012:role/x":                          false,
		"arn::iam::123456789012:role/x":                             false,
		"arn:aws:iam::123456789012:role/a b":                        false,
		"arn:foo":                                                   false,
		"":                                                          false,
	} {
		if got := validRoleARN(arn); got != want {
			t.Errorf("validRoleARN(%q) = %v", arn, got)
		}
	}
}

// randomConfig turns fuzz bytes into a small config of profiles A–D and one
// sso-session, drawing keys and values from the ones the chain reads.
func randomConfig(data []byte) string {
	keys := []string{keyRoleARN, keySourceProfile, keyCredentialSource, keyAccessKeyID, keySecretAccessKey, keySessionToken,
		keyWebIdentityToken, keySSOSession, keySSOStartURL, keySSORegion, keySSOAccountID, keySSORoleName,
		keyCredentialProcess, keyRegion, keyDurationSeconds, keyExternalID, keyRoleSessionName, keyMFASerial, keySourceIdentity}
	values := []string{"A", "B", "C", "D", "missing", "", "arn:aws:iam::123456789012:role/r", "arn:foo", "Environment",
		"Ec2InstanceMetadata", "nonsense", "3600", "12", "s", "https://x.awsapps.com/start", "us-east-1", "AKIA1"}
	var b strings.Builder
	for i := 0; i+1 < len(data); i += 2 {
		op, arg := int(data[i]), int(data[i+1])
		switch {
		case op%8 == 0:
			fmt.Fprintf(&b, "[profile %s]\n", values[arg%4])
		case op%16 == 1:
			b.WriteString("[sso-session s]\n")
		default:
			key, val := keys[op%len(keys)], values[arg%len(values)]
			if (key == keySecretAccessKey || key == keySessionToken) && arg%2 == 0 {
				val = testSecret // secrets are only ever the values of secret keys
			}
			fmt.Fprintf(&b, "%s = %s\n", key, val)
		}
	}
	return b.String()
}

func FuzzResolve(f *testing.F) {
	f.Add([]byte{0, 0, 1, 6, 2, 1, 0, 1, 4, 17, 5, 16})
	f.Add([]byte{0, 0, 1, 6, 2, 0, 8, 1})
	f.Add([]byte{0, 0, 8, 12, 11, 0, 1, 0, 9, 14, 10, 15})
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := randomConfig(data)
		src := files(cfg, "")
		for _, name := range []string{"A", "B", "C", "D", "default"} {
			plan, err := Resolve(src, name)
			if err != nil {
				var (
					nf *NotFoundError
					mp *MissingProfileError
					lp *LoopError
					pk *PartialKeysError
					ce *ConfigError
					se *awsconfig.SyntaxError
				)
				if !errors.As(err, &nf) && !errors.As(err, &mp) && !errors.As(err, &lp) && !errors.As(err, &pk) &&
					!errors.As(err, &ce) && !errors.As(err, &se) {
					t.Fatalf("untyped error %T: %v\n%s", err, err, cfg)
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Fatalf("error shows a secret: %v", err)
				}
				continue
			}
			if len(plan.Steps) == 0 || plan.Steps[0].Kind == KindAssumeRole {
				t.Fatalf("bad base step: %+v", plan.Steps)
			}
			for _, s := range plan.Steps[1:] {
				if s.Kind != KindAssumeRole {
					t.Fatalf("non-role step after the base: %+v", plan.Steps)
				}
			}
			var out strings.Builder
			if err := plan.WriteExplain(&out); err != nil {
				t.Fatal(err)
			}
			js, err := plan.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), testSecret) || strings.Contains(string(js), testSecret) {
				t.Fatalf("explain shows a secret:\n%s\n%s", out.String(), js)
			}
			if len(plan.CacheKey()) != 64 {
				t.Fatal("bad cache key")
			}
		}
	})
}

// bigFiles is a 10,000-profile config like awsconfig's benchmark, with the
// base keys in the credentials file.
func bigFiles() *awsconfig.Files {
	var b strings.Builder
	b.WriteString("[profile base]\nregion = us-east-1\n\n")
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&b, "[profile acct-%d-role]\nrole_arn = arn:aws:iam::%012d:role/OrganizationAccountAccess\nsource_profile = base\nregion = eu-west-1\n\n", i, 100000000000+i)
	}
	return files(b.String(), "[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
}

func BenchmarkResolve10k(b *testing.B) {
	src := bigFiles()
	b.ReportAllocs()
	for b.Loop() {
		p, err := Resolve(src, "acct-5000-role")
		if err != nil || len(p.Steps) != 2 {
			b.Fatal(err)
		}
	}
}
