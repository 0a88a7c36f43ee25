package credserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults used when the matching Options field is zero.
const (
	DefaultMargin         = 15 * time.Minute
	DefaultRetryInterval  = 5 * time.Second
	DefaultRefreshTimeout = 2 * time.Minute
)

// staticWindow is the Expiration served with credentials that do not expire
// (long-term keys): botocore requires the field, and an hour lets SDKs
// cache them without ever holding them for long.
const staticWindow = time.Hour

// Credentials are what a Provider returns and the server hands out.
// Printing them with %v shows only the access key id.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time // zero when they do not expire
	AccountID       string    // optional, served as AccountId
	RoleARN         string    // optional, served as RoleArn
}

// String implements fmt.Stringer without revealing secrets.
func (c Credentials) String() string {
	return "credentials " + c.AccessKeyID + " (secrets redacted)"
}

// GoString implements fmt.GoStringer without revealing secrets.
func (c Credentials) GoString() string { return c.String() }

// Provider returns fresh credentials. forceRefresh asks it to bypass any
// cache of its own: the server sets it when the provider's previous answer
// came back without a later expiration than the credentials it replaces.
// Its errors should be one line without secrets; the server also cuts them
// to one line and redacts the secrets it knows before serving them.
type Provider func(ctx context.Context, forceRefresh bool) (Credentials, error)

// Options configure a Server. The zero value works.
type Options struct {
	// Addr is the listen address, "host:port" with a loopback IP or
	// localhost as host; empty means DefaultAddr. Anything else is refused.
	Addr string
	// Margin is the most time left on the credentials at which they are
	// refreshed; the least is half their lifetime. Zero means
	// DefaultMargin.
	Margin time.Duration
	// RetryInterval is the least time between a failed refresh and the
	// next attempt, capped by a tenth of the credentials' lifetime. Zero
	// means DefaultRetryInterval.
	RetryInterval time.Duration
	// RefreshTimeout bounds one call of the Provider. Zero means
	// DefaultRefreshTimeout.
	RefreshTimeout time.Duration
	// Now is the clock; default time.Now. Background refreshes wait on real
	// timers, so a fake clock suits only tests that call the handler.
	Now func() time.Time
	// Debug receives a trace without secrets; nil for none.
	Debug io.Writer
}

// Server is a container-credentials endpoint. Create it with New, run it
// with Serve.
type Server struct {
	provider Provider
	opts     Options
	ln       net.Listener
	http     *http.Server
	path     string
	token    string
	url      string

	// ctx bounds refreshes; cancel ends them when the server stops.
	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{} // tells the background loop that the state changed

	mu       sync.Mutex
	serving  bool
	cur      Credentials
	have     bool
	obtained time.Time // when cur was received
	lastErr  error     // of the last refresh, nil after a success
	retryAt  time.Time // no new attempt before this after a failure
	flight   *flight   // the refresh under way
	dbgMu    sync.Mutex

	// dueWait bounds how long a request waits for a refresh while the
	// current credentials are still valid; then it gets those. Clients time
	// out (botocore after 2 s), and valid credentials beat an error.
	dueWait time.Duration
}

// flight is one call of the provider that any number of requests wait for.
type flight struct {
	done  chan struct{}
	creds Credentials
	err   error
}

// New checks opts, listens on the loopback address and returns the server,
// which answers once Serve runs. Credentials are fetched by Serve's
// background loop or by the first request, whichever comes first.
func New(provider Provider, opts Options) (*Server, error) {
	if provider == nil {
		return nil, errors.New("credentials server needs a provider")
	}
	ap, err := loopbackAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	if opts.Margin <= 0 {
		opts.Margin = DefaultMargin
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = DefaultRetryInterval
	}
	if opts.RefreshTimeout <= 0 {
		opts.RefreshTimeout = DefaultRefreshTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ln, err := net.Listen("tcp", ap.String())
	if err != nil {
		return nil, fmt.Errorf("starting credentials server: %w", err)
	}
	s := &Server{
		provider: provider,
		opts:     opts,
		ln:       ln,
		path:     "/" + randomHex(16),
		token:    randomHex(32),
		wake:     make(chan struct{}, 1),
		dueWait:  time.Second,
	}
	s.url = "http://" + ln.Addr().String() + s.path
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// A GET has no body: the whole request is read in that time.
		ReadTimeout:    15 * time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       log.New(s.debugWriter(), "credserver: http: ", 0),
	}
	return s, nil
}

