package awsemu

// The IAM Query API, reduced to an IAM user managing its own access keys:
// CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
// GetAccessKeyLastUsed and GetUser. Requests are form-encoded POSTs (or
// GETs) to "/" like STS, with Version=2010-05-08 and SigV4 scoped to the
// service "iam"; the answers are XML documents in the 2010-05-08
// namespace. IAM and STS share the listener: serveQuery tells them apart
// by the Version parameter, or, when it is missing, by the service of the
// signature's credential scope.
//
// Access keys are mutable server state (iamState): the world's keys are
// loaded at start (and again by Reset), and keys created here sign STS and
// IAM calls at once; a deleted or Inactive key is refused with
// InvalidClientTokenId, like an unknown one.

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	iamVersion   = "2010-05-08"
	iamService   = "iam"
	// iamDateLayout is how IAM writes CreateDate and LastUsedDate.
	iamDateLayout = "2006-01-02T15:04:05Z"
	// maxAccessKeysPerUser is IAM's quota of access keys per user.
	maxAccessKeysPerUser = 2
)

// Access key statuses, as IAM spells them.
const (
	keyActive   = "Active"
	keyInactive = "Inactive"
)

// iamKey is one long-term access key as the emulator holds it.
type iamKey struct {
	id, secret string
	user       *User
	status     string
	created    time.Time
	// last use, for GetAccessKeyLastUsed; zero when never used
	lastUsed    time.Time
	lastService string
	lastRegion  string
}

// iamState is the mutable set of access keys, under its own mutex.
type iamState struct {
	mu      sync.Mutex
	started time.Time
	keys    map[string]*iamKey  // by access key id
	byUser  map[*User][]*iamKey // creation order
}

// newIAMState loads the world's access keys; they count as created at
// started.
func newIAMState(ix *index, started time.Time) *iamState {
	st := &iamState{started: started.UTC().Truncate(time.Second)}
	st.load(ix)
	return st
}

func (st *iamState) load(ix *index) {
	st.keys = map[string]*iamKey{}
	st.byUser = map[*User][]*iamKey{}
	for i := range ix.world.Users {
		u := &ix.world.Users[i]
		for _, k := range u.AccessKeys {
			key := &iamKey{id: k.ID, secret: k.Secret, user: u, status: keyActive, created: st.started}
			st.keys[k.ID] = key
			st.byUser[u] = append(st.byUser[u], key)
		}
	}
}

// reset restores the world's access keys.
func (st *iamState) reset(ix *index) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.load(ix)
}

// keyStatus tells authenticate what an access key id is.
type keyStatus int

const (
	keyUnknown keyStatus = iota
	keyUsable
	keyDisabled
)

// lookup returns the owner and secret of a long-term access key.
func (st *iamState) lookup(id string) (keyRef, keyStatus) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k, ok := st.keys[id]
	switch {
	case !ok:
		return keyRef{}, keyUnknown
	case k.status != keyActive:
		return keyRef{user: k.user}, keyDisabled
	}
	return keyRef{user: k.user, secret: k.secret}, keyUsable
}

// touch records a successful use of a long-term key.
func (st *iamState) touch(id, service, region string, now time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if k, ok := st.keys[id]; ok {
		k.lastUsed, k.lastService, k.lastRegion = now.UTC().Truncate(time.Second), service, region
	}
}

// AccessKeyInfo describes a long-term access key without its secret, for
// tests and tools.
type AccessKeyInfo struct {
	AccessKeyID string    `json:"access_key_id"`
	UserARN     string    `json:"user_arn"`
	Status      string    `json:"status"` // Active or Inactive
	Created     time.Time `json:"created"`
	LastUsed    time.Time `json:"last_used,omitzero"`
}

// AccessKeys lists the IAM users' access keys as they are now (the world's
// keys plus those created over IAM, minus those deleted), by user in world
// order, then by creation.
func (s *Server) AccessKeys() []AccessKeyInfo {
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []AccessKeyInfo
	for i := range s.ix.world.Users {
		u := &s.ix.world.Users[i]
		for _, k := range st.byUser[u] {
			out = append(out, AccessKeyInfo{AccessKeyID: k.id, UserARN: u.ARN(), Status: k.status, Created: k.created, LastUsed: k.lastUsed})
		}
	}
	return out
}

// isIAMRequest reports whether a Query request on "/" is meant for IAM:
// Version=2010-05-08, or no Version and a credential scope naming "iam".
func isIAMRequest(r *http.Request, q *queryRequest) bool {
	if v, ok := q.get("Version"); ok && v != "" {
		return v == iamVersion
	}
	return scopeService(r) == iamService
}

