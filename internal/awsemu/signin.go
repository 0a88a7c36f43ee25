package awsemu

// The console federation endpoint (aws-protocols.md §8) and a stand-in
// console:
//
//	GET /federation?Action=getSigninToken[&SessionDuration=N]&Session=JSON → {"SigninToken":"…"}
//	GET /federation?Action=login&Issuer=…&Destination=URL&SigninToken=…   → 302 /console/…, sets a cookie
//	GET /console/{path…}                                                    → the stand-in console page
//
// Sign-in tokens and console cookies are stateless: a payload naming the
// issued credentials and an expiry, authenticated with an HMAC keyed by the
// credentials' secret. Resetting the emulator (which forgets the issued
// credentials) therefore invalidates them too.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Limits and names of the federation endpoint.
const (
	signinTokenLifetime   = 15 * time.Minute
	minConsoleSession     = 900
	maxConsoleSession     = 43200
	consoleCookieName     = "awsemu-console"
	signinPurposeToken    = "signin-token"
	signinPurposeConsole  = "console-session"
	consoleDefaultRegion  = "us-east-1"
	federationContentType = "application/json"
)

// consoleHosts are the console hosts of the partitions; a login Destination
// must be on one of them or a subdomain (<region>.console.aws.amazon.com).
var consoleHosts = []string{"console.aws.amazon.com", "console.amazonaws-us-gov.com", "console.amazonaws.cn"}

func (s *Server) signinRoutes() {
	s.mux.HandleFunc("GET /federation", s.serveFederation)
	s.mux.HandleFunc("GET /console/{rest...}", s.serveConsole)
}

// signinClaims is the authenticated payload of a sign-in token or console
// cookie.
type signinClaims struct {
	Purpose     string `json:"p"`
	AccessKeyID string `json:"k"`
	Expires     int64  `json:"e"` // the token's or cookie's own expiry (unix seconds)
	ConsoleEnd  int64  `json:"c"` // end of the console session (unix seconds)
}

func signinMAC(secret string, payload []byte) []byte {
	m := hmac.New(sha256.New, []byte("awsemu-signin\x00"+secret))
	m.Write(payload)
	return m.Sum(nil)
}

func (s *Server) sealClaims(sess *session, c signinClaims) string {
	payload, _ := json.Marshal(c) // plain struct, cannot fail
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(signinMAC(sess.secret, payload))
}

// openClaims verifies a sealed value for purpose and returns its claims and
// credentials; reason explains a failure for the log.
func (s *Server) openClaims(sealed, purpose string, now time.Time) (c signinClaims, sess session, reason string) {
	enc := base64.RawURLEncoding
	p64, m64, ok := strings.Cut(sealed, ".")
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if !ok || err1 != nil || err2 != nil || json.Unmarshal(payload, &c) != nil || c.Purpose != purpose {
		return c, sess, "malformed " + purpose
	}
	sess, found := s.lookupSession(c.AccessKeyID)
	if !found || !hmac.Equal(mac, signinMAC(sess.secret, payload)) {
		return c, sess, purpose + " not issued by this emulator"
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return c, sess, purpose + " expired"
	}
	return c, sess, ""
}

// federationError writes a plain-text error, as the federation endpoint
// answers with a bare status rather than an AWS error document.
func (s *Server) federationError(w http.ResponseWriter, action string, status int, msg, reason string) {
	s.log.Info("federation", "action", action, "status", status, "error", msg, "reason", reason)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

func (s *Server) serveFederation(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.federationError(w, "", http.StatusBadRequest, "Bad Request", "query string does not parse")
		return
	}
	switch action := q.Get("Action"); action {
	case "getSigninToken":
		s.getSigninToken(w, q)
	case "login":
		s.federationLogin(w, r, q)
	default:
		s.federationError(w, truncate(action, 32), http.StatusBadRequest, "Bad Request", "unknown Action")
	}
}

