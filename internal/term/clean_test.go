package term

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"Production (EU)":       "Production (EU)",
		"Société Générale 株式会社": "Société Générale 株式会社",
		"\x1b]0;evil\x07":       `\x1b]0;evil\x07`,
		"a\nb\r\tc":             `a\nb\r\tc`,
		"\x1b[31mred\x1b[0m":    `\x1b[31mred\x1b[0m`,
		"del\x7f":               `del\x7f`,
		"c1 \u0085 \u009b31m":   `c1 \u0085 \u009b31m`,
		"abc\u202edcba":         `abc\u202edcba`,
		"\u2066x\u2069 \u200f":  `\u2066x\u2069 \u200f`,
		"line\u2028sep":         `line\u2028sep`,
		"bad \xff\xfe utf8":     `bad \xff\xfe utf8`,
		`back\slash`:            `back\slash`,
		"emoji 🙂 and zwj 👩‍💻":   "emoji 🙂 and zwj 👩‍💻",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanLines(t *testing.T) {
	if got, want := CleanLines("one\x1b[2J\ntwo\u202e\n"), "one\\x1b[2J\ntwo\\u202e\n"; got != want {
		t.Errorf("CleanLines = %q, want %q", got, want)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;evil\x07", "a\nb", "\u202e", "\xff", "\u0085", "\u2028", "x\u2069y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) = %q is not UTF-8", s, c)
		}
		for i, r := range c {
			if unsafeRune(r, utf8.RuneLen(r)) {
				t.Fatalf("Clean(%q) = %q keeps %U at %d", s, c, r, i)
			}
		}
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
		if !strings.ContainsAny(s, "\x00\x1f") && utf8.ValidString(s) && !hasUnsafe(s) && c != s {
			t.Fatalf("Clean changed safe text %q to %q", s, c)
		}
		if strings.Contains(CleanLines(s), "\r") {
			t.Fatalf("CleanLines(%q) keeps a carriage return", s)
		}
	})
}

func hasUnsafe(s string) bool {
	for _, r := range s {
		if unsafeRune(r, utf8.RuneLen(r)) {
			return true
		}
	}
	return false
}

func TestMessagesAreCleaned(t *testing.T) {
	var b strings.Builder
	s := Test(nil, nil, &b, nil)
	s.Errorf("AWS says: %s", "no\x1b]0;x\x07\u202e")
	s.Hintf("%s", "h\u0085")
	s.Noticef("%s", "n\u2066")
	want := "assume: error: AWS says: no\\x1b]0;x\\x07\\u202e\nassume: hint: h\\u0085\nassume: notice \\u2066\n"
	want = strings.Replace(want, "assume: notice ", "assume: n", 1)
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
