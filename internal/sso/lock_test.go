package sso

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// waitUntil polls cond; the bound only keeps a broken test from hanging.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestLoginTwoGoroutines: a second Login of the same session waits for the
// first and then uses its token instead of logging in again.
func TestLoginTwoGoroutines(t *testing.T) {
	f := newFakeIDC(t)
	// Under the lock: requests from another process give the race
	// detector no happens-before edge.
	f.mu.Lock()
	f.approve = make(chan struct{})
	f.deviceStarted = make(chan struct{})
	f.mu.Unlock()
	c := f.client(t)
	type result struct {
		tok *Token
		err error
	}
	run := func(out *syncBuffer) chan result {
		ch := make(chan result, 1)
		go func() {
			tok, err := c.Login(context.Background(), LoginOptions{Session: mySSO, NoBrowser: true, Out: out, PollInterval: 5 * time.Millisecond})
			ch <- result{tok, err}
		}()
		return ch
	}
	var outA, outB syncBuffer
	a := run(&outA)
	<-f.deviceStarted
	b := run(&outB)
	waitUntil(t, "the second login to wait", func() bool {
		return strings.Contains(outB.String(), "Waiting for another login to sso-session \"my-sso\"")
	})
	close(f.approve)
	ra, rb := <-a, <-b
	if ra.err != nil || rb.err != nil {
		t.Fatalf("logins: %v / %v", ra.err, rb.err)
	}
	if ra.tok.AccessToken != rb.tok.AccessToken {
		t.Errorf("different tokens %q and %q", ra.tok.AccessToken, rb.tok.AccessToken)
	}
	if n := f.count("StartDeviceAuthorization"); n != 1 {
		t.Errorf("%d device authorizations, want 1", n)
	}
	if !strings.Contains(outB.String(), "Using the login to sso-session \"my-sso\" that just completed in another process") {
		t.Errorf("second login said:\n%s", outB.String())
	}

	// A login that finds the lock free logs in again, even with a valid
	// token (the user asked for it).
	if _, err := c.Login(context.Background(), LoginOptions{Session: mySSO, NoBrowser: true, PollInterval: 5 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if n := f.count("StartDeviceAuthorization"); n != 2 {
		t.Errorf("%d device authorizations, want 2", n)
	}
}

func TestLockWaitCancel(t *testing.T) {
	s := store{dir: t.TempDir()}
	release, waited, err := s.lock(context.Background(), mySSO, nil)
	if err != nil || waited {
		t.Fatal(err, waited)
	}
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, waited, err = s.lock(ctx, mySSO, func() { calls++ })
	if err != context.Canceled || !waited || calls != 1 {
		t.Errorf("lock = %v, waited %v, onWait called %d times", err, waited, calls)
	}
	// Another session is not blocked.
	r2, waited, err := s.lock(context.Background(), legacy, nil)
	if err != nil || waited {
		t.Errorf("other session: %v, waited %v", err, waited)
	} else {
		r2()
	}
	checkMode(t, s.path(sha1Hex("my-sso")+".lock"), 0o600)
}

const helperEnv = "ASSUME_SSO_TEST_HELPER"

// TestHelperLoginProcess is the child of TestLoginTwoProcesses; it does
// nothing in a normal run.
func TestHelperLoginProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestLoginTwoProcesses")
	}
	c, err := New(Options{CacheDir: os.Getenv("HELPER_CACHE"), OIDCEndpoint: os.Getenv("HELPER_URL"), Getenv: env()})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Login(context.Background(), LoginOptions{Session: mySSO, NoBrowser: true, Out: os.Stderr, PollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(tok.AccessToken))
	fmt.Printf("TOKEN %s\n", hex.EncodeToString(sum[:8]))
}

// TestLoginTwoProcesses: the same as TestLoginTwoGoroutines across
// processes (the test binary run twice), so the lock is a real file lock.
func TestLoginTwoProcesses(t *testing.T) {
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processes")
	}
	f := newFakeIDC(t)
	// Under the lock: requests from another process give the race
	// detector no happens-before edge.
	f.mu.Lock()
	f.approve = make(chan struct{})
	f.deviceStarted = make(chan struct{})
	f.mu.Unlock()
	cache := t.TempDir()
	start := func(stdout, stderr *syncBuffer) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLoginProcess$", "-test.v")
		cmd.Env = append(os.Environ(), helperEnv+"=1", "HELPER_CACHE="+cache, "HELPER_URL="+f.srv.URL)
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	var outA, errA, outB, errB syncBuffer
	a := start(&outA, &errA)
	select {
	case <-f.deviceStarted:
	case <-time.After(60 * time.Second):
		t.Fatalf("first process never started its login: %s", errA.String())
	}
	b := start(&outB, &errB)
	waitUntil(t, "the second process to wait", func() bool { return strings.Contains(errB.String(), "Waiting for another login") })
	close(f.approve)
	if err := a.Wait(); err != nil {
		t.Fatalf("first process: %v\n%s%s", err, outA.String(), errA.String())
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s%s", err, outB.String(), errB.String())
	}
	tokA, tokB := tokenLine(outA.String()), tokenLine(outB.String())
	if tokA == "" || tokA != tokB {
		t.Errorf("tokens %q and %q", tokA, tokB)
	}
	if n := f.count("StartDeviceAuthorization"); n != 1 {
		t.Errorf("%d device authorizations, want 1", n)
	}
	if !strings.Contains(errB.String(), "that just completed in another process") {
		t.Errorf("second process said:\n%s", errB.String())
	}
}

func tokenLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(l, "TOKEN "); ok {
			return v
		}
	}
	return ""
}

// A symlink planted at a login lock's name is refused, never followed (the
// file it points to is neither created nor truncated).
func TestLockRefusesPlantedSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	s := store{dir: dir}
	victim := dir + "/victim"
	path := s.path(sha1Hex(mySSO.CacheKey()) + ".lock")
	if err := os.Symlink(victim, path); err != nil {
		t.Fatal(err)
	}
	release, _, err := s.lock(context.Background(), mySSO, nil)
	if err == nil {
		release()
		t.Fatal("a symlinked lock was taken")
	}
	if _, serr := os.Lstat(victim); serr == nil {
		t.Errorf("the symlink's target was created")
	}
}
