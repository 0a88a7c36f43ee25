package awsemu

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// TestSigV4DocumentationExample checks canonicalisation against the worked
// example in AWS's SigV4 documentation (IAM ListUsers, 2015-08-30, whose
// canonical request hash is published), and the signature against the SDK
// signer's for the same request.
func TestSigV4DocumentationExample(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"
	r := httptest.NewRequest("GET", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", nil)
	r.Host = "iam.amazonaws.com"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	when := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	empty := sha256.Sum256(nil)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: secret},
		r, hex.EncodeToString(empty[:]), "iam", "us-east-1", when); err != nil {
		t.Fatal(err)
	}
	sr, aerr := parseSigV4(r)
	if aerr != nil {
		t.Fatal(aerr)
	}
	if strings.Join(sr.SignedHeaders, ";") != "content-type;host;x-amz-date" {
		t.Fatalf("signed headers %v", sr.SignedHeaders)
	}
	canonical := canonicalRequest(r, nil, sr.SignedHeaders, false)
	sum := sha256.Sum256([]byte(canonical))
	if got := hex.EncodeToString(sum[:]); got != "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59" {
		t.Errorf("canonical request hash %s\n%s", got, canonical)
	}
	if !sr.verify(r, nil, secret) {
		t.Errorf("signature rejected; computed %s", sr.compute(r, nil, secret))
	}
	if sr.verify(r, nil, secret[:len(secret)-1]+"z") {
		t.Error("wrong secret accepted")
	}
}

// TestSigV4AgainstSDKSigner signs many varied requests with the SDK's
// signer and checks that the independent verifier agrees, and that any
// change to a signed part breaks the signature.
func TestSigV4AgainstSDKSigner(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	signer := v4.NewSigner()
	regions := []string{"us-east-1", "eu-west-1", "", "aws-global"}
	queries := []string{"", "Action=GetCallerIdentity&Version=2011-06-15", "a=1&b=%20x%2Fy&b=0&c=", "weird=%E2%9C%93&x-y_z.~=ok"}
	for i := range 200 {
		body := ""
		if rng.IntN(3) > 0 {
			body = fmt.Sprintf("Action=AssumeRole&Version=2011-06-15&RoleSessionName=s%d&RoleArn=%s", i, url.QueryEscape(developerARN))
		}
		q := queries[rng.IntN(len(queries))]
		target := "http://127.0.0.1:4566/"
		if q != "" {
			target += "?" + q
		}
		method := []string{"POST", "GET"}[rng.IntN(2)]
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.Host = "127.0.0.1:4566"
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if rng.IntN(2) == 0 {
			r.Header.Set("X-Custom", "  spaced   out  value ")
			r.Header.Add("X-Multi", "one")
			r.Header.Add("X-Multi", "two")
		}
		// A distinct key id per case: the SDK signer caches derived keys by
		// key id, not by secret.
		creds := aws.Credentials{AccessKeyID: fmt.Sprintf("AKIDEXAMPLE%d", i), SecretAccessKey: fmt.Sprintf("secret+/%d", i)}
		if rng.IntN(2) == 0 {
			creds.SessionToken = "FwoGZXIvYXdzE+/token=="
		}
		if rng.IntN(2) == 0 {
			r.ContentLength = 0 // botocore style: content-length not signed
		}
		sum := sha256.Sum256([]byte(body))
		when := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		region := regions[rng.IntN(len(regions))]
		if err := signer.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "sts", region, when); err != nil {
			t.Fatal(err)
		}
		r.ContentLength = int64(len(body))
		sr, aerr := parseSigV4(r)
		if aerr != nil {
			t.Fatalf("case %d: %v", i, aerr)
		}
		if sr.Region != region || sr.SecurityToken != creds.SessionToken || !sr.Time.Equal(when) {
			t.Fatalf("case %d: parsed %+v", i, sr)
		}
		if !sr.verify(r, []byte(body), creds.SecretAccessKey) {
			t.Fatalf("case %d: valid signature rejected (%s %s region %q signed %v)\n%s", i, method, target, region, sr.SignedHeaders, canonicalRequest(r, []byte(body), sr.SignedHeaders, false))
		}
		if sr.verify(r, []byte(body+"x"), creds.SecretAccessKey) {
			t.Fatalf("case %d: changed body accepted", i)
		}
		r.Header.Set("X-Amz-Date", when.Add(time.Second).Format(amzDateLayout))
		sr2, _ := parseSigV4(r)
		if sr2.verify(r, []byte(body), creds.SecretAccessKey) {
			t.Fatalf("case %d: changed date accepted", i)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	good := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + strings.Repeat("ab", 32)
	tests := []struct {
		name   string
		header string
		code   string // "" = ok
		msg    string
	}{
		{"good", good, "", ""},
		{"no spaces after commas", strings.ReplaceAll(good, ", ", ","), "", ""},
		{"empty region", strings.Replace(good, "/us-east-1/", "//", 1), "", ""},
		{"other algorithm", strings.Replace(good, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1), "IncompleteSignature", "Unsupported AWS 'algorithm'"},
		{"missing everything", "AWS4-HMAC-SHA256 ", "IncompleteSignature",
			"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."},
		{"short credential", strings.Replace(good, "/sts/aws4_request", "/sts", 1), "IncompleteSignature", "Credential must have exactly 5 slash-delimited elements"},
		{"bad terminator", strings.Replace(good, "aws4_request", "aws5_request", 1), "IncompleteSignature", "valid terminator"},
		{"bad signature hex", strings.Replace(good, strings.Repeat("ab", 32), "xyz", 1), "IncompleteSignature", "Signature must be 64 hexadecimal characters"},
		{"empty signed headers", strings.Replace(good, "content-type;host;x-amz-date", "", 1), "IncompleteSignature", "SignedHeaders must not be empty"},
		{"empty key id", strings.Replace(good, "AKIDEXAMPLE", "", 1), "IncompleteSignature", "access key id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr, aerr := parseAuthorization(tt.header)
			if tt.code == "" {
				if aerr != nil {
					t.Fatalf("unexpected %v", aerr)
				}
				if sr.AccessKeyID != "AKIDEXAMPLE" || sr.Service != "sts" || len(sr.SignedHeaders) != 3 {
					t.Errorf("parsed %+v", sr)
				}
				return
			}
			if aerr == nil || aerr.Code != tt.code || !strings.Contains(aerr.Message, tt.msg) {
				t.Errorf("got %v, want %s containing %q", aerr, tt.code, tt.msg)
			}
		})
	}
}

