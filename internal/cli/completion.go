package cli

import (
	"context"
	"io"
	"sort"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/console"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/shell"
)

// completionShells are the shells `assume completion` writes a script for.
var completionShells = shell.CompletionShells()

// runCompletion prints the completion script of a shell.
func runCompletion(_ context.Context, args []string, s *invocation) error {
	pos, err := simpleFlags(s, "completion", args, func(*flags.FlagSet) {})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("completion needs a shell: assume completion %s", strings.Join(completionShells, "|"))
	}
	script, ok := completionScript(pos[0])
	if !ok {
		return usageErr("completion: unknown shell %q (one of %s)", pos[0], strings.Join(completionShells, ", "))
	}
	_, err = io.WriteString(s.Out, script)
	return err
}

// runComplete is the hidden `assume __complete TOPIC [ARG...]` the
// completion scripts call. It prints candidates one per line and never fails
// loudly: a broken config simply completes nothing.
//
// Topics: profiles, sso-sessions, services, flags [COMMAND [SUBCOMMAND]],
// args [COMMAND [SUBCOMMAND]]. The flags come from the commands'
// declarations (internal/commands).
func runComplete(_ context.Context, args []string, s *invocation) error {
	if len(args) == 0 {
		return usageErr("__complete needs a topic")
	}
	var words []string
	arg, sub := "", ""
	if len(args) > 1 {
		arg = args[1]
	}
	if len(args) > 2 {
		sub = args[2]
	}
	switch args[0] {
	case "profiles":
		words = completeProfiles(s)
	case "sso-sessions":
		words = completeSSOSessions(s)
	case "services":
		for _, sv := range console.Services() {
			words = append(words, sv.Name)
		}
	case "flags":
		words = completeFlags(arg, sub)
	case "args":
		words = completeArgs(s, arg, sub)
	default:
		return usageErr("__complete: unknown topic %q", args[0])
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteString(w)
		b.WriteByte('\n')
	}
	_, err := io.WriteString(s.Out, b.String())
	return err
}

// command finds the command a completion is for: the first word, when it is
// a command (else nil: a profile or a flag).
func command(word string) *commands.Command {
	if word == "" || strings.Contains(word, " ") {
		return nil
	}
	return commands.Lookup(word)
}

// completeFlags lists the flags of command cmd ("" or a profile: assume
// PROFILE's), of its subcommand sub when sub is one, else of all its
// subcommands.
func completeFlags(cmd, sub string) []string {
	c := command(cmd)
	if c == nil {
		c = &commands.Main
	}
	if sc := c.Subcommand(sub); sc != nil {
		c = sc
	}
	var words []string
	for _, f := range c.AllFlags() {
		words = append(words, "--"+f.Long)
	}
	return words
}

// completeArgs lists the positional words after command cmd ("": the
// first word, a command or a profile) and its subcommand sub.
func completeArgs(s *invocation, cmd, sub string) []string {
	switch {
	case cmd == "":
		var words []string
		for i := range commands.All {
			if c := &commands.All[i]; !c.Hidden() {
				words = append(words, c.Name)
			}
		}
		return append(words, completeProfiles(s)...)
	case strings.HasPrefix(cmd, "-"):
		// assume --refresh PROFILE: a command can only come first.
		return completeProfiles(s)
	}
	c := command(cmd)
	switch {
	case c == nil:
		return nil
	case c.Name == "settings":
		if sub != "" {
			return settingsCompletions([]string{sub})
		}
		return settingsCompletions(nil)
	case c.Name == "help":
		words := []string{"exit-codes"}
		for i := range commands.All {
			if h, ok := lookupHelp(commands.All[i].Name); ok && h == &commands.All[i] {
				words = append(words, h.Name)
			}
		}
		return words
	case len(c.Sub) > 0:
		if sc := c.Subcommand(sub); sc != nil {
			c = sc
			break
		}
		words := make([]string, 0, len(c.Sub))
		for i := range c.Sub {
			words = append(words, c.Sub[i].Word())
		}
		return words
	}
	if c.ArgKind == flags.CompleteProfiles {
		return completeProfiles(s)
	}
	return c.Args
}

// completeProfiles lists the profile names: a scan of the section headers,
// nothing parsed.
func completeProfiles(s *invocation) []string {
	cfgPath, credPath := s.configFiles()
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return nil
	}
	names := files.ProfileNames()
	sort.Strings(names)
	return names
}

// completeSSOSessions lists the [sso-session NAME] sections.
func completeSSOSessions(s *invocation) []string {
	set, err := loadProfileSet(s)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(set.SSOSessions))
	for n := range set.SSOSessions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// completionScript is the script of `assume completion SHELL`
// (internal/shell), with the flags that take a value filled in from the
// commands' declarations.
func completionScript(sh string) (string, bool) {
	return shell.Completion(sh, shell.CompletionFlags{
		Profiles:    valueFlags(flags.CompleteProfiles),
		SSOSessions: valueFlags(flags.CompleteSSOSessions),
		Services:    valueFlags(flags.CompleteServices),
		Print:       valueFlags(flags.CompletePrint),
		Files:       valueFlags(flags.CompleteFiles),
		None:        valueFlags(""),
	})
}

// valueFlags lists every flag (-s and --long) that takes a value completed
// the way kind says ("": nothing to complete), over all commands.
func valueFlags(kind string) []string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	commands.Each(func(c *commands.Command) {
		for _, f := range c.OwnFlags() {
			if !f.TakesValue() || f.Complete != kind {
				continue
			}
			if f.Short != "" {
				add("-" + f.Short)
			}
			add("--" + f.Long)
		}
	})
	return names
}
