package picker

import (
	"bytes"
	"strconv"
)

// Columns of a row.
const (
	cProfile = iota
	cAccount
	cRole
	cRegion
	cSSO
	cSession
	numCols
)

var colTitle = [numCols]string{"PROFILE", "ACCOUNT", "ROLE", "REGION", "SSO SESSION", "CACHED"}

// colMax caps a column's natural width.
var colMax = [numCols]int{40, 40, 32, 16, 24, 24}

// colComfort are the widths columns shrink to first; colBare the least.
var (
	colComfort = [numCols]int{28, 18, 14, 14, 12, 17}
	colBare    = [numCols]int{8, 6, 6, 6, 6, 8}
)

// style is a set of character attributes.
type style uint8

const (
	stSel   style = 1 << iota // selected row: reverse video
	stMatch                   // matched character: bold, colour
	stValid                   // valid session: green
	stDim                     // header and footer: dim
)

// cell is one character of a line with its style.
type cell struct {
	r  rune
	st style
}

// naturalWidths measures the columns over all items (runes, capped).
func (md *model) naturalWidths() {
	var w [numCols]int
	for i := range md.items {
		it := &md.items[i]
		w[cProfile] = max(w[cProfile], runeLen(it.Profile))
		w[cAccount] = max(w[cAccount], md.accountLen(it))
		w[cRole] = max(w[cRole], md.roleLen(it))
		w[cRegion] = max(w[cRegion], runeLen(it.Region))
		w[cSSO] = max(w[cSSO], runeLen(it.SSOSession))
	}
	w[cSession] = 1
	for i := range md.items {
		if !md.items[i].SessionUntil.IsZero() {
			text, _ := md.sessionText(&md.items[i])
			w[cSession] = max(w[cSession], runeLen(text))
		}
	}
	for c := range w {
		if w[c] == 0 && c != cProfile && c != cSession {
			continue // hidden: empty for every item
		}
		w[c] = min(max(w[c], runeLen(colTitle[c])), colMax[c])
	}
	md.nat = w
}

func (md *model) accountLen(it *Item) int {
	switch {
	case it.AccountName != "" && it.Account != "":
		return runeLen(it.AccountName) + runeLen(it.Account) + 3
	case it.AccountName != "":
		return runeLen(it.AccountName)
	default:
		return runeLen(it.Account)
	}
}

func (md *model) roleLen(it *Item) int {
	if it.Role == "" && it.Kind != "" {
		return runeLen(it.Kind) + 2
	}
	return runeLen(it.Role)
}

// fit shrinks the natural widths to width (marker and separators included).
func (md *model) fit(width int) [numCols]int {
	w := md.nat
	total := func() int {
		t := 2 // marker
		for c := range w {
			if w[c] > 0 {
				t += w[c] + 2
			}
		}
		return t - 2
	}
	// First every column gives way down to a comfortable width, widest
	// first, then down to a bare minimum.
	for _, floors := range [][numCols]int{colComfort, colBare} {
		for total() > width {
			widest := -1
			for c := range w {
				if w[c] > floors[c] && (widest < 0 || w[c]-floors[c] > w[widest]-floors[widest]) {
					widest = c
				}
			}
			if widest < 0 {
				break // the line is cut at the edge
			}
			w[widest]--
		}
	}
	return w
}

// frameRows is the number of item rows a terminal of height h shows.
func frameRows(h int) int { return max(h-3, 1) }

// render draws a whole frame of width w and height h into b: prompt line,
// column titles, visible rows, footer; then places the cursor after the
// query.
func (md *model) render(b *bytes.Buffer, w, h int) {
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	rows := h - 3
	md.scroll(frameRows(h))
	b.WriteString("\x1b[?25l\x1b[H")
	if md.color {
		b.WriteString("\x1b[0m")
	}
	sw := &styler{b: b, color: md.color}

	// Prompt and counts.
	line := md.line[:0]
	line = appendText(line, "> ", 0)
	count := " " + strconv.Itoa(len(md.matches)) + "/" + strconv.Itoa(len(md.items))
	room := w - 1 - 2 - runeLen(count)
	q := md.query
	if room < 1 {
		room = 1
	}
	if len(q) > room {
		q = q[len(q)-room:]
	}
	for _, r := range q {
		line = append(line, cell{r: sanitize(r)})
	}
	cursorCol := len(line) + 1
	for len(line)+runeLen(count) < w-1 {
		line = append(line, cell{r: ' '})
	}
	line = appendText(line, count, stDim)
	sw.lastLine(line, w)

	if rows < 1 {
		// Too small for anything but the prompt.
		b.WriteString("\x1b[J\x1b[1;")
		b.WriteString(strconv.Itoa(min(cursorCol, w)))
		b.WriteString("H\x1b[?25h")
		md.line = line
		return
	}
	b.WriteString("\r\n")
	widths := md.fit(w - 1)
	// Column titles.
	line = line[:0]
	line = appendText(line, "  ", stDim)
	line = md.appendCells(line, widths, func(c int, l []cell, width int) []cell {
		return appendPadded(l, []rune(colTitle[c]), nil, stDim, width)
	}, stDim)
	sw.line(line, w)

	// Rows.
	for r := 0; r < rows; r++ {
		i := md.top + r
		line = line[:0]
		if i < len(md.matches) {
			line = md.appendRow(line, md.matches[i].Index, i == md.sel, widths)
		} else if i == 0 {
			line = appendText(line, "  no profile matches", stDim)
		}
		sw.line(line, w)
	}

	// Footer.
	line = line[:0]
	line = appendText(line, "↑↓ move  Enter assume  Ctrl-O console  Esc cancel", stDim)
	sw.lastLine(line, w)
	md.line = line
	b.WriteString("\x1b[1;")
	b.WriteString(strconv.Itoa(min(cursorCol, w)))
	b.WriteString("H\x1b[?25h")
}

