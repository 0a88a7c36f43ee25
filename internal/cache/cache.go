package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/vault"
)

// DefaultMargin is how long before expiry a cached entry stops being used;
// the package documentation explains the choice.
const DefaultMargin = 5 * time.Minute

// Key prefixes inside the vault, one per kind of entry.
const (
	prefixCreds    = "creds/"
	prefixMFA      = "mfa/"
	prefixIdentity = "id/"
	prefixEKS      = "eks/"
)

// ErrMiss reports that there is no usable entry: none stored, expired or
// expiring within the margin, or unreadable. Errors returned by lookups wrap
// it, with the reason in the message.
var ErrMiss = errors.New("cache miss")

// Entry is a cached set of credentials and what is known about them.
type Entry struct {
	AccessKeyID     string    `json:"akid"`
	SecretAccessKey string    `json:"secret"`
	SessionToken    string    `json:"token,omitempty"`
	Expiration      time.Time `json:"exp"`           // zero: never expires
	ARN             string    `json:"arn,omitempty"` // identity the credentials act as, when known
	AccountID       string    `json:"acct,omitempty"`
	Source          string    `json:"src,omitempty"` // what produced them, e.g. "assume_role"
	// Profile is the profile the credentials were made for (the picker lists
	// sessions by profile without resolving every profile).
	Profile string    `json:"profile,omitempty"`
	Created time.Time `json:"created"`
}

// Credentials are the entry's credentials.
func (e *Entry) Credentials() awscreds.Credentials {
	return awscreds.Credentials{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expiration: e.Expiration, AccountID: e.AccountID}
}

// Identity is the result of sts:GetCallerIdentity for one access key id.
// It never changes for a given key, so it is cached without expiry.
type Identity struct {
	ARN       string `json:"arn"`
	AccountID string `json:"acct"`
	UserID    string `json:"uid"`
}

// Cache reads and writes entries in a vault.Store.
type Cache struct {
	store  vault.Store
	margin time.Duration
	now    func() time.Time
}

// Option configures a Cache.
type Option func(*Cache)

// WithMargin sets how long before expiry entries stop being used.
func WithMargin(d time.Duration) Option { return func(c *Cache) { c.margin = d } }

