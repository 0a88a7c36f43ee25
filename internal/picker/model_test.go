package picker

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stripANSI removes escape sequences from a frame.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && !(s[j] >= 0x40 && s[j] <= 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func frame(md *model, w, h int) string {
	var b bytes.Buffer
	md.render(&b, w, h)
	return b.String()
}

func screenLines(md *model, w, h int) []string {
	return strings.Split(stripANSI(frame(md, w, h)), "\r\n")
}

func typeKeys(md *model, s string) {
	for _, r := range s {
		md.handle(key{kind: keyRune, r: r}, 10)
	}
}

func TestModelKeys(t *testing.T) {
	items := matchItems
	tests := []struct {
		name     string
		keys     []key
		query    string
		sel      int
		done     bool
		action   Action
		selected string
	}{
		{name: "type", keys: []key{{kind: keyRune, r: 'p'}, {kind: keyRune, r: 'r'}}, query: "pr", selected: "prod"},
		{name: "backspace", keys: []key{{kind: keyRune, r: 'b'}, {kind: keyRune, r: 'x'}, {kind: keyBackspace}}, query: "b", selected: "billing"},
		{name: "backspace on empty", keys: []key{{kind: keyBackspace}}, query: "", selected: "billing"},
		{name: "ctrl-u", keys: []key{{kind: keyRune, r: 'z'}, {kind: keyCtrlU}}, query: "", selected: "billing"},
		{name: "ctrl-w", keys: []key{{kind: keyRune, r: 'a'}, {kind: keyRune, r: ' '}, {kind: keyRune, r: 'b'}, {kind: keyRune, r: 'c'}, {kind: keyRune, r: ' '}, {kind: keyCtrlW}}, query: "a "},
		{name: "down", keys: []key{{kind: keyDown}, {kind: keyDown}}, sel: 2, selected: "prod"},
		{name: "up clamps", keys: []key{{kind: keyUp}}, sel: 0, selected: "billing"},
		{name: "end", keys: []key{{kind: keyEnd}}, sel: 5, selected: "Ünïcode-Prof"},
		{name: "end home", keys: []key{{kind: keyEnd}, {kind: keyHome}}, sel: 0, selected: "billing"},
		{name: "pgdn", keys: []key{{kind: keyPgDn}}, sel: 3, selected: "production-eu"},
		{name: "pgdn clamps", keys: []key{{kind: keyPgDn}, {kind: keyPgDn}, {kind: keyPgDn}}, sel: 5, selected: "Ünïcode-Prof"},
		{name: "typing resets selection", keys: []key{{kind: keyDown}, {kind: keyRune, r: 'o'}}, query: "o", sel: 0},
		{name: "enter", keys: []key{{kind: keyDown}, {kind: keyEnter}}, sel: 1, done: true, action: Assume, selected: "dev-product"},
		{name: "ctrl-o", keys: []key{{kind: keyCtrlO}}, done: true, action: Console, selected: "billing"},
		{name: "esc", keys: []key{{kind: keyEsc}}, done: true, action: Cancel},
		{name: "ctrl-c", keys: []key{{kind: keyCtrlC}}, done: true, action: Cancel},
		{name: "ctrl-d", keys: []key{{kind: keyCtrlD}}, done: true, action: Cancel},
		{name: "enter with no match does nothing", keys: []key{{kind: keyRune, r: 'Q'}, {kind: keyRune, r: 'Q'}, {kind: keyEnter}}, query: "QQ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md := newModel(items, Options{Now: func() time.Time { return testNow }})
			var done bool
			var action Action
			for _, k := range tc.keys {
				if done, action = md.handle(k, 3); done {
					break
				}
			}
			if string(md.query) != tc.query || done != tc.done || action != tc.action || md.sel != tc.sel {
				t.Fatalf("query %q done %v action %v sel %d; want %q %v %v %d", string(md.query), done, action, md.sel, tc.query, tc.done, tc.action, tc.sel)
			}
			if tc.selected != "" {
				if it, ok := md.selected(); !ok || it.Profile != tc.selected {
					t.Fatalf("selected %q, want %q", it.Profile, tc.selected)
				}
			}
		})
	}
}

