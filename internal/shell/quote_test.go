package shell

import (
	"strings"
	"testing"
)

// quoteFish and quotePwsh are loops; these replacement tables say what they
// must do, byte for byte, valid UTF-8 or not.
func FuzzQuoteTables(f *testing.F) {
	fish := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	pwsh := strings.NewReplacer("'", "''", "\u2018", "\u2018\u2018", "\u2019", "\u2019\u2019", "\u201A", "\u201A\u201A", "\u201B", "\u201B\u201B")
	f.Add("a'b\\c\u2018\u2019\u201a\u201b\xff\xe2\x80")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := quoteFish(s), "'"+fish.Replace(s)+"'"; got != want {
			t.Fatalf("quoteFish(%q) = %q, want %q", s, got, want)
		}
		if got, want := quotePwsh(s), "'"+pwsh.Replace(s)+"'"; got != want {
			t.Fatalf("quotePwsh(%q) = %q, want %q", s, got, want)
		}
	})
}
