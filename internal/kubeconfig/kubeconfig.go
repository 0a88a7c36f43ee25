// Package kubeconfig edits kubectl's config file losslessly: the YAML is
// parsed (go.yaml.in/yaml/v3) only to validate the file and to find where
// each entry starts and ends; the edit itself splices lines, so that every
// other cluster, user and context, every comment, the order and the spacing
// stay byte for byte as they were. A file that is not YAML, or not a
// kubeconfig's shape, is refused with file:line.
package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The kinds of entries, as the top-level keys that list them.
const (
	Clusters = "clusters"
	Users    = "users"
	Contexts = "contexts"
)

// currentContext is the top-level key naming the context kubectl uses.
const currentContext = "current-context"

// newFileHeader starts a kubeconfig that did not exist (or was empty).
const newFileHeader = "apiVersion: v1\nkind: Config\npreferences: {}\n"

// ParseError is a file that cannot be edited, at a line.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return e.Path + ": " + e.Msg
}

// Hint says what to do about it.
func (e *ParseError) Hint() string {
	return "fix the file (kubectl config view shows what kubectl makes of it) or pass another one with --kubeconfig"
}

// File is a kubeconfig being edited.
type File struct {
	Path  string
	lines []string // each with its line end; the last may have none
	root  *yaml.Node
}

// Parse reads a kubeconfig; empty data is an empty file.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path, lines: splitLines(string(data))}
	if err := f.parse(); err != nil {
		return nil, err
	}
	return f, nil
}

// Bytes is the file's text.
func (f *File) Bytes() []byte { return []byte(strings.Join(f.lines, "")) }

func splitLines(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// parse validates the text and finds the top-level mapping.
func (f *File) parse() error {
	text := f.Bytes()
	if bytes.ContainsRune(text, 0) {
		return &ParseError{Path: f.Path, Msg: "not YAML: the file holds NUL bytes"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		f.root = nil
		return nil
	}
	if err != nil {
		return yamlError(f.Path, err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); err == nil {
		return &ParseError{Path: f.Path, Line: second.Line, Msg: "more than one YAML document; a kubeconfig is one"}
	} else if !errors.Is(err, io.EOF) {
		return yamlError(f.Path, err)
	}
	if len(doc.Content) == 0 {
		f.root = nil
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		f.root = nil
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return &ParseError{Path: f.Path, Line: root.Line, Msg: "not a kubeconfig: the top level is not a mapping"}
	}
	if root.Style&yaml.FlowStyle != 0 {
		return &ParseError{Path: f.Path, Line: root.Line, Msg: "a kubeconfig written as one flow mapping ({...}) cannot be edited line by line"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind == yaml.AliasNode || v.Kind == yaml.AliasNode || v.Anchor != "" || k.Value == "<<" {
			return &ParseError{Path: f.Path, Line: k.Line, Msg: "YAML anchors, aliases and merge keys at the top level cannot be edited line by line"}
		}
		switch k.Value {
		case Clusters, Users, Contexts:
			if err := checkList(f.Path, k.Value, v); err != nil {
				return err
			}
		}
	}
	f.root = root
	return nil
}

// checkList checks that a list of entries is a sequence of mappings.
func checkList(path, key string, v *yaml.Node) error {
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil
	case v.Kind != yaml.SequenceNode:
		return &ParseError{Path: path, Line: v.Line, Msg: key + " is not a list"}
	}
	for _, it := range v.Content {
		if it.Kind != yaml.MappingNode {
			return &ParseError{Path: path, Line: it.Line, Msg: "an entry of " + key + " is not a mapping"}
		}
		if v.Style&yaml.FlowStyle == 0 && it.Style&yaml.FlowStyle != 0 {
			return &ParseError{Path: path, Line: it.Line, Msg: "an entry of " + key + " is a flow mapping ({...}), which cannot be edited line by line"}
		}
	}
	return nil
}

// yamlError turns the YAML library's error into file:line.
func yamlError(path string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if _, err := fmt.Sscan(n, &line); err == nil {
				msg = tail
			}
		}
	}
	return &ParseError{Path: path, Line: line, Msg: "not YAML: " + msg}
}

// pair is a top-level key and its value.
func (f *File) pair(key string) (k, v *yaml.Node, next int) {
	if f.root == nil {
		return nil, nil, 0
	}
	c := f.root.Content
	for i := 0; i+1 < len(c); i += 2 {
		if c[i].Value == key {
			next = len(f.lines) + 1
			if i+2 < len(c) {
				next = c[i+2].Line
			}
			return c[i], c[i+1], next
		}
	}
	return nil, nil, 0
}

// Change is one entry written: the lines it replaced (none for a new
// entry) and the lines it has now.
type Change struct {
	Kind, Name string
	Old, New   []string
}

// Set writes the entry kind/name (body: its lines after the dash, the
// first being the one that carries the dash, indented relative to it) in
// place of the entry of that name, else at the end of the list; the list
// is created when missing.
func (f *File) Set(kind, name string, body []string) (Change, error) {
	ch := Change{Kind: kind, Name: name}
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return ch, fmt.Errorf("the %s name %q is not printable text", strings.TrimSuffix(kind, "s"), name)
	}
	if f.root == nil {
		if err := f.splice(len(f.lines), len(f.lines), []string{newFileHeader}); err != nil {
			return ch, err
		}
	}
	k, v, next := f.pair(kind)
	switch {
	case k == nil:
		ch.New = render(0, body)
		return ch, f.splice(len(f.lines), len(f.lines), append([]string{kind + ":\n"}, ch.New...))
	case v.Kind != yaml.SequenceNode || len(v.Content) == 0 || v.Style&yaml.FlowStyle != 0:
		// An empty or flow list becomes a block list; entries a flow
		// list held are written again in block style.
		var out []string
		for _, it := range v.Content {
			if entryName(it) == name {
				continue
			}
			b, err := yaml.Marshal(plain(it))
			if err != nil {
				return ch, err
			}
			out = append(out, render(0, splitLines(strings.TrimRight(string(b), "\n")+"\n"))...)
		}
		ch.New = render(0, body)
		start := k.Line - 1
		end := f.trimEnd(start+1, next-1)
		ch.Old = f.lines[start:end]
		return ch, f.splice(start, end, append(append([]string{indentOf(f.lines[start]) + kind + ":\n"}, out...), ch.New...))
	}
	dash := v.Content[0].Column - 3
	if dash < 0 {
		dash = 0
	}
	for i, it := range v.Content {
		if entryName(it) != name {
			continue
		}
		start := f.dashLine(it.Line - 1)
		end := next - 1
		if i+1 < len(v.Content) {
			end = f.dashLine(v.Content[i+1].Line - 1)
		}
		end = f.trimEnd(start+1, end)
		ch.Old = f.lines[start:end]
		ch.New = render(dash, body)
		return ch, f.splice(start, end, ch.New)
	}
	last := v.Content[len(v.Content)-1]
	end := f.trimEnd(f.dashLine(last.Line-1)+1, next-1)
	ch.New = render(dash, body)
	return ch, f.splice(end, end, ch.New)
}

