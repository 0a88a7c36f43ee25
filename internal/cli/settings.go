package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/settings"
)

const settingsUsage = `Usage:
  assume settings [ls] [--json]     every setting: key, value and where it comes from
  assume settings get KEY           the value of KEY
  assume settings set KEY VALUE     write KEY = VALUE to the settings file
  assume settings unset KEY         remove KEY from the file, so its default applies
  assume settings browser [NAME]    show, or choose and remember, the browser
  assume settings path              the settings file's path

The settings file is $XDG_CONFIG_HOME/assume/settings (~/.config/assume/settings
by default): lines "key = value" in a [settings] section, # for comments. set
and unset change only their key's line. An environment variable overrides the
file; NO_COLOR turns colour off. The source column says which applies:
"default", FILE:LINE, or "env NAME".

Settings:
`

const settingsExamples = `
Examples:
  assume settings browser firefox
  assume settings set cache_margin 10m
  assume settings set browser 'firefox --new-window {url}'
  assume settings get default_region
  assume settings ls --json | jq -r '.[] | select(.source != "default") | .key'
`

// settingsHelp is the usage text with every key of the registry.
func settingsHelp() string {
	var b strings.Builder
	b.WriteString(settingsUsage)
	for _, sp := range settings.Keys() {
		def := sp.Default
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "  %-17s %s\n", sp.Key, sp.Summary)
		fmt.Fprintf(&b, "  %-17s %s; default %s; env %s\n", "", sp.Allowed(), def, sp.Env)
	}
	b.WriteString(settingsExamples)
	return b.String()
}

// runSettings shows and edits assume's settings file.
func runSettings(_ context.Context, args []string, s *invocation) error {
	if len(args) == 0 {
		return settingsLs(nil, s)
	}
	sub, rest := args[0], args[1:]
	if len(rest) == 1 && (rest[0] == "-h" || rest[0] == "--help") {
		sub = "help"
	}
	switch sub {
	case "-h", "--help", "help":
		_, err := io.WriteString(s.Out, settingsHelp())
		return err
	case "ls", "list":
		return settingsLs(rest, s)
	case "get":
		if len(rest) != 1 {
			return usageErr("settings get takes one key: assume settings get KEY")
		}
		st := loadSettings(s)
		v, _, err := st.Get(rest[0])
		if err != nil {
			return settingsErr(err)
		}
		_, err = io.WriteString(s.Out, v+"\n")
		return err
	case "set":
		if len(rest) != 2 {
			return usageErr("settings set takes a key and one value: assume settings set KEY VALUE (quote a value with spaces)")
		}
		return settingsSet(s, rest[0], rest[1])
	case "unset":
		if len(rest) != 1 {
			return usageErr("settings unset takes one key: assume settings unset KEY")
		}
		return settingsUnset(s, rest[0])
	case "path":
		if len(rest) != 0 {
			return usageErr("settings path takes no arguments")
		}
		path, err := settings.Path(s.Getenv)
		if err != nil {
			return err
		}
		_, err = io.WriteString(s.Out, path+"\n")
		return err
	case "browser":
		switch len(rest) {
		case 0:
			_, err := io.WriteString(s.Out, loadSettings(s).Browser()+"\n")
			return err
		case 1:
			return settingsSet(s, "browser", rest[0])
		}
		return usageErr("settings browser takes one name or command: assume settings browser [NAME] (quote a command with spaces)")
	}
	if strings.HasPrefix(sub, "-") {
		return settingsLs(args, s)
	}
	return usageErr("unknown settings command %q: use ls, get, set, unset, browser or path (assume settings --help)", sub)
}

// settingsLs lists every setting with its value and source.
func settingsLs(args []string, s *invocation) error {
	var asJSON, help bool
	pos, err := simpleFlags(s, "settings ls", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindBool(&help, "help")
	})
	if err != nil {
		return err
	}
	if help {
		_, err := io.WriteString(s.Out, settingsHelp())
		return err
	}
	if len(pos) > 0 {
		return usageErr("settings ls takes no arguments: assume settings ls [--json]")
	}
	entries := loadSettings(s).List()
	if asJSON {
		return writeJSON(s, entries)
	}
	tw := tabwriter.NewWriter(s.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, e := range entries {
		v := e.Value
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Key, v, e.Source)
	}
	return tw.Flush()
}

// settingsSet validates and writes one setting.
func settingsSet(s *invocation, key, value string) error {
	path, err := settings.Path(s.Getenv)
	if err != nil {
		return err
	}
	if err := settings.Set(path, key, value); err != nil {
		return settingsErr(err)
	}
	sp, _ := settings.Lookup(key)
	v, _ := sp.Check(value)
	s.Noticef("%s = %s (in %s)", sp.Key, v, path)
	if sp.Env != "" && s.Getenv(sp.Env) != "" {
		s.Hintf("%s is set in this environment and takes precedence over the file", sp.Env)
	}
	return nil
}

// settingsUnset removes one setting from the file.
func settingsUnset(s *invocation, key string) error {
	path, err := settings.Path(s.Getenv)
	if err != nil {
		return err
	}
	removed, err := settings.Unset(path, key)
	if err != nil {
		return settingsErr(err)
	}
	sp, _ := settings.Lookup(key)
	name := sp.Key
	if name == "" {
		name = key
	}
	switch {
	case !removed:
		s.Noticef("%s was not set in %s", name, path)
	case sp.Default != "":
		s.Noticef("removed %s from %s; the default applies (%s)", name, path, sp.Default)
	default:
		s.Noticef("removed %s from %s", name, path)
	}
	return nil
}

// settingsErr gives a settings error its exit code: a bad key or value on
// the command line is a usage error (2), a malformed settings file a
// configuration error (3), anything else (the file cannot be written) 1.
func settingsErr(err error) error {
	var uk *settings.UnknownKeyError
	var iv *settings.InvalidValueError
	var se *awsconfig.SyntaxError
	switch {
	case errors.As(err, &uk):
		return withCode(ExitUsage, err, "assume settings ls lists the settings")
	case errors.As(err, &iv):
		return withCode(ExitUsage, err)
	case errors.As(err, &se):
		return withCode(ExitConfig, err, "every setting goes in the [settings] section; assume settings ls warns about the lines it skips")
	}
	return err
}

// loadSettings reads the settings and prints, once, what in them was
// skipped (as warnings on stderr). It never fails: the defaults apply.
func loadSettings(s *invocation) *settings.Settings {
	st, err := settings.Load(s.Getenv)
	if err != nil {
		s.Noticef("warning: %v", err)
	}
	for _, p := range st.Problems() {
		s.Noticef("warning: %s", p)
	}
	return st
}

// settingsCompletions lists the candidates for the next word of `assume
// settings WORDS...`: the subcommands, then the keys, then a key's values.
// (For the completion's `args` topic; wired in by completion.go.)
func settingsCompletions(words []string) []string {
	if len(words) == 0 {
		return []string{"ls", "get", "set", "unset", "browser", "path"}
	}
	valuesOf := func(key string) []string {
		sp, err := settings.Lookup(key)
		if err != nil {
			return nil
		}
		return sp.Values
	}
	switch {
	case len(words) == 1 && words[0] == "browser":
		return valuesOf("browser")
	case len(words) == 1 && (words[0] == "get" || words[0] == "set" || words[0] == "unset"):
		var keys []string
		for _, sp := range settings.Keys() {
			keys = append(keys, sp.Key)
		}
		return keys
	case len(words) == 1 && words[0] == "ls":
		return []string{"--json"}
	case len(words) == 2 && words[0] == "set":
		return valuesOf(words[1])
	}
	return nil
}
