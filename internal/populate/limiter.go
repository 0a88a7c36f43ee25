package populate

// The adaptive limiter paces requests to a rate it learns from the server,
// the way CUBIC paces a TCP window, on a rate instead of a window:
//
//   - requests start one after another at least 1/rate apart, the gap taken
//     from the rate when the slot comes (so a cut applies at once), and no
//     burst credit builds up while idle (a pause never turns into a storm);
//   - slow start: until the first throttle each success raises the rate by
//     slowGain, so it grows by e every 1/slowGain seconds;
//   - on a throttle, wmax (the rate the server allows, as far as we know) is
//     estimated from the latest outcomes: the rate requests were sent at
//     while most went through, else twice the rate that went through; the
//     rate falls to beta × wmax. When nothing went through since the
//     previous cut, or too little in the last 30s (far above the limit at
//     the start, or a storm), the rate halves instead, and wmax, once
//     measured, stays, so that the rate climbs back quickly when requests
//     go through again;
//   - one cut per burst: throttles of requests sent before the last cut do
//     not cut again (epochs);
//   - a server that throttles a share of the calls whatever the rate (fault
//     injection, a quota shared with others) would make every tooth end
//     after a few calls and the rate collapse. So when each of the last
//     three teeth had at least backgroundMin of its calls throttled, the
//     smallest share is taken as background: throttles cut the rate only
//     when they exceed it by backgroundMargin (and one);
//   - afterwards the rate follows wmax × (1 + cubicC × ((t − K)/S)³), t the
//     time since the cut, K the time at which the curve is back at wmax and
//     S the time unit, 1s or toothRequests requests at wmax if that is
//     longer, up to 4s: fast while far below wmax (recovery after a storm),
//     flat near it, then probing past it ever faster until the next
//     throttle. The curve scales with wmax, so the sawtooth has the same
//     shape at 20 and at 2,000 requests a second: beta × limit up to a
//     little over the limit, about 2S a tooth, a throttle or a few a tooth.

import (
	"context"
	"math"
	"sync"
	"time"
)

// LimiterConfig tunes the adaptive rate limiter. The zero value means the
// defaults.
type LimiterConfig struct {
	// InitialRate is the starting rate in requests per second (default 20).
	InitialRate float64
	// MinRate is the floor of the rate (default 0.5).
	MinRate float64
	// MaxRate is the ceiling of the rate (default 10000).
	MaxRate float64
}

const (
	defaultInitialRate = 20
	defaultMinRate     = 0.5
	defaultMaxRate     = 10000

	slowGain      = 16               // rate added per success in slow start (e-fold in 1/16 s)
	beta          = 0.9              // fraction of the measured rate kept after a throttle
	cubicC        = 0.1              // cubic growth, relative to wmax, per span³
	toothRequests = 12               // the span is at least 1s and this many requests at wmax,
	maxSpan       = 4                // but at most 4s
	measureN      = 16               // outcomes the limit is estimated from
	measureLo     = 6                // fewest outcomes that make an estimate
	measureAge    = 30 * time.Second // older outcomes are not counted

	minTooth         = 4    // fewest calls in a tooth that tell its share of throttles
	backgroundMin    = 0.1  // a smaller share of throttles is the limit, not background
	backgroundMargin = 0.05 // throttles beyond background + this share cut the rate
)

func (c LimiterConfig) withDefaults() LimiterConfig {
	if c.InitialRate <= 0 {
		c.InitialRate = defaultInitialRate
	}
	if c.MinRate <= 0 {
		c.MinRate = defaultMinRate
	}
	if c.MaxRate <= 0 {
		c.MaxRate = defaultMaxRate
	}
	c.MinRate = math.Min(c.MinRate, c.MaxRate)
	c.InitialRate = math.Max(c.MinRate, math.Min(c.InitialRate, c.MaxRate))
	return c
}

// limiter is the adaptive rate limiter. Its methods take the time as an
// argument so that tests can drive it with a virtual clock.
type limiter struct {
	mu    sync.Mutex
	cfg   LimiterConfig
	rate  float64
	slow  bool
	epoch uint64
	last  time.Time // the slot of the latest request

	wmax        float64   // the rate the server allows, as last estimated
	measuredCut bool      // wmax comes from a measurement
	cut         time.Time // when the rate was last cut
	k           float64   // seconds after cut at which the curve is back at wmax
	span        float64   // the curve's time unit in seconds
	okSinceCut  int       // successes since the last cut
	thrSinceCut int       // throttles since the last cut

	teeth    [3]float64 // share of throttles in the latest teeth (cut to cut)
	toothN   int
	toothPos int

	outs [measureN]outcome // ring of the latest outcomes
	outN int               // outcomes recorded, up to measureN
	pos  int               // where the next one goes

	cuts int // throttle reactions, for the statistics
}

// outcome is when a request ended and whether it went through.
type outcome struct {
	at time.Time
	ok bool
}

// ticket is what a request carries from its slot to its outcome.
type ticket struct{ epoch uint64 }

func newLimiter(cfg LimiterConfig) *limiter {
	cfg = cfg.withDefaults()
	return &limiter{cfg: cfg, rate: cfg.InitialRate, slow: true}
}

