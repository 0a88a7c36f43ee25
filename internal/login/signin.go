package login

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	signintypes "github.com/aws/aws-sdk-go-v2/service/signin/types"

	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/sso"
)

// The AWS CLI's OAuth clients.
const (
	ClientSameDevice  = "arn:aws:signin:::devtools/same-device"
	ClientCrossDevice = "arn:aws:signin:::devtools/cross-device"
)

// DefaultAuthTimeout bounds the wait for the browser.
const DefaultAuthTimeout = 5 * time.Minute

// SignInOptions shape SignIn.
type SignInOptions struct {
	Profile string // for messages
	Region  string // of the sign-in endpoint
	// Remote runs the cross-device flow: the URL is opened anywhere, the
	// user pastes the code the page shows into In.
	Remote  bool
	Browser browser.Opener // same-device: opens the authorize URL
	Out     io.Writer      // instructions
	In      io.Reader      // Remote: the pasted code
	// AuthTimeout bounds the wait for the browser or the paste.
	AuthTimeout time.Duration
}

// SignInError: the sign-in did not complete.
type SignInError struct{ Reason string }

func (e *SignInError) Error() string { return "the aws login sign-in did not complete: " + e.Reason }

// Hint implements the hinter.
func (e *SignInError) Hint() string {
	return "run the login again; without a browser on this computer use --remote"
}

// SignIn runs the browser sign-in that creates a login session
// (authorization code + PKCE with the SHA-256 method, a DPoP key made for
// the session), writes the cache file where the AWS CLI keeps it and
// returns the session's ARN (the profile's login_session).
func (c *Client) SignIn(ctx context.Context, o SignInOptions) (string, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.AuthTimeout == 0 {
		o.AuthTimeout = DefaultAuthTimeout
	}
	cl, err := c.client(o.Region)
	if err != nil {
		return "", err
	}
	base, err := c.baseURL(ctx, cl, o.Region)
	if err != nil {
		return "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	verifier, err := sso.NewVerifier()
	if err != nil {
		return "", err
	}
	c.dbg.Secret(verifier)
	var code, clientID, redirect string
	if o.Remote {
		clientID, redirect = ClientCrossDevice, base+"/v1/sessions/confirmation"
		state, err := uuid4()
		if err != nil {
			return "", err
		}
		u := authorizeURL(base, clientID, redirect, state, sso.ChallengeSHA256(verifier))
		fmt.Fprintf(o.Out, "Open this URL in a browser on any device and sign in to the AWS console:\n\n    %s\n\n"+
			"Then paste the code the page shows here: ", u)
		if code, err = readPasted(ctx, o.In, state, o.AuthTimeout); err != nil {
			return "", err
		}
	} else {
		lb, err := sso.ListenLoopback()
		if err != nil {
			return "", err
		}
		defer lb.Close()
		clientID, redirect = ClientSameDevice, lb.RedirectURI()
		u := authorizeURL(base, clientID, redirect, lb.State(), sso.ChallengeSHA256(verifier))
		fmt.Fprintf(o.Out, "Opening your browser to sign in to the AWS console.\n"+
			"If no browser opens, open this URL in a browser on this computer (or run assume login --remote):\n\n    %s\n\n", u)
		if o.Browser != nil {
			if err := o.Browser.Open(u); err != nil {
				fmt.Fprintf(o.Out, "Could not open a browser (%v); use the URL above.\n", err)
			}
			if cl, ok := o.Browser.(io.Closer); ok {
				defer cl.Close()
			}
		}
		var oauthErr string
		code, oauthErr, err = lb.Await(ctx, o.AuthTimeout)
		switch {
		case errors.Is(err, sso.ErrLoopbackTimedOut):
			return "", &SignInError{Reason: fmt.Sprintf("the browser did not come back within %s", o.AuthTimeout)}
		case err != nil:
			return "", err
		case oauthErr == "access_denied":
			return "", &SignInError{Reason: "the request was denied in the browser"}
		case oauthErr != "":
			return "", &SignInError{Reason: "the sign-in answered " + truncate(oneLine(oauthErr), 60)}
		}
	}
	c.dbg.Secret(code)
	cctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	start := c.o.Now()
	out, err := cl.CreateOAuth2Token(cctx, &signin.CreateOAuth2TokenInput{TokenInput: &signintypes.CreateOAuth2TokenRequestBody{
		ClientId: aws.String(clientID), GrantType: aws.String("authorization_code"), Code: aws.String(code),
		CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect),
	}}, withDPoP(key, c.o.Now))
	if err != nil {
		e := c.apiError(ctx, Session{Profile: o.Profile}, base, err, code, verifier)
		var lr *LoginRequiredError
		if errors.As(e, &lr) {
			return "", &SignInError{Reason: lr.Reason}
		}
		return "", e
	}
	t := &Token{ClientID: clientID, Key: key, TokenType: "aws_sigv4"}
	if err := t.update(out.TokenOutput, start); err != nil {
		return "", err
	}
	c.dbg.Secret(t.SecretAccessKey, t.SessionToken, t.RefreshToken, t.IDToken)
	arn := subjectOf(t.IDToken)
	if arn == "" {
		return "", &APIError{Op: "CreateOAuth2Token", Code: "IncompleteAnswer", Message: "the ID token names no principal"}
	}
	t.AccountID = AccountOfARN(arn)
	if err := c.Save(Session{ARN: arn, Profile: o.Profile}, t); err != nil {
		return "", err
	}
	return arn, nil
}

