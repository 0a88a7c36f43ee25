package picker

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Run driven in-process through a pseudo-terminal: the test writes keys to
// the master side and reads the frames from it.

type pty struct {
	master, slave *os.File
	mu            sync.Mutex
	out           bytes.Buffer
	done          chan struct{}
}

func openPTY(t *testing.T) *pty {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlocking the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetUint32(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("naming the pseudo-terminal: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 100}); err != nil {
		t.Fatal(err)
	}
	p := &pty{master: m, slave: s, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		s.Close()
		m.Close()
		<-p.done
	})
	return p
}

func (p *pty) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitOutput waits until the terminal has shown text (synchronisation,
// not a speed check).
func (p *pty) waitOutput(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(p.output(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q; got %q", text, p.output())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (p *pty) termios(t *testing.T) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return *tio
}

type runResult struct {
	res      Result
	err      error
	panicked any
}

func (p *pty) run(items []Item, opts Options) <-chan runResult {
	ch := make(chan runResult, 1)
	go func() {
		var rr runResult
		defer func() {
			rr.panicked = recover()
			ch <- rr
		}()
		rr.res, rr.err = Run(p.slave, p.slave, items, opts)
	}()
	return ch
}

func wait(t *testing.T, ch <-chan runResult) runResult {
	t.Helper()
	select {
	case rr := <-ch:
		return rr
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	return runResult{}
}

func TestRunPTY(t *testing.T) {
	tests := []struct {
		name    string
		keys    []string // written one after another, each after a frame
		noColor bool
		action  Action
		profile string
	}{
		{name: "filter and enter", keys: []string{"stag", "\r"}, action: Assume, profile: "staging-web"},
		// Alpha order: billing, dev-product, ...
		{name: "arrow down and ctrl-o", keys: []string{"\x1b[B", "\x0f"}, action: Console, profile: "dev-product"},
		{name: "lone esc cancels", keys: []string{"pro", "\x1b"}, action: Cancel},
		{name: "ctrl-c cancels", keys: []string{"\x03"}, action: Cancel},
		{name: "ctrl-d cancels", keys: []string{"\x04"}, action: Cancel},
		{name: "no colour", keys: []string{"prod", "\x1b"}, noColor: true, action: Cancel},
	}
	items := append([]Item{{Profile: "staging-web", Account: "333333333333"}}, matchItems...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noColor {
				t.Setenv("NO_COLOR", "1")
			}
			p := openPTY(t)
			before := p.termios(t)
			ch := p.run(items, Options{Order: "alpha"})
			p.waitOutput(t, "Esc cancel")
			for _, k := range tc.keys {
				if _, err := io.WriteString(p.master, k); err != nil {
					t.Fatal(err)
				}
			}
			rr := wait(t, ch)
			if rr.err != nil || rr.panicked != nil {
				t.Fatalf("Run: %v, panic %v", rr.err, rr.panicked)
			}
			if rr.res.Action != tc.action || rr.res.Item.Profile != tc.profile {
				t.Fatalf("result %v %q, want %v %q", rr.res.Action, rr.res.Item.Profile, tc.action, tc.profile)
			}
			if after := p.termios(t); after != before {
				t.Errorf("terminal settings not restored")
			}
			p.waitOutput(t, leaveScreen)
			out := p.output()
			if !strings.HasPrefix(out, enterScreen) {
				t.Errorf("did not start in the alternate screen: %q", out[:min(len(out), 40)])
			}
			if tc.noColor {
				body := strings.TrimSuffix(out, leaveScreen)
				for _, sgr := range []string{"\x1b[0;", "\x1b[0m", ";7m", ";1;33m"} {
					if strings.Contains(body, sgr) {
						t.Errorf("NO_COLOR: colour sequence %q drawn", sgr)
					}
				}
			}
		})
	}
}

func TestRunPTYPanicRestores(t *testing.T) {
	p := openPTY(t)
	before := p.termios(t)
	keyHook = func(k key) {
		if k.kind == keyRune && k.r == '!' {
			panic("boom")
		}
	}
	defer func() { keyHook = nil }()
	ch := p.run(matchItems, Options{})
	p.waitOutput(t, "Esc cancel")
	io.WriteString(p.master, "!")
	rr := wait(t, ch)
	if rr.panicked != "boom" {
		t.Fatalf("panic %v, err %v; want the panic passed on", rr.panicked, rr.err)
	}
	if after := p.termios(t); after != before {
		t.Errorf("terminal settings not restored after a panic")
	}
	p.waitOutput(t, leaveScreen)
}
