package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"

	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/term"
)

// OAuth grant types.
const (
	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
	grantAuthCode   = "authorization_code"
)

// Defaults of LoginOptions.
const (
	DefaultSlowDownStep = 5 * time.Second
	DefaultAuthTimeout  = 10 * time.Minute
	defaultInterval     = 5 * time.Second
	defaultCodeLife     = 10 * time.Minute
)

// LoginOptions configure one Login.
type LoginOptions struct {
	// Session is what to log in to.
	Session Session
	// NoBrowser selects the device code flow and opens no browser: the user
	// opens the URL shown, on any device.
	NoBrowser bool
	// Browser opens URLs; nil means browser.New with the Client's Getenv.
	Browser browser.Opener
	// Out receives the instructions (URL, user code) and progress; it is
	// meant to be stderr. nil discards them.
	Out io.Writer
	// Progress animates a spinner on Out while waiting; set it only when
	// Out is a terminal.
	Progress bool
	// PollInterval replaces the device flow's polling interval (tests).
	PollInterval time.Duration
	// SlowDownStep is added to the interval on each slow_down answer;
	// default DefaultSlowDownStep.
	SlowDownStep time.Duration
	// AuthTimeout bounds the wait for the browser in the authorization code
	// flow; default DefaultAuthTimeout.
	AuthTimeout time.Duration
}

// Login signs the session in interactively and caches the token where the
// AWS CLI looks for it.
//
// The authorization code flow with PKCE (a loopback redirect to
// 127.0.0.1) is used when a browser can be opened on this computer
// (browser.CanOpen); the device code flow when NoBrowser is set, when no
// browser can be shown (SSH, no display), and for legacy profiles (as the
// AWS CLI does). Only one login per session runs at a time, across
// processes: a Login that had to wait for another one returns the token
// that one obtained. Cancelling ctx (Ctrl-C) stops waiting at once.
func (c *Client) Login(ctx context.Context, o LoginOptions) (*Token, error) {
	sess := o.Session
	if err := sess.Validate(); err != nil {
		return nil, err
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	if o.SlowDownStep <= 0 {
		o.SlowDownStep = DefaultSlowDownStep
	}
	if o.AuthTimeout <= 0 {
		o.AuthTimeout = DefaultAuthTimeout
	}
	if _, _, err := c.sdk(); err != nil {
		return nil, err
	}

	before := ""
	prev, err := c.ReadToken(sess)
	var ce *CacheError
	switch {
	case err == nil:
		before = prev.AccessToken
	case c.opts.Keychain != nil && errors.As(err, &ce):
		// A locked or unreachable keychain could not keep the new token
		// either: say so before the user signs in.
		return nil, err
	}
	release, waited, err := c.locks.lock(ctx, sess, func() {
		fmt.Fprintf(out, "Waiting for another login to %s to finish...\n", sess)
	})
	if err != nil {
		return nil, loginCancelled(err)
	}
	defer release()
	if waited {
		if t, err := c.ReadToken(sess); err == nil && t.AccessToken != before && t.ValidAt(c.now(), RefreshWindow) {
			fmt.Fprintf(out, "Using the login to %s that just completed in another process.\n", sess)
			return t, nil
		}
	}

	canOpen := !o.NoBrowser && browser.CanOpen(c.opts.Getenv)
	opener := o.Browser
	if opener == nil && canOpen {
		if opener, err = browser.New(c.opts.Getenv, browser.Options{}); err != nil {
			fmt.Fprintf(out, "Not opening a browser: %v.\n", err)
			canOpen = false
		}
	}
	var t *Token
	if !canOpen || sess.Legacy() {
		c.dbg.Printf("device code login to %s (browser: %v)", sess, canOpen)
		t, err = c.deviceLogin(ctx, sess, o, out, opener, canOpen)
	} else {
		c.dbg.Printf("authorization code login to %s", sess)
		t, err = c.authCodeLogin(ctx, sess, o, out, opener)
	}
	if err != nil {
		return nil, loginCancelled(err)
	}
	if old, err := c.ReadToken(sess); err == nil {
		t.extra = old.extra // keep what other tools added to the file
	}
	if err := c.writeToken(t); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Logged in to %s until %s.\n", sess.StartURL, t.ExpiresAt.Local().Format("2006-01-02 15:04 MST"))
	return t, nil
}

// loginCancelled words a cancellation (Ctrl-C) as such; errors.Is(err,
// context.Canceled) still holds.
func loginCancelled(err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("login cancelled: %w", err)
	}
	return err
}

// flow is the OAuth flow a client registration is for.
type flow int

const (
	flowDevice flow = iota
	flowAuthCode
)

const loopbackRedirect = "http://127.0.0.1/oauth/callback"

// suits reports whether a cached registration can serve the flow: the AWS
// CLI registers device-flow clients without grant types, and
// authorization-code clients with them.
func (r *Registration) suits(f flow) bool {
	if f == flowAuthCode {
		return slices.Contains(r.GrantTypes, grantAuthCode)
	}
	return len(r.GrantTypes) == 0 || slices.Contains(r.GrantTypes, grantDeviceCode)
}

