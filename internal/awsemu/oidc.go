package awsemu

// SSO OIDC (service sso-oidc): RegisterClient (POST /client/register),
// StartDeviceAuthorization (POST /device_authorization) and CreateToken
// (POST /token) as rest-json, unsigned; plus the browser side a real
// Identity Center serves elsewhere: the /authorize endpoint of the
// authorization-code + PKCE flow and the device verification page
// (/device?user_code=…), both tiny HTML sign-in pages with Approve and Deny
// buttons: plain forms, no JavaScript, so tests can drive them over HTTP.

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Grant types of CreateToken.
const (
	grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"
	grantAuthCode   = "authorization_code"
	grantRefresh    = "refresh_token"
)

var (
	scopeRe    = regexp.MustCompile(`^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.*-]+)+$`)
	verifierRe = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)
)

func (s *Server) oidcRoutes() {
	s.mux.HandleFunc("POST /client/register", s.serveREST(oidcService, "RegisterClient", s.registerClient))
	s.mux.HandleFunc("POST /device_authorization", s.serveREST(oidcService, "StartDeviceAuthorization", s.startDeviceAuthorization))
	s.mux.HandleFunc("POST /token", s.serveREST(oidcService, "CreateToken", s.createToken))
	s.mux.HandleFunc("GET /authorize", s.serveAuthorize)
	s.mux.HandleFunc("POST /authorize", s.serveAuthorizeDecision)
	s.mux.HandleFunc("GET /device", s.serveDevicePage)
	s.mux.HandleFunc("POST /device", s.serveDeviceDecision)
}

// oidcErr builds an OIDC error: InvalidClientException is 401,
// InternalServerException 500, every other one 400.
func oidcErr(shape, desc string) *apiError {
	status := http.StatusBadRequest
	switch shape {
	case "InvalidClientException":
		status = http.StatusUnauthorized
	case "InternalServerException":
		status = http.StatusInternalServerError
	}
	return newAPIError(status, shape, desc)
}

func errMissing(member string) *apiError {
	return oidcErr("InvalidRequestException", "Missing required parameter: "+member)
}

// ---- RegisterClient ----

type registerClientInput struct {
	ClientName   string   `json:"clientName"`
	ClientType   string   `json:"clientType"`
	Scopes       []string `json:"scopes"`
	RedirectURIs []string `json:"redirectUris"`
	GrantTypes   []string `json:"grantTypes"`
	IssuerURL    string   `json:"issuerUrl"`
}

type registerClientOutput struct {
	ClientID              string `json:"clientId"`
	ClientSecret          string `json:"clientSecret"`
	ClientIDIssuedAt      int64  `json:"clientIdIssuedAt"`
	ClientSecretExpiresAt int64  `json:"clientSecretExpiresAt"`
}

func (s *Server) registerClient(c *restCall) (any, *apiError) {
	var in registerClientInput
	if e := decodeRESTBody(c.body, &in); e != nil {
		return nil, e
	}
	switch {
	case in.ClientName == "":
		return nil, errMissing("clientName")
	case in.ClientType == "":
		return nil, errMissing("clientType")
	case in.ClientType != "public":
		return nil, oidcErr("InvalidClientMetadataException", "Invalid client type: only public clients are supported")
	}
	for _, sc := range in.Scopes {
		if !scopeRe.MatchString(sc) {
			return nil, oidcErr("InvalidScopeException", "Invalid scope: "+truncate(sc, 128))
		}
	}
	for _, g := range in.GrantTypes {
		if g != grantDeviceCode && g != grantAuthCode && g != grantRefresh {
			return nil, oidcErr("InvalidClientMetadataException", "Unsupported grant type: "+truncate(g, 128))
		}
	}
	cl := &oidcClient{
		name:       in.ClientName,
		scopes:     append([]string(nil), in.Scopes...),
		grantTypes: append([]string(nil), in.GrantTypes...),
	}
	for _, raw := range in.RedirectURIs {
		u, ok := loopbackURI(raw)
		if !ok {
			return nil, oidcErr("InvalidRedirectUriException", "Invalid redirect URI: public clients may only use http loopback redirect URIs")
		}
		cl.redirectURIs = append(cl.redirectURIs, u)
	}
	if cl.allowsGrant(grantAuthCode) && len(cl.redirectURIs) == 0 {
		return nil, oidcErr("InvalidRequestException", "redirectUris are required for the authorization_code grant")
	}
	issued := c.now.UTC().Truncate(time.Second)
	cl.id = randomToken("", 16) + base64.RawURLEncoding.EncodeToString([]byte(s.ix.ic.regionOrDefault()))
	cl.secret = randomToken("eyJraWQiOiJrZXktYXdzZW11In0.", 240)
	cl.issued = issued
	cl.expires = issued.Add(s.ix.ic.registrationLifetime())
	st := s.sso
	st.mu.Lock()
	st.clients[cl.id] = cl
	st.mu.Unlock()
	return registerClientOutput{
		ClientID: cl.id, ClientSecret: cl.secret,
		ClientIDIssuedAt: issued.Unix(), ClientSecretExpiresAt: cl.expires.Unix(),
	}, nil
}

