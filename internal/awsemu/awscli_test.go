package awsemu

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const awsCLIPath = "/usr/bin/aws"

// awsCLI2 skips unless /usr/bin/aws is AWS CLI v2 (the Debian package; an
// "aws" earlier on PATH may be v1).
func awsCLI2(t *testing.T) {
	t.Helper()
	out, err := exec.Command(awsCLIPath, "--version").CombinedOutput()
	if err != nil {
		t.Skipf("%s not usable (%v); install the awscli package (AWS CLI v2) to run this test", awsCLIPath, err)
	}
	if !strings.HasPrefix(string(out), "aws-cli/2.") {
		t.Skipf("%s is %q, not AWS CLI v2; skipping", awsCLIPath, strings.TrimSpace(string(out)))
	}
}

// cliDataPath writes botocore endpoint rule sets that send STS (and, for
// later APIs, SSO and SSO OIDC) to url; AWS CLI 2.9 ignores
// AWS_ENDPOINT_URL*, but honours AWS_DATA_PATH.
func cliDataPath(t *testing.T, dir, url string) string {
	t.Helper()
	ruleSet := map[string]any{
		"version":    "1.0",
		"parameters": map[string]any{"Region": map[string]any{"builtIn": "AWS::Region", "required": false, "type": "String"}},
		"rules": []any{map[string]any{
			"conditions": []any{},
			"endpoint":   map[string]any{"url": url, "properties": map[string]any{}, "headers": map[string]any{}},
			"type":       "endpoint",
		}},
	}
	data, err := json.Marshal(ruleSet)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "aws-data")
	for _, svc := range []string{"sts/2011-06-15", "sso/2019-06-10", "sso-oidc/2019-06-10"} {
		d := filepath.Join(root, svc)
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "endpoint-rule-set-1.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestAWSCLI runs the real AWS CLI v2 against the emulator: direct STS
// commands, a role_arn + source_profile profile (the CLI's own AssumeRole),
// GetSessionToken with MFA, and an error.
func TestAWSCLI(t *testing.T) {
	t.Parallel() // subprocess-bound: overlaps with the other real-client tests
	awsCLI2(t)
	f := newFixture(t, nil, Options{})
	home := t.TempDir()
	awsDir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	config := `[profile alice]
region = eu-west-1

[profile dev]
region = eu-west-1
role_arn = ` + developerARN + `
source_profile = alice
role_session_name = cli-dev
duration_seconds = 7200
`
	creds := "[alice]\naws_access_key_id = " + aliceKeyID + "\naws_secret_access_key = " + aliceSecret + "\n"
	if err := os.WriteFile(filepath.Join(awsDir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(awsDir, "credentials"), []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(awsDir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(awsDir, "credentials"),
		"AWS_DATA_PATH=" + cliDataPath(t, home, f.url),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	run := func(args ...string) (map[string]any, string, int) {
		t.Helper()
		cmd := exec.Command(awsCLIPath, append(args, "--output", "json")...)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("aws %v: %v", args, err)
		}
		var doc map[string]any
		if code == 0 {
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("aws %v printed %q: %v", args, out, err)
			}
		}
		return doc, stderr.String(), code
	}

	t.Run("get-caller-identity", func(t *testing.T) {
		doc, stderr, code := run("sts", "get-caller-identity", "--profile", "alice")
		if code != 0 || doc["Arn"] != aliceARN || doc["Account"] != "111111111111" {
			t.Errorf("exit %d %v %s", code, doc, stderr)
		}
	})
	t.Run("assume-role", func(t *testing.T) {
		doc, stderr, code := run("sts", "assume-role", "--profile", "alice", "--role-arn", developerARN, "--role-session-name", "cli-direct")
		if code != 0 {
			t.Fatalf("exit %d %s", code, stderr)
		}
		c, _ := doc["Credentials"].(map[string]any)
		u, _ := doc["AssumedRoleUser"].(map[string]any)
		exp, _ := c["Expiration"].(string)
		if id, _ := c["AccessKeyId"].(string); !strings.HasPrefix(id, "ASIA") || !strings.HasSuffix(exp, "+00:00") ||
			u["Arn"] != "arn:aws:sts::222222222222:assumed-role/Developer/cli-direct" {
			t.Errorf("output %v", doc)
		}
	})
	t.Run("profile with role_arn and source_profile", func(t *testing.T) {
		f.srv.ResetCounters()
		doc, stderr, code := run("sts", "get-caller-identity", "--profile", "dev")
		if code != 0 || doc["Arn"] != "arn:aws:sts::222222222222:assumed-role/Developer/cli-dev" || doc["Account"] != "222222222222" {
			t.Errorf("exit %d %v %s", code, doc, stderr)
		}
		if n := f.srv.Counters().Calls("AssumeRole"); n != 1 {
			t.Errorf("the CLI made %d AssumeRole calls, want 1", n)
		}
		// The CLI cached the role credentials with the emulator's expiry.
		entries, _ := filepath.Glob(filepath.Join(awsDir, "cli", "cache", "*.json"))
		if len(entries) != 1 {
			t.Errorf("CLI cache entries: %v", entries)
		}
	})
	t.Run("get-session-token with MFA", func(t *testing.T) {
		code, err := TOTP(aliceSeed, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		doc, stderr, exit := run("sts", "get-session-token", "--profile", "alice", "--serial-number", aliceSerial, "--token-code", code, "--duration-seconds", "900")
		c, _ := doc["Credentials"].(map[string]any)
		if id, _ := c["AccessKeyId"].(string); exit != 0 || !strings.HasPrefix(id, "ASIA") {
			t.Errorf("exit %d %v %s", exit, doc, stderr)
		}
	})
	t.Run("error", func(t *testing.T) {
		_, stderr, code := run("sts", "assume-role", "--profile", "alice", "--role-arn", adminARN, "--role-session-name", "no-mfa")
		want := "An error occurred (AccessDenied) when calling the AssumeRole operation: User: " + aliceARN +
			" is not authorized to perform: sts:AssumeRole on resource: " + adminARN
		if code == 0 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}
