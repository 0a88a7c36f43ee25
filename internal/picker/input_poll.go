//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package picker

import (
	"io"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

var watchedSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH}

func isResize(s os.Signal) bool { return s == syscall.SIGWINCH }

// pollEvery bounds how long the reader sleeps before checking for stop.
const pollEvery = 50 // ms

// startInput reads f in a goroutine that polls, so that stop can end it
// without leaving a read pending that would swallow the next keystrokes.
// stop waits for the goroutine to finish.
func startInput(f *os.File) (<-chan []byte, <-chan error, func()) {
	keys := make(chan []byte)
	errc := make(chan error, 1)
	done := make(chan struct{})
	exited := make(chan struct{})
	fd := int(f.Fd())
	go func() {
		defer close(exited)
		buf := make([]byte, 1024)
		for {
			select {
			case <-done:
				return
			default:
			}
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			n, err := unix.Poll(fds, pollEvery)
			if err == unix.EINTR || (err == nil && n == 0) {
				continue
			}
			if err != nil {
				errc <- err
				return
			}
			select {
			case <-done:
				return
			default:
			}
			m, err := unix.Read(fd, buf)
			if m > 0 {
				data := append([]byte(nil), buf[:m]...)
				select {
				case keys <- data:
				case <-done:
					return
				}
			}
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err != nil {
				errc <- err
				return
			}
			if m == 0 {
				errc <- io.EOF
				return
			}
		}
	}()
	var stopped bool
	return keys, errc, func() {
		if !stopped {
			stopped = true
			close(done)
			<-exited
		}
	}
}
