package awsconfig

// This file is the one tokenizer behind the lazy lookup, the full parse and the
// Document model. It follows the cross-SDK profile-file rules line by line:
//
//   - lines end at "\n" or "\r\n"; a lone "\r" is an ordinary character;
//   - a line of spaces and tabs only is blank and ignored;
//   - a line whose first byte is '#' or ';' is a comment;
//   - a line whose first byte is '[' is a section header; anything after a '#'
//     or ';' on it is a comment, and it must then end with ']';
//   - a line starting with a space or tab continues the last property (after a
//     property with an empty value it is a sub-property line and must hold '=');
//   - any other line is a property "key = value": keys are trimmed and
//     lower-cased, values trimmed, and '#' or ';' starts a comment only after
//     whitespace;
//   - only spaces and tabs count as whitespace when trimming.
//
// Rule: no message built here contains text from the file.

import (
	"bytes"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// SyntaxError is a line of a config or credentials file that breaks the
// profile-file syntax. The SDKs refuse the whole file in that case, so the
// lookups do too. Msg never quotes the line, which may hold a secret.
type SyntaxError struct {
	File string // path of the file; "" when parsing bytes of unknown origin
	Line int    // 1-based
	Msg  string
}

// Error renders "file:line: msg" (or "line N: msg" without a file).
func (e *SyntaxError) Error() string {
	if e.File == "" {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Msg
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// The syntax error messages. Tests match on them, so keep them constant.
const (
	msgHeaderEnd       = "section header must end with ']'"
	msgNoSection       = "expected a section header such as [profile name] before this line"
	msgNoProperty      = "indented line continues no property (a section header cannot be continued)"
	msgNoEquals        = "expected an '=' sign defining a property"
	msgNoName          = "property has no name before '='"
	msgSubNoEquals     = "expected an '=' sign defining a sub-property"
	msgSubNoName       = "sub-property has no name before '='"
	msgUnrepresentable = "value cannot be written to the file unchanged"
)

func isWS(b byte) bool { return b == ' ' || b == '\t' }

// trimWS trims spaces and tabs (and nothing else) from both ends.
func trimWS(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isWS(b[i]) {
		i++
	}
	for j > i && isWS(b[j-1]) {
		j--
	}
	return b[i:j]
}

// isBlank reports whether a line holds only spaces and tabs.
func isBlank(line []byte) bool {
	for _, c := range line {
		if !isWS(c) {
			return false
		}
	}
	return true
}

// nextLine returns the line that starts at off without its terminator ("\n"
// or "\r\n"), and the offset of the line after it.
func nextLine(data []byte, off int) (line []byte, next int) {
	i := bytes.IndexByte(data[off:], '\n')
	if i < 0 {
		return data[off:], len(data)
	}
	line = data[off : off+i]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, off + i + 1
}

// nextHeader returns the offset of the first line at or after off (off must be
// the start of a line) that begins with '[', or len(data).
func nextHeader(data []byte, off int) int {
	for off < len(data) {
		i := bytes.IndexByte(data[off:], '[')
		if i < 0 {
			return len(data)
		}
		p := off + i
		if p == 0 || data[p-1] == '\n' {
			return p
		}
		off = p + 1
	}
	return len(data)
}

// stripComment cuts a line at its first comment character. When needWS is
// set, '#' and ';' start a comment only after a whitespace character (any
// Unicode white space, as the specification's reference parser checks).
// The result is trimmed of spaces and tabs.
func stripComment(line []byte, needWS bool) []byte {
	line = trimWS(line)
	if !needWS {
		for i, c := range line {
			if c == '#' || c == ';' {
				return trimWS(line[:i])
			}
		}
		return line
	}
	prevWS := false
	for i := 0; i < len(line); {
		c := line[i]
		if (c == '#' || c == ';') && (prevWS || !needWS) {
			return trimWS(line[:i])
		}
		if c < utf8.RuneSelf {
			prevWS = asciiSpace(c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(line[i:])
		prevWS = unicode.IsSpace(r)
		i += n
	}
	return line
}

// headerInner returns what is between the brackets of a header line (the
// line starts with '['), untrimmed, or ok=false when it lacks the ']'.
func headerInner(line []byte) (inner []byte, ok bool) {
	l := stripComment(line, false)
	if len(l) < 2 || l[0] != '[' || l[len(l)-1] != ']' {
		return nil, false
	}
	return l[1 : len(l)-1], true
}

// headerAt is nextLine followed by headerInner, fused into one pass over the
// line because the lazy lookups run it on every header of the file.
func headerAt(data []byte, off int) (inner []byte, ok bool, next int) {
	l, next := nextLine(data, off)
	if i := bytes.IndexByte(l, '#'); i >= 0 {
		l = l[:i]
	}
	if i := bytes.IndexByte(l, ';'); i >= 0 {
		l = l[:i]
	}
	l = trimWS(l)
	if len(l) < 2 || l[0] != '[' || l[len(l)-1] != ']' {
		return nil, false, next
	}
	return l[1 : len(l)-1], true, next
}

// mayName is a fast, conservative test of whether the inside of a header can
// name name: false only when it certainly cannot.
func mayName(inner []byte, name string) bool {
	t := trimWS(inner)
	if len(t) > 0 && len(t) >= len(name) && string(t[len(t)-len(name):]) == name {
		return true
	}
	// Only trailing Unicode white space can hide the name from the test above.
	if n := len(t); n > 0 && t[n-1] < utf8.RuneSelf && !asciiSpace(t[n-1]) {
		return false
	}
	return bytes.Contains(inner, []byte(name))
}

// propError says what is wrong with a property line.
type propError int

const (
	propOK propError = iota
	propNoEquals
	propNoName
)

// splitProperty splits a property (or sub-property) line into its trimmed key
// (not yet lower-cased) and value.
func splitProperty(line []byte) (key, value []byte, perr propError) {
	l := stripComment(line, true)
	i := bytes.IndexByte(l, '=')
	if i < 0 {
		return nil, nil, propNoEquals
	}
	key, value = trimWS(l[:i]), trimWS(l[i+1:])
	if len(key) == 0 {
		return nil, nil, propNoName
	}
	return key, value, propOK
}

// lowerKey lower-cases ASCII letters, as the SDKs do for keys.
func lowerKey(k []byte) string {
	for _, c := range k {
		if 'A' <= c && c <= 'Z' {
			b := make([]byte, len(k))
			for i, c := range k {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				b[i] = c
			}
			return string(b)
		}
	}
	// The keys of nearly every profile come without an allocation each
	// (10,000 profiles hold some 40,000 of them).
	switch string(k) {
	case "region":
		return "region"
	case "role_arn":
		return "role_arn"
	case "source_profile":
		return "source_profile"
	case "aws_access_key_id":
		return "aws_access_key_id"
	case "aws_secret_access_key":
		return "aws_secret_access_key"
	case "aws_session_token":
		return "aws_session_token"
	case "output":
		return "output"
	case "sso_session":
		return "sso_session"
	case "sso_account_id":
		return "sso_account_id"
	case "sso_role_name":
		return "sso_role_name"
	case "mfa_serial":
		return "mfa_serial"
	case "credential_process":
		return "credential_process"
	}
	return string(k)
}

// validIdent reports whether s is a valid profile, section or key name:
// [A-Za-z0-9_\-/.%@:+]+. (The specification's reference accepts the empty
// name; we do not, as no tool can select it.)
func validIdent[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_' || c == '-' || c == '/' || c == '.' || c == '%' || c == '@' || c == ':' || c == '+':
		default:
			return false
		}
	}
	return true
}

// trimSpace trims Unicode white space, as the reference does for the two
// halves of a section name.
func trimSpace(b []byte) []byte {
	for len(b) > 0 {
		if c := b[0]; c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		if c := b[len(b)-1]; c < utf8.RuneSelf {
			if !asciiSpace(c) {
				break
			}
			b = b[:len(b)-1]
			continue
		}
		r, n := utf8.DecodeLastRune(b)
		if !unicode.IsSpace(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

// asciiSpace is unicode.IsSpace for ASCII bytes.
func asciiSpace(c byte) bool { return c == ' ' || ('\t' <= c && c <= '\r') }

// splitSection splits the inside of a header into its prefix and name:
// "profile foo" → ("profile", true, "foo"); "default" → ("", false, "default").
func splitSection(inner []byte) (prefix []byte, hasPrefix bool, name []byte) {
	s := trimWS(inner)
	for i, c := range s {
		if isWS(c) {
			return trimSpace(s[:i]), true, trimSpace(s[i+1:])
		}
	}
	return nil, false, trimSpace(s)
}

// FileKind tells the config file from the credentials file; the same header
// means different things in each.
type FileKind int

// The two kinds of shared file.
const (
	ConfigFile      FileKind = iota // ~/.aws/config: [default], [profile NAME], [sso-session NAME], …
	CredentialsFile                 // ~/.aws/credentials: [NAME]
)

// String names the kind: "config" or "credentials".
func (k FileKind) String() string {
	if k == CredentialsFile {
		return "credentials"
	}
	return "config"
}

// sectionClass is what a header means in a given kind of file.
type sectionClass int

const (
	classIgnored     sectionClass = iota // invalid name or wrong file: its lines are checked, then dropped
	classProfile                         // [profile NAME] in config, [NAME] in credentials
	classBareDefault                     // [default] in config: loses to any [profile default]
	classSSOSession                      // [sso-session NAME] in config
	classOther                           // [services NAME] and other prefixed sections in config
)

const (
	profilePrefix    = "profile"
	ssoSessionPrefix = "sso-session"
	defaultName      = "default"
)

// classify says what the inside of a header means in a file of the given kind,
// and returns the section's name.
func classify(kind FileKind, inner []byte) (sectionClass, []byte) {
	prefix, hasPrefix, name := splitSection(inner)
	if kind == CredentialsFile {
		if hasPrefix || !validIdent(name) {
			return classIgnored, name
		}
		return classProfile, name
	}
	if !hasPrefix {
		if string(name) == defaultName {
			return classBareDefault, name
		}
		return classIgnored, name
	}
	if !validIdent(name) {
		return classIgnored, name
	}
	switch string(prefix) {
	case profilePrefix:
		return classProfile, name
	case ssoSessionPrefix:
		return classSSOSession, name
	}
	return classOther, name
}

// parseBody reads the lines from off (whose 1-based number is line) up to the
// next header line or the end of data. With inSection unset the lines are the
// preamble before the first header, where only blank and comment lines are
// allowed. Properties with valid keys go into props when it is not nil.
// It returns the offset and line number of the next header (or the end).
func parseBody(data []byte, off, line int, inSection bool, file string, props Properties) (int, int, *SyntaxError) {
	var (
		cur     Value  // the property being read
		curKey  string // its key; "" when the key is invalid (then it is dropped)
		haveCur bool   // a property has been read in this section
		curSub  bool   // its value was empty: indented lines are sub-properties
	)
	flush := func() {
		if haveCur && curKey != "" && props != nil {
			props[curKey] = cur
		}
	}
	fail := func(msg string) (int, int, *SyntaxError) {
		return off, line, &SyntaxError{File: file, Line: line, Msg: msg}
	}
	for off < len(data) && data[off] != '[' {
		l, next := nextLine(data, off)
		switch {
		case isBlank(l) || l[0] == '#' || l[0] == ';':
			// blank or comment
		case !inSection:
			return fail(msgNoSection)
		case isWS(l[0]):
			if !haveCur {
				return fail(msgNoProperty)
			}
			if curSub {
				switch _, _, perr := splitProperty(l); perr {
				case propNoEquals:
					return fail(msgSubNoEquals)
				case propNoName:
					return fail(msgSubNoName)
				}
			}
			if curKey != "" && props != nil {
				cur.Text += "\n" + string(trimWS(l))
			}
		default:
			k, v, perr := splitProperty(l)
			switch perr {
			case propNoEquals:
				return fail(msgNoEquals)
			case propNoName:
				return fail(msgNoName)
			}
			flush()
			haveCur, curSub, curKey = true, len(v) == 0, ""
			if props != nil {
				if key := lowerKey(k); validIdent(key) {
					curKey = key
					cur = Value{Text: string(v), File: file, Line: line, Set: true}
				}
			}
		}
		off = next
		line++
	}
	flush()
	return off, line, nil
}

// walk runs through a file section by section. For each header that want
// accepts (want nil accepts all) it calls visit with the header's inside and
// line number; visit returns the map to fill (nil to drop the properties) and
// whether to read the section at all. Skipped sections cost a memory scan:
// their lines are not tokenized (nor even counted until a line number is
// needed) and their errors are not reported, except in the section right
// before one that is read (a broken line just above a header is more likely
// meant for it). The preamble and every header line are always checked.
func walk(data []byte, file string, want func(inner []byte) bool, visit func(inner []byte, line int) (props Properties, read bool)) *SyntaxError {
	return walkFrom(data, 1, file, want, visit)
}

// walkFrom is walk over data whose first line is line first of its file.
func walkFrom(data []byte, first int, file string, want func(inner []byte) bool, visit func(inner []byte, line int) (props Properties, read bool)) *SyntaxError {
	off, line, err := parseBody(data, 0, first, false, file, nil)
	if err != nil {
		return err
	}
	// line is the number of the line that starts at lineOff; lines between
	// lineOff and off are counted only when a number is needed.
	lineOff := off
	skipped := -1 // body offset of the section before, when it was skipped
	for off < len(data) {
		inner, ok, next := headerAt(data, off)
		wanted := ok && (want == nil || want(inner))
		if !ok || wanted {
			line += bytes.Count(data[lineOff:off], []byte{'\n'})
			lineOff = off
		}
		if !ok {
			return &SyntaxError{File: file, Line: line, Msg: msgHeaderEnd}
		}
		read := false
		var props Properties
		if wanted {
			props, read = visit(inner, line)
		}
		if !read {
			skipped, off = next, nextHeader(data, next)
			continue
		}
		if skipped >= 0 {
			skippedLine := line - bytes.Count(data[skipped:off], []byte{'\n'})
			if _, _, err := parseBody(data, skipped, skippedLine, true, file, nil); err != nil {
				return err
			}
		}
		off, line, err = parseBody(data, next, line+1, true, file, props)
		if err != nil {
			return err
		}
		lineOff, skipped = off, -1
	}
	return nil
}
