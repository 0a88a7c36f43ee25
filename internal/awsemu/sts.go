package awsemu

// The STS Query API: POST / with a form-encoded body (or GET with a query
// string), SigV4-signed except AssumeRoleWithWebIdentity, answering XML
// documents in the 2011-06-15 namespace.

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion   = "2011-06-15"
	stsService   = "sts"
	// expirationLayout is how STS writes Credentials/Expiration.
	expirationLayout = "2006-01-02T15:04:05Z"
)

// stsCall is one STS request being served.
type stsCall struct {
	q      *queryRequest
	caller *principal // nil for unsigned operations
	now    time.Time
}

type stsOp struct {
	unsigned bool
	run      func(s *Server, c *stsCall) (any, *apiError)
}

var stsOps = map[string]stsOp{
	"AssumeRole":                {run: (*Server).assumeRole},
	"AssumeRoleWithWebIdentity": {run: (*Server).assumeRoleWithWebIdentity, unsigned: true},
	"GetCallerIdentity":         {run: (*Server).getCallerIdentity},
	"GetFederationToken":        {run: (*Server).getFederationToken},
	"GetSessionToken":           {run: (*Server).getSessionToken},
}

// serveSTS serves an STS request; q and qerr are the outcome of
// readQueryRequest (see serveQuery).
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request, q *queryRequest, qerr *apiError) {
	start := time.Now()
	reqID := newRequestID()
	now := s.now()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	key := "sts:unknown"
	var aerr *apiError
	defer func() {
		s.logCall(key, reqID, aerr, time.Since(start))
	}()
	fail := func(e *apiError) {
		aerr = e
		s.count(key, e)
		writeQueryError(w, stsNamespace, reqID, e)
	}

	if qerr != nil {
		fail(qerr)
		return
	}
	action, ok := q.get("Action")
	if !ok || action == "" {
		fail(newAPIError(http.StatusBadRequest, "MissingAction", "Missing Action"))
		return
	}
	version, ok := q.get("Version")
	if !ok || version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	op, known := stsOps[action]
	if !known || version != stsVersion {
		fail(newAPIError(http.StatusBadRequest, "InvalidAction",
			"Could not find operation "+truncate(action, 64)+" for version "+truncate(version, 32)))
		return
	}
	key = "sts:" + action

	latency, fault := s.applyFaults(key)
	sleep(r.Context(), latency)
	if fault != nil {
		fail(fault)
		return
	}
	c := &stsCall{q: q, now: now}
	if !op.unsigned {
		p, e := s.authenticate(r, q.body, stsService, now)
		if e != nil {
			fail(e)
			return
		}
		c.caller = p
	}
	result, e := op.run(s, c)
	if e != nil {
		fail(e)
		return
	}
	s.count(key, nil)
	writeQueryResult(w, stsNamespace, action, reqID, result)
}

func (s *Server) logCall(key, reqID string, aerr *apiError, d time.Duration) {
	if aerr == nil {
		s.log.Info("call", "action", key, "status", http.StatusOK, "request_id", reqID, "duration", d)
		return
	}
	args := []any{"action", key, "status", aerr.Status, "code", aerr.Code, "request_id", reqID, "duration", d}
	if aerr.reason != "" {
		args = append(args, "reason", aerr.reason)
	}
	s.log.Info("call", args...)
}

