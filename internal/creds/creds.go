package creds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/login"
	"github.com/assume-cli/assume/internal/sso"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultDuration           = time.Hour
	DefaultTimeout            = awssdk.DefaultTimeout
	DefaultMFASessionDuration = 12 * time.Hour
	DefaultProcessTimeout     = time.Minute
	DefaultMaxAttempts        = 4
	// ChainedMaxDuration is the longest session AWS grants a role assumed
	// with another role's credentials (role chaining).
	ChainedMaxDuration = time.Hour
)

// MFAPrompt asks the user for the current code of the MFA device serial.
// attempt starts at 1 and grows after each rejected code, so the prompt can
// say that the previous code was wrong.
type MFAPrompt func(ctx context.Context, serial string, attempt int) (string, error)

// HTTPClient sends HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Resolver is what stays the same across the calls of one process: the
// cache, the HTTP client and time bounds, the clock, the prompts and the
// terminal streams, the lock folder. The zero value works: every field has
// a default.
type Resolver struct {
	// MFAPromptFlag (--mfa-prompt, else ASSUME_MFA_PROMPT) names how MFA
	// codes are asked for, over a profile's mfa_prompt; MFAPromptSetting
	// (the mfa_prompt setting) is used when neither names one. One of
	// chain.MFAPrompts; empty: the terminal (mfahelper.go).
	MFAPromptFlag, MFAPromptSetting string
	// Prompt asks for an MFA code; nil means there is no terminal, and a step
	// that needs a code fails with *MFARequiredError.
	Prompt MFAPrompt
	// Notice receives one-line messages for the user (no prefix, no newline),
	// e.g. that a session was capped at 1h by role chaining.
	Notice func(string)
	// Getenv reads the environment for our own lookups (credential_source
	// Environment, container and IMDS variables, ASSUME_HTTP_TIMEOUT, the OS
	// user). The SDK itself reads the process environment. Default os.Getenv.
	Getenv func(string) string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Cache holds credentials, MFA sessions and identities; nil disables
	// caching.
	Cache *cache.Cache
	// HTTPClient replaces the SDK's HTTP client (tests). When nil a client is
	// built with Timeout as its connect and request timeout.
	HTTPClient HTTPClient
	// Timeout bounds each network operation including its retries; zero
	// means ASSUME_HTTP_TIMEOUT, else DefaultTimeout.
	Timeout time.Duration
	// Endpoint overrides the STS endpoint URL (e.g. the emulator). Empty
	// leaves it to the SDK, which honours AWS_ENDPOINT_URL_STS.
	Endpoint string
	// RetryBackoff replaces the retry delay (tests make it fast); nil keeps
	// the SDK's exponential backoff with jitter.
	RetryBackoff func(attempt int) time.Duration
	// MFASessionDuration is the length of GetSessionToken sessions; zero
	// means DefaultMFASessionDuration.
	MFASessionDuration time.Duration
	// ProcessTimeout bounds a credential_process; zero means
	// ASSUME_PROCESS_TIMEOUT, else DefaultProcessTimeout.
	ProcessTimeout time.Duration
	// Stdin and Stderr are given to credential_process (default os.Stdin,
	// os.Stderr) so that it can prompt and report on the terminal.
	Stdin  io.Reader
	Stderr io.Writer
	// SSO runs IAM Identity Center calls; nil builds a client from these
	// options.
	SSO *sso.Client
	// SSOLogin signs in when an SSO step finds no usable token; nil fails
	// with *sso.LoginRequiredError instead.
	SSOLogin SSOLogin
	// Login reads and refreshes `aws login` sessions; nil builds a client
	// from these options.
	Login *login.Client
	// Debug receives a trace of what happens, without secrets; nil for none.
	Debug io.Writer
	// LockDir is the folder of the cross-process lock files that make
	// concurrent Gets of the same credentials (and of the same MFA session)
	// single-flight; empty means "locks" in the cache's folder. Without a
	// cache nothing is locked.
	LockDir string
	// LockTimeout bounds the wait for another process's lock; zero means
	// DefaultLockTimeout.
	LockTimeout time.Duration
}

