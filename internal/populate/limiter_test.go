package populate

import (
	"cmp"
	"container/heap"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// simulation runs the limiter and the retry policy against a token-bucket
// server in virtual time: jobs requests, each retried until it succeeds.
type simulation struct {
	limit, burst float64       // the server's token bucket
	latency      time.Duration // round trip (±25 % jitter)
	workers      int
	jobs         int
	initial      float64 // the limiter's InitialRate (0: default)
	// stormAt, stormFor: from stormAt on, every request is refused for
	// stormFor.
	stormAt, stormFor time.Duration
	// faultEvery: every n-th request is refused whatever the rate, as
	// the emulator's fault injection does; faultRandom: each request is
	// refused with that probability.
	faultEvery  int
	faultRandom float64
	seed        uint64
}

type simResult struct {
	elapsed     time.Duration
	requests    int
	throttled   int
	maxAttempts int
	cuts        int
}

type simEvent struct {
	at      time.Time
	kind    int // 0 worker free, 1 request reaches server, 2 response
	worker  int
	tk      ticket
	ok      bool
	attempt int
}

type eventQueue []simEvent

func (q eventQueue) Len() int           { return len(q) }
func (q eventQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q eventQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)        { *q = append(*q, x.(simEvent)) }
func (q *eventQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

func (s simulation) run() simResult {
	rng := rand.New(rand.NewPCG(s.seed, 1))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lim := newLimiter(LimiterConfig{InitialRate: s.initial})
	retry := RetryPolicy{}.withDefaults()
	tokens, last := s.burst, start
	var res simResult
	q := &eventQueue{}
	next := 0 // next job to hand out
	done := 0
	lat := func() time.Duration {
		return time.Duration(float64(s.latency) * (0.75 + 0.5*rng.Float64()))
	}
	send := func(now time.Time, w, attempt int) {
		at, tk, ok := lim.take(now)
		if !ok {
			heap.Push(q, simEvent{at: at, kind: 3, worker: w, attempt: attempt})
			return
		}
		heap.Push(q, simEvent{at: at.Add(lat() / 2), kind: 1, worker: w, tk: tk, attempt: attempt})
	}
	for w := range s.workers {
		heap.Push(q, simEvent{at: start, kind: 0, worker: w})
	}
	var end time.Time
	for q.Len() > 0 {
		e := heap.Pop(q).(simEvent)
		switch e.kind {
		case 0:
			if next < s.jobs {
				next++
				send(e.at, e.worker, 1)
			}
		case 1:
			res.requests++
			tokens = math.Min(s.burst, tokens+e.at.Sub(last).Seconds()*s.limit)
			last = e.at
			since := e.at.Sub(start)
			fault := s.faultEvery > 0 && res.requests%s.faultEvery == 0 || rng.Float64() < s.faultRandom // refused before the bucket
			e.ok = !fault && tokens >= 1 && (since < s.stormAt || since >= s.stormAt+s.stormFor)
			if e.ok {
				tokens--
			}
			e.kind = 2
			e.at = e.at.Add(lat() / 2)
			heap.Push(q, e)
		case 2:
			res.maxAttempts = max(res.maxAttempts, e.attempt)
			if e.ok {
				lim.success(e.at, e.tk)
				done++
				end = e.at
				heap.Push(q, simEvent{at: e.at, kind: 0, worker: e.worker})
				continue
			}
			res.throttled++
			lim.throttled(e.at, e.tk)
			d := retry.backoff(e.attempt, rng.Float64())
			heap.Push(q, simEvent{at: e.at.Add(d), kind: 3, worker: e.worker, attempt: e.attempt + 1})
		case 3: // retry after backoff, or the slot came
			send(e.at, e.worker, e.attempt)
		}
	}
	res.elapsed = end.Sub(start)
	res.cuts = lim.cuts
	return res
}

func TestLimiterConvergesInSimulation(t *testing.T) {
	tests := []struct {
		name string
		sim  simulation
		// slowest and most throttled acceptable, beyond 1.2× the ideal
		// time and 6 % of the requests
		maxRatio, maxThrottled float64
	}{
		// The lead's benchmark: 2,000 accounts, ListAccountRoles at 20/s.
		{"2000 accounts at 20/s, strict bucket, loopback", simulation{limit: 20, burst: 1, latency: 2 * time.Millisecond, workers: 8, jobs: 2000}, 0, 0},
		{"2000 accounts at 20/s, burst 5", simulation{limit: 20, burst: 5, latency: 80 * time.Millisecond, workers: 8, jobs: 2000}, 0, 0},
		{"2000 accounts at 20/s, burst 20", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 2000}, 0, 0},
		{"2000 accounts at 20/s, slow server", simulation{limit: 20, burst: 5, latency: 300 * time.Millisecond, workers: 8, jobs: 2000}, 0, 0},
		{"400 accounts at 200/s", simulation{limit: 200, burst: 10, latency: 2 * time.Millisecond, workers: 8, jobs: 400}, 0, 0},
		// At a few requests a second a sawtooth tooth is a dozen requests,
		// and each costs a throttle.
		{"low limit 2/s", simulation{limit: 2, burst: 2, latency: 80 * time.Millisecond, workers: 8, jobs: 200}, 0, 0.15},
		// Everything is refused for 3s in the middle (the ideal time
		// counts them): the rate backs off, then climbs back in seconds.
		{"storm", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 1000, stormAt: 20 * time.Second, stormFor: 3 * time.Second}, 0, 0.1},
		// The emulator's fault injection refuses every 4th call; the
		// ideal time counts the refused calls.
		// ideal time counts the refused calls, not their backoff.
		{"every 4th call refused, no limit", simulation{limit: 1e6, burst: 1e6, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultEvery: 4}, 1.5, 0.26},
		// Refused at random, whatever the rate: the background share is
		// noisy, so a false cut now and then.
		{"a quarter of the calls refused at random, no limit", simulation{limit: 1e6, burst: 1e6, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultRandom: 0.25}, 2, 0.3},
		{"a tenth of the calls refused at random, 20/s", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultRandom: 0.1}, 1.8, 0.25},
		// 40 % refused at random: one call in 10,000 is refused ten times
		// in a row, so the attempts are not checked (Options.Retry can
		// allow more); the rate must not collapse.
		{"40% of the calls refused at random, 20/s", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultRandom: 0.4}, 3.5, 0.55},
		{"every 4th call refused, 20/s", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultEvery: 4}, 1.25, 0.4},
		{"high limit 1000/s", simulation{limit: 1000, burst: 50, latency: 5 * time.Millisecond, workers: 8, jobs: 20000}, 0, 0},
		{"start far above the limit", simulation{limit: 5, burst: 5, latency: 50 * time.Millisecond, workers: 8, jobs: 500, initial: 500}, 0, 0.12},
		// A bucket without burst throttles whenever two requests arrive a
		// little closer than 1/limit, so the sawtooth settles lower.
		{"start far above the limit, strict bucket", simulation{limit: 5, burst: 1, latency: 50 * time.Millisecond, workers: 8, jobs: 500, initial: 500}, 1.3, 0.12},
		{"start below the limit, 32 workers", simulation{limit: 100, burst: 100, latency: 100 * time.Millisecond, workers: 32, jobs: 3000, initial: 1}, 0, 0},
		{"concurrency bound", simulation{limit: 1000, burst: 1000, latency: 100 * time.Millisecond, workers: 8, jobs: 800}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(5) {
				sim := tt.sim
				sim.seed = seed
				r := sim.run()
				// Refused calls take a worker's time but no token.
				calls := float64(sim.jobs)
				if sim.faultEvery > 0 {
					calls *= float64(sim.faultEvery) / float64(sim.faultEvery-1)
				}
				calls /= 1 - sim.faultRandom
				secs := max(float64(sim.jobs)/sim.limit, calls/(float64(sim.workers)/sim.latency.Seconds()))
				ideal := time.Duration(secs*float64(time.Second)) + sim.stormFor
				ratio := r.elapsed.Seconds() / ideal.Seconds()
				if seed == 0 {
					t.Logf("elapsed %v (%.3f× ideal), %d requests, %d throttled (%.1f%%), %d cuts, max attempts %d",
						r.elapsed.Round(time.Millisecond), ratio, r.requests, r.throttled,
						100*float64(r.throttled)/float64(r.requests), r.cuts, r.maxAttempts)
				}
				maxRatio, maxThrottled := cmp.Or(tt.maxRatio, 1.2), cmp.Or(tt.maxThrottled, 0.06)
				if ratio > maxRatio {
					t.Errorf("seed %d: %.3f× the ideal time", seed, ratio)
				}
				if r.maxAttempts >= 10 && sim.faultRandom < 0.4 {
					t.Errorf("seed %d: a request needed %d attempts", seed, r.maxAttempts)
				}
				if frac := float64(r.throttled) / float64(r.requests); frac > maxThrottled {
					t.Errorf("seed %d: %.1f%% of requests throttled", seed, 100*frac)
				}
			}
		})
	}
}

