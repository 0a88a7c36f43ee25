package picker

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		final bool
		want  key
		n     int
	}{
		{"letter", "a", false, key{kind: keyRune, r: 'a'}, 1},
		{"space", " x", false, key{kind: keyRune, r: ' '}, 1},
		{"utf8", "é!", false, key{kind: keyRune, r: 'é'}, 2},
		{"utf8 partial waits", "\xc3", false, key{}, 0},
		{"utf8 partial final", "\xc3", true, key{}, 1},
		{"invalid utf8", "\xff", false, key{}, 1},
		{"c1 control dropped", "\xc2\x9b", false, key{}, 2},
		{"enter cr", "\r", false, key{kind: keyEnter}, 1},
		{"enter lf", "\n", false, key{kind: keyEnter}, 1},
		{"backspace del", "\x7f", false, key{kind: keyBackspace}, 1},
		{"backspace bs", "\b", false, key{kind: keyBackspace}, 1},
		{"ctrl-c", "\x03", false, key{kind: keyCtrlC}, 1},
		{"ctrl-d", "\x04", false, key{kind: keyCtrlD}, 1},
		{"ctrl-u", "\x15", false, key{kind: keyCtrlU}, 1},
		{"ctrl-w", "\x17", false, key{kind: keyCtrlW}, 1},
		{"ctrl-o", "\x0f", false, key{kind: keyCtrlO}, 1},
		{"ctrl-p", "\x10", false, key{kind: keyUp}, 1},
		{"ctrl-n", "\x0e", false, key{kind: keyDown}, 1},
		{"other control ignored", "\x01", false, key{}, 1},
		{"lone esc waits", "\x1b", false, key{}, 0},
		{"lone esc final", "\x1b", true, key{kind: keyEsc}, 1},
		{"esc esc", "\x1b\x1b[A", false, key{kind: keyEsc}, 1},
		{"esc then letter", "\x1bq", false, key{kind: keyEsc}, 1},
		{"up", "\x1b[A", false, key{kind: keyUp}, 3},
		{"down", "\x1b[B", false, key{kind: keyDown}, 3},
		{"right", "\x1b[C", false, key{kind: keyRight}, 3},
		{"left", "\x1b[D", false, key{kind: keyLeft}, 3},
		{"ss3 up", "\x1bOA", false, key{kind: keyUp}, 3},
		{"ss3 home", "\x1bOH", false, key{kind: keyHome}, 3},
		{"home csi", "\x1b[H", false, key{kind: keyHome}, 3},
		{"end csi", "\x1b[F", false, key{kind: keyEnd}, 3},
		{"home tilde", "\x1b[1~", false, key{kind: keyHome}, 4},
		{"home tilde 7", "\x1b[7~", false, key{kind: keyHome}, 4},
		{"end tilde", "\x1b[4~", false, key{kind: keyEnd}, 4},
		{"pgup", "\x1b[5~", false, key{kind: keyPgUp}, 4},
		{"pgdn", "\x1b[6~", false, key{kind: keyPgDn}, 4},
		{"shift pgdn", "\x1b[6;2~", false, key{kind: keyPgDn}, 6},
		{"delete", "\x1b[3~", false, key{kind: keyDelete}, 4},
		{"ctrl up", "\x1b[1;5A", false, key{kind: keyUp}, 6},
		{"unknown csi", "\x1b[99~", false, key{}, 5},
		{"huge param", "\x1b[99999999999~", false, key{}, 14},
		{"partial csi waits", "\x1b[1;", false, key{}, 0},
		{"partial csi final", "\x1b[1;", true, key{}, 4},
		{"partial ss3 waits", "\x1bO", false, key{}, 0},
		{"broken csi", "\x1b[1\x03", false, key{}, 3},
		{"too long csi", "\x1b[" + strings.Repeat("1", 40), false, key{}, maxSeq},
		{"empty", "", true, key{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, n := decodeKey([]byte(tc.in), tc.final)
			if k != tc.want || n != tc.n {
				t.Errorf("decodeKey(%q, %v) = %+v, %d; want %+v, %d", tc.in, tc.final, k, n, tc.want, tc.n)
			}
		})
	}
}

// decodeAll decodes buf to the end as the picker does when input stops.
func decodeAll(t *testing.T, buf []byte) []key {
	var keys []key
	for len(buf) > 0 {
		k, n := decodeKey(buf, false)
		if n == 0 {
			k, n = decodeKey(buf, true)
		}
		if n <= 0 || n > len(buf) {
			t.Fatalf("decodeKey(%q) used %d bytes", buf, n)
		}
		if k.kind == keyRune && (!utf8.ValidRune(k.r) || k.r < 0x20 || k.r == 0x7f) {
			t.Fatalf("decodeKey(%q) gave bad rune %U", buf, k.r)
		}
		keys = append(keys, k)
		buf = buf[n:]
	}
	return keys
}

func TestDecodeStream(t *testing.T) {
	got := decodeAll(t, []byte("ab\x1b[Bc\x1b\r"))
	want := []key{{kind: keyRune, r: 'a'}, {kind: keyRune, r: 'b'}, {kind: keyDown}, {kind: keyRune, r: 'c'}, {kind: keyEsc}, {kind: keyEnter}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("key %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{"a", "\x1b", "\x1b[A", "\x1b[5~", "\x1bOH", "é", "\xc3", "\x1b[1;5A", "\x1b[", "\x1b\x1b", "\x03\x04\x0f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		decodeAll(t, buf)
		// A non-final decode never over-reads either.
		if k, n := decodeKey(buf, false); n < 0 || n > len(buf) || (n == 0 && k != (key{})) {
			t.Fatalf("decodeKey(%q, false) = %+v, %d", buf, k, n)
		}
	})
}
