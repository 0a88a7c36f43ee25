package browser

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Rules of the folder names SafeName makes, so that two AWS profiles never
// share a browser profile on any file system we run on:
//   - Only a-z, 0-9, '-', '_', '.', '+' and '~' appear; every name is valid
//     on Linux, macOS and Windows, and no two names differ only in case
//     (macOS and Windows compare names case-insensitively).
//   - a-z, 0-9, '-' and '_' stand for themselves; '.' too, except first or
//     last (hidden folders; Windows drops trailing dots).
//   - An upper-case ASCII letter is '+' and the letter in lower case.
//   - Any other byte is '~' and two lower-case hex digits (so unicode and
//     '/', '\', ':' never reach the file system).
//   - A name Windows reserves (con, nul, com1, ...) has its first letter
//     escaped.
//   - The empty name is "+".
//   - A name whose encoding is longer than maxSafeName keeps a readable
//     head and ends with "+0" and a hash of the whole profile name. "+0"
//     never appears otherwise ('+' is always followed by a letter), so a
//     hashed name cannot equal a plain one.
const (
	maxSafeName  = 64
	safeNameHead = 38
	hashMarker   = "+0"
	hashHexLen   = 24 // 96 bits
)

// SafeName returns the folder name used for the browser profile of the AWS
// profile name: distinct names give distinct folder names, and
// UnsafeName reverses it unless the name was too long.
func SafeName(profile string) string {
	if profile == "" {
		return "+"
	}
	var b strings.Builder
	for i := 0; i < len(profile); i++ {
		c := profile[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && i > 0 && i < len(profile)-1:
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte('+')
			b.WriteByte(c - 'A' + 'a')
		default:
			writeHexEscape(&b, c)
		}
	}
	s := b.String()
	if windowsReserved(s) {
		// The first byte is a plain letter here (reserved names start with
		// a letter and upper case is already escaped).
		var e strings.Builder
		writeHexEscape(&e, s[0])
		s = e.String() + s[1:]
	}
	if len(s) <= maxSafeName {
		return s
	}
	head := s[:safeNameHead]
	// Do not cut an escape in half: it would only look odd, but it costs
	// nothing to avoid.
	if i := strings.LastIndexAny(head, "+~"); i >= 0 && len(head)-i <= 2 {
		head = head[:i]
	}
	sum := sha256.Sum256([]byte(profile))
	return head + hashMarker + hex.EncodeToString(sum[:])[:hashHexLen]
}

func writeHexEscape(b *strings.Builder, c byte) {
	const digits = "0123456789abcdef"
	b.WriteByte('~')
	b.WriteByte(digits[c>>4])
	b.WriteByte(digits[c&15])
}

// windowsReserved reports whether a (lower-case) folder name is a device
// name Windows refuses, with or without an extension.
func windowsReserved(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	switch base {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) {
		return base[3] >= '0' && base[3] <= '9'
	}
	return false
}

// UnsafeName reverses SafeName. ok is false for a name SafeName did not
// make, and for a shortened (hashed) one, whose profile name is lost.
func UnsafeName(safe string) (profile string, ok bool) {
	if safe == "+" {
		return "", true
	}
	if safe == "" || strings.Contains(safe, hashMarker) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(safe); i++ {
		c := safe[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		case c == '+':
			if i+1 >= len(safe) || safe[i+1] < 'a' || safe[i+1] > 'z' {
				return "", false
			}
			i++
			b.WriteByte(safe[i] - 'a' + 'A')
		case c == '~':
			if i+2 >= len(safe) {
				return "", false
			}
			v, err := hex.DecodeString(safe[i+1 : i+3])
			if err != nil || strings.ToLower(safe[i+1:i+3]) != safe[i+1:i+3] {
				return "", false
			}
			i += 2
			b.WriteByte(v[0])
		default:
			return "", false
		}
	}
	p := b.String()
	// Only canonical encodings count, so that one folder maps to one name.
	if SafeName(p) != safe {
		return "", false
	}
	return p, true
}
