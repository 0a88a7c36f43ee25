//go:build !windows

package awsproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

var expiry = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// TestMain lets the test binary play assume-aws: AWSPROC_TEST=serve serves
// one operation with testHandlers, AWSPROC_TEST=handoff reads a hand-off
// and prints what it got.
func TestMain(m *testing.M) {
	switch os.Getenv("AWSPROC_TEST") {
	case "serve":
		if err := Serve(context.Background(), testHandlers()); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	case "handoff":
		if os.Getenv("AWSPROC_TEST_CLOSE3") != "" {
			syscall.Close(3) // whatever the test runner left open there
		}
		req, err := ReadHandOff("")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("profile=%s mfa=%s args=%s\n", req.Profile, req.MFAToken, strings.Join(os.Args[1:], ","))
		if req.Profile == "kill" {
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(time.Second)
		}
		os.Exit(len(req.Profile))
	case "plain":
		fmt.Printf("args=%s\n", strings.Join(os.Args[1:], ","))
		os.Exit(7)
	}
	os.Exit(m.Run())
}

func testHandlers() *Handlers {
	return &Handlers{
		Resolve: func(_ context.Context, r *ResolveRequest) (*ResolveResponse, error) {
			os.Stdout.WriteString("assume-aws's stdout is the caller's stderr\n")
			switch r.Profile {
			case "fail":
				return nil, errors.New("no such luck")
			case "coded":
				return nil, &Error{Message: "denied", Hints: []string{"try again"}, Code: 4}
			case "crash":
				os.Exit(3)
			case "empty":
				return &ResolveResponse{}, nil
			}
			return &ResolveResponse{FromCache: r.Refresh, Credentials: Credentials{
				AccessKeyID: "ASIA" + r.Profile, SecretAccessKey: "s3cr3t", SessionToken: r.MFAToken, Expiration: expiry,
			}}, nil
		},
		Whoami: func(_ context.Context, r *WhoamiRequest) (*WhoamiResponse, error) {
			if r.Credentials == nil {
				return &WhoamiResponse{ARN: "arn:endpoint", Expiration: expiry}, nil
			}
			return &WhoamiResponse{ARN: "arn:" + r.Credentials.AccessKeyID, Account: "123456789012", UserID: r.Region}, nil
		},
		Console: func(_ context.Context, r *ConsoleRequest) (*ConsoleResponse, error) {
			return &ConsoleResponse{URL: r.Destination + "?" + r.Credentials.AccessKeyID, Federated: r.Credentials.SessionToken == "", Expires: expiry}, nil
		},
		Clock: func(_ context.Context, r *ClockRequest) (*ClockResponse, error) {
			return &ClockResponse{Skew: -3 * time.Second, Endpoint: "https://sts." + r.Region + ".amazonaws.com/"}, nil
		},
		EKSToken: func(_ context.Context, r *EKSTokenRequest) (*EKSTokenResponse, error) {
			return &EKSTokenResponse{Token: "k8s-aws-v1." + r.Cluster + "." + r.Resolve.Profile + "." + r.RoleARN, Signed: expiry}, nil
		},
		// Rotate is left out: an operation without a handler is unknown.
		Failure: func(err error) *Error { return &Error{Message: err.Error(), Hints: []string{"classified"}, Code: 6} },
	}
}

func testClient(t *testing.T, mode string) (*Client, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	return &Client{
		Getenv: func(k string) string {
			if k == "ASSUME_AWS_HELPER" {
				return os.Args[0]
			}
			return ""
		},
		Env:    append(os.Environ(), "AWSPROC_TEST="+mode),
		Stdin:  strings.NewReader(""),
		Stdout: &out,
		Stderr: &out,
	}, &out
}

func TestResolveRoundTrip(t *testing.T) {
	c, out := testClient(t, "serve")
	resp, err := c.Resolve(context.Background(), &ResolveRequest{Profile: "dev", MFAToken: "123456", Refresh: true})
	if err != nil {
		t.Fatal(err)
	}
	cr := resp.Credentials
	if cr.AccessKeyID != "ASIAdev" || cr.SecretAccessKey != "s3cr3t" || cr.SessionToken != "123456" ||
		!cr.Expiration.Equal(expiry) || !resp.FromCache {
		t.Errorf("response %+v", resp)
	}
	if out.String() != "assume-aws's stdout is the caller's stderr\n" {
		t.Errorf("assume-aws's own output %q", out)
	}
}

