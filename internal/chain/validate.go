package chain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// The limits STS applies to AssumeRole parameters.
const (
	MinDurationSeconds = 900
	MaxDurationSeconds = 43200
)

// CredentialSources are the values credential_source accepts (exact case,
// as the Go SDK reads them).
var CredentialSources = []string{"Environment", "Ec2InstanceMetadata", "EcsContainer"}

// MFAPrompts are the values mfa_prompt accepts: how an MFA code is asked
// for when no mfa_process gives it. "terminal" is the default; the others
// are used only when named.
var MFAPrompts = []string{"terminal", "ykman", "osascript", "zenity", "kdialog", "powershell"}

// ValidMFAPrompt reports whether v is one of MFAPrompts.
func ValidMFAPrompt(v string) bool { return slices.Contains(MFAPrompts, v) }

// Validate checks the values of every step that an AWS call would reject or
// that could not run at all, and returns a *ConfigError pointing at the first
// bad one. Resolve calls it; it is exported for plans built by hand.
func (p *Plan) Validate() error {
	for i := range p.Steps {
		if err := p.Steps[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Step) validate() error {
	bad := func(key string, v awsconfig.Value, msg string) error {
		return &ConfigError{Profile: s.Profile, Key: key, Value: v, Msg: msg}
	}
	if v := s.AccountID; v.Set && !IsAccountID(v.Text) {
		return bad(keyAccountID, v, fmt.Sprintf("aws_account_id %q is not a 12-digit AWS account id", v.Text))
	}
	switch s.Kind {
	case KindAssumeRole, KindWebIdentity:
		if !validRoleARN(s.RoleARN.Text) {
			return bad(keyRoleARN, s.RoleARN, fmt.Sprintf("role_arn %q is not a role ARN like arn:aws:iam::123456789012:role/NAME", s.RoleARN.Text))
		}
		if v := s.DurationSeconds; v.Set {
			n, err := strconv.Atoi(v.Text)
			if err != nil {
				return bad(keyDurationSeconds, v, fmt.Sprintf("duration_seconds %q is not a whole number of seconds", v.Text))
			}
			if n < MinDurationSeconds || n > MaxDurationSeconds {
				return bad(keyDurationSeconds, v, fmt.Sprintf("duration_seconds %d is outside %d-%d (15 minutes to 12 hours; the role's maximum session duration also applies)", n, MinDurationSeconds, MaxDurationSeconds))
			}
		}
		if v := s.RoleSessionName; v.Set && !validChars(v.Text, 2, 64, "") {
			return bad(keyRoleSessionName, v, fmt.Sprintf("role_session_name %q must be 2-64 characters of letters, digits and _+=,.@-", v.Text))
		}
		if s.Kind == KindWebIdentity {
			if v := s.WebIdentityTokenFile; v.Text == "" {
				return bad(keyWebIdentityToken, v, "web_identity_token_file is empty")
			}
			return nil
		}
		if v := s.ExternalID; v.Set && !validChars(v.Text, 2, 1224, ":/") {
			return bad(keyExternalID, v, fmt.Sprintf("external_id %q must be 2-1224 characters of letters, digits and _+=,.@:/-", v.Text))
		}
		if v := s.SourceIdentity; v.Set && !validChars(v.Text, 2, 64, "") {
			return bad(keySourceIdentity, v, fmt.Sprintf("source_identity %q must be 2-64 characters of letters, digits and _+=,.@-", v.Text))
		}
		if v := s.MFASerial; v.Set && !validChars(v.Text, 9, 256, ":/") {
			return bad(keyMFASerial, v, fmt.Sprintf("mfa_serial %q must be an MFA device serial number or ARN (9-256 characters of letters, digits and _+=/:,.@-)", v.Text))
		}
		if v := s.MFAProcess; v.Set && strings.TrimSpace(v.Text) == "" {
			return bad(keyMFAProcess, v, "mfa_process is empty")
		}
		if v := s.MFAPrompt; v.Set && !ValidMFAPrompt(v.Text) {
			return bad(keyMFAPrompt, v, fmt.Sprintf("mfa_prompt %q is not one of %s", v.Text, strings.Join(MFAPrompts, ", ")))
		}
	case KindNamedSource:
		for _, ok := range CredentialSources {
			if s.CredentialSource.Text == ok {
				return nil
			}
		}
		return bad(keyCredentialSource, s.CredentialSource, fmt.Sprintf("credential_source %q is not one of %s", s.CredentialSource.Text, strings.Join(CredentialSources, ", ")))
	case KindLogin:
		if !validLoginSession(strings.TrimSpace(s.LoginSession.Text)) {
			return bad(keyLoginSession, s.LoginSession, fmt.Sprintf("login_session %q must be the ARN of the signed-in principal (arn:aws:iam::ACCOUNT:user/NAME, :root or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); run `assume login --profile %s` to set it", s.LoginSession.Text, s.Profile))
		}
	case KindProcess:
		if strings.TrimSpace(s.CredentialProcess.Text) == "" {
			return bad(keyCredentialProcess, s.CredentialProcess, "credential_process is empty")
		}
	}
	return nil
}

// validRoleARN accepts arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a
// 12-digit account and IAM's role-name characters.
// ARNFields splits an ARN at its first five colons, as strings.SplitN(arn,
// ":", 6) does, without allocating; ok is false when it has fewer than six
// fields.
func ARNFields(arn string) (f [6]string, ok bool) {
	for i := range 5 {
		var found bool
		if f[i], arn, found = strings.Cut(arn, ":"); !found {
			return f, false
		}
	}
	f[5] = arn
	return f, true
}

func validRoleARN(arn string) bool {
	parts, ok := ARNFields(arn)
	if !ok || parts[0] != "arn" || parts[2] != "iam" || parts[3] != "" {
		return false
	}
	if parts[1] == "" || strings.Trim(parts[1], "abcdefghijklmnopqrstuvwxyz-") != "" {
		return false
	}
	if len(parts[4]) != 12 || strings.Trim(parts[4], "0123456789") != "" {
		return false
	}
	res, ok := strings.CutPrefix(parts[5], "role/")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(res, '/')
	path, name := res[:i+1], res[i+1:]
	for _, c := range path {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return len(path) <= 512 && validChars(name, 1, 64, "")
}

// validChars reports whether s has between min and max characters, each a
// letter, digit, one of _+=,.@- or one of extra.
func validChars(s string, min, max int, extra string) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.ContainsRune("_+=,.@-", c), strings.ContainsRune(extra, c):
		default:
			return false
		}
	}
	return true
}

// validLoginSession accepts the principals `aws login` signs in: IAM users,
// the root user and assumed-role sessions, in any partition.
func validLoginSession(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] != "" {
		return false
	}
	if len(parts[4]) != 12 || strings.Trim(parts[4], "0123456789") != "" {
		return false
	}
	switch {
	case parts[2] == "iam" && (parts[5] == "root" || strings.HasPrefix(parts[5], "user/") && len(parts[5]) > 5):
		return true
	case parts[2] == "sts" && strings.HasPrefix(parts[5], "assumed-role/") && strings.Count(parts[5], "/") >= 2:
		return true
	}
	return false
}
