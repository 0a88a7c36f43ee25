package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/secretstore"
)

// DefaultRegion is exported when neither the flag, the profile nor the
// environment names a region.
const DefaultRegion = "us-east-1"

type resolveRequest struct {
	profile   string
	region    string
	duration  time.Duration
	mfaToken  string
	mfaPrompt string // --mfa-prompt
	refresh   bool
	debug     bool
	sso       *awsproc.AdHocSSO // assume --sso
	noPrompt  bool              // never prompt (the shell hook)
}

// awsRequest is r as assume-aws takes it, in region.
func (r resolveRequest) awsRequest(region string) *awsproc.ResolveRequest {
	return &awsproc.ResolveRequest{
		Profile:   r.profile,
		SSO:       r.sso,
		Region:    region,
		Duration:  r.duration,
		MFAToken:  r.mfaToken,
		MFAPrompt: r.mfaPrompt,
		// assume-aws caches per duration, so a --duration is no reason to
		// discard the MFA session (and ask for a code again).
		Refresh: r.refresh,
		Debug:   r.debug,
		Prompt:  !r.noPrompt,
	}
}

// check refuses a --mfa-prompt that names no prompt (exit 2).
func (r resolveRequest) check() error {
	if r.mfaPrompt != "" && !chain.ValidMFAPrompt(r.mfaPrompt) {
		return usageErr("--mfa-prompt %q: use one of %s", r.mfaPrompt, strings.Join(chain.MFAPrompts, ", "))
	}
	return nil
}

// loadPlan reads the AWS config files and resolves profile into a plan.
func loadPlan(s *invocation, profile string) (*chain.Plan, error) {
	plan, _, err := loadPlanFiles(s, profile)
	return plan, err
}

// loadPlanFiles is loadPlan that also returns the files read (for the plan
// memo).
func loadPlanFiles(s *invocation, profile string) (*chain.Plan, *awsconfig.Files, error) {
	files, err := awsconfig.Open(awsconfig.Locate(s.Getenv))
	if err != nil {
		return nil, nil, configErr(err)
	}
	plan, err := chain.Resolve(files, profile)
	if err != nil {
		return nil, nil, configErr(err)
	}
	return plan, files, nil
}

// pickRegion applies the region rule: flag, profile (or its sources),
// environment, us-east-1.
func pickRegion(flag string, plan *chain.Plan, s *invocation) string {
	var profileRegion string
	if plan != nil {
		profileRegion = plan.Region.Text
	}
	return regionRule(flag, profileRegion, s)
}

// regionRule is pickRegion with the region of the profile (or its sources)
// as text.
func regionRule(flag, profileRegion string, s *invocation) string {
	switch {
	case flag != "":
		return flag
	case profileRegion != "":
		return profileRegion
	case s.Getenv("AWS_REGION") != "":
		return s.Getenv("AWS_REGION")
	case s.Getenv("AWS_DEFAULT_REGION") != "":
		return s.Getenv("AWS_DEFAULT_REGION")
	}
	if st := s.settings(); st.DefaultRegion() != "" {
		return st.DefaultRegion() // default_region, else us-east-1
	}
	return DefaultRegion
}

// openCache opens the credential cache; a cache that cannot be opened is
// simply not used (assume-aws reports real problems when it writes).
func openCache(s *invocation) *cache.Cache {
	c, err := secretstore.SessionCache(secretstore.Options{Getenv: s.Getenv, Settings: s.settings()})
	if err != nil {
		return nil
	}
	return c
}

// resolveCredentials turns a profile into credentials: a cached entry or a
// plan of long-lived keys is answered here; anything that needs AWS goes to
// assume-aws.
func resolveCredentials(ctx context.Context, s *invocation, plan *chain.Plan, req resolveRequest) (*resolved, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	r := &resolved{profile: req.profile, region: pickRegion(req.region, plan, s)}
	if req.sso != nil {
		r.adhoc = req.sso.AccountID + "/" + req.sso.RoleName
	}
	debugf := func(format string, a ...any) {
		if req.debug {
			s.Noticef("debug: "+format, a...)
		}
	}
	debugf("profile %s resolves to %d step(s); region %s", plan.Profile, len(plan.Steps), r.region)
	// Keys kept in the keychain (assume creds) become static keys here.
	plan, err := secretstore.WithStoredKeys(plan, secretStoreOptions(s))
	if err != nil {
		return nil, withCode(ExitConfig, err)
	}

	// Long-lived keys need no AWS call at all.
	if len(plan.Steps) == 1 && plan.Steps[0].Kind == chain.KindStatic {
		st := plan.Steps[0]
		r.AccessKeyID, r.SecretAccessKey, r.SessionToken = st.AccessKeyID.Text, st.SecretAccessKey.Text, st.SessionToken.Text
		r.AccountID = st.AccountID.Text // aws_account_id
		debugf("long-lived keys %s from %s: no AWS call needed", st.AccessKeyID.Text, st.AccessKeyID.Where())
		return r, nil
	}
	// A requested duration asks for a new session of that length.
	if !req.refresh && req.duration == 0 {
		if c := openCache(s); c != nil {
			e, err := c.Credentials(plan.CacheKey())
			if err != nil {
				debugf("cache: %v", err)
			}
			if err == nil {
				debugf("cache hit: %s, expires %s", e.AccessKeyID, e.Expiration.UTC().Format(time.RFC3339))
				r.Credentials, r.fromCache = e.Credentials(), true
				return r, nil
			}
		}
	}

	c := s.assumeAWS()
	if path, err := c.Path(); err == nil {
		debugf("asking %s", path)
	}
	resp, err := c.Resolve(ctx, req.awsRequest(r.region))
	if err != nil {
		return nil, err
	}
	r.Credentials = awscreds.Credentials(resp.Credentials)
	r.fromCache = resp.FromCache
	return r, nil
}

// configErr classifies errors of the config core as configuration errors.
func configErr(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, os.ErrPermission) {
		return withCode(ExitFailure, err)
	}
	return withCode(ExitConfig, err)
}