// appendCells lays out the visible columns with two spaces between them.
func (md *model) appendCells(line []cell, widths [numCols]int, each func(c int, l []cell, width int) []cell, sep style) []cell {
	first := true
	for c := 0; c < numCols; c++ {
		if widths[c] == 0 {
			continue
		}
		if !first {
			line = appendText(line, "  ", sep)
		}
		first = false
		line = each(c, line, widths[c])
	}
	return line
}

// appendRow draws the item idx.
func (md *model) appendRow(line []cell, idx int, selected bool, widths [numCols]int) []cell {
	it := &md.items[idx]
	p := &md.m.items[idx]
	md.disp = displayRunes(it, md.disp)
	disp := md.disp
	if cap(md.mark) < len(disp) {
		md.mark = make([]bool, len(disp)*2)
	}
	mark := md.mark[:len(disp)]
	clear(mark)
	if len(md.terms) > 0 {
		md.m.highlight(p, md.terms, mark)
	}
	var base style
	if selected {
		base = stSel
		line = appendText(line, "> ", base)
	} else {
		line = appendText(line, "  ", base)
	}
	field := func(f int) ([]rune, []bool) {
		s, e := p.off[f], p.off[f+1]
		return disp[s:e], mark[s:e]
	}
	return md.appendCells(line, widths, func(c int, l []cell, width int) []cell {
		switch c {
		case cProfile:
			r, m := field(fProfile)
			return appendPadded(l, r, m, base, width)
		case cAccount:
			nr, nm := field(fAccountName)
			ir, im := field(fAccount)
			var rs []rune
			var ms []bool
			switch {
			case len(nr) > 0 && len(ir) > 0:
				rs = append(append(append(append(rs, nr...), ' ', '('), ir...), ')')
				ms = append(append(append(append(ms, nm...), false, false), im...), false)
			case len(nr) > 0:
				rs, ms = nr, nm
			default:
				rs, ms = ir, im
			}
			return appendPadded(l, rs, ms, base, width)
		case cRole:
			r, m := field(fRole)
			if len(r) == 0 && it.Kind != "" {
				return appendPadded(l, []rune("("+it.Kind+")"), nil, base, width)
			}
			return appendPadded(l, r, m, base, width)
		case cRegion:
			r, m := field(fRegion)
			return appendPadded(l, r, m, base, width)
		case cSSO:
			r, m := field(fSSOSession)
			return appendPadded(l, r, m, base, width)
		default:
			text, valid := md.sessionText(it)
			st := base
			if valid {
				st |= stValid
			}
			return appendPadded(l, []rune(text), nil, st, width)
		}
	}, base)
}

func appendText(line []cell, s string, st style) []cell {
	for _, r := range s {
		line = append(line, cell{r: r, st: st})
	}
	return line
}

// appendPadded appends rs cut or padded to width; characters marked in m
// get stMatch. A cut text ends in '…'.
func appendPadded(line []cell, rs []rune, m []bool, st style, width int) []cell {
	n := len(rs)
	cut := n > width
	if cut {
		n = width - 1
	}
	for i := 0; i < n; i++ {
		s := st
		if m != nil && m[i] {
			s |= stMatch
		}
		line = append(line, cell{r: sanitize(rs[i]), st: s})
	}
	if cut && width > 0 {
		line = append(line, cell{r: '…', st: st})
		n++
	}
	for ; n < width; n++ {
		line = append(line, cell{r: ' ', st: st})
	}
	return line
}

// styler writes cells, emitting SGR sequences only when the style changes
// and only when colour is on.
type styler struct {
	b     *bytes.Buffer
	cur   style
	color bool
}

func (s *styler) set(st style) {
	if !s.color || st == s.cur {
		return
	}
	s.cur = st
	s.b.WriteString("\x1b[0")
	if st&stSel != 0 {
		s.b.WriteString(";7")
	}
	if st&stMatch != 0 {
		s.b.WriteString(";1;33")
	} else if st&stValid != 0 {
		s.b.WriteString(";32")
	}
	if st&stDim != 0 {
		s.b.WriteString(";2")
	}
	s.b.WriteByte('m')
}

// line writes one line cut to w-1 columns (never the last column, so the
// terminal never wraps), clears the rest of it and moves to the next.
func (s *styler) line(l []cell, w int) {
	s.lastLine(l, w)
	s.b.WriteString("\r\n")
}

func (s *styler) lastLine(l []cell, w int) {
	if len(l) > w-1 {
		l = l[:max(w-1, 0)]
	}
	for _, c := range l {
		s.set(c.st)
		s.b.WriteRune(c.r)
	}
	s.set(0)
	s.b.WriteString("\x1b[K")
}
