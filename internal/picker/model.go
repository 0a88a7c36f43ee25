package picker

import (
	"strings"
	"time"
	"unicode/utf8"
)

// snapshot is the matches of one query; each snapshot's query on the stack
// is a prefix of the next one's.
type snapshot struct {
	query   string
	matches []Match
}

// maxSnapshots bounds the cached match lists (one per query prefix).
const maxSnapshots = 64

// model is the picker's state, independent of the terminal.
type model struct {
	items []Item
	m     *matcher
	now   time.Time
	color bool

	query   []rune
	terms   [][]rune
	stack   []snapshot
	matches []Match
	sel     int // index into matches
	top     int // first visible match

	nat  [numCols]int // natural column widths
	mark []bool       // scratch for highlighting
	disp []rune       // scratch for a row's text
	line []cell       // scratch for a line
}

// newModel prepares items for the picker.
func newModel(items []Item, opts Options) *model {
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	var frec []float64
	if opts.Order != "alpha" && opts.History != nil {
		byName := opts.History.Frecency(now)
		frec = make([]float64, len(items))
		for i := range items {
			frec[i] = byName[items[i].Profile]
		}
	}
	md := &model{
		items: items,
		m:     newMatcher(items, frec),
		now:   now,
		color: !opts.NoColor,
	}
	md.stack = []snapshot{{query: "", matches: md.m.filter("", nil)}}
	md.matches = md.stack[0].matches
	md.naturalWidths()
	md.setQuery([]rune(opts.Query))
	return md
}

// setQuery filters for q, re-using the matches of a query q extends.
func (md *model) setQuery(q []rune) {
	md.query = q
	s := string(q)
	md.terms = terms(s)
	for len(md.stack) > 1 && !strings.HasPrefix(s, md.stack[len(md.stack)-1].query) {
		md.stack = md.stack[:len(md.stack)-1]
	}
	top := md.stack[len(md.stack)-1]
	if top.query == s {
		md.matches = top.matches
	} else if len(md.terms) == 0 {
		md.matches = md.stack[0].matches
	} else {
		md.matches = md.m.filter(s, top.matches)
		if len(md.stack) < maxSnapshots {
			md.stack = append(md.stack, snapshot{query: s, matches: md.matches})
		}
	}
	md.sel, md.top = 0, 0
}

// handle applies one key. done reports that the picker is finished with
// action on the selected item.
func (md *model) handle(k key, pageRows int) (done bool, action Action) {
	if pageRows < 1 {
		pageRows = 1
	}
	switch k.kind {
	case keyRune:
		md.setQuery(append(md.query[:len(md.query):len(md.query)], k.r))
	case keyBackspace:
		if len(md.query) > 0 {
			md.setQuery(md.query[:len(md.query)-1])
		}
	case keyCtrlU:
		if len(md.query) > 0 {
			md.setQuery(nil)
		}
	case keyCtrlW:
		q := md.query
		for len(q) > 0 && q[len(q)-1] == ' ' {
			q = q[:len(q)-1]
		}
		for len(q) > 0 && q[len(q)-1] != ' ' {
			q = q[:len(q)-1]
		}
		if len(q) != len(md.query) {
			md.setQuery(q)
		}
	case keyUp:
		md.move(-1, pageRows)
	case keyDown:
		md.move(1, pageRows)
	case keyPgUp:
		md.move(-pageRows, pageRows)
	case keyPgDn:
		md.move(pageRows, pageRows)
	case keyHome:
		md.move(-len(md.matches), pageRows)
	case keyEnd:
		md.move(len(md.matches), pageRows)
	case keyEnter:
		if len(md.matches) > 0 {
			return true, Assume
		}
	case keyCtrlO:
		if len(md.matches) > 0 {
			return true, Console
		}
	case keyEsc, keyCtrlC, keyCtrlD:
		return true, Cancel
	}
	return false, Cancel
}

func (md *model) move(d, pageRows int) {
	md.sel += d
	if md.sel >= len(md.matches) {
		md.sel = len(md.matches) - 1
	}
	if md.sel < 0 {
		md.sel = 0
	}
	md.scroll(pageRows)
}

// scroll keeps the selection visible in a window of rows lines.
func (md *model) scroll(rows int) {
	if rows < 1 {
		rows = 1
	}
	if md.sel < md.top {
		md.top = md.sel
	}
	if md.sel >= md.top+rows {
		md.top = md.sel - rows + 1
	}
	if max := len(md.matches) - rows; md.top > max {
		md.top = max
	}
	if md.top < 0 {
		md.top = 0
	}
}

// selected returns the selected item; ok is false when nothing matches.
func (md *model) selected() (Item, bool) {
	if md.sel < 0 || md.sel >= len(md.matches) {
		return Item{}, false
	}
	return md.items[md.matches[md.sel].Index], true
}

// sessionText describes the cached session of it.
func (md *model) sessionText(it *Item) (string, bool) {
	if it.SessionUntil.IsZero() {
		return "—", false
	}
	if !it.SessionUntil.After(md.now) {
		return "expired", false
	}
	u := it.SessionUntil.Local()
	n := md.now.Local()
	if u.Year() == n.Year() && u.YearDay() == n.YearDay() {
		return "valid until " + u.Format("15:04"), true
	}
	return "valid until " + u.Format("Jan 2 15:04"), true
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }
