package awsemu

// AWS Sign-In's OAuth 2.0 endpoints behind `aws login` (service signin,
// rest-json, unsigned; docs/awsemu.md "aws login as emulated"):
//
//	GET  /v1/authorize              the browser step: checks the request, approves it at once under
//	                                auto-approval (else shows a sign-in page), redirects with code+state
//	POST /v1/authorize              the sign-in page's decision
//	GET  /v1/sessions/confirmation  the cross-device page showing the code to paste
//	POST /v1/token                  CreateOAuth2Token: authorization_code (PKCE, SHA-256) and
//	                                refresh_token grants, each with a DPoP proof (RFC 9449, ES256)
//
// A login session is one approval: the DPoP key of its code exchange is
// bound to it, and every refresh must be proven with that key. Refresh
// tokens rotate on every use; presenting a used one again ends the session
// (replay detection), as does revocation or the end of its lifetime.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// The client ids of the AWS CLI's two login flows.
const (
	LoginClientSameDevice  = "arn:aws:signin:::devtools/same-device"
	LoginClientCrossDevice = "arn:aws:signin:::devtools/cross-device"
)

// Lifetimes and bounds of the sign-in OAuth endpoints.
const (
	loginCodeLifetime    = 5 * time.Minute
	loginRequestLifetime = 10 * time.Minute
	loginAccessLifetime  = 15 * time.Minute // expiresIn ≤ 900
	// LoginSessionLifetime is how long a login session can be refreshed.
	LoginSessionLifetime = 12 * time.Hour
	dpopMaxAge           = 5 * time.Minute // how far a proof's iat may be from now
	loginConfirmPath     = "/v1/sessions/confirmation"
	loginCallbackPath    = "/oauth/callback"
)

var (
	pkceVerifierRe  = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)
	pkceChallengeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
)

var signinService = restService{name: "signin", signin: true}

// loginState is the sign-in OAuth state, under its own mutex.
type loginState struct {
	mu       sync.Mutex
	key      []byte // signs ID tokens
	auto     *string
	requests map[string]*loginRequest
	codes    map[string]*loginCode
	refresh  map[string]*loginRefresh
	sessions map[string]*loginSession
	jtis     map[string]time.Time // DPoP proof ids seen, with their expiry from the replay cache
	counts   LoginCounters
}

// LoginCounters count what the sign-in token endpoint did, beyond the
// per-action counter signin:CreateOAuth2Token.
type LoginCounters struct {
	// CodeExchanges and Refreshes count successful grants.
	CodeExchanges int `json:"code_exchanges"`
	Refreshes     int `json:"refreshes"`
	// ReplayedRefreshTokens counts used refresh tokens presented again
	// (each ends its session).
	ReplayedRefreshTokens int `json:"replayed_refresh_tokens"`
	// RejectedProofs counts missing or invalid DPoP proofs.
	RejectedProofs int `json:"rejected_proofs"`
}

type loginRequest struct {
	id, clientID, redirectURI, state, challenge string
	expires                                     time.Time
}

type loginCode struct {
	clientID, redirectURI, challenge string
	user                             *User
	expires                          time.Time
	used                             bool
}

type loginSession struct {
	id      string
	user    *User
	jkt     string // thumbprint of the bound DPoP key
	started time.Time
	expires time.Time
	revoked bool
}

type loginRefresh struct {
	session *loginSession
	used    bool
}

func newLoginState() *loginState {
	st := &loginState{}
	st.reset()
	return st
}

func (st *loginState) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.key = []byte(randomToken("", 32))
	st.auto = nil
	st.requests = map[string]*loginRequest{}
	st.codes = map[string]*loginCode{}
	st.refresh = map[string]*loginRefresh{}
	st.sessions = map[string]*loginSession{}
	st.jtis = map[string]time.Time{}
	st.counts = LoginCounters{}
}

func (s *Server) loginRoutes() {
	s.mux.HandleFunc("GET /v1/authorize", s.serveLoginAuthorize)
	s.mux.HandleFunc("POST /v1/authorize", s.serveLoginDecision)
	s.mux.HandleFunc("GET "+loginConfirmPath, s.serveLoginConfirmation)
	s.mux.HandleFunc("POST /v1/token", s.serveREST(signinService, "CreateOAuth2Token", s.createOAuth2Token))
}

