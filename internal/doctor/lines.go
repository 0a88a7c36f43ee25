package doctor

// This file reads a shared file line by line, the way the profile-file
// specification does, but keeps what the SDKs' parsers disagree about: the
// text of every header, every definition of a key (not just the last), the
// value before and after comment stripping, and continuation lines. The
// awsconfig package stays the referee for what a file means; this scanner
// only looks for what other parsers would read differently.

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// class is what a section header means in its file.
type class int

const (
	classIgnored    class = iota // invalid name, or a kind of section the file does not hold
	classProfile                 // [profile NAME] in config, [NAME] in credentials
	classDefault                 // [default] in config
	classSSOSession              // [sso-session NAME] in config
	classOther                   // [services NAME] and other prefixed sections in config
)

// rawFile is one shared file as lines.
type rawFile struct {
	kind     awsconfig.FileKind
	path     string
	sections []*rawSection
}

// rawSection is one header and the properties under it.
type rawSection struct {
	line      int
	inner     string // between the brackets, as written (comment removed)
	prefix    string
	hasPrefix bool
	name      string
	class     class
	props     []*rawProp
}

// rawProp is one "key = value" line.
type rawProp struct {
	line     int
	rawKey   string // as written, trimmed
	key      string // lower-cased
	value    string // as the specification reads the first line: trimmed, inline comment removed
	withTail string // the first line's value with any inline comment kept (what botocore reads)
	// indentedKey is the line of the first continuation line that looks like
	// "key = value" after a non-empty value (Go reads it as a key of its own).
	indentedKey int
}

// profileName returns the profile the section defines, or "".
func (s *rawSection) profileName() string {
	switch s.class {
	case classProfile, classDefault:
		return s.name
	}
	return ""
}

// scan reads data into a rawFile. It never fails: lines that break the
// syntax are skipped (awsconfig.Parse reports them).
func scan(kind awsconfig.FileKind, path string, data []byte) *rawFile {
	f := &rawFile{kind: kind, path: path}
	var (
		cur  *rawSection
		prop *rawProp
	)
	for n, off := 1, 0; off < len(data); n++ {
		var line []byte
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			line, off = data[off:off+i], off+i+1
		} else {
			line, off = data[off:], len(data)
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		switch {
		case isBlank(line) || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			prop = nil
			cur = nil
			if inner, ok := headerInner(line); ok {
				cur = newSection(kind, n, inner)
				f.sections = append(f.sections, cur)
			}
		case isWS(line[0]):
			if prop != nil && prop.value != "" && prop.indentedKey == 0 && looksLikeKey(line) {
				prop.indentedKey = n
			}
		case cur != nil:
			prop = nil
			content := stripComment(line)
			eq := strings.IndexByte(content, '=')
			if eq < 0 {
				continue
			}
			key := trimWS(content[:eq])
			if key == "" {
				continue
			}
			raw := string(trimWSBytes(line))
			_, tail, _ := strings.Cut(raw, "=")
			prop = &rawProp{line: n, rawKey: key, key: strings.ToLower(key), value: trimWS(content[eq+1:]), withTail: trimWS(tail)}
			cur.props = append(cur.props, prop)
		}
	}
	return f
}

func newSection(kind awsconfig.FileKind, line int, inner string) *rawSection {
	s := &rawSection{line: line, inner: inner}
	t := trimWS(inner)
	if i := strings.IndexAny(t, " \t"); i >= 0 {
		s.prefix, s.hasPrefix, s.name = strings.TrimSpace(t[:i]), true, strings.TrimSpace(t[i+1:])
	} else {
		s.name = strings.TrimSpace(t)
	}
	switch {
	case kind == awsconfig.CredentialsFile:
		if !s.hasPrefix && validIdent(s.name) {
			s.class = classProfile
		}
	case !s.hasPrefix:
		if s.name == "default" {
			s.class = classDefault
		}
	case !validIdent(s.name):
	case s.prefix == "profile":
		s.class = classProfile
	case s.prefix == "sso-session":
		s.class = classSSOSession
	default:
		s.class = classOther
	}
	return s
}

func isWS(c byte) bool { return c == ' ' || c == '\t' }

func isBlank(line []byte) bool { return len(trimWSBytes(line)) == 0 }

func trimWSBytes(b []byte) []byte { return bytes.Trim(b, " \t") }

func trimWS(s string) string { return strings.Trim(s, " \t") }

