package awsemu

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAWSCLISSO runs the real AWS CLI v2 against the SSO emulation: an
// sso-session login with auto-approval, SSO credentials used for STS, the
// raw portal commands, logout; and a legacy-profile device login approved
// through the emulator's HTML page while the CLI polls.
func TestAWSCLISSO(t *testing.T) {
	t.Parallel() // subprocess-bound: overlaps with the other real-client tests
	awsCLI2(t)
	f := newFixture(t, nil, Options{})
	home := t.TempDir()
	awsDir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	config := `[profile sso-dev]
sso_session = emu
sso_account_id = ` + devAccount + `
sso_role_name = ` + adminPS + `
region = eu-west-1

[sso-session emu]
sso_start_url = ` + startURL + `
sso_region = us-east-1
sso_registration_scopes = ` + ssoScope + `

[profile legacy]
sso_start_url = ` + startURL + `
sso_region = us-east-1
sso_account_id = ` + prodAccount + `
sso_role_name = ` + readOnlyPS + `
region = eu-west-1
`
	if err := os.WriteFile(filepath.Join(awsDir, "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"PYTHONUNBUFFERED=1", // the device code must reach the pipe while the CLI polls
		"AWS_CONFIG_FILE=" + filepath.Join(awsDir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(awsDir, "credentials"),
		"AWS_DATA_PATH=" + cliDataPath(t, home, f.url),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	run := func(args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(awsCLIPath, args...)
		cmd.Env = env
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("aws %v: %v", args, err)
		}
		return stdout.String(), stderr.String(), code
	}
	cacheFile := func(key string) map[string]any {
		t.Helper()
		sum := sha1.Sum([]byte(key))
		data, err := os.ReadFile(filepath.Join(awsDir, "sso", "cache", hex.EncodeToString(sum[:])+".json"))
		if err != nil {
			t.Fatalf("token cache: %v", err)
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		return doc
	}

	if err := f.srv.SetAutoApproveUser("alice"); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run("sso", "login", "--profile", "sso-dev", "--no-browser")
	if code != 0 || !strings.Contains(stdout, "Successfully logged into Start URL: "+startURL) {
		t.Fatalf("sso login: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Then enter the code") {
		t.Error("the CLI printed a code although the login was auto-approved")
	}
	tok := cacheFile("emu")
	access, _ := tok["accessToken"].(string)
	if access == "" || tok["refreshToken"] == nil || tok["region"] != "us-east-1" || tok["startUrl"] != startURL {
		t.Errorf("token cache keys %v", keysOf(tok))
	}

	stdout, stderr, code = run("sts", "get-caller-identity", "--profile", "sso-dev", "--output", "json")
	var gci map[string]string
	_ = json.Unmarshal([]byte(stdout), &gci)
	if want := "arn:aws:sts::" + devAccount + ":assumed-role/" + ssoRoleName(adminPS) + "/alice"; code != 0 || gci["Arn"] != want {
		t.Errorf("get-caller-identity: exit %d %v %s (want %s)", code, gci, stderr, want)
	}

	stdout, stderr, code = run("sso", "list-accounts", "--access-token", access, "--region", "us-east-1", "--output", "json")
	var accts struct{ AccountList []map[string]string }
	_ = json.Unmarshal([]byte(stdout), &accts)
	if code != 0 || len(accts.AccountList) != 2 || accts.AccountList[0]["accountName"] != "dev" {
		t.Errorf("list-accounts: exit %d %s %s", code, stdout, stderr)
	}

	if _, stderr, code = run("sso", "logout"); code != 0 {
		t.Errorf("logout: exit %d %s", code, stderr)
	}
	if c := f.srv.Counters(); c.Calls("sso:Logout") != 1 || c.Errors("sso:Logout") != 0 {
		t.Errorf("Logout counter %+v", c.Get("sso:Logout"))
	}
	for _, tk := range f.srv.SSOTokens() {
		if tk.Valid {
			t.Errorf("token still valid after logout: %+v", tk)
		}
	}

	// Legacy profile, interactive: approve on the HTML page while the CLI
	// polls.
	if err := f.srv.SetAutoApproveUser(""); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(awsCLIPath, "sso", "login", "--profile", "legacy", "--no-browser")
	cmd.Env = env
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var printed strings.Builder
	found := make(chan string, 1)
	go func() {
		completeRe := regexp.MustCompile(`^(http://\S+/device\?user_code=\S+)$`)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			printed.WriteString(sc.Text() + "\n")
			if m := completeRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var complete string
	select {
	case complete = <-found:
	case err := <-done:
		t.Fatalf("aws sso login exited before printing the code: %v\n%s", err, errBuf.String())
	case <-time.After(60 * time.Second):
		t.Fatal("aws sso login printed no verification URL")
	}
	u, err := url.Parse(complete)
	if err != nil || u.Host != strings.TrimPrefix(f.url, "http://") {
		t.Fatalf("verification URL %q", complete)
	}
	resp, err := http.Get(complete)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	userCode := u.Query().Get("user_code")
	if !strings.Contains(string(page), `value="`+userCode+`"`) {
		t.Fatalf("device page does not carry the code: %s", page)
	}
	resp, err = http.PostForm(f.url+"/device", url.Values{"user_code": {userCode}, "user": {"alice"}, "action": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("aws sso login: %v\n%s", err, errBuf.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("aws sso login did not finish after approval")
	}
	out := printed.String()
	if !strings.Contains(out, "Then enter the code:\n\n"+userCode+"\n") || !strings.Contains(out, "Successfully logged into Start URL: "+startURL) {
		t.Errorf("CLI output:\n%s", out)
	}
	legacy := cacheFile(startURL)
	if legacy["accessToken"] == nil || legacy["refreshToken"] != nil {
		t.Errorf("legacy token cache keys %v (no refresh token expected)", keysOf(legacy))
	}
	if c := f.srv.Counters().Get("sso-oidc:CreateToken"); c.ErrorCodes["SlowDownException"] != 0 || c.ErrorCodes["AuthorizationPendingException"] < 1 {
		t.Errorf("CreateToken polls %+v", c)
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
