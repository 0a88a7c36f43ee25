package creds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
)

// maxMFAAttempts is how many codes the user may type before giving up.
const maxMFAAttempts = 3

// withMFA runs send with an MFA code for st, asking again (up to
// maxMFAAttempts in all) when AWS rejects the code. A code from
// --mfa-token, an mfa_process or a YubiKey is tried once: a second try
// would give the same code. Errors other than a rejected code are returned
// as send returned them.
func (r *runner) withMFA(st *chain.Step, send func(code string) error) error {
	serial := st.MFASerial.Text
	for attempt := 1; ; attempt++ {
		code, from, err := r.mfaCode(st, attempt)
		if err != nil {
			return err
		}
		if isMFACode(code) {
			err = send(code)
			if err == nil || !isMFARejection(err) {
				return err
			}
			r.dbg.Printf("MFA code for %s rejected (attempt %d)", serial, attempt)
		} else {
			r.dbg.Printf("MFA code for %s is not 6 digits (attempt %d)", serial, attempt)
		}
		if from != "" || attempt >= maxMFAAttempts {
			e := &MFAError{Profile: st.Profile, Serial: serial, Attempts: attempt, FromFlag: from == fromFlag}
			if !e.FromFlag {
				e.From = from
			}
			return e
		}
	}
}

// mfaCode gets a code for st: --mfa-token, else a helper (mfa_process,
// mfa_prompt), else the terminal. from is set when a second try would give
// the same code.
func (r *runner) mfaCode(st *chain.Step, attempt int) (code, from string, err error) {
	serial := st.MFASerial.Text
	if attempt == 1 && r.opts.MFAToken != "" {
		code = strings.TrimSpace(r.opts.MFAToken)
		r.dbg.Secret(code)
		return code, fromFlag, nil
	}
	code, from, handled, err := r.helperCode(st, attempt)
	if err != nil || handled {
		r.dbg.Secret(code)
		return code, from, err
	}
	if r.opts.Prompt == nil {
		return "", "", r.noTerminal(st, "")
	}
	code, err = r.opts.Prompt(r.ctx, serial, attempt)
	if err != nil {
		return "", "", fmt.Errorf("reading the MFA code for %s: %w", serial, err)
	}
	code = strings.TrimSpace(code)
	r.dbg.Secret(code)
	return code, "", nil
}

// mfaLockName is the lock resource of an MFA session.
func mfaLockName(accessKeyID, serial string) string {
	return "mfa/" + accessKeyID + "/" + serial
}

func isMFACode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isMFARejection recognises AWS refusing an MFA code (AccessDenied,
// "MultiFactorAuthentication failed with invalid MFA one time pass code").
func isMFARejection(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		return false
	}
	m := strings.ToLower(ae.ErrorMessage())
	return strings.Contains(m, "multifactorauthentication") || strings.Contains(m, "mfa")
}

// mfaSession returns GetSessionToken credentials of the IAM user keys base,
// authenticated with the MFA device of st: from the cache (per access key id
// and device) unless refreshing or force, else by asking for a code.
func (r *runner) mfaSession(st *chain.Step, base *cred, force bool) (sess *cred, fromCache bool, err error) {
	serial := st.MFASerial.Text
	mk := func(c Credentials) *cred {
		return &cred{
			Credentials: c,
			arn:         base.arn,
			account:     base.account,
			kind:        chain.KindStatic,
			profile:     base.profile,
			role:        no, // AWS counts these as the IAM user's credentials
			mfaSession:  true,
			idKeys:      &base.Credentials,
		}
	}
	if r.opts.Cache != nil && !r.opts.Refresh && !force {
		e, err := r.opts.Cache.MFASession(base.AccessKeyID, serial)
		if err == nil {
			r.dbg.Printf("cached MFA session for %s (%s), expires %s", serial, base.AccessKeyID, fmtTime(e.Expiration))
			r.dbg.Secret(e.SecretAccessKey, e.SessionToken)
			return mk(e.Credentials()), true, nil
		}
		r.dbg.Printf("MFA session cache: %v", err)
	}
	// One MFA session per IAM user and device, however many processes
	// want one: the others wait here and reuse it (one code typed, one
	// GetSessionToken).
	if r.opts.Cache != nil {
		release, err := lock(r.ctx, &r.opts, r.dbg, mfaLockName(base.AccessKeyID, serial), st.Profile)
		if err != nil {
			return nil, false, err
		}
		defer release()
		e, err := rawCache(r.opts.Cache, r.opts.Now).MFASession(base.AccessKeyID, serial)
		if err == nil && reusable(e, r.opts.Now(), r.start, time.Time{}, r.opts.Cache.Margin(), r.opts.Refresh || force) {
			r.dbg.Printf("MFA session for %s (%s) was cached by another process meanwhile, expires %s", serial, base.AccessKeyID, fmtTime(e.Expiration))
			r.dbg.Secret(e.SecretAccessKey, e.SessionToken)
			return mk(e.Credentials()), true, nil
		}
	}
	if err := r.ensureSDK(); err != nil {
		return nil, false, err
	}
	d := r.opts.MFASessionDuration
	if d < 15*time.Minute || d > 36*time.Hour {
		return nil, false, fmt.Errorf("MFA session duration %s is out of range: 15m to 36h", fmtDur(d))
	}
	var out *sts.GetSessionTokenOutput
	var rec *callRecord
	err = r.withMFA(st, func(code string) error {
		rec = &callRecord{}
		ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
		defer cancel()
		var err error
		out, err = r.stsClient(&base.Credentials, rec).GetSessionToken(ctx, &sts.GetSessionTokenInput{
			DurationSeconds: aws.Int32(int32(d / time.Second)),
			SerialNumber:    aws.String(serial),
			TokenCode:       aws.String(code),
		})
		return err
	})
	if err != nil {
		if rec == nil || isOurs(err) {
			return nil, false, err
		}
		return nil, false, r.classify(err, rec, base.errContext("GetSessionToken", st.Profile), r.ctx)
	}
	if out.Credentials == nil {
		return nil, false, fmt.Errorf("GetSessionToken for profile %q: STS returned no credentials", st.Profile)
	}
	c := fromSTS(out.Credentials)
	r.dbg.Secret(c.SecretAccessKey, c.SessionToken)
	r.dbg.Printf("GetSessionToken with MFA %s via %s -> %s, expires %s", serial, rec.endpoint, c.AccessKeyID, fmtTime(c.Expiration))
	if r.opts.Cache != nil {
		e := &cache.Entry{
			AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
			Expiration: c.Expiration, ARN: base.arn, AccountID: base.account, Source: "mfa_session",
		}
		if err := r.opts.Cache.PutMFASession(base.AccessKeyID, serial, e); err != nil {
			r.dbg.Printf("cache: MFA session not saved: %v", err)
		}
	}
	return mk(c), false, nil
}

// isOurs reports errors this package made (already classified).
func isOurs(err error) bool {
	var m *MFAError
	var q *MFARequiredError
	var h *MFAHelperError
	var c *MFACancelledError
	var ce *ConfigError
	return errors.As(err, &m) || errors.As(err, &q) || errors.As(err, &h) || errors.As(err, &c) || errors.As(err, &ce)
}

func fromSTS(c *types.Credentials) Credentials {
	return Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Expiration:      aws.ToTime(c.Expiration),
	}
}
