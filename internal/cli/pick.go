package cli

import (
	"errors"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/picker"
	"github.com/assume-cli/assume/internal/term"
)

// pickProfile opens the full-screen picker on the terminal and returns the
// chosen profile and whether the console key was used. Esc and Ctrl-C
// return a silent exit that changes nothing.
func pickProfile(s *term.Streams) (profile string, console bool, err error) {
	tty, err := openPickerTTY()
	if err != nil {
		return "", false, withCode(ExitUsage, errors.New("no profile given, and no terminal to pick one on"),
			"name the profile: assume PROFILE (assume ls lists them)")
	}
	defer tty.Close()
	set, err := loadProfileSet(s)
	if err != nil {
		return "", false, err
	}
	items := pickerItems(set, cacheSessions(s.Getenv, time.Now))
	if len(items) == 0 {
		return "", false, withCode(ExitConfig, errors.New("no profiles in the AWS config files"),
			"add one with aws configure, or assume sso populate")
	}
	st := loadSettings(s)
	opts := picker.Options{Order: st.PickerOrder(), NoColor: !useColor(s, true)}
	if path, err := picker.HistoryPath(s.Getenv); err == nil {
		opts.History, _ = picker.LoadHistory(path)
	}
	res, err := picker.Run(tty.in, tty.out, items, opts)
	switch {
	case errors.Is(err, picker.ErrNotTerminal):
		return "", false, withCode(ExitUsage, errors.New("no profile given, and no terminal to pick one on"),
			"name the profile: assume PROFILE (assume ls lists them)")
	case errors.Is(err, picker.ErrInterrupted):
		return "", false, &silentExit{code: ExitCancelled}
	case err != nil:
		return "", false, err
	}
	switch res.Action {
	case picker.Assume:
		return res.Item.Profile, false, nil
	case picker.Console:
		return res.Item.Profile, true, nil
	}
	return "", false, &silentExit{code: ExitCancelled}
}

// pickerItems turns the profiles into picker rows.
func pickerItems(set *awsconfig.ProfileSet, sessions sessionLookup) []picker.Item {
	rows := listProfiles(set, sessions)
	items := make([]picker.Item, 0, len(rows))
	for _, r := range rows {
		it := picker.Item{Profile: r.Name, Account: r.Account, Role: r.Role, Region: r.Region, Kind: r.Kind}
		if p, ok := set.Profiles[r.Name]; ok {
			it.SSOSession = p.Get("sso_session").Text
			for _, k := range []string{"sso_account_name", "account_name", "granted_sso_account_name"} {
				if v := p.Get(k).Text; v != "" {
					it.AccountName = v
					break
				}
			}
		}
		if r.Session == "valid" {
			it.SessionUntil = r.expires
		}
		items = append(items, it)
	}
	return items
}

// recordUse notes an interactive use of profile for the picker's order.
func recordUse(s *term.Streams, profile string) {
	if profile == "" || !s.StderrTTY {
		return
	}
	if path, err := picker.HistoryPath(s.Getenv); err == nil {
		h, _ := picker.LoadHistory(path)
		_ = h.Record(profile, time.Now())
	}
}
