package creds

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

// PlanKey derives a cache key from what determines a plan's credentials:
// each step's kind and the values that matter for it (never secrets, never
// file positions, so editing an unrelated line keeps the cache). For a
// credential_source Environment step it includes the access key id found in
// the environment, so switching environment keys is a miss.
func PlanKey(p *chain.Plan, getenv func(string) string) string {
	h := sha256.New()
	field := func(name string, v awsconfig.Value) {
		if !v.Set {
			return
		}
		io.WriteString(h, name)
		io.WriteString(h, "=")
		io.WriteString(h, strconv.Quote(v.Text))
		io.WriteString(h, ";")
	}
	io.WriteString(h, "assume-plan-v1;")
	for _, s := range p.Steps {
		io.WriteString(h, "step:"+string(s.Kind)+";")
		switch s.Kind {
		case chain.KindStatic:
			field("access_key_id", s.AccessKeyID)
		case chain.KindAssumeRole, chain.KindWebIdentity:
			field("role_arn", s.RoleARN)
			field("role_session_name", s.RoleSessionName)
			field("duration_seconds", s.DurationSeconds)
			field("external_id", s.ExternalID)
			field("mfa_serial", s.MFASerial)
			field("source_identity", s.SourceIdentity)
			field("web_identity_token_file", s.WebIdentityTokenFile)
		case chain.KindNamedSource:
			field("credential_source", s.CredentialSource)
			if s.CredentialSource.Text == "Environment" && getenv != nil {
				io.WriteString(h, "env_access_key_id="+strconv.Quote(getenv("AWS_ACCESS_KEY_ID"))+";")
			}
		case chain.KindProcess:
			field("credential_process", s.CredentialProcess)
		case chain.KindLogin:
			field("login_session", s.LoginSession)
		case chain.KindSSO:
			field("sso_session", s.SSOSession)
			field("sso_start_url", s.SSOStartURL)
			field("sso_account_id", s.SSOAccountID)
			field("sso_role_name", s.SSORoleName)
		}
	}
	return p.Profile + "/" + hex.EncodeToString(h.Sum(nil))[:32]
}
