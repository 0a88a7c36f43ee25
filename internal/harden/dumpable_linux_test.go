package harden

import (
	"os"
	"syscall"
	"testing"
)

// checkNotDumpable: PR_GET_DUMPABLE is 0 and /proc/self/environ is no longer
// the user's.
func checkNotDumpable(t *testing.T) {
	t.Helper()
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
