//go:build !unix && !windows

package sso

import "os"

// tryLock always succeeds where the platform has no file locks (js, wasip1,
// plan9): logins are then not serialised across processes.
func tryLock(*os.File) (bool, error) { return false, nil }

func unlock(*os.File) {}
