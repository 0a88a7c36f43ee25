package suggest

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Distance is the optimal string alignment distance between a and b, in
// runes: the fewest insertions, deletions and substitutions of one rune,
// and swaps of two adjacent runes, that turn a into b, no part being
// edited twice. "firefxo" is one edit from "firefox". Unlike Levenshtein it
// is not a metric: the triangle inequality can fail ("ca", "ac", "abc").
func Distance(a, b string) int { return distance(a, b, true) }

// Levenshtein is the edit distance between a and b in runes: the fewest
// insertions, deletions and substitutions of one rune that turn a into b.
// A swap of two adjacent runes costs two.
func Levenshtein(a, b string) int { return distance(a, b, false) }

// distance computes Distance (swaps true) or Levenshtein (swaps false)
// row by row, keeping the two rows before the current one.
func distance(a, b string, swaps bool) int {
	ra, rb := runes(a), runes(b)
	pp := make([]int, len(rb)+1) // row i-2, for swaps
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if swaps && i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(rb)]
}

// runes decodes s, turning each byte that is not valid UTF-8 into a
// surrogate code point of its own (U+DC80..U+DCFF), which valid UTF-8 never
// decodes to: two different strings never decode to the same runes.
func runes(s string) []rune {
	out := make([]rune, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = 0xDC00 + rune(s[i])
		}
		out = append(out, r)
		i += size
	}
	return out
}

// Options is a caller's policy for what counts as a likely typo. The zero
// value measures with Levenshtein, compares case-sensitively and keeps
// every candidate.
type Options struct {
	// Swaps measures with Distance (a swap of adjacent runes is one edit)
	// instead of Levenshtein.
	Swaps bool
	// FoldCase compares strings.ToLower of the name and of each
	// candidate. Candidates are returned as given.
	FoldCase bool
	// Prefix, when positive, counts a candidate that the name is a prefix
	// of as at most one edit away, provided the name has at least Prefix
	// runes: "chro" suggests "chrome".
	Prefix int
	// Contains keeps a candidate that contains the (non-empty) name
	// whatever its distance: "admin" suggests "prod-admin".
	Contains bool
	// Within returns the largest distance at which candidate still counts
	// as a typo of name (both case-folded under FoldCase). Nil keeps every
	// candidate, however far.
	Within func(name, candidate string) int
	// Max is how many names All returns at most; 0 or less means no cap.
	Max int
}

// Match is a candidate with its distance from the name looked for (after
// the Prefix rule).
type Match struct {
	Name     string
	Distance int
}

// All returns the candidates that opt counts as likely typos of name,
// closest first, ties in the order of candidates, at most opt.Max of them.
// It returns nil when none is close.
func All(name string, candidates []string, opt Options) []string {
	ms := rank(name, candidates, opt)
	if opt.Max > 0 && len(ms) > opt.Max {
		ms = ms[:opt.Max]
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// Closest returns the candidate nearest to name among those opt keeps (the
// first one given on a tie), and false when none is kept.
func Closest(name string, candidates []string, opt Options) (Match, bool) {
	ms := rank(name, candidates, opt)
	if len(ms) == 0 {
		return Match{}, false
	}
	return ms[0], true
}

// rank measures every candidate, keeps those opt allows and sorts them by
// distance, stably.
func rank(name string, candidates []string, opt Options) []Match {
	measure := Levenshtein
	if opt.Swaps {
		measure = Distance
	}
	n := name
	if opt.FoldCase {
		n = strings.ToLower(n)
	}
	prefixOK := opt.Prefix > 0 && utf8.RuneCountInString(n) >= opt.Prefix
	var out []Match
	for _, c := range candidates {
		fc := c
		if opt.FoldCase {
			fc = strings.ToLower(c)
		}
		d := measure(n, fc)
		if prefixOK && strings.HasPrefix(fc, n) {
			d = min(d, 1)
		}
		keep := opt.Within == nil || d <= opt.Within(n, fc) ||
			opt.Contains && n != "" && strings.Contains(fc, n)
		if keep {
			out = append(out, Match{Name: c, Distance: d})
		}
	}
	slices.SortStableFunc(out, func(x, y Match) int { return cmp.Compare(x.Distance, y.Distance) })
	return out
}
