package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
)

func TestRegistry(t *testing.T) {
	seenKey, seenEnv := map[string]bool{}, map[string]bool{}
	for i, sp := range Keys() {
		if sp.Key == "" || sp.Summary == "" || sp.Env == "" {
			t.Errorf("spec %d (%q) lacks a key, summary or env", i, sp.Key)
		}
		if seenKey[sp.Key] || seenEnv[sp.Env] {
			t.Errorf("duplicate key or env: %s %s", sp.Key, sp.Env)
		}
		seenKey[sp.Key], seenEnv[sp.Env] = true, true
		if want := "ASSUME_" + strings.ToUpper(sp.Key); sp.Env != want {
			t.Errorf("%s: env %s, want %s", sp.Key, sp.Env, want)
		}
		if index(sp.Key) != i {
			t.Errorf("%s: index %d, want %d", sp.Key, index(sp.Key), i)
		}
		if sp.Default != "" {
			if v, err := sp.Check(sp.Default); err != nil || v != sp.Default {
				t.Errorf("%s: default %q does not check: %q, %v", sp.Key, sp.Default, v, err)
			}
		}
		for _, w := range sp.Values {
			if v, err := sp.Check(w); err != nil || v != w {
				t.Errorf("%s: value %q does not check: %q, %v", sp.Key, w, v, err)
			}
		}
		if sp.Allowed() == "a value" {
			t.Errorf("%s: no description of its values", sp.Key)
		}
	}
	// The getters' indices name the right keys.
	for i, want := range map[int]string{
		iBrowser: "browser", iBrowserPath: "browser_path", iKeychain: "keychain", iCache: "cache",
		iSSOCache: "sso_cache", iCacheMargin: "cache_margin", iDefaultRegion: "default_region",
		iPickerOrder: "picker_order", iAutoRefresh: "auto_refresh", iColor: "color", iConsoleDuration: "console_duration", iMFAPrompt: "mfa_prompt",
	} {
		if specs[i].Key != want {
			t.Errorf("specs[%d] = %s, want %s", i, specs[i].Key, want)
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		key, in, want string // want "" means an error
		suggest       string
	}{
		{"browser", "firefox", "firefox", ""},
		{"browser", " Firefox ", "firefox", ""},
		{"browser", "firefox-plain", "firefox-plain", ""},
		{"browser", "none", "none", ""},
		{"browser", "firefox --new-window {url}", "firefox --new-window {url}", ""},
		{"browser", "/opt/x/bin/browser {url}", "/opt/x/bin/browser {url}", ""},
		{"browser", "firefx", "", "firefox"},
		{"browser", "chorme", "", "chrome"},
		{"browser", "mybrowser", "", ""},
		{"browser", "{url}", "", ""},
		{"browser", "{url} firefox", "", ""},
		{"browser", "open -a x {url} # c", "", ""},
		{"browser", "a {url}\nb", "", ""},
		{"browser_path", "/usr/bin/firefox", "/usr/bin/firefox", ""},
		{"browser_path", "firefox", "", ""},
		{"browser_path", "", "", ""},
		{"keychain", "secret-service", "secret-service", ""},
		{"keychain", "PASS", "pass", ""},
		{"keychain", "secret_service", "", "secret-service"},
		{"keychain", "gnome", "", ""},
		{"cache", "keychain", "keychain", ""},
		{"cache", "files", "", "file"},
		{"sso_cache", "file", "file", ""},
		{"cache_margin", "0", "0", ""},
		{"cache_margin", "0s", "0s", ""},
		{"cache_margin", "90s", "90s", ""},
		{"cache_margin", "300", "300", ""},
		{"cache_margin", "1h", "1h", ""},
		{"cache_margin", "1h1s", "", ""},
		{"cache_margin", "3601", "", ""},
		{"cache_margin", "-5m", "", ""},
		{"cache_margin", "+5m", "", ""},
		{"cache_margin", "5 minutes", "", ""},
		{"cache_margin", "", "", ""},
		{"default_region", "us-east-1", "us-east-1", ""},
		{"default_region", "EU-Central-2", "eu-central-2", ""},
		{"default_region", "us-gov-west-1", "us-gov-west-1", ""},
		{"default_region", "us-isob-east-1", "us-isob-east-1", ""},
		{"default_region", "cn-north-1", "cn-north-1", ""},
		{"default_region", "ap-southeast-5", "ap-southeast-5", ""},
		{"default_region", "us-east", "", ""},
		{"default_region", "useast-1", "", ""},
		{"default_region", "us--1", "", ""},
		{"default_region", "us-east-", "", ""},
		{"default_region", "us-east-123", "", ""},
		{"default_region", "u1-east-1", "", ""},
		{"default_region", "us-ea5t-1", "", ""},
		{"default_region", "", "", ""},
		{"picker_order", "alpha", "alpha", ""},
		{"picker_order", "alfa", "", "alpha"},
		{"auto_refresh", "TRUE", "true", ""},
		{"auto_refresh", "yes", "", ""},
		{"color", "never", "never", ""},
		{"color", "allways", "", "always"},
		{"console_duration", "15m", "15m", ""},
		{"console_duration", "12h", "12h", ""},
		{"console_duration", "14m59s", "", ""},
		{"console_duration", "12h1m", "", ""},
	}
	for _, tt := range tests {
		sp, err := Lookup(tt.key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sp.Check(tt.in)
		if tt.want == "" {
			var iv *InvalidValueError
			if !errors.As(err, &iv) {
				t.Errorf("Check(%s, %q) = %q, %v; want an *InvalidValueError", tt.key, tt.in, got, err)
				continue
			}
			if iv.Suggestion != tt.suggest {
				t.Errorf("Check(%s, %q): suggestion %q, want %q", tt.key, tt.in, iv.Suggestion, tt.suggest)
			}
			if !strings.Contains(err.Error(), tt.key) {
				t.Errorf("Check(%s, %q): error %q does not name the key", tt.key, tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Check(%s, %q) = %q, %v; want %q", tt.key, tt.in, got, err, tt.want)
		}
	}
}

func TestInvalidValueMessage(t *testing.T) {
	sp, _ := Lookup("cache")
	_, err := sp.Check("nope")
	if want := `invalid value "nope" for cache: one of file, keychain`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	sp, _ = Lookup("picker_order")
	_, err = sp.Check("alfa")
	if want := `invalid value "alfa" for picker_order: one of frecent, alpha; did you mean "alpha"?`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ key, want, suggest string }{
		{"browser", "browser", ""},
		{"BROWSER", "browser", ""},
		{"brwoser", "", "browser"},
		{"browsr", "", "browser"},
		{"cache-margin", "", "cache_margin"},
		{"region", "", ""},
		{"default_regoin", "", "default_region"},
		{"sso", "", "sso_cache"},
		{"ss", "", ""},
		{"console", "", "console_duration"},
		{"xyzzy", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		sp, err := Lookup(tt.key)
		if tt.want != "" {
			if err != nil || sp.Key != tt.want {
				t.Errorf("Lookup(%q) = %q, %v; want %q", tt.key, sp.Key, err, tt.want)
			}
			continue
		}
		var uk *UnknownKeyError
		if !errors.As(err, &uk) || uk.Suggestion != tt.suggest {
			t.Errorf("Lookup(%q) = %v; want an *UnknownKeyError suggesting %q", tt.key, err, tt.suggest)
		}
	}
	_, err := Lookup("brwoser")
	if want := `unknown setting "brwoser"; did you mean "browser"?`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"300", 5 * time.Minute, true}, {"1h30m", 90 * time.Minute, true},
		{"", 0, false}, {"-1s", 0, false}, {"1d", 0, false}, {"99999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseDuration(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzCheck: a value that Set accepts (Check, then checkStorable) is
// canonical (checking it again gives it back), fits on one line, never
// starts or ends with white space, and reads back unchanged from the file.
func FuzzCheck(f *testing.F) {
	for _, sp := range specs {
		f.Add(sp.Key, sp.Default)
		for _, v := range sp.Values {
			f.Add(sp.Key, v)
		}
	}
	f.Add("browser", "x {url}")
	f.Add("default_region", "us-gov-west-1")
	f.Add("cache_margin", "1h")
	f.Add("browser", "#00000{url}") // read back as a comment: refused
	f.Add("browser", ";x {url}")
	f.Fuzz(func(t *testing.T, key, value string) {
		sp, err := Lookup(key)
		if err != nil {
			return
		}
		v, err := checkStorable(sp, value)
		if err != nil {
			return
		}
		if v2, err := sp.Check(v); err != nil || v2 != v {
			t.Fatalf("Check(%q) = %q; checking it again: %q, %v", value, v, v2, err)
		}
		if strings.ContainsAny(v, "\r\n") || strings.TrimSpace(v) != v {
			t.Fatalf("Check(%q) = %q: not one trimmed line", value, v)
		}
		// What Check accepts, Set can write and Load reads back.
		doc, _ := awsconfig.Parse(nil)
		if err := doc.Set(Section, sp.Key, v); err != nil {
			t.Fatalf("Check(%q) = %q, which the file cannot hold: %v", value, v, err)
		}
		s := Parse("f", doc.Bytes(), nil)
		if got, src, _ := s.Get(sp.Key); got != v || src != "f:2" {
			t.Fatalf("Check(%q) = %q, read back as %q from %s", value, v, got, src)
		}
	})
}

// TestDocs keeps docs/settings.md in step with the registry: one table row
// per key, with its default and environment variable.
func TestDocs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "settings.md"))
	if err != nil {
		t.Skipf("docs/settings.md not found: %v", err)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if k, ok := strings.CutPrefix(l, "| `"); ok {
			if i := strings.IndexByte(k, '`'); i > 0 {
				rows[k[:i]] = l
			}
		}
	}
	for _, sp := range specs {
		row, ok := rows[sp.Key]
		if !ok {
			t.Errorf("docs/settings.md has no row for %s", sp.Key)
			continue
		}
		if !strings.Contains(row, "`"+sp.Env+"`") {
			t.Errorf("docs row of %s does not name %s", sp.Key, sp.Env)
		}
		if sp.Default != "" && !strings.Contains(row, "| `"+sp.Default+"` |") {
			t.Errorf("docs row of %s does not give the default %s", sp.Key, sp.Default)
		}
		for _, v := range sp.Values {
			if !strings.Contains(row, "`"+v+"`") {
				t.Errorf("docs row of %s does not list %s", sp.Key, v)
			}
		}
	}
}
