package awsemu

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"sort"
	"time"
)

// principalKind says what kind of identity signed a request.
type principalKind int

const (
	kindUser        principalKind = iota // IAM user, long-term key
	kindUserSession                      // GetSessionToken session of an IAM user
	kindRoleSession                      // AssumeRole / AssumeRoleWithWebIdentity session
	kindFederated                        // GetFederationToken session
)

func (k principalKind) String() string {
	switch k {
	case kindUser:
		return "user"
	case kindUserSession:
		return "user-session"
	case kindRoleSession:
		return "assumed-role"
	case kindFederated:
		return "federated-user"
	}
	return "unknown"
}

// principal is the authenticated caller of a request.
type principal struct {
	kind    principalKind
	account string
	arn     string
	userID  string
	// user is the IAM user at the origin of the chain; nil for sessions that
	// started from a web identity token.
	user *User
	// role is set for role sessions.
	role *Role
	// mfa records that the origin authenticated with MFA.
	mfa            bool
	sourceIdentity string
}

func (ix *index) userPrincipal(u *User) principal {
	return principal{kind: kindUser, account: u.Account, arn: u.ARN(), userID: ix.userIDs[u], user: u}
}

// session is a set of temporary credentials the emulator issued.
type session struct {
	principal
	accessKeyID string
	secret      string
	token       string
	issuedBy    string // the STS action that issued it
	issued      time.Time
	expiration  time.Time
}

// SessionInfo describes issued credentials without their secrets, for tests
// and the admin API.
type SessionInfo struct {
	AccessKeyID string    `json:"access_key_id"`
	Kind        string    `json:"kind"`
	ARN         string    `json:"arn"`
	Account     string    `json:"account"`
	IssuedBy    string    `json:"issued_by"`
	MFA         bool      `json:"mfa"`
	Issued      time.Time `json:"issued"`
	Expiration  time.Time `json:"expiration"`
}

func (s *session) info() SessionInfo {
	return SessionInfo{
		AccessKeyID: s.accessKeyID, Kind: s.kind.String(), ARN: s.arn, Account: s.account,
		IssuedBy: s.issuedBy, MFA: s.mfa, Issued: s.issued, Expiration: s.expiration,
	}
}

// issue mints credentials for p valid for d (capped by the world's
// credential lifetime) and remembers them.
func (s *Server) issue(p principal, action string, now time.Time, d time.Duration) (*session, error) {
	if c := s.ix.world.Settings.CredentialLifetimeSeconds; c > 0 && d > time.Duration(c)*time.Second {
		d = time.Duration(c) * time.Second
	}
	issued := now.UTC().Truncate(time.Second)
	akid, err := newAccessKeyID()
	if err != nil {
		return nil, err
	}
	secret, err := randomString(30, base64.StdEncoding) // 40 characters
	if err != nil {
		return nil, err
	}
	token, err := randomString(239, base64.StdEncoding) // 320 characters ending in "="
	if err != nil {
		return nil, err
	}
	sess := &session{
		principal: p, accessKeyID: akid, secret: secret, token: token,
		issuedBy: action, issued: issued, expiration: issued.Add(d),
	}
	s.mu.Lock()
	s.sessions[akid] = sess
	s.mu.Unlock()
	return sess, nil
}

// lookupSession returns a snapshot of issued credentials by access key id
// (a copy, so that ExpireSessions may change the original concurrently).
func (s *Server) lookupSession(akid string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[akid]
	if !ok {
		return session{}, false
	}
	return *sess, true
}

func (sess *session) tokenMatches(token string) bool {
	return subtle.ConstantTimeCompare([]byte(sess.token), []byte(token)) == 1
}

// Sessions lists the credentials issued so far (without secrets), oldest
// first.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	out := make([]SessionInfo, 0, len(s.sessions))
	for _, sess := range s.sessions {
		out = append(out, sess.info())
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Issued.Equal(out[j].Issued) {
			return out[i].Issued.Before(out[j].Issued)
		}
		return out[i].AccessKeyID < out[j].AccessKeyID
	})
	return out
}

// ExpireSessions makes issued credentials expire now, so that their next
// use fails with ExpiredToken. With no ids it expires every session. It
// returns how many sessions it changed.
func (s *Server) ExpireSessions(accessKeyIDs ...string) int {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	expire := func(sess *session) {
		if sess.expiration.After(now) {
			sess.expiration = now
			n++
		}
	}
	if len(accessKeyIDs) == 0 {
		for _, sess := range s.sessions {
			expire(sess)
		}
		return n
	}
	for _, id := range accessKeyIDs {
		if sess := s.sessions[id]; sess != nil {
			expire(sess)
		}
	}
	return n
}

// newAccessKeyID returns ASIA followed by 16 random base32 characters.
func newAccessKeyID() (string, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating access key id: %w", err)
	}
	return "ASIA" + base32.StdEncoding.EncodeToString(b[:]), nil
}

func randomString(n int, enc *base64.Encoding) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating credentials: %w", err)
	}
	return enc.EncodeToString(b), nil
}

// newRequestID returns a random UUID (version 4), as AWS request ids are.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
