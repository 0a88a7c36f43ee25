//go:build unix && !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package atomicfile

import (
	"syscall"
	"time"
)

func ctimeOf(*syscall.Stat_t) time.Time { return time.Time{} }
