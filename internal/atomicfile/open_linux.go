//go:build linux

package atomicfile

import (
	"io"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// On Linux files are read with bare system calls on a descriptor: the first
// *os.File a process opens sets up the runtime's network poller (an epoll
// instance, an eventfd, a poller thread) and every open tries to register
// the descriptor with it, which on a cache hit costs more than the reads.

// rawFile is a descriptor open for reading.
type rawFile int

func openRead(path string) (readFile, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return rawFile(fd), nil
	}
}

func (f rawFile) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(f), p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 && len(p) > 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f rawFile) Close() error { return unix.Close(int(f)) }

func (f rawFile) stamp() (Stamp, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f), &st); err != nil {
		return Stamp{}, &fs.PathError{Op: "fstat", Err: err}
	}
	return stampOfStat(&st), nil
}

// StatPath returns the Stamp of the file at path now (following symlinks);
// a missing file gives the zero Stamp and no error.
func StatPath(path string) (Stamp, error) {
	var st unix.Stat_t
	for {
		err := unix.Stat(path, &st)
		if err == unix.EINTR {
			continue
		}
		if err == unix.ENOENT {
			return Stamp{}, nil
		}
		if err != nil {
			return Stamp{}, &fs.PathError{Op: "stat", Path: path, Err: err}
		}
		return stampOfStat(&st), nil
	}
}

func stampOfStat(st *unix.Stat_t) Stamp {
	return Stamp{Exists: true, Size: st.Size, Mode: modeOf(st.Mode), dev: st.Dev, ino: st.Ino,
		mtime: time.Unix(st.Mtim.Sec, st.Mtim.Nsec), ctime: time.Unix(st.Ctim.Sec, st.Ctim.Nsec)}
}

// modeOf is the fs.FileMode of a st_mode, as os.Stat makes it.
func modeOf(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFBLK:
		mode |= fs.ModeDevice
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	}
	if m&unix.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&unix.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&unix.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
