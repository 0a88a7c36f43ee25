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
