package creds

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/vault"
)

func newCache(t *testing.T) *cache.Cache {
	t.Helper()
	return cache.New(vault.NewFileStore(filepath.Join(t.TempDir(), "cache"), vault.NewFileKey(filepath.Join(t.TempDir(), "cache.key"))))
}

func TestStaticOnlyNeedsNoNetwork(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	st := staticStep("base")
	st.SessionToken = val(baseToken)
	res, err := Get(context.Background(), plan("base", st), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessKeyID != baseKeyID || res.SecretAccessKey != baseSecret || res.SessionToken != baseToken || !res.Expiration.IsZero() {
		t.Fatalf("got %+v", res.Credentials)
	}
	if f.count("") != 0 {
		t.Fatalf("static keys made %d STS calls", f.count(""))
	}
	if keys, _ := o.Cache.Store().List(""); len(keys) != 0 {
		t.Fatalf("non-expiring keys were cached: %v", keys)
	}
}

func TestAssumeRoleFromIAMUser(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	role := roleStep("dev", "arn:aws:iam::111122223333:role/Dev")
	role.ExternalID = val("ext-123")
	role.SourceIdentity = val("alice-src")
	p := plan("dev", staticStep("base"), role)

	res, err := Get(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[0].Action != "GetCallerIdentity" || calls[1].Action != "AssumeRole" {
		t.Fatalf("calls = %+v", calls)
	}
	ar := calls[1]
	for k, want := range map[string]string{
		"RoleArn":         "arn:aws:iam::111122223333:role/Dev",
		"RoleSessionName": "alice", // from the caller's ARN
		"DurationSeconds": "3600",
		"ExternalId":      "ext-123",
		"SourceIdentity":  "alice-src",
		"SerialNumber":    "",
	} {
		if got := ar.Form.Get(k); got != want {
			t.Errorf("AssumeRole %s = %q, want %q", k, got, want)
		}
	}
	if ar.AccessKeyID != baseKeyID || ar.Token != "" {
		t.Errorf("AssumeRole signed with %q token %q", ar.AccessKeyID, ar.Token)
	}
	if res.ARN != "arn:aws:sts::111122223333:assumed-role/Dev/alice" || res.AccountID != "111122223333" || res.FromCache || res.Source != chain.KindAssumeRole {
		t.Fatalf("result %+v", res)
	}
	if time.Until(res.Expiration) < 50*time.Minute {
		t.Fatalf("expiration %v", res.Expiration)
	}

	// The caller identity is cached per access key: a refresh of another
	// role from the same user makes no GetCallerIdentity call.
	o.Refresh = true
	if _, err := Get(context.Background(), plan("ops", staticStep("base"), roleStep("ops", "arn:aws:iam::111122223333:role/Ops")), o); err != nil {
		t.Fatal(err)
	}
	if n := f.count("GetCallerIdentity"); n != 1 {
		t.Fatalf("GetCallerIdentity called %d times, want 1", n)
	}
}

func TestSessionNameSources(t *testing.T) {
	tests := []struct {
		name     string
		steps    func() []chain.Step
		env      map[string]string
		want     string
		wantGCID int
	}{
		{"profile role_session_name", func() []chain.Step {
			r := roleStep("dev", "arn:aws:iam::1:role/Dev")
			r.RoleSessionName = val("from-config")
			return []chain.Step{staticStep("base"), r}
		}, nil, "from-config", 0},
		{"IAM user name", func() []chain.Step {
			return []chain.Step{staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev")}
		}, nil, "alice", 1},
		{"previous session name", func() []chain.Step {
			a := roleStep("a", "arn:aws:iam::1:role/A")
			a.RoleSessionName = val("bob@example.com")
			return []chain.Step{staticStep("base"), a, roleStep("b", "arn:aws:iam::1:role/B")}
		}, nil, "bob@example.com", 0},
		{"unknown caller falls back to os user", func() []chain.Step {
			st := staticStep("base")
			st.AccessKeyID = val("AKIAUNKNOWNTOTHEFAKE")
			return []chain.Step{st, roleStep("dev", "arn:aws:iam::1:role/Dev")}
		}, map[string]string{"USER": "carol smith"}, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			steps := tc.steps()
			if tc.name == "unknown caller falls back to os user" {
				// GetCallerIdentity fails with a generic error; AssumeRole works.
				f.hook = func(c stsCall, _ int) (int, string) {
					if c.Action == "GetCallerIdentity" {
						return stsError(400, "InternalOops", "odd")
					}
					return 0, ""
				}
				tc.want = "assume-carol-smith"
			}
			_, err := Get(context.Background(), plan("p", steps...), testOpts(f, tc.env))
			if err != nil {
				t.Fatal(err)
			}
			calls := f.Calls()
			last := calls[len(calls)-1]
			if got := last.Form.Get("RoleSessionName"); got != tc.want {
				t.Fatalf("RoleSessionName = %q, want %q", got, tc.want)
			}
			if n := f.count("GetCallerIdentity"); n != tc.wantGCID {
				t.Fatalf("GetCallerIdentity calls = %d, want %d", n, tc.wantGCID)
			}
		})
	}
}

func TestChainingCap(t *testing.T) {
	tests := []struct {
		name       string
		duration   time.Duration
		finalDurS  string // duration_seconds on the final profile
		chained    bool
		wantFinal  string
		wantNotice bool
	}{
		{"chained, --duration 8h", 8 * time.Hour, "", true, "3600", true},
		{"chained, duration_seconds 7200", 0, "7200", true, "3600", true},
		{"chained, default", 0, "", true, "3600", false},
		{"chained, 30m", 30 * time.Minute, "", true, "1800", false},
		{"from IAM user, --duration 8h", 8 * time.Hour, "", false, "28800", false},
		{"from IAM user, duration_seconds 7200", 0, "7200", false, "7200", false},
		{"--duration wins over duration_seconds", 2 * time.Hour, "7200", false, "7200", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			final := roleStep("final", "arn:aws:iam::1:role/Final")
			if tc.finalDurS != "" {
				final.DurationSeconds = val(tc.finalDurS)
			}
			steps := []chain.Step{staticStep("base")}
			if tc.chained {
				mid := roleStep("mid", "arn:aws:iam::1:role/Mid")
				mid.DurationSeconds = val("7200") // intermediate: capped silently
				steps = append(steps, mid)
			}
			steps = append(steps, final)
			var notices []string
			o := testOpts(f, nil)
			o.Duration = tc.duration
			o.Notice = func(s string) { notices = append(notices, s) }
			if _, err := Get(context.Background(), plan("final", steps...), o); err != nil {
				t.Fatal(err)
			}
			calls := f.Calls()
			if got := calls[len(calls)-1].Form.Get("DurationSeconds"); got != tc.wantFinal {
				t.Fatalf("final DurationSeconds = %s, want %s", got, tc.wantFinal)
			}
			if tc.chained {
				if got := calls[len(calls)-2].Form.Get("DurationSeconds"); got != "7200" {
					t.Fatalf("intermediate role from the IAM user asked %s, want its own 7200", got)
				}
			}
			if (len(notices) == 1) != tc.wantNotice || len(notices) > 1 {
				t.Fatalf("notices = %q, want one: %v", notices, tc.wantNotice)
			}
			if tc.wantNotice && (!strings.Contains(notices[0], "role chaining") || !strings.Contains(notices[0], `"final"`)) {
				t.Fatalf("notice does not explain: %q", notices[0])
			}
		})
	}
}

// A caller whose kind is unknown (keys with a session token) is tried with
// the full duration; when STS says it is role chaining, ask again for 1h.
func TestChainingDiscoveredByService(t *testing.T) {
	f := newFakeSTS(t)
	f.hook = func(c stsCall, _ int) (int, string) {
		if c.Action == "AssumeRole" && c.Form.Get("DurationSeconds") != "3600" {
			return stsError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
		return 0, ""
	}
	base := staticStep("base")
	base.AccessKeyID = val("ASIAFROMAROLESESSION")
	base.SessionToken = val(baseToken)
	role := roleStep("dev", "arn:aws:iam::1:role/Dev")
	role.RoleSessionName = val("me")
	var notices []string
	o := testOpts(f, nil)
	o.Duration = 4 * time.Hour
	o.Notice = func(s string) { notices = append(notices, s) }
	if _, err := Get(context.Background(), plan("dev", base, role), o); err != nil {
		t.Fatal(err)
	}
	calls := f.Calls()
	if len(calls) != 2 || calls[0].Form.Get("DurationSeconds") != "14400" || calls[1].Form.Get("DurationSeconds") != "3600" {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[1].Token != baseToken {
		t.Fatal("session token not sent")
	}
	if len(notices) != 1 {
		t.Fatalf("notices = %q", notices)
	}
}

func mfaRoleOnSessionKeys() *chain.Plan {
	// Keys with a session token are not an IAM user's long-term keys, so
	// the code goes straight to AssumeRole.
	base := staticStep("base")
	base.SessionToken = val(baseToken)
	role := roleStep("dev", "arn:aws:iam::1:role/Dev")
	role.RoleSessionName = val("me")
	role.MFASerial = val("arn:aws:iam::1:mfa/alice")
	return plan("dev", base, role)
}

// mfaCheckingHook rejects AssumeRole MFA codes other than mfaGoodCode.
func mfaCheckingHook(c stsCall, _ int) (int, string) {
	if c.Action == "AssumeRole" && c.Form.Get("SerialNumber") != "" && c.Form.Get("TokenCode") != mfaGoodCode {
		return stsError(403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	return 0, ""
}

func TestMFAPromptRetries(t *testing.T) {
	tests := []struct {
		name        string
		token       string
		prompts     []string
		wantErr     string // substring; "" = success
		wantPrompts int
		wantCalls   int
	}{
		{"first code right", "", []string{mfaGoodCode}, "", 1, 1},
		{"third code right", "", []string{"487201", "593012", mfaGoodCode}, "", 3, 3},
		{"malformed code counts as a try", "", []string{"12ab", mfaGoodCode}, "", 2, 1},
		{"three wrong codes", "", []string{"487201", "593012", "601923"}, "rejected 3 times", 3, 3},
		{"--mfa-token right", mfaGoodCode, nil, "", 0, 1},
		{"--mfa-token wrong fails at once", "487201", []string{mfaGoodCode}, "--mfa-token", 0, 1},
		{"no terminal", "", nil, "no terminal", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			f.hook = mfaCheckingHook
			o := testOpts(f, nil)
			o.MFAToken = tc.token
			var attempts []int
			if tc.prompts != nil {
				o.Prompt = func(_ context.Context, serial string, attempt int) (string, error) {
					if serial != "arn:aws:iam::1:mfa/alice" {
						t.Errorf("prompt for %q", serial)
					}
					attempts = append(attempts, attempt)
					return tc.prompts[attempt-1] + "\n", nil
				}
			}
			var dbg bytes.Buffer
			o.Debug = &dbg
			res, err := Get(context.Background(), mfaRoleOnSessionKeys(), o)
			if tc.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				assertNoSecrets(t, "error", err.Error())
				if HintOf(err) == "" {
					t.Error("no hint")
				}
			}
			if tc.name == "no terminal" {
				var req *MFARequiredError
				if !errors.As(err, &req) || !strings.Contains(req.Hint(), "--mfa-token") {
					t.Fatalf("want MFARequiredError with a --mfa-token hint, got %v", err)
				}
			}
			if len(attempts) != tc.wantPrompts {
				t.Fatalf("prompted %v, want %d prompts", attempts, tc.wantPrompts)
			}
			for i, a := range attempts {
				if a != i+1 {
					t.Fatalf("attempt numbers %v", attempts)
				}
			}
			if n := f.count("AssumeRole"); n != tc.wantCalls {
				t.Fatalf("AssumeRole calls = %d, want %d", n, tc.wantCalls)
			}
			if err == nil {
				last := f.Calls()[len(f.Calls())-1]
				if last.Form.Get("SerialNumber") != "arn:aws:iam::1:mfa/alice" || res.AccessKeyID == "" {
					t.Fatalf("MFA not passed to AssumeRole: %+v", last.Form)
				}
			}
			assertNoSecrets(t, "debug output", dbg.String())
		})
	}
}

func TestPromptErrorIsReturned(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	cancelled := errors.New("cancelled by user")
	o.Prompt = func(context.Context, string, int) (string, error) { return "", cancelled }
	_, err := Get(context.Background(), mfaRoleOnSessionKeys(), o)
	if !errors.Is(err, cancelled) {
		t.Fatalf("err = %v", err)
	}
}

// Two role plans sharing an IAM user with an MFA device: the code is typed
// once, GetSessionToken runs once, and each role is assumed with the MFA
// session (without MFA parameters, and without the chaining cap).
func TestMFASessionSharedAcrossRoles(t *testing.T) {
	f := newFakeSTS(t)
	f.hook = func(c stsCall, _ int) (int, string) {
		if c.Action == "AssumeRole" && c.Form.Get("TokenCode") != "" {
			t.Errorf("AssumeRole got an MFA code although an MFA session exists")
		}
		return 0, ""
	}
	c := newCache(t)
	prompts := 0
	serial := "arn:aws:iam::123456789012:mfa/alice"
	mk := func(name string) *chain.Plan {
		r := roleStep(name, "arn:aws:iam::111122223333:role/"+name)
		r.MFASerial = val(serial)
		return plan(name, staticStep("base"), r)
	}
	var notices []string
	o := testOpts(f, nil)
	o.Cache = c
	o.Duration = 8 * time.Hour
	o.Notice = func(s string) { notices = append(notices, s) }
	o.Prompt = func(_ context.Context, s string, attempt int) (string, error) {
		prompts++
		if attempt == 1 {
			return "487201", nil // first code wrong: GetSessionToken asks again
		}
		return mfaGoodCode, nil
	}
	r1, err := Get(context.Background(), mk("Admin"), o)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Get(context.Background(), mk("ReadOnly"), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.count("GetSessionToken"); got != 2 { // one wrong code, one right
		t.Fatalf("GetSessionToken calls = %d, want 2 (one retry)", got)
	}
	if prompts != 2 {
		t.Fatalf("prompted %d times, want 2 (one wrong code, then one session for both roles)", prompts)
	}
	var gst, roles []stsCall
	for _, call := range f.Calls() {
		switch call.Action {
		case "GetSessionToken":
			gst = append(gst, call)
		case "AssumeRole":
			roles = append(roles, call)
		}
	}
	if gst[1].AccessKeyID != baseKeyID || gst[1].Form.Get("SerialNumber") != serial || gst[1].Form.Get("DurationSeconds") != "43200" {
		t.Fatalf("GetSessionToken = %+v (signed by %s)", gst[1].Form, gst[1].AccessKeyID)
	}
	if len(roles) != 2 {
		t.Fatalf("AssumeRole calls = %d", len(roles))
	}
	for _, call := range roles {
		if !strings.HasPrefix(call.AccessKeyID, "ASIAFAKE") || call.Token == "" {
			t.Fatalf("AssumeRole not signed with the MFA session: %s", call.AccessKeyID)
		}
		if call.Form.Get("DurationSeconds") != "28800" {
			t.Fatalf("AssumeRole with an MFA session was capped: %s", call.Form.Get("DurationSeconds"))
		}
		if call.Form.Get("RoleSessionName") != "alice" {
			t.Fatalf("session name %q", call.Form.Get("RoleSessionName"))
		}
	}
	if len(notices) != 0 {
		t.Fatalf("unexpected notices %q", notices)
	}
	if r1.ARN == r2.ARN || r1.FromCache || r2.FromCache {
		t.Fatalf("results %v %v", r1, r2)
	}

	// A third run of the first role is a plain cache hit: no calls at all.
	o.Duration = 0
	before := len(f.Calls())
	r3, err := Get(context.Background(), mk("Admin"), o)
	if err != nil || !r3.FromCache || len(f.Calls()) != before {
		t.Fatalf("third run: %v, %v, calls %d -> %d", r3, err, before, len(f.Calls()))
	}
}

// A cached MFA session that AWS no longer accepts is dropped and replaced.
func TestRejectedMFASessionIsReplaced(t *testing.T) {
	f := newFakeSTS(t)
	c := newCache(t)
	serial := "arn:aws:iam::123456789012:mfa/alice"
	c.PutMFASession(baseKeyID, serial, &cache.Entry{AccessKeyID: "ASIAREVOKED", SecretAccessKey: "revoked" + secretMarker, SessionToken: "t", Expiration: time.Now().Add(time.Hour)})
	f.hook = func(cl stsCall, _ int) (int, string) {
		if cl.AccessKeyID == "ASIAREVOKED" {
			return stsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		}
		return 0, ""
	}
	r := roleStep("dev", "arn:aws:iam::1:role/Dev")
	r.MFASerial = val(serial)
	r.RoleSessionName = val("me")
	o := testOpts(f, nil)
	o.Cache = c
	o.MFAToken = mfaGoodCode
	if _, err := Get(context.Background(), plan("dev", staticStep("base"), r), o); err != nil {
		t.Fatal(err)
	}
	if f.count("GetSessionToken") != 1 || f.count("AssumeRole") != 2 {
		t.Fatalf("calls %+v", f.Calls())
	}
}

func TestCacheHitMakesNoRequests(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Cache = newCache(t)
	p := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev"))
	first, err := Get(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	calls, loads := len(f.Calls()), configLoads.Load()
	second, err := Get(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	if !second.FromCache || second.Credentials != first.Credentials || second.ARN != first.ARN || second.AccountID != first.AccountID || second.Source != chain.KindAssumeRole {
		t.Fatalf("second = %v, first = %v", second, first)
	}
	if len(f.Calls()) != calls {
		t.Fatalf("cache hit made %d requests", len(f.Calls())-calls)
	}
	if configLoads.Load() != loads {
		t.Fatal("cache hit built an SDK config")
	}

	// --refresh ignores the cache, and the new credentials replace the old.
	o.Refresh = true
	third, err := Get(context.Background(), p, o)
	if err != nil || third.FromCache || third.AccessKeyID == first.AccessKeyID {
		t.Fatalf("refresh: %v, %v", third, err)
	}
	o.Refresh = false
	fourth, err := Get(context.Background(), p, o)
	if err != nil || !fourth.FromCache || fourth.AccessKeyID != third.AccessKeyID {
		t.Fatalf("after refresh: %v, %v", fourth, err)
	}

	// A requested duration asks for a new session, which then replaces the
	// cached one for later runs without --duration.
	o.Duration = 2 * time.Hour
	fifth, err := Get(context.Background(), p, o)
	if err != nil || fifth.FromCache || f.Calls()[len(f.Calls())-1].Form.Get("DurationSeconds") != "7200" {
		t.Fatalf("--duration served from cache: %v, %v", fifth, err)
	}
	o.Duration = 0
	sixth, err := Get(context.Background(), p, o)
	if err != nil || !sixth.FromCache || sixth.AccessKeyID != fifth.AccessKeyID {
		t.Fatalf("the 2h session was not cached for later runs: %v, %v", sixth, err)
	}
}

func TestThrottling(t *testing.T) {
	tests := []struct {
		name      string
		failures  int // leading throttled answers
		code      string
		status    int
		wantErr   bool
		wantCalls int
	}{
		{"throttled twice then success", 2, "Throttling", 400, false, 3},
		{"throttled beyond max attempts", 99, "Throttling", 400, true, DefaultMaxAttempts},
		{"5xx then success", 1, "InternalFailure", 500, false, 2},
		{"5xx beyond max attempts", 99, "ServiceUnavailable", 503, true, DefaultMaxAttempts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			f.hook = func(c stsCall, nth int) (int, string) {
				if nth <= tc.failures {
					return stsError(tc.status, tc.code, "Rate exceeded")
				}
				return 0, ""
			}
			r := roleStep("dev", "arn:aws:iam::1:role/Dev")
			r.RoleSessionName = val("me")
			_, err := Get(context.Background(), plan("dev", staticStep("base"), r), testOpts(f, nil))
			if got := len(f.Calls()); got != tc.wantCalls {
				t.Fatalf("requests = %d, want %d", got, tc.wantCalls)
			}
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if tc.status == 400 {
				var te *ThrottledError
				if !errors.As(err, &te) || te.Attempts != DefaultMaxAttempts || te.Op != "AssumeRole" {
					t.Fatalf("err = %#v", err)
				}
			} else {
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != tc.status || !strings.Contains(ae.Hint(), "try again") {
					t.Fatalf("err = %#v", err)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
		})
	}
}

// BenchmarkGetCacheHit is the whole hot path as the CLI pays it: derive the
// plan key, open the file store (key file not yet read), read and decrypt
// one entry. No SDK work.
func BenchmarkGetCacheHit(b *testing.B) {
	f := newFakeSTS(b)
	dir, keyFile := filepath.Join(b.TempDir(), "cache"), filepath.Join(b.TempDir(), "cache.key")
	o := testOpts(f, nil)
	o.Cache = cache.New(vault.NewFileStore(dir, vault.NewFileKey(keyFile)))
	r := roleStep("dev", "arn:aws:iam::1:role/Dev")
	r.RoleSessionName = val("me")
	p := plan("dev", staticStep("base"), r)
	if _, err := Get(context.Background(), p, o); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		o.Cache = cache.New(vault.NewFileStore(dir, vault.NewFileKey(keyFile)))
		res, err := Get(context.Background(), p, o)
		if err != nil || !res.FromCache {
			b.Fatal(res, err)
		}
	}
}

// TestTerminalPrompt: creds words the MFA question and counts the tries.
func TestTerminalPrompt(t *testing.T) {
	var asked []string
	p := TerminalPrompt(func(q string) (string, error) { asked = append(asked, q); return "123456", nil })
	for attempt := 1; attempt <= 2; attempt++ {
		if code, err := p(context.Background(), "arn:aws:iam::1:mfa/me", attempt); err != nil || code != "123456" {
			t.Fatal(code, err)
		}
	}
	want := []string{"Enter MFA code for arn:aws:iam::1:mfa/me: ",
		"That code was not accepted (try 2 of 3). Enter MFA code for arn:aws:iam::1:mfa/me: "}
	if strings.Join(asked, "|") != strings.Join(want, "|") {
		t.Errorf("asked %q", asked)
	}
}
