package cli

import (
	"context"
	"encoding/json"

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
	if len(pos) == 1 && profile == "" {
		profile = pos[0]
	} else if len(pos) > 0 {
		return usageErr("explain takes one profile")
	}
	if profile == "" {
		return usageErr("explain needs a profile: assume explain PROFILE [--json]")
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.MarshalIndent(plan, "", "  ")
		if err != nil {
			return err
		}
		_, err = s.Out.Write(append(b, '\n'))
		return err
	}
	return plan.WriteExplain(s.Out)
}
