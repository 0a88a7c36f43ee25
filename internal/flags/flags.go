// Package flags parses GNU-style command-line flags for both assume
// executables: --long, --long=v, --long v, -s, -s v, -s=v, with flags and
// positional arguments mixed.
//
// A flag is declared once as a Spec (internal/commands holds every
// command's), and a command binds the declared flags it reads. Parse refuses
// to run while a declared flag is unbound, so a flag that help and
// completion show is always one the command accepts and reads.
package flags

import (
	"fmt"
	"strings"
)

// Spec declares one flag: its names, whether it takes a value, its help
// text and how shells complete its value.
type Spec struct {
	Long     string // without "--"
	Short    string // without "-"; "" for none
	Value    string // the value's placeholder in help (NAME, D, FILE); "" for a flag without a value
	Usage    string // help text; lines after the first are continuation lines
	Complete string // how a shell completes the value: one of the Complete* kinds ("" nothing)
}

// How shells complete a flag's value.
const (
	CompleteProfiles    = "profiles"     // assume __complete profiles
	CompleteSSOSessions = "sso-sessions" // assume __complete sso-sessions
	CompleteServices    = "services"     // assume __complete services
	CompletePrint       = "print"        // the --print formats
	CompleteFiles       = "files"        // file names
)

// TakesValue reports whether the flag takes a value.
func (s Spec) TakesValue() bool { return s.Value != "" }

// Label is the flag as help shows it: "-p, --profile NAME", "    --refresh".
func (s Spec) Label() string {
	l := "    "
	if s.Short != "" {
		l = "-" + s.Short + ", "
	}
	l += "--" + s.Long
	if s.Value != "" {
		l += " " + s.Value
	}
	return l
}

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
	spec    Spec
	str     *string
	boolean *bool
}

// New returns an empty flag set.
func New(name string) *FlagSet { return &FlagSet{name: name} }

// Declare adds declared flags; a flag already declared (by its long name)
// is skipped, so groups that share a flag can be combined.
func (f *FlagSet) Declare(specs ...Spec) {
	for _, s := range specs {
		if f.find(s.Long) == nil {
			f.flags = append(f.flags, &flagDef{spec: s})
		}
	}
}

// String defines a flag with a value that no declaration describes (the
// private hand-off flags between the two executables).
func (f *FlagSet) String(p *string, long, short string) {
	f.flags = append(f.flags, &flagDef{spec: Spec{Long: long, Short: short, Value: "V"}, str: p})
}

// Bool defines a flag without a value that no declaration describes.
func (f *FlagSet) Bool(p *bool, long, short string) {
	f.flags = append(f.flags, &flagDef{spec: Spec{Long: long, Short: short}, boolean: p})
}

// BindString makes the declared flag long (one that takes a value) set *p.
// Binding a name the set does not declare does nothing: option structs bind
// every flag they could read, each command declares the ones it accepts.
// It panics when the flag takes no value (a bug, found by the tests).
func (f *FlagSet) BindString(p *string, long string) {
	if d := f.find(long); d != nil {
		if !d.spec.TakesValue() {
			panic("flags: --" + long + " takes no value; bind it with BindBool")
		}
		d.str = p
	}
}

// BindBool makes the declared flag long (one without a value) set *p.
func (f *FlagSet) BindBool(p *bool, long string) {
	if d := f.find(long); d != nil {
		if d.spec.TakesValue() {
			panic("flags: --" + long + " takes a value; bind it with BindString")
		}
		d.boolean = p
	}
}

// Has reports whether long is a flag of the set.
func (f *FlagSet) Has(long string) bool { return f.find(long) != nil }

func (f *FlagSet) find(long string) *flagDef {
	for _, d := range f.flags {
		if d.spec.Long == long {
			return d
		}
	}
	return nil
}

func (f *FlagSet) lookup(name string, long bool) *flagDef {
	for _, d := range f.flags {
		if (long && d.spec.Long == name) || (!long && d.spec.Short != "" && d.spec.Short == name) {
			return d
		}
	}
	return nil
}

// Parse parses args; positional arguments are kept for Args. A declared
// flag that nothing binds is an error (a bug: help would show a flag the
// command ignores).
func (f *FlagSet) Parse(args []string) error {
	for _, d := range f.flags {
		if d.str == nil && d.boolean == nil {
			return fmt.Errorf("internal error: %s declares --%s but does not read it", f.name, d.spec.Long)
		}
	}
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
