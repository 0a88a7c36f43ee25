package flock

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// Polling bounds of Lock: the first retry comes after minPoll, each later
// one after twice the previous delay, never more than maxPoll.
const (
	minPoll = time.Millisecond
	maxPoll = 50 * time.Millisecond
)

// Unlocker releases a lock taken by Lock or TryLock.
type Unlocker struct {
	path    string
	once    sync.Once
	release func() error
	err     error
}

// Unlock releases the lock. Calling it again does nothing and returns the
// first call's result.
func (u *Unlocker) Unlock() error {
	u.once.Do(func() {
		if err := u.release(); err != nil {
			u.err = fmt.Errorf("releasing lock %s: %w", u.path, err)
		}
	})
	return u.err
}

// Path is the lock file.
func (u *Unlocker) Path() string { return u.path }

// WaitError reports that Lock gave up because its context ended while
// another process held the lock. errors.Is(err, context.DeadlineExceeded)
// (or context.Canceled) holds for it.
type WaitError struct {
	Path   string
	Holder int   // PID of the holder when known, else 0
	Err    error // the context's error
}

func (e *WaitError) Error() string {
	by := ""
	if e.Holder > 0 {
		by = " held by pid " + strconv.Itoa(e.Holder)
	}
	return fmt.Sprintf("waiting for lock %s%s: %v", e.Path, by, e.Err)
}

func (e *WaitError) Unwrap() error { return e.Err }

// Lock takes the exclusive lock on the file at path, creating the file
// (0600) and its folder (0700) when missing, and waits until the lock is
// free or ctx is done. In the latter case the error is a *WaitError.
func Lock(ctx context.Context, path string) (*Unlocker, error) {
	delay := minPoll
	for {
		if err := ctx.Err(); err != nil {
			return nil, &WaitError{Path: path, Holder: Holder(path), Err: err}
		}
		u, ok, err := TryLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			return u, nil
		}
		// Jitter keeps waiting processes from polling in lockstep.
		t := time.NewTimer(delay/2 + rand.N(delay/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
		delay = min(2*delay, maxPoll)
	}
}

// TryLock takes the exclusive lock on the file at path if it is free, like
// Lock, but without waiting: ok is false when someone else holds it.
func TryLock(path string) (u *Unlocker, ok bool, err error) {
	if err := atomicfile.PrivateDir(filepath.Dir(path)); err != nil {
		return nil, false, fmt.Errorf("lock folder: %w", err)
	}
	release, ok, err := tryLock(path)
	if err != nil {
		return nil, false, fmt.Errorf("locking %s: %w", path, err)
	}
	if !ok {
		return nil, false, nil
	}
	return &Unlocker{path: path, release: release}, true, nil
}

// Holder returns the PID recorded in the lock file at path by its current
// (or last) holder, or 0 when there is none or it cannot be read (Windows
// forbids reading a locked file). It is for messages only: the PID may be
// stale or reused.
func Holder(path string) int {
	b, _, err := atomicfile.Read(path, 4096)
	if err != nil {
		return 0
	}
	o, err := parseOwner(string(b))
	if err != nil {
		return 0
	}
	return o.pid
}

// owner is what a holder writes into its lock file: "PID" or "PID NONCE",
// padded with spaces and ending in a newline. The nonce is written only by
// the O_EXCL implementation, to recognise its own file before removing it.
type owner struct {
	pid   int
	nonce string
}

// ownerWidth pads the record so that it can be written in place, at offset
// 0, without truncating the file (a locked region on Windows).
const ownerWidth = 64

func (o owner) String() string {
	s := strconv.Itoa(o.pid)
	if o.nonce != "" {
		s += " " + o.nonce
	}
	if len(s) < ownerWidth-1 {
		s += strings.Repeat(" ", ownerWidth-1-len(s))
	}
	return s + "\n"
}

var errBadOwner = errors.New("malformed lock file")

// parseOwner reads a record written by owner.String.
func parseOwner(s string) (owner, error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 2 {
		return owner{}, errBadOwner
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil || pid <= 0 || f[0][0] == '+' {
		return owner{}, errBadOwner
	}
	o := owner{pid: pid}
	if len(f) == 2 {
		o.nonce = f[1]
	}
	return o, nil
}

// writeOwner records this process as the holder of the lock open as f.
// Failures are ignored: the record serves messages only.
func writeOwner(f *os.File) {
	f.WriteAt([]byte(owner{pid: os.Getpid()}.String()), 0)
}
