package cli

import (
	"context"
	"strconv"
	"time"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/flags"
)

// processOutput is the credential_process JSON (Version 1).
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

// runCredentialProcess prints a profile's credentials in the
// credential_process format for AWS SDKs and the AWS CLI.
func runCredentialProcess(ctx context.Context, args []string, s *invocation) error {
	var profile, region, duration, mfaToken, mfaPrompt string
	var refresh, debug bool
	pos, err := simpleFlags(s, "credential-process", args, func(fs *flags.FlagSet) {
		fs.BindString(&profile, "profile")
		fs.BindString(&region, "region")
		fs.BindString(&duration, "duration")
		fs.BindString(&mfaToken, "mfa-token")
		fs.BindString(&mfaPrompt, "mfa-prompt")
		fs.BindBool(&refresh, "refresh")
		fs.BindBool(&debug, "debug")
	})
	if err != nil {
		return err
	}
	if profile, err = profileArg("credential-process", pos, profile, "--profile PROFILE"); err != nil {
		return err
	}
	dur, err := parseDuration(duration)
	if err != nil {
		return err
	}
	req := resolveRequest{
		profile: profile, region: region, duration: dur, mfaToken: mfaToken, mfaPrompt: mfaPrompt, refresh: refresh, debug: debug,
	}
	r, memo := memoCached(s, req)
	if r == nil {
		plan, files, err := loadPlanFiles(s, profile)
		if err != nil {
			return err
		}
		if r, err = resolveCredentials(ctx, s, plan, req); err != nil {
			return err
		}
		memo.record(s, files, plan, debug)
	}
	out := processOutput{Version: 1, AccessKeyID: r.AccessKeyID, SecretAccessKey: r.SecretAccessKey, SessionToken: r.SessionToken}
	if !r.Expiration.IsZero() {
		out.Expiration = r.Expiration.UTC().Format(time.RFC3339)
	}
	if chain.IsAccountID(r.AccountID) {
		out.AccountID = r.AccountID
	}
	if b, ok := out.indented(); ok {
		_, err = s.Out.Write(b)
		return err
	}
	return writeJSON(s, out)
}

// indented is writeJSON's output for o (json.MarshalIndent with two spaces,
// and a newline), written without reflection when every value is printable
// ASCII that JSON keeps as it is; false otherwise (writeJSON then writes it).
// The cached path prints one of these per start.
func (o processOutput) indented() ([]byte, bool) {
	b := make([]byte, 0, 128+len(o.AccessKeyID)+len(o.SecretAccessKey)+len(o.SessionToken))
	b = append(b, "{\n  \"Version\": "...)
	b = strconv.AppendInt(b, int64(o.Version), 10)
	for _, f := range [...]struct {
		key, val  string
		omitEmpty bool
	}{
		{"AccessKeyId", o.AccessKeyID, false},
		{"SecretAccessKey", o.SecretAccessKey, false},
		{"SessionToken", o.SessionToken, true},
		{"Expiration", o.Expiration, true},
		{"AccountId", o.AccountID, true},
	} {
		if f.omitEmpty && f.val == "" {
			continue
		}
		for i := 0; i < len(f.val); i++ {
			if c := f.val[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return nil, false
			}
		}
		b = append(b, ",\n  \""...)
		b = append(b, f.key...)
		b = append(b, "\": \""...)
		b = append(b, f.val...)
		b = append(b, '"')
	}
	return append(b, "\n}\n"...), true
}