// headerInner returns what is between the brackets of a header line, with
// a comment after it removed, or ok=false when the line lacks the ']'.
func headerInner(line []byte) (string, bool) {
	if i := bytes.IndexAny(line, "#;"); i >= 0 {
		line = line[:i]
	}
	l := trimWSBytes(line)
	if len(l) < 2 || l[0] != '[' || l[len(l)-1] != ']' {
		return "", false
	}
	return string(l[1 : len(l)-1]), true
}

// stripComment removes an inline comment from a property line: '#' or ';'
// after white space, as the specification reads it. The result is trimmed.
func stripComment(line []byte) string {
	prevWS := false
	for i := 0; i < len(line); {
		c := line[i]
		if (c == '#' || c == ';') && prevWS {
			return trimWS(string(line[:i]))
		}
		if c < utf8.RuneSelf {
			prevWS = c == ' ' || ('\t' <= c && c <= '\r')
			i++
			continue
		}
		r, n := utf8.DecodeRune(line[i:])
		prevWS = unicode.IsSpace(r)
		i += n
	}
	return trimWS(string(line))
}

// looksLikeKey reports whether an indented line reads as "name = value".
func looksLikeKey(line []byte) bool {
	k, _, ok := strings.Cut(stripComment(line), "=")
	return ok && validIdent(trimWS(k))
}

// validIdent reports whether s is a valid profile, section or key name.
func validIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_-/.%@:+", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// checkLines runs the line-level checks on one file.
func checkLines(f *rawFile) []Finding {
	var out []Finding
	add := func(code string, sev Severity, line int, profile, msg, hint string) {
		out = append(out, Finding{Code: code, Severity: sev, File: f.path, Line: line, Profile: profile, Message: msg, Hint: hint})
	}
	where := func(line int) string { return fmt.Sprintf("line %d", line) }

	// Sections: duplicates, the two default headers, misplaced or ignored ones.
	byInner := map[string]*rawSection{}
	byID := map[string]*rawSection{}
	var bareDefault, prefixedDefault *rawSection
	for _, s := range f.sections {
		label := "[" + trimWS(s.inner) + "]"
		if first, ok := byInner[s.inner]; ok {
			add("duplicate-section", Error, s.line, s.profileName(),
				fmt.Sprintf("section %s appears twice in this file (first at %s); the AWS CLI refuses to read the whole file", label, where(first.line)),
				"merge the two sections into one")
		} else {
			byInner[s.inner] = s
			if s.class != classIgnored {
				id := fmt.Sprintf("%d %s", s.class, s.name)
				if first, ok := byID[id]; ok {
					add("duplicate-section", Warning, s.line, s.profileName(),
						fmt.Sprintf("section %s defines the same %s as [%s] at %s; the SDKs merge the two, the AWS CLI uses only the later one", label, kindWord(s), trimWS(first.inner), where(first.line)),
						"merge the two sections into one")
				} else {
					byID[id] = s
				}
			}
		}
		switch {
		case s.class == classDefault && bareDefault == nil:
			bareDefault = s
		case f.kind == awsconfig.ConfigFile && s.class == classProfile && s.name == "default" && prefixedDefault == nil:
			prefixedDefault = s
		}
		checkSectionName(f, s, add)
	}
	if bareDefault != nil && prefixedDefault != nil {
		later := max(bareDefault.line, prefixedDefault.line)
		msg := "both [default] and [profile default] are present; the SDKs use [profile default], the AWS CLI uses whichever comes last"
		if later == prefixedDefault.line {
			msg = "both [default] and [profile default] are present; the SDKs use only [profile default] and ignore the keys of [default]"
		}
		add("default-twice", Warning, later, "default", msg, "keep one of them: move the keys of [default] into [profile default] and remove [default]")
	}

	for _, s := range f.sections {
		profile := s.profileName()
		if s.class == classSSOSession {
			profile = ""
		}
		seen := map[string]*rawProp{}
		secretLine := 0
		hasToken := false
		for _, p := range s.props {
			if first, ok := seen[p.key]; ok {
				add("duplicate-key", Error, p.line, profile,
					fmt.Sprintf("%s is set twice in section [%s] (first at %s); the AWS CLI refuses to read the whole file, the SDKs use the last value", p.key, trimWS(s.inner), where(first.line)),
					"remove one of the two lines")
			} else {
				seen[p.key] = p
			}
			checkProp(f, s, p, profile, add)
			switch p.key {
			case "aws_secret_access_key":
				if p.value != "" {
					secretLine = p.line
				}
			case "aws_session_token", "aws_security_token":
				hasToken = hasToken || p.value != ""
			}
		}
		if secretLine > 0 && !hasToken && profile != "" && s.class != classIgnored {
			add("plaintext-keys", Warning, secretLine, profile,
				fmt.Sprintf("long-lived access keys are stored in plain text in the %s file", f.kind),
				"move them to the keychain: assume creds import "+profile)
		}
	}
	return out
}

