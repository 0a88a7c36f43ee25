package chain

import (
	"errors"
	"strings"
	"testing"
)

// TestLoginSession: login_session profiles resolve to a login step with the
// value's file:line, work as a role's source, take precedence over
// credential_process (as botocore and the Go SDK do) and need a principal ARN.
func TestLoginSession(t *testing.T) {
	src := files(`[profile console]
region = eu-west-1
login_session = arn:aws:iam::111111111111:user/alice

[profile via-console]
role_arn = arn:aws:iam::222222222222:role/dev
source_profile = console

[profile both]
credential_process = /bin/false
login_session = arn:aws:sts::111111111111:assumed-role/Admin/alice

[profile bad]
login_session = alice
`, "")
	p, err := Resolve(src, "console")
	if err != nil {
		t.Fatal(err)
	}
	st := p.Steps[0]
	if len(p.Steps) != 1 || st.Kind != KindLogin || st.LoginSession.Text != "arn:aws:iam::111111111111:user/alice" || st.LoginSession.Where() != "config:3" {
		t.Fatalf("plan %+v", p)
	}
	var b strings.Builder
	if err := p.WriteExplain(&b); err != nil || !strings.Contains(b.String(), "aws login session") || !strings.Contains(b.String(), "login_session") {
		t.Errorf("explain:\n%s", b.String())
	}
	p, err = Resolve(src, "via-console")
	if err != nil || p.Steps[0].Kind != KindLogin || p.Steps[1].Kind != KindAssumeRole || p.Region.Text != "eu-west-1" {
		t.Fatalf("chain: %v %+v", err, p)
	}
	if p, err := Resolve(src, "both"); err != nil || p.Steps[0].Kind != KindLogin {
		t.Fatalf("both: %v", err)
	}
	_, err = Resolve(src, "bad")
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "assume login --profile bad") {
		t.Fatalf("bad: %v", err)
	}
	a, _ := Resolve(src, "console")
	c := *a
	c.Steps = []Step{a.Steps[0]}
	c.Steps[0].LoginSession.Text += "x"
	if a.CacheKey() == c.CacheKey() {
		t.Error("the login session does not count in the cache key")
	}
}
