//go:build !windows

package creds

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/chain"
)

// runProcess runs command as the credential_process of profile "proc".
func runProcess(t *testing.T, command string, edit func(*Options)) (*Result, error, string) {
	t.Helper()
	st := chain.Step{Kind: chain.KindProcess, Profile: "proc", CredentialProcess: valAt(command, "/home/u/.aws/config", 5)}
	o := testOpts(nil, nil)
	var stderr bytes.Buffer
	o.Stderr = &stderr
	if edit != nil {
		edit(&o)
	}
	res, err := Get(context.Background(), plan("proc", st), o)
	return res, err, stderr.String()
}

func goodProcessJSON() string {
	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	return fmt.Sprintf(`{"Version":1,"AccessKeyId":"ASIAPROC","SecretAccessKey":"proc%s1","SessionToken":"proc%s1","Expiration":%q}`, secretMarker, tokenMarker, exp)
}

func wantProcessError(t *testing.T, err error, want string) {
	t.Helper()
	var pe *ProcessError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want ProcessError with %q", err, want)
	}
	assertNoSecrets(t, "error", err.Error())
}

// The 1 MiB cap on stdout holds for real: os/exec copies into a writer with
// io.Copy, which used the ReadFrom of an embedded bytes.Buffer and so never
// called the counting Write.
func TestProcessStdoutCap(t *testing.T) {
	t.Run("large JSON", func(t *testing.T) {
		cmd := `printf '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"'; head -c 3000000 /dev/zero | tr '\0' x; printf '"}'`
		_, err, _ := runProcess(t, cmd, nil)
		wantProcessError(t, err, "printed more than 1024 KiB on stdout")
	})
	t.Run("endless output", func(t *testing.T) {
		start := time.Now()
		_, err, _ := runProcess(t, "exec yes", func(o *Options) { o.ProcessTimeout = 20 * time.Second })
		wantProcessError(t, err, "printed more than 1024 KiB on stdout")
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %s: the helper was not stopped when its output passed the cap", d)
		}
	})
	t.Run("just under the cap", func(t *testing.T) {
		// Valid JSON padded with white space to nearly 1 MiB is accepted.
		cmd := `printf '%s' '` + goodProcessJSON() + `'; head -c 1000000 /dev/zero | tr '\0' ' '`
		if _, err, _ := runProcess(t, cmd, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// A value that could not be exported (an environment string is limited to
// 128 KiB) is refused, so it is neither cached nor exported.
func TestProcessValueCap(t *testing.T) {
	for _, field := range []string{"AccessKeyId", "SecretAccessKey", "SessionToken", "AccountId", "Expiration"} {
		t.Run(field, func(t *testing.T) {
			fields := map[string]string{"AccessKeyId": "A", "SecretAccessKey": "S", field: strings.Repeat("v", 200<<10)}
			in := `{"Version":1`
			for k, v := range fields {
				in += fmt.Sprintf(",%q:%q", k, v)
			}
			in += "}"
			_, err := ParseProcessOutput([]byte(in), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			want := "field " + field + " of the output is 204800 bytes long, more than the 32 KiB"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("err = %v, want %q", err, want)
			}
		})
	}
	// The limit itself is allowed.
	in := fmt.Sprintf(`{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":%q}`, strings.Repeat("t", maxProcessValue))
	if _, err := ParseProcessOutput([]byte(in), time.Now()); err != nil {
		t.Fatal(err)
	}
	cmd := `printf '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"'; head -c 204800 /dev/zero | tr '\0' t; printf '"}'`
	_, err, _ := runProcess(t, cmd, nil)
	wantProcessError(t, err, "SessionToken of the output is 204800 bytes long")
}

// The error output of a helper is relayed, but at most stderrHead bytes
// from its start and stderrTail from its end, with a note of the cut.
func TestProcessStderrBounded(t *testing.T) {
	cmd := `echo FIRSTLINE >&2; head -c 5000000 /dev/zero | tr '\0' e >&2; echo LASTLINE >&2; printf '%s' '` + goodProcessJSON() + `'`
	if _, err, stderr := runProcess(t, cmd, nil); err != nil {
		t.Fatal(err)
	} else {
		if len(stderr) > stderrHead+stderrTail+300 {
			t.Errorf("relayed %d bytes of stderr", len(stderr))
		}
		for _, want := range []string{"FIRSTLINE", "LASTLINE", "bytes of the credential_process's error output cut"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q", want)
			}
		}
		if !strings.HasSuffix(stderr, "LASTLINE\n") {
			t.Errorf("the tail is not last: %q", stderr[len(stderr)-40:])
		}
	}
	// Short error output passes as it is.
	_, err, stderr := runProcess(t, "echo 'token service down' >&2; exit 3", nil)
	wantProcessError(t, err, "exited with status 3")
	if stderr != "token service down\n" {
		t.Errorf("stderr %q", stderr)
	}
}

// alive reports whether pid runs; a zombie (killed, not yet reaped by
// init) does not.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust kill
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(path)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pid in %s", path)
		}
	}
}

