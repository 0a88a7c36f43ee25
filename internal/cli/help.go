package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/console"
	"github.com/assume-cli/assume/internal/flags"
)

// The help of every command is generated from its declaration
// (internal/commands): `assume CMD --help`, `assume help CMD` and the man
// page (assume __man) print the same text.

// lookupHelp finds the command whose help answers name ("sso login", else
// "sso"); commands without a help text have none.
func lookupHelp(name string) (*commands.Command, bool) {
	if name == "" {
		return nil, false
	}
	if c := commands.Lookup(name); c != nil && !c.Hidden() && (c.About != "" || strings.Contains(c.Name, " ")) {
		return c, true
	}
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		return lookupHelp(name[:i])
	}
	return nil, false
}

// writeFlagLines writes one line per flag (continuation lines indented
// under the text).
func writeFlagLines(b *strings.Builder, specs []flags.Spec) {
	for _, f := range specs {
		lines := strings.Split(f.Usage, "\n")
		fmt.Fprintf(b, "  %-26s %s\n", f.Label(), lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(b, "  %-26s %s\n", "", l)
		}
	}
}

// writeHelp prints a command's help.
func writeHelp(w io.Writer, c *commands.Command) error {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, u := range c.UsageLines() {
		b.WriteString("  assume " + u + "\n")
	}
	about := c.About
	if about == "" {
		about = strings.ToUpper(c.Summary[:1]) + c.Summary[1:] + " (assume help " + c.Name[:strings.IndexByte(c.Name, ' ')] + ")."
	}
	b.WriteString("\n" + about + "\n")
	if fl := c.AllFlags(); len(fl) > 0 {
		b.WriteString("\nFlags:\n")
		writeFlagLines(&b, fl)
	}
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range c.Examples {
			b.WriteString("  " + e + "\n")
		}
	}
	if c.Name == "console" {
		b.WriteString("\nService shortcuts (-s):\n")
		for _, sv := range console.Services() {
			scope := ""
			if sv.Global {
				scope = " (global)"
			}
			fmt.Fprintf(&b, "  %-16s %s%s\n", sv.Name, sv.Title, scope)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mainHelp is `assume --help`: the command list, the flags of assume
// PROFILE and examples.
func mainHelp() string {
	var b strings.Builder
	b.WriteString(usageHead)
	b.WriteString("\nFlags:\n")
	writeFlagLines(&b, commands.Main.OwnFlags())
	b.WriteString("\nExamples:\n")
	for _, e := range commands.Main.Examples {
		b.WriteString("  " + e + "\n")
	}
	return b.String()
}

// wantsHelp reports -h/--help among a command's arguments (before "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--help":
			return true
		}
	}
	return false
}

func runHelp(_ context.Context, args []string, s *invocation) error {
	if len(args) > 0 && args[0] == "exit-codes" {
		io.WriteString(s.Out, exitCodesText)
		return nil
	}
	if len(args) > 0 {
		if h, ok := lookupHelp(strings.Join(args, " ")); ok {
			return writeHelp(s.Out, h)
		}
		return usageErr("no help on %q: assume help lists the commands", strings.Join(args, " "))
	}
	io.WriteString(s.Out, mainHelp())
	return nil
}
