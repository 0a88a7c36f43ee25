package awsemu

// SigV4 verification, written from the published algorithm (see
// docs/awsemu.md and the AWS protocol notes): the canonical request is
// rebuilt from exactly the headers the client listed in SignedHeaders, so
// headers added by proxies or by net/http never break a signature.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	sigv4Algorithm  = "AWS4-HMAC-SHA256"
	sigv4Terminator = "aws4_request"
	amzDateLayout   = "20060102T150405Z"
	scopeDateLayout = "20060102"
)

// sigv4Request is the signature material a client sent, from the
// Authorization header or from presigned query parameters.
type sigv4Request struct {
	AccessKeyID   string
	ScopeDate     string // yyyymmdd
	Region        string // may be empty (see the Go SDK quirk in the docs)
	Service       string
	SignedHeaders []string // lower-case, as sent
	Signature     string   // lower-case hex
	AmzDate       string   // yyyymmddThhmmssZ
	Time          time.Time
	SecurityToken string
	Presigned     bool
	Expires       time.Duration // presigned only; 0 if absent
}

// scope returns the credential scope string.
func (sr *sigv4Request) scope() string {
	return sr.ScopeDate + "/" + sr.Region + "/" + sr.Service + "/" + sigv4Terminator
}

// hasAuth reports whether the request carries any SigV4 material at all.
func hasAuth(r *http.Request) bool {
	return r.Header.Get("Authorization") != "" || r.URL.Query().Has("X-Amz-Signature") ||
		r.URL.Query().Has("X-Amz-Credential")
}

// parseSigV4 extracts the signature material from r. It does not verify.
func parseSigV4(r *http.Request) (*sigv4Request, *apiError) {
	if h := r.Header.Get("Authorization"); h != "" {
		sr, aerr := parseAuthorization(h)
		if aerr != nil {
			return nil, aerr
		}
		raw := r.Header.Get("X-Amz-Date")
		if raw == "" {
			if d := r.Header.Get("Date"); d != "" {
				t, err := http.ParseTime(d)
				if err != nil {
					return nil, errIncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + d + "'. See http://en.wikipedia.org/wiki/ISO_8601")
				}
				raw = t.UTC().Format(amzDateLayout)
			}
		}
		if aerr := sr.setDate(raw); aerr != nil {
			return nil, aerr
		}
		sr.SecurityToken = r.Header.Get("X-Amz-Security-Token")
		return sr, nil
	}
	return parsePresigned(r.URL.Query())
}

// parseAuthorization parses
// "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (*sigv4Request, *apiError) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	if alg != sigv4Algorithm {
		return nil, errIncompleteSignature("Unsupported AWS 'algorithm': '" + truncate(alg, 40) + "'. The only supported algorithm is " + sigv4Algorithm)
	}
	var cred, signed, sig string
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "Credential":
			cred, haveCred = v, true
		case "SignedHeaders":
			signed, haveSigned = v, true
		case "Signature":
			sig, haveSig = v, true
		}
	}
	var missing []string
	if !haveCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !haveSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if len(missing) > 0 {
		return nil, errIncompleteSignature(strings.Join(missing, " "))
	}
	sr := &sigv4Request{}
	if aerr := sr.setCredential(cred); aerr != nil {
		return nil, aerr
	}
	if aerr := sr.setSignedHeaders(signed); aerr != nil {
		return nil, aerr
	}
	if aerr := sr.setSignature(sig); aerr != nil {
		return nil, aerr
	}
	return sr, nil
}

func parsePresigned(q url.Values) (*sigv4Request, *apiError) {
	if !q.Has("X-Amz-Credential") && !q.Has("X-Amz-Signature") {
		return nil, errMissingAuth()
	}
	if alg := q.Get("X-Amz-Algorithm"); alg != sigv4Algorithm {
		return nil, errIncompleteSignature("Unsupported AWS 'algorithm': '" + truncate(alg, 40) + "'. The only supported algorithm is " + sigv4Algorithm)
	}
	var missing []string
	for _, k := range []string{"X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"} {
		if !q.Has(k) {
			missing = append(missing, "AWS query-string parameters must include '"+k+"'.")
		}
	}
	if len(missing) > 0 {
		return nil, errIncompleteSignature(strings.Join(missing, " ") + " Re-examine the query-string parameters.")
	}
	sr := &sigv4Request{Presigned: true, SecurityToken: q.Get("X-Amz-Security-Token")}
	if aerr := sr.setCredential(q.Get("X-Amz-Credential")); aerr != nil {
		return nil, aerr
	}
	if aerr := sr.setSignedHeaders(q.Get("X-Amz-SignedHeaders")); aerr != nil {
		return nil, aerr
	}
	if aerr := sr.setSignature(q.Get("X-Amz-Signature")); aerr != nil {
		return nil, aerr
	}
	if aerr := sr.setDate(q.Get("X-Amz-Date")); aerr != nil {
		return nil, aerr
	}
	if e := q.Get("X-Amz-Expires"); e != "" {
		n, err := strconv.Atoi(e)
		if err != nil || n < 1 || n > 604800 {
			return nil, errIncompleteSignature("X-Amz-Expires must be an integer between 1 and 604800")
		}
		sr.Expires = time.Duration(n) * time.Second
	}
	return sr, nil
}

