package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/console"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/term"
)

// SigninError is a refusal of the federation endpoint. AWS answers it
// without a reason, so the hint lists the usual causes.
type SigninError struct {
	Status    int
	Endpoint  string
	Federated bool
	Duration  time.Duration
}

func (e *SigninError) Error() string {
	return fmt.Sprintf("the AWS sign-in endpoint %s refused the credentials (HTTP %d)", e.Endpoint, e.Status)
}

// Hint implements creds.Hinter.
func (e *SigninError) Hint() string {
	switch {
	case e.Duration != 0:
		return "role-chained credentials cannot carry a console session longer than 1h: try without --duration, or -d 1h"
	case e.Federated:
		return "the federation session could not sign in: check that the IAM user may call sts:GetFederationToken"
	}
	return "the credentials may have expired or come from GetSessionToken, which cannot sign in: run again with --refresh"
}

// signinTrouble is a failure of the federation endpoint that is not about
// the credentials (throttling, a server error).
type signinTrouble struct{ msg, hint string }

func (e *signinTrouble) Error() string { return e.msg }

// Hint implements creds.Hinter.
func (e *signinTrouble) Hint() string { return e.hint }

// signinNetError is a NetworkError of the sign-in endpoint, whose hint is
// about the sign-in host rather than STS's settings.
type signinNetError struct{ *creds.NetworkError }

func signinNet(e *creds.NetworkError) error { return &signinNetError{e} }

func (e *signinNetError) Unwrap() error { return e.NetworkError }

// Hint implements creds.Hinter.
func (e *signinNetError) Hint() string {
	h := "check the network and HTTPS_PROXY/NO_PROXY: the console sign-in goes to the AWS sign-in host of the region's partition (signin.aws.amazon.com, signin.amazonaws-us-gov.com, signin.amazonaws.cn)"
	if e.Timeout > 0 {
		h += "; ASSUME_HTTP_TIMEOUT gives it more time"
	}
	return h
}

// consoleSignin turns the request's credentials into a console login URL:
// long-term keys first become a federation session, then the federation
// endpoint exchanges the credentials for a sign-in token.
func consoleSignin(ctx context.Context, s *term.Streams, req *awsproc.ConsoleRequest) (*awsproc.ConsoleResponse, error) {
	cr, c := req, req.Credentials
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return nil, errors.New("console request without credentials")
	}
	opts := options(ctx, s, call{Region: req.Region, Debug: req.Debug})
	sc := creds.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}
	out := &awsproc.ConsoleResponse{Expires: c.Expiration}
	duration := cr.SessionDuration
	if sc.SessionToken == "" {
		fd := duration
		if fd != 0 && (fd < creds.MinFederationDuration || fd > creds.MaxFederationDuration) {
			return nil, withExit(exitcode.Usage, fmt.Errorf("a console session for access keys lasts 15m to 36h, not %s", fd))
		}
		fc, err := creds.FederationToken(ctx, sc, cr.FederationName, fd, opts)
		if err != nil {
			return nil, err
		}
		sc, out.Federated, out.Expires, duration = fc, true, fc.Expiration, 0
	} else if duration != 0 {
		out.Expires = time.Now().Add(duration)
	}
	p, ok := console.PartitionByID(cr.Partition)
	if !ok {
		p = console.AWS
	}
	endpoint, err := console.SigninEndpoint(p, s.Getenv)
	if err != nil {
		return nil, withExit(exitcode.Config, &signinTrouble{err.Error(),
			"unset " + console.SigninEndpointEnv + " to sign in at AWS's own sign-in host; it is only for tests and mirrors"})
	}
	tokenURL, err := console.SigninTokenURL(endpoint, console.Credentials{
		AccessKeyID: sc.AccessKeyID, SecretAccessKey: sc.SecretAccessKey, SessionToken: sc.SessionToken,
	}, duration, out.Federated)
	if err != nil {
		return nil, withExit(exitcode.Usage, err)
	}
	token, err := fetchSigninToken(ctx, s, endpoint, tokenURL)
	if err != nil {
		var se *SigninError
		if errors.As(err, &se) {
			se.Federated, se.Duration = out.Federated, duration
		}
		return nil, err
	}
	out.URL = console.LoginURL(endpoint, "", cr.Destination, token)
	return out, nil
}

// fetchSigninToken calls getSigninToken through the SDK's HTTP client (so
// proxies and AWS_CA_BUNDLE apply). tokenURL holds secrets: it is never
// printed, and errors name only the endpoint.
func fetchSigninToken(ctx context.Context, s *term.Streams, endpoint, tokenURL string) (string, error) {
	timeout, err := awssdk.Timeout(0, s.Getenv)
	if err != nil {
		return "", withExit(exitcode.Config, err)
	}
	cfg, err := awssdk.Config(awssdk.Options{Timeout: timeout})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, tokenURL, nil)
	if err != nil {
		return "", fmt.Errorf("sign-in endpoint %s: %v", endpoint, redactURLError(err))
	}
	resp, err := cfg.HTTPClient.Do(hreq)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return "", signinNet(&creds.NetworkError{Service: "the AWS sign-in endpoint", Endpoint: endpoint, Timeout: timeout, Err: errors.New("timeout")})
		}
		return "", signinNet(creds.Unreachable("the AWS sign-in endpoint", endpoint, err))
	}
	defer resp.Body.Close()
	// A sign-in token answer is about 1 KiB: 64 KiB is generous.
	const maxAnswer = 64 << 10
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if _, ok := awssdk.AsTooLarge(err); ok || len(body) > maxAnswer {
		return "", &awssdk.ResponseTooLargeError{Host: endpoint, Limit: maxAnswer}
	}
	var te interface{ Timeout() bool }
	if err != nil && (ctx.Err() == context.DeadlineExceeded || errors.As(err, &te) && te.Timeout()) {
		return "", signinNet(&creds.NetworkError{Service: "the AWS sign-in endpoint", Endpoint: endpoint, Timeout: timeout, Err: errors.New("timeout")})
	}
	if err != nil {
		return "", signinNet(&creds.NetworkError{Service: "the AWS sign-in endpoint", Endpoint: endpoint, Reason: "the answer was cut off", Err: errors.New("short read")})
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return "", withExit(exitcode.Network, &signinTrouble{fmt.Sprintf("the AWS sign-in endpoint %s is throttling (HTTP 429)", endpoint),
			"too many sign-ins right now; wait a little and try again"})
	case resp.StatusCode >= 500:
		return "", &signinTrouble{fmt.Sprintf("the AWS sign-in endpoint %s failed (HTTP %d)", endpoint, resp.StatusCode),
			"AWS had an internal error; try again later"}
	case resp.StatusCode != http.StatusOK:
		return "", withExit(exitcode.Auth, &SigninError{Status: resp.StatusCode, Endpoint: endpoint})
	}
	token, err := console.ParseSigninTokenResponse(body)
	if err != nil {
		// Not the endpoint's JSON: a captive portal, a proxy's page.
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return "", &awssdk.MalformedAnswerError{Host: endpoint, Status: resp.StatusCode, ContentType: mt}
	}
	return token, nil
}

// redactURLError drops the URL (which holds the secret key) from an error
// of net/http or net/url: NewRequest's errors quote it.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
