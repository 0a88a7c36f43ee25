package awsemu

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// realPython returns the interpreter behind "python3" (resolving pyenv
// shims, which depend on HOME) if it can import boto3, else skips.
func realPython(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found on PATH; skipping the botocore wire test")
	}
	out, err := exec.Command("python3", "-c", "import sys, boto3, botocore; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("python3 cannot import boto3 (%v); skipping the botocore wire test", err)
	}
	return strings.TrimSpace(string(out))
}

// isolatedEnv is a minimal environment for an AWS client subprocess: no
// AWS_* variables from the caller and a HOME and config files of its own.
func isolatedEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
	}
	return append(env, extra...)
}

// TestBotocore drives the emulator with boto3/botocore: every operation and
// a few errors must parse as botocore expects.
func TestBotocore(t *testing.T) {
	t.Parallel() // subprocess-bound: overlaps with the other real-client tests
	python := realPython(t)
	f := newFixture(t, nil, Options{})
	code, err := TOTP(aliceSeed, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	jwtOK, _ := MakeJWT(map[string]any{"iss": oidcIssuer, "sub": "boto-subject", "aud": "sts.amazonaws.com", "exp": time.Now().Add(time.Hour).Unix()}, oidcSecret)
	jwtOld, _ := MakeJWT(map[string]any{"iss": oidcIssuer, "sub": "boto-subject", "aud": "sts.amazonaws.com", "exp": time.Now().Add(-time.Hour).Unix()}, oidcSecret)
	cmd := exec.Command(python, filepath.Join("testdata", "botocore_sts.py"))
	cmd.Env = isolatedEnv(t,
		"AWSEMU_URL="+f.url,
		"AWSEMU_ALICE_KEY="+aliceKeyID, "AWSEMU_ALICE_SECRET="+aliceSecret,
		"AWSEMU_DEVELOPER_ARN="+developerARN, "AWSEMU_READONLY_ARN="+readOnlyARN,
		"AWSEMU_ADMIN_ARN="+adminARN, "AWSEMU_DEPLOYER_ARN="+deployerARN,
		"AWSEMU_MFA_SERIAL="+aliceSerial, "AWSEMU_MFA_CODE="+code,
		"AWSEMU_JWT="+jwtOK, "AWSEMU_EXPIRED_JWT="+jwtOld,
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("botocore script failed: %v\n%s", err, stderr.String())
	}
	var got struct {
		GCIUser          map[string]string `json:"gci_user"`
		GCIUserRequestID string            `json:"gci_user_request_id"`
		Assume           struct {
			Credentials     map[string]string
			AssumedRoleUser map[string]string
		}
		GCIRole            string            `json:"gci_role"`
		Chained            string            `json:"chained"`
		ChainedTooLong     map[string]any    `json:"chained_too_long"`
		GST                map[string]string `json:"gst"`
		AdminViaMFASession string            `json:"admin_via_mfa_session"`
		Web                map[string]string `json:"web"`
		Federation         map[string]any    `json:"federation"`
		GCIFederated       string            `json:"gci_federated"`
		ErrWrongSecret     map[string]any    `json:"err_wrong_secret"`
		ErrSessionName     map[string]any    `json:"err_session_name"`
		ErrNoMFA           map[string]any    `json:"err_no_mfa"`
		ErrGSTWithSession  map[string]any    `json:"err_gst_with_session"`
		ErrExpiredJWT      map[string]any    `json:"err_expired_jwt"`
		ErrThrottled       map[string]any    `json:"err_throttled"`
		ErrInternal        map[string]any    `json:"err_internal"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("script output: %v\n%s", err, out)
	}
	check := func(what string, ok bool, v any) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %v", what, v)
		}
	}
	check("GetCallerIdentity (user)", got.GCIUser["Arn"] == aliceARN && got.GCIUser["Account"] == "111111111111" && strings.HasPrefix(got.GCIUser["UserId"], "AIDA"), got.GCIUser)
	check("request id", regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(got.GCIUserRequestID), got.GCIUserRequestID)
	c := got.Assume.Credentials
	check("AssumeRole credentials", strings.HasPrefix(c["AccessKeyId"], "ASIA") && len(c["SecretAccessKey"]) == 40 && c["SessionToken"] != "", c["AccessKeyId"])
	if exp, err := time.Parse(time.RFC3339, c["Expiration"]); err != nil || exp.Sub(time.Now()) < 7100*time.Second || !strings.HasSuffix(c["Expiration"], "+00:00") {
		t.Errorf("Expiration as parsed by botocore: %q (%v)", c["Expiration"], err)
	}
	check("AssumedRoleUser", got.Assume.AssumedRoleUser["Arn"] == "arn:aws:sts::222222222222:assumed-role/Developer/boto-dev" &&
		strings.HasSuffix(got.Assume.AssumedRoleUser["AssumedRoleId"], ":boto-dev"), got.Assume.AssumedRoleUser)
	check("GetCallerIdentity (role)", got.GCIRole == "arn:aws:sts::222222222222:assumed-role/Developer/boto-dev", got.GCIRole)
	check("chained AssumeRole", got.Chained == "arn:aws:sts::333333333333:assumed-role/ReadOnly/boto-chain", got.Chained)
	check("GetSessionToken with MFA", strings.HasPrefix(got.GST["AccessKeyId"], "ASIA"), got.GST)
	check("AssumeRole with an MFA session", got.AdminViaMFASession == "arn:aws:sts::333333333333:assumed-role/Admin/boto-admin", got.AdminViaMFASession)
	check("AssumeRoleWithWebIdentity", got.Web["SubjectFromWebIdentityToken"] == "boto-subject" && got.Web["Provider"] == "oidc.example.test" &&
		got.Web["Audience"] == "sts.amazonaws.com" && got.Web["Arn"] == "arn:aws:sts::222222222222:assumed-role/Deployer/boto-web", got.Web)
	fu, _ := got.Federation["FederatedUser"].(map[string]any)
	check("GetFederationToken", fu["Arn"] == "arn:aws:sts::111111111111:federated-user/boto-fed" && fu["FederatedUserId"] == "111111111111:boto-fed" &&
		got.Federation["PackedPolicySize"] != nil, got.Federation)
	check("GetCallerIdentity (federated)", got.GCIFederated == "arn:aws:sts::111111111111:federated-user/boto-fed", got.GCIFederated)

	errs := []struct {
		name   string
		got    map[string]any
		code   string
		status float64
		typ    string
		msg    string
	}{
		{"chained too long", got.ChainedTooLong, "ValidationError", 400, "Sender", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."},
		{"wrong secret", got.ErrWrongSecret, "SignatureDoesNotMatch", 403, "Sender", "The request signature we calculated does not match"},
		{"bad session name", got.ErrSessionName, "ValidationError", 400, "Sender", "Value 'bad name' at 'roleSessionName'"},
		{"no MFA", got.ErrNoMFA, "AccessDenied", 403, "Sender", "User: " + aliceARN + " is not authorized to perform: sts:AssumeRole on resource: " + adminARN},
		{"GetSessionToken with session", got.ErrGSTWithSession, "AccessDenied", 403, "Sender", "Cannot call GetSessionToken with session credentials"},
		{"expired JWT", got.ErrExpiredJWT, "ExpiredTokenException", 400, "Sender", "Token expired: current date/time "},
		{"throttled", got.ErrThrottled, "Throttling", 400, "Sender", "Rate exceeded"},
		{"internal", got.ErrInternal, "InternalFailure", 500, "Receiver", ""},
	}
	for _, e := range errs {
		if e.got == nil {
			t.Errorf("%s: no error", e.name)
			continue
		}
		msg, _ := e.got["Message"].(string)
		if e.got["Code"] != e.code || e.got["Status"] != e.status || e.got["Type"] != e.typ || !strings.Contains(msg, e.msg) {
			t.Errorf("%s: botocore parsed %v", e.name, e.got)
		}
		if id, _ := e.got["RequestId"].(string); id == "" {
			t.Errorf("%s: botocore found no request id", e.name)
		}
	}
	if strings.Contains(stderr.String(), "Traceback") {
		t.Errorf("python stderr: %s", stderr.String())
	}
}
