package cli

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/assume-cli/assume/internal/sigrelay"
)

// signalGrace is how long a run may take to notice an INT or TERM (ctx is
// cancelled at once) before the process ends by itself: a read or a wait
// that takes no context must not keep assume alive.
var signalGrace = time.Second

// signalContext is the context of a run: INT and TERM cancel it once the
// handlers are armed, which happens the first time something may wait on it
// (Done: a child, a call of assume-aws, anything with a deadline) or waits
// on the user (invocation.Prompt, armSignals before reading stdin). A cache
// hit never arms them: signal.Notify costs a signal-receiving thread and a
// goroutine, a noticeable part of a run that reads two files; until then an
// INT or TERM ends the process the default way, with nothing to clean up.
type signalContext struct {
	context.Context
	arm func()
}

func (c *signalContext) Done() <-chan struct{} {
	c.arm()
	return c.Context.Done()
}

// cancelOnSignal returns a context that INT and TERM cancel once armed
// (signalContext), and ends the process with ExitCancelled when the run has
// not returned signalGrace after the signal and no child owns the signals
// (sigrelay.Active).
func cancelOnSignal(s *invocation) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var (
		once  sync.Once
		sigs  chan os.Signal
		done  = make(chan struct{})
		armed bool
	)
	arm := func() { once.Do(func() { armed = true; sigs = watchSignals(s, cancel, done) }) }
	s.armSignals = arm
	return &signalContext{Context: ctx, arm: arm}, func() {
		once.Do(func() {}) // no arming after the run
		if armed {
			signal.Stop(sigs)
		}
		close(done)
		cancel()
	}
}

// watchSignals starts the handling of INT and TERM: cancel at once, then
// the process ends after signalGrace unless done first.
func watchSignals(s *invocation, cancel context.CancelFunc, done chan struct{}) chan os.Signal {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
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
	return sigs
}

// Prompt is term.Streams.Prompt with the signal handlers armed first.
func (inv *invocation) Prompt(label string, secret bool) (string, error) {
	inv.arm()
	return inv.Streams.Prompt(label, secret)
}

// arm arms the signal handlers of the run (none outside Main: tests).
func (inv *invocation) arm() {
	if inv.armSignals != nil {
		inv.armSignals()
	}
}