func TestRender(t *testing.T) {
	items := []Item{
		{Profile: "prod-web", Account: "111111111111", AccountName: "web", Role: "Admin", Region: "eu-west-1", SSOSession: "corp", SessionUntil: testNow.Add(2 * time.Hour)},
		{Profile: "evil\x1b[2J\x07name", Account: "222222222222", Kind: "static"},
		{Profile: "dev", Account: "333333333333", SessionUntil: testNow.Add(-time.Minute)},
		{Profile: "日本語のプロファイル名前がとても長い-" + strings.Repeat("é", 80), Account: "444444444444"},
	}
	md := newModel(items, Options{Now: func() time.Time { return testNow }})
	for _, size := range [][2]int{{120, 20}, {80, 10}, {40, 6}, {20, 4}, {10, 3}, {1, 1}, {200, 50}} {
		w, h := size[0], size[1]
		f := frame(md, w, h)
		if !utf8.ValidString(f) {
			t.Fatalf("%dx%d: frame is not valid UTF-8", w, h)
		}
		lines := strings.Split(stripANSI(f), "\r\n")
		if len(lines) > h {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > max(w-1, 0) {
				t.Errorf("%dx%d: line of %d runes: %q", w, h, n, l)
			}
			if strings.ContainsAny(l, "\x07\x1b") {
				t.Errorf("control character drawn: %q", l)
			}
		}
	}
	lines := screenLines(md, 150, 10)
	screen := strings.Join(lines, "\n")
	for _, want := range []string{"> ", "4/4", "PROFILE", "ACCOUNT", "web (111111111111)", "valid until " + testNow.Add(2*time.Hour).Local().Format("15:04"), "expired", "—", "(static)", "evil?[2J?name", "Enter assume", "Ctrl-O console", "Esc cancel"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if !strings.Contains(lines[2], "> ") {
		t.Errorf("first row not selected: %q", lines[2])
	}
	// A query shows its counts and highlights (with colour).
	typeKeys(md, "web")
	f := frame(md, 150, 10)
	if !strings.Contains(stripANSI(f), "1/4") || !strings.Contains(f, "\x1b[0;7;1;33mw") {
		t.Errorf("filtered frame:\n%q", f)
	}
	// No matches.
	typeKeys(md, "zzz")
	if s := stripANSI(frame(md, 150, 10)); !strings.Contains(s, "no profile matches") || !strings.Contains(s, "0/4") {
		t.Errorf("no-match frame:\n%s", s)
	}
}

func TestRenderNoColor(t *testing.T) {
	md := newModel(genItems(50), Options{Now: func() time.Time { return testNow }, NoColor: true, Query: "prod"})
	f := frame(md, 100, 20)
	// Only cursor and screen control: no SGR (…m) sequences at all.
	for i := 0; i < len(f); i++ {
		if f[i] != 0x1b {
			continue
		}
		j := i + 2
		for j < len(f) && !(f[j] >= 0x40 && f[j] <= 0x7e) {
			j++
		}
		if j < len(f) && f[j] == 'm' {
			t.Fatalf("colour sequence %q in a NoColor frame", f[i:j+1])
		}
	}
}

func TestScrollKeepsSelectionVisible(t *testing.T) {
	md := newModel(genItems(100), Options{Now: func() time.Time { return testNow }})
	h := 10
	for i := 0; i < 30; i++ {
		md.handle(key{kind: keyDown}, frameRows(h))
	}
	lines := screenLines(md, 120, h)
	it, _ := md.selected()
	found := false
	for _, l := range lines[2 : len(lines)-1] {
		if strings.HasPrefix(l, "> ") && strings.Contains(l, it.Profile[:10]) {
			found = true
		}
	}
	if !found {
		t.Fatalf("selection %q not visible:\n%s", it.Profile, strings.Join(lines, "\n"))
	}
	md.handle(key{kind: keyPgUp}, frameRows(h))
	if md.sel != 30-frameRows(h) {
		t.Fatalf("PgUp: sel %d", md.sel)
	}
}

func TestRunNotTerminal(t *testing.T) {
	f, err := openNull(t)
	if err != nil {
		t.Skip(err)
	}
	if _, err := Run(f, f, matchItems, Options{}); err != ErrNotTerminal {
		t.Fatalf("Run on a file: %v, want ErrNotTerminal", err)
	}
	if _, err := Run(f, f, nil, Options{}); err != ErrNoItems {
		t.Fatalf("Run with no items: %v, want ErrNoItems", err)
	}
}
