package picker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"time"

	xterm "golang.org/x/term"
)

// keyHook, when not nil, sees every decoded key first (tests only).
var keyHook func(k key)

// escWait is how long a lone ESC waits for the rest of an escape sequence.
const escWait = 25 * time.Millisecond

// Terminal control sequences.
const (
	enterScreen = "\x1b[?1049h\x1b[H\x1b[2J"
	leaveScreen = "\x1b[0m\x1b[?25h\x1b[?1049l"
)

// Run shows the picker over items and returns what the user chose. in is
// the terminal to read keys from (it is put in raw mode), out the terminal
// to draw on (the tty or stderr; never stdout). Both must be terminals and
// TERM must not be "dumb", or Run returns ErrNotTerminal without touching
// either. The terminal is restored on every way out, including a panic and
// SIGTERM (then Run returns ErrInterrupted).
func Run(in, out *os.File, items []Item, opts Options) (Result, error) {
	if len(items) == 0 {
		return Result{}, ErrNoItems
	}
	if in == nil || out == nil || !xterm.IsTerminal(int(in.Fd())) || !xterm.IsTerminal(int(out.Fd())) ||
		os.Getenv("TERM") == "dumb" {
		return Result{}, ErrNotTerminal
	}
	if out == os.Stdout {
		return Result{}, errors.New("the profile picker draws on the terminal, not on stdout")
	}
	if os.Getenv("NO_COLOR") != "" {
		opts.NoColor = true
	}
	md := newModel(items, opts)

	inFd, outFd := int(in.Fd()), int(out.Fd())
	sigc := make(chan os.Signal, 4)
	signal.Notify(sigc, watchedSignals...)
	defer signal.Stop(sigc)

	old, err := xterm.MakeRaw(inFd)
	if err != nil {
		return Result{}, fmt.Errorf("putting the terminal in raw mode: %w", err)
	}
	var once sync.Once
	restore := func() {
		once.Do(func() {
			io.WriteString(out, leaveScreen)
			xterm.Restore(inFd, old)
		})
	}
	defer func() {
		r := recover()
		restore()
		if r != nil {
			panic(r)
		}
	}()
	if _, err := io.WriteString(out, enterScreen); err != nil {
		return Result{}, fmt.Errorf("drawing the picker: %w", err)
	}

	keys, readErr, stopInput := startInput(in)
	defer stopInput()

	var frame bytes.Buffer
	draw := func() error {
		w, h, err := xterm.GetSize(outFd)
		if err != nil || w <= 0 || h <= 0 {
			w, h = 80, 24
		}
		frame.Reset()
		md.render(&frame, w, h)
		_, err = out.Write(frame.Bytes())
		return err
	}
	rows := func() int {
		_, h, err := xterm.GetSize(outFd)
		if err != nil || h <= 0 {
			h = 24
		}
		return frameRows(h)
	}

	var pending []byte
	var escTimer <-chan time.Time
	// feed decodes pending input; it reports a finished pick.
	feed := func(final bool) (bool, Action) {
		for len(pending) > 0 {
			k, n := decodeKey(pending, final)
			if n == 0 {
				escTimer = time.After(escWait)
				return false, Cancel
			}
			pending = pending[n:]
			if keyHook != nil {
				keyHook(k)
			}
			if done, action := md.handle(k, rows()); done {
				return true, action
			}
		}
		escTimer = nil
		return false, Cancel
	}
	finish := func(action Action) (Result, error) {
		if action == Cancel {
			return Result{Action: Cancel}, nil
		}
		it, _ := md.selected()
		return Result{Action: action, Item: it}, nil
	}

	for {
		if err := draw(); err != nil {
			return Result{}, fmt.Errorf("drawing the picker: %w", err)
		}
		select {
		case data := <-keys:
			pending = append(pending, data...)
			if done, action := feed(false); done {
				return finish(action)
			}
		case <-escTimer:
			if done, action := feed(true); done {
				return finish(action)
			}
		case err := <-readErr:
			if errors.Is(err, io.EOF) {
				return Result{Action: Cancel}, nil
			}
			return Result{}, fmt.Errorf("reading the terminal: %w", err)
		case sig := <-sigc:
			if isResize(sig) {
				continue
			}
			return Result{Action: Cancel}, ErrInterrupted
		}
	}
}