// scopeService returns the service of the SigV4 credential scope a request
// carries (header or presigned query), or "".
func scopeService(r *http.Request) string {
	cred := ""
	if h := r.Header.Get("Authorization"); h != "" {
		_, after, ok := strings.Cut(h, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(after, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// serveQuery serves the Query APIs on "/": IAM or STS.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	q, e := readQueryRequest(r)
	if e == nil && isIAMRequest(r, q) {
		s.serveIAM(w, r, q)
		return
	}
	s.serveSTS(w, r, q, e)
}

// iamCall is one IAM request being served.
type iamCall struct {
	q      *queryRequest
	action string
	caller *principal
	now    time.Time
}

var iamOps = map[string]func(s *Server, c *iamCall) (any, *apiError){
	"CreateAccessKey":      (*Server).createAccessKey,
	"DeleteAccessKey":      (*Server).deleteAccessKey,
	"GetAccessKeyLastUsed": (*Server).getAccessKeyLastUsed,
	"GetUser":              (*Server).getUser,
	"ListAccessKeys":       (*Server).listAccessKeys,
	"UpdateAccessKey":      (*Server).updateAccessKey,
}

func (s *Server) serveIAM(w http.ResponseWriter, r *http.Request, q *queryRequest) {
	start := time.Now()
	reqID := newRequestID()
	now := s.now()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	key := "iam:unknown"
	var aerr *apiError
	defer func() {
		s.logCall(key, reqID, aerr, time.Since(start))
	}()
	fail := func(e *apiError) {
		aerr = e
		s.count(key, e)
		writeQueryError(w, iamNamespace, reqID, e)
	}
	action, ok := q.get("Action")
	if !ok || action == "" {
		fail(newAPIError(http.StatusBadRequest, "MissingAction", "Missing Action"))
		return
	}
	version, _ := q.get("Version")
	if version == "" {
		version = "NO_VERSION_SPECIFIED"
	}
	op, known := iamOps[action]
	if !known || version != iamVersion {
		fail(newAPIError(http.StatusBadRequest, "InvalidAction",
			"Could not find operation "+truncate(action, 64)+" for version "+truncate(version, 32)))
		return
	}
	key = "iam:" + action

	latency, fault := s.applyFaults(key)
	sleep(r.Context(), latency)
	if fault != nil {
		fail(fault)
		return
	}
	p, e := s.authenticate(r, q.body, iamService, now)
	if e != nil {
		fail(e)
		return
	}
	result, e := op(s, &iamCall{q: q, action: action, caller: p, now: now})
	if e != nil {
		fail(e)
		return
	}
	s.count(key, nil)
	if result == nil {
		writeQueryEmpty(w, iamNamespace, action, reqID)
		return
	}
	writeQueryResult(w, iamNamespace, action, reqID, result)
}

// writeQueryEmpty writes the success document of an operation without
// output: only ResponseMetadata.
func writeQueryEmpty(w http.ResponseWriter, ns, op, reqID string) {
	body := fmt.Sprintf("<%sResponse xmlns=\"%s\">\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n</%sResponse>\n",
		op, ns, reqID, op)
	writeBody(w, http.StatusOK, reqID, []byte(body))
}

// ---- parameters ----

var (
	iamUserNamePat = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamKeyIDPat    = regexp.MustCompile(`^[\w]+$`)
	iamMarkerPat   = regexp.MustCompile(`^[\x{0020}-\x{00FF}]+$`)
)

var (
	pIAMUserName    = strParam{name: "UserName", min: 1, max: 128, pattern: iamUserNamePat, patText: `[\w+=,.@-]+`}
	pIAMAccessKeyID = strParam{name: "AccessKeyId", required: true, min: 16, max: 128, pattern: iamKeyIDPat, patText: `[\w]+`}
	pIAMMarker      = strParam{name: "Marker", min: 1, max: 320, pattern: iamMarkerPat, patText: `[\u0020-\u00FF]+`}
)

// statusParam reads the required Status enum of UpdateAccessKey.
func statusParam(q *queryRequest, v *validation) string {
	val, ok := q.get("Status")
	switch {
	case !ok:
		v.fail(nil, "status", "Member must not be null")
	case val != keyActive && val != keyInactive:
		v.fail(&val, "status", "Member must satisfy enum value set: [Active, Inactive]")
	}
	return val
}

// maxItemsParam reads MaxItems (1-1000, default 100).
func maxItemsParam(q *queryRequest, v *validation) int {
	raw, ok := q.get("MaxItems")
	if !ok {
		return 100
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil:
		v.fail(&raw, "maxItems", "Member must be an integer")
		return 100
	case n < 1:
		v.fail(&raw, "maxItems", "Member must have value greater than or equal to 1")
	case n > 1000:
		v.fail(&raw, "maxItems", "Member must have value less than or equal to 1000")
	}
	return n
}

// ---- authorisation ----

// target resolves the user an IAM call acts on: UserName, else the
// caller. Only IAM users (long-term keys, or a GetSessionToken session
// obtained with MFA) may call IAM, and only on themselves: the emulator has
// no IAM policies, and this is what a "manage your own keys" policy allows.
func (s *Server) target(c *iamCall, name string, hasName bool) (*User, *apiError) {
	p := c.caller
	resource := "user " + name
	if p.user != nil && !hasName {
		resource = p.user.ARN()
	}
	denied := errNotAuthorized(p.arn, "iam:"+c.action, resource)
	switch {
	case p.kind == kindUserSession && !p.mfa:
		return nil, errAccessDenied("Cannot call IAM APIs with session credentials unless MFA authentication information is included in the request").
			withReason("GetSessionToken session without MFA")
	case p.kind != kindUser && p.kind != kindUserSession:
		return nil, denied.withReason("only IAM users may manage access keys in the emulator; the caller is a " + p.kind.String())
	case p.user == nil:
		return nil, denied.withReason("the caller is not an IAM user")
	}
	if !hasName || name == p.user.Name {
		return p.user, nil
	}
	for i := range s.ix.world.Users {
		u := &s.ix.world.Users[i]
		if u.Account == p.account && u.Name == name {
			return nil, errNotAuthorized(p.arn, "iam:"+c.action, u.ARN()).withReason("users may only manage their own access keys")
		}
	}
	return nil, errNoSuchUser(name)
}

func errNoSuchUser(name string) *apiError {
	return newAPIError(http.StatusNotFound, "NoSuchEntity", "The user with name "+truncate(name, 128)+" cannot be found.")
}

func errNoSuchKey(id string) *apiError {
	return newAPIError(http.StatusNotFound, "NoSuchEntity", "The Access Key with id "+truncate(id, 128)+" cannot be found.")
}

// userKey finds a key of u by id, under st.mu.
func (st *iamState) userKey(u *User, id string) (*iamKey, int) {
	for i, k := range st.byUser[u] {
		if k.id == id {
			return k, i
		}
	}
	return nil, -1
}

// ---- result documents ----

type xmlAccessKey struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	CreateDate      string `xml:"CreateDate"`
}

type createAccessKeyResult struct {
	XMLName   xml.Name     `xml:"CreateAccessKeyResult"`
	AccessKey xmlAccessKey `xml:"AccessKey"`
}

type xmlAccessKeyMetadata struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type listAccessKeysResult struct {
	XMLName     xml.Name               `xml:"ListAccessKeysResult"`
	Metadata    []xmlAccessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated bool                   `xml:"IsTruncated"`
	Marker      string                 `xml:"Marker,omitempty"`
}

type xmlUser struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type getUserResult struct {
	XMLName xml.Name `xml:"GetUserResult"`
	User    xmlUser  `xml:"User"`
}

type xmlAccessKeyLastUsed struct {
	LastUsedDate string `xml:"LastUsedDate,omitempty"`
	ServiceName  string `xml:"ServiceName"`
	Region       string `xml:"Region"`
}

type getAccessKeyLastUsedResult struct {
	XMLName           xml.Name             `xml:"GetAccessKeyLastUsedResult"`
	UserName          string               `xml:"UserName"`
	AccessKeyLastUsed xmlAccessKeyLastUsed `xml:"AccessKeyLastUsed"`
}

func iamDate(t time.Time) string { return t.UTC().Format(iamDateLayout) }

// ---- operations ----

func (s *Server) createAccessKey(c *iamCall) (any, *apiError) {
	var v validation
	name, hasName := pIAMUserName.check(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, name, hasName)
	if e != nil {
		return nil, e
	}
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.byUser[u]) >= maxAccessKeysPerUser {
		return nil, newAPIError(http.StatusConflict, "LimitExceeded",
			"Cannot exceed quota for AccessKeysPerUser: "+itoa(maxAccessKeysPerUser)).withReason(u.ARN() + " already has its keys")
	}
	id, secret, err := st.newKeyPair(s)
	if err != nil {
		return nil, errInternalFailure().withReason(err.Error())
	}
	k := &iamKey{id: id, secret: secret, user: u, status: keyActive, created: c.now.UTC().Truncate(time.Second)}
	st.keys[id] = k
	st.byUser[u] = append(st.byUser[u], k)
	return createAccessKeyResult{AccessKey: xmlAccessKey{
		UserName: u.Name, AccessKeyID: id, Status: keyActive, SecretAccessKey: secret, CreateDate: iamDate(k.created),
	}}, nil
}

// newKeyPair makes an unused AKIA id and a 40-character secret, under
// st.mu.
func (st *iamState) newKeyPair(s *Server) (id, secret string, err error) {
	for range 10 {
		var b [10]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", "", fmt.Errorf("generating access key id: %w", err)
		}
		id = "AKIA" + base32.StdEncoding.EncodeToString(b[:])
		if _, taken := st.keys[id]; taken {
			continue
		}
		if _, taken := s.lookupSession(id); taken {
			continue
		}
		secret, err = randomString(30, base64.StdEncoding)
		return id, secret, err
	}
	return "", "", fmt.Errorf("no free access key id")
}

