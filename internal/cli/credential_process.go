package cli

import (
	"context"
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
	return writeJSON(s, out)
}