func (s *Server) getSigninToken(w http.ResponseWriter, q url.Values) {
	const action = "getSigninToken"
	now := s.now()
	var in struct {
		SessionID    string `json:"sessionId"`
		SessionKey   string `json:"sessionKey"`
		SessionToken string `json:"sessionToken"`
	}
	if err := json.Unmarshal([]byte(q.Get("Session")), &in); err != nil || in.SessionID == "" || in.SessionKey == "" {
		s.federationError(w, action, http.StatusBadRequest, "Bad Request", "Session is missing or not the expected JSON")
		return
	}
	duration := 0
	if v, has := q["SessionDuration"]; has {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < minConsoleSession || n > maxConsoleSession {
			s.federationError(w, action, http.StatusBadRequest, "Bad Request", "SessionDuration must be an integer within 900..43200")
			return
		}
		duration = n
	}
	sess, found := s.lookupSession(in.SessionID)
	switch {
	case !found:
		s.federationError(w, action, http.StatusForbidden, "Forbidden", "the credentials were not issued by this emulator (long-term keys cannot sign in)")
		return
	case !hmac.Equal([]byte(sess.secret), []byte(in.SessionKey)) || !sess.tokenMatches(in.SessionToken):
		s.federationError(w, action, http.StatusForbidden, "Forbidden", "secret key or session token does not match")
		return
	case !now.Before(sess.expiration):
		s.federationError(w, action, http.StatusForbidden, "Forbidden", "the credentials have expired")
		return
	case sess.kind == kindUserSession:
		s.federationError(w, action, http.StatusForbidden, "Forbidden", "GetSessionToken credentials cannot sign in to the console")
		return
	case sess.kind == kindFederated && duration != 0:
		s.federationError(w, action, http.StatusBadRequest, "Bad Request", "SessionDuration is not allowed with GetFederationToken credentials")
		return
	}
	end := sess.expiration
	if duration != 0 {
		end = now.Add(time.Duration(duration) * time.Second)
	}
	token := s.sealClaims(&sess, signinClaims{
		Purpose: signinPurposeToken, AccessKeyID: sess.accessKeyID,
		Expires: now.Add(signinTokenLifetime).Unix(), ConsoleEnd: end.Unix(),
	})
	s.log.Info("federation", "action", action, "status", http.StatusOK, "access_key_id", sess.accessKeyID)
	out, _ := json.Marshal(map[string]string{"SigninToken": token})
	w.Header().Set("Content-Type", federationContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

func (s *Server) federationLogin(w http.ResponseWriter, r *http.Request, q url.Values) {
	const action = "login"
	now := s.now()
	dest, err := url.Parse(q.Get("Destination"))
	if err != nil || dest.Scheme != "https" || !isConsoleHost(dest.Hostname()) {
		s.federationError(w, action, http.StatusBadRequest, "Bad Request", "Destination is not an https URL on a console host")
		return
	}
	if q.Get("SigninToken") == "" {
		s.federationError(w, action, http.StatusBadRequest, "Bad Request", "SigninToken is missing")
		return
	}
	c, sess, reason := s.openClaims(q.Get("SigninToken"), signinPurposeToken, now)
	if reason != "" {
		s.federationError(w, action, http.StatusForbidden, "Forbidden", reason)
		return
	}
	end := time.Unix(c.ConsoleEnd, 0)
	cookie := s.sealClaims(&sess, signinClaims{
		Purpose: signinPurposeConsole, AccessKeyID: sess.accessKeyID, Expires: c.ConsoleEnd, ConsoleEnd: c.ConsoleEnd,
	})
	http.SetCookie(w, &http.Cookie{
		Name: consoleCookieName, Value: cookie, Path: "/console/", Expires: end,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	// Keep the region of a regional host (<region>.console.aws.amazon.com)
	// when the query does not name one.
	dq := dest.Query()
	if dq.Get("region") == "" {
		if region, _, ok := strings.Cut(dest.Hostname(), ".console."); ok && region != "" {
			dq.Set("region", region)
		}
	}
	target := "/console/" + strings.TrimPrefix(dest.EscapedPath(), "/")
	if len(dq) > 0 {
		target += "?" + dq.Encode()
	}
	if dest.Fragment != "" {
		target += "#" + dest.EscapedFragment()
	}
	s.log.Info("federation", "action", action, "status", http.StatusFound, "access_key_id", sess.accessKeyID,
		"issuer", truncate(q.Get("Issuer"), 128))
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

func isConsoleHost(h string) bool {
	for _, c := range consoleHosts {
		if h == c || strings.HasSuffix(h, "."+c) {
			return true
		}
	}
	return false
}

// consolePage is what the stand-in console shows; the page carries each
// field as a data- attribute of its <main> element and as "key: value"
// lines in its <pre id="console-info">.
type consolePage struct {
	Account     string
	ARN         string
	Role        string // role name; empty for federated users
	SessionName string // role session name or federated user name
	Region      string
	Service     string // first path segment of the destination
	Path        string // destination path
	AccessKeyID string
}

var consoleTemplate = template.Must(template.New("console").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>awsemu console — {{.Service}}</title></head>
<body>
<main id="console" data-account="{{.Account}}" data-arn="{{.ARN}}" data-role="{{.Role}}" data-session-name="{{.SessionName}}" data-region="{{.Region}}" data-service="{{.Service}}" data-path="{{.Path}}" data-access-key-id="{{.AccessKeyID}}">
<h1>awsemu console: {{.Service}}</h1>
<p>Signed in to account {{.Account}} as {{.ARN}} in {{.Region}}.</p>
<pre id="console-info">
account: {{.Account}}
arn: {{.ARN}}
role: {{.Role}}
session: {{.SessionName}}
region: {{.Region}}
service: {{.Service}}
path: {{.Path}}
</pre>
</main>
</body></html>
`))

func (s *Server) serveConsole(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	ck, err := r.Cookie(consoleCookieName)
	if err != nil {
		s.consoleRefused(w, "not signed in")
		return
	}
	_, sess, reason := s.openClaims(ck.Value, signinPurposeConsole, now)
	if reason != "" {
		s.consoleRefused(w, reason)
		return
	}
	rest := r.PathValue("rest")
	service, _, _ := strings.Cut(rest, "/")
	region := r.URL.Query().Get("region")
	if region == "" {
		region = consoleDefaultRegion
	}
	page := consolePage{
		Account: sess.account, ARN: sess.arn, Region: region, Service: service,
		Path: "/" + rest, AccessKeyID: sess.accessKeyID,
	}
	if sess.role != nil {
		page.Role = sess.role.Name
	}
	if i := strings.LastIndexByte(sess.arn, '/'); i >= 0 {
		page.SessionName = sess.arn[i+1:]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = consoleTemplate.Execute(w, page)
}

func (s *Server) consoleRefused(w http.ResponseWriter, reason string) {
	s.log.Info("console", "status", http.StatusForbidden, "reason", reason)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_ = consoleRefusedTemplate.Execute(w, reason)
}

var consoleRefusedTemplate = template.Must(template.New("refused").Parse(
	`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>awsemu console — signed out</title></head>` +
		`<body><main id="console" data-error="{{.}}"><h1>Not signed in</h1><p>{{.}}</p></main></body></html>` + "\n"))
