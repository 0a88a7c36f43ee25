package awsemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TOTP parameters used by AWS virtual MFA devices (RFC 6238 defaults).
const (
	totpStep   = 30 // seconds per time step
	totpDigits = 6
)

// TOTP returns the 6-digit RFC 6238 code (HMAC-SHA-1, 30-second steps) of a
// base32 seed at time t. The seed may be lower-case, contain spaces, and
// omit "=" padding, as authenticator apps accept.
func TOTP(seed string, t time.Time) (string, error) {
	key, err := decodeSeed(seed)
	if err != nil {
		return "", err
	}
	return totpAt(key, t.Unix()/totpStep), nil
}

// decodeSeed turns a base32 TOTP seed into key bytes. Errors never include
// the seed.
func decodeSeed(seed string) ([]byte, error) {
	s := strings.ToUpper(strings.Join(strings.Fields(seed), ""))
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, errors.New("empty TOTP seed")
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return nil, errors.New("TOTP seed is not valid base32")
	}
	if len(key) == 0 {
		return nil, errors.New("TOTP seed decodes to no bytes")
	}
	return key, nil
}

// totpAt computes the HOTP value (RFC 4226) for a counter.
func totpAt(key []byte, counter int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", totpDigits, bin%1_000_000)
}

// checkTOTP reports whether code is valid for key at time t, accepting the
// previous, current and next time step as AWS does for clock drift.
func checkTOTP(key []byte, code string, t time.Time) bool {
	if len(code) != totpDigits {
		return false
	}
	step := t.Unix() / totpStep
	ok := 0
	for d := int64(-1); d <= 1; d++ {
		ok |= subtle.ConstantTimeCompare([]byte(totpAt(key, step+d)), []byte(code))
	}
	return ok == 1
}
