package settings

// The reader below follows the line rules of ~/.aws/config (those of
// internal/awsconfig, which writes the file), so that what Load reads is what
// `assume settings set` wrote; a fuzz test holds the two to the same values.
// Unlike awsconfig it never refuses the file: a line it cannot use is
// reported and skipped.
//
//   - lines end at "\n" or "\r\n"; a line of spaces and tabs is blank;
//   - a line whose first byte is '#' or ';' is a comment;
//   - a line whose first byte is '[' is a section header ('#' or ';' start a
//     comment anywhere on it); only [settings] is read;
//   - a line starting with a space or tab continues the last property;
//   - any other line is "key = value": the key trimmed and lower-cased, the
//     value trimmed, '#' or ';' starting a comment only after white space.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section is the header, without brackets, of the section that holds the
// settings.
const Section = "settings"

// scan reads data and calls prop for each property of a [settings]
// section, in file order (line is 1-based), and problem for each line it
// skips.
func scan(data string, prop func(key, value string, line int), problem func(line int, msg string)) {
	const (
		outside = iota // before the first header
		inSettings
		inOther // another section, or a broken header
	)
	state := outside
	var (
		curKey, curVal string
		curLine        int
		open           bool // a property is being read (continuations append)
	)
	flush := func() {
		if open {
			prop(curKey, curVal, curLine)
		}
		open = false
	}
	line := 0
	for off := 0; off < len(data); {
		line++
		var l string
		if i := strings.IndexByte(data[off:], '\n'); i < 0 {
			l, off = data[off:], len(data)
		} else {
			l, off = data[off:off+i], off+i+1
			l = strings.TrimSuffix(l, "\r")
		}
		switch {
		case isBlank(l) || l[0] == '#' || l[0] == ';':
			// blank or comment: a property goes on past it
		case l[0] == '[':
			flush()
			inner, ok := headerInner(l)
			switch {
			case !ok:
				state = inOther
				problem(line, "section header must end with ']'; the lines up to the next header are ignored")
			case isSettingsHeader(inner):
				state = inSettings
			default:
				state = inOther
				problem(line, "unknown section ["+strings.TrimSpace(inner)+"] is ignored (settings go in ["+Section+"])")
			}
		case state == outside:
			problem(line, "line before the ["+Section+"] header is ignored")
		case state == inOther:
			// reported with its header
		case isWS(l[0]):
			if !open {
				problem(line, "indented line continues no setting")
				continue
			}
			curVal += "\n" + trimWS(l)
		default:
			flush()
			k, v, ok := splitProperty(l)
			if !ok {
				problem(line, "expected key = value")
				continue
			}
			curKey, curVal, curLine, open = lowerASCII(k), v, line, true
		}
	}
	flush()
}

func isWS(c byte) bool { return c == ' ' || c == '\t' }

func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWS(s[i]) {
			return false
		}
	}
	return true
}

// trimWS trims spaces and tabs, and nothing else.
func trimWS(s string) string {
	i, j := 0, len(s)
	for i < j && isWS(s[i]) {
		i++
	}
	for j > i && isWS(s[j-1]) {
		j--
	}
	return s[i:j]
}

// headerInner returns what is between the brackets of a header line, or
// ok=false when it does not end with ']' (before any comment).
func headerInner(l string) (string, bool) {
	if i := strings.IndexAny(l, "#;"); i >= 0 {
		l = l[:i]
	}
	l = trimWS(l)
	if len(l) < 2 || l[0] != '[' || l[len(l)-1] != ']' {
		return "", false
	}
	return l[1 : len(l)-1], true
}

// isSettingsHeader reports whether the inside of a header names the
// settings section, spacing aside, as awsconfig matches headers.
func isSettingsHeader(inner string) bool {
	t := trimWS(inner)
	if strings.ContainsAny(t, " \t") {
		return false
	}
	return strings.TrimFunc(t, unicode.IsSpace) == Section
}

// splitProperty splits "key = value # comment" into its trimmed key and
// value; ok is false without an '=' or a key.
func splitProperty(l string) (key, value string, ok bool) {
	l = stripComment(l)
	i := strings.IndexByte(l, '=')
	if i < 0 {
		return "", "", false
	}
	key, value = trimWS(l[:i]), trimWS(l[i+1:])
	return key, value, key != ""
}

// stripComment cuts l at the first '#' or ';' that follows white space (any
// Unicode white space, as awsconfig checks) and trims the rest.
func stripComment(l string) string {
	l = trimWS(l)
	prevWS := false
	for i := 0; i < len(l); {
		c := l[i]
		if (c == '#' || c == ';') && prevWS {
			return trimWS(l[:i])
		}
		if c < utf8.RuneSelf {
			prevWS = c == ' ' || ('\t' <= c && c <= '\r')
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(l[i:])
		prevWS = unicode.IsSpace(r)
		i += n
	}
	return l
}
