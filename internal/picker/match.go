package picker

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field indexes of the searchable fields of an Item.
const (
	fProfile = iota
	fAccount
	fAccountName
	fRole
	fRegion
	fSSOSession
	numFields
)

// Match is one item that matched a query.
type Match struct {
	Index int // index into the items
	Score int // higher is better; 0 for the empty query
}

// prepared is an Item made ready for matching: its fields, sanitised and
// lower-cased rune by rune, end to end in lower, so that a rune index in
// lower is also the index of the original (sanitised) rune.
type prepared struct {
	lower []rune
	off   [numFields + 1]int32
	mask  [numFields]uint64 // which of the runes 0-63 and letters occur
}

func (p *prepared) field(f int) []rune   { return p.lower[p.off[f]:p.off[f+1]] }
func (p *prepared) fieldStart(f int) int { return int(p.off[f]) }

func itemFields(it *Item) [numFields]string {
	return [numFields]string{it.Profile, it.Account, it.AccountName, it.Role, it.Region, it.SSOSession}
}

// runeMask maps a rune to a bit: digits and punctuation by value, letters
// by position in the alphabet, everything else to bit 63.
func runeMask(r rune) uint64 {
	switch {
	case r < 64:
		return 1 << uint(r)
	case r >= 'a' && r <= 'z':
		return 1 << uint(r-'a'+1) // bits 1-26: control characters never occur
	default:
		return 1 << 63
	}
}

// prepareAll prepares items into one shared backing array.
func prepareAll(items []Item) []prepared {
	n := 0
	for i := range items {
		for _, s := range itemFields(&items[i]) {
			n += utf8.RuneCountInString(s)
		}
	}
	buf := make([]rune, 0, n)
	out := make([]prepared, len(items))
	for i := range items {
		start := len(buf)
		p := &out[i]
		for f, s := range itemFields(&items[i]) {
			p.off[f] = int32(len(buf) - start)
			for _, r := range s {
				switch {
				case r >= 'A' && r <= 'Z':
					r += 'a' - 'A'
				case r >= 0x20 && r < 0x7f:
				default:
					r = unicode.ToLower(sanitize(r))
				}
				buf = append(buf, r)
				p.mask[f] |= runeMask(r)
			}
		}
		p.off[numFields] = int32(len(buf) - start)
		p.lower = buf[start:len(buf):len(buf)]
	}
	return out
}

// displayRunes returns the item's fields, sanitised, end to end (parallel
// to prepared.lower).
func displayRunes(it *Item, dst []rune) []rune {
	dst = dst[:0]
	for _, s := range itemFields(it) {
		for _, r := range s {
			dst = append(dst, sanitize(r))
		}
	}
	return dst
}

// sanitize replaces characters that would move the cursor or change the
// terminal's state with '?'.
func sanitize(r rune) rune {
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
		return '?'
	}
	return r
}

// terms splits a query into lower-cased terms.
func terms(query string) [][]rune {
	var ts [][]rune
	for _, w := range strings.Fields(query) {
		t := make([]rune, 0, len(w))
		for _, r := range w {
			t = append(t, unicode.ToLower(sanitize(r)))
		}
		ts = append(ts, t)
	}
	return ts
}

// Scoring weights.
const (
	scoreChar       = 16 // each matched character
	bonusContiguous = 12 // a character right after the previous match
	bonusBoundary   = 10 // a character at the start of a word
	bonusFieldStart = 8  // the term starts at the start of the field
	bonusProfile    = 6  // the term matched the profile name
	bonusPrefix     = 40 // the term is a prefix of the profile name
	penaltyGap      = 1  // each skipped character inside the match
	maxGapPenalty   = 15
)

func isSep(r rune) bool {
	switch r {
	case '-', '_', '/', '.', ' ', ':', '@', '+', '(', ')', '[', ']', ',', '=':
		return true
	}
	return false
}

func boundary(h []rune, i int) bool { return i == 0 || isSep(h[i-1]) }

// scorePositions scores a match of len(pos) characters at positions pos.
func scorePositions(h []rune, pos []int) int {
	s := 0
	gap := 0
	run := 0 // boundary bonus of the first character of the current run
	for k, i := range pos {
		s += scoreChar
		b := 0
		if boundary(h, i) {
			b = bonusBoundary
		}
		if k > 0 && i == pos[k-1]+1 {
			// A contiguous run keeps the bonus of its first character.
			s += bonusContiguous
			b = max(b, run)
		} else {
			if k > 0 {
				gap += i - pos[k-1] - 1
			}
			run = b
		}
		s += b
	}
	if gap > maxGapPenalty {
		gap = maxGapPenalty
	}
	s -= gap * penaltyGap
	if len(pos) > 0 && pos[0] == 0 {
		s += bonusFieldStart
	}
	return s
}

