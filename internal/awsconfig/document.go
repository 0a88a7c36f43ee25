package awsconfig

// Rules of the Document model:
//   - the lines are kept as read, terminator included, so Bytes() is the
//     input byte for byte, whatever the input;
//   - an edit replaces, inserts or removes whole lines and nothing else, except
//     the final newline: a file that ended without one still does;
//   - every value written is parsed back before it is accepted, so an edit can
//     never make a file mean something other than what was asked.

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrSectionExists is returned by AddSection when a section with that header
// is already present.
var ErrSectionExists = errors.New("section already exists")

// ErrSectionRemoved is returned by the edit methods of a Section that has been
// removed from its Document.
var ErrSectionRemoved = errors.New("section was removed from the document")

// rawLine is one line of the file: its text and its terminator.
type rawLine struct {
	text []byte
	eol  string // "\n", "\r\n", or "" for a last line without one
}

func (l rawLine) blank() bool   { return isBlank(l.text) }
func (l rawLine) comment() bool { return len(l.text) > 0 && (l.text[0] == '#' || l.text[0] == ';') }

// content reports whether the line is a property, a continuation or a
// malformed line: anything but a blank or comment line.
func (l rawLine) content() bool { return !l.blank() && !l.comment() }

// Document is a lossless model of one config or credentials file.
// The zero value is an empty file.
type Document struct {
	head     []rawLine // lines before the first section header
	sections []*Section
	eol      string // terminator for new lines: the file's first one, else "\n"
	noEOL    bool   // the file did not end with a newline
}

// Section is one section of a Document: its header line and the lines up to
// the next header. A Section stays valid across edits of its Document until it
// is removed.
type Section struct {
	doc    *Document
	header rawLine
	body   []rawLine
}

// KeyValue is a property to write.
type KeyValue struct {
	Key, Value string
}

// Parse reads data into a Document. The Document is returned for any input
// and Bytes gives data back unchanged; the error, a *SyntaxError, tells
// whether the text also follows the profile-file syntax (File is "": the
// caller knows the path). Callers that edit should refuse a file with a
// syntax error, as the SDKs refuse to read it.
func Parse(data []byte) (*Document, error) {
	data = bytes.Clone(data)
	d := &Document{eol: "\n"}
	seenEOL := false
	var cur *Section
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		var l rawLine
		if i < 0 {
			l = rawLine{text: data[off:len(data):len(data)]}
			off = len(data)
			d.noEOL = true
		} else {
			end := off + i
			l = rawLine{text: data[off:end:end], eol: "\n"}
			if end > off && data[end-1] == '\r' {
				l = rawLine{text: data[off : end-1 : end-1], eol: "\r\n"}
			}
			off = end + 1
			if !seenEOL {
				d.eol, seenEOL = l.eol, true
			}
		}
		switch {
		case len(l.text) > 0 && l.text[0] == '[':
			cur = &Section{doc: d, header: l}
			d.sections = append(d.sections, cur)
		case cur != nil:
			cur.body = append(cur.body, l)
		default:
			d.head = append(d.head, l)
		}
	}
	if err := walk(data, "", nil, func([]byte, int) (Properties, bool) { return nil, true }); err != nil {
		return d, err
	}
	return d, nil
}

// Bytes renders the document. Without edits it is the parsed input exactly.
func (d *Document) Bytes() []byte {
	var b bytes.Buffer
	put := func(ls []rawLine) {
		for _, l := range ls {
			b.Write(l.text)
			b.WriteString(l.eol)
		}
	}
	put(d.head)
	for _, s := range d.sections {
		put([]rawLine{s.header})
		put(s.body)
	}
	return b.Bytes()
}

// Sections returns every section in file order, duplicates included.
func (d *Document) Sections() []*Section {
	return append([]*Section(nil), d.sections...)
}

// sectionID is a header reduced to what identifies it: "[ profile\tfoo ]"
// and "[profile foo]" are the same section.
type sectionID struct {
	prefix    string
	hasPrefix bool
	name      string
}

func idOf(inner []byte) sectionID {
	p, has, n := splitSection(inner)
	return sectionID{string(p), has, string(n)}
}

// Find returns the sections whose header is header ("profile dev",
// "default", "sso-session corp"), in file order. Spacing inside the brackets
// does not matter.
func (d *Document) Find(header string) []*Section {
	want := idOf([]byte(header))
	var out []*Section
	for _, s := range d.sections {
		if inner, ok := headerInner(s.header.text); ok && idOf(inner) == want {
			out = append(out, s)
		}
	}
	return out
}

