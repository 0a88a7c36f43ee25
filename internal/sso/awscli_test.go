package sso

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLIPath is the Debian package's AWS CLI v2; an "aws" earlier on PATH
// may be v1, which has no SSO session support.
const awsCLIPath = "/usr/bin/aws"

func requireAWSCLI2(t *testing.T) {
	t.Helper()
	out, err := exec.Command(awsCLIPath, "--version").CombinedOutput()
	if err != nil {
		t.Skipf("%s not usable (%v); install the awscli package (AWS CLI v2) to run this test", awsCLIPath, err)
	}
	if !strings.HasPrefix(string(out), "aws-cli/2.") {
		t.Skipf("%s is %q, not AWS CLI v2", awsCLIPath, strings.TrimSpace(string(out)))
	}
}

// cliEnv is a sealed environment for the AWS CLI: HOME and the config in
// dir, and botocore endpoint rule sets (AWS_DATA_PATH) sending STS, SSO and
// SSO OIDC to url, since CLI 2.9 ignores AWS_ENDPOINT_URL_*.
func cliEnv(t *testing.T, home, url, config string) []string {
	t.Helper()
	awsDir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(awsDir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(awsDir, "credentials"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rules, err := json.Marshal(map[string]any{
		"version":    "1.0",
		"parameters": map[string]any{"Region": map[string]any{"builtIn": "AWS::Region", "required": false, "type": "String"}},
		"rules": []any{map[string]any{
			"conditions": []any{},
			"endpoint":   map[string]any{"url": url, "properties": map[string]any{}, "headers": map[string]any{}},
			"type":       "endpoint",
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(home, "aws-data")
	for _, svc := range []string{"sts/2011-06-15", "sso/2019-06-10", "sso-oidc/2019-06-10"} {
		d := filepath.Join(data, svc)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "endpoint-rule-set-1.json"), rules, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(awsDir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(awsDir, "credentials"),
		"AWS_DATA_PATH=" + data,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
}

func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, awsCLIPath, args...)
	cmd.Env = env
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("aws %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

const cliSSOConfig = `[profile dev]
sso_session = my-sso
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = us-east-1

[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 333333333333
sso_role_name = ReadOnly
region = us-east-1
`

// TestAWSCLIInterop proves that the AWS CLI and this package share the
// token and registration caches, both ways, against the emulator.
func TestAWSCLIInterop(t *testing.T) {
	requireAWSCLI2(t)
	srv, ts, _ := newEmu(t, true)
	ctx := context.Background()

	newClient := func(home string) *Client {
		c, err := New(Options{OIDCEndpoint: ts.URL, PortalEndpoint: ts.URL, Getenv: env("HOME", home)})
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(home, ".aws", "sso", "cache"); c.CacheDir() != want {
			t.Fatalf("cache dir %s, want %s", c.CacheDir(), want)
		}
		return c
	}

	// (a) The CLI logs in; we read its token and use it.
	for _, tc := range []struct {
		profile string
		sess    Session
		account string
		role    string
	}{
		{"dev", Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", Scopes: []string{"sso:account:access"}}, "222222222222", "AdministratorAccess"},
		{"legacy", Session{Profile: "legacy", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"}, "333333333333", "ReadOnly"},
	} {
		t.Run("aws sso login, then assume: "+tc.profile, func(t *testing.T) {
			home := t.TempDir()
			env := cliEnv(t, home, ts.URL, cliSSOConfig)
			srv.ResetCounters()
			_, stderr, code := runCLI(t, env, "sso", "login", "--profile", tc.profile, "--no-browser")
			if code != 0 {
				t.Fatalf("aws sso login: exit %d\n%s", code, stderr)
			}
			c := newClient(home)
			tok, err := c.Token(ctx, tc.sess)
			if err != nil {
				t.Fatalf("reading the CLI's token: %v", err)
			}
			if !tok.ValidAt(time.Now(), time.Hour) {
				t.Errorf("token %v", tok)
			}
			if tc.sess.Legacy() != (tok.RefreshToken == "") {
				t.Errorf("refresh token present: %v", tok.RefreshToken != "")
			}
			cr, err := c.RoleCredentials(ctx, tok, tc.account, tc.role, "")
			if err != nil || !strings.HasPrefix(cr.AccessKeyID, "ASIA") {
				t.Fatalf("RoleCredentials = %v, %v", cr, err)
			}
			if tc.sess.Legacy() {
				return
			}
			// Our device login reuses the registration the CLI cached.
			registered := srv.Counters().Calls("RegisterClient")
			if _, err := c.Login(ctx, LoginOptions{Session: tc.sess, NoBrowser: true, PollInterval: 50 * time.Millisecond, SlowDownStep: 50 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			if n := srv.Counters().Calls("RegisterClient"); n != registered {
				t.Errorf("RegisterClient called again (%d -> %d): the CLI's registration was not shared", registered, n)
			}
			// And a refresh of its token is written in its format.
			tok, _ = c.ReadToken(tc.sess)
			tok.ExpiresAt = time.Now().Add(-time.Minute)
			if err := c.writeToken(tok); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Token(ctx, tc.sess); err != nil {
				t.Fatalf("refresh: %v", err)
			}
			out, stderr, code := runCLI(t, env, "sts", "get-caller-identity", "--profile", tc.profile, "--output", "json")
			if code != 0 || !strings.Contains(out, "AWSReservedSSO_AdministratorAccess") {
				t.Errorf("aws sts get-caller-identity after our refresh: exit %d\n%s%s", code, out, stderr)
			}
		})
	}

	// (b) We log in; the CLI uses our token.
	for _, tc := range []struct {
		profile string
		sess    Session
		arn     string
	}{
		{"dev", Session{Name: "my-sso", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1", Scopes: []string{"sso:account:access"}},
			"arn:aws:sts::222222222222:assumed-role/AWSReservedSSO_AdministratorAccess_"},
		{"legacy", Session{Profile: "legacy", StartURL: "https://d-1234567890.awsapps.com/start", Region: "us-east-1"},
			"arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ReadOnly_"},
	} {
		t.Run("assume sso login, then aws: "+tc.profile, func(t *testing.T) {
			home := t.TempDir()
			env := cliEnv(t, home, ts.URL, cliSSOConfig)
			c := newClient(home)
			if _, err := c.Login(ctx, LoginOptions{Session: tc.sess, NoBrowser: true, PollInterval: 50 * time.Millisecond, SlowDownStep: 50 * time.Millisecond}); err != nil {
				t.Fatal(err)
			}
			out, stderr, code := runCLI(t, env, "sts", "get-caller-identity", "--profile", tc.profile, "--output", "json")
			if code != 0 {
				t.Fatalf("aws sts get-caller-identity: exit %d\n%s", code, stderr)
			}
			var doc map[string]string
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(doc["Arn"], tc.arn) || !strings.HasSuffix(doc["Arn"], "/alice") {
				t.Errorf("identity %v", doc)
			}
			if tc.sess.Legacy() {
				return
			}
			// The CLI's logout understands our file too.
			if _, stderr, code := runCLI(t, env, "sso", "logout"); code != 0 {
				t.Fatalf("aws sso logout: exit %d\n%s", code, stderr)
			}
			if _, err := c.ReadToken(tc.sess); err == nil {
				t.Error("our token file survived aws sso logout")
			}
			if _, err := os.Stat(filepath.Join(c.CacheDir(), RegistrationFileName(tc.sess))); err != nil {
				t.Errorf("registration file: %v", err)
			}
		})
	}
}
