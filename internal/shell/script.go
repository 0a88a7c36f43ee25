package shell

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Script is a change to the environment: the names in Unset are removed,
// then the names in Set get their values. A name in both ends up set, so it
// is dropped from Unset. Emitters write the unsets first, then the sets, each
// group sorted by name, so the same Script always gives the same text.
type Script struct {
	Unset []string          // names to remove; duplicates are harmless
	Set   map[string]string // names to set, with their values
}

// assignment is one name=value pair of a normalized Script.
type assignment struct {
	name, value string
}

// plan is a Script validated and put in emission order.
type plan struct {
	unset []string
	set   []assignment
}

// ValidName reports whether name matches ^[A-Za-z_][A-Za-z0-9_]*$, the only
// names this package emits. Such names need no quoting in any shell.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// normalize validates s for format and returns it in emission order. Values
// with a NUL byte are refused everywhere (no environment can hold them);
// needUTF8 refuses values that are not valid UTF-8, for formats that are
// text rather than bytes.
func (s Script) normalize(format string, needUTF8 bool) (plan, error) {
	var p plan
	names := make([]string, 0, len(s.Set))
	for name := range s.Set {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !ValidName(name) {
			return plan{}, &InvalidNameError{Name: name}
		}
		v := s.Set[name]
		if strings.IndexByte(v, 0) >= 0 {
			return plan{}, &InvalidValueError{Name: name, Format: format, Reason: "contains a NUL byte"}
		}
		if needUTF8 && !utf8.ValidString(v) {
			return plan{}, &InvalidValueError{Name: name, Format: format, Reason: "is not valid UTF-8"}
		}
		p.set = append(p.set, assignment{name, v})
	}
	unset := slices.Clone(s.Unset)
	slices.Sort(unset)
	unset = slices.Compact(unset)
	for _, name := range unset {
		if !ValidName(name) {
			return plan{}, &InvalidNameError{Name: name}
		}
		if _, ok := s.Set[name]; ok {
			continue
		}
		p.unset = append(p.unset, name)
	}
	return p, nil
}