// Request is what one call asks for: where, how long, with which code,
// under which cache key.
type Request struct {
	// Region signs and routes STS calls. The caller has already decided it;
	// empty means us-east-1.
	Region string
	// Duration is the session length the user asked for (--duration); zero
	// means the profile's duration_seconds, else DefaultDuration. A non-zero
	// Duration skips the cached credentials (not the MFA session) and
	// replaces them with the new, longer or shorter, session.
	Duration time.Duration
	// Refresh ignores cached credentials and MFA sessions (new ones are still
	// cached). Cached caller identities are still used: they never change.
	Refresh bool
	// MFAToken is a code given with --mfa-token; it is tried once.
	MFAToken string
	// CacheKey names the plan's credentials in the cache; empty derives one
	// from the plan's steps.
	CacheKey string
	// NewerThan, when set, is the expiry of credentials the caller holds
	// and wants replaced (a credentials endpoint refreshing ahead of
	// expiry): cached credentials that expire no later are not used, but
	// cached MFA sessions still are, so a refresh asks for no MFA code
	// while the MFA session lasts. Credentials that another process cached
	// meanwhile and that expire later are used as they are.
	NewerThan time.Time
}

// Options are a Resolver and a Request together: everything Get needs
// besides the plan.
type Options struct {
	Resolver
	Request
}

// Get is Get with r and req.
func (r *Resolver) Get(ctx context.Context, plan *chain.Plan, req Request) (*Result, error) {
	return Get(ctx, plan, Options{Resolver: *r, Request: req})
}

// CallerIdentity is CallerIdentity with r and req.
func (r *Resolver) CallerIdentity(ctx context.Context, c Credentials, req Request) (arn, account, userID string, err error) {
	return CallerIdentity(ctx, c, Options{Resolver: *r, Request: req})
}

// FederationToken is FederationToken with r and req.
func (r *Resolver) FederationToken(ctx context.Context, c Credentials, name string, duration time.Duration, req Request) (Credentials, error) {
	return FederationToken(ctx, c, name, duration, Options{Resolver: *r, Request: req})
}

// Credentials are AWS credentials (awscreds: no fmt verb and no JSON
// shows the secrets).
type Credentials = awscreds.Credentials

// Result is what Get returns.
type Result struct {
	Credentials
	ARN       string     // the final identity, when known
	AccountID string     // its account, when known
	FromCache bool       // served from the cache, without any AWS call
	Source    chain.Kind // the kind of the plan's last step
}

// String implements fmt.Stringer without revealing secrets.
func (r Result) String() string {
	return fmt.Sprintf("%s for %s (from cache: %v)", r.Credentials, r.ARN, r.FromCache)
}

// GoString implements fmt.GoStringer without revealing secrets.
func (r Result) GoString() string { return r.String() }

// Format prints String for every verb (the embedded Credentials' Format
// would otherwise speak for the whole Result).
func (r Result) Format(f fmt.State, _ rune) { fmt.Fprint(f, r.String()) }

// Get returns credentials for plan: from the cache when a valid entry
// exists and no Duration was requested (no SDK work at all), otherwise by
// running the plan's steps, in which case the result is cached when it
// expires.
//
// A cache miss is single-flight across processes: Get takes a lock per
// cache key (a file in LockDir) around checking the cache again, running
// the plan and storing the result, so that concurrent callers make one set
// of AWS calls (and ask for one MFA code) and the others reuse its result.
// A caller that was killed releases its lock at once.
func Get(ctx context.Context, plan *chain.Plan, opts Options) (*Result, error) {
	if err := validatePlan(plan); err != nil {
		return nil, err
	}
	opts.fill()
	start := opts.Now()
	dbg := newDebug(opts.Debug)
	key := opts.CacheKey
	if key == "" {
		key = PlanKey(plan, opts.Getenv)
	}
	// A requested duration asks for a new session of that length; it then
	// replaces the cached one, so later runs reuse the longer session.
	if opts.Cache != nil && !opts.Refresh && opts.Duration == 0 {
		e, err := opts.Cache.Credentials(key)
		switch {
		case err == nil && !opts.NewerThan.IsZero() && !e.Expiration.After(opts.NewerThan):
			dbg.Printf("cache: the entry for profile %q (%s) is the one being replaced", plan.Profile, e.AccessKeyID)
		case err == nil:
			dbg.Printf("cache hit for profile %q (%s), expires %s", plan.Profile, e.AccessKeyID, fmtTime(e.Expiration))
			return fromEntry(e), nil
		default:
			dbg.Printf("cache: %v", err)
		}
	}

	// Long-lived keys alone need no AWS call, so nothing to wait for.
	if opts.Cache != nil && !(len(plan.Steps) == 1 && plan.Steps[0].Kind == chain.KindStatic) {
		release, err := lock(ctx, &opts, dbg, "creds/"+key, plan.Profile)
		if err != nil {
			return nil, err
		}
		defer release()
		if opts.Duration == 0 {
			e, err := rawCache(opts.Cache, opts.Now).Credentials(key)
			if err == nil && reusable(e, opts.Now(), start, opts.NewerThan, opts.Cache.Margin(), opts.Refresh) {
				dbg.Printf("cache: %s was cached by another process meanwhile, expires %s", e.AccessKeyID, fmtTime(e.Expiration))
				return fromEntry(e), nil
			}
		}
	}

	r := newRunner(ctx, plan, opts, dbg)
	r.start = start
	c, err := r.run()
	if err != nil {
		return nil, err
	}
	if !c.Expiration.IsZero() && !c.Expiration.After(opts.Now()) {
		// Never cached, never exported: a fresh answer that is already
		// expired means a wrong clock or an endpoint that is not AWS.
		return nil, &StaleAnswerError{Profile: plan.Profile, Expiration: c.Expiration}
	}
	if issuedByAWS(c.kind) && c.Expiration.After(opts.Now().Add(maxAWSSession)) {
		// No AWS session lasts that long: cached, it would never be renewed.
		return nil, &StaleAnswerError{Profile: plan.Profile, Expiration: c.Expiration, Future: true}
	}
	res := &Result{
		Credentials: c.Credentials,
		ARN:         c.arn,
		AccountID:   c.account,
		Source:      c.kind,
	}
	if res.Credentials.AccountID == "" {
		res.Credentials.AccountID = c.account
	}
	if opts.Cache != nil && !c.Expiration.IsZero() {
		e := &cache.Entry{
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			SessionToken:    c.SessionToken,
			Expiration:      c.Expiration,
			ARN:             c.arn,
			AccountID:       c.account,
			Source:          string(c.kind),
			Profile:         plan.Profile,
		}
		if err := opts.Cache.PutCredentials(key, e); err != nil {
			dbg.Printf("cache: not saved: %v", err)
		}
	}
	return res, nil
}

