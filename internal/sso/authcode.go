package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/assume-cli/assume/internal/browser"
)

// callbackPath is where IAM Identity Center sends the browser back.
const callbackPath = "/oauth/callback"

// pkceChars are the characters RFC 7636 allows in a code verifier.
const pkceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// newVerifier returns a 64-character PKCE code verifier, uniformly random
// over pkceChars.
func newVerifier() (string, error) {
	const n = 64
	// Rejection sampling: bytes at or above 198 (3×66) would bias the result.
	limit := byte(256 - 256%len(pkceChars))
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if b < limit && len(out) < n {
				out = append(out, pkceChars[int(b)%len(pkceChars)])
			}
		}
	}
	return string(out), nil
}

// challengeS256 is the S256 code challenge of a verifier:
// base64url(SHA-256(verifier)) without padding.
func challengeS256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func newState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// authorizeURL is the browser URL that starts the authorization code flow.
// "scopes" (plural, space-separated) is the parameter name IAM Identity
// Center reads.
func authorizeURL(base, clientID, redirectURI, state, challenge string, scopes []string) string {
	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", clientID)
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	q.Set("code_challenge_method", "S256")
	q.Set("code_challenge", challenge)
	if len(scopes) > 0 {
		q.Set("scopes", strings.Join(scopes, " "))
	}
	return base + "/authorize?" + q.Encode()
}

// callbackResult is what the browser brought back.
type callbackResult struct {
	code    string
	errCode string // OAuth error, e.g. access_denied
}

// callback serves the loopback redirect: it checks the Host (a loopback
// name with our port: no DNS rebinding), that the request is a top-level
// navigation (not a script of another site), and the state; it hands over
// the first valid result and refuses every request after it, so a code
// cannot be replayed.
type callback struct {
	state  string
	port   int
	result chan callbackResult

	mu   sync.Mutex
	done bool
}

