package flock

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"time"
)

// Defaults of the O_EXCL lock (see the package documentation).
const (
	defaultStaleAfter = 10 * time.Second
	defaultHeartbeat  = 2 * time.Second
)

// excl tunes the O_EXCL lock used where the platform has no usable file
// lock. It is compiled everywhere so that its tests run everywhere; zero
// fields take the defaults.
type excl struct {
	staleAfter time.Duration // an unrefreshed file older than this is stale
	heartbeat  time.Duration // how often the holder refreshes the file
}

// tryLockExcl takes the lock by creating path with O_EXCL, after breaking
// a stale file left by a holder that died.
func tryLockExcl(path string, x excl) (release func() error, ok bool, err error) {
	if x.staleAfter <= 0 {
		x.staleAfter = defaultStaleAfter
	}
	if x.heartbeat <= 0 {
		x.heartbeat = defaultHeartbeat
	}
	for range 2 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return x.hold(path, f)
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, false, err
		}
		broke, err := x.breakStale(path)
		if err != nil || !broke {
			return nil, false, err
		}
	}
	return nil, false, nil
}

// hold records the holder in the new lock file f and keeps its
// modification time fresh until the returned release runs.
func (x excl) hold(path string, f *os.File) (release func() error, ok bool, err error) {
	nonce := randomHex()
	_, err = f.WriteString(owner{pid: os.Getpid(), nonce: nonce}.String())
	if errClose := f.Close(); err == nil {
		err = errClose
	}
	if err != nil {
		os.Remove(path)
		return nil, false, err
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(x.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				now := time.Now()
				os.Chtimes(path, now, now)
			}
		}
	}()
	return func() error {
		close(stop)
		<-done
		// Remove the file only while it is still ours: a holder frozen for
		// longer than staleAfter has lost the lock to another process.
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if o, err := parseOwner(string(b)); err != nil || o.nonce != nonce {
			return nil
		}
		return os.Remove(path)
	}, true, nil
}

// breakStale removes the lock file at path when it has not been refreshed
// for staleAfter, and reports whether the caller should try to create it
// again (also when it vanished meanwhile).
func (x excl) breakStale(path string) (bool, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if time.Since(fi.ModTime()) < x.staleAfter {
		return false, nil
	}
	// Renaming is atomic: of several waiters breaking the same file, one
	// wins and the others see it gone.
	tmp := path + ".stale." + randomHex()
	if err := os.Rename(path, tmp); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return true, nil
		}
		return false, err
	}
	// Between the Stat and the Rename a new holder may have replaced the
	// stale file; give its file back if the name is still free.
	if fi, err := os.Stat(tmp); err == nil && time.Since(fi.ModTime()) < x.staleAfter {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			if os.Rename(tmp, path) == nil {
				return false, nil
			}
		}
	}
	os.Remove(tmp)
	return true, nil
}

// randomHex returns 128 random bits in hex.
func randomHex() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