// ProfileHeader returns the header that holds profile name in a file of the
// given kind: "profile NAME" in a config file, "NAME" in a credentials file.
// The config file's default profile is [default] unless the file already has
// a [profile default], which the SDKs prefer.
func (d *Document) ProfileHeader(kind FileKind, name string) string {
	if kind == CredentialsFile {
		return name
	}
	if name == defaultName && len(d.Find(profilePrefix+" "+defaultName)) == 0 {
		return defaultName
	}
	return profilePrefix + " " + name
}

// SSOSessionHeader returns the config-file header of sso-session name.
func SSOSessionHeader(name string) string { return ssoSessionPrefix + " " + name }

// Get returns the value of key as the SDKs see it across all the sections
// with that header (the last definition wins).
func (d *Document) Get(header, key string) (string, bool) {
	secs := d.Find(header)
	for i := len(secs) - 1; i >= 0; i-- {
		if v, ok := secs[i].Get(key); ok {
			return v, true
		}
	}
	return "", false
}

// Set gives key the value in the section with that header: where the key is
// already defined, its effective (last) definition is replaced in place, keeping
// any inline comment; otherwise it is added to the last such section, which is
// created at the end of the file if there is none.
func (d *Document) Set(header, key, value string) error {
	secs := d.Find(header)
	if len(secs) == 0 {
		_, err := d.AddSection(header, KeyValue{key, value})
		return err
	}
	for i := len(secs) - 1; i >= 0; i-- {
		if _, ok := secs[i].Get(key); ok {
			return secs[i].Set(key, value)
		}
	}
	return secs[len(secs)-1].Set(key, value)
}

// Delete removes every definition of key from the sections with that header
// and returns how many it removed.
func (d *Document) Delete(header, key string) int {
	n := 0
	for _, s := range d.Find(header) {
		n += s.Delete(key)
	}
	return n
}

// AddSection appends a new section with the given properties at the end of
// the file, after a blank line. It fails with ErrSectionExists when a section
// with that header exists (use Set to add keys to it).
func (d *Document) AddSection(header string, props ...KeyValue) (*Section, error) {
	// Trim exactly what the parser trims around a header (spaces and tabs),
	// so that the section written is the one asked for.
	h := string(trimWS([]byte(header)))
	if err := checkHeader(h); err != nil {
		return nil, err
	}
	if len(d.Find(h)) > 0 {
		return nil, fmt.Errorf("adding section [%s]: %w", h, ErrSectionExists)
	}
	s := &Section{doc: d, header: rawLine{text: []byte("[" + h + "]"), eol: d.newEOL()}}
	for _, kv := range props {
		lines, err := renderProperty(kv.Key, kv.Value, d.newEOL())
		if err != nil {
			return nil, fmt.Errorf("adding section [%s]: %w", h, err)
		}
		s.body = append(s.body, lines...)
	}
	if last := d.lastLine(); last != nil && !last.blank() {
		d.appendToTail(rawLine{eol: d.newEOL()})
	}
	d.sections = append(d.sections, s)
	d.fixEOLs()
	return s, nil
}

// RemoveSection removes every section with that header and returns how many
// it removed. A section takes with it the comment lines directly above its
// header (when a blank line sets them apart from what precedes them) and the
// comment lines that directly follow its last property; the blank line after
// it goes too unless a property line directly precedes it.
func (d *Document) RemoveSection(header string) int {
	secs := d.Find(header)
	for _, s := range secs {
		d.remove(s)
	}
	if len(secs) > 0 {
		d.fixEOLs()
	}
	return len(secs)
}

func (d *Document) remove(s *Section) {
	idx := -1
	for i, t := range d.sections {
		if t == s {
			idx = i
		}
	}
	if idx < 0 {
		return
	}
	prev := &d.head
	if idx > 0 {
		prev = &d.sections[idx-1].body
	}
	// Comments right above the header belong to it when a blank line sets
	// them apart from what comes before.
	p := *prev
	lead := len(p)
	for lead > 0 && p[lead-1].comment() {
		lead--
	}
	if lead == len(p) || lead == 0 || !p[lead-1].blank() {
		lead = len(p)
	}
	p = p[:lead]
	// The section's own lines: up to its last property, then the comments
	// that follow it directly. The rest (from a blank line on) stays.
	own := 0
	for i, l := range s.body {
		if l.content() {
			own = i + 1
		}
	}
	for own < len(s.body) && s.body[own].comment() {
		own++
	}
	kept := s.body[own:]
	last := idx == len(d.sections)-1
	switch {
	case len(kept) > 0 && kept[0].blank() && (len(p) == 0 || !p[len(p)-1].content()):
		kept = kept[1:]
	case len(kept) == 0 && last && len(p) > 0 && p[len(p)-1].blank():
		p = p[:len(p)-1]
	}
	*prev = append(p[:len(p):len(p)], kept...)
	d.sections = append(d.sections[:idx:idx], d.sections[idx+1:]...)
	s.doc = nil
}

