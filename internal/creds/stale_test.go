package creds

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestStaleAnswerRefused: credentials that had expired when they arrived
// (a wrong clock, an endpoint that is not AWS) are an error, not a result.
func TestStaleAnswerRefused(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Now = func() time.Time { return time.Now().Add(2 * time.Hour) } // the fake issues 1h sessions
	_, err := Get(context.Background(), plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev")), o)
	var se *StaleAnswerError
	if !errors.As(err, &se) || se.Profile != "dev" || HintOf(err) == "" {
		t.Fatalf("error %v, want a StaleAnswerError with a hint", err)
	}
}

// TestFarFutureAnswerRefused: a role session that claims to last longer
// than any AWS session (a hostile or broken endpoint) is refused, so it is
// never cached beyond renewal.
func TestFarFutureAnswerRefused(t *testing.T) {
	f := newFakeSTS(t)
	o := testOpts(f, nil)
	o.Now = func() time.Time { return time.Now().Add(-40 * time.Hour) } // the 1h session looks 41h long
	_, err := Get(context.Background(), plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev")), o)
	var se *StaleAnswerError
	if !errors.As(err, &se) || !se.Future || HintOf(err) == "" {
		t.Fatalf("error %v, want a far-future StaleAnswerError with a hint", err)
	}
	o.Now = func() time.Time { return time.Now().Add(-30 * time.Hour) } // 31h: within the bound
	if _, err := Get(context.Background(), plan("dev", staticStep("base"), roleStep("dev", "arn:aws:iam::1:role/Dev")), o); err != nil {
		t.Fatalf("a 31h session: %v", err)
	}
}
