// Package awssdk owns what the packages that call AWS (creds, sso) share
// about the AWS SDK for Go: an aws.Config built from the SDK's own
// environment reader and nothing else, the time bound of every network
// operation, and a debug log that never writes a secret.
package awssdk

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/assume-cli/assume/internal/term"
)

// DefaultTimeout bounds one network operation, retries included, when
// neither the caller nor ASSUME_HTTP_TIMEOUT says otherwise.
const DefaultTimeout = 10 * time.Second

// Timeout is explicit when positive, else ASSUME_HTTP_TIMEOUT, else
// DefaultTimeout.
func Timeout(explicit time.Duration, getenv func(string) string) (time.Duration, error) {
	if explicit > 0 {
		return explicit, nil
	}
	if s := getenv("ASSUME_HTTP_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return 0, fmt.Errorf("ASSUME_HTTP_TIMEOUT=%q is not a positive duration such as 2s", s)
		}
		return d, nil
	}
	return DefaultTimeout, nil
}

// HTTPClient sends HTTP requests; *http.Client satisfies it.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options shape Config.
type Options struct {
	Timeout      time.Duration // connect and request timeout of the HTTP client
	HTTPClient   HTTPClient    // replaces the built client (tests)
	MaxAttempts  int           // when AWS_MAX_ATTEMPTS is unset
	RetryBackoff func(attempt int) time.Duration
}

// Config builds an aws.Config from the SDK's environment parser
// (config.NewEnvConfig): AWS_ENDPOINT_URL(_<SERVICE>) and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS,
// AWS_RETRY_MODE, AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
// AWS_SDK_UA_APP_ID; proxies come from the HTTP transport. No shared config
// or credentials file is read: our own parser already did. Callers set
// Region and Credentials.
//
// config.LoadDefaultConfig cannot be used: with the shared files set to none
// it still fails ("failed to get shared config profile") as soon as
// AWS_PROFILE is set, which is the normal state of a shell using assume.
func Config(o Options) (aws.Config, error) {
	env, err := config.NewEnvConfig()
	if err != nil {
		return aws.Config{}, fmt.Errorf("reading the AWS environment variables: %w", err)
	}
	hc := o.HTTPClient
	if hc == nil {
		bc := awshttp.NewBuildableClient().
			WithTimeout(o.Timeout).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = o.Timeout })
		if env.CustomCABundle != "" {
			pool, err := loadCABundle(env.CustomCABundle)
			if err != nil {
				return aws.Config{}, err
			}
			bc = bc.WithTransportOptions(func(tr *http.Transport) {
				if tr.TLSClientConfig == nil {
					tr.TLSClientConfig = &tls.Config{}
				}
				tr.TLSClientConfig.RootCAs = pool
			})
		}
		hc = bc
	}
	hc = LimitBodies(hc, MaxResponseBytes)
	cfg := aws.Config{
		HTTPClient:       hc,
		ConfigSources:    []any{env},
		AppID:            env.AppID,
		RetryMaxAttempts: env.RetryMaxAttempts,
		RetryMode:        env.RetryMode,
	}
	if cfg.AppID == "" {
		cfg.AppID = "assume"
	}
	if env.BaseEndpoint != "" && (env.IgnoreConfiguredEndpoints == nil || !*env.IgnoreConfiguredEndpoints) {
		cfg.BaseEndpoint = aws.String(env.BaseEndpoint)
	}
	if cfg.RetryMaxAttempts == 0 { // AWS_MAX_ATTEMPTS unset
		cfg.RetryMaxAttempts = o.MaxAttempts
	}
	if backoff := o.RetryBackoff; backoff != nil && cfg.RetryMode != aws.RetryModeAdaptive {
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				if cfg.RetryMaxAttempts > 0 {
					so.MaxAttempts = cfg.RetryMaxAttempts
				}
				so.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
					return backoff(attempt), nil
				})
			})
		}
	}
	return cfg, nil
}

// loadCABundle reads AWS_CA_BUNDLE; like the SDK, the bundle replaces the
// system roots.
func loadCABundle(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading AWS_CA_BUNDLE: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("AWS_CA_BUNDLE %s holds no PEM certificate", path)
	}
	return pool, nil
}

// Debug writes trace lines prefixed "debug: <area>: ". Callers format only
// non-secret values; as a second line of defence every secret registered
// with Secret (keys, tokens, client secrets, MFA codes) is replaced by
// "<redacted>" before a line is written. A nil *Debug, or one without a
// writer, writes nothing.
type Debug struct {
	w       io.Writer
	prefix  string
	mu      sync.Mutex
	secrets []string
}

// NewDebug returns a Debug writing to w (nil: nowhere) for area.
func NewDebug(w io.Writer, area string) *Debug {
	return &Debug{w: w, prefix: "debug: " + area + ": "}
}

// Secret registers values that must never be written.
func (d *Debug) Secret(values ...string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, v := range values {
		if len(v) >= 4 {
			d.secrets = append(d.secrets, v)
		}
	}
}

// Printf writes one line.
func (d *Debug) Printf(format string, args ...any) {
	if d == nil || d.w == nil {
		return
	}
	line := fmt.Sprintf(format, args...)
	d.mu.Lock()
	line = Scrub(line, d.secrets)
	d.mu.Unlock()
	// One line, and nothing a remote answer holds (escape sequences, bidi
	// overrides) reaches the terminal raw.
	io.WriteString(d.w, d.prefix+term.Clean(strings.ReplaceAll(line, "\n", " "))+"\n")
}

// Scrub replaces every secret of 4 or more characters in s by "<redacted>".
func Scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "<redacted>")
		}
	}
	return s
}
