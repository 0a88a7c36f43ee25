//go:build unix

package credserver

import (
	"context"
	"os"
	"time"
)

// watchParent polls getppid(2): when the parent dies the kernel reparents
// this process, which changes the value. (PR_SET_PDEATHSIG would signal
// the whole process when the parent *thread* exits, which for a Go parent
// is any OS thread, and exists on Linux only.)
func watchParent(ctx context.Context, gone func(), interval time.Duration) {
	pollParent(ctx, gone, interval, os.Getppid)
}