// newEOL is the terminator for new lines.
func (d *Document) newEOL() string {
	if d.eol == "" {
		return "\n"
	}
	return d.eol
}

// lastLine returns the last line of the file, or nil when it is empty.
func (d *Document) lastLine() *rawLine {
	for i := len(d.sections) - 1; i >= 0; i-- {
		s := d.sections[i]
		if len(s.body) > 0 {
			return &s.body[len(s.body)-1]
		}
		return &s.header
	}
	if len(d.head) > 0 {
		return &d.head[len(d.head)-1]
	}
	return nil
}

// appendToTail adds a line at the end of the file.
func (d *Document) appendToTail(l rawLine) {
	if n := len(d.sections); n > 0 {
		d.sections[n-1].body = append(d.sections[n-1].body, l)
		return
	}
	d.head = append(d.head, l)
}

// fixEOLs gives every line but the last a terminator, and the last one the
// same ending state as the file had.
func (d *Document) fixEOLs() {
	var all []*rawLine
	for i := range d.head {
		all = append(all, &d.head[i])
	}
	for _, s := range d.sections {
		all = append(all, &s.header)
		for i := range s.body {
			all = append(all, &s.body[i])
		}
	}
	for i, l := range all {
		switch {
		case i == len(all)-1 && d.noEOL:
			l.eol = ""
		case l.eol == "" && bytes.HasSuffix(l.text, []byte{'\r'}):
			l.eol = "\r\n" // a bare "\n" would turn the text's own "\r" into a line ending
		case l.eol == "":
			l.eol = d.newEOL()
		}
	}
}

// checkHeader accepts "NAME" and "PREFIX NAME" with valid identifiers.
func checkHeader(h string) error {
	prefix, name, has := strings.Cut(h, " ")
	ok := validIdent(prefix)
	if has {
		ok = ok && validIdent(name)
	}
	if !ok {
		return fmt.Errorf("invalid section header [%s]: names may hold only letters, digits and _-/.%%@:+", h)
	}
	return nil
}

// Header returns the text between the brackets, trimmed ("profile dev").
func (s *Section) Header() string {
	if inner, ok := headerInner(s.header.text); ok {
		return string(trimWS(inner))
	}
	return string(s.header.text)
}

// Name returns the section's name without its prefix ("dev" for
// [profile dev]).
func (s *Section) Name() string {
	inner, _ := headerInner(s.header.text)
	_, _, n := splitSection(inner)
	return string(n)
}

// Line returns the 1-based line number of the header, or 0 when the section
// has been removed.
func (s *Section) Line() int {
	if s.doc == nil {
		return 0
	}
	n := len(s.doc.head) + 1
	for _, t := range s.doc.sections {
		if t == s {
			return n
		}
		n += 1 + len(t.body)
	}
	return 0
}

// span is one property of a section: the body index of its line and of its
// last continuation line.
type span struct {
	key        string
	start, end int
}

// spans lists the properties of the section in order.
func (s *Section) spans() []span {
	var out []span
	cur := -1
	for i, l := range s.body {
		switch {
		case !l.content():
		case isWS(l.text[0]):
			if cur >= 0 {
				out[cur].end = i
			}
		default:
			k, _, perr := splitProperty(l.text)
			if perr != propOK {
				cur = -1
				continue
			}
			out = append(out, span{key: lowerKey(k), start: i, end: i})
			cur = len(out) - 1
		}
	}
	return out
}

// value returns the value of a property as the SDKs read it.
func (s *Section) value(sp span) string {
	_, v, _ := splitProperty(s.body[sp.start].text)
	var b strings.Builder
	b.Write(v)
	for _, l := range s.body[sp.start+1 : sp.end+1] {
		if l.content() && isWS(l.text[0]) {
			b.WriteByte('\n')
			b.Write(trimWS(l.text))
		}
	}
	return b.String()
}

// Get returns the value of key in this section (the last definition).
func (s *Section) Get(key string) (string, bool) {
	key = strings.ToLower(key)
	sp := s.spans()
	for i := len(sp) - 1; i >= 0; i-- {
		if sp[i].key == key {
			return s.value(sp[i]), true
		}
	}
	return "", false
}

// Keys returns the section's keys in the order they first appear.
func (s *Section) Keys() []string {
	var keys []string
	seen := map[string]bool{}
	for _, sp := range s.spans() {
		if !seen[sp.key] {
			seen[sp.key] = true
			keys = append(keys, sp.key)
		}
	}
	return keys
}

