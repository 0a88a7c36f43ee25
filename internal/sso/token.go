package sso

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

const grantRefresh = "refresh_token"

// ReadToken returns the cached token of a session as it is, valid or not.
// A missing or unreadable file is a *LoginRequiredError; other file-system
// failures are a *CacheError.
func (c *Client) ReadToken(sess Session) (*Token, error) {
	name := sess.TokenFileName()
	data, err := c.cache.read(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, loginRequired(sess, "not logged in")
	}
	if err != nil {
		return nil, &CacheError{Path: c.cache.where(name), Err: err}
	}
	t, err := ParseTokenFile(data)
	if err != nil {
		c.dbg.Printf("token file %s: %v", c.cache.where(name), err)
		return nil, loginRequired(sess, "the cached token is unreadable ("+err.Error()+")")
	}
	t.Session = sess
	if t.StartURL == "" {
		t.StartURL = sess.StartURL
	}
	if t.Region == "" {
		t.Region = sess.Region
	}
	c.dbg.Secret(t.AccessToken, t.RefreshToken, t.ClientSecret)
	return t, nil
}

// writeToken saves t as the session's token file.
func (c *Client) writeToken(t *Token) error {
	if err := c.cache.write(t.Session.TokenFileName(), MarshalTokenFile(t)); err != nil {
		return &CacheError{Path: c.cache.where(t.Session.TokenFileName()), Err: errors.Unwrap(err)}
	}
	return nil
}

// Token returns a usable access token for the session from the cache. A
// token within RefreshWindow of its expiry is refreshed silently (the
// refresh_token grant) when the file holds a refresh token and an unexpired
// client registration, and the file is rewritten. Without a usable token
// the error is a *LoginRequiredError (also when IAM Identity Center refuses
// the refresh token). Refreshes are serialised with logins by the session
// lock.
func (c *Client) Token(ctx context.Context, sess Session) (*Token, error) {
	if t, _, done, err := c.cachedToken(sess); done {
		return t, err
	}
	release, _, err := c.locks.lock(ctx, sess, func() { c.dbg.Printf("waiting for another process's login or refresh of %s", sess) })
	if err != nil {
		return nil, err
	}
	defer release()
	// Another process may have refreshed or logged in while we waited.
	t, now, done, err := c.cachedToken(sess)
	if done {
		return t, err
	}
	nt, err := c.refresh(ctx, t)
	if err != nil {
		var lr *LoginRequiredError
		if !errors.As(err, &lr) && ctx.Err() == nil && t.ValidAt(now, MinValidity) {
			// As the AWS CLI does: a failed refresh is not fatal while the
			// old token still works.
			c.dbg.Printf("refresh failed, using the current token until it expires: %v", err)
			return t, nil
		}
		return nil, err
	}
	if err := c.writeToken(nt); err != nil {
		return nil, err
	}
	c.dbg.Printf("refreshed the token of %s; it expires %s", sess, formatTime(nt.ExpiresAt))
	return nt, nil
}

// cachedToken reads the session's token file and says what Token does
// with it at now: done with the token (fresh enough, or not refreshable but
// still valid for MinValidity) or with a *LoginRequiredError, or not done:
// the token is due and can be refreshed.
func (c *Client) cachedToken(sess Session) (t *Token, now time.Time, done bool, err error) {
	if t, err = c.ReadToken(sess); err != nil {
		return nil, now, true, err
	}
	now = c.now()
	switch {
	case t.ValidAt(now, RefreshWindow):
		return t, now, true, nil
	case t.canRefresh(now):
		return t, now, false, nil
	case t.ValidAt(now, MinValidity):
		return t, now, true, nil
	}
	return nil, now, true, loginRequired(sess, "the login expired at "+formatTime(t.ExpiresAt))
}

// refresh runs the refresh_token grant and returns the new token, keeping
// the old file's other members.
func (c *Client) refresh(ctx context.Context, t *Token) (*Token, error) {
	region := t.Region
	cl, rec, cctx, cancel, err := startCall(ctx, c, region, c.oidc)
	if err != nil {
		return nil, err
	}
	defer cancel()
	start := c.now()
	out, err := cl.CreateToken(cctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(t.ClientID),
		ClientSecret: aws.String(t.ClientSecret),
		GrantType:    aws.String(grantRefresh),
		RefreshToken: aws.String(t.RefreshToken),
	})
	if err != nil {
		switch code := apiCode(err); code {
		case "InvalidGrantException", "InvalidClientException", "UnauthorizedClientException", "ExpiredTokenException", "AccessDeniedException":
			c.dbg.Printf("refresh refused: %s", code)
			return nil, loginRequired(t.Session, "IAM Identity Center refused to refresh the login ("+code+")")
		}
		return nil, c.classify(ctx, err, call{op: "CreateToken", service: "IAM Identity Center OIDC", region: region, rec: rec,
			secrets: []string{t.AccessToken, t.RefreshToken, t.ClientSecret}})
	}
	nt := *t
	nt.AccessToken = aws.ToString(out.AccessToken)
	nt.ExpiresAt = start.Add(time.Duration(out.ExpiresIn) * time.Second)
	// As both AWS tools do: keep a refresh token only if the answer had one.
	nt.RefreshToken = aws.ToString(out.RefreshToken)
	c.dbg.Secret(nt.AccessToken, nt.RefreshToken)
	if nt.AccessToken == "" {
		return nil, &APIError{Op: "CreateToken", Code: "EmptyResponse", Message: "the answer holds no access token"}
	}
	return &nt, nil
}

// Renew replaces a token that IAM Identity Center rejected (a 401 although
// it had not expired: signed out elsewhere, or revoked). Under the session
// lock, a token another process has already replaced is returned as it is;
// otherwise the refresh grant runs when the file allows it. Without a way to
// refresh, the error is a *LoginRequiredError.
func (c *Client) Renew(ctx context.Context, sess Session, rejected *Token) (*Token, error) {
	release, _, err := c.locks.lock(ctx, sess, func() { c.dbg.Printf("waiting for another process's login or refresh of %s", sess) })
	if err != nil {
		return nil, err
	}
	defer release()
	t, err := c.ReadToken(sess)
	if err != nil {
		return nil, err
	}
	if rejected != nil && t.AccessToken != rejected.AccessToken && t.ValidAt(c.now(), MinValidity) {
		return t, nil
	}
	if !t.canRefresh(c.now()) {
		return nil, loginRequired(sess, "IAM Identity Center no longer accepts the cached token")
	}
	nt, err := c.refresh(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := c.writeToken(nt); err != nil {
		return nil, err
	}
	c.dbg.Printf("renewed the rejected token of %s; it expires %s", sess, formatTime(nt.ExpiresAt))
	return nt, nil
}
