package awsproc

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzRequest: any bytes on the private channel are a request or one
// error line that quotes none of them (a request may hold an MFA code).
func FuzzRequest(f *testing.F) {
	for _, seed := range []string{
		`{"op":"handoff","request":{"profile":"dev","region":"eu-west-1","mfa_token":"123456","prompt":true}}`,
		`{"op":"resolve","request":{"sso":{"start_url":"https://x.awsapps.com/start","region":"us-east-1","account_id":"1","role_name":"r"}}}`,
		`{"op":"clock","request":{"region":"x"}}`, `{"op":"resolve","request":{"duration":3600000000000}}`,
		`{`, `[]`, `null`, ``, `{"op":7}`, `{"op":"resolve","request":{"profile":7}}`,
		`{"op":"ekstoken","request":{"resolve":{"profile":"dev","region":"eu-west-1"},"cluster":"prod","role_arn":"arn:aws:iam::1:role/r"}}`,
		`{"op":"ekstoken","request":{"credentials":{"access_key_id":"AKIA","secret_access_key":"s"},"cluster":7}}`,
	} {
		f.Add([]byte(seed))
	}
	h := &Handlers{Clock: func(context.Context, *ClockRequest) (*ClockResponse, error) {
		return &ClockResponse{Endpoint: "e"}, nil
	}, EKSToken: func(_ context.Context, r *EKSTokenRequest) (*EKSTokenResponse, error) {
		return &EKSTokenResponse{Token: "k8s-aws-v1." + r.Cluster}, nil
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		quotes := func(msg string) bool { return len(data) >= 8 && strings.Contains(msg, string(data)) }
		req, err := decodeHandOff(bytes.NewReader(data))
		if err != nil {
			if req != nil {
				t.Fatal("a request and an error")
			}
			if quotes(err.Error()) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q", err)
			}
		}
		resp := h.handle(context.Background(), bytes.NewReader(data))
		if (resp.Error == nil) == (resp.Result == nil) {
			t.Fatalf("response %+v", resp)
		}
		if resp.Error != nil && (quotes(resp.Error.Message) || strings.Contains(resp.Error.Message, "\n")) {
			t.Fatalf("error %q", resp.Error.Message)
		}
	})
}

// FuzzResponse: any answer is a checked response or one error line.
func FuzzResponse(f *testing.F) {
	for _, seed := range []string{
		`{"result":{"credentials":{"access_key_id":"A","secret_access_key":"S"}}}`,
		`{"error":{"message":"m","hints":["h"],"code":4}}`, `{"result":null}`, `{}`, `{`, ``, `[]`,
		`{"result":{"credentials":{"expiration":"x"}}}`,
		`{"result":{"token":"k8s-aws-v1.x","signed":"2026-01-01T00:00:00Z"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		resp, err := parseResponse[ResolveResponse](bytes.NewReader(data))
		if err == nil && (resp.Credentials.AccessKeyID == "" || resp.Credentials.SecretAccessKey == "") {
			t.Fatalf("unchecked answer %+v", resp)
		}
		if err != nil && resp != nil {
			t.Fatal("a response and an error")
		}
		tok, err := parseResponse[EKSTokenResponse](bytes.NewReader(data))
		if err == nil && (tok.Token == "" || tok.Signed.IsZero()) {
			t.Fatalf("unchecked token answer %+v", tok)
		}
	})
}
