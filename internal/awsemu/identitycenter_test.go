package awsemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestIdentityCenterWorldErrors(t *testing.T) {
	ic := func(d map[string]any) map[string]any { return d["identity_center"].(map[string]any) }
	item := func(d map[string]any, key string, i int) map[string]any {
		return ic(d)[key].([]any)[i].(map[string]any)
	}
	settings := func(d map[string]any) map[string]any { return ic(d)["settings"].(map[string]any) }
	tests := []struct {
		name  string
		patch func(d map[string]any)
		field string
		msg   string
	}{
		{"start url", func(d map[string]any) { ic(d)["instance"].(map[string]any)["start_url"] = "d-123.awsapps.com" }, "identity_center.instance.start_url", "not an http(s) URL"},
		{"region", func(d map[string]any) { ic(d)["instance"].(map[string]any)["region"] = "Mars" }, "identity_center.instance.region", "not a region"},
		{"user name", func(d map[string]any) { item(d, "users", 0)["name"] = "a b" }, "identity_center.users[0].name", "not a valid user name"},
		{"duplicate user", func(d map[string]any) { item(d, "users", 1)["name"] = "alice" }, "identity_center.users[1].name", "duplicate user"},
		{"permission set name", func(d map[string]any) { item(d, "permission_sets", 0)["name"] = strings.Repeat("x", 33) }, "identity_center.permission_sets[0].name", "not a valid permission set name"},
		{"duplicate permission set", func(d map[string]any) { item(d, "permission_sets", 1)["name"] = adminPS }, "identity_center.permission_sets[1].name", "duplicate"},
		{"session duration", func(d map[string]any) { item(d, "permission_sets", 0)["session_duration"] = 900 }, "identity_center.permission_sets[0].session_duration", "3600-43200"},
		{"assignment user", func(d map[string]any) { item(d, "assignments", 0)["user"] = "carol" }, "identity_center.assignments[0].user", "unknown user"},
		{"assignment account", func(d map[string]any) { item(d, "assignments", 0)["account"] = "999999999999" }, "identity_center.assignments[0].account", "unknown account"},
		{"assignment permission set", func(d map[string]any) { item(d, "assignments", 0)["permission_set"] = "Nope" }, "identity_center.assignments[0].permission_set", "unknown permission set"},
		{"duplicate assignment", func(d map[string]any) { item(d, "assignments", 1)["permission_set"] = adminPS }, "identity_center.assignments[1]", "duplicate assignment"},
		{"auto approve user", func(d map[string]any) { settings(d)["auto_approve_user"] = "carol" }, "identity_center.settings.auto_approve_user", "unknown user"},
		{"negative lifetime", func(d map[string]any) { settings(d)["access_token_lifetime_seconds"] = -1 }, "identity_center.settings.access_token_lifetime_seconds", "outside"},
		{"poll interval", func(d map[string]any) { settings(d)["device_poll_interval_seconds"] = 61 }, "identity_center.settings.device_poll_interval_seconds", "outside"},
		{"rate limit action", func(d map[string]any) { settings(d)["rate_limits"] = map[string]any{"AssumeRole": 1} }, "identity_center.settings.rate_limits", "not an SSO"},
		{"rate limit service", func(d map[string]any) { settings(d)["rate_limits"] = map[string]any{"sso-oidc:ListAccounts": 1} }, "identity_center.settings.rate_limits", "not an SSO"},
		{"rate limit value", func(d map[string]any) { settings(d)["rate_limits"] = map[string]any{"ListAccounts": 0} }, "identity_center.settings.rate_limits", "positive"},
		{"generate accounts", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 0, "permission_sets": []any{"A"}, "user": "alice"}
		}, "identity_center.generate.accounts", "outside"},
		{"generate permission sets", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 1, "user": "alice"}
		}, "identity_center.generate.permission_sets", "permission sets"},
		{"generate duplicate permission set", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 1, "permission_sets": []any{"A", "A"}, "user": "alice"}
		}, "identity_center.generate.permission_sets[1]", "duplicate"},
		{"generate user", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 1, "permission_sets": []any{"A"}, "user": ""}
		}, "identity_center.generate.user", "not a valid user name"},
		{"generate collision", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 5, "permission_sets": []any{"A"}, "user": "alice", "first_account_id": "222222222220"}
		}, "identity_center.generate.first_account_id", "collides"},
		{"generate overflow", func(d map[string]any) {
			ic(d)["generate"] = map[string]any{"accounts": 5, "permission_sets": []any{"A"}, "user": "alice", "first_account_id": "999999999998"}
		}, "identity_center.generate.first_account_id", "12 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWorld(worldWith(t, tt.patch))
			var we *WorldError
			if !errors.As(err, &we) || we.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want field %s (%s)", err, tt.field, tt.msg)
			}
		})
	}
	if _, err := ParseWorld(worldWith(t, func(d map[string]any) { ic(d)["instance"].(map[string]any)["typo"] = 1 })); err == nil {
		t.Error("unknown identity_center field accepted")
	}
}