func TestWhoamiRoundTrip(t *testing.T) {
	c, _ := testClient(t, "serve")
	id, err := c.Whoami(context.Background(), &WhoamiRequest{Region: "eu-west-1", Credentials: &Credentials{AccessKeyID: "AKIA1", SecretAccessKey: "x"}})
	if err != nil || id.ARN != "arn:AKIA1" || id.Account != "123456789012" || id.UserID != "eu-west-1" || !id.Expiration.IsZero() {
		t.Fatalf("whoami %+v, %v", id, err)
	}
	id, err = c.Whoami(context.Background(), &WhoamiRequest{})
	if err != nil || id.ARN != "arn:endpoint" || !id.Expiration.Equal(expiry) {
		t.Fatalf("whoami of the endpoint %+v, %v", id, err)
	}
}

func TestConsoleRoundTrip(t *testing.T) {
	c, _ := testClient(t, "serve")
	resp, err := c.Console(context.Background(), &ConsoleRequest{Destination: "https://console", Credentials: Credentials{AccessKeyID: "AKIA2", SecretAccessKey: "x"}})
	if err != nil || resp.URL != "https://console?AKIA2" || !resp.Federated || !resp.Expires.Equal(expiry) {
		t.Fatalf("console %+v, %v", resp, err)
	}
}

func TestEKSTokenRoundTrip(t *testing.T) {
	c, _ := testClient(t, "serve")
	tok, err := c.EKSToken(context.Background(), &EKSTokenRequest{Resolve: ResolveRequest{Profile: "dev"}, Cluster: "prod", RoleARN: "arn:r"})
	if err != nil || tok.Token != "k8s-aws-v1.prod.dev.arn:r" || !tok.Signed.Equal(expiry) {
		t.Fatalf("eks token %+v, %v", tok, err)
	}
}

func TestClockRoundTrip(t *testing.T) {
	c, out := testClient(t, "serve")
	c.Stdout, c.Stderr = nil, nil // Clock runs without the streams
	resp, err := c.Clock(context.Background(), &ClockRequest{Region: "us-west-2"})
	if err != nil || resp.Skew != -3*time.Second || resp.Endpoint != "https://sts.us-west-2.amazonaws.com/" {
		t.Fatalf("clock %+v, %v", resp, err)
	}
	if out.Len() != 0 {
		t.Errorf("output %q", out)
	}
}

// TestOperationWithoutHandler: an operation the server has no handler for
// is answered as unknown, with a hint about mixed releases.
func TestOperationWithoutHandler(t *testing.T) {
	c, _ := testClient(t, "serve")
	_, err := c.Rotate(context.Background(), &RotateRequest{Profile: "dev"})
	var e *Error
	if !errors.As(err, &e) || e.Message != `assume-aws does not know the operation "rotate"` || !strings.Contains(e.Hint(), "different releases") {
		t.Fatalf("err %#v", err)
	}
}

func TestUnknownOp(t *testing.T) {
	c, _ := testClient(t, "serve")
	_, err := call[ClockResponse](context.Background(), c, "bogus", &ClockRequest{}, false)
	if err == nil || err.Error() != `assume-aws does not know the operation "bogus"` {
		t.Fatalf("err %v", err)
	}
}

func TestHandlerErrors(t *testing.T) {
	c, _ := testClient(t, "serve")
	_, err := c.Resolve(context.Background(), &ResolveRequest{Profile: "fail"})
	var e *Error
	if !errors.As(err, &e) || e.Message != "no such luck" || e.Hint() != "classified" || e.ExitCode() != 6 {
		t.Fatalf("classified: %#v", err)
	}
	_, err = c.Resolve(context.Background(), &ResolveRequest{Profile: "coded"})
	if !errors.As(err, &e) || e.Message != "denied" || e.Hint() != "try again" || e.ExitCode() != 4 {
		t.Fatalf("an *Error as is: %#v", err)
	}
}

// TestIncompleteAnswer: the client checks every response once, so callers
// never see a half answer.
func TestIncompleteAnswer(t *testing.T) {
	c, _ := testClient(t, "serve")
	_, err := c.Resolve(context.Background(), &ResolveRequest{Profile: "empty"})
	if err == nil || err.Error() != "assume-aws answered without credentials" {
		t.Fatalf("err %v", err)
	}
}

func TestAssumeAWSDies(t *testing.T) {
	c, _ := testClient(t, "serve")
	_, err := c.Resolve(context.Background(), &ResolveRequest{Profile: "crash"})
	if err == nil || !strings.Contains(err.Error(), "assume-aws failed") {
		t.Fatalf("err %v", err)
	}
}

func TestFindPrefersEnv(t *testing.T) {
	p, err := Find(func(k string) string {
		if k == "ASSUME_AWS_HELPER" {
			return "/opt/x/assume-aws"
		}
		return ""
	})
	if err != nil || p != "/opt/x/assume-aws" {
		t.Fatalf("Find = %q, %v", p, err)
	}
}

