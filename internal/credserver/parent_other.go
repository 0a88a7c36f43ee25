//go:build !unix && !windows

package credserver

import (
	"context"
	"time"
)

// watchParent does nothing where processes have no parents to watch (js,
// wasip1) or no portable way to watch them (plan9).
func watchParent(context.Context, func(), time.Duration) {}

// processRuns cannot tell: it reports true, so nothing is stopped.
func processRuns(int) bool { return true }