func (ic *icIndex) regionOrDefault() string {
	if ic.region == "" {
		return defaultICRegion
	}
	return ic.region
}

// loopbackURI parses an http URI on a loopback host (any port).
func loopbackURI(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return nil, false
	}
	h := u.Hostname()
	if h == "localhost" {
		return u, true
	}
	ip := net.ParseIP(h)
	return u, ip != nil && ip.IsLoopback()
}

// redirectAllowed reports whether a loopback redirect URI matches one of the
// client's registered URIs: same scheme, host and path; the port is free
// (clients register http://127.0.0.1/oauth/callback and listen anywhere).
func (c *oidcClient) redirectAllowed(u *url.URL) bool {
	for _, r := range c.redirectURIs {
		if strings.EqualFold(r.Hostname(), u.Hostname()) && r.Path == u.Path {
			return true
		}
	}
	return false
}

// authClient checks a client id and secret.
func (s *Server) authClient(id, secret string, now time.Time) (*oidcClient, *apiError) {
	st := s.sso
	st.mu.Lock()
	cl := st.clients[id]
	st.mu.Unlock()
	if cl == nil || subtle.ConstantTimeCompare([]byte(cl.secret), []byte(secret)) != 1 {
		return nil, oidcErr("InvalidClientException", "Invalid client provided").withReason("unknown client id or wrong client secret")
	}
	if !now.Before(cl.expires) {
		return nil, oidcErr("InvalidClientException", "Client registration has expired").withReason("registration of " + cl.name + " expired")
	}
	return cl, nil
}

// ---- StartDeviceAuthorization ----

type startDeviceAuthorizationInput struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	StartURL     string `json:"startUrl"`
}

type startDeviceAuthorizationOutput struct {
	DeviceCode              string `json:"deviceCode"`
	UserCode                string `json:"userCode"`
	VerificationURI         string `json:"verificationUri"`
	VerificationURIComplete string `json:"verificationUriComplete"`
	ExpiresIn               int    `json:"expiresIn"`
	Interval                int    `json:"interval"`
}

type grantStatus int

const (
	grantPending grantStatus = iota
	grantApproved
	grantDenied
	grantRedeemed
)

// deviceGrant is one device authorization.
type deviceGrant struct {
	deviceCode string
	userCode   string
	client     *oidcClient
	issued     time.Time
	expires    time.Time
	interval   time.Duration // grows by 5 s with every slow_down
	lastPoll   time.Time
	polls      int
	status     grantStatus
	user       string
}

