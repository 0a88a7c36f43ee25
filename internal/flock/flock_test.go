package flock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// helperEnv switches the test binary into a helper process (see TestMain).
const helperEnv = "FLOCK_TEST_HELPER"

// TestMain lets the tests re-execute the test binary as a real, separate
// process that contends for a lock:
//
//	FLOCK_TEST_HELPER=contend LOCK=... LOG=... N=...  append N critical sections to LOG
//	FLOCK_TEST_HELPER=hold    LOCK=... READY=...      take the lock, create READY, sleep
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "contend":
		n, _ := strconv.Atoi(os.Getenv("N"))
		if err := contend(os.Getenv("LOCK"), os.Getenv("LOG"), n); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "hold":
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := Lock(ctx, os.Getenv("LOCK")); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(os.Getenv("READY"), nil, 0o600); err != nil {
			os.Exit(1)
		}
		time.Sleep(time.Minute) // until killed
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}

// contend takes the lock n times and, inside each critical section, appends
// "start PID" and "end PID" lines to log with a pause in between, so that
// two overlapping holders would interleave their lines.
func contend(lock, log string, n int) error {
	pid := strconv.Itoa(os.Getpid())
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		u, err := Lock(ctx, lock)
		cancel()
		if err != nil {
			return err
		}
		if err := appendLine(log, "start "+pid); err != nil {
			return err
		}
		time.Sleep(2 * time.Millisecond)
		if err := appendLine(log, "end "+pid); err != nil {
			return err
		}
		if err := u.Unlock(); err != nil {
			return err
		}
	}
	return nil
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(line + "\n")
	if errClose := f.Close(); err == nil {
		err = errClose
	}
	return err
}

// helper returns a command running the test binary as helper kind.
func helper(t *testing.T, kind string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + kind}, env...)...)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "x.lock")

	u, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock on a free lock = %v, %v", ok, err)
	}
	if u.Path() != path {
		t.Errorf("Path() = %q, want %q", u.Path(), path)
	}
	if got := Holder(path); runtime.GOOS != "windows" && got != os.Getpid() {
		t.Errorf("Holder = %d, want %d", got, os.Getpid())
	}
	steps := []struct {
		name string
		do   func() (bool, error)
		want bool
	}{
		{"held by us", func() (bool, error) { _, ok, err := TryLock(path); return ok, err }, false},
		{"still held", func() (bool, error) { _, ok, err := TryLock(path); return ok, err }, false},
		{"unlock", func() (bool, error) { return true, u.Unlock() }, true},
		{"unlock twice", func() (bool, error) { return true, u.Unlock() }, true},
		{"free again", func() (bool, error) {
			u2, ok, err := TryLock(path)
			if ok {
				u2.Unlock()
			}
			return ok, err
		}, true},
	}
	for _, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: got %v, want %v", s.name, got, s.want)
		}
	}
}

func TestPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions on Windows")
	}
	dir := filepath.Join(t.TempDir(), "locks")
	path := filepath.Join(dir, "p.lock")
	u, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	defer u.Unlock()
	for _, c := range []struct {
		path string
		want os.FileMode
	}{{dir, 0o700}, {path, 0o600}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got&^c.want != 0 {
			t.Errorf("%s: mode %v, want at most %v", c.path, got, c.want)
		}
	}
}

func TestLockContextEnds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.lock")
	u, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	defer u.Unlock()

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	timeout, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"already cancelled", cancelled, context.Canceled},
		{"timeout", timeout, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Lock(tt.ctx, path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Lock = %v, want %v", err, tt.want)
			}
			var we *WaitError
			if !errors.As(err, &we) || we.Path != path {
				t.Fatalf("error %v is not a *WaitError for %s", err, path)
			}
			if runtime.GOOS != "windows" && !strings.Contains(err.Error(), "held by pid "+strconv.Itoa(os.Getpid())) {
				t.Errorf("error %q does not name the holder", err)
			}
		})
	}
}

func TestLockGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.lock")
	const workers, rounds = 8, 20
	var inside, overlaps, total atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range rounds {
				u, err := Lock(t.Context(), path)
				if err != nil {
					t.Error(err)
					return
				}
				if inside.Add(1) != 1 {
					overlaps.Add(1)
				}
				total.Add(1)
				time.Sleep(100 * time.Microsecond)
				inside.Add(-1)
				if err := u.Unlock(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d critical sections overlapped", overlaps.Load())
	}
	if total.Load() != workers*rounds {
		t.Errorf("%d critical sections, want %d", total.Load(), workers*rounds)
	}
}

func TestLockProcesses(t *testing.T) {
	dir := t.TempDir()
	lock, log := filepath.Join(dir, "p.lock"), filepath.Join(dir, "log")
	const procs, rounds = 4, 10
	var cmds []*exec.Cmd
	for range procs {
		cmd := helper(t, "contend", "LOCK="+lock, "LOG="+log, "N="+strconv.Itoa(rounds))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 2*procs*rounds {
		t.Fatalf("%d log lines, want %d", len(lines), 2*procs*rounds)
	}
	pids := map[string]bool{}
	for i := 0; i < len(lines); i += 2 {
		start, end := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		if len(start) != 2 || len(end) != 2 || start[0] != "start" || end[0] != "end" || start[1] != end[1] {
			t.Fatalf("critical sections overlap at line %d: %q then %q", i+1, lines[i], lines[i+1])
		}
		pids[start[1]] = true
	}
	if len(pids) != procs {
		t.Errorf("%d distinct holders, want %d", len(pids), procs)
	}
}

func TestKilledHolder(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes")
	}
	dir := t.TempDir()
	lock, ready := filepath.Join(dir, "k.lock"), filepath.Join(dir, "ready")
	cmd := helper(t, "hold", "LOCK="+lock, "READY="+ready)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, ready)
	if _, ok, err := TryLock(lock); err != nil || ok {
		t.Fatalf("TryLock while the helper holds the lock = %v, %v", ok, err)
	}

	// A waiter is already waiting when the holder dies.
	type result struct {
		u   *Unlocker
		err error
		at  time.Time
	}
	got := make(chan result, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		u, err := Lock(ctx, lock)
		got <- result{u, err, time.Now()}
	}()
	time.Sleep(100 * time.Millisecond)
	killed := time.Now()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	cmd.Wait()
	r := <-got
	if r.err != nil {
		t.Fatalf("Lock after the holder was killed: %v", r.err)
	}
	defer r.u.Unlock()
	if d := r.at.Sub(killed); d >= 2*time.Second {
		t.Errorf("waiter acquired %v after the holder died, want < 2s", d)
	}
}

// waitFor waits up to 10 s for path to exist.
func waitFor(t *testing.T, path string) {
	t.Helper()
	for range 1000 {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

func BenchmarkTryLock(b *testing.B) {
	path := filepath.Join(b.TempDir(), "b.lock")
	for b.Loop() {
		u, ok, err := TryLock(path)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		u.Unlock()
	}
}
