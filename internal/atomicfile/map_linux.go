//go:build linux

package atomicfile

import "golang.org/x/sys/unix"

// ReadMapped is Read for a caller whose every goroutine that touches the
// bytes runs with debug.SetPanicOnFault(true): a regular file of bigRead or
// more is mapped read-only (its page-cache pages, pre-faulted, no copy)
// instead of copied into fresh memory, which costs milliseconds on a
// 10,000-profile config. A program that truncates the file later makes an
// access to the mapping fault; with SetPanicOnFault that is a recoverable
// panic (a runtime.Error with an Addr method), never a crash. Anything
// else (small files, a failed mapping) is Read; a file that is not
// regular or is over limit is refused as by Read.
func ReadMapped(path string, limit int64) ([]byte, Stamp, error) {
	f, before, err := openChecked(path, limit)
	if err != nil {
		return nil, Stamp{}, err
	}
	defer f.Close()
	if before.Size < bigRead {
		// Read it from the descriptor at hand; only a file that changed
		// meanwhile goes through Read's retries.
		if data, st, err := readOpened(f, before, path); err != errRetry {
			return data, st, err
		}
		return Read(path, limit)
	}
	data, err := unix.Mmap(int(f.(rawFile)), 0, int(before.Size), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_POPULATE)
	if err != nil {
		return Read(path, limit)
	}
	// The name must still lead to the file mapped, unchanged.
	if now, err := StatPath(path); err != nil || !now.Same(before) {
		unix.Munmap(data)
		return Read(path, limit)
	}
	return data, before, nil
}
