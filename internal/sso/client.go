package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awssso "github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/vault"
)

// Defaults used when the matching Options field is zero.
const (
	// DefaultTimeout bounds one network call, its retries included.
	DefaultTimeout = awssdk.DefaultTimeout
	// RefreshWindow is how long before expiry Token refreshes a token.
	RefreshWindow = 5 * time.Minute
	// MinValidity is the least remaining life of a token Token returns
	// without being able to refresh it.
	MinValidity = time.Minute
	// registrationMargin: a cached client registration is renewed this long
	// before it expires (as the AWS CLI does).
	registrationMargin = 15 * time.Minute
	defaultMaxAttempts = 3
)

// HTTPClient sends HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a Client. The zero value works.
type Options struct {
	// CacheDir is the token cache folder; default DefaultCacheDir. Unused
	// when Keychain is set.
	CacheDir string
	// Keychain, when not nil, holds the tokens and client registrations
	// instead of CacheDir (the setting sso_cache = keychain): one item per
	// AWS CLI cache file, named like the file ("<sha1>.json") and holding
	// the same JSON. Nothing is read from or written to CacheDir then.
	Keychain vault.Store
	// LockDir is the folder of the session lock files when Keychain is
	// set; default DefaultLockDir. Without Keychain the locks stay in
	// CacheDir, next to the token files, and LockDir is unused.
	LockDir string
	// Getenv reads the environment for our own lookups (HOME,
	// ASSUME_HTTP_TIMEOUT, the browser checks); default os.Getenv. The SDK
	// reads the process environment itself.
	Getenv func(string) string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// HTTPClient replaces the SDK's HTTP client (tests).
	HTTPClient HTTPClient
	// Timeout bounds each network call including retries; zero means
	// ASSUME_HTTP_TIMEOUT, else DefaultTimeout.
	Timeout time.Duration
	// OIDCEndpoint and PortalEndpoint override the endpoints (tests, the
	// emulator). Empty leaves them to the SDK, which honours
	// AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL.
	OIDCEndpoint   string
	PortalEndpoint string
	// RetryBackoff replaces the SDK's retry delay (tests make it fast).
	RetryBackoff func(attempt int) time.Duration
	// Debug receives a trace without secrets; nil for none.
	Debug io.Writer
}

// Client runs logins and portal calls. It is safe for concurrent use.
type Client struct {
	opts  Options
	dbg   *debugLog
	cache cache // tokens and client registrations
	locks store // the folder of the session locks

	once    sync.Once
	cfg     aws.Config
	timeout time.Duration
	cfgErr  error
}

// New returns a Client. Nothing is read or built until a method needs it.
func New(opts Options) (*Client, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &Client{opts: opts, dbg: newDebug(opts.Debug)}
	if opts.Keychain != nil {
		if c.opts.LockDir == "" {
			dir, err := DefaultLockDir(opts.Getenv)
			if err != nil {
				return nil, err
			}
			c.opts.LockDir = dir
		}
		c.cache, c.locks = keychainCache{st: opts.Keychain}, store{dir: c.opts.LockDir}
		return c, nil
	}
	if opts.CacheDir == "" {
		dir, err := DefaultCacheDir(opts.Getenv)
		if err != nil {
			return nil, err
		}
		c.opts.CacheDir = dir
	}
	c.cache, c.locks = store{dir: c.opts.CacheDir}, store{dir: c.opts.CacheDir}
	return c, nil
}

// CacheDir is the token cache folder in use; "" when the tokens are in the
// keychain.
func (c *Client) CacheDir() string {
	if c.opts.Keychain != nil {
		return ""
	}
	return c.opts.CacheDir
}

func (c *Client) now() time.Time { return c.opts.Now() }

// sdk builds the aws.Config once, from the SDK's environment reader only (no
// shared config files: the session already says what they hold).
func (c *Client) sdk() (aws.Config, time.Duration, error) {
	c.once.Do(func() { c.cfg, c.timeout, c.cfgErr = c.loadSDK() })
	return c.cfg, c.timeout, c.cfgErr
}

