//go:build unix && !aix

package flock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// tryLock takes a non-blocking flock(2) on path. The descriptor stays open
// while the lock is held; the kernel releases the lock when it is closed,
// including when the process dies.
func tryLock(path string) (release func() error, ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, unix.ELOOP) {
		return nil, false, errors.New("the lock file is a symbolic link; remove it")
	}
	if err != nil {
		return nil, false, err
	}
	fd := int(f.Fd())
	for {
		err = unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			break
		}
	}
	if err == unix.EWOULDBLOCK {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, err
	}
	writeOwner(f)
	return func() error {
		// Closing alone would release the lock; unlocking first makes the
		// release explicit and independent of other copies of fd.
		errUn := unix.Flock(fd, unix.LOCK_UN)
		errClose := f.Close()
		if errUn != nil {
			return errUn
		}
		return errClose
	}, true, nil
}
