package shell

import (
	"strings"
	"unicode/utf8"
)

// quotePOSIX quotes s as one word for sh, bash, zsh, dash and ksh. Inside
// single quotes every byte is literal except the quote itself, which is
// written as close quote, backslash-quote, open quote. Any byte but NUL
// survives.
func quotePOSIX(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// quoteFish quotes s as one word for fish: a backslash before each of the
// only two characters that are special inside its single quotes.
func quoteFish(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '\'' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// quotePwsh quotes s as a verbatim (single-quoted) PowerShell string: every
// character PowerShell accepts as a single quote is doubled, the ASCII one
// and the typographic U+2018 to U+201B. Missing the latter would let a
// value such as a’;cmd close the string early. (Loops, not
// strings.Replacers: a package-level Replacer is built at every start.)
func quotePwsh(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\'' || r >= '\u2018' && r <= '\u201B' {
			b.WriteString(s[i : i+n])
		}
		b.WriteString(s[i : i+n]) // the bytes as they are, valid UTF-8 or not
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteNu quotes s as a nushell string literal: single quotes when s has
// none (no escapes exist inside them), else a raw string r#'…'# with enough
// hashes that the closing delimiter cannot occur inside s.
func quoteNu(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	hashes := "#"
	for strings.Contains(s, "'"+hashes) {
		hashes += "#"
	}
	return "r" + hashes + "'" + s + "'" + hashes
}
