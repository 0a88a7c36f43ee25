package populate

// The adaptive limiter paces requests to a rate it learns from the server,
// the way CUBIC paces a TCP window, on a rate instead of a window:
//
//   - requests start one after another at least 1/rate apart, the gap taken
//     from the rate when the slot comes (so a cut applies at once), and no
//     burst credit builds up while idle (a pause never turns into a storm);
//   - slow start: until the first throttle each success raises the rate by
//     slowGain, so it grows by e every 1/slowGain seconds;
//   - on a throttle, wmax (the rate the server allows, as far as we know)
//     becomes the rate that went through lately (above its limit, a server
//     lets through about its limit), capped by the rate, and the rate falls
//     to beta × wmax. When nothing went
//     through since the previous cut, or too little in the last 30s (the
//     start, or a storm), the rate halves instead, and wmax, once measured,
//     stays, so that the rate climbs back quickly when requests go through
//     again. Throttles of requests sent before a cut are the same burst and
//     do not cut again (one cut per epoch);
//   - afterwards the rate follows wmax × (1 + cubicC × ((t − K)/S)³), t the
//     time since the cut, K the time at which the curve is back at wmax and
//     S the time unit, 1s or toothRequests requests at wmax if that is
//     longer, up to 4s: fast while far below wmax (recovery after a storm),
//     flat near it, then probing past it ever faster until the next
//     throttle. The curve scales with wmax, so the sawtooth has the same
//     shape at 20 and at 2,000 requests a second: beta × limit up to a
//     little over the limit, about 2S a tooth, a throttle or a few a tooth;
//   - a server that throttles a share of the calls whatever the rate (fault
//     injection, a quota shared with others) would cut the rate every few
//     calls until it collapses. Calls sent below wmax, where a limit does
//     not throttle (after a measured cut: a storm's are forgotten), tell
//     it apart: when at least backgroundMin of the
//     latest bgWindow of them were throttled, and in each half of them
//     between backgroundGone and backgroundMax (steady, not a storm), that
//     share is background, until it falls under backgroundGone or the
//     newer half goes over backgroundMax. Its
//     discovery undoes the cuts by a slow start, and from then on throttles
//     cut the rate only when, among the latest outcomes, they exceed what
//     the background makes by backgroundZ standard deviations and one.

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
	maxStep       = 1.1              // most the rate grows a success on the curve (and +1)
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
	if l.slow {
		l.rate += slowGain
	} else {
		// The curve runs on time, but the rate climbs it no faster than
		// maxStep a success: after a spell with few successes (a storm)
		// it does not jump.
		x := (now.Sub(l.cut).Seconds() - l.k) / l.span
		target := l.wmax * (1 + cubicC*x*x*x)
		l.rate = math.Max(l.rate, math.Min(target, l.rate*maxStep+1))
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
	} else {
		// Nothing went through since the last cut, or lately: the
		// rate is far above the limit (at the start), or it is a
		// storm. Back off hard, but remember the rate that worked
		// before, to climb back quickly once requests go through.
		l.wmax = math.Max(l.wmax, l.rate)
		l.rate /= 2
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
