package creds

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/sso"
)

// TestErrorsAreTypedOneLineAndSecretFree drives every AWS failure a user can
// meet through Get and checks the error type, its one line, and its hint.
func TestErrorsAreTypedOneLineAndSecretFree(t *testing.T) {
	roleARN := "arn:aws:iam::111122223333:role/Admin"
	tests := []struct {
		name       string
		status     int
		code, msg  string
		check      func(t *testing.T, err error)
		wantInLine []string
	}{
		{"access denied", 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: " + roleARN,
			func(t *testing.T, err error) {
				var e *AccessDeniedError
				if !errors.As(err, &e) || e.Role != roleARN || e.Profile != "admin" {
					t.Fatalf("%#v", err)
				}
			}, []string{roleARN, "arn:aws:iam::123456789012:user/alice", `"admin"`}},
		{"invalid key id", 403, "InvalidClientTokenId", "The security token included in the request is invalid.",
			func(t *testing.T, err error) {
				var e *InvalidCredentialsError
				if !errors.As(err, &e) || e.Profile != "base" || !strings.Contains(e.Hint(), "/home/u/.aws/credentials:2") {
					t.Fatalf("%#v hint %q", err, HintOf(err))
				}
			}, []string{`"base"`, baseKeyID, "rejected"}},
		{"bad secret", 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.",
			func(t *testing.T, err error) {
				var e *InvalidCredentialsError
				if !errors.As(err, &e) || e.ClockSkew {
					t.Fatalf("%#v", err)
				}
			}, []string{`"base"`}},
		{"clock skew", 403, "SignatureDoesNotMatch", "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z (20240101T002500Z - 15 min.)",
			func(t *testing.T, err error) {
				var e *InvalidCredentialsError
				if !errors.As(err, &e) || !e.ClockSkew || !strings.Contains(e.Hint(), "clock") {
					t.Fatalf("%#v", err)
				}
			}, []string{"clock"}},
		{"expired session", 403, "ExpiredToken", "The security token included in the request is expired",
			func(t *testing.T, err error) {
				var e *ExpiredCredentialsError
				if !errors.As(err, &e) || e.Profile != "base" {
					t.Fatalf("%#v", err)
				}
			}, []string{`"base"`, "expired"}},
		{"validation", 400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
			func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.Code != "ValidationError" || !strings.Contains(e.Hint(), "--duration") {
					t.Fatalf("%#v", err)
				}
			}, []string{"MaxSessionDuration", `"admin"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			f.hook = func(c stsCall, _ int) (int, string) {
				if c.Action == "AssumeRole" {
					return stsError(tc.status, tc.code, tc.msg)
				}
				return 0, ""
			}
			base := staticStep("base")
			base.SessionToken = valAt(baseToken, "/home/u/.aws/credentials", 4)
			base.AccessKeyID = valAt(baseKeyID, "/home/u/.aws/credentials", 2)
			// The caller's identity is known (cached from an earlier run).
			o := testOpts(f, nil)
			o.Cache = newCache(t)
			o.Cache.PutIdentity(baseKeyID, &identity{ARN: "arn:aws:iam::123456789012:user/alice", AccountID: "123456789012"})
			var dbg bytes.Buffer
			o.Debug = &dbg
			_, err := Get(context.Background(), plan("admin", base, roleStep("admin", roleARN)), o)
			if err == nil {
				t.Fatal("no error")
			}
			tc.check(t, err)
			line := err.Error()
			if strings.ContainsAny(line, "\n\r") || line != strings.TrimSpace(line) || strings.HasSuffix(line, ".") {
				t.Errorf("not one clean line: %q", line)
			}
			for _, want := range tc.wantInLine {
				if !strings.Contains(line, want) {
					t.Errorf("error %q does not mention %q", line, want)
				}
			}
			if HintOf(err) == "" {
				t.Errorf("no hint for %q", line)
			}
			assertNoSecrets(t, "error", line)
			assertNoSecrets(t, "hint", HintOf(err))
			assertNoSecrets(t, "debug", dbg.String())
		})
	}
}

func TestUnreachableEndpointFailsWithinTimeout(t *testing.T) {
	// A listener that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	// A port with nothing listening.
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := "http://" + closed.Addr().String()
	closed.Close()

	tests := []struct {
		name, endpoint string
		timeout        bool
	}{
		{"no answer", "http://" + ln.Addr().String(), true},
		{"connection refused", refused, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := testOpts(nil, nil)
			o.Endpoint = tc.endpoint
			o.Timeout = 300 * time.Millisecond
			r := roleStep("dev", "arn:aws:iam::1:role/Dev")
			r.RoleSessionName = val("me")
			start := time.Now()
			_, err := Get(context.Background(), plan("dev", staticStep("base"), r), o)
			elapsed := time.Since(start)
			var ne *NetworkError
			if !errors.As(err, &ne) {
				t.Fatalf("err = %#v", err)
			}
			if !strings.Contains(err.Error(), tc.endpoint) {
				t.Errorf("error %q does not name the endpoint %s", err, tc.endpoint)
			}
			if tc.timeout && ne.Timeout != 300*time.Millisecond {
				t.Errorf("Timeout = %v", ne.Timeout)
			}
			if !tc.timeout && !strings.Contains(err.Error(), "refused") {
				t.Errorf("error %q does not say refused", err)
			}
			// Bounded by the timeout (plus scheduling slack), not by
			// attempts × timeout.
			if elapsed > 300*time.Millisecond+2*time.Second {
				t.Errorf("took %v with a 300ms timeout", elapsed)
			}
			if HintOf(err) == "" {
				t.Error("no hint")
			}
		})
	}
}

func TestHTTPTimeoutFromEnvironment(t *testing.T) {
	tests := []struct {
		env     string
		want    time.Duration
		wantErr bool
	}{
		{"", DefaultTimeout, false},
		{"2s", 2 * time.Second, false},
		{"250ms", 250 * time.Millisecond, false},
		{"abc", 0, true},
		{"-1s", 0, true},
	}
	for _, tc := range tests {
		o := Options{Resolver: Resolver{Getenv: func(k string) string {
			if k == "ASSUME_HTTP_TIMEOUT" {
				return tc.env
			}
			return ""
		}}}
		got, err := o.timeout()
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ASSUME_HTTP_TIMEOUT=%q: %v, %v", tc.env, got, err)
		}
	}
	o := Options{Resolver: Resolver{Timeout: time.Second, Getenv: func(string) string { return "5s" }}}
	if got, _ := o.timeout(); got != time.Second {
		t.Errorf("Options.Timeout should win over the environment, got %v", got)
	}
}

func TestPlanValidation(t *testing.T) {
	role := roleStep("r", "arn:aws:iam::1:role/R")
	tests := []struct {
		name string
		plan *chain.Plan
	}{
		{"nil", nil},
		{"no steps", plan("x")},
		{"starts with a role", plan("x", role)},
		{"source in the middle", plan("x", staticStep("a"), staticStep("b"))},
	}
	for _, tc := range tests {
		if _, err := Get(context.Background(), tc.plan, testOpts(nil, nil)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(base, role *chain.Step)
		opts   func(*Options)
		want   string
	}{
		{"duration_seconds not a number", func(_, r *chain.Step) { r.DurationSeconds = valAt("1h", "/c", 7) }, nil, "duration_seconds"},
		{"duration_seconds too small", func(_, r *chain.Step) { r.DurationSeconds = val("60") }, nil, "between 900 and 43200"},
		{"--duration too long", nil, func(o *Options) { o.Duration = 13 * time.Hour }, "--duration"},
		{"empty secret", func(b, _ *chain.Step) { b.SecretAccessKey = val("") }, nil, "aws_secret_access_key"},
		{"empty role", func(_, r *chain.Step) { r.RoleARN = val("") }, nil, "role_arn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSTS(t)
			base, role := staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev")
			role.RoleSessionName = val("me")
			if tc.mutate != nil {
				tc.mutate(&base, &role)
			}
			o := testOpts(f, nil)
			if tc.opts != nil {
				tc.opts(&o)
			}
			_, err := Get(context.Background(), plan("dev", base, role), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if f.count("AssumeRole") != 0 {
				t.Fatal("called STS with a bad configuration")
			}
		})
	}
}

// An SSO step without a cached token and without a way to sign in asks the
// user to log in, naming the command.
func TestSSOLoginRequired(t *testing.T) {
	st := chain.Step{Kind: chain.KindSSO, Profile: "sso", SSOSession: val("corp"),
		SSOStartURL: val("https://d-1234567890.awsapps.com/start"), SSORegion: val("us-east-1"),
		SSOAccountID: val("111111111111"), SSORoleName: val("Admin")}
	opts := testOpts(nil, nil)
	env := map[string]string{"HOME": t.TempDir()}
	opts.Getenv = func(k string) string { return env[k] }
	_, err := Get(context.Background(), plan("sso", st), opts)
	var e *sso.LoginRequiredError
	if !errors.As(err, &e) || !strings.Contains(HintOf(err), "assume sso login --sso-session corp") {
		t.Fatalf("err = %v, hint %q", err, HintOf(err))
	}
}

func TestHintOfWrapped(t *testing.T) {
	err := errors.Join(errors.New("x"))
	if HintOf(err) != "" {
		t.Fatal("hint from nothing")
	}
	wrapped := &SourceError{Profile: "p", Source: "s", Problem: "q", Err: &MFARequiredError{Profile: "p", Serial: "s"}}
	if HintOf(wrapped) == "" {
		t.Fatal("hint not found through Unwrap")
	}
}
