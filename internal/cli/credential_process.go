package cli

import (
	"context"
	"encoding/json"
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
	if len(pos) == 1 && profile == "" {
		profile = pos[0]
	} else if len(pos) > 0 {
		return usageErr("credential-process takes one profile")
	}
	if profile == "" {
		return usageErr("credential-process needs --profile PROFILE")
	}
	dur, err := parseDuration(duration)
	if err != nil {
		return err
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return err
	}
	r, err := resolveCredentials(ctx, s, plan, resolveRequest{
		profile: profile, region: region, duration: dur, mfaToken: mfaToken, mfaPrompt: mfaPrompt, refresh: refresh, debug: debug,
	})
	if err != nil {
		return err
	}
	out := processOutput{Version: 1, AccessKeyID: r.AccessKeyID, SecretAccessKey: r.SecretAccessKey, SessionToken: r.SessionToken}
	if !r.Expiration.IsZero() {
		out.Expiration = r.Expiration.UTC().Format(time.RFC3339)
	}
	if chain.IsAccountID(r.AccountID) {
		out.AccountID = r.AccountID
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.Out.Write(append(b, '\n'))
	return err
}