// take claims the next start slot if it has come: ok with the request's
// ticket. Otherwise it returns when the slot comes; the caller waits until
// then and tries again (another caller may have taken it meanwhile). The
// slot is computed from the rate at the time of asking, so a cut applies to
// every request not yet sent.
func (l *limiter) take(now time.Time) (at time.Time, t ticket, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	gap := time.Duration(float64(time.Second) / l.rate)
	at = l.last.Add(gap)
	if l.last.IsZero() || !at.After(now) {
		// Sent on time (or late, by less than a gap: the lateness of a
		// timer is not carried over), or after an idle spell, which
		// gives no burst credit.
		if l.last.IsZero() || now.Sub(at) > gap {
			at = now
		}
		l.last = at
		return at, ticket{l.epoch}, true
	}
	return at, ticket{}, false
}

func (l *limiter) record(now time.Time, ok bool) {
	l.outs[l.pos] = outcome{now, ok}
	l.pos = (l.pos + 1) % measureN
	if l.outN < measureN {
		l.outN++
	}
}

// estimate returns what the latest outcomes (not older than measureAge)
// say about the server's limit: the rate requests were sent at when at
// least half went through, else twice the rate that went through.
func (l *limiter) estimate(now time.Time) (float64, bool) {
	n, oks := 0, 0
	var oldest, newest time.Time
	for i := 1; i <= l.outN; i++ {
		o := l.outs[(l.pos+measureN-i)%measureN]
		if now.Sub(o.at) > measureAge {
			break
		}
		if i == 1 {
			newest = o.at
		}
		oldest = o.at
		n++
		if o.ok {
			oks++
		}
	}
	span := newest.Sub(oldest).Seconds()
	if n < measureLo || oks == 0 || span <= 0 {
		return 0, false
	}
	sent := float64(n-1) / span
	return sent * math.Min(1, 2*float64(oks)/float64(n)), true
}

// success records a request that went through.
func (l *limiter) success(now time.Time, _ ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(now, true)
	l.okSinceCut++
	if l.slow {
		l.rate += slowGain
	} else {
		t := (now.Sub(l.cut).Seconds() - l.k) / l.span
		l.rate = math.Max(l.rate, l.wmax*(1+cubicC*t*t*t))
	}
	l.rate = math.Max(l.cfg.MinRate, math.Min(l.rate, l.cfg.MaxRate))
}

// throttled records a request the server refused for its rate.
func (l *limiter) throttled(now time.Time, t ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.record(now, false)
	l.thrSinceCut++
	if t.epoch != l.epoch {
		return // sent before the last cut: the same burst
	}
	if b := l.background(); b > 0 {
		n := float64(l.okSinceCut + l.thrSinceCut)
		if float64(l.thrSinceCut) <= (b+backgroundMargin)*n+1 {
			return // no more than the usual share of throttles
		}
	}
	// The share of throttles since the last cut, for background.
	if n := l.okSinceCut + l.thrSinceCut; n >= minTooth {
		l.teeth[l.toothPos] = float64(l.thrSinceCut) / float64(n)
		l.toothPos = (l.toothPos + 1) % len(l.teeth)
		l.toothN = min(l.toothN+1, len(l.teeth))
	}
	l.epoch++
	l.cuts++
	if est, ok := l.estimate(now); ok && (l.okSinceCut > 0 || l.cuts == 1) {
		l.wmax = math.Min(l.rate, est)
		l.rate = beta * l.wmax
		l.measuredCut = true
	} else {
		// Nothing went through since the last cut, or lately: the
		// rate is far above the limit (at the start), or it is a
		// storm. Back off hard, but remember the rate that worked
		// before, to climb back quickly once requests go through.
		if !l.measuredCut {
			l.wmax = l.rate
		}
		l.rate /= 2
	}
	l.slow = false
	l.okSinceCut, l.thrSinceCut = 0, 0
	l.rate = math.Max(l.cfg.MinRate, math.Min(l.rate, l.cfg.MaxRate))
	l.wmax = math.Max(l.wmax, l.rate)
	l.cut = now
	l.span = math.Min(maxSpan, math.Max(1, toothRequests/l.wmax))
	l.k = l.span * math.Cbrt((l.wmax-l.rate)/(cubicC*l.wmax))
	// The next request waits a full gap of the new rate.
	if now.After(l.last) {
		l.last = now
	}
}

// background returns the share of calls the server throttles whatever the
// rate: the smallest share of throttles in the latest teeth, if all had one
// of at least backgroundMin. A server that throttles only above its limit
// has teeth with a throttle or two in dozens of calls, so 0.
func (l *limiter) background() float64 {
	if l.toothN < len(l.teeth) {
		return 0
	}
	b := 1.0
	for _, p := range l.teeth {
		b = math.Min(b, p)
	}
	if b < backgroundMin {
		return 0
	}
	return b
}

// current returns the rate now.
func (l *limiter) current() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// wait blocks until it has a slot, in real time.
func (l *limiter) wait(ctx context.Context) (ticket, error) {
	for {
		at, t, ok := l.take(time.Now())
		if ok {
			return t, ctx.Err()
		}
		if err := sleep(ctx, time.Until(at)); err != nil {
			return ticket{}, err
		}
	}
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}
