package credserver

import (
	"context"
	"errors"
	"time"
)

// ErrParentExited is the cause (context.Cause) of a context ended by
// StopWhenParentDies because the parent process exited.
var ErrParentExited = errors.New("parent process exited")

// ErrShellExited is the cause of a context ended by StopWhenShellExits.
var ErrShellExited = errors.New("the shell exited")

// StopWhenParentDies returns a copy of ctx that is also cancelled, with
// cause ErrParentExited, when the process that started this one exits, so
// that a server started for a shell or a tool does not outlive it. It
// checks once a second. On Unix it notices that the parent PID changes
// (the orphan is adopted by init or a subreaper), so it cannot help a
// process whose parent was already gone when it was called; on Windows it
// waits on a handle of the parent process. On other platforms only ctx
// ends it.
func StopWhenParentDies(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	watchParent(ctx, func() { cancel(ErrParentExited) }, time.Second)
	return ctx, func() { cancel(context.Canceled) }
}

// pollParent calls gone, once, when getppid returns something else than at
// the start, checking every interval until ctx ends.
func pollParent(ctx context.Context, gone func(), interval time.Duration, getppid func() int) {
	start := getppid()
	go pollUntil(ctx, interval, func() bool { return getppid() != start }, gone)
}

// pollUntil checks done every interval until it holds, then calls then
// once; it returns early when ctx ends.
func pollUntil(ctx context.Context, interval time.Duration, done func() bool, then func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if done() {
				then()
				return
			}
		}
	}
}

// StopWhenShellExits returns a copy of ctx that is also cancelled, with
// cause ErrShellExited, when process pid (the user's interactive shell,
// which the shell function of `assume init` passes as ASSUME_SHELL_PID)
// no longer runs. The shell function runs the binary in a subshell, whose
// exit the parent watch would never see: the subshell waits for the server.
// It checks every interval; pid <= 1 watches nothing.
func StopWhenShellExits(ctx context.Context, pid int, interval time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if pid > 1 {
		go pollUntil(ctx, interval, func() bool { return !processRuns(pid) }, func() { cancel(ErrShellExited) })
	}
	return ctx, func() { cancel(context.Canceled) }
}