func kindWord(s *rawSection) string {
	if s.class == classSSOSession {
		return "sso-session " + s.name
	}
	if s.class == classOther {
		return s.prefix + " " + s.name
	}
	return "profile " + s.name
}

// checkSectionName reports headers that some parsers ignore or read as
// something else.
func checkSectionName(f *rawFile, s *rawSection, add func(code string, sev Severity, line int, profile, msg, hint string)) {
	label := "[" + trimWS(s.inner) + "]"
	if s.name == "DEFAULT" && !s.hasPrefix {
		add("default-section", Warning, s.line, "",
			label+" is special to the AWS CLI: its keys are added to every section of the file, while the SDKs ignore it",
			"rename it [default] (or [profile default] in the config file), or remove it")
		return
	}
	if s.class != classIgnored {
		return
	}
	if f.kind == awsconfig.CredentialsFile {
		switch {
		case s.hasPrefix && s.prefix == "profile" && validIdent(s.name):
			add("section-prefix", Warning, s.line, "",
				label+" in the credentials file is ignored by the SDKs (the AWS CLI reads it as a profile named \"profile "+s.name+"\")",
				"write ["+s.name+"]: the credentials file names profiles without the profile prefix")
		case s.hasPrefix && s.prefix == "sso-session":
			add("section-prefix", Warning, s.line, "",
				label+" belongs in the config file; the credentials file holds only profiles",
				"move the section to the config file")
		default:
			add("invalid-name", Warning, s.line, "",
				label+" is ignored: a profile name may hold only letters, digits and _-/.%@:+",
				"rename the section")
		}
		return
	}
	switch {
	case !s.hasPrefix && validIdent(s.name):
		add("section-prefix", Warning, s.line, "",
			label+" in the config file is ignored: profiles there are written [profile "+s.name+"]",
			"write [profile "+s.name+"]")
	case s.hasPrefix && strings.HasPrefix(s.name, `"`) && strings.HasSuffix(s.name, `"`) && len(s.name) >= 2:
		add("invalid-name", Warning, s.line, "",
			label+" has a quoted name: the AWS CLI strips the quotes, the SDKs ignore the section",
			"remove the quotes")
	default:
		add("invalid-name", Warning, s.line, "",
			label+" is ignored by the SDKs: a name may hold only letters, digits and _-/.%@:+ (the AWS CLI may still read it)",
			"rename the section")
	}
}

// checkProp reports keys and values that parsers read differently. The
// messages never quote a value.
func checkProp(f *rawFile, s *rawSection, p *rawProp, profile string, add func(code string, sev Severity, line int, profile, msg, hint string)) {
	if !validIdent(p.key) {
		add("invalid-key", Warning, p.line, profile,
			fmt.Sprintf("key %q is ignored by the SDKs: a key may hold only letters, digits and _-/.%%@:+ (the AWS CLI still reads it)", p.rawKey),
			"fix the key's spelling")
		return
	}
	if p.withTail != p.value {
		add("inline-comment", Warning, p.line, profile,
			fmt.Sprintf("the value of %s is followed by a comment; the AWS CLI reads the comment as part of the value, the SDKs drop it", p.key),
			"move the comment to a line of its own above the key")
	}
	// credential_process is split into words shell-style by every SDK, so
	// quotes there are understood alike.
	if len(p.value) >= 2 && p.value[0] == '"' && p.value[len(p.value)-1] == '"' && p.key != "credential_process" {
		add("quoted-value", Warning, p.line, profile,
			fmt.Sprintf("the value of %s is in double quotes; the AWS CLI and most SDKs keep the quotes as part of the value, the Go SDK strips them", p.key),
			"remove the quotes: values need no quoting")
	}
	if p.indentedKey > 0 {
		add("indented-key", Warning, p.indentedKey, profile,
			fmt.Sprintf("this indented line continues the value of %s for the AWS CLI and the specification, but the Go SDK reads it as a key of its own", p.key),
			"remove the indentation if it is meant as a key, or put the value on one line")
	}
}
