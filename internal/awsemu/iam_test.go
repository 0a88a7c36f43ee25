package awsemu

// The IAM access-key API, judged by the AWS SDK for Go v2's iam client,
// by the wire documents themselves, and by the real AWS CLI v2.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// iamClient returns a Go SDK IAM client pointed at the emulator, without
// retries.
func (f *fixture) iamClient(c aws.Credentials) *iam.Client {
	return iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(f.url),
		Credentials:  credentials.StaticCredentialsProvider{Value: c},
		Retryer:      retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 1 }),
	})
}

func keyIDs(md []iamtypes.AccessKeyMetadata) []string {
	var out []string
	for _, k := range md {
		out = append(out, aws.ToString(k.AccessKeyId)+":"+string(k.Status))
	}
	return out
}

// TestIAMKeyLifecycle walks a rotation by hand through the SDK: list,
// create, use the new key at once, quota, deactivate, delete.
func TestIAMKeyLifecycle(t *testing.T) {
	f := newFixture(t, nil, Options{})
	old := f.iamClient(aliceCreds())

	lst, err := old.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keyIDs(lst.AccessKeyMetadata); len(got) != 1 || got[0] != aliceKeyID+":Active" || lst.IsTruncated ||
		aws.ToString(lst.AccessKeyMetadata[0].UserName) != "alice" || lst.AccessKeyMetadata[0].CreateDate == nil {
		t.Fatalf("list %v truncated %v", got, lst.IsTruncated)
	}

	before := f.srv.Now().Truncate(time.Second)
	cr, err := old.CreateAccessKey(ctx(), &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	k := cr.AccessKey
	newID, newSecret := aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey)
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(newID) || len(newSecret) != 40 || k.Status != iamtypes.StatusTypeActive ||
		aws.ToString(k.UserName) != "alice" || aws.ToTime(k.CreateDate).Before(before) {
		t.Fatalf("new key %s status %s user %s created %v", newID, k.Status, aws.ToString(k.UserName), k.CreateDate)
	}

	// The new key works at once, for STS and IAM.
	who, err := f.client(keys(newID, newSecret), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != aliceARN {
		t.Fatalf("new key on STS: %v %v", who, err)
	}
	fresh := f.iamClient(keys(newID, newSecret))
	lst, err = fresh.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if got := keyIDs(lst.AccessKeyMetadata); len(got) != 2 || got[0] != aliceKeyID+":Active" || got[1] != newID+":Active" {
		t.Fatalf("list after create %v", got)
	}

	// A third key exceeds the quota.
	_, err = fresh.CreateAccessKey(ctx(), &iam.CreateAccessKeyInput{})
	var limit *iamtypes.LimitExceededException
	if code, status := apiErr(t, err); code != "LimitExceeded" || status != http.StatusConflict || !errors.As(err, &limit) ||
		!strings.Contains(err.Error(), "Cannot exceed quota for AccessKeysPerUser: 2") {
		t.Fatalf("third key: %s %d %v", code, status, err)
	}

	// Inactive keys are refused like unknown ones, and work again when
	// reactivated.
	if _, err := fresh.UpdateAccessKey(ctx(), &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(aliceKeyID), Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, status := apiErr(t, err); code != "InvalidClientTokenId" || status != http.StatusForbidden {
		t.Fatalf("inactive key: %s %d", code, status)
	}
	if _, err := fresh.UpdateAccessKey(ctx(), &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(aliceKeyID), Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("reactivated key: %v", err)
	}

	// Delete the old key with the new one; the old key stops working.
	if _, err := fresh.DeleteAccessKey(ctx(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKeyID)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, _ := apiErr(t, err); code != "InvalidClientTokenId" {
		t.Fatalf("deleted key on STS: %s", code)
	}
	_, err = old.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
	if code, _ := apiErr(t, err); code != "InvalidClientTokenId" {
		t.Fatalf("deleted key on IAM: %s", code)
	}
	_, err = fresh.DeleteAccessKey(ctx(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKeyID)})
	var nse *iamtypes.NoSuchEntityException
	if code, status := apiErr(t, err); code != "NoSuchEntity" || status != http.StatusNotFound || !errors.As(err, &nse) {
		t.Fatalf("second delete: %s %d", code, status)
	}

	// The new key's last use, and GetUser.
	lu, err := fresh.GetAccessKeyLastUsed(ctx(), &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(newID)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(lu.UserName) != "alice" || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "iam" || lu.AccessKeyLastUsed.LastUsedDate == nil {
		t.Fatalf("last used %+v", lu.AccessKeyLastUsed)
	}
	u, err := fresh.GetUser(ctx(), &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.User.Arn) != aliceARN || aws.ToString(u.User.Path) != "/people/" || !strings.HasPrefix(aws.ToString(u.User.UserId), "AIDA") {
		t.Fatalf("user %+v", u.User)
	}

	infos := f.srv.AccessKeys()
	if len(infos) != 3 || infos[0].AccessKeyID != newID || infos[0].UserARN != aliceARN {
		t.Fatalf("AccessKeys %+v", infos)
	}
	c := f.srv.Counters()
	if c.Calls("iam:CreateAccessKey") != 2 || c.Errors("iam:CreateAccessKey") != 1 || c.Calls("iam:DeleteAccessKey") != 2 {
		t.Fatalf("counters %+v", c)
	}

	// Reset brings the world's keys back.
	f.srv.Reset()
	if _, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	if _, err := f.client(keys(newID, newSecret), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err == nil {
		t.Fatal("a created key survived Reset")
	}
}

// TestIAMErrors covers who may call IAM and the parameter rules.
func TestIAMErrors(t *testing.T) {
	f := newFixture(t, nil, Options{})
	role, err := f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	plainSession, err := f.client(aliceCreds(), 1).GetSessionToken(ctx(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	code, err := TOTP(aliceSeed, f.srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	mfaSession, err := f.client(aliceCreds(), 1).GetSessionToken(ctx(), &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code)})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		creds  aws.Credentials
		call   func(*iam.Client) error
		code   string
		status int
		msg    string
	}{
		{"role session", credsOf(role.Credentials), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
			return err
		}, "AccessDenied", 403, "is not authorized to perform: iam:ListAccessKeys"},
		{"session without MFA", credsOf(plainSession.Credentials), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
			return err
		}, "AccessDenied", 403, "unless MFA"},
		{"session with MFA", credsOf(mfaSession.Credentials), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
			return err
		}, "", 0, ""},
		{"another user's keys", aliceCreds(), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{UserName: aws.String("ci-bot")})
			return err
		}, "AccessDenied", 403, "on resource: arn:aws:iam::111111111111:user/ci-bot"},
		{"unknown user", aliceCreds(), func(c *iam.Client) error {
			_, err := c.CreateAccessKey(ctx(), &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
			return err
		}, "NoSuchEntity", 404, "The user with name nobody cannot be found."},
		{"another user's key id", aliceCreds(), func(c *iam.Client) error {
			_, err := c.DeleteAccessKey(ctx(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(botKeyID)})
			return err
		}, "NoSuchEntity", 404, "The Access Key with id " + botKeyID + " cannot be found."},
		{"bad status", aliceCreds(), func(c *iam.Client) error {
			_, err := c.UpdateAccessKey(ctx(), &iam.UpdateAccessKeyInput{AccessKeyId: aws.String(aliceKeyID), Status: "Paused"})
			return err
		}, "ValidationError", 400, "Member must satisfy enum value set: [Active, Inactive]"},
		{"unknown key", keys("AKIAGHOSTEXAMPLE0001", "x"), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
			return err
		}, "InvalidClientTokenId", 403, ""},
		{"wrong secret", keys(aliceKeyID, "wrong"), func(c *iam.Client) error {
			_, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
			return err
		}, "SignatureDoesNotMatch", 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(f.iamClient(tt.creds))
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			code, status := apiErr(t, err)
			if code != tt.code || status != tt.status || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %s %d %v", code, status, err)
			}
			if strings.Contains(err.Error(), aliceSecret) {
				t.Fatal("error holds a secret")
			}
		})
	}
}

