// Package login owns `aws login` sessions (profiles with login_session =
// ARN): the AWS CLI's token cache file, the DPoP proofs of the sign-in
// service, single-flight refreshes through the SDK's signin client, the
// browser sign-in that creates a session, and logout. docs/login.md.
package login

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// timeLayout is how the AWS CLI writes expiresAt: UTC, whole seconds, Z.
const timeLayout = "2006-01-02T15:04:05Z"

// maxCacheFile bounds what is read from a cache file (real ones are ~3 KiB).
const maxCacheFile = 256 << 10

// FileName is the cache file's name for a login_session: the hex SHA-256 of
// the ARN (surrounding blanks trimmed, as the SDKs do) plus ".json".
func FileName(session string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(session)))
	return hex.EncodeToString(sum[:]) + ".json"
}

// CacheDir is $AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache.
func CacheDir(getenv func(string) string, home string) string {
	if d := getenv("AWS_LOGIN_CACHE_DIRECTORY"); d != "" {
		return d
	}
	return filepath.Join(home, ".aws", "login", "cache")
}

// Token is a login session as the AWS CLI caches it. Printing it shows no
// secret.
type Token struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	AccountID       string
	ExpiresAt       time.Time
	TokenType       string
	ClientID        string
	RefreshToken    string
	IDToken         string
	Key             *ecdsa.PrivateKey

	// rest holds the members this version does not know, top level and
	// inside accessToken, so that a rewrite keeps them.
	rest, restAccess map[string]json.RawMessage
	// idFields are the names the ID token was found under ("idToken" as
	// the AWS CLI writes it, "identityToken" as the Go SDK does).
	idFields []string
}

// String implements fmt.Stringer without secrets.
func (t *Token) String() string {
	return fmt.Sprintf("login token %s until %s", t.AccessKeyID, t.ExpiresAt.UTC().Format(timeLayout))
}

// GoString keeps %#v from printing secrets.
func (t *Token) GoString() string { return t.String() }

// The members the cache file has; every other member is kept as it is.
var (
	knownTop    = []string{"accessToken", "tokenType", "clientId", "refreshToken", "idToken", "identityToken", "dpopKey"}
	knownAccess = []string{"accessKeyId", "secretAccessKey", "sessionToken", "accountId", "expiresAt"}
)

// ParseFile reads a cache file. It accepts what the AWS CLI, botocore and
// the Go SDK write: the ID token under idToken or identityToken, the DPoP
// key as SEC1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"), expiresAt
// with or without a fraction or offset. Errors never quote secrets.
func ParseFile(data []byte) (*Token, error) {
	top, err := object(data)
	if err != nil {
		return nil, err
	}
	access, err := object(top["accessToken"])
	if err != nil {
		return nil, fmt.Errorf("accessToken: %w", err)
	}
	t := &Token{rest: top, restAccess: access}
	strs := []struct {
		m    map[string]json.RawMessage
		key  string
		dst  *string
		need bool
	}{
		{access, "accessKeyId", &t.AccessKeyID, true},
		{access, "secretAccessKey", &t.SecretAccessKey, true},
		{access, "sessionToken", &t.SessionToken, true},
		{access, "accountId", &t.AccountID, false},
		{top, "tokenType", &t.TokenType, false},
		{top, "clientId", &t.ClientID, true},
		{top, "refreshToken", &t.RefreshToken, true},
	}
	for _, s := range strs {
		v, err := str(s.m, s.key)
		if err != nil {
			return nil, err
		}
		if v == "" && s.need {
			return nil, fmt.Errorf("%s is missing or empty", s.key)
		}
		*s.dst = v
	}
	for _, k := range []string{"idToken", "identityToken"} {
		if _, ok := top[k]; !ok {
			continue
		}
		v, err := str(top, k)
		if err != nil {
			return nil, err
		}
		t.idFields = append(t.idFields, k)
		if t.IDToken == "" {
			t.IDToken = v
		}
	}
	exp, err := str(access, "expiresAt")
	if err != nil {
		return nil, err
	}
	if t.ExpiresAt, err = time.Parse(time.RFC3339, strings.TrimSpace(exp)); err != nil {
		return nil, errors.New("accessToken.expiresAt is not a time such as 2026-11-27T01:58:15Z")
	}
	pemText, err := str(top, "dpopKey")
	if err != nil {
		return nil, err
	}
	if t.Key, err = parseKey(pemText); err != nil {
		return nil, err
	}
	if t.AccountID == "" {
		t.AccountID = accountOfToken(t.IDToken)
	}
	for _, k := range knownTop {
		delete(top, k)
	}
	for _, k := range knownAccess {
		delete(access, k)
	}
	return t, nil
}

