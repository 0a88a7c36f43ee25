package chain

import "github.com/assume-cli/assume/internal/awsconfig"

// Kind names the kind of a credential step.
type Kind string

// The kinds of step a plan can contain. Steps[0] of a plan is always a base
// step (anything but KindAssumeRole); every later step is KindAssumeRole.
const (
	KindStatic      Kind = "static"            // long-lived (or session) keys from a profile
	KindAssumeRole  Kind = "assume_role"       // sts:AssumeRole with the previous step's credentials
	KindWebIdentity Kind = "web_identity"      // sts:AssumeRoleWithWebIdentity
	KindNamedSource Kind = "credential_source" // Environment, Ec2InstanceMetadata, EcsContainer
	KindProcess     Kind = "credential_process"
	KindSSO         Kind = "sso"   // IAM Identity Center (run by creds through internal/sso)
	KindLogin       Kind = "login" // an `aws login` session (login_session; run by creds through internal/login)
)

// Step is one link of a credential chain. Only the fields that belong to its
// Kind are set; every value carries its file and line.
type Step struct {
	Kind    Kind   `json:"kind"`
	Profile string `json:"profile"` // the profile this step was read from

	// KindStatic
	AccessKeyID     awsconfig.Value `json:"access_key_id,omitzero"`
	SecretAccessKey awsconfig.Value `json:"-"` // never serialised
	SessionToken    awsconfig.Value `json:"-"` // never serialised
	AccountID       awsconfig.Value `json:"account_id,omitzero"`

	// KindAssumeRole and KindWebIdentity
	RoleARN         awsconfig.Value `json:"role_arn,omitzero"`
	RoleSessionName awsconfig.Value `json:"role_session_name,omitzero"`
	DurationSeconds awsconfig.Value `json:"duration_seconds,omitzero"`
	// KindAssumeRole only
	ExternalID     awsconfig.Value `json:"external_id,omitzero"`
	MFASerial      awsconfig.Value `json:"mfa_serial,omitzero"`
	SourceIdentity awsconfig.Value `json:"source_identity,omitzero"`
	// How the MFA code is obtained (KindAssumeRole with MFASerial): a
	// command that prints it, a prompt kind (one of MFAPrompts), the
	// YubiKey OATH account. They do not change the credentials, so the
	// cache key leaves them out.
	MFAProcess   awsconfig.Value `json:"mfa_process,omitzero"`
	MFAPrompt    awsconfig.Value `json:"mfa_prompt,omitzero"`
	YkmanAccount awsconfig.Value `json:"ykman_oath_account,omitzero"`
	// KindWebIdentity
	WebIdentityTokenFile awsconfig.Value `json:"web_identity_token_file,omitzero"`

	// KindNamedSource
	CredentialSource awsconfig.Value `json:"credential_source,omitzero"`

	// KindProcess
	CredentialProcess awsconfig.Value `json:"credential_process,omitzero"`

	// KindSSO
	SSOSession            awsconfig.Value `json:"sso_session,omitzero"`
	SSOStartURL           awsconfig.Value `json:"sso_start_url,omitzero"`
	SSORegion             awsconfig.Value `json:"sso_region,omitzero"`
	SSOAccountID          awsconfig.Value `json:"sso_account_id,omitzero"`
	SSORoleName           awsconfig.Value `json:"sso_role_name,omitzero"`
	SSORegistrationScopes awsconfig.Value `json:"sso_registration_scopes,omitzero"`

	// KindLogin: the principal ARN of the `aws login` session
	LoginSession awsconfig.Value `json:"login_session,omitzero"`
}

// Plan is a profile resolved into the ordered steps that produce its
// credentials. It is pure data: running it is the creds package's job.
type Plan struct {
	Profile string          `json:"profile"`
	Region  awsconfig.Value `json:"region"` // the profile's region, else its sources'; unset when none
	Steps   []Step          `json:"steps"`
}
