//go:build !windows

package worker

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
)

const exeSuffix = ""

// run starts cmd with the request on fd 3 and the response on fd 4.
func run(cmd *exec.Cmd, body []byte) ([]byte, error) {
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
	out, rerr := io.ReadAll(respR)
	respR.Close()
	werr := cmd.Wait()
	if rerr != nil {
		return out, rerr
	}
	return out, werr
}

// channel opens the worker's side: fd 3 to read, fd 4 to write, both
// close-on-exec so that no child (credential_process) inherits them.
func channel() (io.ReadCloser, io.WriteCloser, error) {
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	in := os.NewFile(3, "request")
	out := os.NewFile(4, "response")
	if in == nil || out == nil {
		return nil, nil, fmt.Errorf("%s is started by assume, not by hand", Executable)
	}
	if _, err := in.Stat(); err != nil {
		return nil, nil, fmt.Errorf("%s is started by assume, not by hand", Executable)
	}
	return in, out, nil
}
