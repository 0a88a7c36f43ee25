package login

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/logincreds"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	signintypes "github.com/aws/aws-sdk-go-v2/service/signin/types"
	"github.com/aws/smithy-go"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/flock"
	"github.com/assume-cli/assume/internal/sso"
)

// RefreshMargin: credentials with less left than this are refreshed first
// (botocore's margin; the Go SDK waits for the expiry itself).
const RefreshMargin = 5 * time.Minute

// Options configure a Client. The zero value works.
type Options struct {
	Getenv  func(string) string // default os.Getenv
	Now     func() time.Time    // default time.Now
	Timeout time.Duration       // bounds each network operation; 0: awssdk's default via ASSUME_HTTP_TIMEOUT
	// CacheDir replaces $AWS_LOGIN_CACHE_DIRECTORY / ~/.aws/login/cache.
	CacheDir string
	// LockDir holds the refresh locks; empty means the cache folder, where
	// every process finds the same lock whatever its own settings.
	LockDir string
	// LockTimeout bounds the wait for another process's refresh; 0: 30 s.
	LockTimeout  time.Duration
	HTTPClient   awssdk.HTTPClient
	RetryBackoff func(attempt int) time.Duration
	// Debug receives a trace without secrets.
	Debug io.Writer
	// Endpoint replaces the sign-in endpoint (else the SDK's, which honours
	// AWS_ENDPOINT_URL_SIGNIN).
	Endpoint string
}

// Client reads, refreshes and writes login sessions.
type Client struct {
	o   Options
	dbg *awssdk.Debug
}

// New returns a Client.
func New(o Options) (*Client, error) {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CacheDir == "" {
		if d := o.Getenv("AWS_LOGIN_CACHE_DIRECTORY"); d != "" {
			o.CacheDir = d
		} else {
			ssoDir, err := sso.DefaultCacheDir(o.Getenv)
			if err != nil {
				return nil, errors.New("cannot find the home folder for ~/.aws/login/cache")
			}
			o.CacheDir = filepath.Join(filepath.Dir(filepath.Dir(ssoDir)), "login", "cache")
		}
	}
	if o.LockTimeout == 0 {
		o.LockTimeout = 30 * time.Second
	}
	if o.Timeout == 0 {
		t, err := awssdk.Timeout(0, o.Getenv)
		if err != nil {
			return nil, err
		}
		o.Timeout = t
	}
	return &Client{o: o, dbg: awssdk.NewDebug(o.Debug, "login")}, nil
}

// Path is the cache file of a login_session.
func (c *Client) Path(session string) string { return filepath.Join(c.o.CacheDir, FileName(session)) }

// CacheDir is the folder of the cache files.
func (c *Client) CacheDir() string { return c.o.CacheDir }

// Session names a login session of a profile.
type Session struct {
	ARN     string // login_session
	Profile string // for the hint
	Region  string // of the sign-in endpoint
}

// Load reads a session's cache file; a missing one is *LoginRequiredError.
func (c *Client) Load(s Session) (*Token, error) {
	t, _, err := c.load(s)
	return t, err
}

// load also returns when the file was last written.
func (c *Client) load(s Session) (*Token, time.Time, error) {
	t, err := c.read(s)
	if err != nil {
		return nil, time.Time{}, err
	}
	var written time.Time
	if fi, err := os.Stat(c.Path(s.ARN)); err == nil {
		written = fi.ModTime()
	}
	return t, written, nil
}

func (c *Client) read(s Session) (*Token, error) {
	data, _, err := atomicfile.Read(c.Path(s.ARN), maxCacheFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &LoginRequiredError{Profile: s.Profile, Session: s.ARN, Reason: "not signed in"}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the aws login cache: %w", err)
	}
	t, err := ParseFile(data)
	if err != nil {
		return nil, &CacheFileError{Path: c.Path(s.ARN), Profile: s.Profile, Problem: err.Error()}
	}
	c.dbg.Secret(t.SecretAccessKey, t.SessionToken, t.RefreshToken, t.IDToken)
	return t, nil
}

// Save writes a token atomically (0600, private folder), keeping the
// members it does not know.
func (c *Client) Save(s Session, t *Token) error {
	data, err := t.Marshal()
	if err != nil {
		return err
	}
	if err := atomicfile.PrivateDir(c.o.CacheDir); err != nil {
		return err
	}
	return atomicfile.Write(c.Path(s.ARN), data, atomicfile.Options{Perm: 0o600})
}