// authenticate verifies the SigV4 signature of r and returns the caller.
func (s *Server) authenticate(r *http.Request, body []byte, service string, now time.Time) (*principal, *apiError) {
	if !hasAuth(r) {
		return nil, errMissingAuth()
	}
	sr, aerr := parseSigV4(r)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := sr.checkScope(service); aerr != nil {
		return nil, aerr
	}
	var secret string
	var p principal
	longTerm := false
	if ref, status := s.iam.lookup(sr.AccessKeyID); status == keyDisabled {
		return nil, errInvalidClientTokenID().withReason("access key " + sr.AccessKeyID + " is Inactive")
	} else if status == keyUsable {
		if sr.SecurityToken != "" {
			return nil, errInvalidClientTokenID().withReason("session token sent with a long-term access key")
		}
		secret, p, longTerm = ref.secret, s.ix.userPrincipal(ref.user), true
	} else if sess, ok := s.lookupSession(sr.AccessKeyID); ok {
		if !sess.tokenMatches(sr.SecurityToken) {
			return nil, errInvalidClientTokenID().withReason("session token missing or not the one issued with " + sr.AccessKeyID)
		}
		if !now.Before(sess.expiration) {
			return nil, errExpiredToken().withReason(sr.AccessKeyID + " expired at " + sess.expiration.Format(time.RFC3339))
		}
		secret, p = sess.secret, sess.principal
	} else {
		return nil, errInvalidClientTokenID().withReason("unknown access key id " + truncate(sr.AccessKeyID, 128))
	}
	if aerr := sr.checkTime(now, time.Duration(s.ix.maxSkewSeconds())*time.Second); aerr != nil {
		return nil, aerr
	}
	if !sr.verify(r, body, secret) {
		return nil, errBadSignature().withReason("signature mismatch for " + sr.AccessKeyID)
	}
	if longTerm {
		s.iam.touch(sr.AccessKeyID, sr.Service, sr.Region, now)
	}
	return &p, nil
}

// ---- result documents ----

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentialsOf(sess *session) xmlCredentials {
	return xmlCredentials{
		AccessKeyID:     sess.accessKeyID,
		SecretAccessKey: sess.secret,
		SessionToken:    sess.token,
		Expiration:      sess.expiration.UTC().Format(expirationLayout),
	}
}

type xmlAssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResult struct {
	XMLName          xml.Name           `xml:"AssumeRoleResult"`
	Credentials      xmlCredentials     `xml:"Credentials"`
	AssumedRoleUser  xmlAssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize *int               `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string             `xml:"SourceIdentity,omitempty"`
}

type assumeRoleWithWebIdentityResult struct {
	XMLName                     xml.Name           `xml:"AssumeRoleWithWebIdentityResult"`
	Credentials                 xmlCredentials     `xml:"Credentials"`
	SubjectFromWebIdentityToken string             `xml:"SubjectFromWebIdentityToken"`
	AssumedRoleUser             xmlAssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize            *int               `xml:"PackedPolicySize,omitempty"`
	Provider                    string             `xml:"Provider"`
	Audience                    string             `xml:"Audience"`
}

type getSessionTokenResult struct {
	XMLName     xml.Name       `xml:"GetSessionTokenResult"`
	Credentials xmlCredentials `xml:"Credentials"`
}

type getCallerIdentityResult struct {
	XMLName xml.Name `xml:"GetCallerIdentityResult"`
	Arn     string   `xml:"Arn"`
	UserID  string   `xml:"UserId"`
	Account string   `xml:"Account"`
}

type getFederationTokenResult struct {
	XMLName          xml.Name `xml:"GetFederationTokenResult"`
	Credentials      xmlCredentials
	FederatedUser    xmlFederatedUser `xml:"FederatedUser"`
	PackedPolicySize *int             `xml:"PackedPolicySize,omitempty"`
}

type xmlFederatedUser struct {
	FederatedUserID string `xml:"FederatedUserId"`
	Arn             string `xml:"Arn"`
}

// ---- parameter validation (model constraints of service-2.json) ----

var (
	sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDPat = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	serialPat     = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	digitsPat     = regexp.MustCompile(`^[\d]*$`)
	tagKeyPat     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValuePat   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// strParam describes one string member's model constraints.
type strParam struct {
	name      string // query parameter name, e.g. "RoleSessionName"
	required  bool
	min, max  int            // length bounds in characters; 0 = none
	pattern   *regexp.Regexp // nil = none
	patText   string         // the pattern as AWS prints it
	sensitive bool           // never echo the value
}

// member returns the lowerCamel member name AWS uses in messages.
func (p strParam) member() string {
	return strings.ToLower(p.name[:1]) + p.name[1:]
}

func (p strParam) check(q *queryRequest, v *validation) (string, bool) {
	val, ok := q.get(p.name)
	if !ok {
		if p.required {
			v.fail(nil, p.member(), "Member must not be null")
		}
		return "", false
	}
	shown := &val
	if p.sensitive {
		redacted := "*** Sensitive Data Redacted ***"
		shown = &redacted
	}
	n := utf8.RuneCountInString(val)
	if p.min > 0 && n < p.min {
		v.fail(shown, p.member(), "Member must have length greater than or equal to "+itoa(p.min))
	}
	if p.max > 0 && n > p.max {
		v.fail(shown, p.member(), "Member must have length less than or equal to "+itoa(p.max))
	}
	if p.pattern != nil && !p.pattern.MatchString(val) {
		v.fail(shown, p.member(), "Member must satisfy regular expression pattern: "+p.patText)
	}
	return val, true
}

var (
	pRoleArn         = strParam{name: "RoleArn", required: true, min: 20, max: 2048}
	pRoleSessionName = strParam{name: "RoleSessionName", required: true, min: 2, max: 64, pattern: sessionNameRe, patText: `[\w+=,.@-]*`}
	pPolicy          = strParam{name: "Policy", min: 1, max: 2048}
	pExternalID      = strParam{name: "ExternalId", min: 2, max: 1224, pattern: externalIDPat, patText: `[\w+=,.@:\/-]*`}
	pSerialNumber    = strParam{name: "SerialNumber", min: 9, max: 256, pattern: serialPat, patText: `[\w+=/:,.@-]*`}
	pTokenCode       = strParam{name: "TokenCode", min: 6, max: 6, pattern: digitsPat, patText: `[\d]*`, sensitive: true}
	pSourceIdentity  = strParam{name: "SourceIdentity", min: 2, max: 64, pattern: sessionNameRe, patText: `[\w+=,.@-]*`}
	pWebIdentity     = strParam{name: "WebIdentityToken", required: true, min: 4, max: 20000, sensitive: true}
	pProviderID      = strParam{name: "ProviderId", min: 4, max: 2048}
	pFederationName  = strParam{name: "Name", required: true, min: 2, max: 32, pattern: sessionNameRe, patText: `[\w+=,.@-]*`}
)

// durationParam reads DurationSeconds within [lo, hi]; def when absent.
func durationParam(q *queryRequest, v *validation, lo, hi, def int) int {
	raw, ok := q.get("DurationSeconds")
	if !ok {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		v.fail(&raw, "durationSeconds", "Member must be an integer")
		return def
	}
	if n < lo {
		v.fail(&raw, "durationSeconds", "Member must have value greater than or equal to "+itoa(lo))
	}
	if n > hi {
		v.fail(&raw, "durationSeconds", "Member must have value less than or equal to "+itoa(hi))
	}
	return n
}

// sessionPolicy holds the optional session policy members shared by
// AssumeRole, AssumeRoleWithWebIdentity and GetFederationToken.
type sessionPolicy struct {
	policy     string
	hasPolicy  bool
	policyArns []string
	tags       [][2]string
	transitive []string
}

// listMembers collects Name.member.N[.Field] parameters by index N
// (1-based), returning the values in index order and whether any index was
// invalid.
func listMembers(q *queryRequest, prefix, field string) ([]string, bool) {
	byIdx := map[int]string{}
	maxIdx := 0
	bad := false
	for k, vals := range q.params {
		rest, ok := strings.CutPrefix(k, prefix+".member.")
		if !ok {
			continue
		}
		idxText, f, _ := strings.Cut(rest, ".")
		if f != field {
			continue
		}
		idx, err := strconv.Atoi(idxText)
		if err != nil || idx < 1 || idx > 1000 {
			bad = true
			continue
		}
		byIdx[idx] = vals[0]
		maxIdx = max(maxIdx, idx)
	}
	out := make([]string, 0, len(byIdx))
	for i := 1; i <= maxIdx; i++ {
		if v, ok := byIdx[i]; ok {
			out = append(out, v)
		}
	}
	return out, bad
}

func readSessionPolicy(q *queryRequest, v *validation, withTags bool) sessionPolicy {
	var sp sessionPolicy
	sp.policy, sp.hasPolicy = pPolicy.check(q, v)
	sp.policyArns, _ = listMembers(q, "PolicyArns", "arn")
	if len(sp.policyArns) > 10 {
		v.fail(nil, "policyArns", "Member must have length less than or equal to 10")
	}
	for _, a := range sp.policyArns {
		if n := len(a); n < 20 || n > 2048 {
			v.fail(&a, "policyArns.member.arn", "Member must have length between 20 and 2048")
		}
	}
	if !withTags {
		return sp
	}
	keys, _ := listMembers(q, "Tags", "Key")
	values, _ := listMembers(q, "Tags", "Value")
	if len(keys) > 50 {
		v.fail(nil, "tags", "Member must have length less than or equal to 50")
	}
	for i, k := range keys {
		val := ""
		if i < len(values) {
			val = values[i]
		}
		if n := utf8.RuneCountInString(k); n < 1 || n > 128 || !tagKeyPat.MatchString(k) {
			v.fail(&k, "tags.member.key", `Member must have length between 1 and 128 and satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
		if n := utf8.RuneCountInString(val); n > 256 || !tagValuePat.MatchString(val) {
			v.fail(&val, "tags.member.value", `Member must have length less than or equal to 256 and satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
		sp.tags = append(sp.tags, [2]string{k, val})
	}
	sp.transitive, _ = listMembers(q, "TransitiveTagKeys", "")
	if len(sp.transitive) > 50 {
		v.fail(nil, "transitiveTagKeys", "Member must have length less than or equal to 50")
	}
	return sp
}

// check applies the service-side (non-model) rules and returns the packed
// policy size percentage when any policy or tag was sent.
func (sp sessionPolicy) check() (*int, *apiError) {
	if sp.hasPolicy {
		var doc map[string]any
		if err := json.Unmarshal([]byte(sp.policy), &doc); err != nil {
			return nil, newAPIError(http.StatusBadRequest, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
		}
	}
	seen := map[string]bool{}
	for _, t := range sp.tags {
		k := strings.ToLower(t[0])
		if seen[k] {
			return nil, errValidation("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	for _, k := range sp.transitive {
		if !seen[strings.ToLower(k)] {
			return nil, errValidation("The specified transitive tag key must be included in the requested tags.")
		}
	}
	if !sp.hasPolicy && len(sp.policyArns) == 0 && len(sp.tags) == 0 {
		return nil, nil
	}
	// An approximation of AWS's packed size: the share of a 2048-byte budget
	// used by the compacted policy, the ARNs and the tags.
	size := len(compactJSON(sp.policy))
	for _, a := range sp.policyArns {
		size += len(a) / 2
	}
	for _, t := range sp.tags {
		size += len(t[0]) + len(t[1])
	}
	pct := (size*100 + 2047) / 2048
	if pct > 100 {
		return nil, newAPIError(http.StatusBadRequest, "PackedPolicyTooLarge",
			"Packed size of consumed policies exceeds "+itoa(pct)+"% of allowed value.")
	}
	return &pct, nil
}

func compactJSON(s string) string {
	if s == "" {
		return ""
	}
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// ---- operations ----

func (s *Server) getCallerIdentity(c *stsCall) (any, *apiError) {
	p := c.caller
	return getCallerIdentityResult{Arn: p.arn, UserID: p.userID, Account: p.account}, nil
}

func (s *Server) assumeRole(c *stsCall) (any, *apiError) {
	q := c.q
	var v validation
	roleArn, _ := pRoleArn.check(q, &v)
	sessionName, _ := pRoleSessionName.check(q, &v)
	duration := durationParam(q, &v, 900, 43200, 3600)
	sp := readSessionPolicy(q, &v, true)
	externalID, hasExternalID := pExternalID.check(q, &v)
	serial, hasSerial := pSerialNumber.check(q, &v)
	code, hasCode := pTokenCode.check(q, &v)
	sourceID, hasSourceID := pSourceIdentity.check(q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	packed, e := sp.check()
	if e != nil {
		return nil, e
	}

	caller := c.caller
	denied := errNotAuthorized(caller.arn, "sts:AssumeRole", roleArn)
	role := s.ix.roles[roleArn]
	switch {
	case role == nil:
		return nil, denied.withReason("no such role in the world")
	case caller.kind == kindFederated:
		return nil, denied.withReason("federated users cannot call AssumeRole")
	case !trusts(role, caller):
		return nil, denied.withReason("the role's trust does not name the caller")
	}
	if role.Trust.ExternalID != "" && (!hasExternalID || externalID != role.Trust.ExternalID) {
		return nil, denied.withReason("external id missing or wrong")
	}
	mfa := caller.mfa
	if hasSerial || hasCode {
		if e := s.checkMFA(caller, serial, hasSerial, code, hasCode, c.now); e != nil {
			return nil, e
		}
		mfa = true
	}
	if role.Trust.RequireMFA && !mfa {
		return nil, denied.withReason("the role requires MFA and the caller has not authenticated with MFA")
	}
	if duration > s.ix.maxSession(role) {
		return nil, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if caller.kind == kindRoleSession && duration > 3600 {
		return nil, errValidation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if caller.sourceIdentity != "" {
		if hasSourceID && sourceID != caller.sourceIdentity {
			return nil, denied.withReason("the source identity of a session cannot be changed")
		}
		sourceID = caller.sourceIdentity
	}

	p := principal{
		kind:           kindRoleSession,
		account:        role.Account,
		arn:            "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + sessionName,
		userID:         s.ix.roleIDs[role] + ":" + sessionName,
		user:           caller.user,
		role:           role,
		mfa:            mfa,
		sourceIdentity: sourceID,
	}
	sess, err := s.issue(p, "AssumeRole", c.now, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, errInternalFailure().withReason(err.Error())
	}
	return assumeRoleResult{
		Credentials:      credentialsOf(sess),
		AssumedRoleUser:  xmlAssumedRoleUser{AssumedRoleID: p.userID, Arn: p.arn},
		PackedPolicySize: packed,
		SourceIdentity:   sourceID,
	}, nil
}

// trusts reports whether role's trust names the caller.
func trusts(role *Role, p *principal) bool {
	for _, t := range role.Trust.Principals {
		switch {
		case t == "*":
			return true
		case p.kind == kindFederated:
			continue
		case t == p.account || t == "arn:aws:iam::"+p.account+":root":
			return true
		case (p.kind == kindUser || p.kind == kindUserSession) && p.user != nil && t == p.user.ARN():
			return true
		case p.kind == kindRoleSession && p.role != nil && (t == p.role.ARN() || t == p.arn):
			return true
		}
	}
	return false
}

// checkMFA validates SerialNumber and TokenCode for the caller: the device
// must belong to the IAM user at the origin of the caller's chain and the
// code must be current (±1 step).
func (s *Server) checkMFA(caller *principal, serial string, hasSerial bool, code string, hasCode bool, now time.Time) *apiError {
	if !hasSerial || !hasCode {
		return errAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.").
			withReason("SerialNumber and TokenCode must be sent together")
	}
	ref, ok := s.ix.mfa[serial]
	if !ok || caller.user == nil || ref.user != caller.user {
		return errAccessDenied("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.").
			withReason("MFA device " + serial + " is not the caller's")
	}
	if !checkTOTP(s.ix.seeds[serial], code, now) {
		return errAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.").
			withReason("wrong TOTP code for " + serial)
	}
	return nil
}

func (s *Server) getSessionToken(c *stsCall) (any, *apiError) {
	q := c.q
	var v validation
	duration := durationParam(q, &v, 900, 129600, 43200)
	serial, hasSerial := pSerialNumber.check(q, &v)
	code, hasCode := pTokenCode.check(q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	caller := c.caller
	if caller.kind != kindUser {
		return nil, errAccessDenied("Cannot call GetSessionToken with session credentials").withReason("caller is a " + caller.kind.String())
	}
	mfa := false
	if hasSerial || hasCode {
		if e := s.checkMFA(caller, serial, hasSerial, code, hasCode, c.now); e != nil {
			return nil, e
		}
		mfa = true
	}
	p := *caller
	p.kind = kindUserSession
	p.mfa = mfa
	sess, err := s.issue(p, "GetSessionToken", c.now, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, errInternalFailure().withReason(err.Error())
	}
	return getSessionTokenResult{Credentials: credentialsOf(sess)}, nil
}

func (s *Server) getFederationToken(c *stsCall) (any, *apiError) {
	q := c.q
	var v validation
	name, _ := pFederationName.check(q, &v)
	duration := durationParam(q, &v, 900, 129600, 43200)
	sp := readSessionPolicy(q, &v, true)
	if e := v.err(); e != nil {
		return nil, e
	}
	packed, e := sp.check()
	if e != nil {
		return nil, e
	}
	caller := c.caller
	if caller.kind != kindUser {
		return nil, errAccessDenied("Cannot call GetFederationToken with session credentials").withReason("caller is a " + caller.kind.String())
	}
	p := principal{
		kind:    kindFederated,
		account: caller.account,
		arn:     "arn:aws:sts::" + caller.account + ":federated-user/" + name,
		userID:  caller.account + ":" + name,
		user:    caller.user,
	}
	sess, err := s.issue(p, "GetFederationToken", c.now, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, errInternalFailure().withReason(err.Error())
	}
	return getFederationTokenResult{
		Credentials:      credentialsOf(sess),
		FederatedUser:    xmlFederatedUser{FederatedUserID: p.userID, Arn: p.arn},
		PackedPolicySize: packed,
	}, nil
}

func (s *Server) assumeRoleWithWebIdentity(c *stsCall) (any, *apiError) {
	q := c.q
	var v validation
	roleArn, _ := pRoleArn.check(q, &v)
	sessionName, _ := pRoleSessionName.check(q, &v)
	token, _ := pWebIdentity.check(q, &v)
	pProviderID.check(q, &v)
	duration := durationParam(q, &v, 900, 43200, 3600)
	sp := readSessionPolicy(q, &v, false)
	if e := v.err(); e != nil {
		return nil, e
	}
	packed, e := sp.check()
	if e != nil {
		return nil, e
	}
	invalid := func(msg, reason string) *apiError {
		return newAPIError(http.StatusBadRequest, "InvalidIdentityToken", msg).withReason(reason)
	}
	tok, err := parseJWT(token)
	if err != nil {
		return nil, invalid("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", err.Error())
	}
	denied := errAccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
	role := s.ix.roles[roleArn]
	if role == nil {
		return nil, denied.withReason("no such role in the world")
	}
	iss := normIssuer(tok.Claims.Iss)
	var trust *WebIdentityTrust
	for i := range role.Trust.WebIdentity {
		if normIssuer(role.Trust.WebIdentity[i].Issuer) == iss {
			trust = &role.Trust.WebIdentity[i]
			break
		}
	}
	if trust == nil {
		for _, r := range s.ix.issuers[iss] {
			if r.Account == role.Account && iss != "" {
				return nil, denied.withReason("the role does not trust issuer " + iss)
			}
		}
		return nil, invalid("No OpenIDConnect provider found in your account for "+truncate(tok.Claims.Iss, 256), "unknown issuer")
	}
	if trust.HS256Secret != "" && !tok.verifyHS256(trust.HS256Secret) {
		return nil, invalid("The web identity token signature could not be verified.", "HS256 signature check failed")
	}
	if tok.Claims.Exp == nil {
		return nil, invalid("The web identity token has no expiration (exp) claim.", "no exp")
	}
	if !c.now.Before(tok.Claims.Exp.Time) {
		return nil, newAPIError(http.StatusBadRequest, "ExpiredTokenException",
			"Token expired: current date/time "+strconv.FormatInt(c.now.Unix(), 10)+
				" must be before the expiration date/time "+strconv.FormatInt(tok.Claims.Exp.Unix(), 10))
	}
	if tok.Claims.Nbf != nil && c.now.Before(tok.Claims.Nbf.Time) {
		return nil, invalid("The web identity token is not yet valid (nbf).", "nbf in the future")
	}
	audience := ""
	for _, a := range tok.Claims.Aud {
		for _, want := range trust.Audiences {
			if a == want && audience == "" {
				audience = a
			}
		}
	}
	if audience == "" {
		return nil, invalid("Incorrect token audience", "audience not accepted by the role")
	}
	if duration > s.ix.maxSession(role) {
		return nil, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	p := principal{
		kind:    kindRoleSession,
		account: role.Account,
		arn:     "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + sessionName,
		userID:  s.ix.roleIDs[role] + ":" + sessionName,
		role:    role,
	}
	sess, err := s.issue(p, "AssumeRoleWithWebIdentity", c.now, time.Duration(duration)*time.Second)
	if err != nil {
		return nil, errInternalFailure().withReason(err.Error())
	}
	return assumeRoleWithWebIdentityResult{
		Credentials:                 credentialsOf(sess),
		SubjectFromWebIdentityToken: tok.Claims.Sub,
		AssumedRoleUser:             xmlAssumedRoleUser{AssumedRoleID: p.userID, Arn: p.arn},
		PackedPolicySize:            packed,
		Provider:                    iss,
		Audience:                    audience,
	}, nil
}
