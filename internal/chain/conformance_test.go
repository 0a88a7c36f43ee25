package chain

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/assume-cli/assume/internal/conformance"

	"github.com/assume-cli/assume/internal/awsconfig"
)

type roleCase struct {
	Docs  string `json:"docs"`
	Input struct {
		Profiles        map[string]map[string]string `json:"profiles"`
		SSOSessions     map[string]map[string]string `json:"sso_sessions"`
		SelectedProfile string                       `json:"selected_profile"`
	} `json:"input"`
	Output struct {
		ProfileChain []map[string]any `json:"ProfileChain"`
		Error        string           `json:"Error"`
	} `json:"output"`
}

// memorySet builds a Source from the suite's in-memory profiles.
func memorySet(profiles, sessions map[string]map[string]string) *awsconfig.ProfileSet {
	props := func(m map[string]string) awsconfig.Properties {
		p := awsconfig.Properties{}
		for k, v := range m {
			p[k] = awsconfig.Value{Text: v, Set: true}
		}
		return p
	}
	set := &awsconfig.ProfileSet{Profiles: map[string]*awsconfig.Profile{}, SSOSessions: map[string]*awsconfig.SSOSession{}}
	for n, m := range profiles {
		set.Profiles[n] = &awsconfig.Profile{Name: n, Properties: props(m)}
	}
	for n, m := range sessions {
		set.SSOSessions[n] = &awsconfig.SSOSession{Name: n, Properties: props(m)}
	}
	return set
}

// suiteForm renders a plan the way the suite writes chains.
func suiteForm(p *Plan) []map[string]any {
	var out []map[string]any
	put := func(m map[string]any, key string, v awsconfig.Value) {
		if v.Set {
			m[key] = v.Text
		}
	}
	for _, s := range p.Steps {
		m := map[string]any{}
		switch s.Kind {
		case KindStatic:
			put(m, "access_key_id", s.AccessKeyID)
			put(m, "secret_access_key", s.SecretAccessKey)
			put(m, "session_token", s.SessionToken)
			put(m, "account_id", s.AccountID)
			out = append(out, map[string]any{"AccessKey": m})
		case KindAssumeRole:
			put(m, "role_arn", s.RoleARN)
			put(m, "external_id", s.ExternalID)
			put(m, "role_session_name", s.RoleSessionName)
			out = append(out, map[string]any{"AssumeRole": m})
		case KindNamedSource:
			out = append(out, map[string]any{"NamedSource": s.CredentialSource.Text})
		case KindWebIdentity:
			put(m, "role_arn", s.RoleARN)
			put(m, "web_identity_token_file", s.WebIdentityTokenFile)
			put(m, "role_session_name", s.RoleSessionName)
			out = append(out, map[string]any{"WebIdentityToken": m})
		case KindSSO:
			put(m, "sso_session", s.SSOSession)
			put(m, "sso_region", s.SSORegion)
			put(m, "sso_start_url", s.SSOStartURL)
			put(m, "sso_account_id", s.SSOAccountID)
			put(m, "sso_role_name", s.SSORoleName)
			out = append(out, map[string]any{"Sso": m})
		case KindProcess:
			out = append(out, map[string]any{"CredentialProcess": s.CredentialProcess.Text})
		}
	}
	return out
}

// suiteErrorChecks says which of our typed errors answers each error case.
var suiteErrorChecks = map[string]func(error) bool{
	"role_arn without source source_profile":                             configKey("A", "role_arn"),
	"source profile and credential source both present":                  configKey("A", "credential_source"),
	"partial credentials error (missing secret)":                         partialKeys("B", "aws_secret_access_key"),
	"partial credentials error (missing access key)":                     partialKeys("B", "aws_access_key_id"),
	"missing credentials error (empty source profile)":                   configKey("B", ""),
	"profile only contains configuration":                                configKey("A", ""),
	"invalid SSO credentials configuration: missing account ID":          configKey("A", "sso_role_name"),
	"invalid SSO credentials configuration: missing role name":           configKey("A", "sso_account_id"),
	"invalid SSO token configuration: sso_region must be in sso-session": configKey("A", "sso_region"),
	"invalid SSO token configuration: sso-session not found":             configKey("A", "sso_session"),
	"missing source profile": func(err error) bool {
		var e *MissingProfileError
		return errors.As(err, &e) && e.Name == "B" && e.ReferencedFrom == "A"
	},
	"missing root profile (should never happen in practice)": func(err error) bool {
		var e *NotFoundError
		return errors.As(err, &e) && e.Name == "A"
	},
	"assume role profile infinite loop":     loop("A", "B", "A"),
	"infinite loop with static credentials": loop("A", "B", "A"),
	"web identity role":                     configKey("A", "web_identity_token_file"),
}

func configKey(profile, key string) func(error) bool {
	return func(err error) bool {
		var e *ConfigError
		return errors.As(err, &e) && e.Profile == profile && e.Key == key
	}
}

func partialKeys(profile, missing string) func(error) bool {
	return func(err error) bool {
		var e *PartialKeysError
		return errors.As(err, &e) && e.Profile == profile && e.Missing == missing
	}
}

func loop(path ...string) func(error) bool {
	return func(err error) bool {
		var e *LoopError
		return errors.As(err, &e) && reflect.DeepEqual(e.Path, path)
	}
}

func TestAssumeRoleConformance(t *testing.T) {
	data := conformance.Read(t, "assume-role-tests.json")
	var suite []roleCase
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite) == 0 {
		t.Fatal("empty suite")
	}
	for _, tc := range suite {
		t.Run(tc.Docs, func(t *testing.T) {
			src := memorySet(tc.Input.Profiles, tc.Input.SSOSessions)
			plan, err := build(src, tc.Input.SelectedProfile)
			resolved, rerr := Resolve(src, tc.Input.SelectedProfile)
			if tc.Output.Error != "" {
				if err == nil {
					t.Fatalf("got a plan %v, want an error like %q", suiteForm(plan), tc.Output.Error)
				}
				if check, ok := suiteErrorChecks[tc.Docs]; ok && !check(err) {
					t.Errorf("error %T %v does not answer %q", err, err, tc.Output.Error)
				}
				if rerr == nil {
					t.Errorf("Resolve gave a plan")
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v", err)
			}
			// The suite compares through JSON: decode the expectation and our
			// plan the same way.
			var want, got any
			b, _ := json.Marshal(tc.Output.ProfileChain)
			json.Unmarshal(b, &want)
			b, _ = json.Marshal(suiteForm(plan))
			json.Unmarshal(b, &got)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("chain\n got %v\nwant %v", got, want)
			}
			// Resolve adds our value checks: the suite's example ARNs have
			// 9-digit accounts, which is all it may object to.
			var ce *ConfigError
			if rerr != nil && !(errors.As(rerr, &ce) && ce.Key == "role_arn") {
				t.Errorf("Resolve: %v", rerr)
			}
			if rerr == nil && !reflect.DeepEqual(resolved, plan) {
				t.Errorf("Resolve and build disagree")
			}
		})
	}
}
