package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
)

// UnsafeDirError refuses a folder that holds private files (the credential
// cache, lock files) but that someone else could write to or swap.
type UnsafeDirError struct {
	Dir string
	Why string // "a symbolic link", "writable by group or others (mode 0777)", ...
	Fix string // the command or step that fixes it
}

func (e *UnsafeDirError) Error() string {
	return fmt.Sprintf("refusing to use %s: it is %s", e.Dir, e.Why)
}

// Hint says how to fix it.
func (e *UnsafeDirError) Hint() string { return e.Fix }

// PrivateDir creates dir (0700, with its parents) when missing and checks
// that it is a real folder (not a symlink), owned by this user and not
// writable by group or others.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch m := fi.Mode(); {
	case m&fs.ModeSymlink != 0:
		return &UnsafeDirError{Dir: dir, Why: "a symbolic link", Fix: "remove the link (rm " + dir + "); assume creates the folder again"}
	case !m.IsDir():
		return &UnsafeDirError{Dir: dir, Why: kindOf(m) + ", not a folder", Fix: "remove it (rm " + dir + "); assume creates the folder again"}
	case !ownedByUs(fi):
		return &UnsafeDirError{Dir: dir, Why: "owned by another user", Fix: "remove it, or make it yours: chown $(id -u) " + dir + " && chmod 700 " + dir}
	case !isWindows && m.Perm()&0o022 != 0:
		return &UnsafeDirError{Dir: dir, Why: fmt.Sprintf("writable by group or others (mode %04o)", m.Perm()), Fix: "chmod 700 " + dir}
	}
	return nil
}
