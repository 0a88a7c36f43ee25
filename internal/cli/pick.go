package cli

import (
	"errors"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/picker"
)

// pickProfile opens the full-screen picker on the terminal and returns the
// chosen profile and whether the console key was used. Esc and Ctrl-C
// return a silent exit that changes nothing.
func pickProfile(s *invocation) (profile string, console bool, err error) {
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
	items := pickerItems(set, openCache(s), time.Now())
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

// pickerItems turns the profiles into picker rows from their own keys,
// without resolving each profile (a 10,000-profile config must open in a
// few tens of milliseconds). Cached sessions come from the cache's own
// list: only the profiles that have one are resolved, to check that the
// session still matches the profile's current settings.
func pickerItems(set *awsconfig.ProfileSet, c *cache.Cache, now time.Time) []picker.Item {
	names := set.ProfileNames()
	items := make([]picker.Item, 0, len(names))
	for _, name := range names {
		p, ok := set.Profiles[name]
		if !ok {
			items = append(items, picker.Item{Profile: name})
			continue
		}
		it := picker.Item{Profile: name, Kind: rawKind(p), SSOSession: p.Get("sso_session").Text, Region: rawRegion(set, p)}
		if arn := p.Get("role_arn").Text; arn != "" {
			it.Account, it.Role = splitRoleARN(arn)
		} else if acct := firstSet(p, "sso_account_id", "granted_sso_account_id"); acct != "" {
			it.Account, it.Role = acct, firstSet(p, "sso_role_name", "granted_sso_role_name")
		} else {
			it.Account = p.Get("aws_account_id").Text
		}
		it.AccountName = firstSet(p, "sso_account_name", "account_name", "granted_sso_account_name")
		items = append(items, it)
	}
	if c == nil {
		return items
	}
	sessions, err := c.Sessions()
	if err != nil || len(sessions) == 0 {
		return items
	}
	index := make(map[string]int, len(items))
	for i, it := range items {
		index[it.Profile] = i
	}
	for key, e := range sessions {
		i, ok := index[e.Profile]
		if !ok || !e.Expiration.After(now.Add(c.Margin())) {
			continue
		}
		if plan, err := chain.Resolve(set, e.Profile); err == nil && plan.CacheKey() == key {
			if e.Expiration.After(items[i].SessionUntil) {
				items[i].SessionUntil = e.Expiration
			}
		}
	}
	return items
}

// firstSet returns the first of keys that p sets.
func firstSet(p *awsconfig.Profile, keys ...string) string {
	for _, k := range keys {
		if v := p.Get(k).Text; v != "" {
			return v
		}
	}
	return ""
}

// rawKind names what kind of profile p is from its own keys (as ls does
// after resolving it).
func rawKind(p *awsconfig.Profile) string {
	switch {
	case p.Get("role_arn").Set && p.Get("web_identity_token_file").Set:
		return "web-identity"
	case p.Get("role_arn").Set:
		return "role"
	case p.Get("aws_access_key_id").Set:
		return "keys"
	case p.Get("sso_session").Set, p.Get("sso_account_id").Set, p.Get("granted_sso_account_id").Set:
		return "sso"
	case p.Get("credential_process").Set:
		if chain.IsStoredProcess(p.Get("credential_process").Text, p.Name) {
			return "keychain"
		}
		return "process"
	case p.Get("credential_source").Set:
		return "source"
	}
	return ""
}

// rawRegion is the profile's region, else the first one up its
// source_profile chain.
func rawRegion(set *awsconfig.ProfileSet, p *awsconfig.Profile) string {
	for range 16 {
		if r := p.Get("region").Text; r != "" {
			return r
		}
		src := p.Get("source_profile").Text
		if src == "" || src == p.Name {
			return ""
		}
		q, ok := set.Profiles[src]
		if !ok {
			return ""
		}
		p = q
	}
	return ""
}

// recordUse notes an interactive use of profile for the picker's order.
func recordUse(s *invocation, profile string) {
	if profile == "" || !s.StderrTTY {
		return
	}
	if path, err := picker.HistoryPath(s.Getenv); err == nil {
		h, _ := picker.LoadHistory(path)
		_ = h.Record(profile, time.Now())
	}
}