func (sr *sigv4Request) setCredential(cred string) *apiError {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return errIncompleteSignature("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + truncate(cred, 200) + "'")
	}
	if parts[0] == "" {
		return errIncompleteSignature("Credential must contain an access key id")
	}
	if parts[4] != sigv4Terminator {
		return errIncompleteSignature("Credential should be scoped with a valid terminator: 'aws4_request', not '" + truncate(parts[4], 40) + "'.")
	}
	sr.AccessKeyID, sr.ScopeDate, sr.Region, sr.Service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

func (sr *sigv4Request) setSignedHeaders(s string) *apiError {
	if s == "" {
		return errIncompleteSignature("SignedHeaders must not be empty")
	}
	sr.SignedHeaders = strings.Split(strings.ToLower(s), ";")
	for _, h := range sr.SignedHeaders {
		if h == "" {
			return errIncompleteSignature("SignedHeaders contains an empty header name")
		}
	}
	return nil
}

func (sr *sigv4Request) setSignature(s string) *apiError {
	if _, err := hex.DecodeString(s); err != nil || len(s) != 64 {
		return errIncompleteSignature("Signature must be 64 hexadecimal characters")
	}
	sr.Signature = strings.ToLower(s)
	return nil
}

func (sr *sigv4Request) setDate(raw string) *apiError {
	if raw == "" {
		return errIncompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	t, err := time.Parse(amzDateLayout, raw)
	if err != nil {
		return errIncompleteSignature("Date must be in ISO-8601 'basic format'. Got '" + truncate(raw, 40) + "'. See http://en.wikipedia.org/wiki/ISO_8601")
	}
	sr.AmzDate, sr.Time = raw, t
	return nil
}

// checkScope verifies the scope against the request date and the service.
// Any region is accepted, including an empty one.
func (sr *sigv4Request) checkScope(service string) *apiError {
	if sr.ScopeDate != sr.Time.Format(scopeDateLayout) {
		return errSignatureMismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
			truncate(sr.ScopeDate, 20) + "' != '" + sr.Time.Format(scopeDateLayout) + "', from '" + sr.AmzDate + "'.")
	}
	if sr.Service != service {
		return errSignatureMismatch("Credential should be scoped to correct service: '" + service + "'. ")
	}
	return nil
}

// checkTime applies AWS's clock-skew rule (and presigned expiry).
func (sr *sigv4Request) checkTime(now time.Time, maxSkew time.Duration) *apiError {
	now = now.UTC()
	f := func(t time.Time) string { return t.Format(amzDateLayout) }
	if sr.Presigned && sr.Expires > 0 {
		if now.After(sr.Time.Add(sr.Expires)) {
			return errSignatureMismatch("Signature expired: " + sr.AmzDate + " is now earlier than " +
				f(now.Add(-sr.Expires)) + " (" + f(now) + " - " + sr.Expires.String() + ".)")
		}
		return nil
	}
	if sr.Time.Before(now.Add(-maxSkew)) {
		return errSignatureMismatch("Signature expired: " + sr.AmzDate + " is now earlier than " +
			f(now.Add(-maxSkew)) + " (" + f(now) + " - " + skewText(maxSkew) + ".)")
	}
	if sr.Time.After(now.Add(maxSkew)) {
		return errSignatureMismatch("Signature not yet current: " + sr.AmzDate + " is still later than " +
			f(now.Add(maxSkew)) + " (" + f(now) + " + " + skewText(maxSkew) + ".)")
	}
	return nil
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.Itoa(int(d/time.Minute)) + " min"
	}
	return strconv.Itoa(int(d/time.Second)) + " s"
}

// verify recomputes the signature with secret and compares it in constant
// time.
func (sr *sigv4Request) verify(r *http.Request, body []byte, secret string) bool {
	want := sr.compute(r, body, secret)
	return hmac.Equal([]byte(want), []byte(sr.Signature))
}

// compute returns the hex signature the client should have sent.
func (sr *sigv4Request) compute(r *http.Request, body []byte, secret string) string {
	sts := sr.stringToSign(canonicalRequest(r, body, sr.SignedHeaders, sr.Presigned))
	key := signingKey(secret, sr.ScopeDate, sr.Region, sr.Service)
	return hex.EncodeToString(hmacSHA256(key, []byte(sts)))
}

func (sr *sigv4Request) stringToSign(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return sigv4Algorithm + "\n" + sr.AmzDate + "\n" + sr.scope() + "\n" + hex.EncodeToString(sum[:])
}

func signingKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(date))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(sigv4Terminator))
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// canonicalRequest builds the SigV4 canonical request of r using exactly
// the client's signed header list.
func canonicalRequest(r *http.Request, body []byte, signed []string, presigned bool) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.RawQuery, presigned))
	b.WriteByte('\n')
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(canonicalHeaderValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signed, ";"))
	b.WriteByte('\n')
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		b.WriteString(h)
	} else {
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String()
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.Host}
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			values = v
		} else if r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		values = r.Header.Values(name)
	}
	for i, v := range values {
		values[i] = collapseSpaces(v)
	}
	return strings.Join(values, ",")
}

// collapseSpaces trims a header value and squeezes inner runs of spaces.
func collapseSpaces(v string) string {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "  ") {
		return v
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalQuery decodes the raw query and re-encodes it the SigV4 way:
// names and values percent-encoded, sorted by name then value.
func canonicalQuery(raw string, presigned bool) string {
	if raw == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = queryUnescape(k)
		v = queryUnescape(v)
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		pairs = append(pairs, pair{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// uriEncode percent-encodes every byte except the RFC 3986 unreserved
// characters (and "/" unless encodeSlash).
func uriEncode(s string, encodeSlash bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
