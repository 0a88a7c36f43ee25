package atomicfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Size limits.
const (
	// MaxConfigSize bounds ~/.aws/config, ~/.aws/credentials and the
	// files edited like them: far above any real config (10,000 profiles
	// are 1.3 MB).
	MaxConfigSize = 64 << 20
	// MaxSmallSize bounds small files: settings, cache entries, tokens,
	// history.
	MaxSmallSize = 1 << 20
)

// readAttempts is how often Read re-reads a file that changed while it was
// read before giving up with a *ChangedError.
const readAttempts = 8

// NotRegularError refuses a path that is not a regular file.
type NotRegularError struct {
	Path string
	Kind string // "a folder", "a named pipe (FIFO)", "a device", ...
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.Kind)
}

// TooLargeError refuses a file over the size limit.
type TooLargeError struct {
	Path  string
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %s, larger than the %s assume reads", e.Path, size(e.Size), size(e.Limit))
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// ErrChanged is what a *ChangedError matches with errors.Is.
var ErrChanged = errors.New("file changed")

// ChangedError says that another program changed the file while assume
// read or edited it.
type ChangedError struct {
	Path string
	Op   string // "reading" or "editing"
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("%s changed while assume was %s it (another program is writing it); try again", e.Path, e.Op)
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Read returns the content of the regular file at path (following
// symlinks) and the Stamp of what it read. A missing file is an error
// matching fs.ErrNotExist. It refuses anything but a regular file with a
// *NotRegularError without blocking (a FIFO is opened non-blocking), a
// file over limit with a *TooLargeError, and returns a *ChangedError when
// the file kept changing while it was read.
func Read(path string, limit int64) ([]byte, Stamp, error) {
	return read(path, limit, 0)
}

// ReadQuiet is Read for a file about to be edited: a file modified less
// than quiet ago may be in the middle of being rewritten in place (opened
// with O_TRUNC, written in pieces), so ReadQuiet waits until it has been
// left alone for quiet, and reads it again if it changed meanwhile.
func ReadQuiet(path string, limit int64, quiet time.Duration) ([]byte, Stamp, error) {
	return read(path, limit, quiet)
}

func read(path string, limit int64, quiet time.Duration) ([]byte, Stamp, error) {
	for attempt := 0; ; attempt++ {
		data, st, err := readOnce(path, limit)
		if err == nil && quiet > 0 {
			if age := time.Since(st.changed()); age < quiet {
				time.Sleep(quiet - age)
				if now, serr := StatPath(path); serr != nil || !now.Same(st) {
					err = errRetry
				}
			}
		}
		if err != errRetry {
			return data, st, err
		}
		if attempt+1 >= readAttempts {
			return nil, Stamp{}, &ChangedError{Path: path, Op: "reading"}
		}
		time.Sleep(time.Duration(attempt+1) * 2 * time.Millisecond)
	}
}

var errRetry = errors.New("retry")

// readFile is a file open for reading: an *os.File, or on Linux a bare
// descriptor (open_linux.go).
type readFile interface {
	io.Reader
	Close() error
	stamp() (Stamp, error)
}

// openChecked opens path for reading and returns it with its Stamp, or a
// *NotRegularError or *TooLargeError (the file then closed).
func openChecked(path string, limit int64) (readFile, Stamp, error) {
	f, err := openRead(path)
	if err != nil {
		return nil, Stamp{}, err
	}
	st, err := f.stamp()
	if err != nil {
		f.Close()
		return nil, Stamp{}, err
	}
	if !st.Mode.IsRegular() {
		f.Close()
		return nil, Stamp{}, &NotRegularError{Path: path, Kind: kindOf(st.Mode)}
	}
	if st.Size > limit {
		f.Close()
		return nil, Stamp{}, &TooLargeError{Path: path, Size: st.Size, Limit: limit}
	}
	return f, st, nil
}

func readOnce(path string, limit int64) ([]byte, Stamp, error) {
	f, before, err := openChecked(path, limit)
	if err != nil {
		return nil, Stamp{}, err
	}
	defer f.Close()
	return readOpened(f, before, path)
}

// readOpened reads f, opened at path as the version before, to its end and
// checks that it did not change meanwhile (errRetry if it did).
func readOpened(f readFile, before Stamp, path string) ([]byte, Stamp, error) {
	data, free := alloc(before.Size)
	ok := false
	defer func() {
		if !ok {
			free()
		}
	}()
	if _, err := io.ReadFull(f, data); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return nil, Stamp{}, errRetry // shrank while being read
		}
		return nil, Stamp{}, err
	}
	var probe [1]byte
	if n, _ := f.Read(probe[:]); n > 0 {
		return nil, Stamp{}, errRetry // grew while being read
	}
	after, err := f.stamp()
	if err != nil {
		return nil, Stamp{}, err
	}
	if !after.Same(before) {
		return nil, Stamp{}, errRetry
	}
	// The name must still lead to the file read: a rename over it during
	// the read means what was read is already history.
	if now, err := StatPath(path); err != nil || !now.Same(before) {
		return nil, Stamp{}, errRetry
	}
	ok = true
	return data, before, nil
}

// Stamp identifies a version of a file: which file (device and inode), its
// size, mode and modification and change times. The zero Stamp (Exists
// false) stands for a missing file.
type Stamp struct {
	Exists bool
	Size   int64
	Mode   fs.FileMode
	dev    uint64
	ino    uint64
	mtime  time.Time
	ctime  time.Time
	fi     fs.FileInfo // for os.SameFile where there is no inode
}

// Same reports whether s and o are the same version of the same file.
func (s Stamp) Same(o Stamp) bool {
	if s.Exists != o.Exists {
		return false
	}
	if !s.Exists {
		return true
	}
	return s.sameFile(o) && s.Size == o.Size && s.mtime.Equal(o.mtime) && s.ctime.Equal(o.ctime)
}

// sameContent is Same without the change time, which a rename updates.
func (s Stamp) sameContent(o Stamp) bool {
	return s.Exists && o.Exists && s.sameFile(o) && s.Size == o.Size && s.mtime.Equal(o.mtime)
}

func (s Stamp) sameFile(o Stamp) bool {
	if s.ino != 0 || o.ino != 0 {
		return s.dev == o.dev && s.ino == o.ino
	}
	return s.fi != nil && o.fi != nil && os.SameFile(s.fi, o.fi)
}

func (s Stamp) changed() time.Time {
	if s.ctime.After(s.mtime) {
		return s.ctime
	}
	return s.mtime
}

// AppendID appends to b an exact identity of the version of the file that s
// stands for: device, inode, size, mode, modification and change times in
// nanoseconds, or the mark of a missing file. Two stamps with equal IDs are
// Same. ok is false where a stamp has no inode to name its file by (as on
// Windows) or no change time: such a stamp has no ID.
func (s Stamp) AppendID(b []byte) (_ []byte, ok bool) {
	if !s.Exists {
		return append(b, 0), true
	}
	if s.ino == 0 || s.ctime.IsZero() {
		return b, false
	}
	b = append(b, 1)
	for _, v := range [...]uint64{s.dev, s.ino, uint64(s.Size), uint64(s.Mode), uint64(s.mtime.UnixNano()), uint64(s.ctime.UnixNano())} {
		b = binary.AppendUvarint(b, v)
	}
	return b, true
}

// Settled reports whether the file of s was last changed at least d before
// now (a missing file always is). A file written again within the
// timestamp granularity of its file system keeps its times, and so its
// stamp: only a settled stamp may stand for the contents that were read
// with it (git trusts its index the same way).
func (s Stamp) Settled(now time.Time, d time.Duration) bool {
	return !s.Exists || !s.changed().After(now.Add(-d))
}
