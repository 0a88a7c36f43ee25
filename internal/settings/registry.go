package settings

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/suggest"
)

// Type is the kind of value a setting holds; it decides how a value is
// checked.
type Type string

// The types of setting.
const (
	TypeChoice   Type = "choice"   // one of Values (case-insensitive, stored in lower case)
	TypeBool     Type = "bool"     // true or false
	TypeDuration Type = "duration" // a Go duration ("90s", "1h30m") or whole seconds, from Min to Max
	TypeRegion   Type = "region"   // an AWS region name such as eu-west-1
	TypeBrowser  Type = "browser"  // one of Values, or a command template holding {url}
	TypePath     Type = "path"     // an absolute path to an executable
)

// URLPlaceholder is replaced by the URL in a browser command template.
const URLPlaceholder = "{url}"

// Spec describes one setting.
type Spec struct {
	Key     string
	Type    Type
	Default string        // the value when neither the file nor the environment sets one; "" for none
	Values  []string      // the allowed words (TypeChoice, TypeBool, TypeBrowser)
	Min     time.Duration // TypeDuration bounds, inclusive
	Max     time.Duration
	Env     string // the environment variable that overrides the file
	Summary string // one line for help and docs
}

// The settings' keys, also their index in specs.
const (
	iBrowser = iota
	iBrowserPath
	iKeychain
	iCache
	iSSOCache
	iCacheMargin
	iDefaultRegion
	iPickerOrder
	iAutoRefresh
	iColor
	iConsoleDuration
	iMFAPrompt
	numKeys
)

// specs is the registry: validation, `assume settings`, completion and
// docs/settings.md all come from it. Keep it in the order of the index
// constants above (a test checks).
var specs = [numKeys]Spec{
	iBrowser: {
		Key: "browser", Type: TypeBrowser, Default: "auto", Env: "ASSUME_BROWSER",
		Values:  []string{"auto", "default", "chrome", "chromium", "brave", "edge", "vivaldi", "firefox", "firefox-plain", "none"},
		Summary: "the browser for the console and SSO logins: a name, none (print the URL only), or a command with {url}",
	},
	iBrowserPath: {
		Key: "browser_path", Type: TypePath, Env: "ASSUME_BROWSER_PATH",
		Summary: "the browser's executable, when it is not found on its own (absolute path)",
	},
	iKeychain: {
		Key: "keychain", Type: TypeChoice, Default: "auto", Env: "ASSUME_KEYCHAIN",
		Values:  []string{"auto", "keychain", "wincred", "secret-service", "pass", "file"},
		Summary: "where secrets are stored: the system's store (auto), a named one, or the encrypted file",
	},
	iCache: {
		Key: "cache", Type: TypeChoice, Default: "file", Env: "ASSUME_CACHE",
		Values:  []string{"file", "keychain"},
		Summary: "where cached role and MFA sessions go: the encrypted file (fast) or the keychain",
	},
	iSSOCache: {
		Key: "sso_cache", Type: TypeChoice, Default: "file", Env: "ASSUME_SSO_CACHE",
		Values:  []string{"file", "keychain"},
		Summary: "where SSO tokens go: ~/.aws/sso/cache, shared with the AWS CLI (file), or the keychain only",
	},
	iCacheMargin: {
		Key: "cache_margin", Type: TypeDuration, Default: "5m", Min: 0, Max: time.Hour, Env: "ASSUME_CACHE_MARGIN",
		Summary: "how long before expiry a cached session stops being used",
	},
	iDefaultRegion: {
		Key: "default_region", Type: TypeRegion, Default: "us-east-1", Env: "ASSUME_DEFAULT_REGION",
		Summary: "the region exported when neither the profile nor AWS_REGION names one",
	},
	iPickerOrder: {
		Key: "picker_order", Type: TypeChoice, Default: "frecent", Env: "ASSUME_PICKER_ORDER",
		Values:  []string{"frecent", "alpha"},
		Summary: "the profile picker's order: most often and recently used first, or by name",
	},
	iAutoRefresh: {
		Key: "auto_refresh", Type: TypeBool, Default: "false", Env: "ASSUME_AUTO_REFRESH",
		Values:  []string{"true", "false"},
		Summary: "renew the shell's credentials before they expire (as assume init --auto-refresh)",
	},
	iColor: {
		Key: "color", Type: TypeChoice, Default: "auto", Env: "ASSUME_COLOR",
		Values:  []string{"auto", "always", "never"},
		Summary: "colour in messages: when stderr is a terminal (auto), always or never; NO_COLOR means never",
	},
	iConsoleDuration: {
		Key: "console_duration", Type: TypeDuration, Min: 15 * time.Minute, Max: 12 * time.Hour, Env: "ASSUME_CONSOLE_DURATION",
		Summary: "how long a console sign-in lasts (unset: AWS's default)",
	},
	iMFAPrompt: {
		Key: "mfa_prompt", Type: TypeChoice, Default: "terminal", Env: "ASSUME_MFA_PROMPT",
		Values:  []string{"terminal", "ykman", "osascript", "zenity", "kdialog", "powershell"},
		Summary: "how MFA codes are asked for: the terminal, a YubiKey (ykman) or a dialog; a profile's mfa_prompt wins over the file, ASSUME_MFA_PROMPT over both",
	},
}

// Keys returns the registry: every setting, in a stable order.
func Keys() []Spec {
	out := make([]Spec, numKeys)
	copy(out, specs[:])
	return out
}

// index returns the registry index of key (lower-cased), or -1.
func index(key string) int {
	for i := range specs {
		if specs[i].Key == key {
			return i
		}
	}
	return -1
}