// fromEntry turns a cached entry into a Result.
func fromEntry(e *cache.Entry) *Result {
	return &Result{
		Credentials: e.Credentials(),
		ARN:         e.ARN,
		AccountID:   e.AccountID,
		FromCache:   true,
		Source:      chain.Kind(e.Source),
	}
}

func (o *Options) fill() {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.MFASessionDuration == 0 {
		o.MFASessionDuration = DefaultMFASessionDuration
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Notice == nil {
		o.Notice = func(string) {}
	}
}

// timeout resolves the network timeout: Options, ASSUME_HTTP_TIMEOUT,
// default.
func (o *Options) timeout() (time.Duration, error) {
	return awssdk.Timeout(o.Timeout, o.Getenv)
}

func validatePlan(p *chain.Plan) error {
	if p == nil || len(p.Steps) == 0 {
		return errors.New("empty credential plan")
	}
	if p.Steps[0].Kind == chain.KindAssumeRole {
		return fmt.Errorf("credential plan for profile %q starts with an AssumeRole step", p.Profile)
	}
	for i, s := range p.Steps[1:] {
		if s.Kind != chain.KindAssumeRole {
			return fmt.Errorf("credential plan for profile %q: step %d is %s, only the first step may be a source", p.Profile, i+2, s.Kind)
		}
	}
	return nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// maxAWSSession is longer than any session STS or IAM Identity Center
// issues (GetSessionToken: 36 h; roles and SSO: 12 h), with room for skew.
const maxAWSSession = 36*time.Hour + 15*time.Minute

// issuedByAWS reports whether credentials of this kind are an answer of STS or
// the SSO portal, whose lifetimes AWS bounds (credential_process and
// container endpoints may legitimately say anything).
func issuedByAWS(k chain.Kind) bool {
	return k == chain.KindAssumeRole || k == chain.KindWebIdentity || k == chain.KindSSO || k == chain.KindLogin
}

// StaleAnswerError reports credentials that had expired when they arrived,
// or (Future) that claim to last longer than any AWS session.
type StaleAnswerError struct {
	Profile    string
	Expiration time.Time
	Future     bool
}

func (e *StaleAnswerError) Error() string {
	if e.Future {
		return fmt.Sprintf("the new credentials of profile %q claim to last until %s, longer than any AWS session (36 h)",
			e.Profile, e.Expiration.UTC().Format("2006-01-02 15:04 MST"))
	}
	return fmt.Sprintf("the new credentials of profile %q had already expired when they arrived (at %s)",
		e.Profile, e.Expiration.UTC().Format("2006-01-02 15:04 MST"))
}

// Hint implements Hinter.
func (e *StaleAnswerError) Hint() string {
	return "check this computer's clock (it must be right within minutes) and that AWS_ENDPOINT_URL(_<SERVICE>) points to AWS"
}
