//go:build windows

package credserver

import (
	"context"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// watchParent waits on a handle of the parent process: Windows never
// reparents, so os.Getppid does not change when the parent exits. If the
// parent cannot be opened (already gone, or not ours to open), nothing
// is watched.
func watchParent(ctx context.Context, gone func(), interval time.Duration) {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(os.Getppid()))
	if err != nil {
		return
	}
	go func() {
		defer windows.CloseHandle(h)
		ms := uint32(interval / time.Millisecond)
		for ctx.Err() == nil {
			ev, err := windows.WaitForSingleObject(h, ms)
			if err != nil {
				return
			}
			if ev == windows.WAIT_OBJECT_0 {
				gone()
				return
			}
		}
	}()
}

// processRuns reports whether pid can be opened and has not exited.
func processRuns(pid int) bool {
	h, err := windows.OpenProcess(windows.SYNCHRONIZE, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	ev, err := windows.WaitForSingleObject(h, 0)
	return err == nil && ev != windows.WAIT_OBJECT_0
}
