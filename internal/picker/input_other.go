//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package picker

import (
	"os"
	"syscall"
)

var watchedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// isResize is false: without SIGWINCH the size is read again before every
// frame.
func isResize(os.Signal) bool { return false }

// startInput reads f in a goroutine. Without poll the goroutine cannot be
// stopped while it waits for a key; stop only makes it drop what it reads.
func startInput(f *os.File) (<-chan []byte, <-chan error, func()) {
	keys := make(chan []byte)
	errc := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		buf := make([]byte, 1024)
		for {
			m, err := f.Read(buf)
			if m > 0 {
				data := append([]byte(nil), buf[:m]...)
				select {
				case keys <- data:
				case <-done:
					return
				}
			}
			if err != nil {
				select {
				case errc <- err:
				default:
				}
				return
			}
		}
	}()
	var stopped bool
	return keys, errc, func() {
		if !stopped {
			stopped = true
			close(done)
		}
	}
}
