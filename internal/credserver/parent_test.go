package credserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// helperEnv switches the test binary into a helper process (see TestMain).
const helperEnv = "CREDSERVER_TEST_HELPER"

// TestMain lets TestStopWhenParentDiesProcess build a real process tree:
//
//	CREDSERVER_TEST_HELPER=middle DIR=...  start a "watch" child, then sleep until killed
//	CREDSERVER_TEST_HELPER=watch  DIR=...  StopWhenParentDies; create DIR/ready; on stop write DIR/stopped
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "middle":
		exe, _ := os.Executable()
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=watch")
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		time.Sleep(30 * time.Second) // until killed
		os.Exit(0)
	case "watch":
		dir := os.Getenv("DIR")
		ctx, cancel := StopWhenParentDies(context.Background())
		defer cancel()
		os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
		select {
		case <-ctx.Done():
			os.WriteFile(filepath.Join(dir, "stopped"), []byte(context.Cause(ctx).Error()), 0o600)
		case <-time.After(30 * time.Second):
		}
		os.Exit(0)
	default:
		os.Exit(2)
	}
}

func TestPollParent(t *testing.T) {
	tests := []struct {
		name     string
		ppids    []int // successive getppid answers; the last repeats
		wantGone bool
	}{
		{"parent stays", []int{42}, false},
		{"reparented to init", []int{42, 42, 1}, true},
		{"reparented to a subreaper", []int{42, 42, 42, 977}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var i atomic.Int32
			getppid := func() int {
				n := int(i.Add(1)) - 1
				return tt.ppids[min(n, len(tt.ppids)-1)]
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			gone := make(chan struct{})
			pollParent(ctx, func() { close(gone) }, time.Millisecond, getppid)
			select {
			case <-gone:
				if !tt.wantGone {
					t.Fatal("parent reported gone")
				}
			case <-time.After(200 * time.Millisecond):
				if tt.wantGone {
					t.Fatal("parent change not noticed")
				}
			}
		})
	}
}

func TestStopWhenParentDiesCancel(t *testing.T) {
	ctx, cancel := StopWhenParentDies(context.Background())
	cancel()
	<-ctx.Done()
	if cause := context.Cause(ctx); errors.Is(cause, ErrParentExited) {
		t.Errorf("cause %v after cancel", cause)
	}
}

func TestStopWhenParentDiesProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" || runtime.GOOS == "plan9" {
		t.Skip("Unix process tree test")
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	middle := exec.Command(exe, "-test.run=^$")
	middle.Env = append(os.Environ(), helperEnv+"=middle", "DIR="+dir)
	middle.Stderr = os.Stderr
	if err := middle.Start(); err != nil {
		t.Fatal(err)
	}
	defer middle.Process.Kill()
	waitForFile(t, filepath.Join(dir, "ready"))
	if err := middle.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	middle.Wait()
	b := waitForFile(t, filepath.Join(dir, "stopped"))
	if string(b) != ErrParentExited.Error() {
		t.Errorf("stopped with %q, want %q", b, ErrParentExited)
	}
}

// waitForFile waits up to 10 s for path and returns its content.
func waitForFile(t *testing.T, path string) []byte {
	t.Helper()
	for range 1000 {
		if b, err := os.ReadFile(path); err == nil {
			return b
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return nil
}

func TestStopWhenShellExits(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sleep")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := StopWhenShellExits(context.Background(), cmd.Process.Pid, 20*time.Millisecond)
	defer stop()
	select {
	case <-ctx.Done():
		t.Fatal("stopped while the shell runs")
	case <-time.After(100 * time.Millisecond):
	}
	cmd.Process.Kill()
	cmd.Wait()
	select {
	case <-ctx.Done():
		if !errors.Is(context.Cause(ctx), ErrShellExited) {
			t.Fatalf("cause %v", context.Cause(ctx))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the shell's exit was not noticed")
	}
	// A zombie (exited, not reaped) counts as gone.
	z := exec.Command("sh", "-c", "exit 0")
	if err := z.Start(); err != nil {
		t.Fatal(err)
	}
	defer z.Wait()
	for deadline := time.Now().Add(2 * time.Second); processRuns(z.Process.Pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a zombie counts as running")
		}
	}
	// No PID (unset ASSUME_SHELL_PID) watches nothing.
	ctx2, stop2 := StopWhenShellExits(context.Background(), 0, time.Millisecond)
	defer stop2()
	select {
	case <-ctx2.Done():
		t.Fatal("stopped without a shell to watch")
	case <-time.After(50 * time.Millisecond):
	}
}