// Credentials returns the session's credentials with at least
// RefreshMargin left (unless the session itself ends sooner): from the
// cache file through the SDK's login provider, after a refresh when they
// are about to expire. Refreshes are single-flight across processes: the
// refresh token rotates on every use, so two refreshers would end the
// session.
func (c *Client) Credentials(ctx context.Context, s Session, force bool) (aws.Credentials, error) {
	t, written, err := c.load(s)
	if err != nil {
		return aws.Credentials{}, err
	}
	if !force && !c.due(t, written) {
		return c.fromSDK(ctx, s)
	}
	release, err := c.lock(ctx, s)
	if err != nil {
		return aws.Credentials{}, err
	}
	defer release()
	// Another process may have refreshed while we waited.
	if t2, written, err := c.load(s); err != nil {
		return aws.Credentials{}, err
	} else if t2.RefreshToken != t.RefreshToken || !force && !c.due(t2, written) {
		c.dbg.Printf("the session was refreshed by another process")
		return c.fromSDK(ctx, s)
	}
	if err := c.refresh(ctx, s, t); err != nil {
		return aws.Credentials{}, err
	}
	return c.fromSDK(ctx, s)
}

// due reports whether a token needs a refresh: less than RefreshMargin
// left, or, for credentials shorter-lived than three margins, less than a
// third of their life (since the file was written) — so that a refresh is
// never followed at once by another one.
func (c *Client) due(t *Token, written time.Time) bool {
	margin := RefreshMargin
	if !written.IsZero() && t.ExpiresAt.After(written) {
		margin = min(margin, t.ExpiresAt.Sub(written)/3)
	}
	return t.ExpiresAt.Sub(c.o.Now()) <= margin
}

// fromSDK reads the credentials with the SDK's own provider
// (credentials/logincreds). It is given a token client that refuses, so it
// can never refresh (and rewrite the file non-atomically, dropping
// members) itself: that is refresh's job.
func (c *Client) fromSDK(ctx context.Context, s Session) (aws.Credentials, error) {
	p := logincreds.New(refuseRefresh{}, c.Path(s.ARN), func(o *logincreds.Options) { o.RestrictPermissions = true })
	creds, err := p.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, &CacheFileError{Path: c.Path(s.ARN), Profile: s.Profile, Problem: oneLine(err.Error())}
	}
	return creds, nil
}

type refuseRefresh struct{}

func (refuseRefresh) CreateOAuth2Token(context.Context, *signin.CreateOAuth2TokenInput, ...func(*signin.Options)) (*signin.CreateOAuth2TokenOutput, error) {
	return nil, errors.New("the credentials had expired before they could be read")
}

// lock takes the refresh lock of a session.
func (c *Client) lock(ctx context.Context, s Session) (func(), error) {
	dir := c.o.LockDir
	if dir == "" {
		dir = c.o.CacheDir
	}
	sum := sha256.Sum256([]byte("assume-login-lock-v1;" + FileName(s.ARN)))
	path := filepath.Join(dir, "."+hex.EncodeToString(sum[:12])+".assume-lock")
	lctx, cancel := context.WithTimeout(ctx, c.o.LockTimeout)
	defer cancel()
	u, err := flock.Lock(lctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("waiting for another process refreshing the aws login session of profile %q: %w", s.Profile, err)
	}
	return func() { _ = u.Unlock() }, nil
}

// client is the SDK's signin client for a region.
func (c *Client) client(region string) (*signin.Client, error) {
	cfg, err := awssdk.Config(awssdk.Options{Timeout: c.o.Timeout, HTTPClient: c.o.HTTPClient, MaxAttempts: 3, RetryBackoff: c.o.RetryBackoff})
	if err != nil {
		return nil, err
	}
	if region == "" {
		region = "us-east-1"
	}
	cfg.Region = region
	cfg.Credentials = aws.AnonymousCredentials{}
	return signin.NewFromConfig(cfg, func(o *signin.Options) {
		if c.o.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.o.Endpoint)
		}
	}), nil
}