// findUser finds an IAM user of the world by name or ARN.
func (s *Server) findUser(nameOrARN string) *User {
	for i := range s.ix.world.Users {
		u := &s.ix.world.Users[i]
		if u.Name == nameOrARN || u.ARN() == nameOrARN {
			return u
		}
	}
	return nil
}

// SetLoginAutoApproveUser makes /v1/authorize approve at once as the IAM user
// (name or ARN) instead of showing the sign-in page; "" shows the page. It
// overrides the world's settings.login_auto_approve_user until Reset.
func (s *Server) SetLoginAutoApproveUser(user string) error {
	if user != "" && s.findUser(user) == nil {
		return ErrUnknownLoginUser
	}
	st := s.login
	st.mu.Lock()
	st.auto = &user
	st.mu.Unlock()
	return nil
}

// ErrUnknownLoginUser: no IAM user of the world has that name or ARN.
var ErrUnknownLoginUser = errors.New("no IAM user with that name or ARN")

func (s *Server) loginAutoUser() *User {
	st := s.login
	st.mu.Lock()
	auto := st.auto
	st.mu.Unlock()
	name := s.ix.world.Settings.LoginAutoApproveUser
	if auto != nil {
		name = *auto
	}
	if name == "" {
		return nil
	}
	return s.findUser(name)
}

// LoginCounters returns a snapshot of the sign-in token endpoint's counters.
func (s *Server) LoginCounters() LoginCounters {
	st := s.login
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.counts
}

// LoginSessionInfo describes a login session (no token values).
type LoginSessionInfo struct {
	ID      string    `json:"id"`
	User    string    `json:"user"` // the user's ARN: the profile's login_session
	Started time.Time `json:"started"`
	Expires time.Time `json:"expires"`
	Revoked bool      `json:"revoked"`
}

// LoginSessions lists the login sessions, oldest first.
func (s *Server) LoginSessions() []LoginSessionInfo {
	st := s.login
	st.mu.Lock()
	out := make([]LoginSessionInfo, 0, len(st.sessions))
	for _, ls := range st.sessions {
		out = append(out, LoginSessionInfo{ID: ls.id, User: ls.user.ARN(), Started: ls.started, Expires: ls.expires, Revoked: ls.revoked})
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		return out[i].Started.Before(out[j].Started) || out[i].Started.Equal(out[j].Started) && out[i].ID < out[j].ID
	})
	return out
}

// RevokeLoginSessions ends the login sessions of an IAM user (name or ARN;
// "" for all): their refresh tokens are refused with TOKEN_EXPIRED. It
// returns how many it ended.
func (s *Server) RevokeLoginSessions(user string) int {
	return s.endLoginSessions(user, func(ls *loginSession) { ls.revoked = true })
}

// ExpireLoginSessions makes login sessions reach the end of their lifetime
// now (user as for RevokeLoginSessions).
func (s *Server) ExpireLoginSessions(user string) int {
	now := s.now()
	return s.endLoginSessions(user, func(ls *loginSession) { ls.expires = now })
}

func (s *Server) endLoginSessions(user string, end func(*loginSession)) int {
	st := s.login
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, ls := range st.sessions {
		if ls.revoked || user != "" && ls.user.Name != user && ls.user.ARN() != user {
			continue
		}
		end(ls)
		n++
	}
	return n
}

// ---- the browser side ----

