package keyring

import (
	"errors"
	"strings"
)

// encodeKey turns any key into a name made of a-z, 0-9, '-' and '_' only,
// safe as a file name on case-insensitive file systems, as a pass entry, as
// a keychain attribute and as a credential target. Other bytes, including
// upper-case letters and '_' itself, become '_' and two lower-case hex
// digits. decodeKey reverses it.
func encodeKey(key string) string {
	const hexdig = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('_')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

var errBadName = errors.New("not an encoded key name")

// decodeKey reverses encodeKey. It rejects anything encodeKey cannot
// produce, so that each key has exactly one name.
func decodeKey(name string) (string, error) {
	if name == "" {
		return "", errBadName
	}
	var b strings.Builder
	b.Grow(len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-':
			b.WriteByte(c)
		case c == '_':
			if i+2 >= len(name) {
				return "", errBadName
			}
			hi, ok1 := unhex(name[i+1])
			lo, ok2 := unhex(name[i+2])
			v := hi<<4 | lo
			if !ok1 || !ok2 || v >= 'a' && v <= 'z' || v >= '0' && v <= '9' || v == '-' {
				return "", errBadName
			}
			b.WriteByte(v)
			i += 2
		default:
			return "", errBadName
		}
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
