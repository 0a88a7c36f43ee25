// Package flags parses GNU-style command-line flags for both assume
// executables: --long, --long=v, --long v, -s, -s v, -s=v, with flags and
// positional arguments mixed.
package flags

import (
	"fmt"
	"strings"
)

// FlagSet is a small GNU-style flag parser: --long, --long=v, --long v, -s,
// -s v, -s=v; flags and positional arguments may be mixed. It exists so the
// front end links nothing heavier than it needs (pflag pulls in package net,
// whose initialisation alone costs a fraction of a millisecond on every run).
type FlagSet struct {
	name  string
	flags []*flagDef
	args  []string
}

type flagDef struct {
	long, short string
	str         *string
	boolean     *bool
}

// New returns an empty flag set.
func New(name string) *FlagSet { return &FlagSet{name: name} }

// String defines a flag with a value.
func (f *FlagSet) String(p *string, long, short string) {
	f.flags = append(f.flags, &flagDef{long: long, short: short, str: p})
}

// Bool defines a flag without a value.
func (f *FlagSet) Bool(p *bool, long, short string) {
	f.flags = append(f.flags, &flagDef{long: long, short: short, boolean: p})
}

func (f *FlagSet) lookup(name string, long bool) *flagDef {
	for _, d := range f.flags {
		if (long && d.long == name) || (!long && d.short != "" && d.short == name) {
			return d
		}
	}
	return nil
}

// Parse parses args; positional arguments are kept for Args.
func (f *FlagSet) Parse(args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			f.args = append(f.args, a)
			continue
		}
		long := strings.HasPrefix(a, "--")
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, value, hasValue = name[:j], name[j+1:], true
		}
		dash := "-"
		if long {
			dash = "--"
		}
		d := f.lookup(name, long)
		if d == nil {
			return fmt.Errorf("unknown flag %s%s", dash, name)
		}
		if d.boolean != nil {
			if hasValue {
				switch value {
				case "true", "1":
					*d.boolean = true
				case "false", "0":
					*d.boolean = false
				default:
					return fmt.Errorf("flag %s%s takes no value", dash, name)
				}
				continue
			}
			*d.boolean = true
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return fmt.Errorf("flag %s%s needs a value", dash, name)
			}
			i++
			value = args[i]
		}
		*d.str = value
	}
	return nil
}

// Args returns the positional arguments.
func (f *FlagSet) Args() []string { return f.args }
