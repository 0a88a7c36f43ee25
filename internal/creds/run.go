package creds

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
)

// tri is a yes/no answer that may be unknown.
type tri int8

const (
	unknown tri = iota
	yes
	no
)

// cred is a set of credentials in flight, with what is known about them.
type cred struct {
	Credentials
	arn, account string
	kind         chain.Kind
	profile      string // the profile whose step produced them
	where        string // file:line of the keys, for static keys
	role         tri    // a role session (so AssumeRole with it is role chaining)
	longTerm     bool   // an IAM user's long-term keys
	mfaSession   bool   // GetSessionToken credentials
	idKeys       *Credentials
}

// isRole reports whether the credentials are a role session; an ARN, when
// known, decides.
func (c *cred) isRole() tri {
	if c.arn != "" {
		if strings.Contains(c.arn, ":assumed-role/") {
			return yes
		}
		return no
	}
	return c.role
}

// describe names the credentials for error messages.
func (c *cred) describe() string {
	if c.arn != "" {
		return c.arn
	}
	if c.mfaSession {
		return fmt.Sprintf("the MFA session of profile %q (%s)", c.profile, c.AccessKeyID)
	}
	return fmt.Sprintf("access key %s of profile %q", c.AccessKeyID, c.profile)
}

func (c *cred) errContext(op, profile string) errContext {
	return errContext{
		op:            op,
		profile:       profile,
		callerProfile: c.profile,
		callerKeyID:   c.AccessKeyID,
		caller:        c.describe(),
		callerWhere:   c.where,
	}
}

// runner runs one plan.
type runner struct {
	ctx        context.Context
	plan       *chain.Plan
	opts       Options
	dbg        *debugLog
	sdk        *sdk
	noticed    bool
	identities map[string]*cache.Identity
	start      time.Time // when Get began: cache entries written later are fresh
}

func newRunner(ctx context.Context, plan *chain.Plan, opts Options, dbg *debugLog) *runner {
	return &runner{ctx: ctx, plan: plan, opts: opts, dbg: dbg, identities: map[string]*cache.Identity{}}
}

func (r *runner) ensureSDK() error {
	if r.sdk != nil {
		return nil
	}
	s, err := loadSDK(r.ctx, &r.opts)
	if err != nil {
		return err
	}
	r.sdk = s
	return nil
}

func (r *runner) run() (*cred, error) {
	steps := r.plan.Steps
	cur, err := r.source(&steps[0], len(steps) == 1)
	if err != nil {
		return nil, err
	}
	r.dbg.Secret(cur.SecretAccessKey, cur.SessionToken)
	for i := 1; i < len(steps); i++ {
		st := &steps[i]
		final := i == len(steps)-1
		if i == 1 && st.MFASerial.Text != "" && cur.longTerm {
			cur, err = r.assumeWithMFASession(st, cur, final)
		} else {
			cur, err = r.assumeRole(st, cur, final, st.MFASerial.Text != "")
		}
		if err != nil {
			return nil, err
		}
		r.dbg.Secret(cur.SecretAccessKey, cur.SessionToken)
	}
	return cur, nil
}

// source runs the first step of a plan.
func (r *runner) source(st *chain.Step, final bool) (*cred, error) {
	switch st.Kind {
	case chain.KindStatic:
		return r.static(st)
	case chain.KindNamedSource:
		switch st.CredentialSource.Text {
		case "Environment":
			return r.environment(st)
		case "Ec2InstanceMetadata":
			return r.instanceMetadata(st)
		case "EcsContainer":
			return r.container(st)
		}
		return nil, &ConfigError{Profile: st.Profile, Key: "credential_source", Where: st.CredentialSource.Where(),
			Problem: fmt.Sprintf("is %q; it must be Environment, Ec2InstanceMetadata or EcsContainer", st.CredentialSource.Text)}
	case chain.KindProcess:
		return r.process(st)
	case chain.KindWebIdentity:
		return r.webIdentity(st, final)
	case chain.KindSSO:
		return r.ssoRole(st)
	case chain.KindLogin:
		return r.loginSession(st)
	}
	return nil, fmt.Errorf("profile %q: unknown credential step %q", st.Profile, st.Kind)
}

