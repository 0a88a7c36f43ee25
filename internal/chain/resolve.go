package chain

import (
	"fmt"
	"slices"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// Source is where profiles come from: *awsconfig.Files (the lazy lookups of
// the real files) or *awsconfig.ProfileSet (parsed or built in memory).
type Source interface {
	// Profile returns the merged profile; found is false when it does not exist.
	Profile(name string) (p *awsconfig.Profile, found bool, err error)
	// SSOSession returns the [sso-session NAME] section.
	SSOSession(name string) (s *awsconfig.SSOSession, found bool, err error)
	// ProfileNames lists every profile, for suggestions.
	ProfileNames() []string
}

// Both lookups of the awsconfig package are Sources.
var (
	_ Source = (*awsconfig.Files)(nil)
	_ Source = (*awsconfig.ProfileSet)(nil)
)

// The keys the chain reads.
const (
	keyRegion            = "region"
	keyAccessKeyID       = "aws_access_key_id"
	keySecretAccessKey   = "aws_secret_access_key"
	keySessionToken      = "aws_session_token"
	keyAccountID         = "aws_account_id"
	keyRoleARN           = "role_arn"
	keySourceProfile     = "source_profile"
	keyCredentialSource  = "credential_source"
	keyRoleSessionName   = "role_session_name"
	keyDurationSeconds   = "duration_seconds"
	keyExternalID        = "external_id"
	keyMFASerial         = "mfa_serial"
	keySourceIdentity    = "source_identity"
	keyWebIdentityToken  = "web_identity_token_file"
	keyCredentialProcess = "credential_process"
	keySSOSession        = "sso_session"
	keySSOStartURL       = "sso_start_url"
	keySSORegion         = "sso_region"
	keySSOAccountID      = "sso_account_id"
	keySSORoleName       = "sso_role_name"
	keySSOScopes         = "sso_registration_scopes"
	keyLoginSession      = "login_session"
	keyMFAProcess        = "mfa_process"
	keyMFAPrompt         = "mfa_prompt"
	keyYkmanAccount      = "ykman_oath_account"
	keyYkmanAccountX     = "x_assume_ykman_account"
)

// Resolve turns the named profile into a validated Plan. Errors are typed:
// *NotFoundError, *MissingProfileError, *LoopError, *PartialKeysError and
// *ConfigError, or a wrapped *awsconfig.SyntaxError from the files.
func Resolve(src Source, profile string) (*Plan, error) {
	return new(Resolver).Resolve(src, profile)
}

// A Resolver resolves profile after profile into one Plan and scratch space
// it reuses, for a listing of thousands of profiles (a Step is large; a
// fresh plan per profile was most of the allocations of `assume ls`). It is
// not safe for concurrent use.
type Resolver struct {
	plan    Plan
	roles   []Step
	visited []string
}

// Resolve is the package's Resolve, except that the plan it returns is
// only valid until the next call.
func (r *Resolver) Resolve(src Source, profile string) (*Plan, error) {
	plan, err := r.build(src, profile)
	if err != nil {
		return nil, err
	}
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	return plan, nil
}

// build follows the specification's rules and nothing more: the conformance
// suite's plans come from here (its example ARNs would not pass Validate).
func build(src Source, name string) (*Plan, error) {
	return new(Resolver).build(src, name)
}

func (r *Resolver) build(src Source, name string) (*Plan, error) {
	r.plan = Plan{Profile: name, Steps: r.plan.Steps[:0]}
	plan := &r.plan
	var (
		visited = r.visited[:0]
		roles   = r.roles[:0] // outermost (the selected profile's) first
		base    Step
		ref     awsconfig.Value // the source_profile value that led to cur
	)
	defer func() { r.visited, r.roles = visited, roles }()
	for cur := name; ; {
		p, found, err := src.Profile(cur)
		if err != nil {
			return nil, fmt.Errorf("reading profile %q: %w", cur, err)
		}
		if !found {
			if len(visited) == 0 {
				return nil, &NotFoundError{Name: name, Suggestions: suggest(name, src.ProfileNames())}
			}
			return nil, &MissingProfileError{Name: cur, ReferencedFrom: visited[len(visited)-1], Value: ref}
		}
		if slices.Contains(visited, cur) {
			return nil, &LoopError{Path: append(slices.Clone(visited), cur)}
		}
		visited = append(visited, cur)
		if !plan.Region.Set {
			plan.Region = p.Get(keyRegion)
		}
		// A source profile's own static keys end the chain.
		if len(visited) > 1 && hasKeys(p) {
			if base, err = staticStep(p); err != nil {
				return nil, err
			}
			break
		}
		roleARN := p.Get(keyRoleARN)
		if !roleARN.Set || p.Get(keyWebIdentityToken).Set {
			if base, err = baseStep(src, p); err != nil {
				return nil, err
			}
			break
		}
		source, credSource := p.Get(keySourceProfile), p.Get(keyCredentialSource)
		switch {
		case source.Set && credSource.Set:
			return nil, &ConfigError{Profile: p.Name, Key: keyCredentialSource, Value: credSource, Section: p.Header,
				Msg: "both source_profile and credential_source are set; keep only one"}
		case !source.Set && !credSource.Set:
			return nil, &ConfigError{Profile: p.Name, Key: keyRoleARN, Value: roleARN, Section: p.Header,
				Msg: "role_arn needs source_profile, credential_source or web_identity_token_file to say which credentials assume the role"}
		}
		roles = append(roles, Step{
			Kind:            KindAssumeRole,
			Profile:         p.Name,
			RoleARN:         roleARN,
			RoleSessionName: p.Get(keyRoleSessionName),
			DurationSeconds: p.Get(keyDurationSeconds),
			ExternalID:      p.Get(keyExternalID),
			MFASerial:       p.Get(keyMFASerial),
			SourceIdentity:  p.Get(keySourceIdentity),
			MFAProcess:      p.Get(keyMFAProcess),
			MFAPrompt:       p.Get(keyMFAPrompt),
			YkmanAccount:    firstSet(p.Get(keyYkmanAccount), p.Get(keyYkmanAccountX)),
		})
		if credSource.Set {
			base = Step{Kind: KindNamedSource, Profile: p.Name, CredentialSource: credSource}
			break
		}
		if source.Text == cur {
			// Self reference: the profile's own credentials assume its role.
			if base, err = baseStep(src, p); err != nil {
				return nil, err
			}
			break
		}
		cur, ref = source.Text, source
	}
	if cap(plan.Steps) < 1+len(roles) {
		// Exactly sized: a Step is large, and growing the slice copies it.
		plan.Steps = make([]Step, 0, 1+len(roles))
	}
	plan.Steps = append(plan.Steps, base)
	for i := len(roles) - 1; i >= 0; i-- {
		plan.Steps = append(plan.Steps, roles[i])
	}
	return plan, nil
}

// firstSet returns the first value that is set.
func firstSet(vs ...awsconfig.Value) awsconfig.Value {
	for _, v := range vs {
		if v.Set {
			return v
		}
	}
	return awsconfig.Value{}
}

// present reports whether a key is set to something.
func present(v awsconfig.Value) bool { return v.Set && v.Text != "" }

// hasKeys reports whether a profile has any static-key setting.
func hasKeys(p *awsconfig.Profile) bool {
	return present(p.Get(keyAccessKeyID)) || present(p.Get(keySecretAccessKey)) || present(p.Get(keySessionToken))
}

func staticStep(p *awsconfig.Profile) (Step, error) {
	id, secret, token := p.Get(keyAccessKeyID), p.Get(keySecretAccessKey), p.Get(keySessionToken)
	switch {
	case !present(id) && present(secret):
		return Step{}, &PartialKeysError{Profile: p.Name, Missing: keyAccessKeyID, Present: keySecretAccessKey, Value: secret}
	case !present(id):
		return Step{}, &PartialKeysError{Profile: p.Name, Missing: keyAccessKeyID, Present: keySessionToken, Value: token}
	case !present(secret):
		return Step{}, &PartialKeysError{Profile: p.Name, Missing: keySecretAccessKey, Present: keyAccessKeyID, Value: id}
	}
	if !present(token) {
		token = awsconfig.Value{}
	}
	return Step{Kind: KindStatic, Profile: p.Name, AccessKeyID: id, SecretAccessKey: secret, SessionToken: token,
		AccountID: p.Get(keyAccountID)}, nil
}

// baseStep finds the credentials a profile provides by itself. When several
// are configured the first wins, in the order of the cross-SDK profile
// resolution (smithy-rs aws-config) and botocore: credential_source, web
// identity, SSO, login_session (`aws login`; botocore and the Go SDK both
// take it before credential_process), credential_process, static keys. (The Go SDK v2 takes
// static keys first; doctor warns about such profiles.)
func baseStep(src Source, p *awsconfig.Profile) (Step, error) {
	if v := p.Get(keyCredentialSource); v.Set {
		return Step{Kind: KindNamedSource, Profile: p.Name, CredentialSource: v}, nil
	}
	if tok := p.Get(keyWebIdentityToken); tok.Set {
		role := p.Get(keyRoleARN)
		if !role.Set {
			return Step{}, &ConfigError{Profile: p.Name, Key: keyWebIdentityToken, Value: tok, Section: p.Header,
				Msg: "web_identity_token_file is set but role_arn is missing"}
		}
		return Step{Kind: KindWebIdentity, Profile: p.Name, RoleARN: role, WebIdentityTokenFile: tok,
			RoleSessionName: p.Get(keyRoleSessionName), DurationSeconds: p.Get(keyDurationSeconds)}, nil
	}
	if isGrantedSSO(p) {
		return grantedSSOStep(src, p)
	}
	for _, k := range []string{keySSOSession, keySSOStartURL, keySSORegion, keySSOAccountID, keySSORoleName} {
		if p.Get(k).Set {
			return ssoStep(src, p)
		}
	}
	if v := p.Get(keyLoginSession); v.Set {
		return Step{Kind: KindLogin, Profile: p.Name, LoginSession: v}, nil
	}
	if v := p.Get(keyCredentialProcess); v.Set {
		if IsStoredProcess(v.Text, p.Name) {
			return Step{Kind: KindStored, Profile: p.Name, CredentialProcess: v}, nil
		}
		return Step{Kind: KindProcess, Profile: p.Name, CredentialProcess: v, AccountID: p.Get(keyAccountID)}, nil
	}
	if hasKeys(p) {
		return staticStep(p)
	}
	return Step{}, &ConfigError{Profile: p.Name, Section: p.Header,
		Msg: "no credentials configured: set aws_access_key_id and aws_secret_access_key, role_arn with source_profile " +
			"or credential_source, web_identity_token_file, sso_session or sso_start_url, login_session (assume login), or credential_process"}
}

// ssoStep reads an IAM Identity Center profile, new style (sso_session
// naming an [sso-session] that holds the start URL and region) or legacy
// (everything in the profile).
func ssoStep(src Source, p *awsconfig.Profile) (Step, error) {
	cfgErr := func(key string, v awsconfig.Value, msg string) (Step, error) {
		return Step{}, &ConfigError{Profile: p.Name, Key: key, Value: v, Section: p.Header, Msg: msg}
	}
	account, role := p.Get(keySSOAccountID), p.Get(keySSORoleName)
	switch {
	case role.Set && !account.Set:
		return cfgErr(keySSORoleName, role, "sso_role_name is set, so sso_account_id must be set too")
	case account.Set && !role.Set:
		return cfgErr(keySSOAccountID, account, "sso_account_id is set, so sso_role_name must be set too")
	}
	step := Step{Kind: KindSSO, Profile: p.Name, SSOAccountID: account, SSORoleName: role}
	url, region := p.Get(keySSOStartURL), p.Get(keySSORegion)
	sess := p.Get(keySSOSession)
	if !sess.Set {
		if !url.Set {
			return cfgErr(keySSOStartURL, url, "sso_start_url is missing (or set sso_session to use an [sso-session] section)")
		}
		if !region.Set {
			return cfgErr(keySSORegion, region, "sso_region is missing (or set sso_session to use an [sso-session] section)")
		}
		step.SSOStartURL, step.SSORegion = url, region
		return step, nil
	}
	s, found, err := src.SSOSession(sess.Text)
	if err != nil {
		return Step{}, fmt.Errorf("reading sso-session %q: %w", sess.Text, err)
	}
	if !found {
		return cfgErr(keySSOSession, sess, fmt.Sprintf("sso-session %q not found: the config file needs a [sso-session %s] section", sess.Text, sess.Text))
	}
	sURL, sRegion := s.Get(keySSOStartURL), s.Get(keySSORegion)
	if region.Set && region.Text != sRegion.Text {
		return cfgErr(keySSORegion, region, fmt.Sprintf("sso_region differs from the one in [sso-session %s]; with sso_session, set it only there", s.Name))
	}
	if url.Set && url.Text != sURL.Text {
		return cfgErr(keySSOStartURL, url, fmt.Sprintf("sso_start_url differs from the one in [sso-session %s]; with sso_session, set it only there", s.Name))
	}
	if !sURL.Set {
		return cfgErr(keySSOSession, sess, fmt.Sprintf("[sso-session %s] (%s) has no sso_start_url", s.Name, s.Header.Where()))
	}
	if !sRegion.Set {
		return cfgErr(keySSOSession, sess, fmt.Sprintf("[sso-session %s] (%s) has no sso_region", s.Name, s.Header.Where()))
	}
	step.SSOSession, step.SSOStartURL, step.SSORegion = sess, sURL, sRegion
	step.SSORegistrationScopes = s.Get(keySSOScopes)
	return step, nil
}
