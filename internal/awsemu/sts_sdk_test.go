package awsemu

// Wire fidelity, judged by the AWS SDK for Go v2: every STS operation and
// error path through the real sts client.

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestSDKGetCallerIdentity(t *testing.T) {
	f := newFixture(t, nil, Options{})
	tests := []struct {
		name    string
		creds   aws.Credentials
		arn     string
		account string
		userID  *regexp.Regexp
	}{
		{"user with path", aliceCreds(), aliceARN, "111111111111", regexp.MustCompile(`^AIDA[A-Z2-7]{17}$`)},
		{"user without path", keys(botKeyID, botSecret), "arn:aws:iam::111111111111:user/ci-bot", "111111111111", regexp.MustCompile(`^AIDA`)},
		{"foreign account", keys(outsiderKeyID, outsiderSecret), "arn:aws:iam::444444444444:user/outsider", "444444444444", regexp.MustCompile(`^AIDA`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := f.client(tt.creds, 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.Arn) != tt.arn || aws.ToString(out.Account) != tt.account || !tt.userID.MatchString(aws.ToString(out.UserId)) {
				t.Errorf("got arn=%s account=%s userid=%s", aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId))
			}
		})
	}
}

func TestSDKAssumeRoleAndChain(t *testing.T) {
	f := newFixture(t, nil, Options{})
	before := f.srv.Now().Truncate(time.Second)
	out, err := f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(developerARN), RoleSessionName: aws.String("alice"), DurationSeconds: aws.Int32(7200),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 {
		t.Errorf("access key id %q", aws.ToString(c.AccessKeyId))
	}
	if len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" {
		t.Error("secret or token malformed")
	}
	if exp := aws.ToTime(c.Expiration); exp.Before(before.Add(7200*time.Second)) || exp.After(before.Add(7202*time.Second)) {
		t.Errorf("expiration %v, want about %v", exp, before.Add(7200*time.Second))
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::222222222222:assumed-role/Developer/alice" {
		t.Errorf("assumed role arn %s", got)
	}
	if got := aws.ToString(out.AssumedRoleUser.AssumedRoleId); !regexp.MustCompile(`^AROA[A-Z2-7]{17}:alice$`).MatchString(got) {
		t.Errorf("assumed role id %s", got)
	}
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize sent without a policy")
	}

	dev := f.client(credsOf(c), 1)
	who, err := dev.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:sts::222222222222:assumed-role/Developer/alice" || aws.ToString(who.Account) != "222222222222" ||
		aws.ToString(who.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) {
		t.Errorf("caller identity of the session: %s %s %s", aws.ToString(who.Arn), aws.ToString(who.Account), aws.ToString(who.UserId))
	}

	// Role chaining: allowed up to one hour, the role path stays out of the
	// session ARN.
	chained, err := dev.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("audit"), DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(chained.AssumedRoleUser.Arn); got != "arn:aws:sts::333333333333:assumed-role/ReadOnly/audit" {
		t.Errorf("chained arn %s", got)
	}
	_, err = dev.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("audit"), DurationSeconds: aws.Int32(3601),
	})
	code, status := apiErr(t, err)
	if code != "ValidationError" || status != 400 || !strings.Contains(err.Error(), "exceeds the 1 hour session limit for roles assumed by role chaining") {
		t.Errorf("chained 3601 s: %s %d %v", code, status, err)
	}
	// Without DurationSeconds the service default (1 h) is fine for chains.
	if _, err := dev.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("x2")}); err != nil {
		t.Error(err)
	}
	// A session of a role the target does not trust.
	ro := f.client(credsOf(chained.Credentials), 1)
	_, err = ro.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("xx")})
	if code, _ := apiErr(t, err); code != "AccessDenied" || !strings.Contains(err.Error(), "User: arn:aws:sts::333333333333:assumed-role/ReadOnly/audit is not authorized to perform: sts:AssumeRole on resource: "+adminARN) {
		t.Errorf("untrusted chain: %v", err)
	}
}

