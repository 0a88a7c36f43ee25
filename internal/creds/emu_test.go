package creds

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsemu"
	"github.com/assume-cli/assume/internal/chain"
)

// Facts of awsemu.ExampleWorld used below.
const (
	emuAliceKey    = "AKIAALICEEXAMPLE0001"
	emuAliceSecret = "aliceSecretKey/EXAMPLE+0000000000000001"
	emuAliceSerial = "arn:aws:iam::111111111111:mfa/alice"
	emuAliceSeed   = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	emuBotKey      = "AKIACIBOTEXAMPLE0001"
	emuBotSecret   = "ciBotSecretKey/EXAMPLE+00000000000000001"
	emuDeveloper   = "arn:aws:iam::222222222222:role/Developer"
	emuAdmin       = "arn:aws:iam::333333333333:role/Admin"
	emuReadOnly    = "arn:aws:iam::333333333333:role/audit/ReadOnly"
	emuDeployer    = "arn:aws:iam::222222222222:role/Deployer"
)

// emulator serves the example world on loopback.
func emulator(t *testing.T) (*awsemu.Server, string) {
	t.Helper()
	srv := awsemu.MustNew(awsemu.ExampleWorld(), awsemu.Options{})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return srv, ts.URL
}

func emuKeys(profile, id, secret string) chain.Step {
	return chain.Step{Kind: chain.KindStatic, Profile: profile, AccessKeyID: val(id), SecretAccessKey: val(secret)}
}

func emuOpts(url string) Options {
	o := testOpts(nil, nil)
	o.Endpoint = url
	return o
}

// TestAgainstEmulatorMFASession runs the MFA-session flow against the
// emulator, which enforces require_mfa trust and the chaining cap itself.
func TestAgainstEmulatorMFASession(t *testing.T) {
	srv, url := emulator(t)
	o := emuOpts(url)
	o.Cache = newCache(t)
	prompts := 0
	o.Prompt = func(context.Context, string, int) (string, error) {
		prompts++
		return awsemu.TOTP(emuAliceSeed, srv.Now())
	}
	admin := roleStep("admin", emuAdmin)
	admin.MFASerial = val(emuAliceSerial)
	dev := roleStep("dev", emuDeveloper)
	dev.MFASerial = val(emuAliceSerial)

	r1, err := Get(context.Background(), plan("admin", emuKeys("alice", emuAliceKey, emuAliceSecret), admin), o)
	if err != nil {
		t.Fatal(err)
	}
	o.Duration = 12 * time.Hour // allowed: an MFA session is not role chaining
	r2, err := Get(context.Background(), plan("dev", emuKeys("alice", emuAliceKey, emuAliceSecret), dev), o)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Counters()
	if prompts != 1 || c.Calls("GetSessionToken") != 1 || c.Calls("AssumeRole") != 2 {
		t.Fatalf("prompts %d, counters %+v", prompts, c)
	}
	if r1.ARN != "arn:aws:sts::333333333333:assumed-role/Admin/alice" || r2.AccountID != "222222222222" {
		t.Fatalf("results %v / %v", r1, r2)
	}
	if d := time.Until(r2.Expiration); d < 11*time.Hour {
		t.Fatalf("12h session lasts %v", d)
	}

	// Cache hit (the 12h session, for a run without --duration): the
	// emulator sees nothing.
	o.Duration = 0
	before := srv.Counters().Total()
	r3, err := Get(context.Background(), plan("dev", emuKeys("alice", emuAliceKey, emuAliceSecret), dev), o)
	if err != nil || !r3.FromCache || srv.Counters().Total() != before {
		t.Fatalf("cache hit: %v %v, calls %d -> %d", r3, err, before, srv.Counters().Total())
	}
}

func TestAgainstEmulatorChaining(t *testing.T) {
	srv, url := emulator(t)
	var notices []string
	o := emuOpts(url)
	o.Duration = 2 * time.Hour
	o.Notice = func(s string) { notices = append(notices, s) }
	p := plan("ro", emuKeys("bot", emuBotKey, emuBotSecret), roleStep("dev", emuDeveloper), roleStep("ro", emuReadOnly))
	res, err := Get(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "role chaining") {
		t.Fatalf("notices %q", notices)
	}
	if res.ARN != "arn:aws:sts::333333333333:assumed-role/ReadOnly/ci-bot" {
		t.Fatalf("ARN %s (session name should follow the IAM user)", res.ARN)
	}
	if d := time.Until(res.Expiration); d > time.Hour+time.Minute {
		t.Fatalf("chained session lasts %v", d)
	}
	if srv.Counters().Calls("GetCallerIdentity") != 1 {
		t.Fatalf("counters %+v", srv.Counters())
	}
}

func TestAgainstEmulatorErrors(t *testing.T) {
	_, url := emulator(t)
	tests := []struct {
		name  string
		plan  *chain.Plan
		check func(error) bool
	}{
		{"not trusted", plan("admin", emuKeys("bot", emuBotKey, emuBotSecret), roleStep("admin", emuAdmin)),
			func(err error) bool { var e *AccessDeniedError; return errors.As(err, &e) }},
		{"wrong secret", plan("dev", emuKeys("bot", emuBotKey, "wrong"+secretMarker), roleStep("dev", emuDeveloper)),
			func(err error) bool { var e *InvalidCredentialsError; return errors.As(err, &e) && e.Profile == "bot" }},
		{"unknown key", plan("dev", emuKeys("ghost", "AKIAGHOSTEXAMPLE0001", "x"+secretMarker), roleStep("dev", emuDeveloper)),
			func(err error) bool {
				var e *InvalidCredentialsError
				return errors.As(err, &e) && e.Profile == "ghost"
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Get(context.Background(), tc.plan, emuOpts(url))
			if !tc.check(err) {
				t.Fatalf("err = %#v", err)
			}
			assertNoSecrets(t, "error", err.Error())
			if strings.Contains(err.Error(), emuBotSecret) {
				t.Fatal("error holds the secret")
			}
		})
	}
}

func TestAgainstEmulatorWebIdentity(t *testing.T) {
	srv, url := emulator(t)
	tok, err := awsemu.MakeJWT(map[string]any{
		"iss": "https://oidc.example.test", "sub": "repo:example/app", "aud": "sts.amazonaws.com",
		"exp": srv.Now().Add(time.Hour).Unix(),
	}, "example-oidc-signing-secret")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	os.WriteFile(file, []byte(tok), 0o600)
	st := chain.Step{Kind: chain.KindWebIdentity, Profile: "deploy", RoleARN: val(emuDeployer), WebIdentityTokenFile: val(file)}
	res, err := Get(context.Background(), plan("deploy", st), emuOpts(url))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.ARN, "arn:aws:sts::222222222222:assumed-role/Deployer/assume-") {
		t.Fatalf("ARN %s", res.ARN)
	}
	if got := srv.Counters().Calls("AssumeRoleWithWebIdentity"); got != 1 {
		t.Fatalf("calls %d", got)
	}
}
