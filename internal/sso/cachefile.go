package sso

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// timeLayout is how the AWS CLI (since 2.1.14) writes cache timestamps:
// UTC, whole seconds, a literal Z.
const timeLayout = "2006-01-02T15:04:05Z"

// maxCacheFile bounds what is read from a cache file; real ones are well
// under 4 KiB.
const maxCacheFile = 1 << 20

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// formatTime renders t as the AWS CLI writes cache timestamps.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a cache timestamp in any form the AWS tools have written:
// RFC 3339 with Z or a numeric offset and an optional fraction
// ("2026-11-27T01:58:15Z", "…+00:00"), the legacy CLI's
// "2020-06-17T10:02:08UTC", a space instead of the T, or no zone at all
// (taken as UTC).
func ParseTime(s string) (time.Time, error) {
	v := strings.TrimSpace(s)
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	utc := false
	switch {
	case strings.HasSuffix(v, "UTC"):
		v, utc = strings.TrimSpace(strings.TrimSuffix(v, "UTC")), true
	case strings.HasSuffix(v, "z"):
		v = v[:len(v)-1] + "Z"
	}
	if !utc {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
	}
	// No zone (or "UTC"): the fraction is optional when parsing.
	if t, err := time.ParseInLocation("2006-01-02T15:04:05", v, time.UTC); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp such as 2026-11-27T01:58:15Z", truncate(s, 40))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// member is one key of a JSON object with its raw value, in file order.
type member struct {
	key string
	raw json.RawMessage
}

// object is a JSON object that keeps its keys' order and raw values, so a
// rewrite can keep what it does not understand.
type object []member

// parseObject reads one JSON object (and nothing after it). A key given
// twice keeps its last value, as Python's json module does.
func parseObject(data []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, errors.New("not JSON")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a JSON object")
	}
	var obj object
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errors.New("malformed JSON")
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("malformed JSON")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errors.New("malformed JSON")
		}
		obj = obj.set(key, raw)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, errors.New("malformed JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return obj, nil
}

func (o object) get(key string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.key == key {
			return m.raw, true
		}
	}
	return nil, false
}

// set replaces key's value in place, or appends it.
func (o object) set(key string, raw json.RawMessage) object {
	for i := range o {
		if o[i].key == key {
			o[i].raw = raw
			return o
		}
	}
	return append(o, member{key, raw})
}

// str reads a string member; absent and null give "". A value of another
// type is an error naming the key (never the value).
func (o object) str(key string) (string, error) {
	raw, ok := o.get(key)
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s is not a string", key)
	}
	return s, nil
}

// timeOf reads a timestamp member; absent, null and "" give the zero time.
func (o object) timeOf(key string) (time.Time, error) {
	s, err := o.str(key)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", key, err)
	}
	return t, nil
}

// strings reads a list of strings; absent and null give nil.
func (o object) strings(key string) ([]string, error) {
	raw, ok := o.get(key)
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil {
		return nil, fmt.Errorf("%s is not a list of strings", key)
	}
	return l, nil
}