func TestSDKAssumeRoleErrors(t *testing.T) {
	f := newFixture(t, nil, Options{})
	code := func() string { c, _ := TOTP(aliceSeed, time.Now()); return c }
	wrongCode := func() string {
		c := code()
		return strings.Map(func(r rune) rune { return '0' + (r-'0'+5)%10 }, c)
	}
	notAuthorized := func(caller, role string) string {
		return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
	}
	tests := []struct {
		name   string
		creds  aws.Credentials
		in     sts.AssumeRoleInput
		code   string
		status int
		msg    string
	}{
		{"unknown role", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/Nope")},
			"AccessDenied", 403, notAuthorized(aliceARN, "arn:aws:iam::222222222222:role/Nope")},
		{"role path must match", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::333333333333:role/ReadOnly")},
			"AccessDenied", 403, "is not authorized"},
		{"foreign account not trusted", keys(outsiderKeyID, outsiderSecret), sts.AssumeRoleInput{RoleArn: aws.String(developerARN)},
			"AccessDenied", 403, notAuthorized("arn:aws:iam::444444444444:user/outsider", developerARN)},
		{"wrong user", keys(botKeyID, botSecret), sts.AssumeRoleInput{RoleArn: aws.String(adminARN)},
			"AccessDenied", 403, notAuthorized("arn:aws:iam::111111111111:user/ci-bot", adminARN)},
		{"mfa required", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN)},
			"AccessDenied", 403, notAuthorized(aliceARN, adminARN)},
		{"wrong mfa code", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(wrongCode())},
			"AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code."},
		{"code without serial", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN), TokenCode: aws.String(code())},
			"AccessDenied", 403, "MultiFactorAuthentication failed with invalid MFA one time pass code."},
		{"someone else's device", keys(botKeyID, botSecret), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code())},
			"AccessDenied", 403, "unable to validate MFA code"},
		{"external id missing", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(partnerARN)},
			"AccessDenied", 403, notAuthorized(aliceARN, partnerARN)},
		{"external id wrong", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(partnerARN), ExternalId: aws.String("not-the-id")},
			"AccessDenied", 403, notAuthorized(aliceARN, partnerARN)},
		{"session name too short", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("a")},
			"ValidationError", 400, "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name too long", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String(strings.Repeat("s", 65))},
			"ValidationError", 400, "Member must have length less than or equal to 64"},
		{"session name bad characters", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("has space")},
			"ValidationError", 400, `Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"duration too short", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), DurationSeconds: aws.Int32(899)},
			"ValidationError", 400, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration too long", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), DurationSeconds: aws.Int32(43201)},
			"ValidationError", 400, "Member must have value less than or equal to 43200"},
		{"duration over role max", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN), DurationSeconds: aws.Int32(3601), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code())},
			"ValidationError", 400, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"two violations", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("a"), DurationSeconds: aws.Int32(1)},
			"ValidationError", 400, "2 validation errors detected: "},
		{"token code not 6 digits", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("12a45")},
			"ValidationError", 400, "at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6"},
		{"serial too short", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(adminARN), SerialNumber: aws.String("short"), TokenCode: aws.String("123456")},
			"ValidationError", 400, "Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9"},
		{"external id too short", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(partnerARN), ExternalId: aws.String("x")},
			"ValidationError", 400, "at 'externalId' failed to satisfy constraint"},
		{"source identity bad", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), SourceIdentity: aws.String("a b")},
			"ValidationError", 400, "at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{"malformed policy", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String(developerARN), Policy: aws.String("{not json")},
			"MalformedPolicyDocument", 400, "The policy is not in the valid JSON format."},
		{"role arn too short", aliceCreds(), sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::1:r")},
			"ValidationError", 400, "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.RoleSessionName == nil {
				in.RoleSessionName = aws.String("test-session")
			}
			_, err := f.client(tt.creds, 1).AssumeRole(ctx(), &in)
			code, status := apiErr(t, err)
			if code != tt.code || status != tt.status || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %s %d %v\nwant %s %d containing %q", code, status, err, tt.code, tt.status, tt.msg)
			}
			if tt.in.TokenCode != nil && strings.Contains(err.Error(), *tt.in.TokenCode) {
				t.Errorf("error echoes the MFA code: %v", err)
			}
		})
	}
}

func TestSDKAssumeRoleOptionalMembers(t *testing.T) {
	f := newFixture(t, nil, Options{})
	alice := f.client(aliceCreds(), 1)
	code, err := TOTP(aliceSeed, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(adminARN), RoleSessionName: aws.String("alice@example.com"),
		SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code), SourceIdentity: aws.String("alice"),
		Policy:            aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`),
		PolicyArns:        []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}},
		Tags:              []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("cost-center"), Value: aws.String("42")}},
		TransitiveTagKeys: []string{"team"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize == nil || *out.PackedPolicySize < 1 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity = %q", aws.ToString(out.SourceIdentity))
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::333333333333:assumed-role/Admin/alice@example.com" {
		t.Errorf("arn %s", got)
	}

	// External id accepted.
	if _, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(partnerARN), RoleSessionName: aws.String("pp"), ExternalId: aws.String(partnerExtID),
	}); err != nil {
		t.Errorf("external id: %v", err)
	}
	// Duplicate tag keys (case-insensitive) are refused.
	_, err = alice.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(developerARN), RoleSessionName: aws.String("tt"),
		Tags: []types.Tag{{Key: aws.String("Team"), Value: aws.String("a")}, {Key: aws.String("team"), Value: aws.String("b")}},
	})
	if code, _ := apiErr(t, err); code != "ValidationError" {
		t.Errorf("duplicate tags: %v", err)
	}
	// A chained session keeps its source identity and cannot change it.
	dev, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("dd"), SourceIdentity: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	devc := f.client(credsOf(dev.Credentials), 1)
	ro, err := devc.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("rr")})
	if err != nil || aws.ToString(ro.SourceIdentity) != "alice" {
		t.Errorf("inherited source identity: %v %v", err, ro)
	}
	_, err = devc.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(readOnlyARN), RoleSessionName: aws.String("rr"), SourceIdentity: aws.String("mallory")})
	if code, _ := apiErr(t, err); code != "AccessDenied" {
		t.Errorf("changed source identity: %v", err)
	}
}

