package awsemu

// The SSO portal (service sso, "SWBPortalService"): GetRoleCredentials
// (GET /federation/credentials), ListAccounts (GET /assignment/accounts),
// ListAccountRoles (GET /assignment/roles) and Logout (POST /logout) as
// rest-json, unsigned, authenticated by the OIDC access token in the
// x-amz-sso_bearer_token header. Role credentials are ordinary emulator
// sessions: they work against the emulated STS like AssumeRole's.

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// bearerHeader is the portal's token header; clients differ in case.
const bearerHeader = "x-amz-sso_bearer_token"

func (s *Server) portalRoutes() {
	s.mux.HandleFunc("GET /federation/credentials", s.serveREST(portalService, "GetRoleCredentials", s.getRoleCredentials))
	s.mux.HandleFunc("GET /assignment/accounts", s.serveREST(portalService, "ListAccounts", s.listAccounts))
	s.mux.HandleFunc("GET /assignment/roles", s.serveREST(portalService, "ListAccountRoles", s.listAccountRoles))
	s.mux.HandleFunc("POST /logout", s.serveREST(portalService, "Logout", s.logout))
}

func errUnauthorized(reason string) *apiError {
	return newAPIError(http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid").withReason(reason)
}

func errPortalRequest(msg string) *apiError {
	return newAPIError(http.StatusBadRequest, "InvalidRequestException", msg)
}

func errNoSuchRole() *apiError {
	return newAPIError(http.StatusNotFound, "ResourceNotFoundException", "The requested account or role was not found")
}

// bearer returns the access token a request carries, matching the header
// name case-insensitively.
func bearer(r *http.Request) string {
	for k, v := range r.Header {
		if strings.EqualFold(k, bearerHeader) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// portalSession authenticates a portal call and returns its sign-in.
func (s *Server) portalSession(c *restCall) (*signIn, *apiError) {
	tok := bearer(c.r)
	if tok == "" {
		return nil, errUnauthorized("no " + bearerHeader + " header")
	}
	st := s.sso
	st.mu.Lock()
	defer st.mu.Unlock()
	at := st.access[tok]
	switch {
	case at == nil:
		return nil, errUnauthorized("unknown access token")
	case at.signIn.loggedOut:
		return nil, errUnauthorized("the access token was logged out")
	case !c.now.Before(at.expires):
		return nil, errUnauthorized("the access token expired at " + at.expires.Format(time.RFC3339))
	}
	return at.signIn, nil
}

func portalQuery(c *restCall) (url.Values, *apiError) {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return nil, errPortalRequest("The query string is malformed")
	}
	return q, nil
}

// ---- GetRoleCredentials ----

type roleCredentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
	Expiration      int64  `json:"expiration"` // epoch milliseconds
}

type getRoleCredentialsOutput struct {
	RoleCredentials roleCredentials `json:"roleCredentials"`
}

func (s *Server) getRoleCredentials(c *restCall) (any, *apiError) {
	si, e := s.portalSession(c)
	if e != nil {
		return nil, e
	}
	q, e := portalQuery(c)
	if e != nil {
		return nil, e
	}
	roleName, accountID := q.Get("role_name"), q.Get("account_id")
	switch {
	case roleName == "":
		return nil, errPortalRequest("role_name is required")
	case accountID == "":
		return nil, errPortalRequest("account_id is required")
	}
	ic := s.ix.ic
	ps := ic.permSets[roleName]
	if ua := ic.byUser[si.user]; ua == nil || ps == nil || !slices.Contains(ua.roles[accountID], roleName) {
		return nil, errNoSuchRole().withReason(si.user + " has no assignment of " + truncate(roleName, 64) + " in " + truncate(accountID, 32))
	}
	role := ic.ssoRole(accountID, roleName)
	p := principal{
		kind:    kindRoleSession,
		account: accountID,
		arn:     "arn:aws:sts::" + accountID + ":assumed-role/" + role.Name + "/" + si.user,
		userID:  derivedID("AROA", "role", accountID, role.Name) + ":" + si.user,
		role:    role,
	}
	sess, err := s.issue(p, "GetRoleCredentials", c.now, ps.sessionDuration())
	if err != nil {
		return nil, newAPIError(http.StatusInternalServerError, "InternalServerException", "An internal error occurred.").withReason(err.Error())
	}
	return getRoleCredentialsOutput{RoleCredentials: roleCredentials{
		AccessKeyID:     sess.accessKeyID,
		SecretAccessKey: sess.secret,
		SessionToken:    sess.token,
		Expiration:      sess.expiration.UnixMilli(),
	}}, nil
}

// ssoRole is the IAM role Identity Center provisions for a permission set
// in an account: AWSReservedSSO_NAME_<16 hex>, under
// /aws-reserved/sso.amazonaws.com/ (plus the region outside us-east-1).
// It is not assumable with AssumeRole; roles of the world may trust it.
func (ic *icIndex) ssoRole(account, permSet string) *Role {
	sum := sha256.Sum256([]byte(ic.startURL + "\x00" + permSet))
	path := "/aws-reserved/sso.amazonaws.com/"
	if ic.region != defaultICRegion {
		path += ic.region + "/"
	}
	return &Role{Account: account, Name: "AWSReservedSSO_" + permSet + "_" + hex.EncodeToString(sum[:8]), Path: path}
}

// ---- pagination ----

// page cuts [0,n) into the page a request asks for, returning the bounds
// and the next token (nil on the last page).
func (s *Server) pageOf(q url.Values, listing, user string, n int) (from, to int, next *string, e *apiError) {
	size := defaultPageSize
	if raw, ok := q["max_result"]; ok {
		v, err := strconv.Atoi(raw[0])
		if err != nil || v < 1 || v > maxPageSize {
			return 0, 0, nil, errPortalRequest("1 validation error detected: Value '" + truncate(raw[0], 32) +
				"' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
		}
		size = v
	}
	if raw, ok := q["next_token"]; ok && raw[0] != "" {
		off, ok := s.sso.parsePageToken(listing, user, raw[0])
		if !ok || off > n {
			return 0, 0, nil, errPortalRequest("Invalid nextToken")
		}
		from = off
	}
	to = min(from+size, n)
	if to < n {
		t := s.sso.pageToken(listing, user, to)
		next = &t
	}
	return from, to, next, nil
}

// ---- ListAccounts ----

type accountInfo struct {
	AccountID    string `json:"accountId"`
	AccountName  string `json:"accountName"`
	EmailAddress string `json:"emailAddress"`
}

type listAccountsOutput struct {
	NextToken   *string       `json:"nextToken"`
	AccountList []accountInfo `json:"accountList"`
}

func (s *Server) listAccounts(c *restCall) (any, *apiError) {
	si, e := s.portalSession(c)
	if e != nil {
		return nil, e
	}
	q, e := portalQuery(c)
	if e != nil {
		return nil, e
	}
	var accounts []*Account
	if ua := s.ix.ic.byUser[si.user]; ua != nil {
		accounts = ua.accounts
	}
	from, to, next, e := s.pageOf(q, "accounts", si.user, len(accounts))
	if e != nil {
		return nil, e
	}
	out := listAccountsOutput{NextToken: next, AccountList: make([]accountInfo, 0, to-from)}
	for _, a := range accounts[from:to] {
		name, email := a.Name, a.Email
		if name == "" {
			name = a.ID
		}
		if email == "" {
			email = "aws+" + a.ID + "@example.com"
		}
		out.AccountList = append(out.AccountList, accountInfo{AccountID: a.ID, AccountName: name, EmailAddress: email})
	}
	return out, nil
}

// ---- ListAccountRoles ----

type roleInfo struct {
	RoleName  string `json:"roleName"`
	AccountID string `json:"accountId"`
}

type listAccountRolesOutput struct {
	NextToken *string    `json:"nextToken"`
	RoleList  []roleInfo `json:"roleList"`
}

func (s *Server) listAccountRoles(c *restCall) (any, *apiError) {
	si, e := s.portalSession(c)
	if e != nil {
		return nil, e
	}
	q, e := portalQuery(c)
	if e != nil {
		return nil, e
	}
	accountID := q.Get("account_id")
	if accountID == "" {
		return nil, errPortalRequest("account_id is required")
	}
	ua := s.ix.ic.byUser[si.user]
	if ua == nil || ua.roles[accountID] == nil {
		return nil, errNoSuchRole().withReason(si.user + " has no assignment in " + truncate(accountID, 32))
	}
	roles := ua.roles[accountID]
	from, to, next, e := s.pageOf(q, "roles/"+accountID, si.user, len(roles))
	if e != nil {
		return nil, e
	}
	out := listAccountRolesOutput{NextToken: next, RoleList: make([]roleInfo, 0, to-from)}
	for _, name := range roles[from:to] {
		out.RoleList = append(out.RoleList, roleInfo{RoleName: name, AccountID: accountID})
	}
	return out, nil
}

// ---- Logout ----

// logout ends the sign-in session of the access token: the token and every
// other token of the same login (refresh tokens included) stop working.
func (s *Server) logout(c *restCall) (any, *apiError) {
	si, e := s.portalSession(c)
	if e != nil {
		return nil, e
	}
	st := s.sso
	st.mu.Lock()
	si.loggedOut = true
	st.mu.Unlock()
	return nil, nil
}
