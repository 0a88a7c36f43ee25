package picker

import "unicode/utf8"

// keyKind is a decoded key.
type keyKind int

const (
	keyNone keyKind = iota // nothing decoded (unknown or ignored input)
	keyRune
	keyBackspace
	keyEnter
	keyEsc
	keyCtrlC
	keyCtrlD
	keyCtrlU
	keyCtrlW
	keyCtrlO
	keyUp
	keyDown
	keyLeft
	keyRight
	keyPgUp
	keyPgDn
	keyHome
	keyEnd
	keyDelete
)

type key struct {
	kind keyKind
	r    rune // for keyRune
}

// maxSeq bounds an escape sequence; longer ones are dropped.
const maxSeq = 32

// decodeKey decodes one key from the start of buf. It returns the key and
// the number of bytes used. When buf holds only the start of a sequence it
// returns n == 0, unless final is set (no more bytes arrived in time): then
// a lone ESC is the Esc key and any other partial sequence is dropped.
// For a non-empty buf, final always makes progress (n > 0).
func decodeKey(buf []byte, final bool) (k key, n int) {
	if len(buf) == 0 {
		return key{}, 0
	}
	c := buf[0]
	switch {
	case c == 0x1b:
		return decodeEsc(buf, final)
	case c == '\r' || c == '\n':
		return key{kind: keyEnter}, 1
	case c == 0x7f || c == 0x08:
		return key{kind: keyBackspace}, 1
	case c == 0x03:
		return key{kind: keyCtrlC}, 1
	case c == 0x04:
		return key{kind: keyCtrlD}, 1
	case c == 0x15:
		return key{kind: keyCtrlU}, 1
	case c == 0x17:
		return key{kind: keyCtrlW}, 1
	case c == 0x0f:
		return key{kind: keyCtrlO}, 1
	case c == 0x10:
		return key{kind: keyUp}, 1
	case c == 0x0e:
		return key{kind: keyDown}, 1
	case c < 0x20:
		return key{}, 1
	case c < utf8.RuneSelf:
		return key{kind: keyRune, r: rune(c)}, 1
	}
	if !utf8.FullRune(buf) {
		if final {
			return key{}, 1
		}
		return key{}, 0
	}
	r, size := utf8.DecodeRune(buf)
	if r == utf8.RuneError || (r >= 0x80 && r < 0xa0) {
		return key{}, size
	}
	return key{kind: keyRune, r: r}, size
}

func decodeEsc(buf []byte, final bool) (key, int) {
	if len(buf) == 1 {
		if final {
			return key{kind: keyEsc}, 1
		}
		return key{}, 0
	}
	switch buf[1] {
	case '[':
		return decodeCSI(buf, final)
	case 'O':
		if len(buf) < 3 {
			if final {
				return key{}, len(buf)
			}
			return key{}, 0
		}
		return key{kind: finalKey(buf[2])}, 3
	case 0x1b:
		// ESC ESC: the first is a lone Esc.
		return key{kind: keyEsc}, 1
	}
	// ESC followed by something else (Alt+key, or Esc typed just before a
	// character): Esc, and the rest is decoded on its own.
	return key{kind: keyEsc}, 1
}

// decodeCSI decodes ESC [ params final.
func decodeCSI(buf []byte, final bool) (key, int) {
	i := 2
	for i < len(buf) && i < maxSeq {
		c := buf[i]
		if c >= 0x40 && c <= 0x7e {
			params := buf[2:i]
			if c == '~' {
				return key{kind: tildeKey(params)}, i + 1
			}
			return key{kind: finalKey(c)}, i + 1
		}
		if c < 0x20 || c > 0x7e {
			// Not a parameter or intermediate byte: the sequence is
			// broken; drop what was read of it.
			return key{}, i
		}
		i++
	}
	if i >= maxSeq {
		return key{}, i
	}
	if final {
		return key{}, len(buf)
	}
	return key{}, 0
}

func finalKey(c byte) keyKind {
	switch c {
	case 'A':
		return keyUp
	case 'B':
		return keyDown
	case 'C':
		return keyRight
	case 'D':
		return keyLeft
	case 'H':
		return keyHome
	case 'F':
		return keyEnd
	}
	return keyNone
}

func tildeKey(params []byte) keyKind {
	// Only the first parameter matters ("5;2~" is Shift-PgUp).
	n := 0
	for _, c := range params {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
		if n > 1000 {
			return keyNone
		}
	}
	switch n {
	case 1, 7:
		return keyHome
	case 4, 8:
		return keyEnd
	case 3:
		return keyDelete
	case 5:
		return keyPgUp
	case 6:
		return keyPgDn
	}
	return keyNone
}
