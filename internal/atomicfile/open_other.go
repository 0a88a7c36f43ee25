//go:build !linux

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
)

func openRead(path string) (readFile, error) {
	f, err := openOSFile(path)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

type osFile struct{ *os.File }

func (f osFile) stamp() (Stamp, error) {
	fi, err := f.Stat()
	if err != nil {
		return Stamp{}, err
	}
	return stampOf(fi), nil
}

// StatPath returns the Stamp of the file at path now (following symlinks);
// a missing file gives the zero Stamp and no error.
func StatPath(path string) (Stamp, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Stamp{}, nil
	}
	if err != nil {
		return Stamp{}, err
	}
	return stampOf(fi), nil
}
