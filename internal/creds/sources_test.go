package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/conformance"

	"github.com/assume-cli/assume/internal/chain"
)

func TestWebIdentity(t *testing.T) {
	f := newFakeSTS(t)
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte(webToken+"\n"), 0o600)
	st := chain.Step{
		Kind:                 chain.KindWebIdentity,
		Profile:              "ci",
		RoleARN:              val("arn:aws:iam::111122223333:role/CI"),
		WebIdentityTokenFile: valAt(tokenFile, "/c", 3),
	}
	o := testOpts(f, map[string]string{"USER": "runner"})
	o.Cache = newCache(t)
	var dbg bytes.Buffer
	o.Debug = &dbg
	res, err := Get(context.Background(), plan("ci", st), o)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Calls()
	if len(c) != 1 || c[0].Action != "AssumeRoleWithWebIdentity" {
		t.Fatalf("calls %+v", c)
	}
	if c[0].AccessKeyID != "" {
		t.Fatal("AssumeRoleWithWebIdentity was signed")
	}
	if c[0].Form.Get("WebIdentityToken") != webToken || c[0].Form.Get("RoleSessionName") != "assume-runner" || c[0].Form.Get("DurationSeconds") != "3600" {
		t.Fatalf("form %v", c[0].Form)
	}
	if res.ARN != "arn:aws:sts::111122223333:assumed-role/CI/assume-runner" || res.Source != chain.KindWebIdentity {
		t.Fatalf("res %v", res)
	}
	assertNoSecrets(t, "debug", dbg.String())

	// The token file is read on every run.
	os.WriteFile(tokenFile, []byte("rotated-token"), 0o600)
	o.Refresh = true
	if _, err := Get(context.Background(), plan("ci", st), o); err != nil {
		t.Fatal(err)
	}
	if got := f.Calls()[1].Form.Get("WebIdentityToken"); got != "rotated-token" {
		t.Fatalf("second run sent %q", got)
	}

	// Errors: missing file, expired token.
	missing := st
	missing.WebIdentityTokenFile = val(filepath.Join(t.TempDir(), "nope"))
	var se *SourceError
	if _, err := Get(context.Background(), plan("ci", missing), o); !errors.As(err, &se) {
		t.Fatalf("missing token file: %v", err)
	}
	f.hook = func(stsCall, int) (int, string) {
		return stsError(400, "ExpiredTokenException", "Token expired: current date/time is after the expiration")
	}
	_, err = Get(context.Background(), plan("ci", st), o)
	var ee *ExpiredCredentialsError
	if !errors.As(err, &ee) || ee.What != "web identity token" {
		t.Fatalf("expired token: %v", err)
	}
}

func TestCredentialProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	good := fmt.Sprintf(`{"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "proc%s1", "SessionToken": "proc%s1", "Expiration": %q}`, secretMarker, tokenMarker, exp)
	tests := []struct {
		name       string
		command    string
		timeout    time.Duration
		wantErr    string
		wantStderr string
	}{
		{"valid", "printf '%s' '" + good + "'", 0, "", ""},
		{"reads stdin", "read line; printf '%s' \"$line\"", 0, "", ""},
		{"exit status", "echo 'token service down' >&2; exit 3", 0, "exited with status 3", "token service down"},
		{"not json", "echo 'AccessKeyId=ASIA SecretAccessKey=proc" + secretMarker + "2'", 0, "not valid JSON", ""},
		{"wrong version", `echo '{"Version": "1", "AccessKeyId": "A", "SecretAccessKey": "proc` + secretMarker + `3"}'`, 0, "Version", ""},
		{"missing secret", `echo '{"Version": 1, "AccessKeyId": "A"}'`, 0, "no SecretAccessKey", ""},
		{"timeout", "exec sleep 5", 200 * time.Millisecond, "did not finish", ""},
		{"not found", "/nonexistent/credential-helper", 0, "status 127", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := chain.Step{Kind: chain.KindProcess, Profile: "proc", CredentialProcess: valAt(tc.command, "/home/u/.aws/config", 5)}
			o := testOpts(nil, nil)
			var stderr bytes.Buffer
			o.Stderr = &stderr
			o.Stdin = strings.NewReader(good + "\n")
			o.ProcessTimeout = tc.timeout
			res, err := Get(context.Background(), plan("proc", st), o)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if res.AccessKeyID != "ASIAPROC" || res.Expiration.Format(time.RFC3339) != exp || res.Source != chain.KindProcess {
					t.Fatalf("res %v exp %v", res, res.Expiration)
				}
				return
			}
			var pe *ProcessError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want ProcessError with %q", err, tc.wantErr)
			}
			if !strings.Contains(pe.Hint(), "/home/u/.aws/config:5") {
				t.Errorf("hint %q", pe.Hint())
			}
			if strings.Contains(err.Error(), tc.command) {
				t.Errorf("error echoes the command")
			}
			assertNoSecrets(t, "error", err.Error())
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr %q, want %q passed through", stderr.String(), tc.wantStderr)
			}
		})
	}
}

