package populate

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws one status line on a terminal: accounts done out of those
// found so far, and the request rate. It draws nothing when the writer is
// not a terminal. A nil *progress is valid and does nothing.
type progress struct {
	w        io.Writer
	total    atomic.Int64 // accounts found
	complete atomic.Bool  // every account page read
	finished atomic.Int64 // accounts whose roles are listed
	requests atomic.Int64

	stop chan struct{}
	wg   sync.WaitGroup
}

// progressInterval is how often the line is redrawn (a variable for
// tests).
var progressInterval = 200 * time.Millisecond

func startProgress(w io.Writer, tty bool) *progress {
	if w == nil || !tty {
		return nil
	}
	p := &progress{w: w, stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop()
	return p
}

func (p *progress) found(n int) {
	if p != nil {
		p.total.Add(int64(n))
	}
}

func (p *progress) listed() {
	if p != nil {
		p.complete.Store(true)
	}
}

func (p *progress) done() {
	if p != nil {
		p.finished.Add(1)
	}
}

func (p *progress) request() {
	if p != nil {
		p.requests.Add(1)
	}
}

func (p *progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	last, lastAt := int64(0), time.Now()
	rate := 0.0
	for {
		select {
		case <-p.stop:
			io.WriteString(p.w, "\r\x1b[K")
			return
		case now := <-t.C:
			n := p.requests.Load()
			if dt := now.Sub(lastAt).Seconds(); dt > 0 {
				r := float64(n-last) / dt
				if rate == 0 {
					rate = r
				}
				rate = 0.7*rate + 0.3*r
			}
			last, lastAt = n, now
			io.WriteString(p.w, p.line(rate))
		}
	}
}

// line renders the status line.
func (p *progress) line(rate float64) string {
	total := fmt.Sprint(p.total.Load())
	if !p.complete.Load() {
		total += "+"
	}
	return fmt.Sprintf("\r\x1b[Kassume: listing roles: %d/%s accounts, %.1f req/s", p.finished.Load(), total, rate)
}

// close erases the line.
func (p *progress) close() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
}
