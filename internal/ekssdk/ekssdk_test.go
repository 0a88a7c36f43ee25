package ekssdk

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func testConfig() aws.Config {
	return aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session")}
}

// decode returns the presigned URL inside a token.
func decode(t *testing.T, tok string) *url.URL {
	t.Helper()
	if !strings.HasPrefix(tok, TokenPrefix) {
		t.Fatalf("token without prefix: %.20s", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, TokenPrefix))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestTokenShape(t *testing.T) {
	before := time.Now().Add(-time.Second)
	tok, signed, err := Token(context.Background(), testConfig(), "eu-west-1", "prod", false)
	if err != nil {
		t.Fatal(err)
	}
	if signed.Before(before.Truncate(time.Second)) || signed.After(time.Now()) {
		t.Errorf("signed %v", signed)
	}
	u := decode(t, tok)
	q := u.Query()
	if u.Host != "sts.eu-west-1.amazonaws.com" || u.Scheme != "https" || u.Path != "/" {
		t.Errorf("URL %s://%s%s", u.Scheme, u.Host, u.Path)
	}
	want := map[string]string{"Action": "GetCallerIdentity", "Version": "2011-06-15", "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
		"X-Amz-Expires": "60", "X-Amz-SignedHeaders": "host;x-k8s-aws-id", "X-Amz-Security-Token": "session"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q (query %v)", k, q.Get(k), v, q)
		}
	}
	if !strings.HasPrefix(q.Get("X-Amz-Credential"), "AKIDEXAMPLE/") || !strings.HasSuffix(q.Get("X-Amz-Credential"), "/eu-west-1/sts/aws4_request") {
		t.Errorf("credential scope %q", q.Get("X-Amz-Credential"))
	}
	if strings.Contains(tok, "=") {
		t.Error("token is padded")
	}
}

func TestTokenGlobalAndEndpoint(t *testing.T) {
	tok, _, err := Token(context.Background(), testConfig(), "eu-west-1", "prod", true)
	if err != nil {
		t.Fatal(err)
	}
	if u := decode(t, tok); u.Host != "sts.amazonaws.com" || !strings.Contains(u.Query().Get("X-Amz-Credential"), "/us-east-1/sts/") {
		t.Errorf("legacy: %s %s", u.Host, u.Query().Get("X-Amz-Credential"))
	}
	cfg := testConfig()
	cfg.BaseEndpoint = aws.String("https://127.0.0.1:4443")
	tok, _, err = Token(context.Background(), cfg, "eu-west-1", "prod", true)
	if err != nil {
		t.Fatal(err)
	}
	if u := decode(t, tok); u.Host != "127.0.0.1:4443" {
		t.Errorf("endpoint: %s", u.Host)
	}
	if !Global("legacy", "us-east-1") || Global("regional", "us-east-1") || Global("legacy", "me-south-1") {
		t.Error("Global")
	}
	if _, _, err := Token(context.Background(), testConfig(), "eu-west-1", "", false); err == nil {
		t.Error("no cluster: no error")
	}
}
