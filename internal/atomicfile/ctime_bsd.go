//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"syscall"
	"time"
)

func ctimeOf(st *syscall.Stat_t) time.Time { return time.Unix(st.Ctimespec.Sec, st.Ctimespec.Nsec) }
