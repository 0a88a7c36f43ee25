//go:build unix

package harden

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// TestNoCoreDumps: the core limit is 0 and (Linux) /proc/self/status says
// the process is not dumpable. It runs in a child test process, as the
// flag cannot be undone.
func TestNoCoreDumps(t *testing.T) {
	if os.Getenv("HARDEN_CHILD") == "1" {
		if err := NoCoreDumps(); err != nil {
			t.Fatal(err)
		}
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &lim); err != nil || lim.Cur != 0 {
			t.Fatalf("RLIMIT_CORE = %+v, %v", lim, err)
		}
		checkNotDumpable(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoCoreDumps$", "-test.v")
	cmd.Env = append(os.Environ(), "HARDEN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
