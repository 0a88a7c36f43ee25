//go:build !unix && !windows

package sso

import "os"

// tryLock always succeeds where the platform has no file locks (js, wasip1,
// plan9): logins are then not serialised across processes.
func tryLock(*os.File) (bool, error) { return false, nil }

func unlock(*os.File) {}

// openLock opens (creating it 0600) a lock file.
func openLock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