// serveLoginAuthorize checks an authorization request. Problems with the
// client or the redirect URI show an error page (nothing is sent to an
// unchecked URI); the others are redirected as OAuth errors.
func (s *Server) serveLoginAuthorize(w http.ResponseWriter, r *http.Request) {
	const key = "signin:Authorize"
	start, reqID := time.Now(), newRequestID()
	var aerr *apiError
	defer func() { s.logCall(key, reqID, aerr, time.Since(start)) }()
	now := s.now()
	showErr := func(msg string) {
		aerr = newAPIError(http.StatusBadRequest, "ValidationException", msg)
		s.count(key, aerr)
		renderPage(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: msg})
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		showErr("The request's query string is malformed.")
		return
	}
	req := &loginRequest{
		clientID: q.Get("client_id"), redirectURI: q.Get("redirect_uri"), state: q.Get("state"),
		challenge: q.Get("code_challenge"), expires: now.Add(loginRequestLifetime),
	}
	switch req.clientID {
	case LoginClientSameDevice:
		u, ok := loopbackURI(req.redirectURI)
		if !ok || u.Path != loginCallbackPath || u.Hostname() == "localhost" {
			showErr("The redirect_uri must be http://127.0.0.1:PORT" + loginCallbackPath + " for the same-device client.")
			return
		}
	case LoginClientCrossDevice:
		u, err := url.Parse(req.redirectURI)
		if err != nil || u.Host != r.Host || u.Path != loginConfirmPath {
			showErr("The redirect_uri must be this endpoint's " + loginConfirmPath + " for the cross-device client.")
			return
		}
	default:
		showErr("Unknown client_id.")
		return
	}
	oauthErr := func(code, desc string) {
		aerr = newAPIError(http.StatusFound, code, desc)
		s.count(key, aerr)
		http.Redirect(w, r, req.redirectWith(url.Values{"error": {code}, "error_description": {desc}}), http.StatusFound)
	}
	switch {
	case q.Get("response_type") != "code":
		oauthErr("unsupported_response_type", "response_type must be code")
		return
	case q.Get("code_challenge_method") != "SHA-256" || !pkceChallengeRe.MatchString(req.challenge):
		oauthErr("invalid_request", "PKCE with code_challenge_method SHA-256 and a 43-character code_challenge is required")
		return
	case q.Get("scope") != "openid":
		oauthErr("invalid_scope", "scope must be openid")
		return
	case req.state == "":
		oauthErr("invalid_request", "state is required")
		return
	}
	if u := s.loginAutoUser(); u != nil {
		s.count(key, nil)
		http.Redirect(w, r, s.approveLogin(req, u, now), http.StatusFound)
		return
	}
	req.id = randomToken("", 18)
	st := s.login
	st.mu.Lock()
	st.prune(now)
	st.requests[req.id] = req
	st.mu.Unlock()
	s.count(key, nil)
	names := make([]string, 0, len(s.ix.world.Users))
	for i := range s.ix.world.Users {
		names = append(names, s.ix.world.Users[i].ARN())
	}
	renderPage(w, http.StatusOK, page{
		Title:   "Sign in to the AWS Management Console",
		Message: "Developer tools ask for access to your AWS credentials (" + req.clientID + ").",
		Form:    true, Action: "/v1/authorize",
		Hidden: []hidden{{"request_id", req.id}},
		Users:  names,
	})
}

func (s *Server) serveLoginDecision(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	if err := r.ParseForm(); err != nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: "The form does not parse."})
		return
	}
	st := s.login
	st.mu.Lock()
	req := st.requests[r.PostForm.Get("request_id")]
	if req != nil {
		delete(st.requests, req.id)
	}
	st.mu.Unlock()
	if req == nil || !now.Before(req.expires) {
		renderPage(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: "The sign-in request is unknown or has expired."})
		return
	}
	if r.PostForm.Get("action") != "approve" {
		http.Redirect(w, r, req.redirectWith(url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}}), http.StatusFound)
		return
	}
	u := s.findUser(r.PostForm.Get("user"))
	if u == nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Sign-in failed", Error: "Unknown user."})
		return
	}
	http.Redirect(w, r, s.approveLogin(req, u, now), http.StatusFound)
}

func (req *loginRequest) redirectWith(params url.Values) string {
	params.Set("state", req.state)
	sep := "?"
	if strings.Contains(req.redirectURI, "?") {
		sep = "&"
	}
	return req.redirectURI + sep + params.Encode()
}

func (s *Server) approveLogin(req *loginRequest, u *User, now time.Time) string {
	code := randomToken("", 32)
	st := s.login
	st.mu.Lock()
	st.codes[code] = &loginCode{clientID: req.clientID, redirectURI: req.redirectURI, challenge: req.challenge, user: u, expires: now.Add(loginCodeLifetime)}
	st.mu.Unlock()
	return req.redirectWith(url.Values{"code": {code}})
}