// TestGeneratedOrgLoads: a 2,000-account organisation expands
// deterministically and loads well under a second (with a wide margin:
// it takes a few milliseconds; BenchmarkLoadGeneratedOrg measures it).
func TestGeneratedOrgLoads(t *testing.T) {
	w, err := GenerateOrg(OrgOptions{Accounts: 2000})
	if err != nil {
		t.Fatal(err)
	}
	data := mustJSON(t, w)
	start := time.Now()
	parsed, err := ParseWorld(data)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(parsed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("loading a 2,000-account organisation took %v", d)
	}
	if len(data) > 1000 {
		t.Errorf("the generated world is %d bytes; the generator should keep it small", len(data))
	}
	ua := srv.ix.ic.byUser["alice"]
	if len(ua.accounts) != 2000 || len(ua.roles["100000001999"]) != 3 || ua.accounts[0].Name != "payments-dev-0001" ||
		ua.accounts[1999].Name != "messaging-sandbox-2000" {
		t.Fatalf("generated org: %d accounts, first %+v, last %+v", len(ua.accounts), ua.accounts[0], ua.accounts[1999])
	}
	// Deterministic: the same spec gives the same accounts, and the
	// expanded world describes the same organisation.
	exp, err := w.Expanded()
	if err != nil {
		t.Fatal(err)
	}
	if exp.IdentityCenter.Generate != nil || len(exp.Accounts) != 2000 || len(exp.IdentityCenter.Assignments) != 6000 {
		t.Fatalf("expanded: %d accounts, %d assignments", len(exp.Accounts), len(exp.IdentityCenter.Assignments))
	}
	again, _ := GenerateOrg(OrgOptions{Accounts: 2000})
	exp2, _ := again.Expanded()
	if !bytes.Equal(mustJSON(t, exp), mustJSON(t, exp2)) {
		t.Error("expansion is not deterministic")
	}
	srv2 := MustNew(exp, Options{})
	for i, a := range srv2.ix.ic.byUser["alice"].accounts {
		if *a != *ua.accounts[i] {
			t.Fatalf("account %d differs: %+v vs %+v", i, a, ua.accounts[i])
		}
	}
	// A world without a generator expands to itself.
	plain, err := ExampleWorld().Expanded()
	if err != nil || !bytes.Equal(mustJSON(t, plain), mustJSON(t, ExampleWorld())) {
		t.Errorf("plain world expanded differently: %v", err)
	}
}

func TestGenerateOrgOptions(t *testing.T) {
	w, err := GenerateOrg(OrgOptions{Accounts: 3, PermissionSets: []string{"Dev"}, User: "dana", StartURL: "https://d-9999999999.awsapps.com/start",
		Region: "eu-west-1", FirstAccountID: "500000000000", AutoApprove: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := MustNew(w, Options{})
	ic := srv.ix.ic
	if ic.startURL != "https://d-9999999999.awsapps.com/start" || ic.region != "eu-west-1" || ic.settings.AutoApproveUser != "dana" ||
		ic.byUser["dana"].accounts[2].ID != "500000000002" || ic.byUser["dana"].roles["500000000000"][0] != "Dev" {
		t.Errorf("index %+v", ic)
	}
	if r := ic.ssoRole("500000000000", "Dev"); !strings.HasPrefix(r.ARN(), "arn:aws:iam::500000000000:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_") {
		t.Errorf("role ARN %s", r.ARN())
	}
	if _, err := GenerateOrg(OrgOptions{Accounts: 100001}); err == nil {
		t.Error("too many accounts accepted")
	}
	// Permission sets declared explicitly keep their settings.
	x := ExampleWorld()
	x.IdentityCenter.Generate = &OrgGenerator{Accounts: 2, PermissionSets: []string{readOnlyPS, "Extra"}, User: "bob"}
	srv = MustNew(x, Options{})
	if ps := srv.ix.ic.permSets[readOnlyPS]; ps.SessionDuration != 28800 || srv.ix.ic.permSets["Extra"] == nil {
		t.Errorf("permission sets %+v", srv.ix.ic.permSets)
	}
	if got := srv.ix.ic.byUser["bob"]; len(got.accounts) != 3 {
		t.Errorf("bob has %d accounts, want the example's one plus two generated", len(got.accounts))
	}
}

func TestGenOrgCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		check  func(t *testing.T, w *World)
	}{
		{"compact", []string{"gen-org", "--accounts", "2000"}, ExitOK, "", func(t *testing.T, w *World) {
			if w.IdentityCenter.Generate.Accounts != 2000 || len(w.Accounts) != 0 {
				t.Errorf("world %+v", w.IdentityCenter.Generate)
			}
		}},
		{"expanded", []string{"gen-org", "--accounts", "4", "--permission-sets", "A, B", "--user", "erin", "--auto-approve", "--expand"}, ExitOK, "", func(t *testing.T, w *World) {
			ic := w.IdentityCenter
			if len(w.Accounts) != 4 || len(ic.Assignments) != 8 || ic.Settings.AutoApproveUser != "erin" || ic.Assignments[1].PermissionSet != "B" {
				t.Errorf("world %+v", ic)
			}
		}},
		{"no accounts", []string{"gen-org"}, ExitUsage, "needs --accounts", nil},
		{"bad flag", []string{"gen-org", "--acounts", "3"}, ExitUsage, "flag provided but not defined", nil},
		{"invalid", []string{"gen-org", "--accounts", "3", "--user", "a b"}, ExitError, "generate.user", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.stderr) {
				t.Fatalf("exit %d, stderr %q", code, errb.String())
			}
			if tt.check == nil {
				return
			}
			w, err := ParseWorld(out.Bytes())
			if err != nil {
				t.Fatalf("printed world: %v", err)
			}
			tt.check(t, w)
		})
	}
}

// TestWorldRoundTripWithIdentityCenter: World() gives back the world as
// written (generator unexpanded), and it parses again.
func TestWorldRoundTripWithIdentityCenter(t *testing.T) {
	w, _ := GenerateOrg(OrgOptions{Accounts: 10})
	srv := MustNew(w, Options{})
	got := srv.World()
	if got.IdentityCenter.Generate == nil || len(got.Accounts) != 0 {
		t.Errorf("World() changed the generator: %+v", got.IdentityCenter)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(got); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseWorld(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	// Without identity_center, SSO logins fail cleanly.
	plain := ExampleWorld()
	plain.IdentityCenter = nil
	f := newFixture(t, plain, Options{})
	if _, err := f.srv.MintSSOToken("alice"); err == nil {
		t.Error("minted a token without identity_center")
	}
	rec := call(f.srv.Handler(), "POST", "/client/register", `{"clientName":"x","clientType":"public"}`, nil)
	reg := decodeObj(t, rec)
	rec = call(f.srv.Handler(), "POST", "/device_authorization", `{"clientId":"`+reg["clientId"].(string)+`","clientSecret":"`+reg["clientSecret"].(string)+`","startUrl":"`+startURL+`"}`, nil)
	if rec.Code != 400 {
		t.Errorf("device authorization without identity_center: %d", rec.Code)
	}
	if rec := call(f.srv.Handler(), "GET", "/device", "", nil); rec.Code != 400 {
		t.Errorf("device page without identity_center: %d", rec.Code)
	}
}
