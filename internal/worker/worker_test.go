package worker

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary play the worker: with WORKER_TEST_SERVE set
// it serves one request the way assume-aws does.
func TestMain(m *testing.M) {
	if os.Getenv("WORKER_TEST_SERVE") != "" {
		err := Serve(context.Background(), func(_ context.Context, req *Request) *Response {
			os.Stdout.WriteString("worker stdout is the caller's\n")
			switch req.Profile {
			case "fail":
				return &Response{Error: &Error{Message: "no such luck", Hints: []string{"try again"}, Code: 4}}
			case "crash":
				os.Exit(3)
			}
			return &Response{FromCache: req.Refresh, Credentials: &Credentials{
				AccessKeyID: "ASIA" + req.Profile, SecretAccessKey: "s3cr3t", SessionToken: req.MFAToken,
				Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
			}}
		})
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func call(t *testing.T, req *Request) (*Response, string, error) {
	t.Helper()
	var out bytes.Buffer
	env := append(os.Environ(), "WORKER_TEST_SERVE=1")
	resp, err := Call(context.Background(), os.Args[0], req, strings.NewReader(""), &out, &out, env)
	return resp, out.String(), err
}

func TestCallRoundTrip(t *testing.T) {
	resp, out, err := call(t, &Request{Op: OpResolve, Profile: "dev", MFAToken: "123456", Refresh: true})
	if err != nil {
		t.Fatal(err)
	}
	c := resp.Credentials
	if c.AccessKeyID != "ASIAdev" || c.SecretAccessKey != "s3cr3t" || c.SessionToken != "123456" ||
		!c.Expiration.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) || !resp.FromCache {
		t.Errorf("response %+v", resp)
	}
	if out != "worker stdout is the caller's\n" {
		t.Errorf("worker's own output %q", out)
	}
}

func TestCallError(t *testing.T) {
	_, _, err := call(t, &Request{Op: OpResolve, Profile: "fail"})
	var we *Error
	if !errors.As(err, &we) || we.Message != "no such luck" || we.Hint() != "try again" || we.ExitCode() != 4 {
		t.Fatalf("err %#v", err)
	}
}

func TestCallWorkerDies(t *testing.T) {
	_, _, err := call(t, &Request{Op: OpResolve, Profile: "crash"})
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
