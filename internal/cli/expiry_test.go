package cli

import (
	"testing"
	"time"
)

// TestExpiryText: absurd expiries from an endpoint or a credential_process
// print sanely (no "in 2562047h47m", no negative durations).
func TestExpiryText(t *testing.T) {
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.UTC
	now := time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)
	for _, tt := range []struct {
		exp  time.Time
		want string
	}{
		{now.Add(42 * time.Minute), "expires 00:12 UTC (in 42m)"},
		{now.Add(12 * time.Hour), "expires 11:30 UTC (in 12h00m)"},
		{now.Add(30 * time.Hour), "expires 2026-12-09 05:30 UTC (in 30h00m)"},
		{now.Add(72 * time.Hour), "expires 2026-12-10 23:30 UTC (in 3d)"},
		{time.Date(9999, 12, 31, 23, 0, 0, 0, time.UTC), "expires 9999-12-31 23:00 UTC (in more than a year)"},
		{now.Add(-time.Hour), "expired at 2026-12-07 22:30 UTC"},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), "expired at 1970-01-01 00:00 UTC"},
		{now.Add(20 * time.Second), "expires 23:30 UTC (in <1m)"},
	} {
		if got := expiryText(tt.exp.In(time.UTC), now); got != tt.want {
			t.Errorf("expiryText(%s) = %q, want %q", tt.exp, got, tt.want)
		}
	}
}