func TestProcessThenRole(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	f := newFakeSTS(t)
	st := chain.Step{Kind: chain.KindProcess, Profile: "proc", CredentialProcess: val(`echo '{"Version":1,"AccessKeyId":"AKIAPROCESSKEY","SecretAccessKey":"s-` + secretMarker + `"}'`)}
	role := roleStep("dev", "arn:aws:iam::1:role/Dev")
	role.RoleSessionName = val("me")
	res, err := Get(context.Background(), plan("dev", st, role), testOpts(f, nil))
	if err != nil {
		t.Fatal(err)
	}
	if f.Calls()[0].AccessKeyID != "AKIAPROCESSKEY" || res.Source != chain.KindAssumeRole {
		t.Fatalf("calls %+v", f.Calls())
	}
}

func TestParseProcessOutput(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		wantErr  string
		wantExp  string
	}{
		{"minimal", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}`, "", ""},
		{"full", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"T","Expiration":"2030-01-01T00:00:00Z","AccountId":"123"}`, "", "2030-01-01T00:00:00Z"},
		{"offset", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-01T00:00:00-00:00"}`, "", "2030-01-01T00:00:00Z"},
		{"fraction", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-01T00:00:00.5Z"}`, "", "2030-01-01T00:00:00Z"},
		{"null token", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":null}`, "", ""},
		{"unknown fields ignored", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Extra":{"x":1}}`, "", ""},
		{"trailing newline", "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}\n", "", ""},
		{"empty", ``, "not a JSON object", ""},
		{"array", `[1]`, "not a JSON object", ""},
		{"null", `null`, "not a JSON object", ""},
		{"syntax", `{"Version":1,`, "not", ""},
		{"two objects", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}{}`, "more after", ""},
		{"no version", `{"AccessKeyId":"A","SecretAccessKey":"S"}`, "no Version", ""},
		{"version string", `{"Version":"1","AccessKeyId":"A","SecretAccessKey":"S"}`, "unsupported Version", ""},
		{"version 2", `{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}`, "unsupported Version", ""},
		{"version float", `{"Version":1.0,"AccessKeyId":"A","SecretAccessKey":"S"}`, "unsupported Version", ""},
		{"lower-case key", `{"Version":1,"accesskeyid":"A","SecretAccessKey":"S"}`, "no AccessKeyId", ""},
		{"empty key", `{"Version":1,"AccessKeyId":" ","SecretAccessKey":"S"}`, "AccessKeyId of the output is empty", ""},
		{"number secret", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":42}`, "not a string", ""},
		{"bad expiration", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"tomorrow"}`, "RFC 3339", ""},
		{"UTC suffix", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2030-01-01T00:00:00UTC"}`, "RFC 3339", ""},
		{"expired", `{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2020-01-01T00:00:00Z"}`, "expired at 2020-01-01T00:00:00Z", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pc, err := ParseProcessOutput([]byte(tc.in), now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pc.AccessKeyID != "A" || pc.SecretAccessKey != "S" {
				t.Fatalf("%+v", pc)
			}
			if got := ""; !pc.Expiration.IsZero() {
				got = pc.Expiration.UTC().Truncate(time.Second).Format(time.RFC3339)
				if got != tc.wantExp {
					t.Fatalf("expiration %s, want %s", got, tc.wantExp)
				}
			} else if tc.wantExp != "" {
				t.Fatal("no expiration")
			}
		})
	}
}

