package sso

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// DefaultCacheDir is ~/.aws/sso/cache, where the AWS CLI and SDKs keep SSO
// tokens. The home folder is $HOME (on Windows %USERPROFILE%, else
// %HOMEDRIVE%%HOMEPATH%), as the SDKs find it.
func DefaultCacheDir(getenv func(string) string) (string, error) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
		if home == "" && getenv("HOMEDRIVE") != "" {
			home = getenv("HOMEDRIVE") + getenv("HOMEPATH")
		}
	}
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("cannot find the home folder for ~/.aws/sso/cache")
		}
		home = h
	}
	return filepath.Join(home, ".aws", "sso", "cache"), nil
}

// lockPoll is how often a waiting process retries a busy lock.
const lockPoll = 50 * time.Millisecond

// cache is where tokens and client registrations are kept, one record per
// AWS CLI cache file name: the files of a folder (store) or the items of a
// keychain (keychainCache).
type cache interface {
	// read returns a record's bytes; a missing record is fs.ErrNotExist.
	read(name string) ([]byte, error)
	// write replaces a record. Its error wraps the cause once, so that
	// errors.Unwrap gives the cause.
	write(name string, data []byte) error
	// remove deletes a record; removed is false when there was none. Its
	// error wraps the cause once.
	remove(name string) (removed bool, err error)
	// where names a record for errors and debug output: a path, or the
	// keychain item.
	where(name string) string
}

// store is the token cache folder. It also holds the session locks, in the
// cache folder or (keychain-only) in a folder of our own.
type store struct{ dir string }

var _ cache = store{}

func (s store) path(name string) string { return filepath.Join(s.dir, name) }

func (s store) where(name string) string { return s.path(name) }

// ensureDir creates the folder (0700) when missing. An existing folder keeps
// its permissions: the AWS CLI created it and owns them.
func (s store) ensureDir() error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("creating the SSO cache folder: %w", err)
	}
	return nil
}

// read returns a cache file's bytes; a missing file is fs.ErrNotExist.
func (s store) read(name string) ([]byte, error) {
	data, _, err := atomicfile.Read(s.path(name), maxCacheFile)
	return data, err
}

// write replaces a cache file atomically: a 0600 temporary file in the same
// folder, synced, then renamed over the old one.
func (s store) write(name string, data []byte) error {
	if err := s.ensureDir(); err != nil {
		return err
	}
	if err := atomicfile.Write(s.path(name), data, atomicfile.Options{Perm: 0o600}); err != nil {
		return fmt.Errorf("writing %s: %w", s.path(name), err)
	}
	return nil
}

// remove deletes a cache file; a missing one is not an error.
func (s store) remove(name string) (bool, error) {
	err := os.Remove(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("removing %s: %w", s.path(name), err)
	}
	return true, nil
}

// lock takes the exclusive lock of a session (the file <sha1>.lock next to
// its token file), waiting while another process or goroutine holds it.
// onWait, when not nil, is called once if the lock is busy. Waiting ends
// with ctx. The lock file stays: removing it would let two processes lock
// different files.
func (s store) lock(ctx context.Context, sess Session, onWait func()) (release func(), waited bool, err error) {
	if err := s.ensureDir(); err != nil {
		return nil, false, err
	}
	path := s.path(sha1Hex(sess.CacheKey()) + ".lock")
	f, err := openLock(path)
	if err != nil {
		return nil, false, fmt.Errorf("opening the login lock %s: %w", path, err)
	}
	for {
		busy, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, waited, fmt.Errorf("locking %s: %w", path, err)
		}
		if !busy {
			return func() { unlock(f); f.Close() }, waited, nil
		}
		if !waited && onWait != nil {
			onWait()
		}
		waited = true
		select {
		case <-ctx.Done():
			f.Close()
			return nil, true, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
