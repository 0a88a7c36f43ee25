package cli

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
)

// simpleFlags parses the flags of command name (no interspersed "--"
// command) with its declaration (internal/commands); define binds the
// flags the command reads. -h/--help prints the command's help.
func simpleFlags(s *invocation, name string, args []string, define func(fs *flags.FlagSet)) ([]string, error) {
	c := commands.Lookup(name)
	if c == nil {
		panic("cli: command " + name + " is not declared in internal/commands")
	}
	fs := c.FlagSet()
	var help bool
	fs.BindBool(&help, commands.Help.Long)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageErr("%s: %v", name, err)
	}
	if help {
		if err := writeHelp(s.Out, c); err != nil {
			return nil, err
		}
		return nil, &silentExit{code: ExitOK}
	}
	return fs.Args(), nil
}

// oneProfile parses a subcommand that takes exactly one profile.
func oneProfile(s *invocation, name string, args []string, define func(fs *flags.FlagSet)) (string, error) {
	pos, err := simpleFlags(s, "creds "+name, args, define)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usageErr("creds %s takes one profile: assume creds %s PROFILE", name, name)
	}
	if err := checkProfileName(pos[0]); err != nil {
		return "", err
	}
	return pos[0], nil
}

// confirm asks a yes/no question on the terminal; without one, yes must
// have been given as a flag.
func confirm(s *invocation, question string, yes bool, flag string) error {
	if yes {
		return nil
	}
	if !s.CanPrompt() {
		return withCode(ExitInteraction, errors.New(question+": no terminal to confirm on"), "add "+flag+" to confirm")
	}
	ans, err := s.Prompt(question+" [y/N] ", false)
	if err != nil {
		return err
	}
	if a := strings.ToLower(strings.TrimSpace(ans)); a != "y" && a != "yes" {
		return &silentExit{code: ExitCancelled}
	}
	return nil
}

// writeJSON prints v on stdout as indented JSON and a newline.
func writeJSON(s *invocation, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.Out.Write(append(b, '\n'))
	return err
}

// profileArg is the one profile of command name, given as --profile or as
// its one argument (pos); without either the error says name needs need.
func profileArg(name string, pos []string, profile, need string) (string, error) {
	if len(pos) == 1 && profile == "" {
		profile = pos[0]
	} else if len(pos) > 0 {
		return "", usageErr("%s takes one profile", name)
	}
	if profile == "" {
		return "", usageErr("%s needs %s", name, need)
	}
	return profile, nil
}
