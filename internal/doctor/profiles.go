package doctor

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

// The keys the profile checks read.
const (
	keyAccessKeyID       = "aws_access_key_id"
	keySecretAccessKey   = "aws_secret_access_key"
	keySessionToken      = "aws_session_token"
	keyRoleARN           = "role_arn"
	keySourceProfile     = "source_profile"
	keyCredentialSource  = "credential_source"
	keyCredentialProcess = "credential_process"
	keyWebIdentityToken  = "web_identity_token_file"
	keySSOSession        = "sso_session"
	keySSOStartURL       = "sso_start_url"
	keySSORegion         = "sso_region"
	keySSOAccountID      = "sso_account_id"
	keySSORoleName       = "sso_role_name"
	keyLoginSession      = "login_session"
)

// credentialKeys are the keys that make a profile a source of credentials.
// A profile with none of them (a [default] holding only a region) is not
// resolved: it is meant to get its credentials from elsewhere.
var credentialKeys = []string{
	keyAccessKeyID, keySecretAccessKey, keySessionToken, keyRoleARN, keySourceProfile, keyCredentialSource,
	keyCredentialProcess, keyWebIdentityToken, keySSOSession, keySSOStartURL, keySSOAccountID, keySSORoleName,
	keyLoginSession,
}

// ssoKeys are the keys that select IAM Identity Center.
var ssoKeys = []string{keySSOSession, keySSOStartURL, keySSOAccountID, keySSORoleName}

// finder collects findings located at awsconfig values.
type finder struct{ out []Finding }

func (f *finder) at(code string, sev Severity, v awsconfig.Value, profile, msg, hint string) {
	f.out = append(f.out, Finding{Code: code, Severity: sev, File: v.File, Line: v.Line, Profile: profile, Message: msg, Hint: hint})
}

// checkProfiles runs the checks that need the merged profiles: references,
// conflicting credential sources and everything chain.Resolve rejects.
func checkProfiles(set *awsconfig.ProfileSet, credentialsPath string) []Finding {
	f := &finder{}
	names := set.ProfileNames()
	for _, name := range names {
		p := set.Profiles[name]
		checkReferences(f, set, p)
		checkConflicts(f, set, p, credentialsPath)
	}
	// What chain.Resolve rejects, for every profile that configures
	// credentials. Problems already reported above for the same profile are
	// not reported twice; a loop is reported once, however many profiles
	// lead into it.
	loops := map[string]bool{}
	for _, name := range names {
		p := set.Profiles[name]
		if !slices.ContainsFunc(credentialKeys, func(k string) bool { return p.Get(k).Set }) {
			continue
		}
		_, err := chain.Resolve(set, name)
		var (
			loop    *chain.LoopError
			missing *chain.MissingProfileError
			partial *chain.PartialKeysError
			cfg     *chain.ConfigError
		)
		switch {
		case err == nil:
		case errors.As(err, &loop):
			reportLoop(f, set, loop.Path, loops)
		case errors.As(err, &missing):
			// reported by checkReferences
		case errors.As(err, &partial):
			f.at("partial-keys", Error, partial.Value, partial.Profile,
				fmt.Sprintf("%s is set but %s is missing", partial.Present, partial.Missing),
				"set both keys, or remove the one that is set")
		case errors.As(err, &cfg):
			at := cfg.Value
			if !at.Set || at.File == "" {
				at = cfg.Section
			}
			if slices.ContainsFunc(f.out, func(x Finding) bool {
				return x.Profile == cfg.Profile && (x.Severity == Error || x.Code == "source-without-role")
			}) {
				continue
			}
			f.at("invalid-config", Error, at, cfg.Profile, cfg.Msg, "")
		default:
			f.at("invalid-config", Error, p.Header, name, err.Error(), "")
		}
	}
	return dedupe(f.out)
}