// matchField finds the best placement of term t in h. It returns the score
// and fills pos (len(t) long) with the rune positions; ok is false when t is
// not a subsequence of h.
func matchField(h, t []rune, pos, tmp []int) (score int, ok bool) {
	if len(t) == 0 {
		return 0, true
	}
	if len(t) > len(h) {
		return 0, false
	}
	// Forward greedy: is t a subsequence, and where does the earliest
	// complete match end?
	k := 0
	end := -1
	for i, r := range h {
		if r == t[k] {
			k++
			if k == len(t) {
				end = i
				break
			}
		}
	}
	if end < 0 {
		return 0, false
	}
	// Backward from end: the shortest window ending there.
	k = len(t) - 1
	start := end
	for i := end; i >= 0; i-- {
		if h[i] == t[k] {
			k--
			if k < 0 {
				start = i
				break
			}
		}
	}
	// Forward inside the window gives the compact positions.
	k = 0
	for i := start; i <= end && k < len(t); i++ {
		if h[i] == t[k] {
			pos[k] = i
			k++
		}
	}
	best := scorePositions(h, pos)
	// Contiguous occurrences (prefer one on a word boundary) may beat the
	// compact window.
	for i := 0; i+len(t) <= len(h); i++ {
		if h[i] != t[0] || !hasAt(h, t, i) {
			continue
		}
		for j := range t {
			tmp[j] = i + j
		}
		if s := scorePositions(h, tmp[:len(t)]); s > best {
			best = s
			copy(pos, tmp[:len(t)])
		}
	}
	return best, true
}

func hasAt(h, t []rune, i int) bool {
	for j, r := range t {
		if h[i+j] != r {
			return false
		}
	}
	return true
}

// matcher filters and orders prepared items.
type matcher struct {
	items []prepared
	// rank is each item's place in the empty-query order (frecency then
	// name, or name); ties of equal score sort by it.
	rank []int32
	// byRank lists item indexes in rank order.
	byRank []int32
	pos    []int // scratch
	tmp    []int // scratch
}

// newMatcher prepares items. frec (may be nil) gives each item's frecency.
func newMatcher(items []Item, frec []float64) *matcher {
	m := &matcher{items: prepareAll(items)}
	m.byRank = make([]int32, len(items))
	for i := range m.byRank {
		m.byRank[i] = int32(i)
	}
	slices.SortFunc(m.byRank, func(a, b int32) int {
		if frec != nil && frec[a] != frec[b] {
			return cmp.Compare(frec[b], frec[a])
		}
		if c := strings.Compare(items[a].Profile, items[b].Profile); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	m.rank = make([]int32, len(items))
	for r, i := range m.byRank {
		m.rank[i] = int32(r)
	}
	return m
}

// scoreItem returns the item's score for the terms and whether all matched.
func (m *matcher) scoreItem(p *prepared, ts [][]rune, masks []uint64) (int, bool) {
	total := 0
	for k, t := range ts {
		if cap(m.pos) < len(t) {
			m.pos = make([]int, len(t))
			m.tmp = make([]int, len(t))
		}
		pos, tmp := m.pos[:len(t)], m.tmp[:len(t)]
		best, found := 0, false
		for f := 0; f < numFields; f++ {
			if masks[k]&^p.mask[f] != 0 {
				continue // a character of t is missing from the field
			}
			s, ok := matchField(p.field(f), t, pos, tmp)
			if !ok {
				continue
			}
			if f == fProfile {
				s += bonusProfile
				if pos[0] == 0 && pos[len(t)-1] == len(t)-1 {
					s += bonusPrefix
				}
			}
			if !found || s > best {
				best, found = s, true
			}
		}
		if !found {
			return 0, false
		}
		total += best
	}
	return total, true
}

// filter returns the matches of query in order (best first). When within is
// not nil only those items are considered: pass the previous matches when
// query extends the previous query.
func (m *matcher) filter(query string, within []Match) []Match {
	ts := terms(query)
	if len(ts) == 0 {
		out := make([]Match, len(m.byRank))
		for r, i := range m.byRank {
			out[r] = Match{Index: int(i)}
		}
		return out
	}
	masks := make([]uint64, len(ts))
	for k, t := range ts {
		for _, r := range t {
			masks[k] |= runeMask(r)
		}
	}
	var out []Match
	if within != nil {
		out = make([]Match, 0, len(within))
		for _, w := range within {
			if s, ok := m.scoreItem(&m.items[w.Index], ts, masks); ok {
				out = append(out, Match{Index: w.Index, Score: s})
			}
		}
	} else {
		out = make([]Match, 0, len(m.items)/4)
		for i := range m.items {
			if s, ok := m.scoreItem(&m.items[i], ts, masks); ok {
				out = append(out, Match{Index: i, Score: s})
			}
		}
	}
	slices.SortFunc(out, func(a, b Match) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(m.rank[a.Index], m.rank[b.Index])
	})
	return out
}

// highlight marks, in a slice parallel to the item's runes, the characters
// matched by the terms (the best field of each term).
func (m *matcher) highlight(p *prepared, ts [][]rune, mark []bool) {
	for _, t := range ts {
		pos := make([]int, len(t))
		tmp := make([]int, len(t))
		bestPos := make([]int, len(t))
		best, bestF := 0, -1
		for f := 0; f < numFields; f++ {
			s, ok := matchField(p.field(f), t, pos, tmp)
			if !ok {
				continue
			}
			if f == fProfile {
				s += bonusProfile
				if pos[0] == 0 && pos[len(t)-1] == len(t)-1 {
					s += bonusPrefix
				}
			}
			if bestF < 0 || s > best {
				best, bestF = s, f
				copy(bestPos, pos)
			}
		}
		if bestF < 0 {
			continue
		}
		base := p.fieldStart(bestF)
		for _, i := range bestPos {
			mark[base+i] = true
		}
	}
}

// Filter returns the items matching query, best first; items of equal score
// keep their profile-name order. It is the matcher of the picker without
// history.
func Filter(items []Item, query string) []Match {
	return newMatcher(items, nil).filter(query, nil)
}
