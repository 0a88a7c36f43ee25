package term

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	xterm "golang.org/x/term"
)

// ErrNoTerminal is returned by prompts when there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to prompt on")

// Streams is the I/O a command may use. Tests build one with Test().
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
	// Environ lists the environment as KEY=value pairs (for child processes).
	Environ func() []string

	// OpenTTY opens the controlling terminal for prompts. nil means no
	// terminal is available.
	OpenTTY func() (io.ReadWriteCloser, error)

	// StderrTTY reports whether stderr is a terminal (for colour/progress).
	StderrTTY bool
	// StdoutTTY reports whether stdout is a terminal.
	StdoutTTY bool
}

// System returns the streams of the running process.
func System() *Streams {
	s := &Streams{
		In:        os.Stdin,
		Out:       os.Stdout,
		Err:       os.Stderr,
		Getenv:    os.Getenv,
		Environ:   os.Environ,
		StderrTTY: isTerminal(os.Stderr),
		StdoutTTY: isTerminal(os.Stdout),
	}
	s.OpenTTY = openTTY
	return s
}

// Test returns streams backed by the given reader and buffers, with no
// terminal and the given environment.
func Test(in io.Reader, out, errw io.Writer, env map[string]string) *Streams {
	return &Streams{
		In:     in,
		Out:    out,
		Err:    errw,
		Getenv: func(k string) string { return env[k] },
		Environ: func() []string {
			var kv []string
			for k, v := range env {
				kv = append(kv, k+"="+v)
			}
			return kv
		},
	}
}

func isTerminal(f *os.File) bool { return xterm.IsTerminal(int(f.Fd())) }

// CanPrompt reports whether a terminal is available for prompts. The
// ASSUME_NO_PROMPT=1 setting turns prompts off (scripts, CI).
func (s *Streams) CanPrompt() bool {
	if s.OpenTTY == nil || s.Getenv("ASSUME_NO_PROMPT") == "1" {
		return false
	}
	t, err := s.OpenTTY()
	if err != nil {
		return false
	}
	t.Close()
	return true
}

// Prompt writes question to the terminal and reads one line of answer from
// it. The answer is echoed unless secret is set.
func (s *Streams) Prompt(question string, secret bool) (string, error) {
	if s.OpenTTY == nil || s.Getenv("ASSUME_NO_PROMPT") == "1" {
		return "", ErrNoTerminal
	}
	t, err := s.OpenTTY()
	if err != nil {
		return "", ErrNoTerminal
	}
	defer t.Close()
	promptMu.Lock()
	defer promptMu.Unlock()
	if _, err := io.WriteString(t, question); err != nil {
		return "", err
	}
	if f, ok := t.(*os.File); ok && secret && xterm.IsTerminal(int(f.Fd())) {
		b, err := xterm.ReadPassword(int(f.Fd()))
		io.WriteString(t, "\n")
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReader(t).ReadString('\n')
	if err != nil && line == "" {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("no answer on the terminal")
		}
		return "", err
	}
	return strings.TrimSpace(line), nil
}

var promptMu sync.Mutex

// Messages

// Errorf prints "assume: error: ..." on stderr, one line: the message
// may quote AWS, so it goes through Clean.
func (s *Streams) Errorf(format string, a ...any) {
	io.WriteString(s.Err, "assume: error: "+Clean(fmt.Sprintf(format, a...))+"\n")
}

// Hintf prints "assume: hint: ..." on stderr, cleaned like Errorf.
func (s *Streams) Hintf(format string, a ...any) {
	io.WriteString(s.Err, "assume: hint: "+Clean(fmt.Sprintf(format, a...))+"\n")
}

// Noticef prints "assume: ..." on stderr, cleaned like Errorf.
func (s *Streams) Noticef(format string, a ...any) {
	io.WriteString(s.Err, "assume: "+Clean(fmt.Sprintf(format, a...))+"\n")
}