func (s *Server) startDeviceAuthorization(c *restCall) (any, *apiError) {
	var in startDeviceAuthorizationInput
	if e := decodeRESTBody(c.body, &in); e != nil {
		return nil, e
	}
	switch {
	case in.ClientID == "":
		return nil, errMissing("clientId")
	case in.ClientSecret == "":
		return nil, errMissing("clientSecret")
	case in.StartURL == "":
		return nil, errMissing("startUrl")
	}
	cl, e := s.authClient(in.ClientID, in.ClientSecret, c.now)
	if e != nil {
		return nil, e
	}
	if registered := cl.grantTypes; len(registered) > 0 && !cl.allowsGrant(grantDeviceCode) {
		return nil, oidcErr("UnauthorizedClientException", "The client is not registered for the device code grant")
	}
	ic := s.ix.ic
	if !ic.enabled || normStartURL(in.StartURL) != ic.startURL {
		return nil, oidcErr("InvalidRequestException", "Invalid start URL").withReason("start URL is not the world's identity_center.instance.start_url")
	}
	interval := ic.pollInterval()
	g := &deviceGrant{
		deviceCode: randomToken("", 96),
		userCode:   newUserCode(),
		client:     cl,
		issued:     c.now,
		expires:    c.now.Add(ic.deviceCodeLifetime()),
		interval:   time.Duration(interval) * time.Second,
	}
	if u := s.autoApproveUser(); u != "" {
		g.status, g.user = grantApproved, u
	}
	st := s.sso
	st.mu.Lock()
	st.prune(c.now)
	for st.userCodes[g.userCode] != nil {
		g.userCode = newUserCode()
	}
	st.devices[g.deviceCode] = g
	st.userCodes[g.userCode] = g
	st.mu.Unlock()
	verify := baseURL(c.r) + "/device"
	return startDeviceAuthorizationOutput{
		DeviceCode:              g.deviceCode,
		UserCode:                g.userCode,
		VerificationURI:         verify,
		VerificationURIComplete: verify + "?user_code=" + url.QueryEscape(g.userCode),
		ExpiresIn:               int(ic.deviceCodeLifetime() / time.Second),
		Interval:                interval,
	}, nil
}

// baseURL is the emulator's own URL as the client reached it.
func baseURL(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = "127.0.0.1"
	}
	return "http://" + host
}

// prune forgets authorizations long past their expiry; st.mu is held.
// Expired ones are kept for an hour so that polls still get expired_token.
func (st *ssoState) prune(now time.Time) {
	cutoff := now.Add(-time.Hour)
	for code, g := range st.devices {
		if g.expires.Before(cutoff) {
			delete(st.devices, code)
			delete(st.userCodes, g.userCode)
		}
	}
	for id, r := range st.authReqs {
		if r.expires.Before(cutoff) {
			delete(st.authReqs, id)
		}
	}
	for code, a := range st.codes {
		if a.expires.Before(cutoff) {
			delete(st.codes, code)
		}
	}
}

// ---- CreateToken ----

type createTokenInput struct {
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	GrantType    string   `json:"grantType"`
	DeviceCode   string   `json:"deviceCode"`
	Code         string   `json:"code"`
	RefreshToken string   `json:"refreshToken"`
	Scope        []string `json:"scope"`
	RedirectURI  string   `json:"redirectUri"`
	CodeVerifier string   `json:"codeVerifier"`
}