// serveLoginConfirmation is where the cross-device flow lands: it shows the
// value the user pastes into the CLI, base64("state=…&code=…").
func (s *Server) serveLoginConfirmation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("error") != "" {
		renderPage(w, http.StatusOK, page{Title: "Sign-in failed", Error: q.Get("error") + ": " + q.Get("error_description")})
		return
	}
	v := url.Values{"state": {q.Get("state")}, "code": {q.Get("code")}}
	code := base64.StdEncoding.EncodeToString([]byte("state=" + url.QueryEscape(v.Get("state")) + "&code=" + url.QueryEscape(v.Get("code"))))
	renderPage(w, http.StatusOK, page{Title: "Signed in", Message: "Paste this code into the CLI: " + code, UserCode: code})
}

// prune drops expired requests, codes and replay-cache entries.
func (st *loginState) prune(now time.Time) {
	for k, v := range st.requests {
		if !now.Before(v.expires) {
			delete(st.requests, k)
		}
	}
	for k, v := range st.codes {
		if !now.Before(v.expires) {
			delete(st.codes, k)
		}
	}
	for k, exp := range st.jtis {
		if !now.Before(exp) {
			delete(st.jtis, k)
		}
	}
}

// ---- CreateOAuth2Token ----

type oauth2TokenInput struct {
	ClientID     string `json:"clientId"`
	GrantType    string `json:"grantType"`
	Code         string `json:"code"`
	CodeVerifier string `json:"codeVerifier"`
	RedirectURI  string `json:"redirectUri"`
	RefreshToken string `json:"refreshToken"`
}

type oauth2AccessToken struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

type oauth2TokenOutput struct {
	AccessToken  oauth2AccessToken `json:"accessToken"`
	TokenType    string            `json:"tokenType"`
	ExpiresIn    int               `json:"expiresIn"`
	RefreshToken string            `json:"refreshToken"`
	IDToken      string            `json:"idToken,omitempty"`
}

func signinErr(status int, code, oauthCode, msg string) *apiError {
	e := newAPIError(status, code, msg)
	e.detail = oauthCode
	return e
}

func errSigninInvalid(msg string) *apiError {
	return signinErr(http.StatusBadRequest, "ValidationException", "INVALID_REQUEST", msg)
}

func errSigninExpired(msg string) *apiError {
	return signinErr(http.StatusBadRequest, "AccessDeniedException", "TOKEN_EXPIRED", msg)
}

func (s *Server) createOAuth2Token(c *restCall) (any, *apiError) {
	if len(c.r.URL.RawQuery) > 0 {
		return nil, errSigninInvalid("this emulator serves CreateOAuth2Token only (no query string)")
	}
	var in oauth2TokenInput
	if e := decodeRESTBody(c.body, &in); e != nil {
		return nil, errSigninInvalid(e.Message)
	}
	st := s.login
	st.mu.Lock()
	defer st.mu.Unlock()
	st.prune(c.now)
	jkt, reason := st.checkDPoP(c.r, c.now)
	if reason != "" {
		st.counts.RejectedProofs++
		return nil, errSigninInvalid("Invalid DPoP proof").withReason(reason)
	}
	if in.ClientID != LoginClientSameDevice && in.ClientID != LoginClientCrossDevice {
		return nil, errSigninInvalid("Unknown clientId")
	}
	switch in.GrantType {
	case "authorization_code":
		return s.exchangeLoginCode(c, &in, jkt)
	case "refresh_token":
		return s.refreshLogin(c, &in, jkt)
	}
	return nil, errSigninInvalid("grantType must be authorization_code or refresh_token")
}