func TestIAMListPagination(t *testing.T) {
	f := newFixture(t, nil, Options{})
	c := f.iamClient(aliceCreds())
	cr, err := c.CreateAccessKey(ctx(), &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	p := iam.NewListAccessKeysPaginator(c, &iam.ListAccessKeysInput{MaxItems: aws.Int32(1)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, k := range out.AccessKeyMetadata {
			got = append(got, aws.ToString(k.AccessKeyId))
		}
	}
	if pages != 2 || len(got) != 2 || got[0] != aliceKeyID || got[1] != aws.ToString(cr.AccessKey.AccessKeyId) {
		t.Fatalf("pages %d keys %v", pages, got)
	}
}

// signedIAM builds a raw IAM request signed with scope service.
func signedIAM(t *testing.T, body, service string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", formCT)
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aliceCreds(), r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestIAMWire checks the documents themselves: namespace, element order,
// the empty result of DeleteAccessKey, the error document, and routing.
func TestIAMWire(t *testing.T) {
	f := newFixture(t, nil, Options{})

	rec := serveRaw(f.srv, signedIAM(t, "Action=CreateAccessKey&Version=2010-05-08", "iam"))
	body := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/xml" || len(rec.Header()["x-amzn-RequestId"]) != 1 {
		t.Fatalf("status %d headers %v", rec.Code, rec.Header())
	}
	want := regexp.MustCompile(`(?s)^<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\s*` +
		`<CreateAccessKeyResult>\s*<AccessKey>\s*<UserName>alice</UserName>\s*<AccessKeyId>AKIA[A-Z2-7]{16}</AccessKeyId>\s*` +
		`<Status>Active</Status>\s*<SecretAccessKey>[A-Za-z0-9+/]{40}</SecretAccessKey>\s*` +
		`<CreateDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</CreateDate>\s*</AccessKey>\s*</CreateAccessKeyResult>\s*` +
		`<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}</RequestId>\s*</ResponseMetadata>\s*</CreateAccessKeyResponse>\s*$`)
	if !want.MatchString(body) {
		t.Fatalf("CreateAccessKey document:\n%s", body)
	}
	newID := regexp.MustCompile(`AKIA[A-Z2-7]{16}`).FindString(body)

	rec = serveRaw(f.srv, signedIAM(t, "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId="+newID, "iam"))
	if rec.Code != 200 || !regexp.MustCompile(`(?s)^<DeleteAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">\s*<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}</RequestId>\s*</ResponseMetadata>\s*</DeleteAccessKeyResponse>\s*$`).MatchString(rec.Body.String()) {
		t.Fatalf("DeleteAccessKey %d:\n%s", rec.Code, rec.Body.String())
	}

	rec = serveRaw(f.srv, signedIAM(t, "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId="+newID, "iam"))
	var doc xmlErrorResponse
	if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 404 || doc.Xmlns != iamNamespace ||
		doc.Type != "Sender" || doc.Code != "NoSuchEntity" || doc.RequestID == "" {
		t.Fatalf("error %d %+v %v\n%s", rec.Code, doc, err, rec.Body.String())
	}

	routing := []struct {
		name, body, service string
		status              int
		contains            string
	}{
		{"IAM by version", "Action=ListAccessKeys&Version=2010-05-08", "iam", 200, "<ListAccessKeysResponse"},
		{"IAM by scope without version", "Action=ListAccessKeys", "iam", 400, "Could not find operation ListAccessKeys for version NO_VERSION_SPECIFIED"},
		{"STS action on IAM", "Action=GetCallerIdentity&Version=2010-05-08", "iam", 400, "Could not find operation GetCallerIdentity for version 2010-05-08"},
		{"IAM version signed for sts", "Action=ListAccessKeys&Version=2010-05-08", "sts", 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"STS still answers", "Action=GetCallerIdentity&Version=2011-06-15", "sts", 200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`},
	}
	for _, tt := range routing {
		t.Run(tt.name, func(t *testing.T) {
			rec := serveRaw(f.srv, signedIAM(t, tt.body, tt.service))
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.contains) {
				t.Fatalf("%d\n%s", rec.Code, rec.Body.String())
			}
		})
	}
}

// TestIAMFaults: the fault rules apply to IAM actions by name.
func TestIAMFaults(t *testing.T) {
	f := newFixture(t, nil, Options{})
	if err := f.srv.SetFaults(Fault{Kind: FaultInternal, Action: "iam:DeleteAccessKey", Count: 1}); err != nil {
		t.Fatal(err)
	}
	c := f.iamClient(aliceCreds())
	_, err := c.DeleteAccessKey(ctx(), &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKeyID)})
	if code, status := apiErr(t, err); code != "InternalFailure" || status != 500 {
		t.Fatalf("%s %d", code, status)
	}
	if _, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{}); err != nil {
		t.Fatal(err)
	}
}

// TestIAMEndpointEnv proves that the SDK's AWS_ENDPOINT_URL_IAM reaches the
// emulator's shared listener.
func TestIAMEndpointEnv(t *testing.T) {
	f := newFixture(t, nil, Options{})
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_IAM", f.url)
	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")
	env, err := config.NewEnvConfig()
	if err != nil {
		t.Fatal(err)
	}
	c := iam.NewFromConfig(aws.Config{
		Region:        "us-east-1",
		Credentials:   credentials.StaticCredentialsProvider{Value: aliceCreds()},
		ConfigSources: []any{env},
	})
	out, err := c.ListAccessKeys(ctx(), &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AccessKeyMetadata) != 1 || f.srv.Counters().Calls("iam:ListAccessKeys") != 1 {
		t.Fatalf("keys %v counters %+v", keyIDs(out.AccessKeyMetadata), f.srv.Counters())
	}
}

// TestAWSCLIIAM runs `aws iam` commands of the real AWS CLI v2 against the
// emulator. CLI 2.9 ignores AWS_ENDPOINT_URL*, so it gets --endpoint-url.
func TestAWSCLIIAM(t *testing.T) {
	t.Parallel()
	awsCLI2(t)
	f := newFixture(t, nil, Options{})
	home := t.TempDir()
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"AWS_REGION=us-east-1",
		"AWS_ENDPOINT_URL=" + f.url,
		"AWS_ENDPOINT_URL_IAM=" + f.url,
	}
	run := func(id, secret string, args ...string) (map[string]any, string, int) {
		t.Helper()
		cmd := exec.Command(awsCLIPath, append(args, "--endpoint-url", f.url, "--output", "json")...)
		cmd.Env = append(env, "AWS_ACCESS_KEY_ID="+id, "AWS_SECRET_ACCESS_KEY="+secret)
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
		if code == 0 && len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatalf("aws %v printed %q: %v", args, out, err)
			}
		}
		return doc, stderr.String(), code
	}

	doc, stderr, code := run(aliceKeyID, aliceSecret, "iam", "list-access-keys")
	md, _ := doc["AccessKeyMetadata"].([]any)
	if code != 0 || len(md) != 1 {
		t.Fatalf("list-access-keys: exit %d %v %s", code, doc, stderr)
	}
	if first, _ := md[0].(map[string]any); first["AccessKeyId"] != aliceKeyID || first["Status"] != "Active" || first["UserName"] != "alice" {
		t.Fatalf("list-access-keys: %v", md[0])
	}

	doc, stderr, code = run(aliceKeyID, aliceSecret, "iam", "create-access-key")
	k, _ := doc["AccessKey"].(map[string]any)
	newID, _ := k["AccessKeyId"].(string)
	newSecret, _ := k["SecretAccessKey"].(string)
	if code != 0 || !strings.HasPrefix(newID, "AKIA") || len(newSecret) != 40 {
		t.Fatalf("create-access-key: exit %d %s", code, stderr)
	}
	_, stderr, code = run(aliceKeyID, aliceSecret, "iam", "create-access-key")
	if code == 0 || !strings.Contains(stderr, "An error occurred (LimitExceeded) when calling the CreateAccessKey operation: Cannot exceed quota for AccessKeysPerUser: 2") {
		t.Fatalf("third key: exit %d %s", code, stderr)
	}
	if _, stderr, code = run(newID, newSecret, "iam", "delete-access-key", "--access-key-id", aliceKeyID); code != 0 {
		t.Fatalf("delete-access-key: exit %d %s", code, stderr)
	}
	if keys := f.srv.AccessKeys(); keys[0].AccessKeyID != newID {
		t.Fatalf("keys after delete %+v", keys)
	}
	doc, stderr, code = run(newID, newSecret, "iam", "get-user")
	if u, _ := doc["User"].(map[string]any); code != 0 || u["Arn"] != aliceARN {
		t.Fatalf("get-user: exit %d %v %s", code, doc, stderr)
	}
}

// FuzzScopeService: the scope reader used for routing never panics, and
// finds the service of any well-formed Authorization header.
func FuzzScopeService(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101//sts/aws4_request")
	f.Add("Credential=")
	f.Add("Credential=a/b/c/d/e/f, x")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header["Authorization"] = []string{h}
		got := scopeService(r)
		if got != "" && !strings.Contains(h, "/"+got+"/") {
			t.Fatalf("scopeService(%q) = %q", h, got)
		}
	})
}
