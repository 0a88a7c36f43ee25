package awsemu

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// Facts of the example world the tests rely on.
const (
	aliceKeyID   = "AKIAALICEEXAMPLE0001"
	aliceSecret  = "aliceSecretKey/EXAMPLE+0000000000000001"
	aliceARN     = "arn:aws:iam::111111111111:user/people/alice"
	aliceSerial  = "arn:aws:iam::111111111111:mfa/alice"
	aliceSeed    = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	botKeyID     = "AKIACIBOTEXAMPLE0001"
	botSecret    = "ciBotSecretKey/EXAMPLE+00000000000000001"
	developerARN = "arn:aws:iam::222222222222:role/Developer"
	adminARN     = "arn:aws:iam::333333333333:role/Admin"
	readOnlyARN  = "arn:aws:iam::333333333333:role/audit/ReadOnly"
	partnerARN   = "arn:aws:iam::222222222222:role/Partner"
	deployerARN  = "arn:aws:iam::222222222222:role/Deployer"
	partnerExtID = "partner-external-id-0001"
	oidcIssuer   = "https://oidc.example.test"
	oidcSecret   = "example-oidc-signing-secret"
	// An extra user in a foreign account, added by testWorld.
	outsiderKeyID  = "AKIAOUTSIDEREXAMPLE1"
	outsiderSecret = "outsiderSecret/EXAMPLE+000000000000000001"
)

// testWorld is the example world plus a user in a foreign account.
func testWorld(t testing.TB) *World {
	t.Helper()
	w := ExampleWorld()
	w.Accounts = append(w.Accounts, Account{ID: "444444444444", Name: "elsewhere"})
	w.Users = append(w.Users, User{
		Account: "444444444444", Name: "outsider",
		AccessKeys: []AccessKey{{ID: outsiderKeyID, Secret: outsiderSecret}},
	})
	if err := w.Validate(); err != nil {
		t.Fatal(err)
	}
	return w
}

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	t   testing.TB
	srv *Server
	url string
}

// newFixture serves w (testWorld when nil) on a loopback httptest server.
func newFixture(t testing.TB, w *World, opts Options) *fixture {
	t.Helper()
	if w == nil {
		w = testWorld(t)
	}
	srv, err := New(w, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &fixture{t: t, srv: srv, url: ts.URL}
}

// client returns a Go SDK STS client pointed at the emulator. Retries are
// off unless attempts > 1; retries then happen without backoff delay.
func (f *fixture) client(creds aws.Credentials, attempts int) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(f.url),
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = max(attempts, 1)
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
}

func keys(id, secret string) aws.Credentials {
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}
}

func aliceCreds() aws.Credentials { return keys(aliceKeyID, aliceSecret) }

// credsOf converts issued STS credentials for use by another client.
func credsOf(c *types.Credentials) aws.Credentials {
	return aws.Credentials{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
	}
}

// apiErr extracts code and HTTP status from an SDK error.
func apiErr(t testing.TB, err error) (code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got none")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("not an API error: %v", err)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status
}

func ctx() context.Context { return context.Background() }

// repoRoot finds the module root (the directory holding go.mod).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
