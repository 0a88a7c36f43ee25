package creds

import (
	"strings"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/login"
)

// loginSession runs a login step: the `aws login` session's credentials,
// refreshed through its token when they are about to expire (single-flight
// across processes, the cache file rewritten atomically in the AWS CLI's
// format).
func (r *runner) loginSession(st *chain.Step) (*cred, error) {
	c := r.opts.Login
	if c == nil {
		var err error
		c, err = login.New(login.Options{Getenv: r.opts.Getenv, Now: r.opts.Now, Timeout: r.opts.Timeout,
			HTTPClient: r.opts.HTTPClient, RetryBackoff: r.opts.RetryBackoff, Debug: r.opts.Debug,
			LockTimeout: r.opts.lockTimeout()})
		if err != nil {
			return nil, err
		}
	}
	arn := strings.TrimSpace(st.LoginSession.Text)
	// The session lives in the sign-in region of the profile (assume login
	// wrote it there), whatever region the credentials are wanted for.
	region := r.plan.Region.Text
	if region == "" {
		region = r.opts.Region
	}
	ac, err := c.Credentials(r.ctx, login.Session{ARN: arn, Profile: st.Profile, Region: region}, r.opts.Refresh)
	if err != nil {
		return nil, err
	}
	account := ac.AccountID
	if account == "" {
		account = login.AccountOfARN(arn)
	}
	role := no
	if strings.Contains(arn, ":assumed-role/") {
		role = yes
	}
	return &cred{
		Credentials: Credentials{AccessKeyID: ac.AccessKeyID, SecretAccessKey: ac.SecretAccessKey,
			SessionToken: ac.SessionToken, Expiration: ac.Expires},
		arn: arn, account: account, kind: chain.KindLogin, profile: st.Profile, role: role,
	}, nil
}
