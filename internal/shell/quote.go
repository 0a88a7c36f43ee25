package shell

import "strings"

// quotePOSIX quotes s as one word for sh, bash, zsh, dash and ksh. Inside
// single quotes every byte is literal except the quote itself, which is
// written as close quote, backslash-quote, open quote. Any byte but NUL
// survives.
func quotePOSIX(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuoter escapes the only two characters that are special inside fish's
// single quotes.
var fishQuoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// quoteFish quotes s as one word for fish.
func quoteFish(s string) string {
	return "'" + fishQuoter.Replace(s) + "'"
}

// pwshQuoter doubles every character PowerShell accepts as a single quote:
// the ASCII one and the typographic U+2018 to U+201B. Missing the latter
// would let a value such as a’;cmd close the string early.
var pwshQuoter = strings.NewReplacer(
	"'", "''",
	"\u2018", "\u2018\u2018",
	"\u2019", "\u2019\u2019",
	"\u201A", "\u201A\u201A",
	"\u201B", "\u201B\u201B",
)

// quotePwsh quotes s as a verbatim (single-quoted) PowerShell string.
func quotePwsh(s string) string {
	return "'" + pwshQuoter.Replace(s) + "'"
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