// URL is the endpoint, http://127.0.0.1:PORT/<random path> by default.
func (s *Server) URL() string { return s.url }

// Token is the value clients must send as their Authorization header: 256
// random bits in hex.
func (s *Server) Token() string { return s.token }

// Names of the variables that point an SDK at the server.
const (
	EnvFullURI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	EnvToken   = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
)

// Env returns the two variables ("NAME=value") that point a child's SDK at
// the server. Adding them is not enough: the SDKs try the container
// provider only after the environment and the profile, so use ChildEnv, or
// remove the variables of ConflictingEnv yourself.
func (s *Server) Env() []string {
	return []string{EnvFullURI + "=" + s.url, EnvToken + "=" + s.token}
}

// ConflictingEnv lists the variables that make the SDKs find credentials
// before they reach the container provider, or point that provider
// elsewhere: static keys (botocore and the Go SDK read them first), the
// profile (AWS_PROFILE's role_arn, SSO or credential_process would win),
// web identity, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (preferred over
// FULL_URI) and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (preferred over the
// plain token).
//
// Credentials that the default profile of ~/.aws/config or
// ~/.aws/credentials holds still win over the server, as no variable
// selects them; a caller that must exclude them points
// AWS_SHARED_CREDENTIALS_FILE (and AWS_CONFIG_FILE) elsewhere.
func ConflictingEnv() []string {
	return []string{
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "AWS_CREDENTIAL_EXPIRATION",
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	}
}

// ChildEnv returns environ ("NAME=value" entries, as from os.Environ)
// without the variables of ConflictingEnv and with those of Env, for a
// child process that should get its credentials from the server. Names
// are compared case-insensitively, as Windows does.
func (s *Server) ChildEnv(environ []string) []string {
	drop := ConflictingEnv()
	out := make([]string, 0, len(environ)+2)
next:
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		for _, d := range drop {
			if strings.EqualFold(name, d) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return append(out, s.Env()...)
}

// Serve answers requests and refreshes credentials ahead of their expiry
// until ctx is done, then stops (giving requests under way 2 seconds) and
// returns nil. It returns an error if the server cannot serve, and may be
// called only once.
func (s *Server) Serve(ctx context.Context) error {
	s.mu.Lock()
	if s.serving {
		s.mu.Unlock()
		return errors.New("credentials server is already serving")
	}
	s.serving = true
	s.mu.Unlock()

	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		s.background()
	}()
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()

	var err error
	select {
	case <-ctx.Done():
		// Abort refreshes first, so that requests waiting for one answer
		// at once and the shutdown need not wait for them.
		s.cancel()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s.http.Shutdown(sctx)
		cancel()
		<-errc
	case err = <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.cancel()
	}
	<-loopDone
	if err != nil {
		return fmt.Errorf("credentials server: %w", err)
	}
	return nil
}

// Close stops the server at once, whether Serve runs or not.
func (s *Server) Close() error {
	s.cancel()
	err := s.http.Close()
	s.ln.Close()
	return err
}

// Credentials returns what a request would be served now, refreshing them
// first when they are due. Call it before Serve to fail fast (and to learn
// the identity) when the provider cannot deliver.
func (s *Server) Credentials(ctx context.Context) (Credentials, error) {
	return s.get(ctx)
}