// mfaWorld adds a role that trusts Developer sessions but requires MFA, to
// test MFA carried along a chain.
func mfaWorld(t *testing.T) *World {
	w := testWorld(t)
	w.Roles = append(w.Roles, Role{
		Account: "333333333333", Name: "BreakGlass",
		Trust: Trust{Principals: []string{developerARN}, RequireMFA: true},
	})
	return w
}

func TestSDKMFA(t *testing.T) {
	f := newFixture(t, mfaWorld(t), Options{})
	const breakGlass = "arn:aws:iam::333333333333:role/BreakGlass"
	alice := f.client(aliceCreds(), 1)
	code := func() string {
		c, err := TOTP(aliceSeed, f.srv.Now())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// AssumeRole with a valid code.
	if _, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(adminARN), RoleSessionName: aws.String("aa"), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code()),
	}); err != nil {
		t.Fatalf("assume with MFA: %v", err)
	}

	// GetSessionToken with MFA, then AssumeRole without a code.
	gst, err := alice.GetSessionToken(ctx(), &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code()), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatalf("GetSessionToken with MFA: %v", err)
	}
	mfaSession := f.client(credsOf(gst.Credentials), 1)
	who, err := mfaSession.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != aliceARN {
		t.Fatalf("identity of a GetSessionToken session: %v %v", err, who)
	}
	if _, err := mfaSession.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("aa")}); err != nil {
		t.Errorf("assume with an MFA session: %v", err)
	}
	// Not role chaining: a GetSessionToken session may ask for 12 hours.
	if _, err := mfaSession.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("aa"), DurationSeconds: aws.Int32(43200)}); err != nil {
		t.Errorf("12 h from a user session: %v", err)
	}

	// GetSessionToken without MFA does not satisfy require_mfa.
	plain, err := alice.GetSessionToken(ctx(), &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	if exp := aws.ToTime(plain.Credentials.Expiration); exp.Sub(f.srv.Now()) < 43190*time.Second {
		t.Errorf("default GetSessionToken duration: expires %v", exp)
	}
	_, err = f.client(credsOf(plain.Credentials), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(adminARN), RoleSessionName: aws.String("aa")})
	if code, _ := apiErr(t, err); code != "AccessDenied" {
		t.Errorf("assume with a non-MFA session: %v", err)
	}

	// MFA at the origin of a chain carries through.
	dev, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("dd"), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code())})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.client(credsOf(dev.Credentials), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(breakGlass), RoleSessionName: aws.String("bb")}); err != nil {
		t.Errorf("chain with MFA origin: %v", err)
	}
	devNoMFA, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("dd")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.client(credsOf(devNoMFA.Credentials), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(breakGlass), RoleSessionName: aws.String("bb")})
	if code, _ := apiErr(t, err); code != "AccessDenied" {
		t.Errorf("chain without MFA origin: %v", err)
	}
	// ... but the chained caller may still present alice's device itself.
	if _, err := f.client(credsOf(devNoMFA.Credentials), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(breakGlass), RoleSessionName: aws.String("bb"), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(code()),
	}); err != nil {
		t.Errorf("chain presenting MFA: %v", err)
	}
}

