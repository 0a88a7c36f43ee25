package secretstore

import (
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/vault"
)

// ForgetSSOSessions deletes the cached sessions derived from an IAM
// Identity Center sign-in (assume sso logout): those of every profile of
// src whose plan has an SSO step with that start URL, roles chained on
// such a profile included. It looks in the file cache and, when the cache
// setting says so, the keychain; it returns how many it deleted.
func ForgetSSOSessions(o Options, src chain.Source, startURL string) (int, error) {
	var keys []string
	for _, name := range src.ProfileNames() {
		plan, err := chain.Resolve(src, name)
		if err != nil {
			continue
		}
		for _, st := range plan.Steps {
			if st.Kind == chain.KindSSO && st.SSOStartURL.Text == startURL {
				keys = append(keys, plan.CacheKey())
				break
			}
		}
	}
	if len(keys) == 0 {
		return 0, nil
	}
	var stores []vault.Store
	if st, err := vault.OpenDefault(o.Getenv); err == nil {
		stores = append(stores, st)
	} else {
		return 0, err
	}
	if o.settings().Cache() == "keychain" {
		st, err := Cache(o)
		if err != nil {
			return 0, err
		}
		stores = append(stores, st)
	}
	n := 0
	for _, st := range stores {
		c := cache.New(st)
		have, err := c.Sessions()
		if err != nil {
			return n, err
		}
		for _, k := range keys {
			if _, ok := have[k]; !ok {
				continue
			}
			if err := c.Forget(k); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