// exchangeLoginCode serves the authorization_code grant; st.mu is held.
func (s *Server) exchangeLoginCode(c *restCall, in *oauth2TokenInput, jkt string) (any, *apiError) {
	st := s.login
	code := st.codes[in.Code]
	switch {
	case in.Code == "" || in.CodeVerifier == "" || in.RedirectURI == "":
		return nil, errSigninInvalid("code, codeVerifier and redirectUri are required")
	case code == nil:
		return nil, signinErr(http.StatusBadRequest, "AccessDeniedException", "AUTHCODE_EXPIRED", "The authorization code is invalid or has expired")
	case code.used:
		return nil, signinErr(http.StatusBadRequest, "AccessDeniedException", "AUTHCODE_EXPIRED", "The authorization code was already used").withReason("code replayed")
	case !c.now.Before(code.expires):
		return nil, signinErr(http.StatusBadRequest, "AccessDeniedException", "AUTHCODE_EXPIRED", "The authorization code has expired")
	case code.clientID != in.ClientID:
		return nil, errSigninInvalid("clientId differs from the one sent to /v1/authorize")
	case code.redirectURI != in.RedirectURI:
		return nil, errSigninInvalid("redirectUri differs from the one sent to /v1/authorize")
	case !pkceVerifierRe.MatchString(in.CodeVerifier):
		return nil, errSigninInvalid("codeVerifier must be 43-128 characters of [A-Za-z0-9-._~]")
	}
	sum := sha256.Sum256([]byte(in.CodeVerifier))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(code.challenge)) != 1 {
		return nil, errSigninInvalid("codeVerifier does not match the code_challenge").withReason("PKCE mismatch")
	}
	code.used = true
	now := c.now.UTC().Truncate(time.Second)
	ls := &loginSession{id: randomToken("", 12), user: code.user, jkt: jkt, started: now, expires: now.Add(LoginSessionLifetime)}
	st.sessions[ls.id] = ls
	out, e := s.issueLogin(ls, now)
	if e != nil {
		return nil, e
	}
	out.IDToken = s.loginIDToken(st, ls, in.ClientID, now)
	st.counts.CodeExchanges++
	return out, nil
}

// refreshLogin serves the refresh_token grant; st.mu is held.
func (s *Server) refreshLogin(c *restCall, in *oauth2TokenInput, jkt string) (any, *apiError) {
	st := s.login
	rt := st.refresh[in.RefreshToken]
	switch {
	case in.RefreshToken == "":
		return nil, errSigninInvalid("refreshToken is required")
	case rt == nil:
		return nil, errSigninExpired("The refresh token is invalid").withReason("unknown refresh token")
	case rt.used:
		st.counts.ReplayedRefreshTokens++
		rt.session.revoked = true
		return nil, errSigninExpired("The refresh token is invalid").withReason("used refresh token presented again: session ended")
	case rt.session.revoked:
		return nil, errSigninExpired("The login session has ended").withReason("session revoked")
	case !c.now.Before(rt.session.expires):
		return nil, errSigninExpired("The login session has expired")
	case rt.session.jkt != jkt:
		return nil, errSigninInvalid("The DPoP proof is not made with the session's key").withReason("DPoP key differs from the bound one")
	}
	rt.used = true
	out, e := s.issueLogin(rt.session, c.now.UTC().Truncate(time.Second))
	if e != nil {
		return nil, e
	}
	st.counts.Refreshes++
	return out, nil
}

// issueLogin mints credentials and a fresh refresh token for a session;
// st.mu is held (issue takes s.mu, never st.mu).
func (s *Server) issueLogin(ls *loginSession, now time.Time) (*oauth2TokenOutput, *apiError) {
	d := loginAccessLifetime
	if left := ls.expires.Sub(now); left < d {
		d = left
	}
	p := s.ix.userPrincipal(ls.user)
	p.kind = kindUserSession
	sess, err := s.issue(p, "signin:CreateOAuth2Token", now, d)
	if err != nil {
		return nil, errInternalFailure()
	}
	refresh := randomToken("", 96)
	s.login.refresh[refresh] = &loginRefresh{session: ls}
	return &oauth2TokenOutput{
		AccessToken: oauth2AccessToken{AccessKeyID: sess.accessKeyID, SecretAccessKey: sess.secret, SessionToken: sess.token},
		TokenType:   "aws_sigv4", ExpiresIn: int(sess.expiration.Sub(sess.issued) / time.Second), RefreshToken: refresh,
	}, nil
}

// loginIDToken is an OpenID ID token naming the user (sub: its ARN, the
// profile's login_session), HMAC-signed with the emulator's key.
func (s *Server) loginIDToken(st *loginState, ls *loginSession, clientID string, now time.Time) string {
	enc := base64.RawURLEncoding
	hdr, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{
		"iss": "https://signin.aws.amazon.com", "sub": ls.user.ARN(), "aud": clientID,
		"iat": now.Unix(), "exp": ls.expires.Unix(), "account_id": ls.user.Account,
	})
	msg := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	m := hmac.New(sha256.New, st.key)
	m.Write([]byte(msg))
	return msg + "." + enc.EncodeToString(m.Sum(nil))
}

