package awsemu

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// jwt is a decoded JSON Web Token (compact serialisation). The emulator
// accepts unsigned tokens (any alg, signature not checked) unless the
// role's web identity trust sets an HS256 secret, in which case it requires
// a valid HS256 signature.
type jwt struct {
	Alg          string
	Claims       jwtClaims
	signingInput string
	signature    []byte
}

type jwtClaims struct {
	Iss string      `json:"iss"`
	Sub string      `json:"sub"`
	Aud jwtAudience `json:"aud"`
	Exp *jwtTime    `json:"exp"`
	Nbf *jwtTime    `json:"nbf"`
	Iat *jwtTime    `json:"iat"`
}

// jwtAudience is the aud claim, a string or an array of strings.
type jwtAudience []string

func (a *jwtAudience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = jwtAudience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud must be a string or an array of strings")
	}
	*a = many
	return nil
}

// jwtTime is a NumericDate: seconds since the epoch, possibly fractional.
type jwtTime struct{ time.Time }

func (t *jwtTime) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New("time claims must be numbers")
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return errors.New("time claim out of range")
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// parseJWT decodes a compact JWT. It checks structure only; signatures and
// claims are checked by the caller.
func parseJWT(tok string) (*jwt, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("a JWT has three dot-separated parts")
	}
	hdrJSON, err := b64url(parts[0])
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	claimsJSON, err := b64url(parts[1])
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	sig, err := b64url(parts[2])
	if err != nil {
		return nil, fmt.Errorf("signature: %w", err)
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hdrJSON, &hdr); err != nil {
		return nil, errors.New("header is not a JSON object")
	}
	if hdr.Alg == "" {
		return nil, errors.New("header has no alg")
	}
	dec := json.NewDecoder(bytes.NewReader(claimsJSON))
	var claims jwtClaims
	if err := dec.Decode(&claims); err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	return &jwt{Alg: hdr.Alg, Claims: claims, signingInput: parts[0] + "." + parts[1], signature: sig}, nil
}

func b64url(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, errors.New("not base64url")
	}
	return b, nil
}

// verifyHS256 checks an HS256 signature made with secret.
func (t *jwt) verifyHS256(secret string) bool {
	if t.Alg != "HS256" {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(t.signingInput))
	return hmac.Equal(m.Sum(nil), t.signature)
}

// MakeJWT builds a compact JWT for tests and demos: HS256-signed when
// secret is non-empty, otherwise unsigned (alg "none", empty signature).
// claims typically holds iss, sub, aud and exp.
func MakeJWT(claims map[string]any, secret string) (string, error) {
	alg := "none"
	if secret != "" {
		alg = "HS256"
	}
	hdr, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding claims: %w", err)
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString(hdr) + "." + enc.EncodeToString(body)
	sig := ""
	if secret != "" {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(input))
		sig = enc.EncodeToString(m.Sum(nil))
	}
	return input + "." + sig, nil
}
