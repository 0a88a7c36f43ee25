//go:build !windows && (!unix || aix)

package flock

// tryLock uses the O_EXCL lock file: these platforms have no flock(2) in
// golang.org/x/sys (aix) or no file locks at all (plan9, js, wasip1).
func tryLock(path string) (release func() error, ok bool, err error) {
	return tryLockExcl(path, excl{})
}
