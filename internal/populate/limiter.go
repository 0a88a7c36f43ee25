package populate

// The adaptive limiter paces requests to a rate it learns from the server,
// the way CUBIC paces a TCP window, on a rate instead of a window. Each rule
// below was settled against the simulations in limiter_test.go.
//
//   - Pacing: requests start at least 1/rate apart, the gap taken from the
//     rate when the slot comes (a cut applies at once); no burst credit
//     builds up while idle, so a pause never turns into a storm.
//   - Slow start: until the first throttle each success adds slowGain to
//     the rate, which so grows by e every 1/slowGain seconds.
//   - A throttle cuts the rate once per burst: throttles of requests sent
//     before the last cut do not cut again (epochs). The cut sets wmax, the
//     rate the server allows as far as we know, to the rate that went
//     through lately (above its limit a server lets through about its
//     limit), capped by the rate, and the rate to beta × wmax.
//   - Storms: when nothing went through since the last cut, or too little in
//     the last 30s, the rate halves instead (at the second such throttle:
//     one alone may be chance) and wmax stays; once calls go through again
//     the rate climbs back to wmax as in slow start. Before any estimate
//     (a storm at the start) it slow-starts on past it.
//   - After a cut the rate follows wmax × (1 + cubicC × ((t − K)/S)³), t the
//     time since the cut, K when the curve is back at wmax, S the time unit
//     (1s, or toothRequests calls at wmax, at most 4s), climbing it no
//     faster than slow start: flat near wmax, then probing past it ever
//     faster until the next throttle. The curve scales with wmax, so the
//     sawtooth is the same at 2 and at 2,000 calls a second: from beta ×
//     limit to a little over it, a throttle or a few a tooth.
//   - Background: a server that refuses a share of the calls whatever the
//     rate (fault injection, a quota shared with others) would make every
//     tooth a few calls long and the rate collapse. Calls sent below wmax
//     after a measured cut, where a limit does not throttle, tell it apart:
//     when at least backgroundMin of the latest bgWindow of them were
//     throttled, steadily (each half between backgroundGone and
//     backgroundMax: not a storm), that share is background. Finding it
//     undoes the cuts it caused by a slow start; from then on the estimate
//     is divided by (1 − background), and throttles cut the rate only when,
//     among the latest outcomes, they exceed what the background explains
//     by backgroundZ standard deviations and one. It is forgotten when the
//     share falls under backgroundGone, or in a storm.

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
	beta          = 0.9              // fraction of the estimate kept after a throttle
	cubicC        = 0.1              // cubic growth, relative to wmax, per span³
	toothRequests = 12               // the span is at least 1s and this many requests at wmax,
	maxSpan       = 4                // but at most 4s
	measureN      = 16               // outcomes the limit is estimated from
	measureLo     = 6                // fewest outcomes that make an estimate
	measureAge    = 30 * time.Second // older outcomes are not counted

	bgWindow       = 24   // calls sent below wmax that tell the background
	backgroundMin  = 0.15 // a smaller share of throttles is no background,
	backgroundGone = 0.08 // or no longer, once found (hysteresis),
	backgroundMax  = 0.6  // and a larger one is a storm
	backgroundZ    = 1.5  // standard deviations of throttles beyond background that cut
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

	wmax        float64 // the rate the server allows, as last estimated
	measuredCut bool    // wmax comes from a measurement
	// lastCutMeasured: the last cut was not a halving (start or storm)
	lastCutMeasured bool
	cut             time.Time // when the rate was last cut
	k               float64   // seconds after cut at which the curve is back at wmax
	span            float64   // the curve's time unit in seconds
	recovering      bool      // halved by a storm: slow start back to wmax
	okSinceCut      int       // successes since the last cut
	thrSinceCut     int       // throttles of requests sent since the last cut

	outs ring // the latest outcomes
	// below holds the outcomes of the latest calls sent below wmax; bg is
	// the background share of throttles, once found.
	below ring
	bg    float64

	cuts int // throttle reactions, for the statistics
}

// ticket is what a request carries from its slot to its outcome: its epoch
// and whether it was sent below wmax, where a server that throttles only
// above a limit does not throttle.
type ticket struct {
	epoch uint64
	below bool
}

// ring holds the latest outcomes: when each request ended and whether it
// went through.
type ring struct {
	at  [ringSize]time.Time
	ok  [ringSize]bool
	n   int // outcomes held, up to ringSize
	pos int // where the next one goes
}

const ringSize = max(measureN, bgWindow)

func (r *ring) add(at time.Time, ok bool) {
	r.at[r.pos], r.ok[r.pos] = at, ok
	r.pos = (r.pos + 1) % ringSize
	r.n = min(r.n+1, ringSize)
}

// get returns the i-th latest outcome (1 is the latest).
func (r *ring) get(i int) (time.Time, bool) {
	j := (r.pos + ringSize - i) % ringSize
	return r.at[j], r.ok[j]
}