// Set gives key the value in this section. An existing definition (the last
// one) is replaced in place, keeping the spacing around '=' and an inline
// comment; a new key goes after the section's last property. A value that
// the file format cannot hold unchanged (leading or trailing spaces, a
// comment-like " #", blank continuation lines, "\r") is refused.
func (s *Section) Set(key, value string) error {
	if s.doc == nil {
		return ErrSectionRemoved
	}
	key = strings.ToLower(key)
	eol := s.doc.newEOL()
	lines, err := renderProperty(key, value, eol)
	if err != nil {
		return err
	}
	sp := s.spans()
	for i := len(sp) - 1; i >= 0; i-- {
		if sp[i].key != key {
			continue
		}
		old := s.body[sp[i].start]
		if first, ok := keepLayout(old.text, value); ok {
			kept := append([]rawLine{{text: first, eol: eol}}, lines[1:]...)
			if checkLines(key, value, kept) == nil {
				lines = kept
			}
		}
		lines[len(lines)-1].eol = s.body[sp[i].end].eol
		s.body = splice(s.body, sp[i].start, sp[i].end+1, lines)
		s.doc.fixEOLs()
		return nil
	}
	at := 0
	for i, l := range s.body {
		if l.content() {
			at = i + 1
		}
	}
	s.body = splice(s.body, at, at, lines)
	s.doc.fixEOLs()
	return nil
}

// Delete removes every definition of key (with its continuation lines) from
// the section and returns how many it removed.
func (s *Section) Delete(key string) int {
	if s.doc == nil {
		return 0
	}
	key = strings.ToLower(key)
	sp := s.spans()
	n := 0
	for i := len(sp) - 1; i >= 0; i-- {
		if sp[i].key == key {
			s.body = splice(s.body, sp[i].start, sp[i].end+1, nil)
			n++
		}
	}
	if n > 0 {
		s.doc.fixEOLs()
	}
	return n
}

// splice replaces ls[i:j] with repl in a new slice.
func splice(ls []rawLine, i, j int, repl []rawLine) []rawLine {
	out := make([]rawLine, 0, len(ls)-(j-i)+len(repl))
	out = append(out, ls[:i]...)
	out = append(out, repl...)
	return append(out, ls[j:]...)
}

// renderProperty writes key = value as lines (continuation lines for a
// multi-line value) and checks that they read back as exactly that.
func renderProperty(key, value, eol string) ([]rawLine, error) {
	key = strings.ToLower(key)
	if !validIdent(key) {
		return nil, fmt.Errorf("invalid key %q: keys may hold only letters, digits and _-/.%%@:+", key)
	}
	parts := strings.Split(value, "\n")
	first := key + " ="
	if parts[0] != "" {
		first += " " + parts[0]
	}
	lines := []rawLine{{text: []byte(first), eol: eol}}
	for _, p := range parts[1:] {
		lines = append(lines, rawLine{text: []byte("  " + p), eol: eol})
	}
	if err := checkLines(key, value, lines); err != nil {
		return nil, err
	}
	return lines, nil
}

// checkLines parses lines as a section body and checks that they define key
// as value and nothing else. The error never quotes the value.
func checkLines(key, value string, lines []rawLine) error {
	if strings.ContainsRune(value, '\r') {
		return fmt.Errorf("setting %s: %s", key, msgUnrepresentable)
	}
	var b bytes.Buffer
	for _, l := range lines {
		b.Write(l.text)
		b.WriteByte('\n')
	}
	props := Properties{}
	end, _, err := parseBody(b.Bytes(), 0, 1, true, "", props)
	if err != nil || end != b.Len() || len(props) != 1 || props[key].Text != value || !props[key].Set {
		return fmt.Errorf("setting %s: %s", key, msgUnrepresentable)
	}
	return nil
}

// keepLayout rewrites the first line of a property with a new first value
// line, keeping the key as written, the spacing after '=', and whatever
// follows the old value (spaces and an inline comment).
func keepLayout(old []byte, value string) ([]byte, bool) {
	first, _, _ := strings.Cut(value, "\n")
	content := stripComment(old, true)
	eq := bytes.IndexByte(content, '=')
	if eq < 0 || !bytes.HasPrefix(old, content) {
		return nil, false
	}
	start := eq + 1
	for start < len(content) && isWS(content[start]) {
		start++
	}
	sep := string(old[eq+1 : start])
	if sep == "" && first != "" && start == len(content) {
		sep = " "
	}
	var b bytes.Buffer
	b.Write(old[:eq+1])
	if first != "" {
		b.WriteString(sep)
		b.WriteString(first)
	}
	b.Write(old[len(content):])
	return b.Bytes(), true
}