func TestSDKGetSessionTokenErrors(t *testing.T) {
	f := newFixture(t, nil, Options{})
	alice := f.client(aliceCreds(), 1)
	gst, err := alice.GetSessionToken(ctx(), &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129600)})
	if err != nil {
		t.Fatal(err)
	}
	role, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("xx")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		creds aws.Credentials
		in    sts.GetSessionTokenInput
		code  string
		msg   string
	}{
		{"with user session creds", credsOf(gst.Credentials), sts.GetSessionTokenInput{}, "AccessDenied", "Cannot call GetSessionToken with session credentials"},
		{"with role session creds", credsOf(role.Credentials), sts.GetSessionTokenInput{}, "AccessDenied", "Cannot call GetSessionToken with session credentials"},
		{"duration too long", aliceCreds(), sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)}, "ValidationError", "Member must have value less than or equal to 129600"},
		{"duration too short", aliceCreds(), sts.GetSessionTokenInput{DurationSeconds: aws.Int32(600)}, "ValidationError", "Member must have value greater than or equal to 900"},
		{"wrong code", aliceCreds(), sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("000000")}, "AccessDenied", "MultiFactorAuthentication failed"},
		{"user without device", keys(botKeyID, botSecret), sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("123456")}, "AccessDenied", "unable to validate MFA code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			_, err := f.client(tt.creds, 1).GetSessionToken(ctx(), &in)
			code, _ := apiErr(t, err)
			if code != tt.code || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %s %v, want %s containing %q", code, err, tt.code, tt.msg)
			}
		})
	}
}

func TestSDKAuthErrors(t *testing.T) {
	f := newFixture(t, nil, Options{})
	alice := f.client(aliceCreds(), 1)
	role, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("xx")})
	if err != nil {
		t.Fatal(err)
	}
	sess := credsOf(role.Credentials)
	expired, err := alice.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(developerARN), RoleSessionName: aws.String("old")})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.srv.ExpireSessions(aws.ToString(expired.Credentials.AccessKeyId)); n != 1 {
		t.Fatalf("ExpireSessions = %d", n)
	}
	withToken := func(c aws.Credentials, tok string) aws.Credentials { c.SessionToken = tok; return c }
	tests := []struct {
		name   string
		creds  aws.Credentials
		code   string
		status int
		msg    string
	}{
		{"unknown key", keys("AKIAUNKNOWNEXAMPLE01", "whatever"), "InvalidClientTokenId", 403, "The security token included in the request is invalid."},
		{"wrong secret", keys(aliceKeyID, "wrong-secret"), "SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided."},
		{"session without token", withToken(sess, ""), "InvalidClientTokenId", 403, "invalid"},
		{"session with wrong token", withToken(sess, "bm90IHRoZSB0b2tlbg=="), "InvalidClientTokenId", 403, "invalid"},
		{"long-term key with a token", withToken(aliceCreds(), "c29tZXRva2Vu"), "InvalidClientTokenId", 403, "invalid"},
		{"session with wrong secret", aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: "nope", SessionToken: sess.SessionToken}, "SignatureDoesNotMatch", 403, "does not match"},
		{"expired session", credsOf(expired.Credentials), "ExpiredToken", 403, "The security token included in the request is expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.client(tt.creds, 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
			code, status := apiErr(t, err)
			if code != tt.code || status != tt.status || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %s %d %v, want %s %d containing %q", code, status, err, tt.code, tt.status, tt.msg)
			}
			if tt.creds.SessionToken != "" && strings.Contains(err.Error(), tt.creds.SessionToken) {
				t.Error("error echoes the session token")
			}
			if strings.Contains(err.Error(), tt.creds.SecretAccessKey) {
				t.Error("error echoes the secret key")
			}
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
		_, err := c.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
		if code, status := apiErr(t, err); code != "MissingAuthenticationToken" || status != 403 {
			t.Errorf("got %s %d", code, status)
		}
	})
	t.Run("clock skew", func(t *testing.T) {
		// A fresh client each time: the SDK learns the server's clock from
		// the Date header of a skew error (which this also shows works).
		f.srv.SetClockOffset(16 * time.Minute)
		defer f.srv.SetClockOffset(0)
		_, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
		if code, status := apiErr(t, err); code != "SignatureDoesNotMatch" || status != 403 || !strings.Contains(err.Error(), "Signature expired: ") {
			t.Errorf("got %s %d %v", code, status, err)
		}
		f.srv.SetClockOffset(-16 * time.Minute)
		_, err = f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
		if code, _ := apiErr(t, err); code != "SignatureDoesNotMatch" || !strings.Contains(err.Error(), "Signature not yet current: ") {
			t.Errorf("got %s %v", code, err)
		}
		f.srv.SetClockOffset(14 * time.Minute)
		if _, err := f.client(aliceCreds(), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("14 minutes of skew must pass: %v", err)
		}
	})
	t.Run("empty region in scope", func(t *testing.T) {
		c := sts.New(sts.Options{Region: "", BaseEndpoint: aws.String(f.url), Credentials: aws.NewCredentialsCache(staticProvider(aliceCreds())), RetryMaxAttempts: 1})
		if _, err := c.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("empty region: %v", err)
		}
	})
}