// throttles counts the throttles among the latest k outcomes (fewer if
// fewer are held) and returns how many outcomes it looked at.
func (r *ring) throttles(k int) (thr, n int) {
	n = min(k, r.n)
	for i := 1; i <= n; i++ {
		if _, ok := r.get(i); !ok {
			thr++
		}
	}
	return thr, n
}

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
		return at, ticket{l.epoch, l.measuredCut && l.lastCutMeasured && !l.slow && l.rate < l.wmax}, true
	}
	return at, ticket{}, false
}

// estimate returns the rate that went through lately (the latest outcomes
// not older than measureAge): above its limit, a server lets through about
// its limit.
func (l *limiter) estimate(now time.Time) (float64, bool) {
	n, oks := 0, 0
	var oldest, newest time.Time
	for i := 1; i <= min(l.outs.n, measureN); i++ {
		at, ok := l.outs.get(i)
		if now.Sub(at) > measureAge {
			break
		}
		if i == 1 {
			newest = at
		}
		oldest = at
		n++
		if ok {
			oks++
		}
	}
	span := newest.Sub(oldest).Seconds()
	if n < measureLo || oks == 0 || span <= 0 {
		return 0, false
	}
	sent := float64(n-1) / span
	return sent * float64(oks) / float64(n), true
}

// observe records an outcome and updates the background share.
func (l *limiter) observe(now time.Time, t ticket, ok bool) {
	l.outs.add(now, ok)
	if !t.below || t.epoch != l.epoch {
		return
	}
	l.below.add(now, ok)
	thr, n := l.below.throttles(bgWindow)
	if n < bgWindow {
		return
	}
	// Background is steady: both halves of the window have a share of
	// throttles, and neither is a storm's.
	newer, _ := l.below.throttles(bgWindow / 2)
	older := thr - newer
	half := float64(bgWindow / 2)
	share := float64(thr) / float64(n)
	steady := float64(newer)/half <= backgroundMax && float64(older)/half <= backgroundMax &&
		float64(newer)/half >= backgroundGone && float64(older)/half >= backgroundGone
	switch {
	case l.bg == 0 && (share < backgroundMin || !steady),
		l.bg > 0 && (share < backgroundGone || float64(newer)/half > backgroundMax):
		l.bg = 0
		return
	}
	if l.bg == 0 {
		// The cuts so far were for background throttles: undo them
		// with a slow start.
		l.slow = true
		l.epoch++
	}
	l.bg = share
}

// success records a request that went through.
func (l *limiter) success(now time.Time, t ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observe(now, t, true)
	l.okSinceCut++
	if !l.measuredCut && l.rate >= l.wmax {
		// Back where the first throttles came without an estimate of
		// the limit (a storm at the start): slow start again.
		l.slow = true
	}
	switch {
	case l.slow:
		l.rate += slowGain
	case l.recovering:
		// After a storm: back to wmax as fast as slow start, then on
		// along the curve from there.
		l.rate = math.Min(l.rate+slowGain, l.wmax)
		if l.rate >= l.wmax {
			l.recovering = false
			l.cut, l.k = now, 0
		}
	default:
		// The curve runs on time, but the rate climbs it no faster than
		// slow start does: after a spell with few successes (a storm)
		// it does not jump.
		x := (now.Sub(l.cut).Seconds() - l.k) / l.span
		target := l.wmax * (1 + cubicC*x*x*x)
		l.rate = math.Max(l.rate, math.Min(target, l.rate+slowGain))
	}
	l.rate = math.Max(l.cfg.MinRate, math.Min(l.rate, l.cfg.MaxRate))
}

// throttled records a request the server refused for its rate.
func (l *limiter) throttled(now time.Time, t ticket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observe(now, t, false)
	if t.epoch != l.epoch {
		return // sent before the last cut: the same burst
	}
	if thr, n := l.outs.throttles(measureN); l.bg > 0 {
		// Throttles beyond the background share, by more than chance
		// would make them, cut the rate.
		mean := l.bg * float64(n)
		if float64(thr) <= mean+backgroundZ*math.Sqrt(mean*(1-l.bg))+1 {
			return // no more than the usual share of throttles lately
		}
	}
	l.thrSinceCut++
	if l.cuts > 0 && l.okSinceCut == 0 && l.thrSinceCut < 2 {
		return // one throttle right after a cut: wait for a second
	}
	l.epoch++
	l.cuts++
	if est, ok := l.estimate(now); ok && (l.okSinceCut > 0 || l.cuts == 1) {
		// Background throttles would have gone through at any rate.
		est /= 1 - l.bg
		l.wmax = math.Min(l.rate, est)
		l.rate = beta * l.wmax
		l.measuredCut, l.lastCutMeasured = true, true
		l.recovering = false
	} else {
		// Nothing went through since the last cut, or lately: the
		// rate is far above the limit (at the start), or it is a
		// storm. Back off hard, but remember the rate that worked
		// before, to climb back quickly once requests go through.
		l.wmax = math.Max(l.wmax, l.rate)
		l.rate /= 2
		l.recovering = true
		if !l.lastCutMeasured {
			// Halving after halving: a storm, which says nothing
			// about background.
			l.below = ring{}
			l.bg = 0
		}
		l.lastCutMeasured = false
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
