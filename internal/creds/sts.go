package creds

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/chain"
)

// configLoads counts SDK configs built, so tests can prove that a cache hit
// builds none.
var configLoads atomic.Int64

// sdk is the lazily built SDK configuration of one run.
type sdk struct {
	cfg     aws.Config
	timeout time.Duration
}

// noCredentials is the config-wide provider: every call sets its own
// credentials, so reaching this is a bug, never a silent fallback to the
// SDK's default chain.
type noCredentials struct{}

func (noCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("no credentials were given for this call")
}

// loadSDK builds the aws.Config from the environment only (see
// awssdk.Config); every call then sets its own credentials.
func loadSDK(ctx context.Context, o *Options) (*sdk, error) {
	timeout, err := o.timeout()
	if err != nil {
		return nil, err
	}
	configLoads.Add(1)
	cfg, err := awssdk.Config(awssdk.Options{Timeout: timeout, HTTPClient: o.HTTPClient,
		MaxAttempts: DefaultMaxAttempts, RetryBackoff: o.RetryBackoff})
	if err != nil {
		return nil, err
	}
	cfg.Region = o.Region
	cfg.Credentials = noCredentials{}
	return &sdk{cfg: cfg, timeout: timeout}, nil
}

// callRecord notes, per attempt, where a call went and how it failed, so a
// final error can name the endpoint and the last AWS error code even when
// the SDK reports only a timeout.
type callRecord struct {
	attempts   int
	endpoint   string
	lastCode   string
	lastStatus int
}

func (rec *callRecord) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("assumeCallRecord",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			rec.attempts++
			if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
				rec.endpoint = (&url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: req.URL.Path}).String()
			}
			out, md, err := next.HandleFinalize(ctx, in)
			rec.lastCode, rec.lastStatus = "", 0
			var ae smithy.APIError
			if errors.As(err, &ae) {
				rec.lastCode = ae.ErrorCode()
			}
			var re *awshttp.ResponseError
			if errors.As(err, &re) {
				rec.lastStatus = re.HTTPStatusCode()
			}
			return out, md, err
		}), middleware.After)
}

// stsClient returns an STS client signing with c (anonymous when nil).
func (r *runner) stsClient(c *Credentials, rec *callRecord) *sts.Client {
	return sts.NewFromConfig(r.sdk.cfg, func(o *sts.Options) {
		if c == nil {
			o.Credentials = aws.AnonymousCredentials{}
		} else {
			o.Credentials = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
		}
		if r.opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(r.opts.Endpoint)
		}
		o.APIOptions = append(o.APIOptions, rec.middleware)
	})
}

// errContext says who was calling what, for turning SDK errors into ours.
type errContext struct {
	op            string
	profile       string // the profile of the step being run
	callerProfile string // the profile whose credentials signed the call
	callerKeyID   string
	caller        string // the caller's ARN, or a description of its keys
	callerWhere   string // where the caller's keys came from (file:line)
	role          string
	expiredWhat   string // what ExpiredToken refers to
}

// classify turns an SDK error into one of ours.
func (r *runner) classify(err error, rec *callRecord, ec errContext, parent context.Context) error {
	if err == nil {
		return nil
	}
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("%s for profile %q: %w", ec.op, ec.profile, perr)
	}
	endpoint := rec.endpoint
	if endpoint == "" {
		endpoint = "STS in " + r.sdk.cfg.Region
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return classifyAPI(ae, err, rec, ec, endpoint)
	}
	if awssdk.IsTimeout(err) {
		if _, ok := retry.DefaultThrottleErrorCodes[rec.lastCode]; ok {
			return &ThrottledError{Op: ec.op, Endpoint: endpoint, Attempts: rec.attempts}
		}
		if rec.lastCode != "" || rec.lastStatus >= 500 {
			return &APIError{Op: ec.op, Profile: ec.profile, Code: nonEmpty(rec.lastCode, "error"), Status: rec.lastStatus,
				Message: "still failing when the time ran out", Attempts: rec.attempts}
		}
		return &NetworkError{Service: "STS", Endpoint: endpoint, Timeout: r.sdk.timeout, Err: err}
	}
	if awssdk.IsTransport(err) {
		return &NetworkError{Service: "STS", Endpoint: endpoint, Reason: awssdk.NetReason(err), Err: err}
	}
	return fmt.Errorf("%s for profile %q: %w", ec.op, ec.profile, err)
}

func classifyAPI(ae smithy.APIError, err error, rec *callRecord, ec errContext, endpoint string) error {
	code, msg := ae.ErrorCode(), oneLine(ae.ErrorMessage())
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	switch {
	case code == "AccessDenied" && ec.role != "":
		return &AccessDeniedError{Profile: ec.profile, Role: ec.role, Caller: ec.caller, Op: ec.op}
	case code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch" || code == "UnrecognizedClientException" || code == "IncompleteSignature":
		return &InvalidCredentialsError{
			Profile:     ec.callerProfile,
			AccessKeyID: ec.callerKeyID,
			Code:        code,
			Where:       ec.callerWhere,
			ClockSkew:   strings.Contains(msg, "Signature expired") || strings.Contains(msg, "Signature not yet current"),
		}
	case code == "ExpiredToken" || code == "ExpiredTokenException":
		what := ec.expiredWhat
		if what == "" {
			what = "session credentials"
		}
		return &ExpiredCredentialsError{Profile: ec.callerProfile, What: what, Where: ec.callerWhere}
	}
	if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
		return &ThrottledError{Op: ec.op, Endpoint: endpoint, Attempts: rec.attempts}
	}
	return &APIError{Op: ec.op, Profile: ec.profile, Code: code, Message: msg, Status: status, Attempts: rec.attempts}
}

// oneLine flattens and bounds a service message.
func oneLine(s string) string {
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), ".")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// callerIdentity runs sts:GetCallerIdentity with c.
func (r *runner) callerIdentity(c *Credentials, ec errContext) (arn, account, userID string, err error) {
	if err := r.ensureSDK(); err != nil {
		return "", "", "", err
	}
	ec.op = "GetCallerIdentity"
	rec := &callRecord{}
	ctx, cancel := context.WithTimeout(r.ctx, r.sdk.timeout)
	defer cancel()
	out, err := r.stsClient(c, rec).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", "", "", r.classify(err, rec, ec, r.ctx)
	}
	r.dbg.Printf("GetCallerIdentity via %s: %s (%d attempt(s))", rec.endpoint, aws.ToString(out.Arn), rec.attempts)
	return aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId), nil
}

// CallerIdentity asks STS who the credentials c belong to (like `aws sts
// get-caller-identity`), with the same endpoint, timeout and retry rules as
// Get.
func CallerIdentity(ctx context.Context, c Credentials, opts Options) (arn, account, userID string, err error) {
	opts.fill()
	r := newRunner(ctx, &chain.Plan{}, opts, newDebug(opts.Debug))
	r.dbg.Secret(c.SecretAccessKey, c.SessionToken)
	return r.callerIdentity(&c, errContext{profile: "", callerProfile: "", callerKeyID: c.AccessKeyID, caller: c.AccessKeyID})
}