// registration returns a client registration for the session from the
// shared cache, or registers a new one (and caches it). cached reports that
// it came from the cache.
func (c *Client) registration(ctx context.Context, sess Session, f flow, force bool) (reg *Registration, cached bool, err error) {
	name := RegistrationFileName(sess)
	if !force {
		if data, err := c.cache.read(name); err == nil {
			r, err := ParseRegistrationFile(data)
			switch {
			case err != nil:
				c.dbg.Printf("registration file %s: %v", c.cache.where(name), err)
			case !r.ExpiresAt.After(c.now().Add(registrationMargin)):
				c.dbg.Printf("cached registration %s expires %s: registering anew", r.ClientID, formatTime(r.ExpiresAt))
			case !r.suits(f):
				c.dbg.Printf("cached registration %s is for another flow: registering anew", r.ClientID)
			default:
				c.dbg.Secret(r.ClientSecret)
				c.dbg.Printf("using cached registration %s", r.ClientID)
				return r, true, nil
			}
		}
	}
	clientName := "assume-client-" + sess.Name
	if sess.Legacy() {
		clientName = "assume-client-" + strconv.FormatInt(c.now().Unix(), 10)
	}
	in := &ssooidc.RegisterClientInput{
		ClientName: aws.String(clientName),
		ClientType: aws.String("public"),
		Scopes:     sess.RegistrationScopes(),
	}
	if f == flowAuthCode {
		in.GrantTypes = []string{grantAuthCode, grantRefresh}
		in.RedirectUris = []string{loopbackRedirect}
		in.IssuerUrl = aws.String(sess.StartURL)
	}
	cl, rec, cctx, cancel, err := startCall(ctx, c, sess.Region, c.oidc)
	if err != nil {
		return nil, false, err
	}
	defer cancel()
	out, err := cl.RegisterClient(cctx, in)
	if err != nil {
		return nil, false, c.oidcError(ctx, err, sess, "RegisterClient", rec, nil)
	}
	r := &Registration{
		ClientID:     aws.ToString(out.ClientId),
		ClientSecret: aws.ToString(out.ClientSecret),
		ExpiresAt:    time.Unix(out.ClientSecretExpiresAt, 0).UTC(),
		Scopes:       in.Scopes,
		GrantTypes:   in.GrantTypes,
	}
	c.dbg.Secret(r.ClientSecret)
	if r.ClientID == "" || r.ClientSecret == "" {
		return nil, false, &APIError{Op: "RegisterClient", Code: "EmptyResponse", Message: "the answer holds no client id or secret"}
	}
	c.dbg.Printf("registered client %s, expires %s", r.ClientID, formatTime(r.ExpiresAt))
	if err := c.cache.write(name, MarshalRegistrationFile(r)); err != nil {
		return nil, false, &CacheError{Path: c.cache.where(name), Err: errors.Unwrap(err)}
	}
	return r, false, nil
}

// oidcError turns OIDC errors that concern the session's configuration into
// typed errors, and the rest through classify.
func (c *Client) oidcError(ctx context.Context, err error, sess Session, op string, rec *callRecord, secrets []string) error {
	switch apiCode(err) {
	case "InvalidRequestRegionException":
		return &RegionError{Session: sess, Problem: "is not the region of this start URL's IAM Identity Center instance"}
	case "InvalidRequestException":
		if op == "StartDeviceAuthorization" {
			msg := apiMessage(err, secrets)
			if msg == "" {
				msg = "InvalidRequestException"
			}
			return &StartURLError{Session: sess, Problem: "was not accepted by IAM Identity Center in " + sess.Region + ": " + msg}
		}
	}
	return c.classify(ctx, err, call{op: op, service: "IAM Identity Center OIDC", region: sess.Region, rec: rec, secrets: secrets})
}

// newToken builds the cache entry for a CreateToken answer obtained with
// reg; start is the time just before the call.
func newToken(sess Session, reg *Registration, out *ssooidc.CreateTokenOutput, start time.Time) *Token {
	return &Token{
		Session:               sess,
		StartURL:              sess.StartURL,
		Region:                sess.Region,
		AccessToken:           aws.ToString(out.AccessToken),
		ExpiresAt:             start.Add(time.Duration(out.ExpiresIn) * time.Second).UTC(),
		ClientID:              reg.ClientID,
		ClientSecret:          reg.ClientSecret,
		RegistrationExpiresAt: reg.ExpiresAt,
		RefreshToken:          aws.ToString(out.RefreshToken),
	}
}

