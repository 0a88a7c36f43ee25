//go:build !windows

package sigrelay

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   int
	}{
		{"exit 0", 0},
		{"exit 3", 3},
		{"kill -TERM $$", 128 + int(syscall.SIGTERM)},
		{"kill -KILL $$", 128 + int(syscall.SIGKILL)},
	} {
		got, err := Run(exec.Command("/bin/sh", "-c", tt.script))
		if err != nil || got != tt.want {
			t.Errorf("%s: %d, %v; want %d", tt.script, got, err, tt.want)
		}
	}
}

func TestRunCannotStart(t *testing.T) {
	if _, err := Run(exec.Command("/nonexistent/command")); err == nil {
		t.Fatal("no error")
	}
	if Active() {
		t.Error("still active")
	}
}

// TestRelaysSignals: a signal sent to this process alone reaches the
// child, whose death by it is the status; while it runs, Active is set.
func TestRelaysSignals(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "trap 'exit 42' USR1; while :; do sleep 0.05; done")
	go func() {
		for !Active() {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // the trap is set
		syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	}()
	got, err := Run(cmd)
	if err != nil || got != 42 {
		t.Fatalf("status %d, %v; want 42 (the child's trap)", got, err)
	}
	if Active() {
		t.Error("still active")
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	tests := []struct {
		name string
		code int
		msg  string
	}{
		{"sh", 0, ""},
		{"no-such-command-xyz", NotFound, `cannot run "no-such-command-xyz": not found on PATH`},
		{filepath.Join(dir, "missing"), NotFound, "no such file"},
		{noexec, CannotRun, "permission denied"},
	}
	for _, tt := range tests {
		_, code, err := LookPath(tt.name)
		if code != tt.code || (tt.msg == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("%s: code %d, err %v", tt.name, code, err)
		}
	}
}
