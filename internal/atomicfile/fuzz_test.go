package atomicfile

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzTempPID: tempPID accepts exactly the names WriteTemp makes (and the
// all-digit ones of older versions).
func FuzzTempPID(f *testing.F) {
	for _, s := range []string{"12-0123456789abcdef", "123", "", "-", "1-", "+1-0123456789abcdef", "01-0123456789abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pid, ok := tempPID(s)
		if !ok {
			return
		}
		if pid == 0 {
			if strings.Trim(s, "0123456789") != "" || s == "" {
				t.Fatalf("accepted %q as an old name", s)
			}
			return
		}
		p, r, _ := strings.Cut(s, "-")
		if n, _ := strconv.Atoi(p); n != pid || len(r) != 16 {
			t.Fatalf("tempPID(%q) = %d", s, pid)
		}
	})
}
