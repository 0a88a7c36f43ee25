package awsemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestExampleWorld(t *testing.T) {
	w := ExampleWorld()
	if len(w.Accounts) != 3 || len(w.Users) != 2 || len(w.Roles) != 5 {
		t.Errorf("example world has %d accounts, %d users, %d roles", len(w.Accounts), len(w.Users), len(w.Roles))
	}
	if got := w.Users[0].ARN(); got != aliceARN {
		t.Errorf("alice ARN %s", got)
	}
	if got := w.Roles[2].ARN(); got != readOnlyARN {
		t.Errorf("ReadOnly ARN %s", got)
	}
	// The bytes are a copy.
	b := ExampleWorldJSON()
	b[0] = 'X'
	if ExampleWorldJSON()[0] != '{' {
		t.Error("ExampleWorldJSON shares its buffer")
	}
}

func TestLoadWorld(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "world.json")
	if err := os.WriteFile(good, ExampleWorldJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWorld(good); err != nil {
		t.Errorf("LoadWorld: %v", err)
	}
	if _, err := LoadWorld(filepath.Join(dir, "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"accounts":[{"id":"1"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadWorld(bad)
	var we *WorldError
	if !errors.As(err, &we) || we.Field != "accounts[0].id" || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: %v", err)
	}
}

// worldWith patches the example world's JSON (as a generic document) and
// returns it.
func worldWith(t *testing.T, patch func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(ExampleWorldJSON(), &doc); err != nil {
		t.Fatal(err)
	}
	patch(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseWorldErrors(t *testing.T) {
	list := func(doc map[string]any, key string) []any { return doc[key].([]any) }
	obj := func(doc map[string]any, key string, i int) map[string]any { return list(doc, key)[i].(map[string]any) }
	tests := []struct {
		name  string
		doc   []byte
		field string // WorldError.Field, or "" for a decoding error
		msg   string
	}{
		{"not json", []byte(`{`), "", "decoding world"},
		{"trailing data", append(ExampleWorldJSON(), []byte(` {}`)...), "", "unexpected data"},
		{"unknown field", []byte(`{"acounts":[]}`), "", "unknown field"},
		{"no accounts", []byte(`{"accounts":[]}`), "accounts", "at least one account"},
		{"bad account id", worldWith(t, func(d map[string]any) { obj(d, "accounts", 1)["id"] = "12345" }), "accounts[1].id", "12-digit"},
		{"duplicate account", worldWith(t, func(d map[string]any) { obj(d, "accounts", 1)["id"] = "111111111111" }), "accounts[1].id", "duplicate"},
		{"negative lifetime", worldWith(t, func(d map[string]any) { d["settings"].(map[string]any)["credential_lifetime_seconds"] = -1 }), "settings.credential_lifetime_seconds", "negative"},
		{"user unknown account", worldWith(t, func(d map[string]any) { obj(d, "users", 0)["account"] = "999999999999" }), "users[0].account", "unknown account"},
		{"user bad name", worldWith(t, func(d map[string]any) { obj(d, "users", 0)["name"] = "has space" }), "users[0].name", "not a valid IAM user name"},
		{"user bad path", worldWith(t, func(d map[string]any) { obj(d, "users", 0)["path"] = "people" }), "users[0].path", "start and end with /"},
		{"duplicate user", worldWith(t, func(d map[string]any) { obj(d, "users", 1)["name"] = "alice" }), "users[1].name", "duplicate user"},
		{"bad key id", worldWith(t, func(d map[string]any) {
			obj(d, "users", 0)["access_keys"].([]any)[0].(map[string]any)["id"] = "akia-lower"
		}), "users[0].access_keys[0].id", "not a valid access key id"},
		{"ASIA key id", worldWith(t, func(d map[string]any) {
			obj(d, "users", 0)["access_keys"].([]any)[0].(map[string]any)["id"] = "ASIAALICEEXAMPLE0001"
		}), "users[0].access_keys[0].id", "reserved"},
		{"duplicate key id", worldWith(t, func(d map[string]any) {
			obj(d, "users", 1)["access_keys"].([]any)[0].(map[string]any)["id"] = aliceKeyID
		}), "users[1].access_keys[0].id", "duplicate access key id"},
		{"empty secret", worldWith(t, func(d map[string]any) {
			obj(d, "users", 0)["access_keys"].([]any)[0].(map[string]any)["secret"] = ""
		}), "users[0].access_keys[0].secret", "empty"},
		{"mfa arn of another account", worldWith(t, func(d map[string]any) {
			obj(d, "users", 0)["mfa"].(map[string]any)["serial"] = "arn:aws:iam::222222222222:mfa/alice"
		}), "users[0].mfa.serial", "arn:aws:iam::111111111111:mfa/NAME"},
		{"mfa bad seed", worldWith(t, func(d map[string]any) {
			obj(d, "users", 0)["mfa"].(map[string]any)["seed"] = "not base32!"
		}), "users[0].mfa.seed", "not valid base32"},
		{"role bad duration", worldWith(t, func(d map[string]any) { obj(d, "roles", 0)["max_session_duration"] = 1800 }), "roles[0].max_session_duration", "3600-43200"},
		{"role bad principal", worldWith(t, func(d map[string]any) {
			obj(d, "roles", 0)["trust"].(map[string]any)["principals"] = []any{"alice"}
		}), "roles[0].trust.principals[0]", "not"},
		{"role short external id", worldWith(t, func(d map[string]any) {
			obj(d, "roles", 3)["trust"].(map[string]any)["external_id"] = "x"
		}), "roles[3].trust.external_id", "2-1224"},
		{"web identity without audience", worldWith(t, func(d map[string]any) {
			obj(d, "roles", 4)["trust"].(map[string]any)["web_identity"].([]any)[0].(map[string]any)["audiences"] = []any{}
		}), "roles[4].trust.web_identity[0].audiences", "at least one audience"},
		{"duplicate role", worldWith(t, func(d map[string]any) { obj(d, "roles", 3)["name"] = "Developer" }), "roles[3].name", "duplicate role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWorld(tt.doc)
			if err == nil {
				t.Fatal("accepted")
			}
			var we *WorldError
			if tt.field == "" {
				if errors.As(err, &we) {
					t.Errorf("got WorldError %v, want a decoding error", err)
				}
			} else if !errors.As(err, &we) || we.Field != tt.field {
				t.Errorf("got %v, want field %s", err, tt.field)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
			for _, secret := range []string{aliceSecret, aliceSeed} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q leaks a secret", err)
				}
			}
		})
	}
}

func TestDerivedIDsAreStable(t *testing.T) {
	a := MustNew(ExampleWorld(), Options{})
	b := MustNew(ExampleWorld(), Options{})
	u := &a.ix.world.Users[0]
	if a.ix.userIDs[u] != b.ix.userIDs[&b.ix.world.Users[0]] || !regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`).MatchString(a.ix.userIDs[u]) {
		t.Errorf("user id %q", a.ix.userIDs[u])
	}
	w := ExampleWorld()
	w.Users[0].UserID = "AIDAEXPLICIT00000001"
	c := MustNew(w, Options{})
	if got := c.ix.userIDs[&c.ix.world.Users[0]]; got != "AIDAEXPLICIT00000001" {
		t.Errorf("explicit user id ignored: %s", got)
	}
}

func TestNewCopiesWorld(t *testing.T) {
	w := ExampleWorld()
	s := MustNew(w, Options{})
	w.Users[0].AccessKeys[0].Secret = "changed"
	if s.ix.keys[aliceKeyID].secret != aliceSecret {
		t.Error("server shares the caller's world")
	}
	if _, err := New(&World{}, Options{}); err == nil {
		t.Error("empty world accepted")
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Error("nil world accepted")
	}
}

// TestDocsExampleMatches keeps docs/awsemu.md honest: its full example
// world must be the embedded one.
func TestDocsExampleMatches(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "awsemu.md"))
	if err != nil {
		t.Skipf("docs/awsemu.md not readable: %v", err)
	}
	const start = "<!-- example-world:start -->\n```json\n"
	const end = "```\n<!-- example-world:end -->"
	i := bytes.Index(doc, []byte(start))
	j := bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatal("docs/awsemu.md lacks the example-world markers")
	}
	if got := doc[i+len(start) : j]; !bytes.Equal(got, ExampleWorldJSON()) {
		t.Error("the example world in docs/awsemu.md differs from internal/awsemu/example-world.json")
	}
}

func FuzzParseWorld(f *testing.F) {
	f.Add(ExampleWorldJSON())
	f.Add([]byte(`{"accounts":[{"id":"123456789012"}],"roles":[{"account":"123456789012","name":"r","trust":{"principals":["*"]}}]}`))
	f.Add([]byte(`{"accounts":[{"id":"123456789012"}],"users":[{"account":"123456789012","name":"u","mfa":{"serial":"arn:aws:iam::123456789012:mfa/u","seed":"AAAA"}}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"settings":{"clock_skew_seconds":1e30}}`))
	f.Add([]byte(`{"accounts":[],"identity_center":{"instance":{"start_url":"https://d-1.awsapps.com/start"},"generate":{"accounts":3,"permission_sets":["A"],"user":"u"},"settings":{"rate_limits":{"sso:ListAccounts":1.5}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWorld(data)
		if err != nil {
			return
		}
		// A valid world always builds a server and round-trips.
		s, err := New(w, Options{})
		if err != nil {
			t.Fatalf("valid world rejected by New: %v", err)
		}
		if _, err := ParseWorld(mustJSON(t, s.World())); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
