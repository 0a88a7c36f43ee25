package chain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"unicode"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// ExplainVersion is the version of the JSON form of a Plan (docs/explain.md).
const ExplainVersion = 1

// field is one setting of a step, named by its config-file key.
type field struct {
	key    string
	v      awsconfig.Value
	secret bool
}

// fields lists every setting a step can carry, in display order. CacheKey
// hashes them in this order, so appending is safe but reordering changes
// every key.
func (s *Step) fields() []field {
	return []field{
		{keyAccessKeyID, s.AccessKeyID, false},
		{keySecretAccessKey, s.SecretAccessKey, true},
		{keySessionToken, s.SessionToken, true},
		{keyAccountID, s.AccountID, false},
		{keyCredentialSource, s.CredentialSource, false},
		{keyCredentialProcess, s.CredentialProcess, false},
		{keyWebIdentityToken, s.WebIdentityTokenFile, false},
		{keySSOSession, s.SSOSession, false},
		{keySSOStartURL, s.SSOStartURL, false},
		{keySSORegion, s.SSORegion, false},
		{keySSOAccountID, s.SSOAccountID, false},
		{keySSORoleName, s.SSORoleName, false},
		{keySSOScopes, s.SSORegistrationScopes, false},
		{keyRoleARN, s.RoleARN, false},
		{keyRoleSessionName, s.RoleSessionName, false},
		{keyDurationSeconds, s.DurationSeconds, false},
		{keyExternalID, s.ExternalID, false},
		{keyMFASerial, s.MFASerial, false},
		{keySourceIdentity, s.SourceIdentity, false},
		{keyLoginSession, s.LoginSession, false},
	}
}

// mfaFields lists how the MFA code of a step is obtained, for explain: not
// in fields, since they do not change the credentials (nor the cache key).
// The YubiKey account (ykman_oath_account or x_assume_ykman_account) is
// shown as ykman_oath_account, with the file:line it was read from.
func (s *Step) mfaFields() []field {
	return []field{{keyMFAProcess, s.MFAProcess, false}, {keyMFAPrompt, s.MFAPrompt, false}, {keyYkmanAccount, s.YkmanAccount, false}}
}

