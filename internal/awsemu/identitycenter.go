package awsemu

// IAM Identity Center: the world's identity_center section (instance, users,
// permission sets, account assignments, token lifetimes, rate limits), its
// compiled index, the runtime state shared by the OIDC service (oidc.go) and
// the SSO portal (portal.go), and the rest-json plumbing both use.

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// IdentityCenter is the world's IAM Identity Center instance: who can sign
// in through SSO OIDC and which accounts and permission sets the SSO portal
// offers them.
type IdentityCenter struct {
	Instance ICInstance `json:"instance"`
	Settings ICSettings `json:"settings"`
	Users    []ICUser   `json:"users,omitempty"`
	// PermissionSets are offered as roles in every account they are
	// assigned in.
	PermissionSets []PermissionSet `json:"permission_sets,omitempty"`
	Assignments    []Assignment    `json:"assignments,omitempty"`
	// Generate, when set, adds a generated organisation (accounts,
	// permission sets, a user and assignments) at load time.
	Generate *OrgGenerator `json:"generate,omitempty"`
}

// ICInstance identifies the Identity Center instance clients log in to.
type ICInstance struct {
	// StartURL is the AWS access portal URL, e.g.
	// https://d-1234567890.awsapps.com/start. StartDeviceAuthorization
	// must name it (a trailing "/" or "#" is ignored).
	StartURL string `json:"start_url"`
	// Region is the instance's region (sso_region); "us-east-1" when
	// empty. It appears in generated client ids and SSO role ARNs.
	Region string `json:"region,omitempty"`
}

// ICSettings tune Identity Center for tests. Zero values mean the AWS
// defaults given below.
type ICSettings struct {
	// AccessTokenLifetimeSeconds is the life of an OIDC access token
	// (default 28800, 8 hours).
	AccessTokenLifetimeSeconds int `json:"access_token_lifetime_seconds,omitempty"`
	// RefreshTokenLifetimeSeconds is the life of a refresh token (default
	// 7776000, 90 days).
	RefreshTokenLifetimeSeconds int `json:"refresh_token_lifetime_seconds,omitempty"`
	// RegistrationLifetimeSeconds is the life of a client registration
	// (default 7776000, 90 days).
	RegistrationLifetimeSeconds int `json:"registration_lifetime_seconds,omitempty"`
	// DeviceCodeLifetimeSeconds is the life of a device authorization
	// (default 600).
	DeviceCodeLifetimeSeconds int `json:"device_code_lifetime_seconds,omitempty"`
	// DevicePollIntervalSeconds is the interval StartDeviceAuthorization
	// tells clients to poll at (default 1); polling faster answers
	// slow_down.
	DevicePollIntervalSeconds int `json:"device_poll_interval_seconds,omitempty"`
	// AutoApproveUser, when set, approves every device authorization and
	// every /authorize request at once as this user, so that logins need
	// no browser.
	AutoApproveUser string `json:"auto_approve_user,omitempty"`
	// RateLimits caps API calls per second, per action ("ListAccountRoles"
	// or "sso:ListAccountRoles"), with a token bucket holding one second's
	// worth of calls; excess calls answer 429 TooManyRequestsException.
	RateLimits map[string]float64 `json:"rate_limits,omitempty"`
}

// ICUser is a person who signs in to the access portal.
type ICUser struct {
	// Name is the user name; it becomes the session name of the role
	// sessions the portal issues, so it is limited to [\w+=,.@-]{1,64}.
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
}

// PermissionSet is a set of permissions offered as a role
// (AWSReservedSSO_NAME_…) in the accounts it is assigned in.
type PermissionSet struct {
	// Name is 1-32 characters of [\w+=,.@-].
	Name string `json:"name"`
	// SessionDuration is the life of the role credentials in seconds,
	// 3600-43200; 0 means 3600.
	SessionDuration int    `json:"session_duration,omitempty"`
	Description     string `json:"description,omitempty"`
}

// Assignment gives a user a permission set in an account.
type Assignment struct {
	User          string `json:"user"`
	Account       string `json:"account"`
	PermissionSet string `json:"permission_set"`
}

