package sso

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

const ssoConfig = `[profile dev]
sso_session = my-sso
sso_account_id = 123456789012
sso_role_name = AdministratorAccess
region = us-west-2

[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access, codewhisperer:completions ,

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = AdministratorAccess

[sso-session no-region]
sso_start_url = https://x.test/start

[sso-session no-url]
sso_region = us-east-1
`

func TestSessionFromStep(t *testing.T) {
	files := awsconfig.NewFiles("/home/u/.aws/config", []byte(ssoConfig), "", nil)
	tests := []struct {
		profile string
		want    Session
		tokFile string
	}{
		{"dev", Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1",
			Scopes: []string{"sso:account:access", "codewhisperer:completions"}}, "0ad374308c5a4e22f723adf10145eafad7c4031c.json"},
		{"legacy", Session{Profile: "legacy", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"}, "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json"},
	}
	for _, tt := range tests {
		plan, err := chain.Resolve(files, tt.profile)
		if err != nil {
			t.Fatal(err)
		}
		got := SessionFromStep(plan.Steps[0])
		if got.Name != tt.want.Name || got.Profile != tt.want.Profile || got.StartURL != tt.want.StartURL || got.Region != tt.want.Region || !slices.Equal(got.Scopes, tt.want.Scopes) {
			t.Errorf("%s: session %+v, want %+v", tt.profile, got, tt.want)
		}
		if got.TokenFileName() != tt.tokFile {
			t.Errorf("%s: token file %s", tt.profile, got.TokenFileName())
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s: %v", tt.profile, err)
		}
	}
}

func TestLookupSession(t *testing.T) {
	files := awsconfig.NewFiles("/home/u/.aws/config", []byte(ssoConfig), "", nil)
	s, err := LookupSession(files, "my-sso")
	if err != nil || s.StartURL != "https://d-1234567890.awsapps.com/start" || s.Region != "us-east-1" || len(s.Scopes) != 2 {
		t.Errorf("LookupSession = %+v, %v", s, err)
	}
	for name, want := range map[string]string{
		"missing":   `sso-session "missing" not found in the config file`,
		"no-region": `sso-session "no-region" has no sso_region (/home/u/.aws/config:18)`,
		"no-url":    `sso-session "no-url" has no sso_start_url (/home/u/.aws/config:21)`,
	} {
		_, err := LookupSession(files, name)
		var ce *ConfigError
		if !errors.As(err, &ce) || err.Error() != want || ce.Hint() == "" {
			t.Errorf("LookupSession(%s) = %v, want %s", name, err, want)
		}
	}
}

func TestParseScopes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"sso:account:access", []string{"sso:account:access"}},
		{" a , b,,c ", []string{"a", "b", "c"}},
		{" , ", nil},
	}
	for _, tt := range tests {
		if got := ParseScopes(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseScopes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSessionValidate(t *testing.T) {
	tests := []struct {
		url, region string
		wantErr     string
	}{
		{"https://d-1234567890.awsapps.com/start", "us-east-1", ""},
		{"https://d-1234567890.awsapps.com/start#", "eu-central-2", ""},
		{"https://my-org.awsapps.com/start/", "us-gov-west-1", ""},
		{"https://ssoins-1234.portal.us-east-1.app.aws", "cn-north-1", ""},
		{"http://127.0.0.1:8765/start", "ap-southeast-7", ""},
		{"", "us-east-1", "is empty"},
		{"d-1234567890.awsapps.com/start", "us-east-1", "is not a URL"},
		{"ftp://x.test/start", "us-east-1", "is not a URL"},
		{"https://user:pw@x.test/start", "us-east-1", "is not a URL"},
		{"https://x.test/start", "", "is not a region name"},
		{"https://x.test/start", "us-east", "is not a region name"},
		{"https://x.test/start", "US-EAST-1", "is not a region name"},
		{"https://x.test/start", "us-east-1 ", "is not a region name"},
		{"https://x.test/start", "https://oidc.us-east-1.amazonaws.com", "is not a region name"},
	}
	for _, tt := range tests {
		err := Session{Name: "s", StartURL: tt.url, Region: tt.region}.Validate()
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s %s: %v", tt.url, tt.region, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s %s: error %v, want %q", tt.url, tt.region, err, tt.wantErr)
			continue
		}
		checkOneLine(t, err)
		if strings.Contains(err.Error(), "pw@") {
			t.Errorf("error %q shows the URL's password", err)
		}
	}
}

func TestRegistrationScopes(t *testing.T) {
	if got := (Session{Name: "a"}).RegistrationScopes(); !slices.Equal(got, DefaultScopes) {
		t.Errorf("default scopes %v", got)
	}
	if got := legacy.RegistrationScopes(); got != nil {
		t.Errorf("legacy scopes %v", got)
	}
	if got := (Session{Name: "a", Scopes: []string{"x"}}).RegistrationScopes(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("configured scopes %v", got)
	}
}
