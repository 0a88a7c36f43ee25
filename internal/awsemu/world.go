package awsemu

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// World is everything the emulator knows about: accounts, IAM users and
// roles, and a few settings. It is read from a JSON world file (see
// docs/awsemu.md) or built in Go by tests. Field names in JSON are the
// snake_case tags below; unknown fields are rejected so that typos fail
// loudly.
type World struct {
	// Comment is free text for humans; the emulator ignores it.
	Comment  string    `json:"comment,omitempty"`
	Settings Settings  `json:"settings"`
	Accounts []Account `json:"accounts"`
	Users    []User    `json:"users,omitempty"`
	Roles    []Role    `json:"roles,omitempty"`
	// IdentityCenter, when present, enables SSO OIDC logins and the SSO
	// portal (identitycenter.go).
	IdentityCenter *IdentityCenter `json:"identity_center,omitempty"`
	// EKSClusters are the EKS clusters of DescribeCluster / ListClusters
	// and of the cluster API stand-in (eks.go).
	EKSClusters []EKSCluster `json:"eks_clusters,omitempty"`
}

// Settings tune the emulator for tests.
type Settings struct {
	// CredentialLifetimeSeconds, when positive, caps the lifetime of every
	// credential the emulator issues (the requested DurationSeconds is still
	// validated as AWS would). Tests use it to get e.g. 60-second
	// credentials.
	CredentialLifetimeSeconds int `json:"credential_lifetime_seconds,omitempty"`
	// ClockSkewSeconds shifts the emulator's clock relative to the host's
	// (positive: the emulator is ahead). Use it to exercise client handling
	// of skewed clocks.
	ClockSkewSeconds int `json:"clock_skew_seconds,omitempty"`
	// MaxRequestSkewSeconds is how far a request's X-Amz-Date may be from
	// the emulator's clock; 0 means AWS's 900 seconds.
	MaxRequestSkewSeconds int `json:"max_request_skew_seconds,omitempty"`
	// LoginAutoApproveUser, an IAM user's name or ARN, makes the sign-in
	// endpoint of `aws login` (/v1/authorize) approve at once as that user
	// instead of showing its sign-in page.
	LoginAutoApproveUser string `json:"login_auto_approve_user,omitempty"`
}

// Account is an AWS account.
type Account struct {
	// ID is the 12-digit account id.
	ID string `json:"id"`
	// Name is the account's display name (used by later APIs such as the
	// SSO portal).
	Name string `json:"name,omitempty"`
	// Email is the account's email address, shown by the SSO portal's
	// ListAccounts; aws+ID@example.com when empty.
	Email       string `json:"email,omitempty"`
	Description string `json:"description,omitempty"`
}

// User is an IAM user with long-term access keys.
type User struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	// Path is the IAM path, "/" when empty; it appears in the user's ARN.
	Path string `json:"path,omitempty"`
	// UserID is the unique id (AIDA…); derived from account and name when
	// empty.
	UserID      string      `json:"user_id,omitempty"`
	AccessKeys  []AccessKey `json:"access_keys,omitempty"`
	MFA         *MFADevice  `json:"mfa,omitempty"`
	Description string      `json:"description,omitempty"`
}

// AccessKey is a long-term access key pair of an IAM user.
type AccessKey struct {
	// ID is the access key id, conventionally AKIA followed by 16
	// characters. ASIA ids are reserved for issued session credentials.
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// MFADevice is a virtual (TOTP) MFA device of an IAM user.
type MFADevice struct {
	// Serial is the device's serial number as clients send it, normally
	// its ARN arn:aws:iam::ACCOUNT:mfa/NAME.
	Serial string `json:"serial"`
	// Seed is the base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s).
	Seed string `json:"seed"`
}

// Role is an IAM role that callers may assume.
type Role struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	// Path is the IAM path, "/" when empty; it appears in the role's ARN
	// but not in assumed-role session ARNs.
	Path string `json:"path,omitempty"`
	// RoleID is the unique id (AROA…); derived from account and name when
	// empty.
	RoleID string `json:"role_id,omitempty"`
	// MaxSessionDuration is in seconds, 3600–43200; 0 means 3600.
	MaxSessionDuration int    `json:"max_session_duration,omitempty"`
	Trust              Trust  `json:"trust"`
	Description        string `json:"description,omitempty"`
}

