package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// The environment variables through which an `assume init` wrapper tells
// the binary where to send shell code. Only the binary sees them: the
// wrappers set them for that one command.
const (
	EnvShell      = "ASSUME_SHELL"       // the wrapper's shell: bash, zsh, fish, pwsh or nu
	EnvOutputFD   = "ASSUME_OUTPUT_FD"   // decimal number of an inherited pipe to write to
	EnvOutputFile = "ASSUME_OUTPUT_FILE" // absolute path of a file to create (0600) and write to
)

// EnvShellPID is the PID of the interactive shell whose function runs the
// binary ($$ in bash and zsh, even in the function's subshell; $fish_pid;
// $nu.pid): `assume serve` stops when that shell exits.
const EnvShellPID = "ASSUME_SHELL_PID"

// Channel is the private way back to the wrapper function: whatever is
// written to it is run by the calling shell once the binary exits 0.
// Close it (or use Send) before exiting.
type Channel struct {
	// Shell is the canonical name of the calling shell; it is also the
	// format the wrapper expects (the nu wrapper expects Emit's nu JSON).
	Shell string
	io.WriteCloser
}

// Send emits s for the channel's shell, writes it and closes the channel.
func (c *Channel) Send(s Script) error {
	code, err := Emit(c.Shell, s)
	if err != nil {
		c.Close()
		return err
	}
	if _, err := io.WriteString(c, code); err != nil {
		c.Close()
		return fmt.Errorf("writing to the %s wrapper: %w", c.Shell, err)
	}
	if err := c.Close(); err != nil {
		return fmt.Errorf("closing the channel to the %s wrapper: %w", c.Shell, err)
	}
	return nil
}

// ErrNoChannel is wrapped by OpenChannel's errors when EnvShell is set but
// the channel it promises cannot be used: a wrapper from another version, or
// variables left over in an environment they were not meant for.
var ErrNoChannel = errors.New("no usable channel to the shell wrapper")

// OpenChannel returns the channel to the `assume init` wrapper that started
// this process, reading the variables through getenv. It returns nil, nil
// when EnvShell is empty: the binary was not started by a wrapper.
//
// For EnvOutputFD it marks the descriptor close-on-exec at once, so that
// `--exec` children and daemons never inherit it; otherwise they would keep
// the shell's command substitution waiting. It refuses descriptors 0-2 and
// anything that is not a pipe. For EnvOutputFile it creates the file with
// mode 0600, failing if it exists, and on Unix refuses a folder that others
// may write to.
//
// Call it first thing in main, before anything can start a process, and use
// OpenFromEnv in the real binary so the variables do not leak to children.
func OpenChannel(getenv func(string) string) (*Channel, error) {
	shellName := getenv(EnvShell)
	if shellName == "" {
		return nil, nil
	}
	name := canonical(shellName)
	if !hasInit(name) {
		return nil, fmt.Errorf("%s=%q: %w: unknown shell", EnvShell, shellName, ErrNoChannel)
	}
	fdText, path := getenv(EnvOutputFD), getenv(EnvOutputFile)
	switch {
	case fdText != "" && path != "":
		return nil, fmt.Errorf("both %s and %s are set: %w", EnvOutputFD, EnvOutputFile, ErrNoChannel)
	case fdText != "":
		fd, err := parseFD(fdText)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", EnvOutputFD, ErrNoChannel, err)
		}
		w, err := openFD(fd)
		if err != nil {
			return nil, fmt.Errorf("%s=%d: %w: %w", EnvOutputFD, fd, ErrNoChannel, err)
		}
		return &Channel{Shell: name, WriteCloser: w}, nil
	case path != "":
		w, err := openFile(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", EnvOutputFile, ErrNoChannel, err)
		}
		return &Channel{Shell: name, WriteCloser: w}, nil
	}
	return nil, fmt.Errorf("%s is set but neither %s nor %s: %w", EnvShell, EnvOutputFD, EnvOutputFile, ErrNoChannel)
}

// OpenFromEnv is OpenChannel on this process's environment. It then removes
// the three variables from the environment, whatever the outcome, so that no
// child (an `--exec` command, a nested assume) mistakes them for its own.
func OpenFromEnv() (*Channel, error) {
	ch, err := OpenChannel(os.Getenv)
	for _, k := range []string{EnvShell, EnvOutputFD, EnvOutputFile} {
		os.Unsetenv(k)
	}
	return ch, err
}

// maxFD bounds the descriptor numbers accepted from the environment.
const maxFD = 1 << 20

// parseFD parses a descriptor number as the wrappers write it: plain
// decimal digits, 3 or more.
func parseFD(s string) (int, error) {
	if s == "" || len(s) > 7 {
		return 0, fmt.Errorf("invalid descriptor %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("invalid descriptor %q", s)
		}
	}
	fd, err := strconv.Atoi(s)
	if err != nil || fd > maxFD {
		return 0, fmt.Errorf("invalid descriptor %q", s)
	}
	if fd < 3 {
		return 0, fmt.Errorf("descriptor %d is stdin, stdout or stderr", fd)
	}
	return fd, nil
}

// openFile creates the output file of a file channel.
func openFile(path string) (*os.File, error) {
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("%q is not an absolute path", path)
	}
	if err := checkPrivateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	// O_EXCL: never write into a file (or through a symlink) someone else
	// prepared; the wrapper only makes the folder.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating output file: %w", err)
	}
	return f, nil
}
