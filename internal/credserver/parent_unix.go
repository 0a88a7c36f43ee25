//go:build unix

package credserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// watchParent polls getppid(2): when the parent dies the kernel reparents
// this process, which changes the value. (PR_SET_PDEATHSIG would signal
// the whole process when the parent *thread* exits, which for a Go parent
// is any OS thread, and exists on Linux only.)
func watchParent(ctx context.Context, gone func(), interval time.Duration) {
	pollParent(ctx, gone, interval, os.Getppid)
}

// processRuns reports whether pid is a running process: kill(pid, 0)
// finds it (EPERM: it runs as another user) and, where /proc tells, it is
// no zombie (a shell that exited but that its terminal has not reaped).
func processRuns(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