// Trust is a role's trust policy, reduced to what the emulator checks.
type Trust struct {
	// Principals that may call AssumeRole: IAM user ARNs, role ARNs (any
	// session of that role), assumed-role session ARNs,
	// arn:aws:iam::ACCOUNT:root or a bare account id (any principal of that
	// account), or "*" (any authenticated caller).
	Principals []string `json:"principals,omitempty"`
	// ExternalID, when set, must equal the caller's ExternalId parameter.
	ExternalID string `json:"external_id,omitempty"`
	// RequireMFA demands that the caller authenticated with MFA: in this
	// call (SerialNumber and TokenCode), or through a GetSessionToken
	// session obtained with MFA, or a role chain whose origin had MFA.
	RequireMFA bool `json:"require_mfa,omitempty"`
	// WebIdentity lists the identity providers whose tokens
	// AssumeRoleWithWebIdentity accepts for this role.
	WebIdentity []WebIdentityTrust `json:"web_identity,omitempty"`
}

// WebIdentityTrust accepts JWTs from one issuer for a role.
type WebIdentityTrust struct {
	// Issuer must equal the token's iss claim (a leading "https://" and a
	// trailing "/" are ignored on both sides).
	Issuer string `json:"issuer"`
	// Audiences lists accepted aud values; the token must carry one of
	// them.
	Audiences []string `json:"audiences"`
	// HS256Secret, when set, makes the emulator require an HS256 signature
	// made with this secret. When empty, the token's signature is not
	// checked at all (alg "none" and any other alg are accepted).
	HS256Secret string `json:"hs256_secret,omitempty"`
}

//go:embed example-world.json
var exampleWorldJSON []byte

// ExampleWorldJSON returns the documented example world file, the one
// `awsemu example-world` prints and docs/awsemu.md shows.
func ExampleWorldJSON() []byte {
	return bytes.Clone(exampleWorldJSON)
}

// ExampleWorld returns the example world, parsed.
func ExampleWorld() *World {
	w, err := ParseWorld(exampleWorldJSON)
	if err != nil {
		panic("awsemu: embedded example world is invalid: " + err.Error())
	}
	return w
}

// LoadWorld reads and validates a world file.
func LoadWorld(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading world file: %w", err)
	}
	w, err := ParseWorld(data)
	if err != nil {
		return nil, fmt.Errorf("world file %s: %w", path, err)
	}
	return w, nil
}

// ParseWorld decodes and validates a world document. Unknown fields and
// trailing data are errors.
func ParseWorld(data []byte) (*World, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w World
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("decoding world: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decoding world: unexpected data after the top-level object")
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return &w, nil
}

// Validate checks the world for consistency: known accounts, unique names
// and key ids, well-formed ARNs, durations and seeds.
func (w *World) Validate() error {
	_, err := compileWorld(w)
	return err
}

// ARN returns the user's ARN, arn:aws:iam::ACCOUNT:user/PATH/NAME.
func (u *User) ARN() string {
	return "arn:aws:iam::" + u.Account + ":user" + normPath(u.Path) + u.Name
}

// ARN returns the role's ARN, arn:aws:iam::ACCOUNT:role/PATH/NAME.
func (r *Role) ARN() string {
	return "arn:aws:iam::" + r.Account + ":role" + normPath(r.Path) + r.Name
}

func normPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// WorldError reports what is wrong with a world and where.
type WorldError struct {
	// Field locates the problem, e.g. "roles[2].trust.principals[0]".
	Field   string
	Problem string
}

func (e *WorldError) Error() string {
	return "invalid world: " + e.Field + ": " + e.Problem
}