// encode writes the object as Python's json.dumps does by default (", " and
// ": " separators, no trailing newline), which is how the AWS CLI writes its
// cache files. Values are written as they were read.
func (o object) encode() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyString(m.key))
		b.WriteString(": ")
		b.Write(m.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// pyString encodes s as Python's json.dumps does with its defaults
// (ensure_ascii): the escapes \" \\ \n \r \t \b \f, \u00XX for other
// control characters, \uXXXX (surrogate pairs beyond the BMP) for all
// non-ASCII, and "/" left alone. Invalid UTF-8 becomes U+FFFD.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || (r >= 0x7f && r <= 0xffff):
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pyStrings encodes a list of strings as json.dumps does; nil is null.
func pyStrings(l []string) string {
	if l == nil {
		return "null"
	}
	parts := make([]string, len(l))
	for i, s := range l {
		parts[i] = pyString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Token is an IAM Identity Center access token as kept in the token cache,
// with the client registration that can refresh it. Printing a Token with %v
// shows no secret.
type Token struct {
	// Session is the login the token belongs to (not stored in the file).
	Session Session

	StartURL              string
	Region                string
	AccessToken           string
	ExpiresAt             time.Time
	ClientID              string
	ClientSecret          string
	RegistrationExpiresAt time.Time // zero when the file has none
	RefreshToken          string

	// extra holds the file's members in order, so a rewrite keeps the
	// keys this package does not know.
	extra object
}

// String implements fmt.Stringer without revealing secrets.
func (t Token) String() string {
	return fmt.Sprintf("sso token for %s (expires %s, refreshable: %v)", t.StartURL, formatTime(t.ExpiresAt), t.RefreshToken != "")
}

// GoString implements fmt.GoStringer without revealing secrets.
func (t Token) GoString() string { return t.String() }

// Format implements fmt.Formatter so that no verb (%+v, %#v, %s) prints a
// secret.
func (t Token) Format(f fmt.State, _ rune) { io.WriteString(f, t.String()) }

// ValidAt reports whether the token is still usable at now: it expires
// after now plus margin.
func (t *Token) ValidAt(now time.Time, margin time.Duration) bool {
	return t.AccessToken != "" && t.ExpiresAt.After(now.Add(margin))
}

// canRefresh reports whether the token carries what a refresh_token grant
// needs: a refresh token and an unexpired client registration.
func (t *Token) canRefresh(now time.Time) bool {
	return t.RefreshToken != "" && t.ClientID != "" && t.ClientSecret != "" &&
		(t.RegistrationExpiresAt.IsZero() || t.RegistrationExpiresAt.After(now))
}

// tokenKeys are the members the AWS CLI writes, in its order.
var tokenKeys = []string{"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"}

// ParseTokenFile reads a token cache file. It needs accessToken and a valid
// expiresAt (as both AWS tools do); everything else is optional, and unknown
// keys are kept for MarshalTokenFile.
func ParseTokenFile(data []byte) (*Token, error) {
	obj, err := parseObject(data)
	if err != nil {
		return nil, err
	}
	t := &Token{extra: obj}
	fields := []struct {
		key string
		dst *string
	}{
		{"startUrl", &t.StartURL}, {"region", &t.Region}, {"accessToken", &t.AccessToken},
		{"clientId", &t.ClientID}, {"clientSecret", &t.ClientSecret}, {"refreshToken", &t.RefreshToken},
	}
	for _, f := range fields {
		if *f.dst, err = obj.str(f.key); err != nil {
			return nil, err
		}
	}
	if t.AccessToken == "" {
		return nil, errors.New("no accessToken")
	}
	if _, ok := obj.get("expiresAt"); !ok {
		return nil, errors.New("no expiresAt")
	}
	if t.ExpiresAt, err = obj.timeOf("expiresAt"); err != nil {
		return nil, err
	}
	if t.ExpiresAt.IsZero() {
		return nil, errors.New("no expiresAt")
	}
	if t.RegistrationExpiresAt, err = obj.timeOf("registrationExpiresAt"); err != nil {
		return nil, err
	}
	return t, nil
}

// MarshalTokenFile renders the token as the AWS CLI writes it: its keys in
// its order (empty ones left out), timestamps as 2006-01-02T15:04:05Z, then
// any other keys the file had, unchanged.
func MarshalTokenFile(t *Token) []byte {
	values := map[string]string{
		"startUrl": t.StartURL, "region": t.Region, "accessToken": t.AccessToken,
		"clientId": t.ClientID, "clientSecret": t.ClientSecret, "refreshToken": t.RefreshToken,
	}
	if !t.ExpiresAt.IsZero() {
		values["expiresAt"] = formatTime(t.ExpiresAt)
	}
	if !t.RegistrationExpiresAt.IsZero() {
		values["registrationExpiresAt"] = formatTime(t.RegistrationExpiresAt)
	}
	var out object
	for _, k := range tokenKeys {
		if v := values[k]; v != "" {
			out = append(out, member{k, json.RawMessage(pyString(v))})
		}
	}
	for _, m := range t.extra {
		if _, known := values[m.key]; !known && m.key != "expiresAt" && m.key != "registrationExpiresAt" {
			out = append(out, m)
		}
	}
	return out.encode()
}

// Registration is an OIDC client registration as the AWS CLI caches it.
type Registration struct {
	ClientID     string
	ClientSecret string
	ExpiresAt    time.Time
	Scopes       []string // nil when registered without scopes
	GrantTypes   []string // set for authorization-code registrations
}

// String implements fmt.Stringer without revealing the client secret.
func (r Registration) String() string {
	return fmt.Sprintf("client registration %s (expires %s)", r.ClientID, formatTime(r.ExpiresAt))
}

// GoString implements fmt.GoStringer without revealing the client secret.
func (r Registration) GoString() string { return r.String() }

// Format implements fmt.Formatter so that no verb prints the client secret.
func (r Registration) Format(f fmt.State, _ rune) { io.WriteString(f, r.String()) }

// ParseRegistrationFile reads a client registration cache file.
func ParseRegistrationFile(data []byte) (*Registration, error) {
	obj, err := parseObject(data)
	if err != nil {
		return nil, err
	}
	r := &Registration{}
	if r.ClientID, err = obj.str("clientId"); err != nil {
		return nil, err
	}
	if r.ClientSecret, err = obj.str("clientSecret"); err != nil {
		return nil, err
	}
	if r.ClientID == "" || r.ClientSecret == "" {
		return nil, errors.New("no clientId or clientSecret")
	}
	if r.ExpiresAt, err = obj.timeOf("expiresAt"); err != nil {
		return nil, err
	}
	if r.Scopes, err = obj.strings("scopes"); err != nil {
		return nil, err
	}
	if r.GrantTypes, err = obj.strings("grantTypes"); err != nil {
		return nil, err
	}
	return r, nil
}

// MarshalRegistrationFile renders a registration as the AWS CLI writes it.
func MarshalRegistrationFile(r *Registration) []byte {
	obj := object{
		{"clientId", json.RawMessage(pyString(r.ClientID))},
		{"clientSecret", json.RawMessage(pyString(r.ClientSecret))},
		{"expiresAt", json.RawMessage(pyString(formatTime(r.ExpiresAt)))},
	}
	if len(r.Scopes) > 0 {
		obj = append(obj, member{"scopes", json.RawMessage(pyStrings(r.Scopes))})
	}
	if len(r.GrantTypes) > 0 {
		obj = append(obj, member{"grantTypes", json.RawMessage(pyStrings(r.GrantTypes))})
	}
	return obj.encode()
}

// RegistrationFileName is the name of the client-registration cache file
// the AWS CLI uses for a session: the SHA-1 of
// json.dumps({"region", "scopes", "session_name", "startUrl", "tool":
// "botocore"}, sort_keys=True), plus ".json". scopes and the session name
// are null when absent (a legacy profile).
func RegistrationFileName(s Session) string {
	return sha1Hex(registrationKey(s.StartURL, s.Region, s.RegistrationScopes(), s.Name)) + ".json"
}

func registrationKey(startURL, region string, scopes []string, sessionName string) string {
	name := "null"
	if sessionName != "" {
		name = pyString(sessionName)
	}
	// Keys in sorted order, Python's default separators.
	return `{"region": ` + pyString(region) +
		`, "scopes": ` + pyStrings(scopes) +
		`, "session_name": ` + name +
		`, "startUrl": ` + pyString(startURL) +
		`, "tool": "botocore"}`
}
