package awsmain

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/awsemu"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/credserver"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

const testWorld = `{
  "accounts": [{"id": "111111111111"}, {"id": "222222222222"}],
  "users": [{"account": "111111111111", "name": "bob",
    "access_keys": [{"id": "AKIABOB0000000000001", "secret": "bob-secret-00000000000000000000000001"}]}],
  "roles": [{"account": "222222222222", "name": "dev", "trust": {"principals": ["arn:aws:iam::111111111111:root"]}}]
}`

const testConfig = `[profile dev]
role_arn = arn:aws:iam::222222222222:role/dev
source_profile = bob
region = eu-west-1
`

const testCredentials = `[bob]
aws_access_key_id = AKIABOB0000000000001
aws_secret_access_key = bob-secret-00000000000000000000000001
`

// emuEnv serves the test world and returns streams whose environment points
// assume (and the SDK, which reads the process environment) at it, with a
// private HOME and cache.
func emuEnv(t *testing.T) (*awsemu.Server, *term.Streams, *bytes.Buffer) {
	t.Helper()
	w, err := awsemu.ParseWorld([]byte(testWorld))
	if err != nil {
		t.Fatal(err)
	}
	srv := awsemu.MustNew(w, awsemu.Options{})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	t.Setenv("AWS_ENDPOINT_URL_STS", hs.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	home := t.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(testConfig), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(testCredentials), 0o600)
	env := map[string]string{
		"HOME":            home,
		"XDG_CACHE_HOME":  filepath.Join(home, ".cache"),
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"USER":            "tester",
		"PATH":            os.Getenv("PATH"),
		"AWS_PROFILE":     "stale",
		"ASSUME_SHELL":    "bash",
	}
	var errBuf bytes.Buffer
	return srv, term.Test(strings.NewReader(""), &bytes.Buffer{}, &errBuf, env), &errBuf
}

// Endpoints of one profile in different processes share the cache and its
// lock: when both replace the credentials they hold, one AssumeRole serves
// both; the MFA-free refresh uses no prompt.
func TestEndpointRefreshSharesCache(t *testing.T) {
	srv, s, _ := emuEnv(t)
	req := &awsproc.ResolveRequest{Profile: "dev", Region: "eu-west-1"}
	ctx := context.Background()
	a, err := startEndpoint(ctx, s, req, "")
	if err != nil {
		t.Fatal(err)
	}
	defer a.srv.Close()
	b, err := startEndpoint(ctx, s, req, "")
	if err != nil {
		t.Fatal(err)
	}
	defer b.srv.Close()
	if n := srv.Counters().Calls("AssumeRole"); n != 1 {
		t.Fatalf("two endpoints started with %d AssumeRole calls, want 1 (the second from the cache)", n)
	}
	ca, _ := a.srv.Credentials(ctx)
	cb, _ := b.srv.Credentials(ctx)
	if ca.AccessKeyID != cb.AccessKeyID || !strings.HasPrefix(ca.AccessKeyID, "ASIA") {
		t.Fatalf("endpoints serve %s and %s", ca.AccessKeyID, cb.AccessKeyID)
	}

	// Ten minutes later (the emulator's clock), what the server does when
	// the credentials are due: ask, and force a refresh when the answer is
	// no newer.
	srv.SetClockOffset(10 * time.Minute)
	c := resolveCall(req)
	srcA := &source{plan: a.plan, res: resolver(ctx, s, c.Debug, c.Prompt), req: c.request(), held: ca.Expiration}
	srcA.req.CacheKey = a.plan.CacheKey()
	same, err := srcA.provide(ctx, false)
	if err != nil || same.AccessKeyID != ca.AccessKeyID {
		t.Fatalf("unforced: %v, %v", same, err)
	}
	fresh, err := srcA.provide(ctx, true)
	if err != nil || fresh.AccessKeyID == ca.AccessKeyID || !fresh.Expiration.After(ca.Expiration) {
		t.Fatalf("forced: %v (expires %v), %v", fresh, fresh.Expiration, err)
	}
	srcB := &source{plan: b.plan, res: srcA.res, req: srcA.req, held: cb.Expiration}
	other, err := srcB.provide(ctx, true)
	if err != nil || other.AccessKeyID != fresh.AccessKeyID {
		t.Fatalf("second endpoint's refresh got %v, want the first's %s: %v", other, fresh.AccessKeyID, err)
	}
	if n := srv.Counters().Calls("AssumeRole"); n != 2 {
		t.Fatalf("AssumeRole calls = %d, want 2", n)
	}
}

