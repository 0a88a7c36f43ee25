//go:build linux

package atomicfile

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

const isWindows = false

// replaceExpect renames tmp over target only if target is still expect. An
// existing target is swapped with tmp in one step (RENAME_EXCHANGE) and the
// file swapped out is checked: if another program replaced or rewrote the
// target at the last moment, the swap is undone. A missing target is
// created with RENAME_NOREPLACE, so that a file created meanwhile is kept.
// File systems without these flags get a plain rename.
func replaceExpect(tmp, target string, expect Stamp) error {
	if !expect.Exists {
		err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, target, unix.RENAME_NOREPLACE)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EEXIST):
			return &ChangedError{Path: target, Op: "editing"}
		case unsupported(err):
			return os.Rename(tmp, target)
		}
		return &os.LinkError{Op: "rename", Old: tmp, New: target, Err: err}
	}
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	if unsupported(err) {
		return os.Rename(tmp, target)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: target, Err: err}
	}
	// tmp now names the file that was at target.
	fi, err := os.Lstat(tmp)
	if err == nil && stampOf(fi).sameContent(expect) {
		os.Remove(tmp)
		return nil
	}
	if uerr := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE); uerr != nil {
		return &os.LinkError{Op: "rename", Old: tmp, New: target, Err: uerr}
	}
	return &ChangedError{Path: target, Op: "editing"}
}

func unsupported(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.ENOTSUP) || errors.Is(err, unix.EOPNOTSUPP)
}