// baseURL is the sign-in endpoint the client calls (the browser goes to
// the same host): AWS_ENDPOINT_URL_SIGNIN, else the SDK's rules for the
// region (https://REGION.signin.aws.amazon.com and the other partitions).
func (c *Client) baseURL(ctx context.Context, cl *signin.Client, region string) (string, error) {
	if c.o.Endpoint != "" {
		return strings.TrimRight(c.o.Endpoint, "/"), nil
	}
	if b := cl.Options().BaseEndpoint; b != nil && *b != "" {
		return strings.TrimRight(*b, "/"), nil
	}
	if region == "" {
		region = "us-east-1"
	}
	ep, err := signin.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, signin.EndpointParameters{Region: aws.String(region)})
	if err != nil {
		return "", fmt.Errorf("no sign-in endpoint for region %q: %w", region, err)
	}
	u := ep.URI
	u.Path, u.RawQuery = strings.TrimRight(u.Path, "/"), ""
	return u.String(), nil
}

// authorizeURL is the browser's first stop, with the AWS CLI's parameters.
func authorizeURL(base, clientID, redirect, state, challenge string) string {
	q := url.Values{}
	q.Set("response_type", "code")
	q.Set("client_id", clientID)
	q.Set("state", state)
	q.Set("code_challenge_method", "SHA-256")
	q.Set("scope", "openid")
	q.Set("redirect_uri", redirect)
	q.Set("code_challenge", challenge)
	return base + "/v1/authorize?" + q.Encode()
}

// readPasted reads the cross-device code: base64("state=…&code=…").
func readPasted(ctx context.Context, in io.Reader, state string, timeout time.Duration) (string, error) {
	if in == nil {
		return "", &SignInError{Reason: "no terminal to paste the code into"}
	}
	type line struct {
		s   string
		err error
	}
	ch := make(chan line, 1)
	go func() {
		s, err := bufio.NewReader(io.LimitReader(in, 8192)).ReadString('\n')
		ch <- line{s, err}
	}()
	var l line
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-time.After(timeout):
		return "", &SignInError{Reason: fmt.Sprintf("no code was pasted within %s", timeout)}
	case l = <-ch:
	}
	text := strings.TrimSpace(l.s)
	if text == "" {
		return "", &SignInError{Reason: "no code was pasted"}
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(text)
	}
	if err != nil {
		return "", &SignInError{Reason: "the pasted text is not the code the sign-in page shows"}
	}
	q, err := url.ParseQuery(string(raw))
	if err != nil || q.Get("code") == "" {
		return "", &SignInError{Reason: "the pasted text is not the code the sign-in page shows"}
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return "", &SignInError{Reason: "the pasted code belongs to another sign-in"}
	}
	return q.Get("code"), nil
}

// subjectOf is the sub claim of a JWT (not verified: it comes straight from
// the sign-in endpoint over TLS, and only names the cache file).
func subjectOf(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return ""
	}
	return c.Sub
}
