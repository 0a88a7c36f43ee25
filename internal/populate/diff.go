package populate

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines surround each change.
const diffContext = 3

// maxEditDistance bounds the Myers search between two anchors; beyond it the
// lines between them are shown as one removal and one addition, which is
// still a correct diff.
const maxEditDistance = 1000

// unifiedDiff renders the change from a to b as a unified diff with the
// given file names. Lines are shown without their terminators; a CRLF file
// therefore diffs like an LF one. It returns "" when a and b are equal.
func unifiedDiff(aName, bName string, a, b []line) string {
	ops := diffLines(a, b)
	changed := false
	for _, o := range ops {
		if o.kind != ' ' {
			changed = true
			break
		}
	}
	if !changed {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", aName, bName)
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from diffContext lines before this change to diffContext
		// lines after the last change that is no further than 2×diffContext
		// unchanged lines from the previous one.
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
				continue
			}
			if j-end >= 2*diffContext {
				break
			}
		}
		end = min(len(ops), end+diffContext)
		h := ops[start:end]
		aStart, bStart := ops[start].a, ops[start].b
		aLen, bLen := 0, 0
		for _, o := range h {
			if o.kind != '+' {
				aLen++
			}
			if o.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, o := range h {
			var l line
			if o.kind == '+' {
				l = b[o.b]
			} else {
				l = a[o.a]
			}
			sb.WriteByte(o.kind)
			sb.WriteString(l.text)
			sb.WriteByte('\n')
			if l.eol == "" {
				sb.WriteString("\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return sb.String()
}

// hunkRange writes a hunk's start,length (1-based start; for an empty range
// the line before it).
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// diffOp is one line of the edit script: ' ', '-' or '+', with the indexes
// of the line in a and b (for '+', a is where it would go; for '-', b is).
type diffOp struct {
	kind byte
	a, b int
}

// diffLines returns an edit script from a to b.
func diffLines(a, b []line) []diffOp {
	return diffRange(a, b, 0, 0)
}

// diffRange diffs a and b, which start at ao and bo in the whole files:
// the common head and tail are cut off; the middle is split at the lines
// that occur exactly once on each side, in the longest run that keeps
// their order (patience diff: every profile header is such a line), and
// what is left between two of them goes to Myers' algorithm.
func diffRange(a, b []line, ao, bo int) []diffOp {
	var ops []diffOp
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		ops = append(ops, diffOp{' ', ao + pre, bo + pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	ao2, bo2 := ao+pre, bo+pre
	anchors := uniqueAnchors(am, bm)
	if len(anchors) == 0 {
		ops = append(ops, myers(am, bm, ao2, bo2)...)
	} else {
		pa, pb := 0, 0
		for _, an := range anchors {
			ops = append(ops, diffRange(am[pa:an[0]], bm[pb:an[1]], ao2+pa, bo2+pb)...)
			ops = append(ops, diffOp{' ', ao2 + an[0], bo2 + an[1]})
			pa, pb = an[0]+1, an[1]+1
		}
		ops = append(ops, diffRange(am[pa:], bm[pb:], ao2+pa, bo2+pb)...)
	}
	for k := range suf {
		ops = append(ops, diffOp{' ', ao + len(a) - suf + k, bo + len(b) - suf + k})
	}
	return ops
}

// uniqueAnchors returns pairs (i, j) with a[i] == b[j] where the line is
// unique in both a and b, choosing the longest sequence increasing in both.
func uniqueAnchors(a, b []line) [][2]int {
	type seen struct{ na, nb, ia, ib int }
	count := map[line]*seen{}
	for i, l := range a {
		s := count[l]
		if s == nil {
			s = &seen{}
			count[l] = s
		}
		s.na++
		s.ia = i
	}
	for j, l := range b {
		if s := count[l]; s != nil {
			s.nb++
			s.ib = j
		}
	}
	var pairs [][2]int
	for i, l := range a {
		if s := count[l]; s.na == 1 && s.nb == 1 {
			pairs = append(pairs, [2]int{i, s.ib})
		}
	}
	// Longest increasing subsequence of the b indexes (patience sorting).
	var tails []int // index into pairs of the smallest tail of each length
	prev := make([]int, len(pairs))
	for p, pr := range pairs {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if pairs[tails[mid]][1] < pr[1] {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[p] = -1
		if lo > 0 {
			prev[p] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, p)
		} else {
			tails[lo] = p
		}
	}
	if len(tails) == 0 {
		return nil
	}
	out := make([][2]int, len(tails))
	for k, p := len(tails)-1, tails[len(tails)-1]; k >= 0; k, p = k-1, prev[p] {
		out[k] = pairs[p]
	}
	return out
}

// myers returns the shortest edit script from a to b (offset by ao, bo),
// or a plain replacement when the edit distance exceeds maxEditDistance.
func myers(a, b []line, ao, bo int) []diffOp {
	n, m := len(a), len(b)
	replace := func() []diffOp {
		var ops []diffOp
		for i := range n {
			ops = append(ops, diffOp{'-', ao + i, bo})
		}
		for j := range m {
			ops = append(ops, diffOp{'+', ao + n, bo + j})
		}
		return ops
	}
	if n == 0 || m == 0 {
		return replace()
	}
	maxD := min(n+m, maxEditDistance)
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	// trace[d] is the frontier after d-1 edits, for diagonals -d..d.
	var trace [][]int
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return replace()
	}
	// Walk back through the saved frontiers.
	var rev []diffOp
	x, y := n, m
	for d := found; d > 0; d-- {
		pv := trace[d]
		at := func(k int) int { return pv[k+d] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, diffOp{' ', ao + x, bo + y})
		}
		if x == px {
			y--
			rev = append(rev, diffOp{'+', ao + x, bo + y})
		} else {
			x--
			rev = append(rev, diffOp{'-', ao + x, bo + y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, diffOp{' ', ao + x, bo + y})
	}
	ops := make([]diffOp, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}