// WithClock sets the clock used to judge expiry (tests).
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// New returns a cache over store with DefaultMargin.
func New(store vault.Store, opts ...Option) *Cache {
	c := &Cache{store: store, margin: DefaultMargin, now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Margin returns the cache's expiry margin.
func (c *Cache) Margin() time.Duration { return c.margin }

// Store returns the underlying store.
func (c *Cache) Store() vault.Store { return c.store }

// Credentials returns the credentials cached under key if they stay valid for
// longer than the margin. Any failure is a miss: the error wraps ErrMiss and
// says why (for debug output); it never contains secrets.
func (c *Cache) Credentials(key string) (*Entry, error) {
	return c.entry(prefixCreds + key)
}

// Sessions lists the cached credentials (not MFA sessions or identities),
// by cache key, whatever their expiry; entries that cannot be read are
// left out.
func (c *Cache) Sessions() (map[string]*Entry, error) {
	keys, err := c.store.List(prefixCreds)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Entry, len(keys))
	for _, k := range keys {
		b, err := c.store.Get(k)
		if err != nil {
			continue
		}
		if e, err := DecodeEntry(b); err == nil {
			out[strings.TrimPrefix(k, prefixCreds)] = e
		}
	}
	return out, nil
}

// PutCredentials caches e under key.
func (c *Cache) PutCredentials(key string, e *Entry) error {
	return c.put(prefixCreds+key, e)
}

// MFASession returns the MFA session (GetSessionToken credentials) cached for
// an IAM user's access key id and MFA device, if still valid past the margin.
func (c *Cache) MFASession(accessKeyID, serial string) (*Entry, error) {
	return c.entry(mfaKey(accessKeyID, serial))
}

// PutMFASession caches an MFA session for an access key id and MFA device.
func (c *Cache) PutMFASession(accessKeyID, serial string, e *Entry) error {
	return c.put(mfaKey(accessKeyID, serial), e)
}

// ForgetMFASession removes a cached MFA session, e.g. one AWS rejected.
func (c *Cache) ForgetMFASession(accessKeyID, serial string) error {
	return ignoreNotFound(c.store.Delete(mfaKey(accessKeyID, serial)))
}

// Forget removes the credentials cached under key.
func (c *Cache) Forget(key string) error {
	return ignoreNotFound(c.store.Delete(prefixCreds + key))
}

func mfaKey(accessKeyID, serial string) string {
	return prefixMFA + accessKeyID + "/" + serial
}

// Identity returns the caller identity cached for an access key id.
func (c *Cache) Identity(accessKeyID string) (*Identity, error) {
	b, err := c.store.Get(prefixIdentity + accessKeyID)
	if err != nil {
		return nil, miss(err)
	}
	var id Identity
	if err := json.Unmarshal(b, &id); err != nil || id.ARN == "" {
		return nil, fmt.Errorf("%w: unreadable identity entry", ErrMiss)
	}
	return &id, nil
}

// PutIdentity caches the identity of an access key id.
func (c *Cache) PutIdentity(accessKeyID string, id *Identity) error {
	b, err := json.Marshal(id)
	if err != nil {
		return err
	}
	return c.store.Set(prefixIdentity+accessKeyID, b)
}

// EKSToken is a cached EKS bearer token (assume eks token).
type EKSToken struct {
	Token string `json:"token"`
	// Expiration is the expiry reported to kubectl.
	Expiration time.Time `json:"exp"`
	Created    time.Time `json:"created"`
}

// EKSTokenMargin is how long before its reported expiry a cached EKS token
// stops being handed out, so that kubectl never gets one about to die.
const EKSTokenMargin = time.Minute

// EKSToken returns the EKS token cached under key while it has more than
// EKSTokenMargin left; any failure is a miss (wrapping ErrMiss).
func (c *Cache) EKSToken(key string) (*EKSToken, error) {
	b, err := c.store.Get(prefixEKS + key)
	if err != nil {
		return nil, miss(err)
	}
	var w struct {
		V int `json:"v"`
		EKSToken
	}
	if err := json.Unmarshal(b, &w); err != nil || w.V != entryVersion || w.Token == "" || w.Expiration.IsZero() {
		return nil, fmt.Errorf("%w: unreadable EKS token entry", ErrMiss)
	}
	if left := w.Expiration.Sub(c.now()); left <= EKSTokenMargin {
		return nil, fmt.Errorf("%w: token expires in %s, within the %s margin", ErrMiss, left.Round(time.Second), EKSTokenMargin)
	}
	return &w.EKSToken, nil
}

// PutEKSToken caches t under key.
func (c *Cache) PutEKSToken(key string, t *EKSToken) error {
	if t.Created.IsZero() {
		t.Created = c.now().UTC()
	}
	b, err := json.Marshal(struct {
		V int `json:"v"`
		*EKSToken
	}{entryVersion, t})
	if err != nil {
		return err
	}
	return c.store.Set(prefixEKS+key, b)
}

func (c *Cache) entry(key string) (*Entry, error) {
	b, err := c.store.Get(key)
	if err != nil {
		return nil, miss(err)
	}
	e, err := DecodeEntry(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMiss, err)
	}
	if !e.Expiration.IsZero() {
		if left := e.Expiration.Sub(c.now()); left <= c.margin {
			return nil, fmt.Errorf("%w: entry expires in %s, within the %s margin", ErrMiss, left.Round(time.Second), c.margin)
		}
	}
	return e, nil
}

func (c *Cache) put(key string, e *Entry) error {
	if e.Created.IsZero() {
		e.Created = c.now().UTC()
	}
	b, err := EncodeEntry(e)
	if err != nil {
		return err
	}
	return c.store.Set(key, b)
}

// entryVersion is the version of the encoded entry; a different version is
// a miss, so a format change never needs a migration.
const entryVersion = 1

type wireEntry struct {
	V int `json:"v"`
	Entry
}

// EncodeEntry serialises an entry.
func EncodeEntry(e *Entry) ([]byte, error) {
	return json.Marshal(wireEntry{V: entryVersion, Entry: *e})
}

// DecodeEntry parses an entry written by EncodeEntry. It rejects other
// versions and entries without keys. Errors never quote the input.
func DecodeEntry(b []byte) (*Entry, error) {
	w, ok := decodeCompact(b)
	if !ok {
		w = wireEntry{}
		if err := json.Unmarshal(b, &w); err != nil {
			return nil, errors.New("unreadable cache entry")
		}
	}
	if w.V != entryVersion {
		return nil, fmt.Errorf("cache entry version %d, want %d", w.V, entryVersion)
	}
	if w.AccessKeyID == "" || w.SecretAccessKey == "" {
		return nil, errors.New("cache entry has no credentials")
	}
	return &w.Entry, nil
}

func miss(err error) error {
	if errors.Is(err, vault.ErrNotFound) {
		return ErrMiss
	}
	// Corrupt or unreadable entries are misses too; the next write replaces
	// them. The vault's error holds a path, never a value.
	return fmt.Errorf("%w: %v", ErrMiss, err)
}

func ignoreNotFound(err error) error {
	if errors.Is(err, vault.ErrNotFound) {
		return nil
	}
	return err
}
