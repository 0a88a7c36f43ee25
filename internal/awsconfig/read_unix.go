//go:build unix

package awsconfig

import (
	"os"
	"syscall"
)

// readFile returns the file's contents; large files are mapped read-only
// (and pre-faulted) rather than copied. The mapping is never unmapped: the
// bytes live as long as the Files that hold them, and processes are short.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() < mapThreshold || st.Size() > 1<<30 {
		return os.ReadFile(path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return os.ReadFile(path)
	}
	return data, nil
}