func TestCheckTime(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 25, 0, 0, time.UTC)
	sr := &sigv4Request{}
	if aerr := sr.setDate("20240101T000000Z"); aerr != nil {
		t.Fatal(aerr)
	}
	aerr := sr.checkTime(now, 15*time.Minute)
	if aerr == nil || aerr.Message != "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (20240101T002500Z - 15 min.)" {
		t.Errorf("got %v", aerr)
	}
	if aerr := sr.checkTime(now.Add(-20*time.Minute), 15*time.Minute); aerr != nil {
		t.Errorf("5 minutes of skew: %v", aerr)
	}
}

func TestURIEncode(t *testing.T) {
	tests := []struct{ in, slash, noSlash string }{
		{"/", "%2F", "/"},
		{"a b+c", "a%20b%2Bc", "a%20b%2Bc"},
		{"-_.~AZaz09", "-_.~AZaz09", "-_.~AZaz09"},
		{"✓", "%E2%9C%93", "%E2%9C%93"},
		{"/p%20q", "%2Fp%2520q", "/p%2520q"},
	}
	for _, tt := range tests {
		if got := uriEncode(tt.in, true); got != tt.slash {
			t.Errorf("uriEncode(%q, true) = %q, want %q", tt.in, got, tt.slash)
		}
		if got := uriEncode(tt.in, false); got != tt.noSlash {
			t.Errorf("uriEncode(%q, false) = %q, want %q", tt.in, got, tt.noSlash)
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=" + strings.Repeat("0f", 32))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b//d/aws4_request,SignedHeaders=;,Signature=")
	f.Add("AWS4-HMAC-SHA256 ===,,,Credential")
	f.Add("Bearer xyz")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		sr, aerr := parseAuthorization(h)
		if (sr == nil) == (aerr == nil) {
			t.Fatalf("want exactly one of result and error: %v %v", sr, aerr)
		}
		if sr != nil && (sr.AccessKeyID == "" || len(sr.Signature) != 64 || len(sr.SignedHeaders) == 0) {
			t.Fatalf("accepted incomplete header: %+v", sr)
		}
		if aerr != nil && (aerr.Status != http.StatusBadRequest || aerr.Code != "IncompleteSignature") {
			t.Fatalf("unexpected error %v", aerr)
		}
	})
}

// FuzzCanonicalRequest checks that canonicalisation never panics and is
// deterministic for arbitrary queries, header values and paths.
func FuzzCanonicalRequest(f *testing.F) {
	f.Add("/", "a=1&b=2", "value")
	f.Add("/%zz", "%zz=%", "  x  y ")
	f.Add("", "&&=&", "")
	f.Fuzz(func(t *testing.T, path, query, hv string) {
		u := &url.URL{Scheme: "http", Host: "h", RawPath: path, Path: path, RawQuery: query}
		r := &http.Request{Method: "POST", URL: u, Host: "h", Header: http.Header{"X-A": {hv}}}
		a := canonicalRequest(r, []byte(query), []string{"host", "x-a", "content-length"}, false)
		b := canonicalRequest(r, []byte(query), []string{"host", "x-a", "content-length"}, false)
		if a != b {
			t.Fatal("not deterministic")
		}
	})
}
