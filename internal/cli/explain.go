package cli

import (
	"context"

	"github.com/assume-cli/assume/internal/flags"
)

// runExplain shows how a profile resolves, value by value, with file:line.
func runExplain(_ context.Context, args []string, s *invocation) error {
	var asJSON bool
	var profile string
	pos, err := simpleFlags(s, "explain", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindString(&profile, "profile")
	})
	if err != nil {
		return err
	}
	if profile, err = profileArg("explain", pos, profile, "a profile: assume explain PROFILE [--json]"); err != nil {
		return err
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(s, plan)
	}
	return plan.WriteExplain(s.Out)
}