func (c *Client) loadSDK() (aws.Config, time.Duration, error) {
	timeout, err := awssdk.Timeout(c.opts.Timeout, c.opts.Getenv)
	if err != nil {
		return aws.Config{}, 0, err
	}
	cfg, err := awssdk.Config(awssdk.Options{Timeout: timeout, HTTPClient: c.opts.HTTPClient,
		MaxAttempts: defaultMaxAttempts, RetryBackoff: c.opts.RetryBackoff})
	if err != nil {
		return aws.Config{}, 0, err
	}
	cfg.Credentials = aws.AnonymousCredentials{} // every SSO and OIDC call is unsigned
	return cfg, timeout, nil
}

// callRecord notes where each attempt went and how it failed, so errors can
// name the endpoint and the last error code even after a timeout.
type callRecord struct {
	mu         sync.Mutex
	attempts   int
	endpoint   string
	lastCode   string
	lastStatus int
}

func (rec *callRecord) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("assumeSSOCallRecord",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			rec.mu.Lock()
			rec.attempts++
			if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
				rec.endpoint = (&url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host}).String()
			}
			rec.mu.Unlock()
			out, md, err := next.HandleFinalize(ctx, in)
			code, status := "", 0
			var ae smithy.APIError
			if errors.As(err, &ae) {
				code = ae.ErrorCode()
			}
			var re *awshttp.ResponseError
			if errors.As(err, &re) {
				status = re.HTTPStatusCode()
			}
			rec.mu.Lock()
			rec.lastCode, rec.lastStatus = code, status
			rec.mu.Unlock()
			return out, md, err
		}), middleware.After)
}

// call describes one network call for turning its error into ours.
type call struct {
	op      string // "CreateToken"
	service string // for NetworkError
	region  string
	rec     *callRecord
	secrets []string // values to scrub from service messages
}

func (c *Client) oidc(region string, rec *callRecord) (*ssooidc.Client, error) {
	cfg, _, err := c.sdk()
	if err != nil {
		return nil, err
	}
	return ssooidc.NewFromConfig(cfg, func(o *ssooidc.Options) {
		o.Region = region
		if c.opts.OIDCEndpoint != "" {
			o.BaseEndpoint = aws.String(c.opts.OIDCEndpoint)
		}
		if rec != nil {
			o.APIOptions = append(o.APIOptions, rec.middleware)
		}
	}), nil
}

func (c *Client) portal(region string, rec *callRecord) (*awssso.Client, error) {
	cfg, _, err := c.sdk()
	if err != nil {
		return nil, err
	}
	return awssso.NewFromConfig(cfg, func(o *awssso.Options) {
		o.Region = region
		if c.opts.PortalEndpoint != "" {
			o.BaseEndpoint = aws.String(c.opts.PortalEndpoint)
		}
		if rec != nil {
			o.APIOptions = append(o.APIOptions, rec.middleware)
		}
	}), nil
}

// oidcBase is the OIDC endpoint of region as the SDK resolves it (for the
// browser's /authorize URL, which is not an API call).
func (c *Client) oidcBase(ctx context.Context, region string) (string, error) {
	cl, err := c.oidc(region, nil)
	if err != nil {
		return "", err
	}
	o := cl.Options()
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, ssooidc.EndpointParameters{
		Region:       aws.String(region),
		Endpoint:     o.BaseEndpoint,
		UseFIPS:      aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack: aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
	})
	if err != nil {
		return "", fmt.Errorf("resolving the IAM Identity Center OIDC endpoint for %s: %w", region, err)
	}
	return strings.TrimRight(ep.URI.String(), "/"), nil
}

// withTimeout bounds one call.
func (c *Client) withTimeout(ctx context.Context) (context.Context, context.CancelFunc, error) {
	_, timeout, err := c.sdk()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, nil
}