// Lookup returns the spec of key. An unknown key gives an *UnknownKeyError
// that suggests the nearest known key.
func Lookup(key string) (Spec, error) {
	if i := index(lowerASCII(key)); i >= 0 {
		return specs[i], nil
	}
	names := make([]string, numKeys)
	for i := range specs {
		names[i] = specs[i].Key
	}
	return Spec{}, &UnknownKeyError{Key: key, Suggestion: nearest(lowerASCII(key), names)}
}

// UnknownKeyError is a key that is not in the registry.
type UnknownKeyError struct {
	Key        string
	Suggestion string // the nearest known key, or ""
}

func (e *UnknownKeyError) Error() string {
	if e.Suggestion != "" {
		return fmt.Sprintf("unknown setting %q; did you mean %q?", e.Key, e.Suggestion)
	}
	return fmt.Sprintf("unknown setting %q (see assume settings ls)", e.Key)
}

// InvalidValueError is a value a setting does not accept.
type InvalidValueError struct {
	Key, Value string
	Reason     string // what is allowed, e.g. "one of file, keychain"
	Suggestion string // the nearest allowed word, or ""
}

func (e *InvalidValueError) Error() string {
	msg := fmt.Sprintf("invalid value %q for %s: %s", e.Value, e.Key, e.Reason)
	if e.Suggestion != "" {
		msg += fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg
}

// Allowed describes the values the setting accepts, for help and errors.
func (sp Spec) Allowed() string {
	switch sp.Type {
	case TypeChoice, TypeBool:
		return "one of " + strings.Join(sp.Values, ", ")
	case TypeBrowser:
		return "one of " + strings.Join(sp.Values, ", ") + ", or a command holding " + URLPlaceholder
	case TypeDuration:
		return "a duration from " + fmtDuration(sp.Min) + " to " + fmtDuration(sp.Max) + " (such as 30m or 1h30m, or whole seconds)"
	case TypeRegion:
		return "a region name such as us-east-1 or eu-central-2"
	case TypePath:
		return "an absolute path"
	}
	return "a value"
}

// fmtDuration prints 1h rather than 1h0m0s.
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Check validates value for the setting and returns it in canonical form
// (words in lower case, spaces around it trimmed). Errors are
// *InvalidValueError.
func (sp Spec) Check(value string) (string, error) {
	v := strings.TrimSpace(value)
	bad := func(suggest string) (string, error) {
		return "", &InvalidValueError{Key: sp.Key, Value: value, Reason: sp.Allowed(), Suggestion: suggest}
	}
	if strings.ContainsAny(v, "\r\n") {
		return bad("")
	}
	switch sp.Type {
	case TypeChoice, TypeBool:
		if w := lowerASCII(v); slices.Contains(sp.Values, w) {
			return w, nil
		}
		return bad(nearest(lowerASCII(v), sp.Values))
	case TypeBrowser:
		if w := lowerASCII(v); slices.Contains(sp.Values, w) {
			return w, nil
		}
		if strings.Contains(v, URLPlaceholder) {
			if strings.TrimSpace(strings.ReplaceAll(v, URLPlaceholder, "")) == "" || strings.HasPrefix(v, URLPlaceholder) {
				return "", &InvalidValueError{Key: sp.Key, Value: value, Reason: "a command template must start with the command, e.g. \"firefox --new-window {url}\""}
			}
			if awsconfig.HasInlineComment(v) {
				return "", &InvalidValueError{Key: sp.Key, Value: value, Reason: "a command template cannot hold \" #\" or \" ;\" (they start a comment in the file)"}
			}
			return v, nil
		}
		return bad(nearest(lowerASCII(v), sp.Values))
	case TypeDuration:
		d, ok := parseDuration(v)
		if !ok || d < sp.Min || d > sp.Max {
			return bad("")
		}
		return v, nil
	case TypeRegion:
		if w := lowerASCII(v); validRegion(w) {
			return w, nil
		}
		return bad("")
	case TypePath:
		if v == "" || !filepath.IsAbs(v) || awsconfig.HasInlineComment(v) {
			return bad("")
		}
		return v, nil
	}
	return bad("")
}

// parseDuration reads a Go duration ("90s", "1h30m") or whole seconds
// ("300"). Negative values are refused.
func parseDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || s[0] == '-' || s[0] == '+' {
		return 0, false
	}
	return d, true
}

// validRegion checks the shape of an AWS region name without a regular
// expression: two lower-case letters, one or more words of lower-case
// letters, then a number, joined by '-' (us-east-1, eu-central-2,
// us-gov-west-1, us-isob-east-1, cn-north-1, ap-southeast-5).
func validRegion(s string) bool {
	if len(s) > 40 {
		return false
	}
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) != 2 || !allIn(parts[0], 'a', 'z') {
		return false
	}
	for _, w := range parts[1 : len(parts)-1] {
		if w == "" || len(w) > 16 || !allIn(w, 'a', 'z') {
			return false
		}
	}
	n := parts[len(parts)-1]
	return n != "" && len(n) <= 2 && allIn(n, '0', '9')
}

// allIn reports whether every byte of s is in [lo, hi].
func allIn(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases ASCII letters without allocating when there are
// none to change.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// nearest returns the candidate closest to s when it is close enough to be
// a likely typo (a small edit distance, a swap of adjacent letters counting
// as one edit, or s a prefix of it), else "".
func nearest(s string, candidates []string) string {
	if s == "" || len(s) > 64 {
		return ""
	}
	best, _ := suggest.Closest(s, candidates, suggest.Options{
		Swaps:  true,
		Prefix: 3,
		Within: func(_, c string) int {
			if len(c) <= 4 {
				return 1
			}
			return 2
		},
	})
	return best.Name
}