func newCallback(state string, port int) *callback {
	return &callback{state: state, port: port, result: make(chan callbackResult, 1)}
}

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>assume</title>
<style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:36em;color:#222}</style></head>
<body><h1>%s</h1><p>%s</p></body></html>
`

func page(w http.ResponseWriter, status int, title, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, pageTemplate, title, text)
}

// loopbackHost reports whether host (a request's Host) names this
// listener: 127.0.0.1, localhost or [::1] with our port.
func (cb *callback) loopbackHost(host string) bool {
	p := ":" + strconv.Itoa(cb.port)
	switch strings.ToLower(host) {
	case "127.0.0.1" + p, "localhost" + p, "[::1]" + p:
		return true
	}
	return false
}

// navigation reports whether r looks like the browser following a
// redirect: no Origin (browsers send none on a top-level GET navigation)
// and, where the browser says, a navigation to a document.
func navigation(r *http.Request) bool {
	if r.Header.Get("Origin") != "" {
		return false
	}
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" && m != "navigate" {
		return false
	}
	if d := r.Header.Get("Sec-Fetch-Dest"); d != "" && d != "document" {
		return false
	}
	return true
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !cb.loopbackHost(r.Host) {
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.Path != callbackPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !navigation(r) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if cb.done {
		page(w, http.StatusGone, "This sign-in link was already used",
			"The login it belonged to has its answer. You can close this tab.")
		return
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(cb.state)) != 1 {
		page(w, http.StatusBadRequest, "This sign-in link is not for the login in progress",
			"Close this tab and run the login command again if you need to.")
		return
	}
	res := callbackResult{code: q.Get("code"), errCode: q.Get("error")}
	switch {
	case res.errCode != "":
		page(w, http.StatusOK, "Sign-in not completed", "The request was not approved. You can close this tab and return to the terminal.")
	case res.code != "":
		page(w, http.StatusOK, "Signed in", "You can close this tab and return to the terminal.")
	default:
		page(w, http.StatusBadRequest, "Incomplete sign-in answer", "The answer holds no authorization code. Close this tab and try again.")
		return
	}
	cb.done = true
	cb.result <- res
}

// loopback is the listener of the redirect, open from before the browser
// starts until the first valid callback or the timeout.
type loopback struct {
	cb          *callback
	srv         *http.Server
	redirectURI string
	once        sync.Once
}

// listenLoopback starts the redirect listener on 127.0.0.1 (the redirect
// carries the authorization code: loopback only).
func listenLoopback() (*loopback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the browser's redirect: %w", err)
	}
	state, err := newState()
	if err != nil {
		ln.Close()
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	lb := &loopback{
		cb:          newCallback(state, port),
		redirectURI: fmt.Sprintf("http://127.0.0.1:%d%s", port, callbackPath),
	}
	lb.srv = &http.Server{Handler: lb.cb, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}
	go lb.srv.Serve(ln)
	return lb, nil
}

// close stops listening; the page of a request in progress still reaches
// the browser (within 2 s).
func (lb *loopback) close() {
	lb.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		lb.srv.Shutdown(ctx)
	})
}

// await waits for the first valid callback, the timeout or ctx, and closes
// the listener before it returns: nothing more is accepted.
func (lb *loopback) await(ctx context.Context, timeout time.Duration) (callbackResult, error) {
	defer lb.close()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return callbackResult{}, ctx.Err()
	case <-t.C:
		return callbackResult{}, errTimedOut
	case res := <-lb.cb.result:
		return res, nil
	}
}

// errTimedOut is await's timeout.
var errTimedOut = errors.New("timed out")

// closePages removes the forwarding pages an opener wrote for the login
// (browser.Launch, browser.Command): the browser has followed them.
func closePages(opener browser.Opener) {
	if c, ok := opener.(io.Closer); ok {
		c.Close()
	}
}

// authCodeLogin runs the authorization code flow with PKCE and a loopback
// redirect.
func (c *Client) authCodeLogin(ctx context.Context, sess Session, o LoginOptions, out io.Writer, opener browser.Opener) (*Token, error) {
	lb, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	defer lb.close()
	redirectURI, state := lb.redirectURI, lb.cb.state

	reg, _, err := c.registration(ctx, sess, flowAuthCode, false)
	if err != nil {
		return nil, err
	}
	verifier, err := newVerifier()
	if err != nil {
		return nil, err
	}
	c.dbg.Secret(verifier)
	base, err := c.oidcBase(ctx, sess.Region)
	if err != nil {
		return nil, err
	}
	authURL := authorizeURL(base, reg.ClientID, redirectURI, state, challengeS256(verifier), sess.RegistrationScopes())

	fmt.Fprintf(out, "Opening your browser to sign in to IAM Identity Center (%s).\n"+
		"If no browser opens, open this URL in a browser on this computer:\n\n    %s\n\n", sess.StartURL, authURL)
	if err := opener.Open(authURL); err != nil {
		fmt.Fprintf(out, "Could not open a browser (%v); use the URL above, or run the login again with --no-browser.\n", err)
	}
	defer closePages(opener)
	p := startProgress(out, o.Progress, "Waiting for the sign-in in the browser")
	defer p.stop()
	res, err := lb.await(ctx, o.AuthTimeout)
	switch {
	case errors.Is(err, errTimedOut):
		return nil, &LoginError{Session: sess, Failure: TimedOut, Waited: o.AuthTimeout}
	case err != nil:
		return nil, err
	}
	closePages(opener)
	p.stop()
	switch res.errCode {
	case "":
	case "access_denied":
		return nil, &LoginError{Session: sess, Failure: Denied}
	default:
		return nil, &LoginError{Session: sess, Failure: Rejected, Detail: truncate(oneLine(res.errCode), 80)}
	}
	c.dbg.Secret(res.code)

	cl, rec, cctx, cancel, err := startCall(ctx, c, sess.Region, c.oidc)
	if err != nil {
		return nil, err
	}
	defer cancel()
	start := c.now()
	tok, err := cl.CreateToken(cctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(reg.ClientID),
		ClientSecret: aws.String(reg.ClientSecret),
		GrantType:    aws.String(grantAuthCode),
		Code:         aws.String(res.code),
		RedirectUri:  aws.String(redirectURI),
		CodeVerifier: aws.String(verifier),
	})
	secrets := []string{res.code, verifier, reg.ClientSecret}
	if err != nil {
		switch apiCode(err) {
		case "AccessDeniedException":
			return nil, &LoginError{Session: sess, Failure: Denied}
		case "InvalidGrantException", "ExpiredTokenException":
			return nil, &LoginError{Session: sess, Failure: Rejected, Detail: apiMessage(err, secrets)}
		}
		return nil, c.oidcError(ctx, err, sess, "CreateToken", rec, secrets)
	}
	t := newToken(sess, reg, tok, start)
	c.dbg.Secret(t.AccessToken, t.RefreshToken)
	if t.AccessToken == "" {
		return nil, &APIError{Op: "CreateToken", Code: "EmptyResponse", Message: "the answer holds no access token"}
	}
	return t, nil
}

// progress shows that Login is waiting: a spinner redrawn in place when Out
// is a terminal, else one line.
type progress struct {
	w    io.Writer
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func startProgress(w io.Writer, animate bool, msg string) *progress {
	p := &progress{w: w, quit: make(chan struct{}), done: make(chan struct{})}
	if !animate {
		fmt.Fprintln(w, msg+"...")
		close(p.done)
		return p
	}
	go func() {
		defer close(p.done)
		frames := []string{"|", "/", "-", "\\"}
		t := time.NewTicker(150 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r%s %s ", frames[i%len(frames)], msg)
			select {
			case <-p.quit:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// stop ends the spinner (and clears its line); it may be called twice.
func (p *progress) stop() {
	p.once.Do(func() { close(p.quit) })
	<-p.done
}