// startCall prepares one call: the client newClient (c.oidc or c.portal)
// makes for region, recording the call in rec, and ctx bounded by the
// client's timeout; cancel it when the call is done.
func startCall[T any](ctx context.Context, c *Client, region string, newClient func(string, *callRecord) (T, error)) (cl T, rec *callRecord, cctx context.Context, cancel context.CancelFunc, err error) {
	rec = &callRecord{}
	if cl, err = newClient(region, rec); err != nil {
		return cl, nil, nil, nil, err
	}
	if cctx, cancel, err = c.withTimeout(ctx); err != nil {
		return cl, nil, nil, nil, err
	}
	return cl, rec, cctx, cancel, nil
}

// apiCode returns the AWS error code of err, or "".
func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// apiMessage returns the service's message of err, one line, scrubbed. The
// OIDC service puts its text in error_description (the SDK's
// Error_description field) rather than message.
func apiMessage(err error, secrets []string) string {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return ""
	}
	msg := ae.ErrorMessage()
	if msg == "" {
		if v := reflect.ValueOf(ae); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Error_description"); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String {
				msg = f.Elem().String()
			}
		}
	}
	return awssdk.Scrub(oneLine(msg), secrets)
}

// classify turns an SDK error that the operation did not handle itself
// into one of ours. parent is the caller's context: its cancellation is
// returned as such (Ctrl-C), not as a timeout.
func (c *Client) classify(parent context.Context, err error, k call) error {
	if err == nil {
		return nil
	}
	if perr := parent.Err(); perr != nil {
		return perr
	}
	k.rec.mu.Lock()
	endpoint, attempts, lastCode, lastStatus := k.rec.endpoint, k.rec.attempts, k.rec.lastCode, k.rec.lastStatus
	k.rec.mu.Unlock()
	if endpoint == "" {
		endpoint = k.service + " in " + k.region
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		status := 0
		var re *awshttp.ResponseError
		if errors.As(err, &re) {
			status = re.HTTPStatusCode()
		}
		if _, ok := retry.DefaultThrottleErrorCodes[code]; ok || code == "TooManyRequestsException" {
			return &ThrottledError{Op: k.op, Attempts: attempts}
		}
		return &APIError{Op: k.op, Code: code, Message: apiMessage(err, k.secrets), Status: status}
	}
	if awssdk.IsTimeout(err) {
		if _, ok := retry.DefaultThrottleErrorCodes[lastCode]; ok || lastCode == "TooManyRequestsException" || lastStatus == http.StatusTooManyRequests {
			// Throttled until the time ran out: the throttling is the news.
			return &ThrottledError{Op: k.op, Attempts: attempts}
		}
		if lastCode != "" || lastStatus >= 500 {
			code := lastCode
			if code == "" {
				code = fmt.Sprintf("HTTP %d", lastStatus)
			}
			return &APIError{Op: k.op, Code: code, Status: lastStatus, Message: "still failing when the time ran out"}
		}
		_, timeout, _ := c.sdk()
		return &NetworkError{Service: k.service, Endpoint: endpoint, Region: k.region, Timeout: timeout, Err: err}
	}
	if re := (*awshttp.ResponseError)(nil); errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		// A server error whose body is not AWS's JSON (a proxy's page).
		return &APIError{Op: k.op, Code: fmt.Sprintf("HTTP %d", re.HTTPStatusCode()), Status: re.HTTPStatusCode(),
			Message: fmt.Sprintf("after %d attempts", max(attempts, 1))}
	}
	if m, ok := awssdk.AsMalformed(err); ok {
		return m
	}
	if awssdk.IsTransport(err) {
		return &NetworkError{Service: k.service, Endpoint: endpoint, Region: k.region, Reason: awssdk.NetReason(err),
			DNS: awssdk.IsDNS(err), Err: err}
	}
	return fmt.Errorf("%s: %w", k.op, err)
}

// debugLog is the client's trace; every secret it has seen is redacted.
type debugLog = awssdk.Debug

func newDebug(w io.Writer) *debugLog { return awssdk.NewDebug(w, "sso") }