// SetCurrentContext makes name the current context.
func (f *File) SetCurrentContext(name string) error {
	line := currentContext + ": " + Scalar(name) + "\n"
	k, v, _ := f.pair(currentContext)
	if k == nil {
		return f.splice(len(f.lines), len(f.lines), []string{line})
	}
	if v.Kind != yaml.ScalarNode || v.Line != k.Line {
		return &ParseError{Path: f.Path, Line: k.Line, Msg: currentContext + " is not a one-line value"}
	}
	return f.splice(k.Line-1, k.Line, []string{line})
}

// plain is n with flow styles cleared, to be written in block style.
func plain(n *yaml.Node) *yaml.Node {
	c := *n
	c.Style &^= yaml.FlowStyle
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = plain(x)
	}
	return &c
}

// entryName is the name of a list entry ("" if none).
func entryName(it *yaml.Node) string {
	for i := 0; i+1 < len(it.Content); i += 2 {
		if it.Content[i].Value == "name" && it.Content[i+1].Kind == yaml.ScalarNode {
			return it.Content[i+1].Value
		}
	}
	return ""
}

// dashLine is the index of the line holding the dash of the entry whose
// first key is on line i (a dash may stand alone on the line before).
func (f *File) dashLine(i int) int {
	for j := i; j >= 0 && j > i-50; j-- {
		if strings.HasPrefix(strings.TrimLeft(f.lines[j], " "), "-") {
			return j
		}
	}
	return i
}

// trimEnd moves end (exclusive) back over blank and comment lines, which
// belong to what follows, but not before floor.
func (f *File) trimEnd(floor, end int) int {
	end = max(min(end, len(f.lines)), 0)
	for end > floor {
		t := strings.TrimSpace(f.lines[end-1])
		if t != "" && !strings.HasPrefix(t, "#") && t != "---" && t != "..." {
			break
		}
		end--
	}
	return end
}

// splice replaces lines [start, end) with repl and parses the result; on
// failure the file is left as it was.
func (f *File) splice(start, end int, repl []string) error {
	old := f.lines
	if start > 0 && !strings.HasSuffix(old[start-1], "\n") {
		old = append(old[:start-1:start-1], append([]string{old[start-1] + "\n"}, old[start:]...)...)
	}
	lines := make([]string, 0, len(old)-(end-start)+len(repl))
	lines = append(lines, old[:start]...)
	for _, r := range repl {
		lines = append(lines, splitLines(r)...)
	}
	lines = append(lines, old[end:]...)
	prev := f.lines
	f.lines = lines
	if err := f.parse(); err != nil {
		f.lines = prev
		_ = f.parse()
		return fmt.Errorf("the edited kubeconfig would not parse (%v); nothing was written", err)
	}
	return nil
}

// render indents an entry's lines under a dash at column dash.
func render(dash int, body []string) []string {
	ind := strings.Repeat(" ", dash)
	out := make([]string, len(body))
	for i, l := range body {
		l = strings.TrimRight(l, "\n")
		if i == 0 {
			out[i] = ind + "- " + l + "\n"
		} else {
			out[i] = ind + "  " + l + "\n"
		}
	}
	return out
}

func indentOf(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " "))] }

// Scalar is s as a one-line YAML scalar (quoted when it must be).
func Scalar(s string) string {
	b, err := yaml.Marshal(s)
	out := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.Contains(out, "\n") {
		return fmt.Sprintf("%q", s) // a JSON string is a YAML double-quoted scalar
	}
	return out
}
