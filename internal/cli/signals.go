package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/assume-cli/assume/internal/sigrelay"
	"github.com/assume-cli/assume/internal/term"
)

// signalGrace is how long a run may take to notice an INT or TERM (ctx is
// cancelled at once) before the process ends by itself: a read or a wait
// that takes no context must not keep assume alive.
var signalGrace = time.Second

// cancelOnSignal returns a context that INT and TERM cancel, and ends the
// process with ExitCancelled when the run has not returned signalGrace
// after the signal and no child owns the signals (sigrelay.Active).
func cancelOnSignal(s *term.Streams) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		if sigrelay.Active() {
			return
		}
		select {
		case <-time.After(signalGrace):
		case <-done:
			return
		}
		if sigrelay.Active() {
			return
		}
		s.Errorf("cancelled")
		os.Exit(ExitCancelled)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
