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
	// the emulator's fault injection does.
	faultEvery int
	seed              uint64
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
			e.ok = tokens >= 1 && (since < s.stormAt || since >= s.stormAt+s.stormFor)
			if s.faultEvery > 0 && res.requests%s.faultEvery == 0 {
				e.ok = false
				tokens++ // refused before the bucket
			}
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
		{"every 4th call refused, no limit", simulation{limit: 1e6, burst: 1e6, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultEvery: 4}, 0, 0.26},
		{"every 4th call refused, 20/s", simulation{limit: 20, burst: 20, latency: 80 * time.Millisecond, workers: 8, jobs: 1500, faultEvery: 4}, 0, 0.3},
		{"high limit 1000/s", simulation{limit: 1000, burst: 50, latency: 5 * time.Millisecond, workers: 8, jobs: 20000}, 0, 0},
		{"start far above the limit", simulation{limit: 5, burst: 5, latency: 50 * time.Millisecond, workers: 8, jobs: 500, initial: 500}, 0, 0.12},
		// A bucket without burst throttles whenever two requests arrive a
		// little closer than 1/limit, so the sawtooth settles lower.
		{"start far above the limit, strict bucket", simulation{limit: 5, burst: 1, latency: 50 * time.Millisecond, workers: 8, jobs: 500, initial: 500}, 1.25, 0.12},
		{"start below the limit, 32 workers", simulation{limit: 100, burst: 100, latency: 100 * time.Millisecond, workers: 32, jobs: 3000, initial: 1}, 0, 0},
		{"concurrency bound", simulation{limit: 1000, burst: 1000, latency: 100 * time.Millisecond, workers: 8, jobs: 800}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range uint64(5) {
				sim := tt.sim
				sim.seed = seed
				r := sim.run()
				calls := float64(sim.jobs)
				if sim.faultEvery > 0 {
					calls *= float64(sim.faultEvery) / float64(sim.faultEvery-1)
				}
				ideal := time.Duration(calls/min(sim.limit, float64(sim.workers)/sim.latency.Seconds())*float64(time.Second)) + sim.stormFor
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
				if r.maxAttempts >= 10 {
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

	// With a measurement, a throttle cuts to beta × the accepted rate.
	l = newLimiter(LimiterConfig{InitialRate: 1000})
	var last ticket
	for i := range measureN {
		_, last, _ = l.take(at(i * 10))
		l.success(at(i*10), last) // 100/s accepted
	}
	l.throttled(at(measureN*10), last)
	if r := l.current(); math.Abs(r-beta*100) > 1e-6 {
		t.Errorf("rate after a measured throttle = %v, want %v", r, beta*100)
	}
	// The cubic curve is back at wmax after K seconds, and above it later.
	_, tk, _ = l.take(at(measureN*10 + 500))
	l.success(at(measureN*10+1000), tk)
	if r := l.current(); math.Abs(r-100) > 1 {
		t.Errorf("rate K seconds after the cut = %v, want about 100", r)
	}
	l.success(at(measureN*10+3000), tk)
	if r := l.current(); r < 150 {
		t.Errorf("rate 3s after the cut = %v, want well above 100", r)
	}

	// Bounds.
	l = newLimiter(LimiterConfig{InitialRate: 1, MinRate: 0.5, MaxRate: 20})
	for i := range 10 {
		l.throttled(at(i), ticket{l.epoch})
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
