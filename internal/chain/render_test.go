package chain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awsconfig"
)

func TestWriteExplain(t *testing.T) {
	p, err := Resolve(files(demoConfig, demoCredentials), "prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := p.WriteExplain(&b); err != nil {
		t.Fatal(err)
	}
	const want = `profile prod-admin
region  eu-west-1  config:9

1. static keys, from profile alice
   aws_access_key_id      AKIAALICE      credentials:2
   aws_secret_access_key  (secret, set)  credentials:3
   aws_session_token      (secret, set)  credentials:4

2. assume role, from profile dev
   role_arn           arn:aws:iam::222222222222:role/developer  config:2
   role_session_name  alice@dev                                 config:6
   duration_seconds   3600                                      config:7
   external_id        ext-123                                   config:5
   mfa_serial         arn:aws:iam::111111111111:mfa/alice       config:4
   source_identity    alice                                     config:8

3. assume role, from profile prod-admin
   role_arn  arn:aws:iam::333333333333:role/admin  config:12
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestWriteExplainOtherKinds(t *testing.T) {
	for _, name := range []string{"ci", "proc", "web", "sso", "sso-legacy", "self"} {
		p, err := Resolve(files(demoConfig, demoCredentials), name)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := p.WriteExplain(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, testSecret) || !strings.Contains(out, "profile "+name+"\n") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
	p := &Plan{Profile: "x", Steps: []Step{{Kind: KindProcess, Profile: "x",
		CredentialProcess: awsconfig.Value{Text: "a\tb", Set: true}}}}
	var b strings.Builder
	p.WriteExplain(&b)
	if !strings.Contains(b.String(), `"a\tb"`) || !strings.Contains(b.String(), "region  (not set in the profiles)") {
		t.Errorf("got\n%s", b.String())
	}
}

func TestPlanJSON(t *testing.T) {
	p, err := Resolve(files(demoConfig, demoCredentials), "dev")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	const want = `{
  "version": 1,
  "profile": "dev",
  "region": {
    "value": "eu-west-1",
    "file": "config",
    "line": 9
  },
  "steps": [
    {
      "kind": "static",
      "profile": "alice",
      "access_key_id": {
        "value": "AKIAALICE",
        "file": "credentials",
        "line": 2
      },
      "secret_access_key": {
        "set": true,
        "file": "credentials",
        "line": 3
      },
      "session_token": {
        "set": true,
        "file": "credentials",
        "line": 4
      }
    },
    {
      "kind": "assume_role",
      "profile": "dev",
      "role_arn": {
        "value": "arn:aws:iam::222222222222:role/developer",
        "file": "config",
        "line": 2
      },
      "role_session_name": {
        "value": "alice@dev",
        "file": "config",
        "line": 6
      },
      "duration_seconds": {
        "value": "3600",
        "file": "config",
        "line": 7
      },
      "external_id": {
        "value": "ext-123",
        "file": "config",
        "line": 5
      },
      "mfa_serial": {
        "value": "arn:aws:iam::111111111111:mfa/alice",
        "file": "config",
        "line": 4
      },
      "source_identity": {
        "value": "alice",
        "file": "config",
        "line": 8
      }
    }
  ]
}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A plan without a region says so with null.
	p.Region = awsconfig.Value{}
	got, _ = json.Marshal(p)
	if !strings.Contains(string(got), `"region":null`) || strings.Contains(string(got), "wJalr") {
		t.Errorf("got %s", got)
	}
}

func TestCacheKey(t *testing.T) {
	src := files(demoConfig, demoCredentials)
	p, err := Resolve(src, "prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	key := p.CacheKey()
	if len(key) != 64 || strings.Trim(key, "0123456789abcdef") != "" {
		t.Fatalf("CacheKey = %q", key)
	}
	again, _ := Resolve(src, "prod-admin")
	if again.CacheKey() != key {
		t.Error("CacheKey is not stable")
	}
	// Moving the profiles around the files or changing the region keeps the key.
	moved, err := Resolve(files("# a comment\n\n"+strings.Replace(demoConfig, "region = eu-west-1\n", "", 1), "\n\n"+demoCredentials), "prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	if moved.CacheKey() != key {
		t.Error("moving lines changed the key")
	}
	// Every setting of every step changes it.
	seen := map[string]string{key: "original"}
	for i := range p.Steps {
		for j, f := range p.Steps[i].fields() {
			q := clonePlan(p)
			v := f.v
			if v.Set {
				v.Text += "x"
			} else {
				v = awsconfig.Value{Text: "new", Set: true}
			}
			setField(&q.Steps[i], j, v)
			if q.Steps[i].fields()[j].v != v {
				t.Fatalf("setField and fields disagree at %d", j)
			}
			k := q.CacheKey()
			name := p.Steps[i].Profile + "." + f.key
			if prev, dup := seen[k]; dup {
				t.Errorf("changing %s gives the key of %s", name, prev)
			}
			seen[k] = name
		}
		q := clonePlan(p)
		q.Steps[i].Profile += "x"
		if q.CacheKey() == key {
			t.Errorf("step %d profile does not count", i)
		}
		q = clonePlan(p)
		q.Steps[i].Kind += "x"
		if q.CacheKey() == key {
			t.Errorf("step %d kind does not count", i)
		}
	}
	q := clonePlan(p)
	q.Profile = "other"
	if q.CacheKey() == key {
		t.Error("profile name does not count")
	}
	// An empty value and an absent one differ.
	a := &Plan{Profile: "p", Steps: []Step{{Kind: KindAssumeRole, ExternalID: awsconfig.Value{Set: true}}}}
	b := &Plan{Profile: "p", Steps: []Step{{Kind: KindAssumeRole}}}
	if a.CacheKey() == b.CacheKey() {
		t.Error("empty and unset collide")
	}
}

func clonePlan(p *Plan) *Plan {
	q := *p
	q.Steps = append([]Step(nil), p.Steps...)
	return &q
}

// setField sets the j-th field of fields() on s.
func setField(s *Step, j int, v awsconfig.Value) {
	ptrs := []*awsconfig.Value{&s.AccessKeyID, &s.SecretAccessKey, &s.SessionToken, &s.AccountID, &s.CredentialSource,
		&s.CredentialProcess, &s.WebIdentityTokenFile, &s.SSOSession, &s.SSOStartURL, &s.SSORegion, &s.SSOAccountID,
		&s.SSORoleName, &s.SSORegistrationScopes, &s.RoleARN, &s.RoleSessionName, &s.DurationSeconds, &s.ExternalID,
		&s.MFASerial, &s.SourceIdentity, &s.LoginSession}
	*ptrs[j] = v
}
