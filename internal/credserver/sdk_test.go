package credserver

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
)

// These tests check that real clients read the server: the Go SDK (its
// endpointcreds provider, and the default chain through the environment),
// botocore and the AWS CLI v2. The Python ones skip when the client is not
// installed.

func TestGoSDKEndpointCreds(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	serve(t, s)

	got, err := endpointcreds.New(s.URL(), func(o *endpointcreds.Options) {
		o.AuthorizationToken = s.Token()
	}).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := p.last
	if got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey ||
		got.SessionToken != want.SessionToken || !got.Expires.Equal(want.Expiration) || !got.CanExpire ||
		got.AccountID != want.AccountID {
		t.Errorf("Go SDK read %s (expires %v, account %q), want %s (expires %v)", got.AccessKeyID, got.Expires, got.AccountID, want.AccessKeyID, want.Expiration)
	}

	_, err = endpointcreds.New(s.URL(), func(o *endpointcreds.Options) {
		o.AuthorizationToken = "wrong"
	}).Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("wrong token: %v, want an Unauthorized error", err)
	}
}

// isolatedEnv returns the environment of a client that must get its
// credentials from s: ChildEnv of ours, with config files that do not
// exist and IMDS off, so nothing else can answer.
func isolatedEnv(t *testing.T, s *Server) []string {
	dir := t.TempDir()
	base := append(os.Environ(),
		"AWS_ACCESS_KEY_ID=AKIASHOULDNOTBEUSED0", "AWS_SECRET_ACCESS_KEY=nope", "AWS_PROFILE=nope",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/nope",
	)
	var env []string
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_REGION", "AWS_PAGER":
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=eu-west-1", "AWS_PAGER=",
	)
	return s.ChildEnv(env)
}

func TestGoSDKDefaultChain(t *testing.T) {
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	serve(t, s)
	// The process environment is what LoadDefaultConfig reads.
	env := isolatedEnv(t, s)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		t.Setenv(name, value)
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != p.last.AccessKeyID || got.SecretAccessKey != p.last.SecretAccessKey || got.SessionToken != p.last.SessionToken {
		t.Errorf("Go SDK default chain found %s (source %q), want %s", got.AccessKeyID, got.Source, p.last.AccessKeyID)
	}
}

// pythonWithBotocore returns a python3 that can import botocore, or skips.
func pythonWithBotocore(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if err := exec.Command(py, "-c", "import botocore.session").Run(); err != nil {
		t.Skip("botocore not installed for python3")
	}
	return py
}

func TestBotocore(t *testing.T) {
	t.Parallel()
	py := pythonWithBotocore(t)
	const script = `
import json, botocore.session
c = botocore.session.get_session().get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"method": c.method, "key": f.access_key, "secret": f.secret_key, "token": f.token}))
`
	tests := []struct {
		name     string
		lifetime time.Duration
	}{
		{"one hour", time.Hour},
		// Within botocore's mandatory refresh window from the start: it
		// fetches again and accepts what it gets.
		{"sixty seconds", time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &fakeProvider{now: time.Now, lifetime: tt.lifetime}
			s := newServer(t, p.get, Options{})
			serve(t, s)
			cmd := exec.Command(py, "-c", script)
			cmd.Env = isolatedEnv(t, s)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("botocore: %v\n%s", err, stderrOf(err))
			}
			var got struct{ Method, Key, Secret, Token string }
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			want := p.last
			if got.Method != "container-role" || got.Key != want.AccessKeyID || got.Secret != want.SecretAccessKey || got.Token != want.SessionToken {
				t.Errorf("botocore resolved %s via %q, want %s via container-role", got.Key, got.Method, want.AccessKeyID)
			}
		})
	}
}

func TestAWSCLI(t *testing.T) {
	t.Parallel()
	const cli = "/usr/bin/aws"
	if _, err := os.Stat(cli); err != nil {
		t.Skip("AWS CLI v2 not installed at " + cli)
	}
	p := &fakeProvider{now: time.Now, lifetime: time.Hour}
	s := newServer(t, p.get, Options{})
	serve(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, "configure", "export-credentials", "--format", "process")
	cmd.Env = isolatedEnv(t, s)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws: %v\n%s", err, stderrOf(err))
	}
	var got struct {
		Version                                   int
		AccessKeyID                               string `json:"AccessKeyId"`
		SecretAccessKey, SessionToken, Expiration string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := p.last
	exp, err := time.Parse(time.RFC3339, got.Expiration)
	if err != nil || got.AccessKeyID != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey ||
		got.SessionToken != want.SessionToken || !exp.Equal(want.Expiration) {
		t.Errorf("aws exported %s expiring %s, want %s expiring %s", got.AccessKeyID, got.Expiration, want.AccessKeyID, want.Expiration.Format(time.RFC3339))
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