// Identity Center defaults (AWS's, except the poll interval, which AWS sets
// to 1 as well in practice).
const (
	defaultICRegion            = "us-east-1"
	defaultAccessTokenLifetime = 8 * time.Hour
	defaultRefreshLifetime     = 90 * 24 * time.Hour
	defaultRegistrationLife    = 90 * 24 * time.Hour
	defaultDeviceCodeLifetime  = 10 * time.Minute
	defaultPollInterval        = 1
	authCodeLifetime           = 5 * time.Minute
	authRequestLifetime        = 10 * time.Minute
	defaultPageSize            = 20
	maxPageSize                = 100
)

var (
	icUserNameRe  = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	permSetNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,32}$`)
	regionRe      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// ssoActions are the actions of the two services, by service.
var ssoActions = map[string]string{
	"RegisterClient":           "sso-oidc",
	"StartDeviceAuthorization": "sso-oidc",
	"CreateToken":              "sso-oidc",
	"GetRoleCredentials":       "sso",
	"ListAccounts":             "sso",
	"ListAccountRoles":         "sso",
	"Logout":                   "sso",
}

// icIndex is the compiled, read-only form of the identity_center section,
// generated organisation included. A world without the section compiles
// to an index with no instance: every login fails.
type icIndex struct {
	enabled  bool
	startURL string // normalised (normStartURL)
	rawURL   string // as written in the world
	region   string
	settings ICSettings
	users    map[string]*ICUser
	names    []string // user names, sorted, for the sign-in page
	permSets map[string]*PermissionSet
	// byUser maps a user to the accounts (sorted by id) and, per account,
	// the permission set names (sorted) assigned to them.
	byUser map[string]*userAssignments
	limits map[string]float64 // "sso:ListAccountRoles" → calls per second
}

type userAssignments struct {
	accounts []*Account
	roles    map[string][]string // account id → permission set names
}

func (ic *icIndex) accessTokenLifetime() time.Duration {
	return secondsOr(ic.settings.AccessTokenLifetimeSeconds, defaultAccessTokenLifetime)
}

func (ic *icIndex) refreshTokenLifetime() time.Duration {
	return secondsOr(ic.settings.RefreshTokenLifetimeSeconds, defaultRefreshLifetime)
}

func (ic *icIndex) registrationLifetime() time.Duration {
	return secondsOr(ic.settings.RegistrationLifetimeSeconds, defaultRegistrationLife)
}

func (ic *icIndex) deviceCodeLifetime() time.Duration {
	return secondsOr(ic.settings.DeviceCodeLifetimeSeconds, defaultDeviceCodeLifetime)
}

func (ic *icIndex) pollInterval() int {
	if n := ic.settings.DevicePollIntervalSeconds; n > 0 {
		return n
	}
	return defaultPollInterval
}

func secondsOr(n int, def time.Duration) time.Duration {
	if n > 0 {
		return time.Duration(n) * time.Second
	}
	return def
}

// sessionDuration returns a permission set's credential lifetime.
func (ps *PermissionSet) sessionDuration() time.Duration {
	return secondsOr(ps.SessionDuration, time.Hour)
}

// normStartURL makes start URLs comparable: clients may send a trailing
// "/" or "#" that the portal ignores.
func normStartURL(u string) string {
	return strings.TrimRight(strings.TrimSpace(u), "/#")
}

// compileIdentityCenter checks the section and builds its index. Generated
// accounts are added to ix.accounts so that the rest of the world sees
// them.
func compileIdentityCenter(ic *IdentityCenter, ix *index) (*icIndex, error) {
	out := &icIndex{
		users:    map[string]*ICUser{},
		permSets: map[string]*PermissionSet{},
		byUser:   map[string]*userAssignments{},
		limits:   map[string]float64{},
	}
	if ic == nil {
		return out, nil
	}
	const f = "identity_center"
	out.enabled = true
	out.settings = ic.Settings
	u, err := url.Parse(ic.Instance.StartURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, worldErr(f+".instance.start_url", "%q is not an http(s) URL", ic.Instance.StartURL)
	}
	out.startURL = normStartURL(ic.Instance.StartURL)
	out.rawURL = ic.Instance.StartURL
	out.region = ic.Instance.Region
	if out.region == "" {
		out.region = defaultICRegion
	} else if !regionRe.MatchString(out.region) {
		return nil, worldErr(f+".instance.region", "%q is not a region name", out.region)
	}
	if err := checkICSettings(f+".settings", &ic.Settings, out); err != nil {
		return nil, err
	}

	users, permSets, assignments := ic.Users, ic.PermissionSets, ic.Assignments
	if g := ic.Generate; g != nil {
		gen, err := g.expand(ic, ix.accounts)
		if err != nil {
			return nil, err
		}
		for i := range gen.accounts {
			a := &gen.accounts[i]
			ix.accounts[a.ID] = a
		}
		users = append(users[:len(users):len(users)], gen.users...)
		permSets = append(permSets[:len(permSets):len(permSets)], gen.permSets...)
		assignments = append(assignments[:len(assignments):len(assignments)], gen.assignments...)
	}
	for i := range users {
		u := &users[i]
		uf := fmt.Sprintf("%s.users[%d]", f, i)
		if !icUserNameRe.MatchString(u.Name) {
			return nil, worldErr(uf+".name", "%q is not a valid user name ([\\w+=,.@-]{1,64})", u.Name)
		}
		if out.users[u.Name] != nil {
			return nil, worldErr(uf+".name", "duplicate user %s", u.Name)
		}
		out.users[u.Name] = u
		out.names = append(out.names, u.Name)
	}
	sort.Strings(out.names)
	for i := range permSets {
		ps := &permSets[i]
		pf := fmt.Sprintf("%s.permission_sets[%d]", f, i)
		if !permSetNameRe.MatchString(ps.Name) {
			return nil, worldErr(pf+".name", "%q is not a valid permission set name ([\\w+=,.@-]{1,32})", ps.Name)
		}
		if out.permSets[ps.Name] != nil {
			return nil, worldErr(pf+".name", "duplicate permission set %s", ps.Name)
		}
		if d := ps.SessionDuration; d != 0 && (d < 3600 || d > 43200) {
			return nil, worldErr(pf+".session_duration", "%d is outside 3600-43200 seconds", d)
		}
		out.permSets[ps.Name] = ps
	}
	if a := ic.Settings.AutoApproveUser; a != "" && out.users[a] == nil {
		return nil, worldErr(f+".settings.auto_approve_user", "unknown user %q", a)
	}
	seen := make(map[Assignment]bool, len(assignments))
	for i, as := range assignments {
		af := func(member string) string { return fmt.Sprintf("%s.assignments[%d]%s", f, i, member) }
		switch {
		case out.users[as.User] == nil:
			return nil, worldErr(af(".user"), "unknown user %q", as.User)
		case ix.accounts[as.Account] == nil:
			return nil, worldErr(af(".account"), "unknown account %q", as.Account)
		case out.permSets[as.PermissionSet] == nil:
			return nil, worldErr(af(".permission_set"), "unknown permission set %q", as.PermissionSet)
		case seen[as]:
			return nil, worldErr(af(""), "duplicate assignment")
		}
		seen[as] = true
		ua := out.byUser[as.User]
		if ua == nil {
			ua = &userAssignments{roles: map[string][]string{}}
			out.byUser[as.User] = ua
		}
		if ua.roles[as.Account] == nil {
			ua.accounts = append(ua.accounts, ix.accounts[as.Account])
		}
		ua.roles[as.Account] = append(ua.roles[as.Account], as.PermissionSet)
	}
	for _, ua := range out.byUser {
		sort.Slice(ua.accounts, func(i, j int) bool { return ua.accounts[i].ID < ua.accounts[j].ID })
		for _, names := range ua.roles {
			sort.Strings(names)
		}
	}
	return out, nil
}

func checkICSettings(f string, s *ICSettings, out *icIndex) error {
	const tenYears = 10 * 365 * 24 * 3600
	for _, c := range []struct {
		name string
		v    int
		max  int
	}{
		{"access_token_lifetime_seconds", s.AccessTokenLifetimeSeconds, tenYears},
		{"refresh_token_lifetime_seconds", s.RefreshTokenLifetimeSeconds, tenYears},
		{"registration_lifetime_seconds", s.RegistrationLifetimeSeconds, tenYears},
		{"device_code_lifetime_seconds", s.DeviceCodeLifetimeSeconds, 24 * 3600},
		{"device_poll_interval_seconds", s.DevicePollIntervalSeconds, 60},
	} {
		if c.v < 0 || c.v > c.max {
			return worldErr(f+"."+c.name, "%d is outside 0-%d", c.v, c.max)
		}
	}
	for k, rate := range s.RateLimits {
		key, ok := ssoActionKey(k)
		if !ok {
			return worldErr(f+".rate_limits", "%q is not an SSO or SSO OIDC action (e.g. ListAccountRoles or sso:ListAccountRoles)", k)
		}
		if !(rate > 0) || math.IsInf(rate, 0) {
			return worldErr(f+".rate_limits", "%s: the rate must be a positive number of calls per second", k)
		}
		out.limits[key] = rate
	}
	return nil
}

// ssoActionKey turns "ListAccountRoles" or "sso:ListAccountRoles" into the
// counter key "sso:ListAccountRoles".
func ssoActionKey(name string) (string, bool) {
	svc, op, hasSvc := strings.Cut(name, ":")
	if !hasSvc {
		op = name
	}
	want, ok := ssoActions[op]
	if !ok || (hasSvc && svc != want) {
		return "", false
	}
	return want + ":" + op, true
}

// ---- runtime state ----

// ssoState is what Identity Center remembers between calls: client
// registrations, pending device and browser authorizations, and the tokens
// it issued. Guarded by its own mutex.
type ssoState struct {
	mu        sync.Mutex
	key       []byte // MACs pagination tokens
	clients   map[string]*oidcClient
	devices   map[string]*deviceGrant // by device code
	userCodes map[string]*deviceGrant // by user code
	authReqs  map[string]*authRequest // by request id
	codes     map[string]*authCode    // by authorization code
	access    map[string]*accessToken
	refresh   map[string]*refreshToken
	buckets   map[string]*bucket
	// autoApprove overrides the world's auto_approve_user when set.
	autoApprove *string
	signIns     int
}

func newSSOState() *ssoState {
	st := &ssoState{}
	st.clear()
	return st
}

// clear forgets everything; the caller holds mu (or owns st).
func (st *ssoState) clear() {
	st.key = make([]byte, 32)
	_, _ = rand.Read(st.key)
	st.clients = map[string]*oidcClient{}
	st.devices = map[string]*deviceGrant{}
	st.userCodes = map[string]*deviceGrant{}
	st.authReqs = map[string]*authRequest{}
	st.codes = map[string]*authCode{}
	st.access = map[string]*accessToken{}
	st.refresh = map[string]*refreshToken{}
	st.buckets = map[string]*bucket{}
	st.autoApprove = nil
	st.signIns = 0
}

func (st *ssoState) reset() {
	st.mu.Lock()
	st.clear()
	st.mu.Unlock()
}

// oidcClient is a client registration.
type oidcClient struct {
	id, secret   string
	name         string
	scopes       []string
	grantTypes   []string // as registered; empty: device code and refresh
	redirectURIs []*url.URL
	issued       time.Time
	expires      time.Time
}

func (c *oidcClient) allowsGrant(g string) bool { return slices.Contains(c.grantTypes, g) }

// signIn is one approved login: every access and refresh token descends
// from one. Logout ends it, and with it every token of the family.
type signIn struct {
	id        int
	user      string
	client    *oidcClient
	scopes    []string
	grant     string
	loggedOut bool
}

type accessToken struct {
	signIn  *signIn
	issued  time.Time
	expires time.Time
}

func (t *accessToken) valid(now time.Time) bool {
	return now.Before(t.expires) && !t.signIn.loggedOut
}

type refreshToken struct {
	signIn  *signIn
	issued  time.Time
	expires time.Time
	used    bool
	revoked bool
}

func (t *refreshToken) valid(now time.Time) bool {
	return now.Before(t.expires) && !t.used && !t.revoked && !t.signIn.loggedOut
}

// bucket is a token bucket for one rate-limited action.
type bucket struct {
	tokens float64
	last   time.Time
}

// allowRate takes a token from the action's bucket, refilled at rate per
// second up to one second's worth (at least one call).
func (st *ssoState) allowRate(key string, rate float64, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	capacity := math.Max(1, rate)
	b := st.buckets[key]
	if b == nil {
		b = &bucket{tokens: capacity, last: now}
		st.buckets[key] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(capacity, b.tokens+el*rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// SSOTokenInfo describes an access or refresh token the emulator issued,
// without its value.
type SSOTokenInfo struct {
	// Kind is "access" or "refresh".
	Kind       string `json:"kind"`
	User       string `json:"user"`
	ClientName string `json:"client_name"`
	// Grant is the grant type that started the sign-in
	// (urn:ietf:params:oauth:grant-type:device_code, authorization_code,
	// or "minted" for MintSSOToken); refreshed tokens keep it.
	Grant string `json:"grant"`
	// SignIn numbers the login the token descends from.
	SignIn     int       `json:"sign_in"`
	Issued     time.Time `json:"issued"`
	Expiration time.Time `json:"expiration"`
	// Valid is false once the token expired, was used (refresh tokens are
	// single-use), revoked or logged out.
	Valid bool `json:"valid"`
}

// SSOTokens lists the OIDC tokens issued so far (no token values), oldest
// first.
func (s *Server) SSOTokens() []SSOTokenInfo {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	out := make([]SSOTokenInfo, 0, len(st.access)+len(st.refresh))
	for _, t := range st.access {
		si := t.signIn
		out = append(out, SSOTokenInfo{Kind: "access", User: si.user, ClientName: si.client.name, Grant: si.grant, SignIn: si.id,
			Issued: t.issued, Expiration: t.expires, Valid: t.valid(now)})
	}
	for _, t := range st.refresh {
		si := t.signIn
		out = append(out, SSOTokenInfo{Kind: "refresh", User: si.user, ClientName: si.client.name, Grant: si.grant, SignIn: si.id,
			Issued: t.issued, Expiration: t.expires, Valid: t.valid(now)})
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Issued.Equal(b.Issued) {
			return a.Issued.Before(b.Issued)
		}
		if a.SignIn != b.SignIn {
			return a.SignIn < b.SignIn
		}
		return a.Kind < b.Kind
	})
	return out
}

// ExpireSSOTokens makes the access tokens of user (every user when empty)
// expire now: the portal answers 401 for them and clients must refresh.
// It returns how many tokens it changed.
func (s *Server) ExpireSSOTokens(user string) int {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, t := range st.access {
		if (user == "" || t.signIn.user == user) && t.expires.After(now) {
			t.expires = now
			n++
		}
	}
	return n
}

// RevokeRefreshTokens revokes the refresh tokens of user (every user when
// empty): refreshing with them answers invalid_grant. It returns how many
// valid tokens it revoked.
func (s *Server) RevokeRefreshTokens(user string) int {
	now := s.now()
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for _, t := range st.refresh {
		if (user == "" || t.signIn.user == user) && t.valid(now) {
			t.revoked = true
			n++
		}
	}
	return n
}

// SetAutoApproveUser overrides the world's auto_approve_user: from now on
// every device authorization and /authorize request is approved at once
// as user. An empty user turns auto-approval off.
func (s *Server) SetAutoApproveUser(user string) error {
	if user != "" && s.ix.ic.users[user] == nil {
		return fmt.Errorf("unknown identity center user %q", user)
	}
	st := s.sso
	st.mu.Lock()
	st.autoApprove = &user
	st.mu.Unlock()
	return nil
}

// autoApproveUser returns the user to approve requests as, or "".
func (s *Server) autoApproveUser() string {
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.autoApprove != nil {
		return *st.autoApprove
	}
	return s.ix.ic.settings.AutoApproveUser
}

// SSOToken is a login minted by MintSSOToken: what a client keeps in its
// token cache after `aws sso login`.
type SSOToken struct {
	StartURL              string    `json:"start_url"`
	Region                string    `json:"region"`
	AccessToken           string    `json:"access_token"`
	ExpiresAt             time.Time `json:"expires_at"`
	RefreshToken          string    `json:"refresh_token"`
	ClientID              string    `json:"client_id"`
	ClientSecret          string    `json:"client_secret"`
	RegistrationExpiresAt time.Time `json:"registration_expires_at"`
}

// MintSSOToken logs user in without a client: it registers a client with
// the sso:account:access scope and issues an access and a refresh token,
// as a completed device-code login would. Tests use it to seed token
// caches.
func (s *Server) MintSSOToken(user string) (*SSOToken, error) {
	ic := s.ix.ic
	if !ic.enabled {
		return nil, fmt.Errorf("minting an sso token: the world has no identity_center")
	}
	if ic.users[user] == nil {
		return nil, fmt.Errorf("minting an sso token: %w %q", ErrUnknownSSOUser, user)
	}
	now := s.now().UTC().Truncate(time.Second)
	cl := &oidcClient{
		id:     randomToken("", 16) + base64.RawURLEncoding.EncodeToString([]byte(ic.regionOrDefault())),
		secret: randomToken("eyJraWQiOiJrZXktYXdzZW11In0.", 240),
		name:   "awsemu-minted", scopes: []string{"sso:account:access"},
		issued: now, expires: now.Add(ic.registrationLifetime()),
	}
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	st.clients[cl.id] = cl
	si := s.newSignInLocked(user, cl, cl.scopes, "minted")
	access, refresh := s.issueTokensLocked(si, now)
	return &SSOToken{
		StartURL: ic.rawURL, Region: ic.regionOrDefault(),
		AccessToken: access, ExpiresAt: st.access[access].expires,
		RefreshToken: refresh, ClientID: cl.id, ClientSecret: cl.secret, RegistrationExpiresAt: cl.expires,
	}, nil
}

// ---- random values ----

// randomToken returns prefix followed by n random bytes in unpadded
// base64url.
func randomToken(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// userCodeAlphabet avoids vowels (no words) and look-alike characters.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// newUserCode returns a code like "BCDF-GHJK".
func newUserCode() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, userCodeAlphabet[int(c)%len(userCodeAlphabet)])
	}
	return string(out)
}

// normUserCode accepts codes typed in lower case, with spaces or without
// the dash.
func normUserCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) == 8 {
		return s[:4] + "-" + s[4:]
	}
	return s
}

// ---- rest-json plumbing shared by OIDC and the portal ----

// restService describes how one rest-json service spells its errors.
type restService struct {
	name string // counter prefix: "sso" or "sso-oidc"
	// typeSuffix is appended to x-amzn-ErrorType (the portal adds a
	// namespace URI after a colon, which clients strip).
	typeSuffix string
	// oauth writes OIDC's {"error","error_description"} bodies instead of
	// {"message"}.
	oauth bool
	// signin writes the signin service's {"error","message"} bodies.
	signin bool
}

var (
	oidcService   = restService{name: "sso-oidc", oauth: true}
	portalService = restService{name: "sso", typeSuffix: ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"}
)

// oauthCodes maps OIDC exception shapes to their OAuth error values.
var oauthCodes = map[string]string{
	"AuthorizationPendingException":  "authorization_pending",
	"SlowDownException":              "slow_down",
	"ExpiredTokenException":          "expired_token",
	"AccessDeniedException":          "access_denied",
	"InvalidGrantException":          "invalid_grant",
	"InvalidClientException":         "invalid_client",
	"UnauthorizedClientException":    "unauthorized_client",
	"UnsupportedGrantTypeException":  "unsupported_grant_type",
	"InvalidScopeException":          "invalid_scope",
	"InvalidRequestException":        "invalid_request",
	"InvalidClientMetadataException": "invalid_client_metadata",
	"InvalidRedirectUriException":    "invalid_redirect_uri",
	"InternalServerException":        "server_error",
}

// restCall is one rest-json request being served.
type restCall struct {
	r    *http.Request
	body []byte
	now  time.Time
}

// restOp is the body of one rest-json operation: it returns the value to
// write as JSON (nil for an empty body) or an error.
type restOp func(c *restCall) (any, *apiError)

// serveREST wraps a rest-json operation with what every call gets: a
// request id, the Date header, faults, rate limits, counting and logging.
func (s *Server) serveREST(svc restService, action string, op restOp) http.HandlerFunc {
	key := svc.name + ":" + action
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		now := s.now()
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		var aerr *apiError
		defer func() { s.logCall(key, reqID, aerr, time.Since(start)) }()
		fail := func(e *apiError) {
			aerr = e
			s.count(key, e)
			writeRESTError(w, svc, reqID, e)
		}
		latency, fault := s.applyFaults(key)
		sleep(r.Context(), latency)
		if fault != nil {
			fail(restFault(fault))
			return
		}
		if rate, ok := s.ix.ic.limits[key]; ok && !s.sso.allowRate(key, rate, now) {
			fail(errTooManyRequests().withReason("rate limit of " + fmt.Sprint(rate) + "/s exceeded"))
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			fail(newAPIError(http.StatusBadRequest, "InvalidRequestException", "could not read the request body"))
			return
		}
		out, e := op(&restCall{r: r, body: body, now: now})
		if e != nil {
			fail(e)
			return
		}
		s.count(key, nil)
		writeRESTResult(w, reqID, out)
	}
}

// restFault turns an injected STS-style fault into the rest-json services'
// codes.
func restFault(e *apiError) *apiError {
	var c *apiError
	switch e.Code {
	case "Throttling":
		c = errTooManyRequests()
	case "ServiceUnavailable":
		c = newAPIError(http.StatusServiceUnavailable, "ServiceUnavailableException", "Service is unable to handle request.")
	default:
		c = newAPIError(http.StatusInternalServerError, "InternalServerException", "An internal error occurred.")
	}
	return c.withReason(e.reason)
}

func errTooManyRequests() *apiError {
	return newAPIError(http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
}

func writeRESTResult(w http.ResponseWriter, reqID string, v any) {
	var body []byte
	if v != nil {
		var err error
		body, err = json.Marshal(v)
		if err != nil {
			writeRESTError(w, restService{}, reqID, newAPIError(http.StatusInternalServerError, "InternalServerException", "encoding the response failed"))
			return
		}
	}
	writeRESTBody(w, http.StatusOK, reqID, body)
}

func writeRESTError(w http.ResponseWriter, svc restService, reqID string, e *apiError) {
	var doc any = map[string]string{"message": e.Message}
	if oc, ok := oauthCodes[e.Code]; ok && svc.oauth {
		doc = map[string]string{"error": oc, "error_description": e.Message}
	}
	if svc.signin && e.detail != "" {
		doc = map[string]string{"error": e.detail, "message": e.Message}
	}
	body, _ := json.Marshal(doc)
	w.Header()["x-amzn-ErrorType"] = []string{e.Code + svc.typeSuffix}
	writeRESTBody(w, e.Status, reqID, body)
}

func writeRESTBody(w http.ResponseWriter, status int, reqID string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", itoa(len(body)))
	h["x-amzn-RequestId"] = []string{reqID}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// decodeRESTBody decodes a JSON request body into v. Unknown members are
// ignored, as AWS does; an empty body is an empty object.
func decodeRESTBody(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return newAPIError(http.StatusBadRequest, "InvalidRequestException", "The request body is not valid JSON for this operation").
			withReason(err.Error())
	}
	return nil
}

// ---- pagination tokens ----

// pageToken makes an opaque next_token for position offset of a listing
// (e.g. "accounts" or "roles/ACCOUNT") of a user. It is MACed so that
// clients cannot forge or move it between listings.
func (st *ssoState) pageToken(listing, user string, offset int) string {
	mac := st.pageMAC(listing, user, offset)
	raw := fmt.Sprintf("%d.%s", offset, hex.EncodeToString(mac))
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// parsePageToken returns the offset a token stands for.
func (st *ssoState) parsePageToken(listing, user, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	offText, macText, ok := strings.Cut(string(raw), ".")
	if !ok || len(offText) == 0 || len(offText) > 9 {
		return 0, false
	}
	offset := 0
	for _, c := range offText {
		if c < '0' || c > '9' {
			return 0, false
		}
		offset = offset*10 + int(c-'0')
	}
	mac, err := hex.DecodeString(macText)
	if err != nil || !hmac.Equal(mac, st.pageMAC(listing, user, offset)) {
		return 0, false
	}
	return offset, true
}

func (st *ssoState) pageMAC(listing, user string, offset int) []byte {
	st.mu.Lock()
	key := st.key
	st.mu.Unlock()
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s\x00%s\x00%d", listing, user, offset)
	return m.Sum(nil)[:12]
}