func TestClientFindsOnce(t *testing.T) {
	n := 0
	c := &Client{Getenv: func(string) string { n++; return "/opt/assume-aws" }}
	for range 3 {
		if p, err := c.Path(); err != nil || p != "/opt/assume-aws" {
			t.Fatal(p, err)
		}
	}
	if n != 1 {
		t.Errorf("looked %d times", n)
	}
}

// TestHandOffAsChild: with streams that are not the process's own, the
// hand-off runs assume-aws as a child: the request arrives on the private
// channel, never in argv, and the child's exit status is returned.
func TestHandOffAsChild(t *testing.T) {
	c, out := testClient(t, "handoff")
	status, err := c.HandOff([]string{"exec", "--", "aws"}, &ResolveRequest{Profile: "dev", MFAToken: "123456"})
	if err != nil {
		t.Fatal(err)
	}
	if status != 3 || out.String() != "profile=dev mfa=123456 args=exec,--,aws\n" {
		t.Errorf("status %d, output %q", status, out)
	}
}

func TestHandOffKilledBySignal(t *testing.T) {
	c, _ := testClient(t, "handoff")
	status, err := c.HandOff([]string{"endpoint"}, &ResolveRequest{Profile: "kill"})
	if err != nil || status != 128+int(syscall.SIGTERM) {
		t.Fatalf("status %d, %v; want 128+SIGTERM", status, err)
	}
}

func TestHandOffWithoutRequest(t *testing.T) {
	c, out := testClient(t, "plain")
	status, err := c.HandOff([]string{"sso", "login"}, nil)
	if err != nil || status != 7 || out.String() != "args=sso,login\n" {
		t.Fatalf("status %d, %v, %q", status, err, out)
	}
}

// TestHandOffNotByHand: without the channel, the server side says who
// starts it.
func TestHandOffNotByHand(t *testing.T) {
	c, out := testClient(t, "handoff")
	c.Env = append(c.Env, "AWSPROC_TEST_CLOSE3=1")
	status, err := c.HandOff([]string{"exec"}, nil)
	if err != nil || status != 2 || out.String() != "assume-aws is started by assume, not by hand\n" {
		t.Fatalf("status %d, %v, %q", status, err, out)
	}
}

func TestBadRequests(t *testing.T) {
	h := testHandlers()
	big := `{"op":"resolve","request":{"profile":"` + strings.Repeat("x", MaxMessage) + `"}}`
	for _, tt := range []struct{ in, want string }{
		{``, "the request is empty"},
		{`{"op":`, "the request is not JSON (offset 6)"},
		{`[1]`, "the request is not a JSON object (array)"},
		{`{"op":"resolve"}`, "the resolve request is empty"},
		{`{"op":"resolve","request":{"profile":7}}`, `the resolve request: field "profile" has the wrong type (number)`},
		{`{"request":{}}`, "the request names no operation"},
		{`{"op":"SECRET-like op","request":{}}`, "assume-aws does not know the operation (unnamed)"},
		{big, "the request is larger than 1048576 bytes"},
	} {
		resp := h.handle(context.Background(), strings.NewReader(tt.in))
		if resp.Error == nil || resp.Error.Message != tt.want || resp.Result != nil {
			t.Errorf("%.40q: %+v, want %q", tt.in, resp.Error, tt.want)
		}
	}
	if _, err := decodeHandOff(strings.NewReader(`{"op":"resolve","request":{}}`)); err == nil ||
		err.Error() != `the request is for the operation "resolve", not a hand-off` {
		t.Errorf("hand-off of an operation: %v", err)
	}
}

func TestBadAnswers(t *testing.T) {
	big := `{"result":{"url":"` + strings.Repeat("x", MaxMessage) + `"}}`
	for _, tt := range []struct{ in, want string }{
		{``, "the answer of assume-aws is empty"},
		{`{"result":`, "the answer of assume-aws is not JSON (offset 10)"},
		{`{}`, "assume-aws answered without a sign-in URL"},
		{`{"result":null}`, "assume-aws answered without a sign-in URL"},
		{`{"result":{"url":""}}`, "assume-aws answered without a sign-in URL"},
		{`{"result":{"url":1}}`, `the answer of assume-aws: field "url" has the wrong type (number)`},
		{`{"error":{}}`, "assume-aws failed without a message"},
		{big, "the answer of assume-aws is larger than 1048576 bytes"},
	} {
		_, err := parseResponse[ConsoleResponse](strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%.40q: %v, want %q", tt.in, err, tt.want)
		}
	}
}
