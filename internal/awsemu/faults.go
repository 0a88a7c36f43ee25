package awsemu

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// FaultKind names an injected fault.
type FaultKind string

// The faults the emulator can inject into API calls.
const (
	// FaultThrottle answers 400 Throttling "Rate exceeded" (both SDKs retry).
	FaultThrottle FaultKind = "throttle"
	// FaultInternal answers 500 InternalFailure.
	FaultInternal FaultKind = "internal"
	// FaultUnavailable answers 503 ServiceUnavailable.
	FaultUnavailable FaultKind = "unavailable"
	// FaultLatency delays the call by LatencyMS, then serves it normally.
	FaultLatency FaultKind = "latency"
)

// Fault is one fault-injection rule. Rules are checked in order for every
// API call (admin calls excluded): all matching latency rules add up, and
// the first matching error rule that fires answers the call.
type Fault struct {
	Kind FaultKind `json:"kind"`
	// Action limits the rule to one API action, written "AssumeRole" or
	// "sts:AssumeRole"; empty matches every action.
	Action string `json:"action,omitempty"`
	// Count is how many more times the rule fires; when it reaches zero the
	// rule is removed. 0 means without limit.
	Count int `json:"count,omitempty"`
	// Fraction, in (0,1], makes the rule fire on that share of matching
	// calls, deterministically: 0.25 fires on every 4th call, 0.5 on every
	// 2nd. 0 means every matching call.
	Fraction float64 `json:"fraction,omitempty"`
	// LatencyMS is the delay of a latency rule, in milliseconds.
	LatencyMS int `json:"latency_ms,omitempty"`
}

func (f Fault) validate() error {
	switch f.Kind {
	case FaultThrottle, FaultInternal, FaultUnavailable:
	case FaultLatency:
		if f.LatencyMS <= 0 {
			return fmt.Errorf("latency fault needs a positive latency_ms")
		}
	default:
		return fmt.Errorf("unknown fault kind %q (want throttle, internal, unavailable or latency)", f.Kind)
	}
	if f.Count < 0 {
		return fmt.Errorf("fault count must not be negative")
	}
	if f.Fraction < 0 || f.Fraction > 1 {
		return fmt.Errorf("fault fraction must be between 0 and 1")
	}
	if f.LatencyMS < 0 {
		return fmt.Errorf("fault latency_ms must not be negative")
	}
	return nil
}

type faultState struct {
	Fault
	limited bool    // Count was positive when the rule was set
	acc     float64 // fraction accumulator
}

func newFaultState(f Fault) *faultState {
	return &faultState{Fault: f, limited: f.Count > 0}
}

// matches reports whether the rule applies to an action key like
// "sts:AssumeRole".
func (f *faultState) matches(key string) bool {
	if f.Action == "" || f.Action == key {
		return true
	}
	_, op, _ := strings.Cut(key, ":")
	return f.Action == op
}

// fire advances the rule for one matching call and reports whether it
// fires now.
func (f *faultState) fire() bool {
	if f.Fraction > 0 && f.Fraction < 1 {
		f.acc += f.Fraction
		if f.acc < 1-1e-9 {
			return false
		}
		f.acc--
	}
	if f.Count > 0 {
		f.Count--
	}
	return true
}

// SetFaults replaces the fault rules. An invalid rule rejects the whole set.
func (s *Server) SetFaults(faults ...Fault) error {
	states := make([]*faultState, 0, len(faults))
	for i, f := range faults {
		if err := f.validate(); err != nil {
			return fmt.Errorf("fault %d: %w", i, err)
		}
		states = append(states, newFaultState(f))
	}
	s.mu.Lock()
	s.faults = states
	s.mu.Unlock()
	return nil
}

// AddFault appends one fault rule.
func (s *Server) AddFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.faults = append(s.faults, newFaultState(f))
	s.mu.Unlock()
	return nil
}

// Faults returns the active rules; Count shows how many firings remain.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, f.Fault)
	}
	return out
}

// applyFaults decides the fault for one call: the total added latency and
// the error to answer with (nil to serve normally).
func (s *Server) applyFaults(key string) (time.Duration, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var latency time.Duration
	var aerr *apiError
	kept := s.faults[:0]
	for _, f := range s.faults {
		if f.matches(key) && (aerr == nil || f.Kind == FaultLatency) && f.fire() {
			switch f.Kind {
			case FaultLatency:
				latency += time.Duration(f.LatencyMS) * time.Millisecond
			case FaultThrottle:
				aerr = errThrottling().withReason("injected fault")
			case FaultInternal:
				aerr = errInternalFailure().withReason("injected fault")
			case FaultUnavailable:
				aerr = errServiceUnavailable().withReason("injected fault")
			}
			if f.limited && f.Count == 0 {
				continue // used up
			}
		}
		kept = append(kept, f)
	}
	s.faults = kept
	return latency, aerr
}

// ActionCounter counts the calls of one API action.
type ActionCounter struct {
	Calls  int `json:"calls"`
	Errors int `json:"errors"`
	// ErrorCodes counts errors by AWS error code.
	ErrorCodes map[string]int `json:"error_codes,omitempty"`
}

// Counters is a snapshot of per-action call counters, keyed
// "service:Action" (e.g. "sts:AssumeRole").
type Counters struct {
	Actions map[string]ActionCounter `json:"actions"`
}

// Get returns the counter of an action, written "AssumeRole" or
// "sts:AssumeRole".
func (c Counters) Get(action string) ActionCounter {
	if a, ok := c.Actions[action]; ok {
		return a
	}
	for k, a := range c.Actions {
		if _, op, _ := strings.Cut(k, ":"); op == action {
			return a
		}
	}
	return ActionCounter{}
}

// Calls returns the number of calls of an action (see Get).
func (c Counters) Calls(action string) int { return c.Get(action).Calls }

// Errors returns the number of failed calls of an action (see Get).
func (c Counters) Errors(action string) int { return c.Get(action).Errors }

// Total returns the number of calls of all actions.
func (c Counters) Total() int {
	n := 0
	for _, a := range c.Actions {
		n += a.Calls
	}
	return n
}

// Counters returns a snapshot of the call counters.
func (s *Server) Counters() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Counters{Actions: make(map[string]ActionCounter, len(s.counters))}
	for k, a := range s.counters {
		c := *a
		c.ErrorCodes = maps.Clone(a.ErrorCodes)
		out.Actions[k] = c
	}
	return out
}

// ResetCounters zeroes the call counters only.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	s.counters = map[string]*ActionCounter{}
	s.mu.Unlock()
}

// count records the outcome of one call.
func (s *Server) count(key string, aerr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.counters[key]
	if a == nil {
		a = &ActionCounter{}
		s.counters[key] = a
	}
	a.Calls++
	if aerr != nil {
		a.Errors++
		if a.ErrorCodes == nil {
			a.ErrorCodes = map[string]int{}
		}
		a.ErrorCodes[aerr.Code]++
	}
}
