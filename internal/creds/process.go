package creds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/chain"
)

// maxProcessOutput bounds what a credential_process may print.
const maxProcessOutput = 1 << 20

// process runs a credential_process through the shell, with stdin and stderr
// inherited (so it can prompt and report) and stdout captured.
func (r *runner) process(st *chain.Step) (*cred, error) {
	where := st.CredentialProcess.Where()
	perr := func(problem string) error {
		return &ProcessError{Profile: st.Profile, Where: where, ExitCode: -1, Problem: problem}
	}
	command := strings.TrimSpace(st.CredentialProcess.Text)
	if command == "" {
		return nil, perr("the command is empty")
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.opts.ProcessTimeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd.exe", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", command)
	}
	var stdout limitedBuffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r.opts.Stdin, &stdout, r.opts.Stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	err := cmd.Run()
	r.dbg.Printf("credential_process of profile %q ran for %s", st.Profile, time.Since(start).Round(time.Millisecond))
	if ctx.Err() == context.DeadlineExceeded {
		return nil, &ProcessError{Profile: st.Profile, Where: where, ExitCode: -1, Timeout: r.opts.ProcessTimeout}
	}
	if r.ctx.Err() != nil {
		return nil, r.ctx.Err()
	}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return nil, &ProcessError{Profile: st.Profile, Where: where, ExitCode: exitErr.ExitCode()}
	case err != nil && stdout.overflow:
		return nil, perr(fmt.Sprintf("printed more than %d bytes", maxProcessOutput))
	case err != nil:
		return nil, perr("could not run it: " + unwrapPathError(err).Error())
	}
	pc, err := ParseProcessOutput(stdout.Bytes(), r.opts.Now())
	if err != nil {
		return nil, perr(err.Error())
	}
	r.dbg.Secret(pc.SecretAccessKey, pc.SessionToken)
	c := &cred{Credentials: pc.Credentials, kind: chain.KindProcess, profile: st.Profile, account: pc.AccountID}
	if c.SessionToken == "" {
		c.longTerm, c.role = true, no
	}
	return c, nil
}

// limitedBuffer collects up to maxProcessOutput bytes and then fails writes.
type limitedBuffer struct {
	bytes.Buffer
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxProcessOutput {
		b.overflow = true
		return 0, errors.New("credential_process output too large")
	}
	return b.Buffer.Write(p)
}

// ProcessCredentials is the parsed output of a credential_process.
type ProcessCredentials struct {
	Credentials
	AccountID string
}

// ParseProcessOutput validates the JSON a credential_process printed
// (Version 1: AccessKeyId, SecretAccessKey, optional SessionToken,
// Expiration and AccountId). Field names are matched exactly and types
// strictly. Credentials that expired before now are refused. Errors describe
// the problem without quoting the output, which holds secrets.
func ParseProcessOutput(b []byte, now time.Time) (*ProcessCredentials, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil || fields == nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("output is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("output is not valid JSON (it ends before the object is complete)")
		}
		return nil, errors.New("output is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("output has more after the JSON object")
	}
	str := func(name string, required bool) (string, error) {
		raw, ok := fields[name]
		if !ok || string(raw) == "null" {
			if required {
				return "", fmt.Errorf("output has no %s", name)
			}
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("field %s of the output is not a string", name)
		}
		if required && strings.TrimSpace(s) == "" {
			return "", fmt.Errorf("field %s of the output is empty", name)
		}
		return s, nil
	}
	v, ok := fields["Version"]
	if !ok {
		return nil, errors.New("output has no Version (it must be 1)")
	}
	if string(bytes.TrimSpace(v)) != "1" {
		return nil, errors.New("output has an unsupported Version (it must be the number 1)")
	}
	var pc ProcessCredentials
	var err error
	if pc.AccessKeyID, err = str("AccessKeyId", true); err != nil {
		return nil, err
	}
	if pc.SecretAccessKey, err = str("SecretAccessKey", true); err != nil {
		return nil, err
	}
	if pc.SessionToken, err = str("SessionToken", false); err != nil {
		return nil, err
	}
	if pc.AccountID, err = str("AccountId", false); err != nil {
		return nil, err
	}
	exp, err := str("Expiration", false)
	if err != nil {
		return nil, err
	}
	if exp != "" {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return nil, errors.New("field Expiration of the output is not an RFC 3339 time such as 2030-01-01T00:00:00Z")
		}
		if !t.After(now) {
			return nil, fmt.Errorf("output holds credentials that expired at %s", t.UTC().Format(time.RFC3339))
		}
		pc.Expiration = t
	}
	return &pc, nil
}
