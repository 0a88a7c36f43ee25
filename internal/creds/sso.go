package creds

import (
	"errors"
	"fmt"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/sso"
)

// SSOLogin signs the user in to an IAM Identity Center session when no
// usable token is cached; nil means there is no terminal to sign in on, and
// a missing token fails with *sso.LoginRequiredError.
type SSOLogin func(sess sso.Session) (*sso.Token, error)

// ssoRole runs an SSO step: the cached (or silently refreshed) token, then
// GetRoleCredentials for the profile's account and role.
func (r *runner) ssoRole(st *chain.Step) (*cred, error) {
	c := r.opts.SSO
	if c == nil {
		// sso_cache = keychain: tokens in the keychain only (no prompt
		// here: the file keychain needs ASSUME_PASSPHRASE).
		kc, err := secretstore.SSO(secretstore.Options{Getenv: r.opts.Getenv})
		if err != nil {
			return nil, err
		}
		c, err = sso.New(sso.Options{Getenv: r.opts.Getenv, Now: r.opts.Now, Timeout: r.opts.Timeout,
			RetryBackoff: r.opts.RetryBackoff, Debug: r.opts.Debug, Keychain: kc})
		if err != nil {
			return nil, err
		}
	}
	sess := sso.SessionFromStep(*st)
	tok, err := c.Token(r.ctx, sess)
	var lr *sso.LoginRequiredError
	if errors.As(err, &lr) && r.opts.SSOLogin != nil {
		r.dbg.Printf("sso: no usable token for %s: signing in", sess.StartURL)
		tok, err = r.opts.SSOLogin(sess)
	}
	if errors.As(err, &lr) && r.opts.SSOLogin == nil {
		// Said at once (the error), and on the desktop for a user who
		// sees no terminal (an IDE, a GUI tool's credential_process).
		r.desktopNotice(fmt.Sprintf("profile %s needs an IAM Identity Center sign-in: run assume %s in a terminal", st.Profile, st.Profile))
	}
	if err != nil {
		return nil, err
	}
	rc, err := c.RoleCredentials(r.ctx, tok, st.SSOAccountID.Text, st.SSORoleName.Text, sess.Region)
	if errors.As(err, &lr) {
		// Rejected although it looked valid: renew it silently if the
		// refresh token allows, else sign in (on a terminal), then retry once.
		r.dbg.Printf("sso: the token was rejected: renewing it")
		tok, err = c.Renew(r.ctx, sess, tok)
		if errors.As(err, &lr) && r.opts.SSOLogin != nil {
			tok, err = r.opts.SSOLogin(sess)
		}
		if err == nil {
			rc, err = c.RoleCredentials(r.ctx, tok, st.SSOAccountID.Text, st.SSORoleName.Text, sess.Region)
		}
	}
	if err != nil {
		return nil, err
	}
	return &cred{
		Credentials: Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken, Expiration: rc.Expiration, AccountID: st.SSOAccountID.Text},
		account:     st.SSOAccountID.Text,
		kind:        chain.KindSSO,
		profile:     st.Profile,
		role:        yes, // permission-set roles: AssumeRole from them is role chaining
	}, nil
}