func TestLimiterRules(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

	l := newLimiter(LimiterConfig{InitialRate: 10})
	// Pacing: 10/s means 100ms apart, no burst from idle time, timer
	// lateness not carried over.
	s1, _, ok1 := l.take(at(0))
	s2, _, ok2 := l.take(at(0))
	s3, _, ok3 := l.take(at(105))
	s4, _, ok4 := l.take(at(5000))
	s5, tk, ok5 := l.take(at(5100))
	if s1 != at(0) || !ok1 || s2 != at(100) || ok2 || s3 != at(100) || !ok3 || s4 != at(5000) || !ok4 || s5 != at(5100) || !ok5 {
		t.Errorf("slots %v %v, %v %v, %v %v, %v %v, %v %v", s1, ok1, s2, ok2, s3, ok3, s4, ok4, s5, ok5)
	}
	// Slow start.
	l.success(at(5001), tk)
	if r := l.current(); r != 10+slowGain {
		t.Errorf("rate after a success = %v", r)
	}
	// A throttle without measurement halves; another one of the same epoch
	// does not cut again.
	l.throttled(at(5002), tk)
	if r := l.current(); r != (10+slowGain)/2 {
		t.Errorf("rate after a throttle = %v", r)
	}
	l.throttled(at(5003), tk)
	if r := l.current(); r != (10+slowGain)/2 || l.cuts != 1 {
		t.Errorf("rate after a second throttle of the epoch = %v (cuts %d)", r, l.cuts)
	}

	// With a measurement, a throttle cuts to beta × the rate that went
	// through: 16 outcomes 10ms apart (100/s sent), 15 of them successes.
	l = newLimiter(LimiterConfig{InitialRate: 1000})
	var last ticket
	for i := range measureN - 1 {
		_, last, _ = l.take(at(i * 10))
		l.success(at(i*10), last)
	}
	l.throttled(at((measureN-1)*10), last)
	wmax := 100.0 * 15 / 16
	if r := l.current(); math.Abs(r-beta*wmax) > 1e-6 || l.wmax != wmax {
		t.Errorf("rate after a measured throttle = %v (wmax %v), want %v (%v)", r, l.wmax, beta*wmax, wmax)
	}
	// The cubic curve is back at wmax after K (here 1s), and well above it
	// 2s later.
	cut := (measureN - 1) * 10
	_, tk, _ = l.take(at(cut + 500))
	l.success(at(cut+1000), tk)
	if r := l.current(); math.Abs(r-wmax) > 1e-6 {
		t.Errorf("rate K after the cut = %v, want %v", r, wmax)
	}
	// It climbs no faster than slow start.
	l.success(at(cut+3000), tk)
	if r, want := l.current(), wmax+slowGain; math.Abs(r-want) > 1e-6 {
		t.Errorf("rate 3s after the cut = %v, want %v", r, want)
	}
	for range 10 {
		l.success(at(cut+3000), tk)
	}
	if r, want := l.current(), wmax*(1+cubicC*8); math.Abs(r-want) > 1e-6 {
		t.Errorf("rate 3s after the cut, after more successes = %v, want %v", r, want)
	}

	// A storm: nothing goes through after a cut; every second throttle
	// (one alone may be chance) halves the rate, and wmax stays.
	l.throttled(at(cut+4000), ticket{epoch: l.epoch})
	w, r := l.wmax, l.current()
	for i := range 4 {
		l.throttled(at(cut+4001+i), ticket{epoch: l.epoch})
	}
	if l.wmax != w || l.current() != r/4 {
		t.Errorf("storm: wmax %v, rate %v; want %v, %v", l.wmax, l.current(), w, r/4)
	}

	// Background: every 4th call refused whatever the rate. After five
	// teeth with a share of throttles below wmax, it is background: a slow
	// start, and throttles within the share no longer cut.
	l = newLimiter(LimiterConfig{InitialRate: 100})
	now := 0
	call := func(ok bool) {
		now += 10
		slot, tk, took := l.take(at(now))
		for ; !took; slot, tk, took = l.take(slot) {
			now = int(slot.Sub(t0) / time.Millisecond)
		}
		if ok {
			l.success(at(now), tk)
		} else {
			l.throttled(at(now), tk)
		}
	}
	for range 20 {
		call(true)
	}
	for range 8 {
		call(true)
		call(true)
		call(true)
		call(false)
	}
	if b := l.bg; b < 0.2 || b > 0.34 || !l.slow {
		t.Errorf("background = %v, slow start %v", b, l.slow)
	}
	cuts := l.cuts
	for range 40 {
		call(true)
		call(true)
		call(true)
		call(false)
	}
	if l.cuts != cuts {
		t.Errorf("background throttles cut the rate %d times", l.cuts-cuts)
	}
	// Throttles beyond it still cut.
	for range 6 {
		call(false)
	}
	if l.cuts == cuts {
		t.Error("throttles above the background did not cut")
	}

	// Bounds.
	l = newLimiter(LimiterConfig{InitialRate: 1, MinRate: 0.5, MaxRate: 20})
	for i := range 10 {
		l.throttled(at(i), ticket{epoch: l.epoch})
	}
	if r := l.current(); r != 0.5 {
		t.Errorf("rate floor = %v", r)
	}
	for range 100 {
		l.success(at(1000000), ticket{})
	}
	if r := l.current(); r != 20 {
		t.Errorf("rate ceiling = %v", r)
	}
}

func TestRetryBackoff(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	tests := []struct {
		attempt int
		r       float64
		want    time.Duration
	}{
		{1, 0.5, 50 * time.Millisecond},
		{2, 0.5, 100 * time.Millisecond},
		{4, 0.999999, 799999200 * time.Nanosecond},
		{20, 0.5, 5 * time.Second},
		{1000, 0.5, 5 * time.Second},
		{3, 0, 0},
	}
	for _, tt := range tests {
		if got := p.backoff(tt.attempt, tt.r); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.attempt, tt.r, got, tt.want)
		}
	}
}
