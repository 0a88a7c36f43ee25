// Package awscreds is the one value type for AWS credentials: the access
// key id, the secret key, the session token and the expiry. It imports
// nothing but the standard library's formatting and time, so every package
// of both executables can use it.
//
// The value never shows its secrets: every fmt verb (%v, %+v, %#v, %s, %q)
// prints only the access key id, and JSON holds only the access key id and
// the expiry. Code that must write the secrets (the private channel to
// assume-aws, the shell's variables, the cache) reads the fields
// explicitly, through a type of its own.
package awscreds

import (
	"encoding/json"
	"fmt"
	"time"
)

// Credentials are AWS credentials with their expiry (zero: never).
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	AccountID       string // the account the credentials belong to, when known (not a secret)
}

// Temporary reports credentials with a session token (STS or SSO).
func (c Credentials) Temporary() bool { return c.SessionToken != "" }

// String names the credentials without their secrets.
func (c Credentials) String() string {
	return "credentials " + c.AccessKeyID + " (secrets redacted)"
}

// GoString is String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb, so no flag (%+v, %#v) reaches the
// fields.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	fmt.Fprint(f, c.String())
}

// MarshalJSON writes the access key id and the expiry, never the secrets.
func (c Credentials) MarshalJSON() ([]byte, error) {
	out := struct {
		AccessKeyID string    `json:"access_key_id"`
		Expiration  time.Time `json:"expiration,omitzero"`
		Secrets     string    `json:"secrets"`
	}{c.AccessKeyID, c.Expiration, "redacted"}
	return json.Marshal(out)
}