func object(data []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("empty")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

func str(m map[string]json.RawMessage, key string) (string, error) {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s is not a string", key)
	}
	return s, nil
}

// parseKey reads the DPoP key: a P-256 private key in SEC1 or PKCS#8 PEM.
func parseKey(text string) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("dpopKey is not a PEM private key")
	}
	var key *ecdsa.PrivateKey
	switch block.Type {
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("dpopKey is not a valid SEC1 EC private key")
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		ek, ok := k.(*ecdsa.PrivateKey)
		if err != nil || !ok {
			return nil, errors.New("dpopKey is not a valid PKCS#8 EC private key")
		}
		key = ek
	default:
		return nil, fmt.Errorf("dpopKey is a PEM %q block, not an EC private key", truncate(block.Type, 30))
	}
	if key.Curve != elliptic.P256() {
		return nil, errors.New("dpopKey is not on the P-256 curve")
	}
	return key, nil
}

// accountOfToken reads the account from the ID token's sub (the session
// ARN): it only fills a missing accountId.
func accountOfToken(tok string) string { return AccountOfARN(subjectOf(tok)) }

// AccountOfARN is the account id field of an ARN, or "".
func AccountOfARN(arn string) string {
	f := strings.SplitN(arn, ":", 6)
	if len(f) == 6 && f[0] == "arn" && len(f[4]) == 12 {
		return f[4]
	}
	return ""
}

// Marshal renders the token as the AWS CLI writes it — its members in its
// order, the key as SEC1 PEM, expiresAt in whole seconds — followed by the
// members this version does not know, as they were.
func (t *Token) Marshal() ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(t.Key)
	if err != nil {
		return nil, fmt.Errorf("encoding the DPoP key: %w", err)
	}
	var access bytes.Buffer
	access.WriteByte('{')
	writeMembers(&access, [][2]string{
		{"accessKeyId", t.AccessKeyID}, {"secretAccessKey", t.SecretAccessKey}, {"sessionToken", t.SessionToken},
		{"accountId", t.AccountID}, {"expiresAt", t.ExpiresAt.UTC().Format(timeLayout)},
	}, t.restAccess)
	access.WriteByte('}')
	var b bytes.Buffer
	b.WriteString(`{"accessToken": `)
	b.Write(access.Bytes())
	members := [][2]string{{"tokenType", nonEmpty(t.TokenType, "aws_sigv4")}, {"clientId", t.ClientID}, {"refreshToken", t.RefreshToken}}
	ids := t.idFields
	if len(ids) == 0 && t.IDToken != "" {
		ids = []string{"idToken"}
	}
	for _, k := range ids {
		members = append(members, [2]string{k, t.IDToken})
	}
	members = append(members, [2]string{"dpopKey", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))})
	b.WriteString(", ")
	writeMembers(&b, members, t.rest)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeMembers(b *bytes.Buffer, known [][2]string, rest map[string]json.RawMessage) {
	for i, kv := range known {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(kv[0])
		v, _ := json.Marshal(kv[1])
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	keys := make([]string, 0, len(rest))
	for k := range rest {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kj, _ := json.Marshal(k)
		b.WriteString(", ")
		b.Write(kj)
		b.WriteString(": ")
		b.Write(rest[k])
	}
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