func (s *Server) listAccessKeys(c *iamCall) (any, *apiError) {
	var v validation
	name, hasName := pIAMUserName.check(c.q, &v)
	marker, hasMarker := pIAMMarker.check(c.q, &v)
	maxItems := maxItemsParam(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, name, hasName)
	if e != nil {
		return nil, e
	}
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	keys := st.byUser[u]
	from := 0
	if hasMarker {
		_, from = st.userKey(u, marker)
		if from < 0 {
			return nil, errValidation("Invalid Marker.")
		}
	}
	res := listAccessKeysResult{Metadata: []xmlAccessKeyMetadata{}}
	for i := from; i < len(keys); i++ {
		if len(res.Metadata) == maxItems {
			res.IsTruncated, res.Marker = true, keys[i].id
			break
		}
		k := keys[i]
		res.Metadata = append(res.Metadata, xmlAccessKeyMetadata{UserName: u.Name, AccessKeyID: k.id, Status: k.status, CreateDate: iamDate(k.created)})
	}
	return res, nil
}

func (s *Server) deleteAccessKey(c *iamCall) (any, *apiError) {
	var v validation
	name, hasName := pIAMUserName.check(c.q, &v)
	id, _ := pIAMAccessKeyID.check(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, name, hasName)
	if e != nil {
		return nil, e
	}
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	k, i := st.userKey(u, id)
	if k == nil {
		return nil, errNoSuchKey(id)
	}
	st.byUser[u] = append(st.byUser[u][:i:i], st.byUser[u][i+1:]...)
	delete(st.keys, id)
	return nil, nil
}

