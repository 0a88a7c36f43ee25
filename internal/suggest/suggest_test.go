package suggest

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b      string
		osa, leve int
	}{
		{"", "", 0, 0},
		{"a", "", 1, 1},
		{"", "abc", 3, 3},
		{"abc", "abc", 0, 0},
		{"kitten", "sitting", 3, 3},
		{"ab", "ba", 1, 2},
		{"prod", "prdo", 1, 2},
		{"brwoser", "browser", 1, 2},
		{"firefox", "firefxo", 1, 2},
		{"chrome", "chorme", 1, 2},
		{"é", "e", 1, 1},
		{"héllo", "hello", 1, 1},
		{"ß", "ss", 2, 2},
		{"ca", "abc", 3, 3}, // no part is edited twice: not "ca" -> "ac" -> "abc"
		{"\xff", "\xfe", 1, 1},
		{"\xff", "\uFFFD", 1, 1},
		{"\xffa", "a\xff", 1, 2},
	}
	for _, tt := range tests {
		if got := Distance(tt.a, tt.b); got != tt.osa {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.osa)
		}
		if got := Levenshtein(tt.a, tt.b); got != tt.leve {
			t.Errorf("Levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.leve)
		}
	}
}

func TestAll(t *testing.T) {
	third := func(n, _ string) int { return max(2, utf8.RuneCountInString(n)/3) }
	names := []string{"Sandbox", "default", "dev", "dev-admin", "prod", "prod-admin", "production", "staging"}
	tests := []struct {
		what       string
		name       string
		candidates []string
		opt        Options
		want       []string
	}{
		{"zero options keep all, closest first", "dev", []string{"prod", "dev", "de"}, Options{}, []string{"dev", "de", "prod"}},
		{"ties keep candidate order", "ab", []string{"ax", "xb", "ab"}, Options{}, []string{"ab", "ax", "xb"}},
		{"within", "prdo", names, Options{Within: third}, []string{"prod"}},
		{"case counts by default", "SANDBOX", names, Options{Within: third}, nil},
		{"fold case returns the name as given", "sANDBOX", names, Options{Within: third, FoldCase: true}, []string{"Sandbox"}},
		{"contains", "admin", names, Options{Within: third, Contains: true}, []string{"dev-admin", "prod-admin"}},
		{"contains ignores the empty name", "", []string{"abcdef"}, Options{Within: third, Contains: true}, nil},
		{"max", "pro", names, Options{Within: third, Contains: true, Max: 2}, []string{"prod", "prod-admin"}},
		{"no swaps: a swap is two edits", "dve", names, Options{Within: func(string, string) int { return 1 }}, nil},
		{"swaps: a swap is one edit", "dve", names, Options{Swaps: true, Within: func(string, string) int { return 1 }}, []string{"dev"}},
		{"prefix", "dyna", []string{"dynamodb", "dynamo"}, Options{Prefix: 2, Within: func(string, string) int { return 1 }}, []string{"dynamodb", "dynamo"}},
		{"prefix too short", "d", []string{"dynamodb"}, Options{Prefix: 2, Within: func(string, string) int { return 1 }}, nil},
		{"within sees the candidate", "abc", []string{"abcd", "abcdefgh"}, Options{Prefix: 1, Within: func(_, c string) int {
			if len(c) > 4 {
				return 0
			}
			return 1
		}}, []string{"abcd"}},
		{"no candidates", "x", nil, Options{}, nil},
	}
	for _, tt := range tests {
		if got := All(tt.name, tt.candidates, tt.opt); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: All(%q) = %q, want %q", tt.what, tt.name, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	kinds := []string{"chrome", "chromium", "edge", "firefox", "firefox-plain", "none"}
	tests := []struct {
		name  string
		opt   Options
		want  Match
		found bool
	}{
		{"chorme", Options{Swaps: true}, Match{"chrome", 1}, true},
		{"chorme", Options{}, Match{"chrome", 2}, true},
		{"chro", Options{Prefix: 3}, Match{"chrome", 1}, true},
		{"chro", Options{}, Match{"chrome", 2}, true},
		{"frefox", Options{Swaps: true, Within: func(string, string) int { return 1 }}, Match{"firefox", 1}, true},
		{"safari", Options{Within: func(string, string) int { return 2 }}, Match{}, false},
		{"xx", Options{}, Match{"edge", 4}, true}, // edge and none tie at 4: the first given wins
	}
	for _, tt := range tests {
		got, ok := Closest(tt.name, kinds, tt.opt)
		if got != tt.want || ok != tt.found {
			t.Errorf("Closest(%q, %+v) = %+v, %v; want %+v, %v", tt.name, tt.opt, got, ok, tt.want, tt.found)
		}
	}
	if got, ok := Closest("x", nil, Options{}); ok || got != (Match{}) {
		t.Errorf("Closest with no candidates = %+v, %v", got, ok)
	}
}

func TestAllDoesNotModifyCandidates(t *testing.T) {
	c := []string{"b", "a", "ab"}
	All("a", c, Options{})
	if !reflect.DeepEqual(c, []string{"b", "a", "ab"}) {
		t.Errorf("candidates changed to %q", c)
	}
}

// FuzzDistance checks the properties of both distances: symmetric, zero
// exactly for equal strings, bounded by the lengths, a swap never costing
// more than two edits, and the triangle inequality for Levenshtein (which
// Distance, not being a metric, may break).
func FuzzDistance(f *testing.F) {
	f.Add("", "", "")
	f.Add("kitten", "sitting", "mitten")
	f.Add("ca", "ac", "abc")
	f.Add("prod", "prdo", "production")
	f.Add("héllo", "hello", "ß")
	f.Add("\xff", "\xfe", "\uFFFD")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		const limit = 24 // small inputs keep each run fast
		if len(a) > limit || len(b) > limit || len(c) > limit {
			t.Skip()
		}
		la, lb := len(runes(a)), len(runes(b))
		for _, m := range []struct {
			name string
			f    func(a, b string) int
		}{{"Distance", Distance}, {"Levenshtein", Levenshtein}} {
			d := m.f(a, b)
			if back := m.f(b, a); back != d {
				t.Fatalf("%s(%q, %q) = %d but %d the other way", m.name, a, b, d, back)
			}
			if (d == 0) != (a == b) {
				t.Fatalf("%s(%q, %q) = %d", m.name, a, b, d)
			}
			if d < max(la, lb)-min(la, lb) || d > max(la, lb) {
				t.Fatalf("%s(%q, %q) = %d, outside the bounds of lengths %d and %d", m.name, a, b, d, la, lb)
			}
		}
		osa, lev := Distance(a, b), Levenshtein(a, b)
		if osa > lev || lev > 2*osa {
			t.Fatalf("Distance(%q, %q) = %d, Levenshtein %d", a, b, osa, lev)
		}
		if ac, cb := Levenshtein(a, c), Levenshtein(c, b); lev > ac+cb {
			t.Fatalf("Levenshtein(%q, %q) = %d > %d via %q", a, b, lev, ac+cb, c)
		}
	})
}

func BenchmarkDistance(b *testing.B) {
	for b.Loop() {
		Distance("secretsmanager", "secretmanager")
	}
}