// refresh exchanges the refresh token for new credentials and a new refresh
// token and writes them back; the lock is held.
func (c *Client) refresh(ctx context.Context, s Session, t *Token) error {
	cl, err := c.client(s.Region)
	if err != nil {
		return err
	}
	cctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	c.dbg.Printf("refreshing the aws login session of profile %q", s.Profile)
	start := c.o.Now()
	out, err := cl.CreateOAuth2Token(cctx, &signin.CreateOAuth2TokenInput{TokenInput: &signintypes.CreateOAuth2TokenRequestBody{
		ClientId: aws.String(t.ClientID), GrantType: aws.String("refresh_token"), RefreshToken: aws.String(t.RefreshToken),
	}}, withDPoP(t.Key, c.o.Now))
	if err != nil {
		endpoint, _ := c.baseURL(ctx, cl, s.Region)
		return c.apiError(ctx, s, endpoint, err, t.RefreshToken)
	}
	if err := t.update(out.TokenOutput, start); err != nil {
		return err
	}
	c.dbg.Secret(t.SecretAccessKey, t.SessionToken, t.RefreshToken)
	return c.Save(s, t)
}

// update takes a CreateOAuth2Token answer.
func (t *Token) update(out *signintypes.CreateOAuth2TokenResponseBody, start time.Time) error {
	if out == nil || out.AccessToken == nil || out.ExpiresIn == nil ||
		aws.ToString(out.AccessToken.AccessKeyId) == "" || aws.ToString(out.AccessToken.SecretAccessKey) == "" ||
		aws.ToString(out.AccessToken.SessionToken) == "" || aws.ToString(out.RefreshToken) == "" {
		return &APIError{Op: "CreateOAuth2Token", Code: "IncompleteAnswer", Message: "the answer lacks credentials or a refresh token"}
	}
	t.AccessKeyID = aws.ToString(out.AccessToken.AccessKeyId)
	t.SecretAccessKey = aws.ToString(out.AccessToken.SecretAccessKey)
	t.SessionToken = aws.ToString(out.AccessToken.SessionToken)
	t.RefreshToken = aws.ToString(out.RefreshToken)
	t.ExpiresAt = start.Add(time.Duration(*out.ExpiresIn) * time.Second).UTC().Truncate(time.Second)
	if id := aws.ToString(out.IdToken); id != "" {
		t.IDToken = id
	}
	if t.TokenType == "" {
		t.TokenType = aws.ToString(out.TokenType)
	}
	return nil
}

// apiError turns a signin error into ours: a session AWS no longer
// accepts asks for `assume login`.
func (c *Client) apiError(ctx context.Context, s Session, endpoint string, err error, secrets ...string) error {
	var ad *signintypes.AccessDeniedException
	if errors.As(err, &ad) {
		switch ad.Error_ {
		case signintypes.OAuth2ErrorCodeTokenExpired:
			return &LoginRequiredError{Profile: s.Profile, Session: s.ARN, Reason: "the session has ended"}
		case signintypes.OAuth2ErrorCodeUserCredentialsChanged:
			return &LoginRequiredError{Profile: s.Profile, Session: s.ARN, Reason: "the password changed since the sign-in"}
		case signintypes.OAuth2ErrorCodeAuthcodeExpired:
			return &LoginRequiredError{Profile: s.Profile, Session: s.ARN, Reason: "the sign-in took too long"}
		case signintypes.OAuth2ErrorCodeInsufficientPermissions:
			return &APIError{Op: "CreateOAuth2Token", Code: "AccessDeniedException", Message: "the user may not call signin:CreateOAuth2Token", auth: true}
		}
	}
	if tl, ok := awssdk.AsTooLarge(err); ok {
		return tl
	}
	if re := (*awshttp.ResponseError)(nil); errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		// A server error storm that outlasted the retries, whatever its body.
		return &APIError{Op: "CreateOAuth2Token", Code: fmt.Sprintf("HTTP %d", re.HTTPStatusCode()), Message: "still failing after the retries"}
	}
	if re := (*awshttp.ResponseError)(nil); errors.As(err, &re) && re.HTTPStatusCode() == 429 {
		return &APIError{Op: "CreateOAuth2Token", Code: "HTTP 429", Message: "AWS kept throttling the refresh", throttled: true}
	}
	if m, ok := awssdk.AsMalformed(err); ok {
		return m // a captive portal's page, a truncated answer
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return &APIError{Op: "CreateOAuth2Token", Code: ae.ErrorCode(), Message: awssdk.Scrub(oneLine(ae.ErrorMessage()), secrets)}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	ne := &NetworkError{Endpoint: endpoint}
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout() {
		ne.Timeout = c.o.Timeout
		return ne
	}
	ne.Reason = "the connection failed"
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		ne.Reason = awssdk.Scrub(oneLine(oe.Err.Error()), secrets)
	}
	return ne
}

// Logout removes a session's cache file, as `aws logout` does; removed is
// false when there was none.
func (c *Client) Logout(s Session) (removed bool, err error) {
	err = os.Remove(c.Path(s.ARN))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