func staticProvider(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

func TestSDKCredentialLifetime(t *testing.T) {
	w := testWorld(t)
	w.Settings.CredentialLifetimeSeconds = 60
	w.Settings.MaxRequestSkewSeconds = 365 * 24 * 3600 // the clock below moves; the SDK signs with the real one
	clock := &fakeClock{t: time.Now()}
	f := newFixture(t, w, Options{Now: clock.Now})
	out, err := f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(developerARN), RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(3600),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToTime(out.Credentials.Expiration).Sub(clock.Now().Truncate(time.Second)); got != 60*time.Second {
		t.Errorf("lifetime %v, want 60s", got)
	}
	sess := f.client(credsOf(out.Credentials), 1)
	clock.Add(59 * time.Second)
	if _, err := sess.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	clock.Add(2 * time.Second)
	_, err = sess.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if code, _ := apiErr(t, err); code != "ExpiredToken" {
		t.Errorf("after expiry: %v", err)
	}
	// The requested duration is still validated as AWS would.
	_, err = f.client(aliceCreds(), 1).AssumeRole(ctx(), &sts.AssumeRoleInput{
		RoleArn: aws.String(developerARN), RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(100),
	})
	if code, _ := apiErr(t, err); code != "ValidationError" {
		t.Errorf("short duration: %v", err)
	}
}

func TestSDKWebIdentity(t *testing.T) {
	f := newFixture(t, nil, Options{})
	anon := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(f.url), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	now := time.Now()
	tok := func(iss string, aud any, exp time.Time, secret string) string {
		s, err := MakeJWT(map[string]any{"iss": iss, "sub": "repo:example/app", "aud": aud, "exp": exp.Unix(), "iat": now.Unix()}, secret)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := tok(oidcIssuer, "sts.amazonaws.com", now.Add(time.Hour), oidcSecret)
	out, err := anon.AssumeRoleWithWebIdentity(ctx(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(deployerARN), RoleSessionName: aws.String("gha-1"), WebIdentityToken: aws.String(good),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "repo:example/app" || aws.ToString(out.Audience) != "sts.amazonaws.com" ||
		aws.ToString(out.Provider) != "oidc.example.test" || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::222222222222:assumed-role/Deployer/gha-1" {
		t.Errorf("result: %+v %+v", out, out.AssumedRoleUser)
	}
	who, err := f.client(credsOf(out.Credentials), 1).GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::222222222222:assumed-role/Deployer/gha-1" {
		t.Errorf("identity: %v %v", err, who)
	}
	// Unsigned tokens are fine for an issuer without a secret; audience
	// lists are accepted.
	if _, err := anon.AssumeRoleWithWebIdentity(ctx(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(deployerARN), RoleSessionName: aws.String("uu"),
		WebIdentityToken: aws.String(tok("https://unsigned.example.test/", []string{"other", "sts.amazonaws.com"}, now.Add(time.Minute), "")),
	}); err != nil {
		t.Errorf("unsigned issuer: %v", err)
	}

	tests := []struct {
		name   string
		role   string
		token  string
		code   string
		status int
		typed  any
	}{
		{"expired", deployerARN, tok(oidcIssuer, "sts.amazonaws.com", now.Add(-time.Minute), oidcSecret), "ExpiredTokenException", 400, new(*types.ExpiredTokenException)},
		{"wrong audience", deployerARN, tok(oidcIssuer, "someone-else", now.Add(time.Hour), oidcSecret), "InvalidIdentityToken", 400, new(*types.InvalidIdentityTokenException)},
		{"unknown issuer", deployerARN, tok("https://evil.example.test", "sts.amazonaws.com", now.Add(time.Hour), ""), "InvalidIdentityToken", 400, new(*types.InvalidIdentityTokenException)},
		{"unsigned token for a signing issuer", deployerARN, tok(oidcIssuer, "sts.amazonaws.com", now.Add(time.Hour), ""), "InvalidIdentityToken", 400, nil},
		{"wrong signing secret", deployerARN, tok(oidcIssuer, "sts.amazonaws.com", now.Add(time.Hour), "other-secret"), "InvalidIdentityToken", 400, nil},
		{"not a JWT", deployerARN, "this-is-not-a-jwt", "InvalidIdentityToken", 400, nil},
		{"role does not trust the issuer", developerARN, good, "AccessDenied", 403, nil},
		{"unknown role", "arn:aws:iam::222222222222:role/Ghost", good, "AccessDenied", 403, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := anon.AssumeRoleWithWebIdentity(ctx(), &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String(tt.role), RoleSessionName: aws.String("ss"), WebIdentityToken: aws.String(tt.token),
			})
			code, status := apiErr(t, err)
			if code != tt.code || status != tt.status {
				t.Errorf("got %s %d %v, want %s %d", code, status, err, tt.code, tt.status)
			}
			switch target := tt.typed.(type) {
			case **types.ExpiredTokenException:
				if !errors.As(err, target) {
					t.Errorf("not a typed ExpiredTokenException: %T", err)
				}
			case **types.InvalidIdentityTokenException:
				if !errors.As(err, target) {
					t.Errorf("not a typed InvalidIdentityTokenException: %T", err)
				}
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Error("error echoes the token")
			}
		})
	}
}