type createTokenOutput struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	ExpiresIn    int    `json:"expiresIn"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

func (s *Server) createToken(c *restCall) (any, *apiError) {
	var in createTokenInput
	if e := decodeRESTBody(c.body, &in); e != nil {
		return nil, e
	}
	switch {
	case in.ClientID == "":
		return nil, errMissing("clientId")
	case in.ClientSecret == "":
		return nil, errMissing("clientSecret")
	case in.GrantType == "":
		return nil, errMissing("grantType")
	}
	cl, e := s.authClient(in.ClientID, in.ClientSecret, c.now)
	if e != nil {
		return nil, e
	}
	switch in.GrantType {
	case grantDeviceCode, grantAuthCode, grantRefresh:
	default:
		return nil, oidcErr("UnsupportedGrantTypeException", "Unsupported grant type: "+truncate(in.GrantType, 128))
	}
	if !s.grantAllowed(cl, in.GrantType) {
		return nil, oidcErr("UnauthorizedClientException", "The client is not authorized to use the "+in.GrantType+" grant")
	}
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	var si *signIn
	switch in.GrantType {
	case grantDeviceCode:
		si, e = s.redeemDeviceCode(cl, in.DeviceCode, c.now)
	case grantAuthCode:
		si, e = s.redeemAuthCode(cl, &in, c.now)
	case grantRefresh:
		si, e = s.redeemRefreshToken(cl, in.RefreshToken, c.now)
	}
	if e != nil {
		return nil, e
	}
	access, refresh := s.issueTokensLocked(si, c.now)
	return createTokenOutput{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int(s.ix.ic.accessTokenLifetime() / time.Second),
		RefreshToken: refresh,
	}, nil
}

// grantAllowed applies the registration's grant types: a client registered
// without any (the AWS CLI 2.9 device flow) may use the device code grant
// and, when it has scopes, refresh tokens; otherwise only the listed
// grants.
func (s *Server) grantAllowed(cl *oidcClient, grant string) bool {
	if len(cl.grantTypes) == 0 {
		return grant == grantDeviceCode || grant == grantRefresh
	}
	return cl.allowsGrant(grant)
}

// redeemDeviceCode answers a device-code poll; st.mu is held.
func (s *Server) redeemDeviceCode(cl *oidcClient, code string, now time.Time) (*signIn, *apiError) {
	if code == "" {
		return nil, errMissing("deviceCode")
	}
	g := s.sso.devices[code]
	if g == nil || g.client != cl || g.status == grantRedeemed {
		return nil, oidcErr("InvalidGrantException", "Invalid device code provided").withReason("unknown, foreign or already redeemed device code")
	}
	if !now.Before(g.expires) {
		return nil, oidcErr("ExpiredTokenException", "Device code has expired")
	}
	switch g.status {
	case grantDenied:
		return nil, oidcErr("AccessDeniedException", "The user denied the authorization request")
	case grantApproved:
		g.status = grantRedeemed
		return s.newSignInLocked(g.user, cl, cl.scopes, grantDeviceCode), nil
	}
	// The first poll is a free probe: AWS CLI 2.9 polls once before it
	// prints the code and again right after. A small tolerance absorbs the
	// time a request spends in transit.
	g.polls++
	last := g.lastPoll
	if g.polls > 1 {
		g.lastPoll = now
	}
	if !last.IsZero() && now.Sub(last) < g.interval-100*time.Millisecond {
		g.interval += 5 * time.Second
		return nil, oidcErr("SlowDownException", "Client is polling too fast").
			withReason("polled " + now.Sub(last).Round(time.Millisecond).String() + " after the previous poll")
	}
	return nil, oidcErr("AuthorizationPendingException", "Authorization is still pending")
}

// redeemAuthCode exchanges an authorization code; st.mu is held.
func (s *Server) redeemAuthCode(cl *oidcClient, in *createTokenInput, now time.Time) (*signIn, *apiError) {
	switch {
	case in.Code == "":
		return nil, errMissing("code")
	case in.RedirectURI == "":
		return nil, errMissing("redirectUri")
	case in.CodeVerifier == "":
		return nil, errMissing("codeVerifier")
	case !verifierRe.MatchString(in.CodeVerifier):
		return nil, oidcErr("InvalidRequestException", "The code verifier must be 43-128 characters of [A-Za-z0-9-._~]")
	}
	invalid := oidcErr("InvalidGrantException", "Invalid authorization code provided")
	ac := s.sso.codes[in.Code]
	if ac == nil || ac.client != cl {
		return nil, invalid.withReason("unknown or foreign authorization code")
	}
	if ac.used {
		return nil, invalid.withReason("authorization code already used")
	}
	ac.used = true
	if !now.Before(ac.expires) {
		return nil, invalid.withReason("authorization code expired")
	}
	if in.RedirectURI != ac.redirectURI {
		return nil, invalid.withReason("redirectUri differs from the one sent to /authorize")
	}
	if pkceChallenge(in.CodeVerifier) != ac.challenge {
		return nil, invalid.withReason("PKCE code verifier does not match the code challenge")
	}
	return s.newSignInLocked(ac.user, cl, ac.scopes, grantAuthCode), nil
}

// pkceChallenge is the S256 challenge of a verifier (RFC 7636).
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// redeemRefreshToken uses a refresh token (single use); st.mu is held.
func (s *Server) redeemRefreshToken(cl *oidcClient, token string, now time.Time) (*signIn, *apiError) {
	if token == "" {
		return nil, errMissing("refreshToken")
	}
	invalid := oidcErr("InvalidGrantException", "Invalid refresh token provided")
	rt := s.sso.refresh[token]
	switch {
	case rt == nil || rt.signIn.client != cl:
		return nil, invalid.withReason("unknown or foreign refresh token")
	case rt.used:
		return nil, invalid.withReason("refresh token already used")
	case rt.revoked:
		return nil, invalid.withReason("refresh token revoked")
	case rt.signIn.loggedOut:
		return nil, invalid.withReason("the sign-in session was logged out")
	case !now.Before(rt.expires):
		return nil, invalid.withReason("refresh token expired")
	}
	rt.used = true
	return rt.signIn, nil
}

// newSignInLocked starts a sign-in session; st.mu is held.
func (s *Server) newSignInLocked(user string, cl *oidcClient, scopes []string, grant string) *signIn {
	s.sso.signIns++
	return &signIn{id: s.sso.signIns, user: user, client: cl, scopes: scopes, grant: grant}
}

// issueTokensLocked mints an access token, and a refresh token when the
// client registered scopes; st.mu is held.
func (s *Server) issueTokensLocked(si *signIn, now time.Time) (access, refresh string) {
	ic := s.ix.ic
	issued := now.UTC().Truncate(time.Second)
	access = randomToken("aoa", 120)
	s.sso.access[access] = &accessToken{signIn: si, issued: issued, expires: issued.Add(ic.accessTokenLifetime())}
	if len(si.client.scopes) > 0 {
		refresh = randomToken("aor", 120)
		s.sso.refresh[refresh] = &refreshToken{signIn: si, issued: issued, expires: issued.Add(ic.refreshTokenLifetime())}
	}
	return access, refresh
}

// ---- /authorize: authorization code + PKCE ----

// authRequest is an /authorize request waiting for the user's decision.
type authRequest struct {
	id          string
	client      *oidcClient
	redirectURI string // exactly as sent, port included
	state       string
	hasState    bool
	challenge   string
	scopes      []string
	expires     time.Time
}

// authCode is an issued authorization code.
type authCode struct {
	client      *oidcClient
	redirectURI string
	challenge   string
	scopes      []string
	user        string
	expires     time.Time
	used        bool
}

// serveAuthorize validates an /authorize request. Problems with the client
// or redirect URI are shown on an error page (never redirected to an
// unchecked URI); the others are redirected to the client as OAuth errors.
// A valid request is approved at once under auto-approval, else it shows
// the sign-in page.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newRequestID()
	const key = "sso-oidc:Authorize"
	var aerr *apiError
	defer func() { s.logCall(key, reqID, aerr, time.Since(start)) }()
	now := s.now()
	showErr := func(status int, msg string) {
		aerr = newAPIError(status, "InvalidRequestException", msg)
		s.count(key, aerr)
		renderPage(w, status, page{Title: "Authorization failed", Error: msg})
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		showErr(http.StatusBadRequest, "The request's query string is malformed.")
		return
	}
	ic := s.ix.ic
	if !ic.enabled {
		showErr(http.StatusBadRequest, "This emulator's world has no identity_center.")
		return
	}
	st := s.sso
	st.mu.Lock()
	cl := st.clients[q.Get("client_id")]
	st.mu.Unlock()
	if cl == nil {
		showErr(http.StatusBadRequest, "Unknown client_id.")
		return
	}
	if !now.Before(cl.expires) {
		showErr(http.StatusBadRequest, "The client registration has expired.")
		return
	}
	redirect := q.Get("redirect_uri")
	ru, ok := loopbackURI(redirect)
	if !ok || !cl.redirectAllowed(ru) {
		showErr(http.StatusBadRequest, "The redirect_uri is not a loopback URI registered by this client.")
		return
	}
	state, hasState := q["state"]
	req := &authRequest{
		client: cl, redirectURI: redirect, hasState: hasState,
		challenge: q.Get("code_challenge"), expires: now.Add(authRequestLifetime),
	}
	if hasState {
		req.state = state[0]
	}
	oauthErr := func(code, desc string) {
		aerr = newAPIError(http.StatusFound, code, desc)
		s.count(key, aerr)
		http.Redirect(w, r, req.redirectWith(url.Values{"error": {code}, "error_description": {desc}}), http.StatusFound)
	}
	scopeText := q.Get("scopes")
	if scopeText == "" {
		scopeText = q.Get("scope")
	}
	req.scopes = strings.Fields(scopeText)
	switch {
	case !cl.allowsGrant(grantAuthCode):
		oauthErr("unauthorized_client", "The client is not registered for the authorization_code grant")
		return
	case q.Get("response_type") != "code":
		oauthErr("unsupported_response_type", "response_type must be code")
		return
	case req.challenge == "" || q.Get("code_challenge_method") != "S256":
		oauthErr("invalid_request", "PKCE with code_challenge_method S256 is required")
		return
	case !subset(req.scopes, cl.scopes):
		oauthErr("invalid_scope", "The requested scopes were not registered by the client")
		return
	}
	if len(req.scopes) == 0 {
		req.scopes = cl.scopes
	}
	if u := s.autoApproveUser(); u != "" {
		s.count(key, nil)
		http.Redirect(w, r, s.approveAuthRequest(req, u, now), http.StatusFound)
		return
	}
	req.id = randomToken("", 18)
	st.mu.Lock()
	st.prune(now)
	st.authReqs[req.id] = req
	st.mu.Unlock()
	s.count(key, nil)
	renderPage(w, http.StatusOK, page{
		Title:   "Sign in to " + ic.startURL,
		Message: "The application " + cl.name + " asks for access (" + strings.Join(req.scopes, " ") + ").",
		Form:    true, Action: "/authorize",
		Hidden: []hidden{{"request_id", req.id}},
		Users:  ic.names,
	})
}

func subset(a, of []string) bool {
	if len(of) == 0 {
		return true // a registration without scopes takes any request
	}
	for _, x := range a {
		found := false
		for _, y := range of {
			found = found || x == y
		}
		if !found {
			return false
		}
	}
	return true
}

// redirectWith returns the request's redirect URI with params (and the
// state) added to its query.
func (req *authRequest) redirectWith(params url.Values) string {
	if req.hasState {
		params.Set("state", req.state)
	}
	sep := "?"
	if strings.Contains(req.redirectURI, "?") {
		sep = "&"
	}
	return req.redirectURI + sep + params.Encode()
}

// approveAuthRequest issues a code for req and returns the redirect URL.
func (s *Server) approveAuthRequest(req *authRequest, user string, now time.Time) string {
	code := randomToken("", 48)
	st := s.sso
	st.mu.Lock()
	st.codes[code] = &authCode{
		client: req.client, redirectURI: req.redirectURI, challenge: req.challenge,
		scopes: req.scopes, user: user, expires: now.Add(authCodeLifetime),
	}
	st.mu.Unlock()
	return req.redirectWith(url.Values{"code": {code}})
}

// Errors of approving or denying a pending authorization.
var (
	// ErrUnknownAuthorization: no pending authorization has that user code
	// or request id.
	ErrUnknownAuthorization = errors.New("no such pending authorization")
	// ErrAuthorizationExpired: the authorization expired before the
	// decision.
	ErrAuthorizationExpired = errors.New("the authorization has expired")
	// ErrAuthorizationDecided: the authorization was already approved or
	// denied.
	ErrAuthorizationDecided = errors.New("the authorization was already approved or denied")
	// ErrUnknownSSOUser: the user is not an identity_center user.
	ErrUnknownSSOUser = errors.New("unknown identity center user")
)

// ApproveDevice approves the device authorization showing userCode (as
// printed by `aws sso login`; case and the dash do not matter) as user,
// as if the user had approved it in a browser.
func (s *Server) ApproveDevice(userCode, user string) error {
	if s.ix.ic.users[user] == nil {
		return ErrUnknownSSOUser
	}
	return s.decideDevice(userCode, user, true)
}

// DenyDevice denies the device authorization showing userCode: the
// client's next poll answers access_denied.
func (s *Server) DenyDevice(userCode string) error {
	return s.decideDevice(userCode, "", false)
}

func (s *Server) decideDevice(userCode, user string, approve bool) error {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	g := st.userCodes[normUserCode(userCode)]
	switch {
	case g == nil:
		return ErrUnknownAuthorization
	case !now.Before(g.expires):
		return ErrAuthorizationExpired
	case g.status != grantPending:
		return ErrAuthorizationDecided
	}
	if approve {
		g.status, g.user = grantApproved, user
	} else {
		g.status = grantDenied
	}
	return nil
}

// ApproveAuthorization approves a pending /authorize request (see
// PendingAuthorizations) as user and returns the URL the browser would be
// redirected to: the client's redirect URI with code and state.
func (s *Server) ApproveAuthorization(requestID, user string) (string, error) {
	if s.ix.ic.users[user] == nil {
		return "", ErrUnknownSSOUser
	}
	return s.decideAuthRequest(requestID, user, true)
}

// DenyAuthorization denies a pending /authorize request and returns the
// redirect URL carrying error=access_denied.
func (s *Server) DenyAuthorization(requestID string) (string, error) {
	return s.decideAuthRequest(requestID, "", false)
}

func (s *Server) decideAuthRequest(id, user string, approve bool) (string, error) {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	req := st.authReqs[id]
	delete(st.authReqs, id)
	st.mu.Unlock()
	switch {
	case req == nil:
		return "", ErrUnknownAuthorization
	case !now.Before(req.expires):
		return "", ErrAuthorizationExpired
	}
	if !approve {
		return req.redirectWith(url.Values{"error": {"access_denied"}, "error_description": {"The user denied the authorization request"}}), nil
	}
	return s.approveAuthRequest(req, user, now), nil
}

// PendingAuthorization is a device authorization or /authorize request
// waiting for the user.
type PendingAuthorization struct {
	// Kind is "device" or "authorize".
	Kind string `json:"kind"`
	// UserCode is set for device authorizations.
	UserCode string `json:"user_code,omitempty"`
	// RequestID is set for /authorize requests.
	RequestID   string    `json:"request_id,omitempty"`
	ClientName  string    `json:"client_name"`
	RedirectURI string    `json:"redirect_uri,omitempty"`
	Expiration  time.Time `json:"expiration"`
}

// PendingAuthorizations lists the authorizations waiting for a decision,
// oldest first.
func (s *Server) PendingAuthorizations() []PendingAuthorization {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	var out []PendingAuthorization
	for _, g := range st.devices {
		if g.status == grantPending && now.Before(g.expires) {
			out = append(out, PendingAuthorization{Kind: "device", UserCode: g.userCode, ClientName: g.client.name, Expiration: g.expires})
		}
	}
	for _, r := range st.authReqs {
		if now.Before(r.expires) {
			out = append(out, PendingAuthorization{Kind: "authorize", RequestID: r.id, ClientName: r.client.name, RedirectURI: r.redirectURI, Expiration: r.expires})
		}
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Expiration.Equal(out[j].Expiration) {
			return out[i].Expiration.Before(out[j].Expiration)
		}
		return out[i].UserCode+out[i].RequestID < out[j].UserCode+out[j].RequestID
	})
	return out
}

// serveAuthorizeDecision handles the sign-in page's form.
func (s *Server) serveAuthorizeDecision(w http.ResponseWriter, r *http.Request) {
	form, ok := readForm(w, r)
	if !ok {
		return
	}
	user := form.Get("user")
	approve := form.Get("action") == "approve"
	if approve && s.ix.ic.users[user] == nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: "Unknown user " + user + "."})
		return
	}
	if !approve && form.Get("action") != "deny" {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: "Choose Approve or Deny."})
		return
	}
	to, err := s.decideAuthRequest(form.Get("request_id"), user, approve)
	if err != nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: pageError(err)})
		return
	}
	http.Redirect(w, r, to, http.StatusFound)
}

// ---- the device verification page ----

func (s *Server) serveDevicePage(w http.ResponseWriter, r *http.Request) {
	ic := s.ix.ic
	if !ic.enabled {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: "This emulator's world has no identity_center."})
		return
	}
	code := normUserCode(r.URL.Query().Get("user_code"))
	p := page{
		Title:   "Authorize request",
		Message: "Check that the code matches the one shown by the application, then sign in.",
		Form:    true, Action: "/device", AskCode: true, UserCode: code, Users: ic.names,
	}
	if code != "" {
		st := s.sso
		st.mu.Lock()
		g := st.userCodes[code]
		var status grantStatus
		if g != nil {
			status = g.status
		}
		st.mu.Unlock()
		if g != nil && status != grantPending {
			p = page{Title: "Authorize request", Message: "This request has already been answered; you may close this window."}
		}
	}
	renderPage(w, http.StatusOK, p)
}

func (s *Server) serveDeviceDecision(w http.ResponseWriter, r *http.Request) {
	form, ok := readForm(w, r)
	if !ok {
		return
	}
	user, action := form.Get("user"), form.Get("action")
	var err error
	switch action {
	case "approve":
		err = s.ApproveDevice(form.Get("user_code"), user)
	case "deny":
		err = s.DenyDevice(form.Get("user_code"))
	default:
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: "Choose Approve or Deny."})
		return
	}
	if err != nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: pageError(err)})
		return
	}
	if action == "deny" {
		renderPage(w, http.StatusOK, page{Title: "Request denied", Message: "The application was denied access. You may close this window."})
		return
	}
	renderPage(w, http.StatusOK, page{Title: "Request approved", Message: "Signed in as " + user + ". You may close this window."})
}

func readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		renderPage(w, http.StatusBadRequest, page{Title: "Authorization failed", Error: "The form could not be read."})
		return nil, false
	}
	return r.PostForm, true
}

func pageError(err error) string {
	switch {
	case errors.Is(err, ErrUnknownAuthorization):
		return "No pending request has this code; it may have been answered already."
	case errors.Is(err, ErrAuthorizationExpired):
		return "This request has expired; start again from the application."
	case errors.Is(err, ErrAuthorizationDecided):
		return "This request has already been answered."
	case errors.Is(err, ErrUnknownSSOUser):
		return "Unknown user."
	}
	return "The request failed."
}

// ---- HTML pages ----

// page is what the sign-in and result pages show.
type page struct {
	Title    string
	Message  string
	Error    string
	Form     bool
	Action   string
	Hidden   []hidden
	AskCode  bool
	UserCode string
	Users    []string
}

type hidden struct{ Name, Value string }

// pageTmpl is the one page layout. Element ids (user_code, user, approve,
// deny, message, error) are stable for tests and headless browsers.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} - awsemu</title>
<style>body{font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em}label{display:block;margin:1em 0}.error{color:#b00}</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
{{if .Message}}<p id="message">{{.Message}}</p>{{end}}
{{if .Form}}<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}{{if .AskCode}}<label>Code <input id="user_code" name="user_code" value="{{.UserCode}}" autocomplete="off" required></label>
{{end}}<label>Sign in as <select id="user" name="user">{{range .Users}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
<button type="submit" id="approve" name="action" value="approve">Approve</button>
<button type="submit" id="deny" name="action" value="deny">Deny</button>
</form>{{end}}
</body>
</html>
`))

func renderPage(w http.ResponseWriter, status int, p page) {
	var buf bytes.Buffer
	if err := pageTmpl.Execute(&buf, p); err != nil {
		http.Error(w, "rendering the page failed", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
