package chain

import (
	"slices"
	"unicode/utf8"

	sugg "github.com/assume-cli/assume/internal/suggest"
)

// maxSuggestions is how many names a NotFoundError offers.
const maxSuggestions = 3

// suggest returns up to three names close to name: by edit distance (case
// ignored) within a third of the name's length, or containing it, closest
// first, ties in name order.
func suggest(name string, names []string) []string {
	return sugg.All(name, slices.Sorted(slices.Values(names)), sugg.Options{
		FoldCase: true,
		Contains: true,
		Within:   func(n, _ string) int { return max(2, utf8.RuneCountInString(n)/3) },
		Max:      maxSuggestions,
	})
}
