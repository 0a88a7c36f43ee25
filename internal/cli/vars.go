package cli

import (
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/shell"
)

// resolved is a profile's credentials, ready to export.
type resolved struct {
	profile              string
	region               string
	awscreds.Credentials // Expiration is zero for long-lived keys
	fromCache            bool
	adhoc                string // ACCOUNT/ROLE of assume --sso (no profile)
}

// label names what is active, for messages.
func (r *resolved) label() string {
	if r.profile == "" {
		return r.adhoc
	}
	return r.profile
}

// exportedVars lists every variable assume sets. All of them are cleared
// before new values are set, so nothing stale survives a switch (e.g. a
// session token left over from a role when switching to an IAM user).
var exportedVars = []string{
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", // legacy name some tools still read before AWS_SESSION_TOKEN
	"AWS_PROFILE",
	"AWS_DEFAULT_PROFILE",
	"AWS_REGION",
	"AWS_DEFAULT_REGION",
	"AWS_SESSION_EXPIRATION",
	"AWS_CREDENTIAL_EXPIRATION",
	"AWS_ACCOUNT_ID",
}

// varSet is the ordered result: names to clear, then names to set.
type varSet struct {
	unset []string
	set   []kv
}

type kv struct{ k, v string }

// script is vs for the shell emitters.
func (vs varSet) script() shell.Script {
	sc := shell.Script{Unset: vs.unset, Set: make(map[string]string, len(vs.set))}
	for _, p := range vs.set {
		sc.Set[p.k] = p.v
	}
	return sc
}

// exportVars turns credentials into the variables to export.
func exportVars(r *resolved) varSet {
	vs := varSet{}
	set := map[string]bool{}
	add := func(k, v string) {
		vs.set = append(vs.set, kv{k, v})
		set[k] = true
	}
	add("AWS_ACCESS_KEY_ID", r.AccessKeyID)
	add("AWS_SECRET_ACCESS_KEY", r.SecretAccessKey)
	if r.SessionToken != "" {
		add("AWS_SESSION_TOKEN", r.SessionToken)
	}
	if r.profile != "" { // tools fail on an AWS_PROFILE that names no profile
		add("AWS_PROFILE", r.profile)
	}
	add("AWS_REGION", r.region)
	add("AWS_DEFAULT_REGION", r.region)
	if !r.Expiration.IsZero() {
		exp := r.Expiration.UTC().Format(time.RFC3339)
		add("AWS_SESSION_EXPIRATION", exp)
		add("AWS_CREDENTIAL_EXPIRATION", exp)
	}
	if chain.IsAccountID(r.AccountID) { // the SDKs' account-based endpoints read it
		add("AWS_ACCOUNT_ID", r.AccountID)
	}
	for _, k := range exportedVars {
		if !set[k] {
			vs.unset = append(vs.unset, k)
		}
	}
	return vs
}

// unsetAll clears every variable assume sets.
func unsetAll() varSet {
	return varSet{unset: append([]string(nil), exportedVars...)}
}

// environ returns base with every exported variable removed and vs applied.
func environ(base []string, vs varSet) []string {
	drop := map[string]bool{shell.EnvShell: true, shell.EnvOutputFD: true, shell.EnvOutputFile: true}
	for _, k := range exportedVars {
		drop[k] = true
	}
	out := make([]string, 0, len(base)+len(vs.set))
	for _, e := range harden.Scrub(base) {
		k, _, _ := strings.Cut(e, "=")
		if !drop[k] {
			out = append(out, e)
		}
	}
	for _, p := range vs.set {
		out = append(out, p.k+"="+p.v)
	}
	return out
}
