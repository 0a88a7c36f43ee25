package cli

import (
	"context"
	"io"
	"slices"
	"strings"

	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/shell"
)

// runInit prints the shell function for a shell.
func runInit(_ context.Context, args []string, s *invocation) error {
	var autoRefresh, noCompletion bool
	pos, err := simpleFlags(s, "init", args, func(fs *flags.FlagSet) {
		fs.BindBool(&autoRefresh, "auto-refresh")
		fs.BindBool(&noCompletion, "no-completion")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		guess := shell.Detect(s.Getenv("SHELL"))
		if guess == "" {
			guess = "zsh"
		}
		return usageErr("init needs a shell: assume init %s (one of %s)", guess, strings.Join(shell.Shells(), ", "))
	}
	if !autoRefresh && loadSettings(s).AutoRefresh() && slices.Contains(shell.AutoRefreshShells(), pos[0]) {
		autoRefresh = true // the auto_refresh setting
	}
	if autoRefresh && !slices.Contains(shell.AutoRefreshShells(), pos[0]) && slices.Contains(shell.Shells(), pos[0]) {
		return usageErr("init --auto-refresh is available for %s", strings.Join(shell.AutoRefreshShells(), ", "))
	}
	code, err := shell.InitWith(pos[0], selfPath(), shell.InitOptions{AutoRefresh: autoRefresh})
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// The completion of the shell comes with the function (bash, zsh, fish,
	// pwsh), unless --no-completion.
	if c, ok := completionScript(pos[0]); ok && !noCompletion {
		code += "\n" + c
	}
	_, err = io.WriteString(s.Out, code)
	return err
}