// FuzzParseProcessOutput: never panics, accepted output always has keys,
// and no error ever quotes the secret.
func FuzzParseProcessOutput(f *testing.F) {
	f.Add([]byte(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"topsecretvalue","SessionToken":"T","Expiration":"2030-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"topsecretvalue","Expiration":"garbage"}`))
	f.Add([]byte(`{"Version":"1","SecretAccessKey":"topsecretvalue"}`))
	f.Add([]byte(`{"Version":1,"AccessKeyId":7,"SecretAccessKey":"topsecretvalue"}`))
	f.Add([]byte(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"topsecretvalue"} x`))
	f.Add([]byte(`nope`))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		pc, err := ParseProcessOutput(b, now)
		if err == nil {
			if strings.TrimSpace(pc.AccessKeyID) == "" || strings.TrimSpace(pc.SecretAccessKey) == "" {
				t.Fatal("accepted output without keys")
			}
			if !pc.Expiration.IsZero() && !pc.Expiration.After(now) {
				t.Fatal("accepted expired credentials")
			}
			return
		}
		var fields map[string]any
		if json.Unmarshal(b, &fields) == nil {
			if s, ok := fields["SecretAccessKey"].(string); ok && len(s) >= 6 && strings.Contains(err.Error(), s) {
				t.Fatalf("error quotes the secret: %v", err)
			}
		}
	})
}

func TestSessionNameFromARN(t *testing.T) {
	tests := []struct{ arn, want string }{
		{"arn:aws:iam::123456789012:user/alice", "alice"},
		{"arn:aws:iam::123456789012:user/division/team/bob", "bob"},
		{"arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com", "alice@example.com"},
		{"arn:aws:sts::123456789012:federated-user/carol", "carol"},
		{"arn:aws:iam::123456789012:root", "root"},
		{"arn:aws-cn:iam::123456789012:user/li lei", "li-lei"},
		{"arn:aws:iam::123456789012:user/" + strings.Repeat("x", 80), strings.Repeat("x", 64)},
		{"arn:aws:iam::123456789012:user/a", ""},
		{"arn:aws:iam::123456789012:user/", ""},
		{"not an arn", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := SessionNameFromARN(tc.arn); got != tc.want {
			t.Errorf("SessionNameFromARN(%q) = %q, want %q", tc.arn, got, tc.want)
		}
	}
}

func FuzzSessionNameFromARN(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::1:user/alice", "arn:aws:sts::1:assumed-role/R/ü🙂", "arn:::::", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		s := SessionNameFromARN(arn)
		if s == "" {
			return
		}
		if len(s) < 2 || len(s) > 64 {
			t.Fatalf("length %d", len(s))
		}
		for _, c := range s {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_+=,.@-", c)) {
				t.Fatalf("invalid rune %q in %q", c, s)
			}
		}
	})
}

func TestEnvironmentSource(t *testing.T) {
	f := newFakeSTS(t)
	src := chain.Step{Kind: chain.KindNamedSource, Profile: "envsrc", CredentialSource: valAt("Environment", "/c", 2)}
	role := roleStep("dev", "arn:aws:iam::1:role/Dev")
	env := map[string]string{"AWS_ACCESS_KEY_ID": "ASIAENVKEY", "AWS_SECRET_ACCESS_KEY": "env" + secretMarker, "AWS_SESSION_TOKEN": "env" + tokenMarker}
	f.owners["ASIAENVKEY"] = "arn:aws:sts::1:assumed-role/Runner/i-123"
	o := testOpts(f, env)
	o.Duration = 2 * time.Hour
	var notices []string
	o.Notice = func(s string) { notices = append(notices, s) }
	res, err := Get(context.Background(), plan("dev", src, role), o)
	if err != nil {
		t.Fatal(err)
	}
	c := f.Calls()
	// The caller's ARN (learnt for the session name) shows it is a role:
	// chaining, so 1h and a notice.
	if c[1].AccessKeyID != "ASIAENVKEY" || c[1].Token != "env"+tokenMarker || c[1].Form.Get("RoleSessionName") != "i-123" || c[1].Form.Get("DurationSeconds") != "3600" {
		t.Fatalf("calls %+v", c)
	}
	if len(notices) != 1 || res.AccountID != "1" {
		t.Fatalf("notices %q res %v", notices, res)
	}

	// Source alone, and missing variables.
	res, err = Get(context.Background(), plan("envsrc", src), testOpts(nil, env))
	if err != nil || res.AccessKeyID != "ASIAENVKEY" {
		t.Fatalf("%v %v", res, err)
	}
	_, err = Get(context.Background(), plan("envsrc", src), testOpts(nil, map[string]string{"AWS_ACCESS_KEY_ID": "A"}))
	var se *SourceError
	if !errors.As(err, &se) || !strings.Contains(se.Hint(), "/c:2") {
		t.Fatalf("err %v", err)
	}
	bad := src
	bad.CredentialSource = val("Ec2Metadata")
	var ce *ConfigError
	if _, err := Get(context.Background(), plan("x", bad), testOpts(nil, nil)); !errors.As(err, &ce) {
		t.Fatalf("unknown source: %v", err)
	}
}

func TestInstanceMetadataSource(t *testing.T) {
	exp := time.Now().Add(6 * time.Hour).UTC().Format(time.RFC3339)
	var tokenPuts atomic.Int32
	imdsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
			tokenPuts.Add(1)
			w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "21600")
			fmt.Fprint(w, "imds-session-token")
		case r.Header.Get("X-Aws-Ec2-Metadata-Token") != "imds-session-token":
			w.WriteHeader(http.StatusUnauthorized)
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
			fmt.Fprint(w, "web-role")
		case r.URL.Path == "/latest/meta-data/iam/security-credentials/web-role":
			fmt.Fprintf(w, `{"Code":"Success","LastUpdated":"2026-11-26T12:00:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds%s","Token":"imds%s","Expiration":%q}`, secretMarker, tokenMarker, exp)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer imdsSrv.Close()
	st := chain.Step{Kind: chain.KindNamedSource, Profile: "ec2", CredentialSource: val("Ec2InstanceMetadata")}
	res, err := Get(context.Background(), plan("ec2", st), testOpts(nil, map[string]string{"AWS_EC2_METADATA_SERVICE_ENDPOINT": imdsSrv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	// The SDK caps instance credentials at 1h so that they are refreshed
	// often; the cache then renews them hourly.
	if res.AccessKeyID != "ASIAIMDS" || res.SessionToken != "imds"+tokenMarker || tokenPuts.Load() == 0 ||
		time.Until(res.Expiration) < 50*time.Minute || time.Until(res.Expiration) > 6*time.Hour {
		t.Fatalf("res %v exp %v", res, res.Expiration)
	}
	_, err = Get(context.Background(), plan("ec2", st), testOpts(nil, map[string]string{"AWS_EC2_METADATA_DISABLED": "true"}))
	var se *SourceError
	if !errors.As(err, &se) {
		t.Fatalf("disabled: %v", err)
	}
}

func TestContainerSource(t *testing.T) {
	exp := time.Now().Add(6 * time.Hour).UTC().Format(time.RFC3339)
	var gotAuth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth.Store(r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") == "" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"code":"AccessDenied","message":"no token"}`)
			return
		}
		fmt.Fprintf(w, `{"AccessKeyId":"ASIAECS","SecretAccessKey":"ecs%s","Token":"ecs%s","Expiration":%q,"AccountId":"999988887777"}`, secretMarker, tokenMarker, exp)
	}))
	defer srv.Close()
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("from-file"), 0o600)
	st := chain.Step{Kind: chain.KindNamedSource, Profile: "ecs", CredentialSource: val("EcsContainer")}
	env := map[string]string{
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     srv.URL + "/creds",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN":      "from-env",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	}
	res, err := Get(context.Background(), plan("ecs", st), testOpts(nil, env))
	if err != nil {
		t.Fatal(err)
	}
	if res.AccessKeyID != "ASIAECS" || gotAuth.Load() != "from-file" || res.Expiration.Format(time.RFC3339) != exp {
		t.Fatalf("res %v auth %v", res, gotAuth.Load())
	}
	delete(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
	if _, err := Get(context.Background(), plan("ecs", st), testOpts(nil, env)); err != nil || gotAuth.Load() != "from-env" {
		t.Fatalf("env token: %v, %v", err, gotAuth.Load())
	}
	delete(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
	_, err = Get(context.Background(), plan("ecs", st), testOpts(nil, env))
	var se *SourceError
	if !errors.As(err, &se) {
		t.Fatalf("refused: %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
	env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds"
	if _, err := Get(context.Background(), plan("ecs", st), testOpts(nil, env)); !errors.As(err, &se) {
		t.Fatalf("disallowed host: %v", err)
	}
}

// TestContainerURLConformance runs the cross-SDK ecs-tests.json suite.
func TestContainerURLConformance(t *testing.T) {
	b := conformance.Read(t, "ecs-tests.json")
	var suite struct {
		Tests []struct {
			Docs   string            `json:"docs"`
			Env    map[string]string `json:"env"`
			Result struct {
				Ok            *string
				ErrorContains *string
			} `json:"result"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(b, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Tests) == 0 {
		t.Fatal("empty suite")
	}
	for _, tc := range suite.Tests {
		t.Run(tc.Docs, func(t *testing.T) {
			got, err := ContainerURL(func(k string) string { return tc.Env[k] })
			switch {
			case tc.Result.Ok != nil:
				if err != nil || got != *tc.Result.Ok {
					t.Fatalf("got %q, %v; want %q", got, err, *tc.Result.Ok)
				}
			case tc.Result.ErrorContains != nil:
				// Our wording differs from the SDK whose messages the suite
				// quotes; what matters is that it is refused.
				if err == nil {
					t.Fatalf("got %q, want an error like %q", got, *tc.Result.ErrorContains)
				}
			}
		})
	}
}

func TestContainerURLExtra(t *testing.T) {
	tests := []struct {
		env map[string]string
		ok  bool
	}{
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.2:80/x"}, true},
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://[::1]:80/x"}, true},
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/x"}, false},
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "ftp://localhost/x"}, false},
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://%zz"}, false},
		{map[string]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "v2/creds"}, true},
	}
	for _, tc := range tests {
		_, err := ContainerURL(func(k string) string { return tc.env[k] })
		if (err == nil) != tc.ok {
			t.Errorf("%v: err = %v", tc.env, err)
		}
	}
}

func FuzzContainerURL(f *testing.F) {
	f.Add("", "http://localhost:8080/creds")
	f.Add("/v2/credentials/abc?a=1", "")
	f.Add("", "http://[fd00:ec2::23]/v1/credentials")
	f.Fuzz(func(t *testing.T, rel, full string) {
		got, err := ContainerURL(func(k string) string {
			switch k {
			case "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI":
				return rel
			case "AWS_CONTAINER_CREDENTIALS_FULL_URI":
				return full
			}
			return ""
		})
		if err != nil {
			return
		}
		if rel != "" && !strings.HasPrefix(got, "http://169.254.170.2/") {
			t.Fatalf("relative URI gave %q", got)
		}
		if rel == "" && !strings.HasPrefix(got, "https://") && !strings.HasPrefix(got, "http://") {
			t.Fatalf("accepted %q", got)
		}
	})
}

func TestCallerIdentity(t *testing.T) {
	f := newFakeSTS(t)
	arn, account, userID, err := CallerIdentity(context.Background(), Credentials{AccessKeyID: baseKeyID, SecretAccessKey: baseSecret}, testOpts(f, nil))
	if err != nil || arn != "arn:aws:iam::123456789012:user/alice" || account != "123456789012" || userID != "AIDAEXAMPLE" {
		t.Fatalf("%q %q %q %v", arn, account, userID, err)
	}
	_, _, _, err = CallerIdentity(context.Background(), Credentials{AccessKeyID: "AKIANOBODY", SecretAccessKey: baseSecret}, testOpts(f, nil))
	var ie *InvalidCredentialsError
	if !errors.As(err, &ie) {
		t.Fatalf("err %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
}

func TestPlanKey(t *testing.T) {
	base := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev"))
	moved := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev"))
	moved.Steps[1].RoleARN.Line = 99 // the file was edited elsewhere
	moved.Steps[0].SecretAccessKey = val("rotated")
	other := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Other"))
	withExt := plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev"))
	withExt.Steps[1].ExternalID = val("x")
	k := PlanKey(base, nil)
	if PlanKey(moved, nil) != k {
		t.Error("positions or secrets changed the key")
	}
	if PlanKey(other, nil) == k || PlanKey(withExt, nil) == k {
		t.Error("a different role or external id kept the key")
	}
	if strings.Contains(k, baseSecret) || !strings.HasPrefix(k, "dev/") {
		t.Errorf("key %q", k)
	}
	env := plan("e", chain.Step{Kind: chain.KindNamedSource, CredentialSource: val("Environment")}, roleStep("e", "arn:aws:iam::1:role/E"))
	k1 := PlanKey(env, func(string) string { return "AKIA1" })
	k2 := PlanKey(env, func(string) string { return "AKIA2" })
	if k1 == k2 {
		t.Error("environment keys do not change the key")
	}
}

func TestCredentialsDoNotPrintSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s-" + secretMarker, SessionToken: "t-" + tokenMarker}
	r := Result{Credentials: c, ARN: "arn"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %+v %#v", r, r, r), fmt.Sprint(&r)} {
		assertNoSecrets(t, "formatted credentials", s)
	}
}

// TestSDKEnvironment checks that the SDK's standard environment is honoured
// (AWS_ENDPOINT_URL_STS, AWS_CA_BUNDLE) while the shared files are not
// read, even with AWS_PROFILE naming a profile that exists nowhere.
// Not parallel: it sets process environment variables.
func TestSDKEnvironment(t *testing.T) {
	f := newFakeSTS(t)
	cfgFile := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfgFile, []byte("[profile broken\nthis is not ini"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", cfgFile)
	t.Setenv("AWS_PROFILE", "exists-nowhere")
	t.Setenv("AWS_ENDPOINT_URL_STS", f.URL())
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // the STS-specific one wins
	r := roleStep("dev", "arn:aws:iam::1:role/Dev")
	r.RoleSessionName = val("me")
	o := testOpts(nil, nil) // no Options.Endpoint
	if _, err := Get(context.Background(), plan("dev", staticStep("base"), r), o); err != nil {
		t.Fatal(err)
	}
	if f.count("AssumeRole") != 1 {
		t.Fatal("AWS_ENDPOINT_URL_STS not used")
	}

	// TLS endpoint trusted only through AWS_CA_BUNDLE.
	tlsSrv := httptest.NewUnstartedServer(f.srv.Config.Handler)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshakes are expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", tlsSrv.URL)
	_, err := Get(context.Background(), plan("dev", staticStep("base"), r), o)
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("untrusted certificate: err = %v", err)
	}
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600)
	t.Setenv("AWS_CA_BUNDLE", bundle)
	if _, err := Get(context.Background(), plan("dev", staticStep("base"), r), o); err != nil {
		t.Fatalf("with AWS_CA_BUNDLE: %v", err)
	}
	t.Setenv("AWS_CA_BUNDLE", cfgFile)
	if _, err := Get(context.Background(), plan("dev", staticStep("base"), r), o); err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") {
		t.Fatalf("bad bundle: %v", err)
	}
}
