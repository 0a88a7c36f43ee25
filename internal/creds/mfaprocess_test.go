//go:build !windows

package creds

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/exitcode"
)

// mfaProcessRun runs command as the mfa_process of profile "r".
func mfaProcessRun(t *testing.T, command string, timeout time.Duration) (string, error, string) {
	t.Helper()
	o := testOpts(nil, nil)
	var stderr, debug bytes.Buffer
	o.Stderr, o.Debug, o.ProcessTimeout = &stderr, &debug, timeout
	o.fill()
	r := newRunner(context.Background(), nil, o, newDebug(o.Debug))
	st := &chain.Step{Kind: chain.KindAssumeRole, Profile: "r", MFASerial: valAt("arn:aws:iam::111111111111:mfa/u", "", 0),
		MFAProcess: valAt(command, "/home/u/.aws/config", 7)}
	code, err := r.mfaProcess(st)
	if strings.Contains(debug.String(), "135790") {
		t.Errorf("the code is in the debug trace: %s", debug.String())
	}
	return code, err, stderr.String()
}

func TestMFAProcess(t *testing.T) {
	code, err, _ := mfaProcessRun(t, "echo 135790", time.Minute)
	if err != nil || code != "135790" {
		t.Fatalf("code %q, %v", code, err)
	}
	for _, tc := range []struct {
		command, want, stderr string
		timeout               time.Duration
	}{
		{"echo locked >&2; exit 3", `mfa_process of profile "r" exited with status 3 (its error output is shown above)`, "locked\n", time.Minute},
		{"sleep 10", `mfa_process of profile "r" did not finish within 200ms`, "", 200 * time.Millisecond},
		{"echo secret-garbage", `mfa_process of profile "r": printed no 6-digit MFA code`, "", time.Minute},
		{"echo 1234567", `mfa_process of profile "r": printed no 6-digit MFA code`, "", time.Minute},
		{"/nonexistent/otp", `mfa_process of profile "r" exited with status 127`, "", time.Minute},
	} {
		start := time.Now()
		_, err, stderr := mfaProcessRun(t, tc.command, tc.timeout)
		var he *MFAHelperError
		if !errors.As(err, &he) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.command, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "garbage") {
			t.Errorf("%q: the error quotes the output: %v", tc.command, err)
		}
		if tc.stderr != "" && stderr != tc.stderr {
			t.Errorf("%q: stderr %q, want %q", tc.command, stderr, tc.stderr)
		}
		if exitcode.Of(err) != exitcode.Failure {
			t.Errorf("%q: exit code %d", tc.command, exitcode.Of(err))
		}
		if !strings.Contains(he.Hint(), "/home/u/.aws/config:7") {
			t.Errorf("%q: hint %q", tc.command, he.Hint())
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%q took %s", tc.command, time.Since(start))
		}
	}
}