// dedupe drops findings with the same code, place and profile as an
// earlier one (a problem in a source profile is met once per profile that
// uses it).
func dedupe(fs []Finding) []Finding {
	type key struct {
		code, file, profile string
		line                int
	}
	seen := map[key]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := key{f.Code, f.File, f.Profile, f.Line}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// reportLoop reports a source_profile cycle once, at the source_profile
// line of its alphabetically first member.
func reportLoop(f *finder, set *awsconfig.ProfileSet, path []string, seen map[string]bool) {
	last := path[len(path)-1]
	start := slices.Index(path, last)
	cycle := path[start : len(path)-1]
	if len(cycle) == 0 {
		return
	}
	first := 0
	for i, n := range cycle {
		if n < cycle[first] {
			first = i
		}
	}
	cycle = append(slices.Clone(cycle[first:]), cycle[:first]...)
	id := strings.Join(cycle, "\x00")
	if seen[id] {
		return
	}
	seen[id] = true
	shown := strings.Join(append(slices.Clone(cycle), cycle[0]), " -> ")
	at := awsconfig.Value{}
	if p := set.Profiles[cycle[0]]; p != nil {
		at = p.Get(keySourceProfile)
		if !at.Set {
			at = p.Header
		}
	}
	f.at("source-loop", Error, at, cycle[0], "source_profile loop "+shown,
		"end the chain at a profile with credentials of its own (static keys, sso_session, credential_process or credential_source)")
}

// checkReferences reports source_profile and sso_session values naming
// nothing.
func checkReferences(f *finder, set *awsconfig.ProfileSet, p *awsconfig.Profile) {
	if v := p.Get(keySourceProfile); v.Set && v.Text != p.Name {
		if _, ok := set.Profiles[v.Text]; !ok {
			hint := fmt.Sprintf("add a [profile %s] section, or point source_profile at an existing profile", v.Text)
			if s := suggest(set, v.Text); s != "" {
				hint = s + "\n" + hint
			}
			f.at("missing-profile", Error, v, p.Name, fmt.Sprintf("source_profile names profile %q, which does not exist", v.Text), hint)
		}
	}
	if v := p.Get(keySSOSession); v.Set {
		if _, ok := set.SSOSessions[v.Text]; !ok {
			hint := fmt.Sprintf("add a [sso-session %s] section with sso_start_url and sso_region to the config file", v.Text)
			if have := sortedKeys(set.SSOSessions); len(have) > 0 {
				if len(have) > 5 {
					have = append(have[:5], "…")
				}
				hint = "sessions defined: " + strings.Join(have, ", ") + "\n" + hint
			}
			f.at("missing-sso-session", Error, v, p.Name, fmt.Sprintf("sso_session names [sso-session %s], which does not exist", v.Text), hint)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// later returns the value that comes later in the files (the credentials
// file counts as later than the config file); conflicts are reported there.
func later(credentialsPath string, vs ...awsconfig.Value) awsconfig.Value {
	var best awsconfig.Value
	for _, v := range vs {
		switch {
		case !v.Set:
		case !best.Set, v.File == best.File && v.Line > best.Line, v.File != best.File && v.File == credentialsPath:
			best = v
		}
	}
	return best
}

// checkConflicts reports profiles that configure more than one source of
// credentials, where the AWS CLI and the SDKs pick differently or refuse.
func checkConflicts(f *finder, set *awsconfig.ProfileSet, p *awsconfig.Profile, credentialsPath string) {
	get := p.Get
	present := func(k string) bool { return get(k).Set && get(k).Text != "" }
	keys := present(keyAccessKeyID) || present(keySecretAccessKey)
	keyVal := get(keySecretAccessKey)
	if !keyVal.Set {
		keyVal = get(keyAccessKeyID)
	}
	var sso awsconfig.Value
	for _, k := range ssoKeys {
		if v := get(k); v.Set {
			sso = v
			break
		}
	}

	// Go refuses a profile with more than one of these; the AWS CLI picks one.
	var typed []string
	var typedVals []awsconfig.Value
	for _, k := range []string{keySourceProfile, keyCredentialSource, keyCredentialProcess, keyWebIdentityToken} {
		if v := get(k); v.Set {
			typed = append(typed, k)
			typedVals = append(typedVals, v)
		}
	}
	if len(typed) > 1 {
		both := "both"
		if len(typed) > 2 {
			both = "all"
		}
		f.at("conflicting-sources", Error, later(credentialsPath, typedVals...), p.Name,
			fmt.Sprintf("%s are %s set; the Go SDK refuses a profile with more than one of them, the AWS CLI uses one and ignores the rest", strings.Join(typed, " and "), both),
			"keep only one; move the other into a profile of its own and point source_profile at it")
	}

	switch role := get(keyRoleARN); {
	case role.Set && !get(keySourceProfile).Set && !get(keyCredentialSource).Set && !get(keyWebIdentityToken).Set:
		own := ""
		switch {
		case keys:
			own = "its own access keys"
		case get(keyCredentialProcess).Set:
			own = "its credential_process"
		case sso.Set:
			own = "its IAM Identity Center role"
		case get(keyLoginSession).Set:
			own = "its aws login session"
		}
		if own == "" {
			f.at("role-without-source", Error, role, p.Name,
				"role_arn is set but nothing says which credentials assume the role",
				"add source_profile = PROFILE or credential_source = Environment, Ec2InstanceMetadata or EcsContainer")
			break
		}
		hint := "to assume the role with " + own + ", move them into a profile of its own and set source_profile to it"
		if keys {
			hint = "to assume the role with " + own + ", add source_profile = " + p.Name + " (a profile may name itself)"
		}
		f.at("role-without-source", Error, role, p.Name,
			"role_arn has no source_profile or credential_source: the AWS CLI refuses the profile, the Go SDK assumes the role with "+own,
			hint)
	case !role.Set && get(keySourceProfile).Set && len(typed) == 1:
		f.at("source-without-role", Warning, get(keySourceProfile), p.Name,
			"source_profile is set but role_arn is not, so it is ignored",
			"add the role_arn to assume, or remove source_profile")
	}

	if keys && sso.Set {
		f.at("conflicting-sources", Warning, later(credentialsPath, keyVal, sso), p.Name,
			"the profile has both static keys and IAM Identity Center settings; assume and the AWS CLI use IAM Identity Center, the Go SDK the keys",
			"keep only one; put the other in a profile of its own")
	}
	// botocore reads credentials-file keys before credential_process and
	// config-file keys after it; Go always reads keys first; assume (as
	// smithy-rs) always runs the process.
	if v := get(keyCredentialProcess); keys && v.Set {
		msg := "the profile has both static keys and credential_process; assume and the AWS CLI run the process, the Go SDK uses the keys"
		if keyVal.File == credentialsPath {
			msg = "the profile has both static keys (in the credentials file) and credential_process; assume runs the process, the AWS CLI and the Go SDK use the keys"
		}
		f.at("conflicting-sources", Warning, later(credentialsPath, keyVal, v), p.Name, msg,
			"keep only one; put the other in a profile of its own")
	}
	if v := get(keyCredentialProcess); sso.Set && v.Set {
		f.at("conflicting-sources", Warning, later(credentialsPath, sso, v), p.Name,
			"the profile has both IAM Identity Center settings and credential_process; the SDKs use IAM Identity Center and ignore the process",
			"keep only one; put the other in a profile of its own")
	}

	// login_session: the Go SDK reads keys first, then SSO, then the login
	// session, then the process; assume takes SSO, then the login session.
	if v := get(keyLoginSession); v.Set {
		switch {
		case sso.Set:
			f.at("conflicting-sources", Warning, later(credentialsPath, sso, v), p.Name,
				"the profile has both IAM Identity Center settings and login_session; assume and the SDKs use IAM Identity Center and ignore the aws login session",
				"keep only one; put the other in a profile of its own")
		case keys:
			f.at("conflicting-sources", Warning, later(credentialsPath, keyVal, v), p.Name,
				"the profile has both static keys and login_session; assume uses the aws login session, the Go SDK the keys",
				"keep only one; put the other in a profile of its own")
		case get(keyCredentialProcess).Set:
			f.at("conflicting-sources", Warning, later(credentialsPath, v, get(keyCredentialProcess)), p.Name,
				"the profile has both login_session and credential_process; assume and the SDKs use the aws login session and ignore the process",
				"keep only one; put the other in a profile of its own")
		}
	}

	// sso_session with legacy values that disagree with the session's.
	if v := get(keySSOSession); v.Set {
		if s, ok := set.SSOSessions[v.Text]; ok {
			for _, k := range []string{keySSOStartURL, keySSORegion} {
				pv, sv := get(k), s.Get(k)
				if pv.Set && pv.Text != sv.Text {
					f.at("conflicting-sources", Error, pv, p.Name,
						fmt.Sprintf("%s differs from the one in [sso-session %s] (%s); every SDK refuses the profile", k, s.Name, s.Header.Where()),
						fmt.Sprintf("remove %s from the profile: with sso_session it belongs in [sso-session %s] only", k, s.Name))
				}
			}
		}
	}
}
