//go:build !linux

package atomicfile

import (
	"os"
	"runtime"
)

const isWindows = runtime.GOOS == "windows"

// replaceExpect renames tmp over target; the check that target is still
// expect was made just before by replace.
func replaceExpect(tmp, target string, _ Stamp) error { return os.Rename(tmp, target) }