func TestEndpointChildEnvAndVars(t *testing.T) {
	_, s, _ := emuEnv(t)
	e, err := startEndpoint(context.Background(), s, &awsproc.ResolveRequest{Profile: "dev", Region: "ap-south-1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.srv.Close()
	environ := []string{
		"PATH=/bin", "HOME=/home/u", "AWS_PROFILE=other", "aws_access_key_id=AKIA", "AWS_SECRET_ACCESS_KEY=x",
		"AWS_SESSION_TOKEN=t", "AWS_SESSION_EXPIRATION=2020-01-01T00:00:00Z", "AWS_REGION=us-east-1",
		"ASSUME_SHELL=bash", "ASSUME_OUTPUT_FD=3", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/x", "AWS_CA_BUNDLE=/ca.pem",
		"AWS_ACCOUNT_ID=999999999999",
	}
	got := e.childEnv(environ)
	want := []string{
		"PATH=/bin", "HOME=/home/u", "AWS_CA_BUNDLE=/ca.pem",
		credserver.EnvFullURI + "=" + e.srv.URL(), credserver.EnvToken + "=" + e.srv.Token(),
		"AWS_REGION=ap-south-1", "AWS_DEFAULT_REGION=ap-south-1", "ASSUME_PROFILE=dev", "AWS_ACCOUNT_ID=222222222222",
	}
	if !slices.Equal(got, want) {
		t.Errorf("child environment\n got %q\nwant %q", got, want)
	}

	vars := e.vars()
	if vars.Set[credserver.EnvFullURI] != e.srv.URL() || vars.Set[credserver.EnvToken] != e.srv.Token() || vars.Set["AWS_REGION"] != "ap-south-1" ||
		vars.Set["AWS_ACCOUNT_ID"] != "222222222222" {
		t.Errorf("set %v", vars.Set)
	}
	for _, v := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_SESSION_EXPIRATION"} {
		if !slices.Contains(vars.Unset, v) {
			t.Errorf("%s is not cleared", v)
		}
	}
	if slices.Contains(vars.Unset, credserver.EnvFullURI) {
		t.Error("a variable to set is also cleared")
	}
	if _, err := shell.Emit("sh", vars); err != nil {
		t.Error(err)
	}
}

func TestStartEndpointErrors(t *testing.T) {
	_, s, _ := emuEnv(t)
	tests := []struct {
		name  string
		req   *awsproc.ResolveRequest
		addr  string
		code  int
		inMsg string
	}{
		{"unknown profile", &awsproc.ResolveRequest{Profile: "nope"}, "", exitcode.Config, "nope"},
		{"non-loopback address", &awsproc.ResolveRequest{Profile: "dev"}, "0.0.0.0:0", exitcode.Usage, "not a loopback address"},
		{"address that is no address", &awsproc.ResolveRequest{Profile: "dev"}, "localhost", exitcode.Usage, "not host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errBuf bytes.Buffer
			s := *s
			s.Err = &errBuf
			_, err := startEndpoint(context.Background(), &s, tt.req, tt.addr)
			if err == nil {
				t.Fatal("no error")
			}
			if code := reportFailure(&s, err); code != tt.code || !strings.Contains(errBuf.String(), tt.inMsg) {
				t.Errorf("code %d, output %q", code, errBuf.String())
			}
		})
	}
}

func TestParseEndpointFlags(t *testing.T) {
	tests := []struct {
		args  []string
		print string
		addr  string
		rest  []string
		err   string
	}{
		{args: []string{"--", "aws", "s3", "ls", "--", "x"}, rest: []string{"aws", "s3", "ls", "--", "x"}},
		{args: []string{"--print", "json", "--addr=127.0.0.1:9911"}, print: "json", addr: "127.0.0.1:9911"},
		{args: []string{"--bogus"}, err: "exec: unknown flag --bogus"},
		{args: []string{"stray"}, err: `exec: unexpected argument "stray"`},
	}
	for _, tt := range tests {
		f, err := parseEndpointFlags("exec", tt.args)
		if tt.err != "" {
			var bu badUsage
			if err == nil || err.Error() != tt.err || !errors.As(err, &bu) {
				t.Errorf("%q: err %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || f.print != tt.print || f.addr != tt.addr || !slices.Equal(f.rest, tt.rest) {
			t.Errorf("%q: %+v, %v", tt.args, f, err)
		}
	}
}
