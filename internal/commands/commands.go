// Package commands declares every command of assume once: its name,
// summary, usage, help text, flags (each with its usage text and whether it
// takes a value), examples and what its positional words complete to. The
// front end's help, `assume __complete`, the flag lists of the completion
// scripts and the man page are generated from it, and both executables
// parse their flags with it (internal/flags), so none of them can drift
// from what a command accepts.
//
// The package is static data: nothing is built when a program starts (the
// front end's cached path pays nothing for it), and it imports nothing but
// the flag parser and the exit codes, so the front end may link it.
package commands

import (
	"strings"

	"github.com/assume-cli/assume/internal/flags"
)

// Command is the declaration of one command or subcommand.
type Command struct {
	Name     string   // "ls", "sso login"; "" is assume PROFILE
	Aliases  []string // other names of a subcommand ("list")
	Summary  string   // one line for the command list; "" for a hidden command
	Usage    []string // the synopsis lines, without the leading "assume "
	About    string   // one paragraph, wrapped by hand
	Flags    [][]flags.Spec
	Examples []string // command lines, each optionally followed by "  # comment"
	Args     []string // what its positional words complete to (a fixed list)
	ArgKind  string   // or dynamically: flags.CompleteProfiles
	Sub      []Command
}

// Hidden reports a command that the command list and help leave out.
func (c *Command) Hidden() bool { return c.Summary == "" }

// Word is the command's last word: "login" for "sso login".
func (c *Command) Word() string { return c.Name[strings.LastIndexByte(c.Name, ' ')+1:] }

// OwnFlags lists the flags of the command itself, in order, each once.
func (c *Command) OwnFlags() []flags.Spec {
	var out []flags.Spec
	for _, g := range c.Flags {
		out = appendNew(out, g...)
	}
	return out
}

// AllFlags lists the flags of the command's subcommands and its own, in
// order, each once (a command with subcommands: for its help and completion).
func (c *Command) AllFlags() []flags.Spec {
	var out []flags.Spec
	for i := range c.Sub {
		out = appendNew(out, c.Sub[i].AllFlags()...)
	}
	return appendNew(out, c.OwnFlags()...)
}

func appendNew(out []flags.Spec, specs ...flags.Spec) []flags.Spec {
	for _, s := range specs {
		dup := false
		for _, o := range out {
			dup = dup || o.Long == s.Long
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// FlagSet returns a flag set that declares the command's own flags; the
// caller binds them and parses.
func (c *Command) FlagSet() *flags.FlagSet {
	name := c.Name
	if name == "" {
		name = "assume"
	}
	fs := flags.New(name)
	for _, g := range c.Flags {
		fs.Declare(g...)
	}
	return fs
}

// Subcommand finds a subcommand by its word or an alias.
func (c *Command) Subcommand(word string) *Command {
	for i := range c.Sub {
		s := &c.Sub[i]
		if s.Word() == word {
			return s
		}
		for _, a := range s.Aliases {
			if a == word {
				return s
			}
		}
	}
	return nil
}

// UsageLines are the synopsis lines: the command's own, else its
// subcommands'.
func (c *Command) UsageLines() []string {
	if len(c.Usage) > 0 {
		return c.Usage
	}
	var out []string
	for i := range c.Sub {
		out = append(out, c.Sub[i].UsageLines()...)
	}
	return out
}

// Lookup finds a command by name: "ls", "sso login" (a subcommand by its
// word or alias). "" is the main command.
func Lookup(name string) *Command {
	if name == "" {
		return &Main
	}
	first, rest, _ := strings.Cut(name, " ")
	for i := range All {
		if c := &All[i]; c.Name == first {
			if rest == "" {
				return c
			}
			return c.Subcommand(rest)
		}
	}
	return nil
}

// Each calls f for the main command, every command and every subcommand.
func Each(f func(c *Command)) {
	f(&Main)
	var walk func(cs []Command)
	walk = func(cs []Command) {
		for i := range cs {
			f(&cs[i])
			walk(cs[i].Sub)
		}
	}
	walk(All)
}
