package harden

import (
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

func TestScrub(t *testing.T) {
	env := []string{"A=1", "ASSUME_PASSPHRASE=pw", "ASSUME_PASSPHRASEX=y", "B=2"}
	if got := Scrub(env); !slices.Equal(got, []string{"A=1", "ASSUME_PASSPHRASEX=y", "B=2"}) {
		t.Errorf("Scrub = %v", got)
	}
}

// TestHideSecretEnv: the passphrase leaves the process environment (a
// child started with it does not get it) and stays visible through s.
func TestHideSecretEnv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	t.Setenv("ASSUME_PASSPHRASE", "pw-of-test")
	s := term.System()
	HideSecretEnv(s)
	if s.Getenv("ASSUME_PASSPHRASE") != "pw-of-test" {
		t.Error("s.Getenv lost the passphrase")
	}
	if !slices.Contains(s.Environ(), "ASSUME_PASSPHRASE=pw-of-test") {
		t.Error("s.Environ lost the passphrase")
	}
	out, err := exec.Command("sh", "-c", "env").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "pw-of-test") {
		t.Error("a child started with the process environment got the passphrase")
	}
}

// TestNoCoreDumps: the core limit is 0 and (Linux) /proc/self/status says
// the process is not dumpable. It runs in a child test process, as the
// flag cannot be undone.
func TestNoCoreDumps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no core files")
	}
	if os.Getenv("HARDEN_CHILD") == "1" {
		if err := NoCoreDumps(); err != nil {
			t.Fatal(err)
		}
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &lim); err != nil || lim.Cur != 0 {
			t.Fatalf("RLIMIT_CORE = %+v, %v", lim, err)
		}
		if runtime.GOOS == "linux" {
			d, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, 3 /* PR_GET_DUMPABLE */, 0, 0)
			if e != 0 || d != 0 {
				t.Fatalf("PR_GET_DUMPABLE = %d, %v", d, e)
			}
			if fi, err := os.Stat("/proc/self/environ"); err != nil {
				t.Fatal(err)
			} else if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) == os.Getuid() && os.Getuid() != 0 {
				t.Errorf("/proc/self/environ is still owned by the user (uid %d)", st.Uid)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoCoreDumps$", "-test.v")
	cmd.Env = append(os.Environ(), "HARDEN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