func TestSDKGetFederationToken(t *testing.T) {
	f := newFixture(t, nil, Options{})
	bot := f.client(keys(botKeyID, botSecret), 1)
	out, err := bot.GetFederationToken(ctx(), &sts.GetFederationTokenInput{
		Name: aws.String("bob"), DurationSeconds: aws.Int32(900),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.FederatedUser.Arn) != "arn:aws:sts::111111111111:federated-user/bob" ||
		aws.ToString(out.FederatedUser.FederatedUserId) != "111111111111:bob" || out.PackedPolicySize == nil {
		t.Errorf("result %+v", out.FederatedUser)
	}
	fed := f.client(credsOf(out.Credentials), 1)
	who, err := fed.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::111111111111:federated-user/bob" || aws.ToString(who.UserId) != "111111111111:bob" {
		t.Errorf("identity %v %v", err, who)
	}
	_, err = fed.AssumeRole(ctx(), &sts.AssumeRoleInput{RoleArn: aws.String(partnerARN), RoleSessionName: aws.String("xx"), ExternalId: aws.String(partnerExtID)})
	if code, _ := apiErr(t, err); code != "AccessDenied" {
		t.Errorf("federated AssumeRole: %v", err)
	}
	_, err = fed.GetFederationToken(ctx(), &sts.GetFederationTokenInput{Name: aws.String("again")})
	if code, _ := apiErr(t, err); code != "AccessDenied" || !strings.Contains(err.Error(), "Cannot call GetFederationToken with session credentials") {
		t.Errorf("federated GetFederationToken: %v", err)
	}
	_, err = bot.GetFederationToken(ctx(), &sts.GetFederationTokenInput{Name: aws.String("b")})
	if code, _ := apiErr(t, err); code != "ValidationError" || !strings.Contains(err.Error(), "at 'name' failed to satisfy constraint") {
		t.Errorf("short name: %v", err)
	}
}

// TestSDKAssumeRoleProvider runs the Go SDK's own AssumeRole credentials
// provider (as the product uses it) with an MFA token provider.
func TestSDKAssumeRoleProvider(t *testing.T) {
	f := newFixture(t, nil, Options{})
	prov := stscreds.NewAssumeRoleProvider(f.client(aliceCreds(), 3), adminARN, func(o *stscreds.AssumeRoleOptions) {
		o.SerialNumber = aws.String(aliceSerial)
		o.TokenProvider = func() (string, error) { return TOTP(aliceSeed, time.Now()) }
		o.RoleSessionName = "provider"
	})
	c, err := aws.NewCredentialsCache(prov).Retrieve(ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || !c.CanExpire || time.Until(c.Expires) > 16*time.Minute {
		t.Errorf("credentials %s expires %v", c.AccessKeyID, c.Expires)
	}
}
