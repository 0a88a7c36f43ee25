package secretstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/keyring"
	"github.com/assume-cli/assume/internal/settings"
	"github.com/assume-cli/assume/internal/vault"
)

// Service names of our keychain items.
const (
	KeysService  = "assume"
	CacheService = "assume-cache"
)

// keyPrefix names the items holding IAM user keys.
const keyPrefix = "iam-user/"

// Options say how to reach the keychain.
type Options struct {
	Getenv func(string) string
	// Prompt asks for the passphrase of the encrypted file backend; nil
	// when there is no terminal.
	Prompt func(label string) (string, error)
	// Settings, when nil, are loaded with Getenv.
	Settings *settings.Settings
}

func (o *Options) settings() *settings.Settings {
	if o.Settings == nil {
		o.Settings, _ = settings.Load(o.Getenv)
	}
	return o.Settings
}

// Keychain opens the keychain for long-lived keys and returns its backend
// name.
func Keychain(o Options) (string, vault.Store, error) {
	return keyring.Auto(keyring.Options{
		Backend: o.settings().Keychain(), Service: KeysService, Getenv: o.Getenv, Prompt: o.Prompt,
	})
}

// Cache opens the store of cached sessions: the encrypted file store, or
// the keychain when the cache setting says so.
func Cache(o Options) (vault.Store, error) {
	if o.settings().Cache() == "keychain" {
		_, st, err := keyring.Auto(keyring.Options{
			Backend: o.settings().Keychain(), Service: CacheService, Getenv: o.Getenv, Prompt: o.Prompt,
		})
		return st, err
	}
	return vault.OpenDefault(o.Getenv)
}

// SessionCache is the session cache of both executables: the store that
// Cache opens, with the settings' cache margin.
func SessionCache(o Options) (*cache.Cache, error) {
	st, err := Cache(o)
	if err != nil {
		return nil, err
	}
	return cache.New(st, cache.WithMargin(o.settings().CacheMargin())), nil
}

// UserKeys are an IAM user's long-lived access keys.
type UserKeys struct {
	AccessKeyID     string    `json:"akid"`
	SecretAccessKey string    `json:"secret"`
	Added           time.Time `json:"added"`
}

// String never shows the secret.
func (k UserKeys) String() string { return k.AccessKeyID }

// GetUserKeys reads profile's keys.
func GetUserKeys(st vault.Store, profile string) (UserKeys, error) {
	b, err := st.Get(keyPrefix + profile)
	if err != nil {
		return UserKeys{}, err
	}
	var k UserKeys
	if err := json.Unmarshal(b, &k); err != nil || k.AccessKeyID == "" || k.SecretAccessKey == "" {
		return UserKeys{}, fmt.Errorf("the keychain item of profile %s is not readable: %w", profile, vault.ErrCorrupt)
	}
	return k, nil
}

// PutUserKeys stores profile's keys and reads them back.
func PutUserKeys(st vault.Store, profile string, k UserKeys) error {
	if err := CheckKeys(k.AccessKeyID, k.SecretAccessKey); err != nil {
		return err
	}
	if k.Added.IsZero() {
		k.Added = time.Now().UTC()
	}
	b, err := json.Marshal(k)
	if err != nil {
		return err
	}
	if err := st.Set(keyPrefix+profile, b); err != nil {
		return err
	}
	back, err := GetUserKeys(st, profile)
	if err != nil {
		return fmt.Errorf("reading the keys back: %w", err)
	}
	if back.AccessKeyID != k.AccessKeyID || back.SecretAccessKey != k.SecretAccessKey {
		return errors.New("the keychain returned other keys than were stored")
	}
	return nil
}

// DeleteUserKeys removes profile's keys.
func DeleteUserKeys(st vault.Store, profile string) error {
	return st.Delete(keyPrefix + profile)
}

// ListUserKeys lists the profiles with stored keys, sorted.
func ListUserKeys(st vault.Store) ([]string, error) {
	items, err := st.List(keyPrefix)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, strings.TrimPrefix(it, keyPrefix))
	}
	sort.Strings(out)
	return out, nil
}

// CheckKeys checks the shape of an access key pair (never echoing the
// secret): an access key id of 16 to 128 upper-case letters and digits,
// starting with AKIA (long-lived keys; ASIA keys are temporary), and a
// secret of 16 to 128 characters without blanks (AWS issues 40).
func CheckKeys(id, secret string) error {
	if len(id) < 16 || len(id) > 128 || !strings.HasPrefix(id, "AKIA") {
		if strings.HasPrefix(id, "ASIA") {
			return errors.New("the access key id starts with ASIA: that is a temporary key; store an IAM user's long-lived key (AKIA...)")
		}
		return fmt.Errorf("the access key id %q does not look like an IAM user's key (AKIA followed by letters and digits)", short(id))
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return fmt.Errorf("the access key id %q has a character other than A-Z and 0-9", short(id))
		}
	}
	if len(secret) < 16 || len(secret) > 128 || strings.ContainsAny(secret, " \t\r\n") {
		return fmt.Errorf("the secret access key is %d characters long; AWS secret keys have 40, without blanks", len(secret))
	}
	return nil
}

func short(s string) string {
	if len(s) > 24 {
		return s[:24] + "..."
	}
	return s
}

// WithStoredKeys returns plan with its keychain steps (profiles whose
// credential_process is assume's own) replaced by the keys stored for
// them. Without such steps the keychain is not opened.
func WithStoredKeys(plan *chain.Plan, o Options) (*chain.Plan, error) {
	var st vault.Store
	return plan.WithStoredKeys(func(profile string) (string, string, error) {
		if st == nil {
			var err error
			if _, st, err = Keychain(o); err != nil {
				return "", "", err
			}
		}
		k, err := GetUserKeys(st, profile)
		if err != nil {
			return "", "", err
		}
		return k.AccessKeyID, k.SecretAccessKey, nil
	})
}

// SSOService is the service name of the keychain items holding SSO tokens
// and client registrations when the sso_cache setting says keychain.
const SSOService = "assume-sso"

// SSO opens the keychain that holds SSO tokens and client registrations
// when the sso_cache setting says keychain (keychain-only: nothing goes to
// ~/.aws/sso/cache). With the default, file, it returns nil and no error:
// the tokens stay in ~/.aws/sso/cache, shared with the AWS CLI.
func SSO(o Options) (vault.Store, error) {
	if o.settings().SSOCache() != "keychain" {
		return nil, nil
	}
	_, st, err := keyring.Auto(keyring.Options{
		Backend: o.settings().Keychain(), Service: SSOService, Getenv: o.Getenv, Prompt: o.Prompt,
	})
	return st, err
}