// CacheKey returns a stable hex SHA-256 of everything that decides the
// credentials the plan produces: the profile, and each step's kind, profile
// and settings (secrets included, so rotating a key invalidates the cache;
// SHA-256 does not give them back). Where a value was read from and the
// region are left out: moving a profile within the file, or changing the
// region, yields the same credentials.
func (p *Plan) CacheKey() string {
	// The hashed bytes are a sequence of uvarint(len(s)) || s; they are built
	// in one buffer (on the stack for usual plans) and hashed once, which
	// keeps assume ls on thousands of profiles cheap. Changing this
	// encoding invalidates every cached session.
	var buf [1024]byte
	b := buf[:0]
	put := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	put("assume/chain.Plan/v1")
	put(p.Profile)
	put(strconv.Itoa(len(p.Steps)))
	for i := range p.Steps {
		s := &p.Steps[i]
		put(string(s.Kind))
		put(s.Profile)
		for _, f := range s.keyFields() {
			put(f.key)
			if f.v.Set {
				put("set")
				put(f.v.Text)
			} else {
				put("unset")
			}
		}
		// Fields added later count only when set, so that existing keys
		// (and the sessions cached under them) stay valid.
		if s.LoginSession.Set {
			put(keyLoginSession)
			put("set")
			put(s.LoginSession.Text)
		}
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// keyField is a field of a step, by reference (for CacheKey).
type keyField struct {
	key string
	v   *awsconfig.Value
}

// keyFields lists the same fields as fields, in the same order, without
// copying the values (but for the ones appended later: see CacheKey).
func (s *Step) keyFields() [19]keyField {
	return [19]keyField{
		{keyAccessKeyID, &s.AccessKeyID},
		{keySecretAccessKey, &s.SecretAccessKey},
		{keySessionToken, &s.SessionToken},
		{keyAccountID, &s.AccountID},
		{keyCredentialSource, &s.CredentialSource},
		{keyCredentialProcess, &s.CredentialProcess},
		{keyWebIdentityToken, &s.WebIdentityTokenFile},
		{keySSOSession, &s.SSOSession},
		{keySSOStartURL, &s.SSOStartURL},
		{keySSORegion, &s.SSORegion},
		{keySSOAccountID, &s.SSOAccountID},
		{keySSORoleName, &s.SSORoleName},
		{keySSOScopes, &s.SSORegistrationScopes},
		{keyRoleARN, &s.RoleARN},
		{keyRoleSessionName, &s.RoleSessionName},
		{keyDurationSeconds, &s.DurationSeconds},
		{keyExternalID, &s.ExternalID},
		{keyMFASerial, &s.MFASerial},
		{keySourceIdentity, &s.SourceIdentity},
	}
}

// title describes what a step does.
func (s *Step) title() string {
	switch s.Kind {
	case KindStatic:
		return "static keys"
	case KindAssumeRole:
		return "assume role"
	case KindWebIdentity:
		return "assume role with web identity"
	case KindNamedSource:
		return "credentials from credential_source"
	case KindProcess:
		return "credentials from credential_process"
	case KindStored:
		return "access keys in the keychain (assume creds)"
	case KindLogin:
		return "aws login session (console credentials; assume login)"
	case KindSSO:
		if !s.SSOAccountID.Set {
			return "IAM Identity Center sign-in (no account or role: sign-in only)"
		}
		return "IAM Identity Center (SSO) role credentials"
	}
	return string(s.Kind)
}

// WriteExplain writes the plan for people: each step with every value and
// the file:line it came from. Secrets are never shown, only that they are set
// and where.
func (p *Plan) WriteExplain(w io.Writer) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "profile %s\n", p.Profile)
	if p.Region.Set {
		fmt.Fprintf(tw, "region\t%s\t%s\n", show(p.Region.Text), p.Region.Where())
	} else {
		fmt.Fprintf(tw, "region\t(not set in the profiles)\t\n")
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		fmt.Fprintf(tw, "\n%d. %s, from profile %s\n", i+1, s.title(), s.Profile)
		for _, f := range s.fields() {
			if !f.v.Set {
				continue
			}
			val := show(f.v.Text)
			if f.secret {
				val = "(secret, set)"
			}
			fmt.Fprintf(tw, "   %s\t%s\t%s\n", f.key, val, f.v.Where())
		}
		for _, f := range s.mfaFields() {
			if f.v.Set {
				fmt.Fprintf(tw, "   %s\t%s\t%s\n", f.key, show(f.v.Text), f.v.Where())
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Values without a file leave padding at the end of a line; drop it.
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	for i, l := range lines {
		nl := bytes.HasSuffix(l, []byte("\n"))
		l = bytes.TrimRight(l, " \n")
		if nl {
			l = append(l, '\n')
		}
		lines[i] = l
	}
	_, err := w.Write(bytes.Join(lines, nil))
	return err
}

// show quotes a value when it would otherwise be ambiguous on a line.
func show(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if unicode.IsSpace(r) && r != ' ' || !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return strconv.Quote(s)
	}
	return s
}

// secretJSON tells that a secret is set, and where, without its value.
type secretJSON struct {
	Set  bool   `json:"set"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

func secretOf(v awsconfig.Value) *secretJSON {
	if !v.Set {
		return nil
	}
	return &secretJSON{Set: true, File: v.File, Line: v.Line}
}

// MarshalJSON renders the step with its secrets replaced by {"set": true,
// "file": …, "line": …}.
func (s Step) MarshalJSON() ([]byte, error) {
	type plain Step
	return json.Marshal(struct {
		plain
		SecretAccessKey *secretJSON `json:"secret_access_key,omitempty"`
		SessionToken    *secretJSON `json:"session_token,omitempty"`
	}{plain(s), secretOf(s.SecretAccessKey), secretOf(s.SessionToken)})
}

// MarshalJSON renders the stable JSON form of docs/explain.md: the plan's
// fields after "version": 1.
func (p Plan) MarshalJSON() ([]byte, error) {
	type plain Plan
	return json.Marshal(struct {
		Version int `json:"version"`
		plain
	}{ExplainVersion, plain(p)})
}
