//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"syscall"
)

// openOSFile opens path for reading without blocking on a FIFO (whose open
// would wait for a writer) and without handing the descriptor to children.
func openOSFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
}

// openTemp creates a new file at path, never following a symlink there.
func openTemp(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
}

func stampOf(fi fs.FileInfo) Stamp {
	s := Stamp{Exists: true, Size: fi.Size(), Mode: fi.Mode(), mtime: fi.ModTime(), fi: fi}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.dev, s.ino = uint64(st.Dev), uint64(st.Ino)
		s.ctime = ctimeOf(st)
	}
	return s
}

// ownedByUs reports whether fi belongs to this process's user.
func ownedByUs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// alive reports whether a process with this pid may exist.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// syncDir makes a rename in dir durable. Failures are ignored: the rename
// has happened and only its durability across a crash is at stake.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