func (r *runner) static(st *chain.Step) (*cred, error) {
	c := &cred{
		Credentials: Credentials{
			AccessKeyID:     strings.TrimSpace(st.AccessKeyID.Text),
			SecretAccessKey: strings.TrimSpace(st.SecretAccessKey.Text),
			SessionToken:    strings.TrimSpace(st.SessionToken.Text),
		},
		kind:    chain.KindStatic,
		profile: st.Profile,
		where:   st.AccessKeyID.Where(),
		account: st.AccountID.Text,
	}
	switch {
	case c.AccessKeyID == "":
		return nil, &ConfigError{Profile: st.Profile, Key: "aws_access_key_id", Where: st.AccessKeyID.Where(), Problem: "is empty"}
	case c.SecretAccessKey == "":
		return nil, &ConfigError{Profile: st.Profile, Key: "aws_secret_access_key", Where: st.SecretAccessKey.Where(), Problem: "is missing or empty"}
	}
	if c.SessionToken == "" {
		c.longTerm, c.role = true, no
	}
	return c, nil
}

func (r *runner) environment(st *chain.Step) (*cred, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v := r.opts.Getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	c := &cred{
		Credentials: Credentials{
			AccessKeyID:     get("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"),
			SecretAccessKey: get("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"),
			SessionToken:    get("AWS_SESSION_TOKEN"),
		},
		kind:    chain.KindNamedSource,
		profile: st.Profile,
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return nil, &SourceError{Profile: st.Profile, Source: "credential_source Environment", Where: st.CredentialSource.Where(),
			Problem: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set"}
	}
	if c.SessionToken == "" {
		c.longTerm, c.role = true, no
	}
	return c, nil
}

// duration decides the session length of a role step: --duration for the
// final step, else the profile's duration_seconds, else DefaultDuration.
// explicit reports whether the user asked for it.
func (r *runner) duration(st *chain.Step, final bool) (d time.Duration, explicit bool, err error) {
	switch {
	case final && r.opts.Duration > 0:
		d, explicit = r.opts.Duration.Truncate(time.Second), true
		if d < 15*time.Minute || d > 12*time.Hour {
			return 0, false, fmt.Errorf("--duration %s is out of range: STS sessions last 15m to 12h", fmtDur(d))
		}
		return d, true, nil
	case st.DurationSeconds.Set:
		n, err := strconv.ParseInt(strings.TrimSpace(st.DurationSeconds.Text), 10, 64)
		if err != nil {
			return 0, false, &ConfigError{Profile: st.Profile, Key: "duration_seconds", Where: st.DurationSeconds.Where(), Problem: "is not a whole number of seconds"}
		}
		if n < 900 || n > 43200 {
			return 0, false, &ConfigError{Profile: st.Profile, Key: "duration_seconds", Where: st.DurationSeconds.Where(), Problem: "must be between 900 and 43200"}
		}
		return time.Duration(n) * time.Second, true, nil
	}
	return DefaultDuration, false, nil
}

func (r *runner) capNotice(profile string, asked time.Duration) {
	if r.noticed {
		return
	}
	r.noticed = true
	r.opts.Notice(fmt.Sprintf("profile %q: asked for a %s session, but AWS limits a role assumed with another role's credentials (role chaining) to 1h, so this session lasts 1h",
		profile, fmtDur(asked)))
}

// assumeRole runs sts:AssumeRole for st with the caller's credentials.
func (r *runner) assumeRole(st *chain.Step, caller *cred, final, withMFA bool) (*cred, error) {
	if err := r.ensureSDK(); err != nil {
		return nil, err
	}
	roleARN := strings.TrimSpace(st.RoleARN.Text)
	if roleARN == "" {
		return nil, &ConfigError{Profile: st.Profile, Key: "role_arn", Where: st.RoleARN.Where(), Problem: "is empty"}
	}
	name, err := r.sessionName(st, caller)
	if err != nil {
		return nil, err
	}
	dur, explicit, err := r.duration(st, final)
	if err != nil {
		return nil, err
	}
	asked := dur
	chained := caller.isRole()
	if dur > ChainedMaxDuration && chained == yes {
		dur = ChainedMaxDuration
		if final && explicit {
			r.capNotice(st.Profile, asked)
		}
	}
	ec := caller.errContext("AssumeRole", st.Profile)
	ec.role = roleARN

	attempt := func(dur time.Duration) (*sts.AssumeRoleOutput, *callRecord, error) {
		in := &sts.AssumeRoleInput{
			RoleArn:         aws.String(roleARN),
			RoleSessionName: aws.String(name),
			DurationSeconds: aws.Int32(int32(dur / time.Second)),
		}
		if v := st.ExternalID.Text; v != "" {
			in.ExternalId = aws.String(v)
		}
		if v := st.SourceIdentity.Text; v != "" {
			in.SourceIdentity = aws.String(v)
		}
		var out *sts.AssumeRoleOutput
		var rec *callRecord
		send := func(code string) error {
			if code != "" {
				in.SerialNumber, in.TokenCode = aws.String(st.MFASerial.Text), aws.String(code)
			}
			rec = &callRecord{}
			ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
			defer cancel()
			var err error
			out, err = r.stsClient(&caller.Credentials, rec).AssumeRole(ctx, in)
			return err
		}
		var err error
		if withMFA {
			err = r.withMFA(st, send)
		} else {
			err = send("")
		}
		return out, rec, err
	}

	out, rec, err := attempt(dur)
	if err != nil && dur > ChainedMaxDuration && isChainingLimit(err) {
		// The caller turned out to be a role session.
		r.dbg.Printf("AssumeRole %s: %s exceeds the role chaining limit, asking for 1h", roleARN, fmtDur(dur))
		dur = ChainedMaxDuration
		if final && explicit {
			r.capNotice(st.Profile, asked)
		}
		out, rec, err = attempt(dur)
	}
	if err != nil {
		if rec == nil || isOurs(err) {
			return nil, err
		}
		return nil, r.classify(err, rec, ec, r.ctx)
	}
	if out.Credentials == nil {
		return nil, fmt.Errorf("AssumeRole for profile %q: STS returned no credentials", st.Profile)
	}
	c := &cred{
		Credentials: fromSTS(out.Credentials),
		kind:        chain.KindAssumeRole,
		profile:     st.Profile,
		role:        yes,
	}
	if out.AssumedRoleUser != nil {
		c.arn = aws.ToString(out.AssumedRoleUser.Arn)
		c.account = accountOf(c.arn)
	}
	r.dbg.Printf("AssumeRole %s as %q for %s via %s (%d attempt(s)) -> %s, expires %s",
		roleARN, name, fmtDur(dur), rec.endpoint, rec.attempts, c.AccessKeyID, fmtTime(c.Expiration))
	return c, nil
}

// assumeWithMFASession assumes st, whose profile has an mfa_serial, with an
// MFA session of the IAM user's keys instead of passing the code to
// AssumeRole: the code is typed once per session, and every role of that
// user reuses it. AWS treats GetSessionToken credentials as the IAM user's,
// so this AssumeRole is not role chaining and not capped at 1h.
func (r *runner) assumeWithMFASession(st *chain.Step, base *cred, final bool) (*cred, error) {
	sess, fromCache, err := r.mfaSession(st, base, false)
	if err != nil {
		return nil, err
	}
	c, err := r.assumeRole(st, sess, final, false)
	if err != nil && fromCache && sessionRejected(err) {
		r.dbg.Printf("cached MFA session was rejected; starting a new one")
		if r.opts.Cache != nil {
			r.opts.Cache.ForgetMFASession(base.AccessKeyID, st.MFASerial.Text)
		}
		if sess, _, err = r.mfaSession(st, base, true); err != nil {
			return nil, err
		}
		c, err = r.assumeRole(st, sess, final, false)
	}
	return c, err
}

func sessionRejected(err error) bool {
	var ic *InvalidCredentialsError
	var ex *ExpiredCredentialsError
	return errors.As(err, &ic) || errors.As(err, &ex)
}

// isChainingLimit recognises STS refusing a duration over the role chaining
// limit.
func isChainingLimit(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" &&
		strings.Contains(strings.ToLower(ae.ErrorMessage()), "chaining")
}

// sessionName picks the RoleSessionName: the profile's role_session_name,
// else the caller's own name (IAM user name or previous session name), else
// assume-<os user>.
func (r *runner) sessionName(st *chain.Step, caller *cred) (string, error) {
	if v := strings.TrimSpace(st.RoleSessionName.Text); v != "" {
		return v, nil
	}
	if caller != nil {
		if caller.arn == "" {
			if err := r.lookupIdentity(caller); err != nil {
				return "", err
			}
		}
		if name := SessionNameFromARN(caller.arn); name != "" {
			return name, nil
		}
	}
	return r.fallbackSessionName(), nil
}

// lookupIdentity fills caller.arn from the identity cache or, when unknown,
// from GetCallerIdentity (then cached per access key id: it never changes).
// Errors that would make the next call fail the same way are returned;
// anything else leaves the ARN unknown.
func (r *runner) lookupIdentity(caller *cred) error {
	keys := &caller.Credentials
	if caller.idKeys != nil {
		keys = caller.idKeys
	}
	id := r.identities[keys.AccessKeyID]
	if id == nil && r.opts.Cache != nil {
		if cached, err := r.opts.Cache.Identity(keys.AccessKeyID); err == nil {
			id = cached
		}
	}
	if id == nil {
		arn, account, userID, err := r.callerIdentity(keys, caller.errContext("GetCallerIdentity", caller.profile))
		if err != nil {
			var apiErr *APIError
			if errors.As(err, &apiErr) {
				r.dbg.Printf("GetCallerIdentity failed, using the default session name: %v", err)
				return nil
			}
			return err
		}
		if !strings.HasPrefix(arn, "arn:") || account == "" {
			// Not an identity AWS would give (an endpoint that is not
			// AWS): use the default session name, and keep nothing.
			r.dbg.Printf("GetCallerIdentity answered no usable identity, using the default session name")
			return nil
		}
		id = &cache.Identity{ARN: arn, AccountID: account, UserID: userID}
		if r.opts.Cache != nil {
			if err := r.opts.Cache.PutIdentity(keys.AccessKeyID, id); err != nil {
				r.dbg.Printf("cache: identity not saved: %v", err)
			}
		}
	}
	r.identities[keys.AccessKeyID] = id
	caller.arn, caller.account = id.ARN, id.AccountID
	return nil
}

func (r *runner) fallbackSessionName() string {
	u := r.opts.Getenv("USER")
	if u == "" {
		u = r.opts.Getenv("USERNAME")
	}
	if u == "" {
		u = r.opts.Getenv("LOGNAME")
	}
	if s := SanitizeSessionName("assume-" + u); len(s) >= 2 {
		return strings.TrimRight(s, "-")
	}
	return "assume"
}

// SessionNameFromARN derives a RoleSessionName from a caller ARN: the last
// path segment of its resource (the IAM user name, or the previous role
// session's name), sanitised. It returns "" when nothing usable remains.
func SessionNameFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	res := parts[5]
	if i := strings.LastIndexByte(res, '/'); i >= 0 {
		res = res[i+1:]
	}
	s := SanitizeSessionName(res)
	if len(s) < 2 {
		return ""
	}
	return s
}

// SanitizeSessionName maps s onto STS's RoleSessionName alphabet
// [\w+=,.@-], replacing other characters with '-', and cuts it to 64
// characters.
func SanitizeSessionName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() == 64 {
			break
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.ContainsRune("_+=,.@-", c):
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// accountOf returns the account field of an ARN.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 {
		return parts[4]
	}
	return ""
}

func fmtDur(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strings.TrimSuffix(d.String(), "0s")
	}
	return d.String()
}