// checkDPoP verifies the request's DPoP proof and returns the thumbprint
// (RFC 7638) of its key, or why it was refused. st.mu is held.
func (st *loginState) checkDPoP(r *http.Request, now time.Time) (jkt, reason string) {
	vals := r.Header.Values("DPoP")
	if len(vals) != 1 {
		return "", "exactly one DPoP header is required"
	}
	parts := strings.Split(vals[0], ".")
	if len(parts) != 3 {
		return "", "the DPoP proof is not a compact JWS"
	}
	enc := base64.RawURLEncoding
	hdrJSON, err1 := enc.DecodeString(parts[0])
	payJSON, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return "", "the DPoP proof is not base64url"
	}
	var hdr struct {
		Typ string `json:"typ"`
		Alg string `json:"alg"`
		JWK struct {
			Kty string `json:"kty"`
			Crv string `json:"crv"`
			X   string `json:"x"`
			Y   string `json:"y"`
			D   string `json:"d"`
		} `json:"jwk"`
	}
	var pay struct {
		Htm string          `json:"htm"`
		Htu string          `json:"htu"`
		Iat json.Number     `json:"iat"`
		Jti string          `json:"jti"`
		Ath json.RawMessage `json:"ath"`
	}
	if json.Unmarshal(hdrJSON, &hdr) != nil || json.Unmarshal(payJSON, &pay) != nil {
		return "", "the DPoP proof's header or payload is not JSON"
	}
	switch {
	case hdr.Typ != "dpop+jwt":
		return "", "typ must be dpop+jwt"
	case hdr.Alg != "ES256":
		return "", "alg must be ES256"
	case hdr.JWK.Kty != "EC" || hdr.JWK.Crv != "P-256":
		return "", "jwk must be an EC P-256 public key"
	case hdr.JWK.D != "":
		return "", "jwk carries a private key"
	}
	x, errX := enc.DecodeString(hdr.JWK.X)
	y, errY := enc.DecodeString(hdr.JWK.Y)
	// RFC 7518 wants 32-byte coordinates; the AWS SDK for Go v2 writes them
	// without leading zero bytes (big.Int.Bytes), so shorter ones are
	// accepted and padded.
	if errX != nil || errY != nil || len(x) == 0 || len(x) > 32 || len(y) == 0 || len(y) > 32 {
		return "", "jwk coordinates are malformed"
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: new(big.Int).SetBytes(x), Y: new(big.Int).SetBytes(y)}
	if !pub.Curve.IsOnCurve(pub.X, pub.Y) {
		return "", "jwk is not a point of P-256"
	}
	if len(sig) != 64 {
		return "", "the signature must be 64 bytes (r‖s)"
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return "", "the DPoP signature does not verify"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	want := scheme + "://" + r.Host + r.URL.Path
	htu, err := url.Parse(pay.Htu)
	iat, errIat := pay.Iat.Int64()
	switch {
	case pay.Htm != r.Method:
		return "", "htm does not match the request method"
	case err != nil || !strings.EqualFold(htu.Scheme+"://"+htu.Host, scheme+"://"+r.Host) || htu.Path != r.URL.Path:
		return "", "htu " + truncate(pay.Htu, 80) + " does not match " + want
	case errIat != nil:
		return "", "iat must be a number"
	case time.Unix(iat, 0).Before(now.Add(-dpopMaxAge)) || time.Unix(iat, 0).After(now.Add(dpopMaxAge)):
		return "", "iat is too far from the server's clock"
	case len(pay.Jti) < 16 || len(pay.Jti) > 128:
		return "", "jti must be 16-128 characters"
	}
	if _, seen := st.jtis[pay.Jti]; seen {
		return "", "the DPoP proof was replayed (jti seen before)"
	}
	st.jtis[pay.Jti] = now.Add(2 * dpopMaxAge)
	// RFC 7638 thumbprint over the required members in lexical order.
	pad := func(b []byte) string { return enc.EncodeToString(append(make([]byte, 32-len(b)), b...)) }
	tp := sha256.Sum256([]byte(`{"crv":"P-256","kty":"EC","x":"` + pad(x) + `","y":"` + pad(y) + `"}`))
	return enc.EncodeToString(tp[:]), ""
}
