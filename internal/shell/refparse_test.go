package shell

// Tiny reference parsers for the syntaxes the emitters write. They are
// written from each shell's documented quoting rules, independently of the
// quoters, and are strict: any expansion, glob or unquoted special character
// is an error, because the emitters must never produce one.

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// parsePOSIXWord reads one shell word from the start of src, up to an
// unquoted blank or newline or the end, and returns its value and the rest.
// It understands '…', "…" (with \$ \` \" \\ and \newline) and backslash
// escapes; it rejects $, backticks, globs and operators outside single
// quotes.
func parsePOSIXWord(src string) (word, rest string, err error) {
	var b strings.Builder
	i := 0
	started := false
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if !started {
				return "", "", errors.New("empty word")
			}
			return b.String(), src[i:], nil
		case c == '\'':
			j := strings.IndexByte(src[i+1:], '\'')
			if j < 0 {
				return "", "", errors.New("unterminated single quote")
			}
			b.WriteString(src[i+1 : i+1+j])
			i += j + 2
		case c == '\\':
			if i+1 >= len(src) {
				return "", "", errors.New("trailing backslash")
			}
			if src[i+1] != '\n' { // \newline is a line continuation
				b.WriteByte(src[i+1])
			}
			i += 2
		case c == '"':
			i++
			for {
				if i >= len(src) {
					return "", "", errors.New("unterminated double quote")
				}
				d := src[i]
				if d == '"' {
					i++
					break
				}
				if d == '$' || d == '`' {
					return "", "", fmt.Errorf("expansion %q inside double quotes", d)
				}
				if d == '\\' && i+1 < len(src) && strings.IndexByte("$`\"\\\n", src[i+1]) >= 0 {
					if src[i+1] != '\n' {
						b.WriteByte(src[i+1])
					}
					i += 2
					continue
				}
				b.WriteByte(d)
				i++
			}
		case strings.IndexByte("$`;&|<>()*?[#~{}!", c) >= 0:
			return "", "", fmt.Errorf("unquoted special character %q", c)
		default:
			b.WriteByte(c)
			i++
		}
		started = true
	}
	if !started {
		return "", "", errors.New("empty word")
	}
	return b.String(), "", nil
}

// parseFishWord reads one fish word made of single-quoted pieces, where
// only \\ and \' are escapes; anything outside quotes is rejected.
func parseFishWord(src string) (word, rest string, err error) {
	var b strings.Builder
	i := 0
	if i >= len(src) || src[i] != '\'' {
		return "", "", errors.New("word does not start with a single quote")
	}
	for i < len(src) && src[i] == '\'' {
		i++
		for {
			if i >= len(src) {
				return "", "", errors.New("unterminated single quote")
			}
			c := src[i]
			if c == '\'' {
				i++
				break
			}
			if c == '\\' && i+1 < len(src) && (src[i+1] == '\\' || src[i+1] == '\'') {
				b.WriteByte(src[i+1])
				i += 2
				continue
			}
			b.WriteByte(c)
			i++
		}
	}
	if i < len(src) && src[i] != '\n' && src[i] != ' ' {
		return "", "", fmt.Errorf("unexpected %q after quoted word", src[i])
	}
	return b.String(), src[i:], nil
}

// isPwshQuote reports whether r is one of PowerShell's single quotes.
func isPwshQuote(r rune) bool {
	return r == '\'' || (r >= '\u2018' && r <= '\u201B')
}

// parsePwshWord reads one PowerShell verbatim string: it opens and closes
// with any single-quote character, and inside it two quote characters in a
// row stand for the second one. Bytes that are not UTF-8 are copied as they
// are.
func parsePwshWord(src string) (word, rest string, err error) {
	r, size := utf8.DecodeRuneInString(src)
	if !isPwshQuote(r) {
		return "", "", errors.New("word does not start with a single quote")
	}
	var b strings.Builder
	i := size
	for {
		if i >= len(src) {
			return "", "", errors.New("unterminated single quote")
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if isPwshQuote(r) {
			next, nsize := utf8.DecodeRuneInString(src[i+size:])
			if i+size < len(src) && isPwshQuote(next) {
				b.WriteString(src[i+size : i+size+nsize])
				i += size + nsize
				continue
			}
			i += size
			break
		}
		b.WriteString(src[i : i+size])
		i += size
	}
	if i < len(src) && src[i] != '\n' && src[i] != ' ' {
		return "", "", fmt.Errorf("unexpected %q after quoted word", src[i])
	}
	return b.String(), src[i:], nil
}

// parsedScript is what a reference parser recovered from emitted code.
type parsedScript struct {
	unset []string
	set   []assignment
}

// statementParser is the per-syntax description parseScript needs.
type statementParser struct {
	unsetPrefix, unsetSuffix string // e.g. "unset ", ""
	setPrefix, setSep        string // e.g. "export ", "="
	word                     func(string) (string, string, error)
}

var refParsers = map[string]statementParser{
	Sh:   {"unset ", "", "export ", "=", parsePOSIXWord},
	Fish: {"set -e -g ", "", "set -g -x ", " ", parseFishWord},
	Pwsh: {"Remove-Item -LiteralPath Env:", " -ErrorAction Ignore", "$env:", " = ", parsePwshWord},
}

// parseScript parses emitted line-oriented code back into operations,
// requiring each statement to end with a newline.
func parseScript(format string, src string) (parsedScript, error) {
	p, ok := refParsers[format]
	if !ok {
		return parsedScript{}, fmt.Errorf("no reference parser for %s", format)
	}
	var out parsedScript
	for src != "" {
		switch {
		case strings.HasPrefix(src, p.unsetPrefix):
			line, rest, ok := strings.Cut(src[len(p.unsetPrefix):], "\n")
			if !ok {
				return out, errors.New("unterminated unset")
			}
			name, found := strings.CutSuffix(line, p.unsetSuffix)
			if !found || !ValidName(name) {
				return out, fmt.Errorf("bad unset line %q", line)
			}
			out.unset = append(out.unset, name)
			src = rest
		case strings.HasPrefix(src, p.setPrefix):
			name, rest, ok := strings.Cut(src[len(p.setPrefix):], p.setSep)
			if !ok || !ValidName(name) {
				return out, fmt.Errorf("bad set statement near %q", truncate(src))
			}
			value, rest, err := p.word(rest)
			if err != nil {
				return out, fmt.Errorf("value of %s: %w", name, err)
			}
			if !strings.HasPrefix(rest, "\n") {
				return out, fmt.Errorf("set of %s not followed by a newline", name)
			}
			out.set = append(out.set, assignment{name, value})
			src = rest[1:]
		default:
			return out, fmt.Errorf("unexpected statement %q", truncate(src))
		}
	}
	return out, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