// ServeHTTP implements http.Handler: GET on the server's path with the
// right Authorization header returns the credentials as JSON.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	switch {
	case !loopbackHost(r.Host):
		s.fail(w, r, http.StatusForbidden, "Forbidden", "host not allowed")
		return
	case fromWebPage(r):
		s.fail(w, r, http.StatusForbidden, "Forbidden", "requests from web pages not allowed")
		return
	case r.URL.Path != s.path:
		s.fail(w, r, http.StatusNotFound, "NotFound", "not found")
		return
	case r.Method != http.MethodGet:
		h.Set("Allow", http.MethodGet)
		s.fail(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "method not allowed")
		return
	case !s.authorized(r):
		s.fail(w, r, http.StatusUnauthorized, "Unauthorized", "missing or invalid authorization token")
		return
	}
	c, err := s.get(r.Context())
	if err != nil {
		if r.Context().Err() != nil {
			return // the client left
		}
		s.fail(w, r, http.StatusInternalServerError, "RefreshFailed", s.oneLine(err))
		return
	}
	body, err := json.Marshal(s.wire(c))
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "InternalError", "encoding credentials")
		return
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	s.debugf("%s %d %s", r.Method, http.StatusOK, c.AccessKeyID)
}

// fromWebPage reports whether a browser sent r on behalf of a web page:
// it has an Origin header, or a Sec-Fetch-Site other than "none" (what a
// browser sends for an address typed by the user). AWS SDKs send neither.
func fromWebPage(r *http.Request) bool {
	if len(r.Header.Values("Origin")) > 0 {
		return true
	}
	site := r.Header.Values("Sec-Fetch-Site")
	return len(site) > 0 && !(len(site) == 1 && site[0] == "none")
}

// authorized compares the one Authorization header with the token in
// constant time.
func (s *Server) authorized(r *http.Request) bool {
	v := r.Header.Values("Authorization")
	if len(v) != 1 {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(v[0]), []byte(s.token)) == 1
}

// wireCredentials is the response of the container credential provider.
type wireCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	RoleARN         string `json:"RoleArn,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

func (s *Server) wire(c Credentials) wireCredentials {
	exp := c.Expiration
	if exp.IsZero() {
		exp = s.opts.Now().Add(staticWindow)
	}
	return wireCredentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		Token:           c.SessionToken,
		Expiration:      exp.UTC().Format(time.RFC3339),
		RoleARN:         c.RoleARN,
		AccountID:       c.AccountID,
	}
}

// errorBody is the error document the SDKs understand.
type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	body, _ := json.Marshal(errorBody{code, msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
	s.debugf("%s %d %s", r.Method, status, code)
}

// oneLine renders err for an error body: see redactLine.
func (s *Server) oneLine(err error) string {
	s.mu.Lock()
	secrets := []string{s.cur.SecretAccessKey, s.cur.SessionToken}
	s.mu.Unlock()
	return redactLine(err, secrets...)
}

// redactLine renders err on one printable line of at most 300 bytes, with
// the given secrets replaced in case the provider quoted them.
func redactLine(err error, secrets ...string) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	for _, v := range secrets {
		if len(v) >= 8 {
			msg = strings.ReplaceAll(msg, v, "[redacted]")
		}
	}
	msg = strings.ToValidUTF8(msg, "?")
	msg = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return ' '
		}
		return r
	}, msg)
	if len(msg) > 300 {
		msg = strings.ToValidUTF8(msg[:300], "") + "..."
	}
	return strings.TrimSpace(msg)
}

func (s *Server) debugf(format string, args ...any) {
	if s.opts.Debug == nil {
		return
	}
	s.dbgMu.Lock()
	defer s.dbgMu.Unlock()
	fmt.Fprintf(s.opts.Debug, "credserver: "+format+"\n", args...)
}

// debugWriter is where net/http's own messages go (they hold no secrets).
func (s *Server) debugWriter() io.Writer {
	if s.opts.Debug == nil {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		s.dbgMu.Lock()
		defer s.dbgMu.Unlock()
		return s.opts.Debug.Write(p)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// randomHex returns n random bytes in hex. crypto/rand.Read never fails.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
