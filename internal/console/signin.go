package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
)

// SigninEndpointEnv names the environment variable that overrides the
// federation endpoint of every partition (a full URL such as
// http://127.0.0.1:4000/federation); tests point it at awsemu.
const SigninEndpointEnv = "ASSUME_SIGNIN_ENDPOINT"

// Limits of SessionDuration on the getSigninToken call.
const (
	MinSessionDuration = 900 * time.Second
	MaxSessionDuration = 43200 * time.Second
)

// DefaultIssuer is the Issuer sent with the login URL when the caller has
// none of its own.
const DefaultIssuer = "https://github.com/assume-cli/assume"

// Credentials are the temporary AWS credentials to exchange for a sign-in
// token (the expiry is not used).
type Credentials = awscreds.Credentials

// ErrLongTermKeys is returned for credentials without a session token:
// long-term IAM user keys must first go through GetFederationToken.
var ErrLongTermKeys = errors.New("the console sign-in needs temporary credentials; long-term access keys must first be exchanged with sts GetFederationToken")

// ErrDurationWithFederationToken is returned when a SessionDuration is asked
// for GetFederationToken credentials, which AWS refuses: their console
// session lasts as long as the token.
var ErrDurationWithFederationToken = errors.New("a console session duration cannot be set for GetFederationToken credentials; their session lasts as long as the token")

// SigninEndpoint returns the federation endpoint for p: the value of
// SigninEndpointEnv when set (read through getenv, which may be nil) or the
// partition's own.
func SigninEndpoint(p Partition, getenv func(string) string) (string, error) {
	if getenv != nil {
		if v := strings.TrimSpace(getenv(SigninEndpointEnv)); v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return "", fmt.Errorf("%s: %s is not an http(s) URL without query", SigninEndpointEnv, quoteShort(v))
			}
			return v, nil
		}
	}
	return p.FederationEndpoint(), nil
}

// sessionJSON is the Session parameter of getSigninToken.
type sessionJSON struct {
	SessionID    string `json:"sessionId"`
	SessionKey   string `json:"sessionKey"`
	SessionToken string `json:"sessionToken"`
}

// SigninTokenURL returns the getSigninToken URL on endpoint for creds.
// sessionDuration 0 leaves the console session as long as the credentials;
// otherwise it must be within MinSessionDuration..MaxSessionDuration, whole
// seconds, and is refused for GetFederationToken credentials. The URL holds
// the secret key: never log or print it.
func SigninTokenURL(endpoint string, creds Credentials, sessionDuration time.Duration, isFederationToken bool) (string, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return "", errors.New("console sign-in: credentials are incomplete")
	}
	if creds.SessionToken == "" {
		return "", ErrLongTermKeys
	}
	if sessionDuration != 0 {
		if isFederationToken {
			return "", ErrDurationWithFederationToken
		}
		if sessionDuration < MinSessionDuration || sessionDuration > MaxSessionDuration || sessionDuration%time.Second != 0 {
			return "", fmt.Errorf("console session duration %v is out of range (15m to 12h, whole seconds)", sessionDuration)
		}
	}
	sess, err := json.Marshal(sessionJSON{creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken})
	if err != nil {
		return "", fmt.Errorf("encoding console session: %w", err)
	}
	q := "Action=getSigninToken"
	if sessionDuration != 0 {
		q += fmt.Sprintf("&SessionDuration=%d", int64(sessionDuration/time.Second))
	}
	q += "&Session=" + url.QueryEscape(string(sess))
	return endpoint + "?" + q, nil
}

// LoginURL returns the URL that signs the browser in with signinToken and
// lands on destination. issuer "" means DefaultIssuer.
func LoginURL(endpoint, issuer, destination, signinToken string) string {
	if issuer == "" {
		issuer = DefaultIssuer
	}
	return endpoint + "?Action=login&Issuer=" + url.QueryEscape(issuer) +
		"&Destination=" + url.QueryEscape(destination) +
		"&SigninToken=" + url.QueryEscape(signinToken)
}

// ParseSigninTokenResponse extracts the token from a getSigninToken
// response body ({"SigninToken":"…"}).
func ParseSigninTokenResponse(body []byte) (string, error) {
	var r struct {
		SigninToken *string `json:"SigninToken"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "", fmt.Errorf("decoding sign-in token response: %w", err)
	}
	if r.SigninToken == nil || *r.SigninToken == "" {
		return "", errors.New("sign-in token response has no SigninToken")
	}
	return *r.SigninToken, nil
}