// deviceLogin runs the device code flow.
func (c *Client) deviceLogin(ctx context.Context, sess Session, o LoginOptions, out io.Writer, opener browser.Opener, openBrowser bool) (*Token, error) {
	reg, cached, err := c.registration(ctx, sess, flowDevice, false)
	if err != nil {
		return nil, err
	}
	auth, rec, err := c.startDevice(ctx, sess, reg)
	if code := apiCode(err); cached && (code == "InvalidClientException" || code == "UnauthorizedClientException") {
		// The cached registration was revoked or is unfit: register anew.
		c.dbg.Printf("cached registration refused (%s): registering anew", code)
		if reg, _, err = c.registration(ctx, sess, flowDevice, true); err != nil {
			return nil, err
		}
		auth, rec, err = c.startDevice(ctx, sess, reg)
	}
	if err != nil {
		return nil, c.oidcError(ctx, err, sess, "StartDeviceAuthorization", rec, []string{reg.ClientSecret})
	}
	deviceCode := aws.ToString(auth.DeviceCode)
	c.dbg.Secret(deviceCode)
	interval := time.Duration(auth.Interval) * time.Second
	if interval <= 0 {
		interval = defaultInterval
	}
	if o.PollInterval > 0 {
		interval = o.PollInterval
	}
	life := time.Duration(auth.ExpiresIn) * time.Second
	if life <= 0 {
		life = defaultCodeLife
	}

	uri, complete, userCode := aws.ToString(auth.VerificationUri), aws.ToString(auth.VerificationUriComplete), aws.ToString(auth.UserCode)
	// Printed on the terminal: what the service sent, cleaned.
	shownURI, shownComplete, shownCode := term.Clean(uri), term.Clean(complete), term.Clean(userCode)
	if complete == "" {
		complete = uri
	}
	if openBrowser {
		fmt.Fprintf(out, "Opening your browser to sign in to IAM Identity Center (%s).\n"+
			"Check that the page shows the code %s. If no browser opens, visit\n\n    %s\n\nand enter the code, or open\n\n    %s\n\n",
			sess.StartURL, shownCode, shownURI, shownComplete)
		if err := opener.Open(complete); err != nil {
			fmt.Fprintf(out, "Could not open a browser (%v); use the URL above.\n", err)
		}
		defer closePages(opener)
	} else {
		fmt.Fprintf(out, "To sign in to IAM Identity Center (%s), visit\n\n    %s\n\non any device and enter the code\n\n    %s\n\nor open this URL, which fills in the code:\n\n    %s\n\n",
			sess.StartURL, shownURI, shownCode, shownComplete)
	}

	p := startProgress(out, o.Progress, "Waiting for the sign-in to be approved")
	defer p.stop()
	expired := time.NewTimer(life)
	defer expired.Stop()
	rec = &callRecord{}
	cl, err := c.oidc(sess.Region, rec)
	if err != nil {
		return nil, err
	}
	for {
		wait := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			wait.Stop()
			return nil, ctx.Err()
		case <-expired.C:
			wait.Stop()
			return nil, &LoginError{Session: sess, Failure: CodeExpired}
		case <-wait.C:
		}
		cctx, cancel, err := c.withTimeout(ctx)
		if err != nil {
			return nil, err
		}
		start := c.now()
		tok, err := cl.CreateToken(cctx, &ssooidc.CreateTokenInput{
			ClientId:     aws.String(reg.ClientID),
			ClientSecret: aws.String(reg.ClientSecret),
			GrantType:    aws.String(grantDeviceCode),
			DeviceCode:   aws.String(deviceCode),
		})
		cancel()
		if err == nil {
			p.stop()
			t := newToken(sess, reg, tok, start)
			c.dbg.Secret(t.AccessToken, t.RefreshToken)
			if t.AccessToken == "" {
				return nil, &APIError{Op: "CreateToken", Code: "EmptyResponse", Message: "the answer holds no access token"}
			}
			return t, nil
		}
		switch code := apiCode(err); code {
		case "AuthorizationPendingException":
			continue
		case "SlowDownException":
			interval += o.SlowDownStep
			c.dbg.Printf("slow_down: polling every %s", interval)
			continue
		case "ExpiredTokenException":
			return nil, &LoginError{Session: sess, Failure: CodeExpired}
		case "AccessDeniedException":
			return nil, &LoginError{Session: sess, Failure: Denied}
		case "InvalidGrantException":
			return nil, &LoginError{Session: sess, Failure: Rejected, Detail: apiMessage(err, []string{deviceCode, reg.ClientSecret})}
		}
		return nil, c.oidcError(ctx, err, sess, "CreateToken", rec, []string{deviceCode, reg.ClientSecret})
	}
}

func (c *Client) startDevice(ctx context.Context, sess Session, reg *Registration) (*ssooidc.StartDeviceAuthorizationOutput, *callRecord, error) {
	cl, rec, cctx, cancel, err := startCall(ctx, c, sess.Region, c.oidc)
	if err != nil {
		return nil, &callRecord{}, err
	}
	defer cancel()
	out, err := cl.StartDeviceAuthorization(cctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId:     aws.String(reg.ClientID),
		ClientSecret: aws.String(reg.ClientSecret),
		StartUrl:     aws.String(sess.StartURL),
	})
	return out, rec, err
}
