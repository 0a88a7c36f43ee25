package cli

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/term"
)

// probeFlag is a flag no command declares: a command that answers it with
// "unknown flag" has reached its flag parser, which refuses to run while
// any declared flag is unbound (flags.FlagSet.Parse).
const probeFlag = "--zz-probe"

// frontEndArgs is how the front end runs command c (nil: assume-aws parses
// its flags, internal/awsmain's tests probe those).
func frontEndArgs(c *commands.Command) (run func(context.Context, []string, *invocation) error, args []string) {
	if c.Name == "" {
		return runAssume, nil
	}
	words := strings.Fields(c.Name)
	switch words[0] {
	case "sso", "login", "logout": // handed to assume-aws, which parses them
		return nil, nil
	}
	return runnerOf(words[0]), words[1:]
}

// TestEveryDeclaredFlagIsAccepted: every command that declares flags parses
// them all (a declared flag that nothing reads fails the parse), so help and
// completion never show a flag the command ignores or refuses.
func TestEveryDeclaredFlagIsAccepted(t *testing.T) {
	commands.Each(func(c *commands.Command) {
		own := c.OwnFlags()
		if len(own) == 0 || (len(own) == 1 && own[0].Long == "help" && len(c.Sub) > 0) {
			return // no flags, or only --help, which Main answers for every command with help
		}
		run, args := frontEndArgs(c)
		if run == nil {
			return
		}
		t.Run(c.Name, func(t *testing.T) {
			s := newInvocation(term.Test(nil, &bytes.Buffer{}, &bytes.Buffer{}, map[string]string{"HOME": t.TempDir()}))
			err := run(context.Background(), append(args, probeFlag), s)
			if err == nil || !strings.HasSuffix(err.Error(), "unknown flag "+probeFlag) || exitcode.Of(err) != ExitUsage {
				t.Fatalf("assume %s %s: %v (want the parser's unknown-flag error: are all its declared flags bound?)", c.Name, probeFlag, err)
			}
		})
	})
}

// TestEveryDeclaredFlagIsDocumented: every flag a command accepts is in its
// help, its completion and the man page; every flag that help, the man page
// or a completion script names is one a command accepts.
func TestEveryDeclaredFlagIsDocumented(t *testing.T) {
	man := manPage()
	declared := map[string]bool{}
	commands.Each(func(c *commands.Command) {
		for _, f := range c.OwnFlags() {
			declared["--"+f.Long] = true
			if f.Short != "" {
				declared["-"+f.Short] = true
			}
		}
		if c.Hidden() || c.Name == "help" {
			return
		}
		var help strings.Builder
		if c.Name == "" {
			help.WriteString(mainHelp())
		} else {
			h, ok := lookupHelp(c.Name)
			if !ok {
				t.Errorf("%s: no help", c.Name)
				return
			}
			if err := writeHelp(&help, h); err != nil {
				t.Fatal(err)
			}
		}
		parent, sub, _ := strings.Cut(c.Name, " ")
		completed := completeFlags(parent, sub)
		for _, f := range c.AllFlags() {
			if !strings.Contains(help.String(), f.Label()) {
				t.Errorf("assume %s accepts %s, which its help does not list", c.Name, f.Label())
			}
			if !slices.Contains(completed, "--"+f.Long) {
				t.Errorf("assume %s accepts --%s, which __complete flags %s does not offer", c.Name, f.Long, c.Name)
			}
			if !strings.Contains(man, roffEscape(strings.TrimSpace(f.Label()))) {
				t.Errorf("assume %s accepts %s, which the man page does not list", c.Name, f.Label())
			}
		}
		// A flag in a synopsis line is one the command takes.
		accepted := map[string]bool{}
		for _, f := range c.AllFlags() {
			accepted["--"+f.Long] = true
			accepted["-"+f.Short] = f.Short != ""
		}
		if c.Name == "console" { // its first synopsis is assume PROFILE -c
			for _, f := range commands.Main.OwnFlags() {
				accepted["--"+f.Long], accepted["-"+f.Short] = true, f.Short != ""
			}
		}
		for _, u := range c.UsageLines() {
			for _, m := range flagToken.FindAllStringSubmatch(u, -1) {
				if !accepted[m[1]] {
					t.Errorf("the synopsis %q of assume %s names %s, which it does not accept", u, c.Name, m[1])
				}
			}
		}
	})
	// Prose and scripts: every flag named is one some command accepts.
	texts := map[string]string{"assume --help": mainHelp(), "man page": man}
	for _, sh := range completionShells {
		texts["completion "+sh], _ = completionScript(sh)
	}
	for name, text := range texts {
		for _, m := range flagToken.FindAllStringSubmatch(strings.ReplaceAll(text, `\-`, "-"), -1) {
			if strings.HasPrefix(name, "completion") && !strings.HasPrefix(m[1], "--") {
				continue // the shells' own short options (compgen -f, set -l ...)
			}
			if !declared[m[1]] {
				t.Errorf("%s names %s, which no command accepts", name, m[1])
			}
		}
	}
}

