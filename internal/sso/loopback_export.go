package sso

import (
	"context"
	"errors"
	"time"
)

// This file lends the authorization-code machinery of the SSO login (the
// 127.0.0.1-only redirect listener with its Host, navigation and state
// checks, and PKCE) to the other browser sign-in, `assume login`
// (internal/login), so that both share one reviewed implementation.

// Loopback is a redirect listener on 127.0.0.1 at path /oauth/callback.
type Loopback struct{ lb *loopback }

// ListenLoopback starts a redirect listener on a free port of 127.0.0.1.
func ListenLoopback() (*Loopback, error) {
	lb, err := listenLoopback()
	if err != nil {
		return nil, err
	}
	return &Loopback{lb: lb}, nil
}

// RedirectURI is http://127.0.0.1:PORT/oauth/callback.
func (l *Loopback) RedirectURI() string { return l.lb.redirectURI }

// State is the random OAuth state the callback must carry.
func (l *Loopback) State() string { return l.lb.cb.state }

// Close stops listening.
func (l *Loopback) Close() { l.lb.close() }

// ErrLoopbackTimedOut is Await's timeout.
var ErrLoopbackTimedOut = errors.New("timed out waiting for the browser")

// Await waits for the first valid callback (code, or an OAuth error code),
// the timeout or ctx, and stops listening.
func (l *Loopback) Await(ctx context.Context, timeout time.Duration) (code, oauthErr string, err error) {
	res, err := l.lb.await(ctx, timeout)
	if errors.Is(err, errTimedOut) {
		return "", "", ErrLoopbackTimedOut
	}
	return res.code, res.errCode, err
}

// NewVerifier returns a 64-character PKCE code verifier.
func NewVerifier() (string, error) { return newVerifier() }

// ChallengeSHA256 is base64url(SHA-256(verifier)) without padding (what
// OAuth calls S256 and AWS Sign-In SHA-256).
func ChallengeSHA256(verifier string) string { return challengeS256(verifier) }
