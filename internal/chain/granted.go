package chain

import (
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// Keys of profiles written by Granted (granted sso populate/generate). They
// use granted_ instead of sso_ so that the AWS CLI does not treat the
// profile as SSO, and pair them with `credential_process = granted
// credential-process --profile NAME`. assume reads them as the SSO profile
// they describe, so such profiles work without Granted installed.
const (
	keyGrantedStartURL = "granted_sso_start_url"
	keyGrantedRegion   = "granted_sso_region"
	keyGrantedAccount  = "granted_sso_account_id"
	keyGrantedRole     = "granted_sso_role_name"
	keyGrantedScopes   = "granted_sso_registration_scopes"
)

// isGrantedSSO reports a Granted SSO profile.
func isGrantedSSO(p *awsconfig.Profile) bool {
	return p.Get(keyGrantedAccount).Set || p.Get(keyGrantedRole).Set || p.Get(keyGrantedStartURL).Set
}

// grantedSSOStep reads a Granted SSO profile as an SSO step: the granted_
// keys stand for the sso_ ones; the start URL and region may also come
// from sso_session, as Granted allows.
func grantedSSOStep(src Source, p *awsconfig.Profile) (Step, error) {
	view := &awsconfig.Profile{Name: p.Name, Header: p.Header, Properties: awsconfig.Properties{}}
	for k, v := range p.Properties {
		view.Properties[k] = v
	}
	for from, to := range map[string]string{
		keyGrantedStartURL: keySSOStartURL,
		keyGrantedRegion:   keySSORegion,
		keyGrantedAccount:  keySSOAccountID,
		keyGrantedRole:     keySSORoleName,
	} {
		if v := p.Get(from); v.Set {
			if to == keySSOStartURL {
				v.Text = strings.TrimRight(v.Text, "/") // Granted trims it too
			}
			view.Properties[to] = v
		}
	}
	step, err := ssoStep(src, view)
	if err != nil {
		return Step{}, err
	}
	if v := p.Get(keyGrantedScopes); v.Set && !step.SSORegistrationScopes.Set {
		step.SSORegistrationScopes = v
	}
	return step, nil
}
