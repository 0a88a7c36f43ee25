//go:build !windows

package awsproc

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// On Unix the request is on file descriptor 3 of assume-aws and, for an
// operation, the response goes to file descriptor 4: private pipes, while
// the standard streams stay the user's.
const (
	requestFD  = 3
	responseFD = 4
	exeSuffix  = ""
)

// exchange starts cmd with body readable on fd 3 and returns what it wrote
// to fd 4 (at most MaxMessage+1 bytes, so that readMessage refuses more).
func exchange(cmd *exec.Cmd, body []byte) ([]byte, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{reqR, respW}
	if err := cmd.Start(); err != nil {
		reqR.Close()
		reqW.Close()
		respR.Close()
		respW.Close()
		return nil, err
	}
	reqR.Close()
	respW.Close()
	go func() {
		reqW.Write(body)
		reqW.Close()
	}()
	out, rerr := io.ReadAll(io.LimitReader(respR, MaxMessage+1))
	respR.Close()
	werr := cmd.Wait()
	if rerr != nil {
		return out, rerr
	}
	return out, werr
}

// requestPipe is the pipe that holds body, written whole and closed (a
// request is far smaller than a pipe's buffer, so this never blocks).
func requestPipe(body []byte) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	_, err = w.Write(body)
	w.Close()
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// replaceProcess executes assume-aws at path in place of this process,
// with body (when there is one) readable on fd 3. It returns only when
// that fails.
func replaceProcess(path string, args []string, body []byte, env []string) error {
	if body != nil {
		r, err := requestPipe(body)
		if err != nil {
			return err
		}
		defer r.Close()
		// dup2 leaves the copy without close-on-exec; it replaces whatever
		// was on 3 (the shell function's channel, unused by these commands).
		if err := unix.Dup2(int(r.Fd()), requestFD); err != nil {
			return fmt.Errorf("handing over to %s: %v", Executable, err)
		}
	}
	err := syscall.Exec(path, append([]string{path}, args...), env)
	return fmt.Errorf("cannot run %s: %v", path, err)
}

// passRequest gives cmd the request on fd 3.
func passRequest(cmd *exec.Cmd, body []byte) (cleanup func(), err error) {
	r, err := requestPipe(body)
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{r}
	return func() { r.Close() }, nil
}

// openInherited adopts descriptor fd, made close-on-exec first so that no
// child of assume-aws (credential_process, the command of exec) inherits it.
func openInherited(fd int, name string) (*os.File, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, errNotByHand
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), name), nil
}

var errNotByHand = errors.New(Executable + " is started by assume, not by hand")

// serveChannel is the server's side of an operation: the request on fd 3,
// the response to fd 4.
func serveChannel() (io.ReadCloser, io.WriteCloser, error) {
	in, err := openInherited(requestFD, "request")
	if err != nil {
		return nil, nil, err
	}
	out, err := openInherited(responseFD, "response")
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}

// handOffChannel is the request of a hand-off: fd 3. file is the Windows
// way and refused here.
func handOffChannel(file string) (io.ReadCloser, func(), error) {
	if file != "" {
		return nil, nil, errors.New("--request-file is for Windows")
	}
	in, err := openInherited(requestFD, "request")
	if err != nil {
		return nil, nil, err
	}
	return in, func() {}, nil
}