func (s *Server) updateAccessKey(c *iamCall) (any, *apiError) {
	var v validation
	name, hasName := pIAMUserName.check(c.q, &v)
	id, _ := pIAMAccessKeyID.check(c.q, &v)
	status := statusParam(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, name, hasName)
	if e != nil {
		return nil, e
	}
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	k, _ := st.userKey(u, id)
	if k == nil {
		return nil, errNoSuchKey(id)
	}
	k.status = status
	return nil, nil
}

func (s *Server) getUser(c *iamCall) (any, *apiError) {
	var v validation
	name, hasName := pIAMUserName.check(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, name, hasName)
	if e != nil {
		return nil, e
	}
	return getUserResult{User: xmlUser{
		Path: normPath(u.Path), UserName: u.Name, UserID: s.ix.userIDs[u], Arn: u.ARN(), CreateDate: iamDate(s.iam.started),
	}}, nil
}

func (s *Server) getAccessKeyLastUsed(c *iamCall) (any, *apiError) {
	var v validation
	id, _ := pIAMAccessKeyID.check(c.q, &v)
	if e := v.err(); e != nil {
		return nil, e
	}
	u, e := s.target(c, "", false)
	if e != nil {
		return nil, e
	}
	st := s.iam
	st.mu.Lock()
	defer st.mu.Unlock()
	k, _ := st.userKey(u, id)
	if k == nil {
		return nil, errNoSuchKey(id)
	}
	res := getAccessKeyLastUsedResult{UserName: u.Name, AccessKeyLastUsed: xmlAccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}}
	if !k.lastUsed.IsZero() {
		res.AccessKeyLastUsed = xmlAccessKeyLastUsed{LastUsedDate: iamDate(k.lastUsed), ServiceName: k.lastService, Region: k.lastRegion}
	}
	return res, nil
}