func worldErr(field, format string, args ...any) error {
	return &WorldError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

var (
	accountIDRe  = regexp.MustCompile(`^[0-9]{12}$`)
	iamNameRe    = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	iamPathRe    = regexp.MustCompile(`^/([\x21-\x7e]+/)?$`)
	accessKeyRe  = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
	serialRe     = regexp.MustCompile(`^[\w+=/:,.@-]{9,256}$`)
	externalIDRe = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// index is the compiled, read-only form of a World that the server uses.
type index struct {
	world    *World
	accounts map[string]*Account
	keys     map[string]keyRef  // access key id → owner
	users    map[string]*User   // user ARN → user
	roles    map[string]*Role   // role ARN → role
	mfa      map[string]mfaRef  // serial → device and owner
	seeds    map[string][]byte  // serial → decoded seed
	userIDs  map[*User]string   // effective unique ids
	roleIDs  map[*Role]string   // effective unique ids
	issuers  map[string][]*Role // normalised issuer → roles that trust it
	ic       *icIndex           // never nil; disabled without identity_center
}

type keyRef struct {
	user   *User
	secret string
}

type mfaRef struct {
	user   *User
	device *MFADevice
}

func compileWorld(w *World) (*index, error) {
	ix := &index{
		world:    w,
		accounts: map[string]*Account{},
		keys:     map[string]keyRef{},
		users:    map[string]*User{},
		roles:    map[string]*Role{},
		mfa:      map[string]mfaRef{},
		seeds:    map[string][]byte{},
		userIDs:  map[*User]string{},
		roleIDs:  map[*Role]string{},
		issuers:  map[string][]*Role{},
	}
	s := w.Settings
	if s.CredentialLifetimeSeconds < 0 {
		return nil, worldErr("settings.credential_lifetime_seconds", "must not be negative")
	}
	const century = 100 * 365 * 24 * 3600
	if s.ClockSkewSeconds < -century || s.ClockSkewSeconds > century {
		return nil, worldErr("settings.clock_skew_seconds", "must be within a century")
	}
	if s.MaxRequestSkewSeconds < 0 {
		return nil, worldErr("settings.max_request_skew_seconds", "must not be negative")
	}
	generated := w.IdentityCenter != nil && w.IdentityCenter.Generate != nil
	if len(w.Accounts) == 0 && !generated {
		return nil, worldErr("accounts", "at least one account is required")
	}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		f := fmt.Sprintf("accounts[%d]", i)
		if !accountIDRe.MatchString(a.ID) {
			return nil, worldErr(f+".id", "%q is not a 12-digit account id", a.ID)
		}
		if ix.accounts[a.ID] != nil {
			return nil, worldErr(f+".id", "duplicate account %s", a.ID)
		}
		ix.accounts[a.ID] = a
	}
	for i := range w.Users {
		if err := ix.addUser(i, &w.Users[i]); err != nil {
			return nil, err
		}
	}
	for i := range w.Roles {
		if err := ix.addRole(i, &w.Roles[i]); err != nil {
			return nil, err
		}
	}
	if name := s.LoginAutoApproveUser; name != "" && !slices.ContainsFunc(w.Users, func(u User) bool { return u.Name == name || u.ARN() == name }) {
		return nil, worldErr("settings.login_auto_approve_user", "%q is not the name or ARN of a user", name)
	}
	ic, err := compileIdentityCenter(w.IdentityCenter, ix)
	if err != nil {
		return nil, err
	}
	ix.ic = ic
	if err := compileEKS(w, ix); err != nil {
		return nil, err
	}
	return ix, nil
}

func validPath(p string) bool {
	return p == "" || (len(p) <= 512 && iamPathRe.MatchString(p))
}

func (ix *index) addUser(i int, u *User) error {
	f := fmt.Sprintf("users[%d]", i)
	if ix.accounts[u.Account] == nil {
		return worldErr(f+".account", "unknown account %q", u.Account)
	}
	if !iamNameRe.MatchString(u.Name) {
		return worldErr(f+".name", "%q is not a valid IAM user name", u.Name)
	}
	if !validPath(u.Path) {
		return worldErr(f+".path", "%q is not a valid IAM path (it must start and end with /)", u.Path)
	}
	for arn, other := range ix.users {
		if other.Account == u.Account && other.Name == u.Name {
			return worldErr(f+".name", "duplicate user %s", arn)
		}
	}
	ix.users[u.ARN()] = u
	id := u.UserID
	if id == "" {
		id = derivedID("AIDA", "user", u.Account, u.Name)
	} else if !accessKeyRe.MatchString(id) {
		return worldErr(f+".user_id", "%q is not a valid unique id", id)
	}
	ix.userIDs[u] = id
	for j, k := range u.AccessKeys {
		kf := fmt.Sprintf("%s.access_keys[%d]", f, j)
		if !accessKeyRe.MatchString(k.ID) {
			return worldErr(kf+".id", "%q is not a valid access key id (16-128 upper-case letters and digits)", k.ID)
		}
		if strings.HasPrefix(k.ID, "ASIA") {
			return worldErr(kf+".id", "ASIA key ids are reserved for issued session credentials")
		}
		if _, dup := ix.keys[k.ID]; dup {
			return worldErr(kf+".id", "duplicate access key id %s", k.ID)
		}
		if k.Secret == "" {
			return worldErr(kf+".secret", "must not be empty")
		}
		ix.keys[k.ID] = keyRef{user: u, secret: k.Secret}
	}
	if u.MFA != nil {
		mf := f + ".mfa"
		if !serialRe.MatchString(u.MFA.Serial) {
			return worldErr(mf+".serial", "%q is not a valid MFA serial number", u.MFA.Serial)
		}
		if strings.HasPrefix(u.MFA.Serial, "arn:") {
			want := "arn:aws:iam::" + u.Account + ":mfa/"
			if !strings.HasPrefix(u.MFA.Serial, want) || len(u.MFA.Serial) == len(want) {
				return worldErr(mf+".serial", "an MFA device ARN must look like %sNAME", want)
			}
		}
		if _, dup := ix.mfa[u.MFA.Serial]; dup {
			return worldErr(mf+".serial", "duplicate MFA serial %s", u.MFA.Serial)
		}
		seed, err := decodeSeed(u.MFA.Seed)
		if err != nil {
			return worldErr(mf+".seed", "%v", err)
		}
		ix.mfa[u.MFA.Serial] = mfaRef{user: u, device: u.MFA}
		ix.seeds[u.MFA.Serial] = seed
	}
	return nil
}

func (ix *index) addRole(i int, r *Role) error {
	f := fmt.Sprintf("roles[%d]", i)
	if ix.accounts[r.Account] == nil {
		return worldErr(f+".account", "unknown account %q", r.Account)
	}
	if !iamNameRe.MatchString(r.Name) {
		return worldErr(f+".name", "%q is not a valid IAM role name", r.Name)
	}
	if !validPath(r.Path) {
		return worldErr(f+".path", "%q is not a valid IAM path (it must start and end with /)", r.Path)
	}
	for arn, other := range ix.roles {
		if other.Account == r.Account && other.Name == r.Name {
			return worldErr(f+".name", "duplicate role %s", arn)
		}
	}
	ix.roles[r.ARN()] = r
	id := r.RoleID
	if id == "" {
		id = derivedID("AROA", "role", r.Account, r.Name)
	} else if !accessKeyRe.MatchString(id) {
		return worldErr(f+".role_id", "%q is not a valid unique id", id)
	}
	ix.roleIDs[r] = id
	if d := r.MaxSessionDuration; d != 0 && (d < 3600 || d > 43200) {
		return worldErr(f+".max_session_duration", "%d is outside 3600-43200 seconds", d)
	}
	for j, p := range r.Trust.Principals {
		if err := checkPrincipal(p); err != nil {
			return worldErr(fmt.Sprintf("%s.trust.principals[%d]", f, j), "%v", err)
		}
	}
	if x := r.Trust.ExternalID; x != "" && (len(x) < 2 || len(x) > 1224 || !externalIDRe.MatchString(x)) {
		return worldErr(f+".trust.external_id", "must be 2-1224 characters of [\\w+=,.@:/-]")
	}
	for j, wi := range r.Trust.WebIdentity {
		wf := fmt.Sprintf("%s.trust.web_identity[%d]", f, j)
		if normIssuer(wi.Issuer) == "" {
			return worldErr(wf+".issuer", "must not be empty")
		}
		if len(wi.Audiences) == 0 {
			return worldErr(wf+".audiences", "at least one audience is required")
		}
		iss := normIssuer(wi.Issuer)
		ix.issuers[iss] = append(ix.issuers[iss], r)
	}
	return nil
}

var principalRe = regexp.MustCompile(`^arn:aws:(iam::[0-9]{12}:(root|user/.+|role/.+)|sts::[0-9]{12}:assumed-role/[^/]+/[^/]+)$`)

func checkPrincipal(p string) error {
	switch {
	case p == "*", accountIDRe.MatchString(p), principalRe.MatchString(p):
		return nil
	}
	return fmt.Errorf("%q is not \"*\", an account id, or a root, user, role or assumed-role ARN", p)
}

func normIssuer(s string) string {
	s = strings.TrimPrefix(s, "https://")
	return strings.TrimSuffix(s, "/")
}

// derivedID makes a stable unique id (like AIDA… or AROA…) from names, so
// that ids survive emulator restarts without being written down.
func derivedID(prefix string, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	enc := base32.StdEncoding.EncodeToString(sum[:])
	return prefix + enc[:17]
}

func (ix *index) maxSession(r *Role) int {
	if r.MaxSessionDuration == 0 {
		return 3600
	}
	return r.MaxSessionDuration
}

func (ix *index) maxSkewSeconds() int64 {
	if s := ix.world.Settings.MaxRequestSkewSeconds; s > 0 {
		return int64(s)
	}
	return 900
}

// cloneWorld deep-copies a world so later edits by the caller cannot change
// a running server.
func cloneWorld(w *World) (*World, error) {
	data, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("copying world: %w", err)
	}
	var c World
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("copying world: %w", err)
	}
	return &c, nil
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }
