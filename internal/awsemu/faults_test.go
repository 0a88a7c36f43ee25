package awsemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestFaultRules(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		calls []string // action keys, in order
		fires []bool
	}{
		{"every call", Fault{Kind: FaultThrottle}, []string{"sts:A", "sts:B", "sts:A"}, []bool{true, true, true}},
		{"count", Fault{Kind: FaultThrottle, Count: 2}, []string{"sts:A", "sts:A", "sts:A"}, []bool{true, true, false}},
		{"action bare", Fault{Kind: FaultInternal, Action: "A"}, []string{"sts:A", "sts:B", "sts:A"}, []bool{true, false, true}},
		{"action qualified", Fault{Kind: FaultInternal, Action: "sts:B"}, []string{"sts:A", "sts:B"}, []bool{false, true}},
		{"half", Fault{Kind: FaultUnavailable, Fraction: 0.5}, []string{"sts:A", "sts:A", "sts:A", "sts:A"}, []bool{false, true, false, true}},
		{"quarter, twice", Fault{Kind: FaultThrottle, Fraction: 0.25, Count: 2}, strings.Split(strings.Repeat("sts:A ", 12), " ")[:12],
			[]bool{false, false, false, true, false, false, false, true, false, false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustNew(ExampleWorld(), Options{})
			if err := s.SetFaults(tt.fault); err != nil {
				t.Fatal(err)
			}
			for i, key := range tt.calls {
				_, aerr := s.applyFaults(key)
				if (aerr != nil) != tt.fires[i] {
					t.Errorf("call %d (%s): fired=%v, want %v", i, key, aerr != nil, tt.fires[i])
				}
			}
		})
	}
}

func TestFaultValidation(t *testing.T) {
	s := MustNew(ExampleWorld(), Options{})
	for _, f := range []Fault{
		{Kind: "explode"},
		{Kind: FaultLatency},
		{Kind: FaultThrottle, Count: -1},
		{Kind: FaultThrottle, Fraction: 1.5},
	} {
		if err := s.SetFaults(f); err == nil {
			t.Errorf("accepted %+v", f)
		}
	}
	if err := s.SetFaults(Fault{Kind: FaultThrottle}, Fault{Kind: "bad"}); err == nil || len(s.Faults()) != 0 {
		t.Errorf("a bad rule must reject the whole set: %v %v", err, s.Faults())
	}
}

func TestFaultsWithSDKRetries(t *testing.T) {
	f := newFixture(t, nil, Options{})
	// Two throttles, then success: the SDK's standard retryer (3 attempts)
	// gets through.
	if err := f.srv.SetFaults(Fault{Kind: FaultThrottle, Action: "GetCallerIdentity", Count: 2}); err != nil {
		t.Fatal(err)
	}
	c := f.client(aliceCreds(), 3)
	if _, err := c.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("retries did not get through: %v", err)
	}
	got := f.srv.Counters().Get("sts:GetCallerIdentity")
	if got.Calls != 3 || got.Errors != 2 || got.ErrorCodes["Throttling"] != 2 {
		t.Errorf("counters %+v", got)
	}
	if len(f.srv.Faults()) != 0 {
		t.Errorf("used-up fault still listed: %+v", f.srv.Faults())
	}

	// Other actions are unaffected by a per-action fault.
	if err := f.srv.SetFaults(Fault{Kind: FaultInternal, Action: "AssumeRole"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("GetCallerIdentity hit an AssumeRole fault: %v", err)
	}
	_, err := f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("ff")})
	if code, status := apiErr(t, err); code != "InternalFailure" || status != 500 {
		t.Errorf("got %s %d", code, status)
	}

	// 503 is retried too; persistent throttling surfaces after 3 attempts.
	if err := f.srv.SetFaults(Fault{Kind: FaultThrottle}); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetCounters()
	_, err = f.client(aliceCreds(), 3).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, status := apiErr(t, err); code != "Throttling" || status != 400 || !strings.Contains(err.Error(), "Rate exceeded") {
		t.Errorf("got %s %d %v", code, status, err)
	}
	if n := f.srv.Counters().Calls("GetCallerIdentity"); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestLatencyFault(t *testing.T) {
	f := newFixture(t, nil, Options{})
	if err := f.srv.SetFaults(Fault{Kind: FaultLatency, LatencyMS: 80, Count: 1}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("call took %v, the fault adds at least 80ms", d)
	}
	if len(f.srv.Faults()) != 0 {
		t.Error("latency fault not used up")
	}
}

// TestSDKCorrectsClockSkew shows the Date header carries the emulator's
// clock: the Go SDK learns the skew from a SignatureDoesNotMatch answer and
// its retry succeeds.
func TestSDKCorrectsClockSkew(t *testing.T) {
	f := newFixture(t, nil, Options{})
	f.srv.SetClockOffset(40 * time.Minute)
	if _, err := f.client(aliceCreds(), 3).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("SDK did not recover from skew: %v", err)
	}
}

func adminDo(t *testing.T, f *fixture, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: %v\n%s", method, path, err, data)
	}
	return resp.StatusCode, out
}

func TestAdminAPI(t *testing.T) {
	f := newFixture(t, nil, Options{})
	alice := f.client(aliceCreds(), 1)
	out, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("admin-test")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	_, _ = alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("denied")})

	if code, body := adminDo(t, f, "GET", "/_awsemu/health", ""); code != 200 || body["ok"] != true {
		t.Errorf("health %d %v", code, body)
	}
	code, body := adminDo(t, f, "GET", "/_awsemu/counters", "")
	actions, _ := body["actions"].(map[string]any)
	ar, _ := actions["sts:AssumeRole"].(map[string]any)
	if code != 200 || ar["calls"] != 2.0 || ar["errors"] != 1.0 || ar["error_codes"].(map[string]any)["AccessDenied"] != 1.0 {
		t.Errorf("counters %d %v", code, body)
	}

	// Sessions are listed without secrets.
	resp, err := http.Get(f.url + "/_awsemu/sessions")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), aws.ToString(out.Credentials.AccessKeyId)) ||
		strings.Contains(string(raw), aws.ToString(out.Credentials.SecretAccessKey)) ||
		strings.Contains(string(raw), aws.ToString(out.Credentials.SessionToken)) {
		t.Errorf("sessions listing: %s", raw)
	}

	// Faults over HTTP, both body forms.
	if code, body := adminDo(t, f, "POST", "/_awsemu/faults", `{"faults":[{"kind":"throttle","action":"GetCallerIdentity","count":1}]}`); code != 200 || len(body["faults"].([]any)) != 1 {
		t.Errorf("set faults %d %v", code, body)
	}
	_, err = alice.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, _ := apiErr(t, err); code != "Throttling" {
		t.Errorf("fault set over HTTP not applied: %v", err)
	}
	if code, body := adminDo(t, f, "POST", "/_awsemu/faults", `[{"kind":"latency","latency_ms":1}]`); code != 200 || len(body["faults"].([]any)) != 1 {
		t.Errorf("set faults (array) %d %v", code, body)
	}
	if code, body := adminDo(t, f, "POST", "/_awsemu/faults", `{"faults":[{"kind":"explode"}]}`); code != 400 || !strings.Contains(body["error"].(string), "unknown fault kind") {
		t.Errorf("bad fault %d %v", code, body)
	}
	if code, body := adminDo(t, f, "POST", "/_awsemu/faults", `{"fautls":[]}`); code != 400 {
		t.Errorf("typo accepted %d %v", code, body)
	}
	if code, body := adminDo(t, f, "DELETE", "/_awsemu/faults", ""); code != 200 || len(body["faults"].([]any)) != 0 {
		t.Errorf("clear faults %d %v", code, body)
	}

	// Expire one session over HTTP.
	sess := f.client(credsOf(out.Credentials), 1)
	if code, body := adminDo(t, f, "POST", "/_awsemu/sessions/expire", `{"access_key_ids":["`+aws.ToString(out.Credentials.AccessKeyId)+`"]}`); code != 200 || body["expired"] != 1.0 {
		t.Errorf("expire %d %v", code, body)
	}
	_, err = sess.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, _ := apiErr(t, err); code != "ExpiredToken" {
		t.Errorf("after expire: %v", err)
	}

	// Clock.
	if code, body := adminDo(t, f, "POST", "/_awsemu/clock", `{"offset_seconds":120}`); code != 200 || body["offset_seconds"] != 120.0 {
		t.Errorf("clock %d %v", code, body)
	}
	if f.srv.ClockOffset() != 2*time.Minute {
		t.Errorf("offset %v", f.srv.ClockOffset())
	}
	if code, _ := adminDo(t, f, "POST", "/_awsemu/clock", `{}`); code != 400 {
		t.Errorf("clock without offset: %d", code)
	}

	// Reset, then counters and sessions are empty.
	if code, _ := adminDo(t, f, "DELETE", "/_awsemu/counters", ""); code != 200 || f.srv.Counters().Total() != 0 {
		t.Errorf("reset counters: %d", code)
	}
	if code, _ := adminDo(t, f, "POST", "/_awsemu/reset", ""); code != 200 {
		t.Errorf("reset %d", code)
	}
	if len(f.srv.Sessions()) != 0 || f.srv.ClockOffset() != 0 {
		t.Error("reset left state behind")
	}
	if code, body := adminDo(t, f, "GET", "/_awsemu/nope", ""); code != 404 || body["error"] == nil {
		t.Errorf("unknown admin path %d %v", code, body)
	}
	if n := f.srv.Counters().Total(); n != 0 {
		t.Errorf("admin calls were counted: %d", n)
	}
}

// TestConcurrentUse runs calls, admin reads and expiries side by side (for
// the race detector).
func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, nil, Options{})
	done := make(chan error, 8)
	for g := range 6 {
		go func() {
			c := f.client(aliceCreds(), 1)
			for i := range 10 {
				out, err := c.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("g" + itoa(g) + "-" + itoa(i))})
				if err != nil {
					done <- err
					return
				}
				_, err = f.client(credsOf(out.Credentials), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
				if err != nil && !strings.Contains(err.Error(), "api error ExpiredToken:") {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		for range 50 {
			f.srv.ExpireSessions()
			_ = f.srv.Counters()
			_ = f.srv.Sessions()
			_ = f.srv.AddFault(Fault{Kind: FaultLatency, LatencyMS: 1, Count: 1})
		}
		done <- nil
	}()
	for range 7 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if n := f.srv.Counters().Calls("AssumeRole"); n != 60 {
		t.Errorf("%d AssumeRole calls counted, want 60", n)
	}
}
