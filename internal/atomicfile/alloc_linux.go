//go:build linux

package atomicfile

import "golang.org/x/sys/unix"

// bigRead is the size from which Read reads into a pre-faulted anonymous
// mapping instead of fresh heap memory: on some virtual machines a page
// fault per 4 KiB is most of the time a 10,000-profile lookup takes, and
// MAP_POPULATE faults the whole buffer in one system call. The memory is
// anonymous, so a file truncated later cannot fault it (unlike a mapping
// of the file itself, which died with SIGBUS).
const bigRead = 256 << 10

// alloc returns a buffer of n bytes and the function that frees it when
// it is not kept.
func alloc(n int64) ([]byte, func()) {
	if n >= bigRead {
		b, err := unix.Mmap(-1, 0, int(n), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_POPULATE)
		if err == nil {
			return b, func() { unix.Munmap(b) }
		}
	}
	return make([]byte, n), func() {}
}