// flagToken finds -x and --long-name where a flag can stand.
var flagToken = regexp.MustCompile(`(?:^|[\s\[|(,'=])(--[a-z][a-z-]*[a-z]|-[a-z])\b`)

// TestCompleteFlagsMatchDeclarations: every command completes all of its
// flags, per subcommand too (sso and creds once completed only a few).
func TestCompleteFlagsMatchDeclarations(t *testing.T) {
	tests := []struct {
		cmd, sub string
		want     []string
		notWant  []string
	}{
		{cmd: "sso", want: []string{"--sso-session", "--profile", "--sso-start-url", "--sso-region", "--no-browser",
			"--json", "--prefix", "--name-template", "--region", "--prune", "--dry-run", "--debug", "--help"}},
		{cmd: "sso", sub: "login", want: []string{"--sso-session", "--sso-start-url", "--no-browser", "--debug"}, notWant: []string{"--prune", "--json"}},
		{cmd: "sso", sub: "populate", want: []string{"--prefix", "--name-template", "--prune", "--dry-run", "--region"}, notWant: []string{"--no-browser", "--profile"}},
		{cmd: "sso", sub: "--sso-session", want: []string{"--no-browser", "--prune"}},
		{cmd: "creds", want: []string{"--stdin", "--force", "--yes", "--json", "--debug", "--help"}},
		{cmd: "creds", sub: "add", want: []string{"--stdin", "--force"}, notWant: []string{"--yes"}},
		{cmd: "creds", sub: "list", want: []string{"--json"}, notWant: []string{"--stdin"}},
		{cmd: "serve", want: []string{"--sso", "--sso-start-url", "--addr", "--print", "--mfa-token"}},
		{cmd: "dev", want: []string{"--exec", "--sso-start-url", "--env", "--version"}},
	}
	for _, tt := range tests {
		got := completeFlags(tt.cmd, tt.sub)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("__complete flags %s %s lacks %s: %q", tt.cmd, tt.sub, w, got)
			}
		}
		for _, w := range tt.notWant {
			if slices.Contains(got, w) {
				t.Errorf("__complete flags %s %s offers %s", tt.cmd, tt.sub, w)
			}
		}
	}
}

// TestServeAdHocSSOFlagsChecked: the ad-hoc SSO flags are one group with one
// validation; serve used to ignore them next to a profile.
func TestServeAdHocSSOFlagsChecked(t *testing.T) {
	for _, args := range [][]string{
		{"prod", "--sso-start-url", "https://x.awsapps.com/start"},
		{"prod", "--role-name", "Admin"},
		{"--sso", "prod"},
	} {
		for name, run := range map[string]func(context.Context, []string, *invocation) error{"serve": runServe, "assume": runAssume} {
			s := newInvocation(term.Test(nil, &bytes.Buffer{}, &bytes.Buffer{}, map[string]string{"HOME": t.TempDir()}))
			err := run(context.Background(), args, s)
			if err == nil || exitcode.Of(err) != ExitUsage || !strings.Contains(err.Error(), "--sso") {
				t.Errorf("%s %q: %v, want the ad-hoc SSO usage error", name, args, err)
			}
		}
	}
}