func waitGone(t *testing.T, pid int, what string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); alive(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("%s (pid %d) still runs", what, pid)
		}
	}
}

// At the deadline the helper and the processes it started are killed.
func TestProcessTimeoutKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	cmd := `sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ` + pidFile + `; exec sleep 30`
	start := time.Now()
	_, err, _ := runProcess(t, cmd, func(o *Options) { o.ProcessTimeout = 300 * time.Millisecond })
	wantProcessError(t, err, "did not finish within 300ms")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	waitGone(t, readPid(t, pidFile), "the helper's child")
}

// ASSUME_PROCESS_TIMEOUT changes the default of one minute.
func TestProcessTimeoutEnv(t *testing.T) {
	env := func(v string) func(*Options) {
		return func(o *Options) {
			o.Getenv = func(k string) string {
				if k == ProcessTimeoutEnv {
					return v
				}
				return ""
			}
		}
	}
	_, err, _ := runProcess(t, "exec sleep 5", env("250ms"))
	wantProcessError(t, err, "did not finish within 250ms")
	_, err, _ = runProcess(t, "exec sleep 5", env("soon"))
	wantProcessError(t, err, `ASSUME_PROCESS_TIMEOUT="soon" is not a positive duration`)
	if h := err.(interface{ Hint() string }).Hint(); !strings.Contains(h, "unset ASSUME_PROCESS_TIMEOUT") {
		t.Errorf("hint %q", h)
	}
	if d, _ := processTimeout(0, func(string) string { return "" }); d != time.Minute {
		t.Errorf("default %s", d)
	}
}

// A helper that prints valid JSON and exits 0 while a background process it
// started keeps stdout open is used, and the background process stopped;
// before, its output was thrown away with "WaitDelay expired".
func TestProcessBackgroundChildHoldsOutput(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Run("valid JSON", func(t *testing.T) {
		cmd := `sleep 100 & echo $! > ` + pidFile + `; printf '%s' '` + goodProcessJSON() + `'`
		start := time.Now()
		var dbg bytes.Buffer
		res, err, _ := runProcess(t, cmd, func(o *Options) { o.Debug = &dbg })
		if err != nil {
			t.Fatal(err)
		}
		if res.AccessKeyID != "ASIAPROC" {
			t.Fatalf("res %v", res)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %s", d)
		}
		waitGone(t, readPid(t, pidFile), "the background process")
		if !strings.Contains(dbg.String(), "kept its output open") {
			t.Errorf("debug log does not say what happened:\n%s", dbg.String())
		}
	})
	t.Run("invalid JSON", func(t *testing.T) {
		_, err, _ := runProcess(t, `sleep 100 & echo $! > `+pidFile+`; echo nope`, nil)
		wantProcessError(t, err, "; it exited, and a background process it started kept its output open and was stopped")
		waitGone(t, readPid(t, pidFile), "the background process")
	})
	t.Run("holding stderr", func(t *testing.T) {
		cmd := `sleep 100 >/dev/null & printf '%s' '` + goodProcessJSON() + `'`
		if _, err, _ := runProcess(t, cmd, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("failing", func(t *testing.T) {
		_, err, _ := runProcess(t, `sleep 100 & exit 4`, nil)
		wantProcessError(t, err, "exited with status 4")
	})
}

// With a terminal the helper keeps the terminal's process group (so that
// it can prompt through /dev/tty); the deadline then kills it and the
// processes below it, found in /proc.
func TestKillTreeWithoutGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	cmd := exec.Command("sh", "-c", `sh -c 'sleep 30 & echo $! > `+pidFile+`; wait' & wait`)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	grandchild := readPid(t, pidFile)
	if ds := descendants(cmd.Process.Pid); len(ds) < 2 {
		t.Fatalf("descendants %v, want the inner sh and sleep", ds)
	}
	killGroup(cmd, false)
	cmd.Wait()
	waitGone(t, grandchild, "the helper's grandchild")
}
