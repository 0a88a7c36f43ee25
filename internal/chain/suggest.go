package chain

import (
	"sort"
	"strings"
)

// maxSuggestions is how many names a NotFoundError offers.
const maxSuggestions = 3

// suggest returns up to three names close to name: by edit distance (case
// ignored) within a third of the name's length, or containing it, closest
// first.
func suggest(name string, names []string) []string {
	type cand struct {
		name string
		dist int
	}
	want := strings.ToLower(name)
	limit := max(2, len([]rune(want))/3)
	var cands []cand
	for _, n := range names {
		low := strings.ToLower(n)
		d := editDistance(want, low)
		if d > limit && !(want != "" && strings.Contains(low, want)) {
			continue
		}
		cands = append(cands, cand{n, d})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].name < cands[j].name
	})
	var out []string
	for i := 0; i < len(cands) && i < maxSuggestions; i++ {
		out = append(out, cands[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
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
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
