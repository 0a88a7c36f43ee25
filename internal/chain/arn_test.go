package chain

import (
	"strings"
	"testing"
)

// ARNFields splits as strings.SplitN(arn, ":", 6) does.
func FuzzARNFields(f *testing.F) {
	for _, s := range []string{"", "arn", "arn:aws:iam::123456789012:role/a/b", "a:b:c:d:e", "a:b:c:d:e:f:g", ":::::", "arn:aws:iam::1:role/x:y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ARNFields(s)
		want := strings.SplitN(s, ":", 6)
		if ok != (len(want) == 6) {
			t.Fatalf("ARNFields(%q) ok=%v, SplitN gives %d fields", s, ok, len(want))
		}
		if ok && got != [6]string(want) {
			t.Fatalf("ARNFields(%q) = %q, want %q", s, got, want)
		}
	})
}
