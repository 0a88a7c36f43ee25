package commands

import (
	"fmt"

	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/flags"
)

// The flags, declared once each. A flag that means something else in
// another command (init's --auto-refresh, creds add's --force) is a flag of
// its own.
var (
	Help    = flags.Spec{Long: "help", Short: "h", Usage: "this help"}
	Version = flags.Spec{Long: "version", Short: "v", Usage: "the version"}
	JSON    = flags.Spec{Long: "json", Usage: "machine-readable output"}
	Debug   = flags.Spec{Long: "debug", Usage: "log what happens to stderr (secrets are never logged)"}

	Profile  = flags.Spec{Long: "profile", Short: "p", Value: "NAME", Usage: "the profile (instead of the positional PROFILE)", Complete: flags.CompleteProfiles}
	Region   = flags.Spec{Long: "region", Short: "r", Value: "REGION", Usage: "the region (default: the profile's, else AWS_REGION, else the\ndefault_region setting, us-east-1 unless set)"}
	Duration = flags.Spec{Long: "duration", Short: "d", Value: "D", Usage: "session duration, e.g. 1h, 90m, 3600 (default: the profile's, else 1h;\nwith -c: the console session, 15m to 12h)"}
	MFAToken = flags.Spec{Long: "mfa-token", Value: "CODE", Usage: "the MFA code, for scripts (default: ask on the terminal)"}
	// MFAPrompt's values are chain.MFAPrompts (the front end checks them).
	MFAPrompt = flags.Spec{Long: "mfa-prompt", Value: "HOW", Usage: "how to ask for an MFA code: terminal, ykman (a YubiKey), osascript,\nzenity, kdialog or powershell (a dialog); default: the profile's mfa_prompt,\nelse ASSUME_MFA_PROMPT, else the mfa_prompt setting, else terminal"}
	Refresh   = flags.Spec{Long: "refresh", Usage: "ignore cached credentials and get new ones"}

	Exec        = flags.Spec{Long: "exec", Usage: "run the command after -- with the credentials: through a local\ncredentials endpoint that refreshes them (long-lived keys: in its environment)"}
	Static      = flags.Spec{Long: "static", Usage: "with --exec: plain keys in the command's environment, no endpoint"}
	Print       = flags.Spec{Long: "print", Value: "FORMAT", Usage: "write sh, fish, pwsh or json to stdout instead of using the shell function", Complete: flags.CompletePrint}
	Unset       = flags.Spec{Long: "unset", Usage: "clear the AWS variables in this shell"}
	AutoRefresh = flags.Spec{Long: "auto-refresh", Usage: "renew without prompting, quietly (the prompt hook of assume init --auto-refresh)"}

	Console     = flags.Spec{Long: "console", Short: "c", Usage: "open the AWS console instead (assume help console)"}
	Service     = flags.Spec{Long: "service", Short: "s", Value: "NAME", Usage: "with -c: the console service to land on (ec2, s3, lambda, ...)", Complete: flags.CompleteServices}
	Destination = flags.Spec{Long: "destination", Value: "PATH", Usage: "with -c: land on any console path or console URL"}
	URL         = flags.Spec{Long: "url", Usage: "with -c: print the sign-in URL instead of opening a browser"}
	Shell       = flags.Spec{Long: "shell", Usage: "with -c: also export the credentials into this shell"}

	Export  = flags.Spec{Long: "export", Usage: "write the credentials into ~/.aws/credentials (--as NAME, --force)"}
	As      = flags.Spec{Long: "as", Value: "NAME", Usage: "with --export: the profile name to write (default: the profile's)"}
	Force   = flags.Spec{Long: "force", Usage: "with --export: replace long-lived keys of that profile"}
	EnvFile = flags.Spec{Long: "env", Value: "FILE", Usage: "write the credentials as a dotenv file (0600)", Complete: flags.CompleteFiles}

	SSO          = flags.Spec{Long: "sso", Usage: "an IAM Identity Center role without a profile: with --sso-start-url,\n--sso-region, --account-id and --role-name"}
	SSOStartURL  = flags.Spec{Long: "sso-start-url", Value: "URL", Usage: "the IAM Identity Center start URL"}
	SSORegion    = flags.Spec{Long: "sso-region", Value: "REGION", Usage: "the IAM Identity Center region"}
	SSOAccountID = flags.Spec{Long: "account-id", Value: "ID", Usage: "with --sso: the account"}
	SSORoleName  = flags.Spec{Long: "role-name", Value: "NAME", Usage: "with --sso: the role (permission set)"}

	Addr = flags.Spec{Long: "addr", Value: "HOST:PORT", Usage: "listen here (default: a free loopback port)"}

	InitAutoRefresh = flags.Spec{Long: "auto-refresh", Usage: "also renew expiring credentials before each prompt"}
	NoCompletion    = flags.Spec{Long: "no-completion", Usage: "leave out the completion script"}
	Offline         = flags.Spec{Long: "offline", Usage: "skip the clock check (the only one that uses the network)"}

	CredsStdin = flags.Spec{Long: "stdin", Usage: "add: read the key id and the secret from two lines of stdin"}
	CredsForce = flags.Spec{Long: "force", Usage: "add: replace the credentials the profile has"}
	CredsYes   = flags.Spec{Long: "yes", Short: "y", Usage: "rm, export: do not ask for confirmation; import: redact old plaintext backups without asking"}

	SSOSession   = flags.Spec{Long: "sso-session", Value: "NAME", Usage: "the sso-session section to use", Complete: flags.CompleteSSOSessions}
	SSOProfile   = flags.Spec{Long: "profile", Short: "p", Value: "NAME", Usage: "the sso-session of this profile (default: AWS_PROFILE)", Complete: flags.CompleteProfiles}
	NoBrowser    = flags.Spec{Long: "no-browser", Usage: "login: the device code flow, no browser"}
	Prefix       = flags.Spec{Long: "prefix", Value: "P", Usage: "populate: prefix of the generated profile names"}
	NameTemplate = flags.Spec{Long: "name-template", Value: "T", Usage: "populate: profile name template ({account_name}, {role_name} ...)"}
	PopRegion    = flags.Spec{Long: "region", Short: "r", Value: "REGION", Usage: "populate: the region written into each generated profile"}
	Prune        = flags.Spec{Long: "prune", Usage: "populate: remove generated profiles that no longer exist"}
	DryRun       = flags.Spec{Long: "dry-run", Usage: "populate: show the changes without writing"}

	LoginProfile   = flags.Spec{Long: "profile", Short: "p", Value: "NAME", Usage: "the profile (default: AWS_PROFILE, else default)", Complete: flags.CompleteProfiles}
	LoginRegion    = flags.Spec{Long: "region", Short: "r", Value: "REGION", Usage: "the sign-in region (default: the profile's, else AWS_REGION)"}
	LoginRemote    = flags.Spec{Long: "remote", Usage: "sign in on any device: open the URL there, paste the code it shows"}
	LoginNoBrowser = flags.Spec{Long: "no-browser", Usage: "the same as --remote"}
	LogoutAll      = flags.Spec{Long: "all", Usage: "every aws login session in the cache"}

	EKSCluster    = flags.Spec{Long: "cluster", Value: "NAME", Usage: "the EKS cluster's name"}
	EKSProfile    = flags.Spec{Long: "profile", Short: "p", Value: "NAME", Usage: "the profile (default: AWS_PROFILE, else the keys in the environment)", Complete: flags.CompleteProfiles}
	EKSRoleARN    = flags.Spec{Long: "role-arn", Value: "ARN", Usage: "token: assume this role on top of the profile's credentials"}
	EKSAlias      = flags.Spec{Long: "alias", Value: "NAME", Usage: "kubeconfig: the context's name (default: the cluster's ARN)"}
	EKSKubeconfig = flags.Spec{Long: "kubeconfig", Value: "FILE", Usage: "kubeconfig: the file to edit (default: the first of $KUBECONFIG, else\n~/.kube/config)", Complete: flags.CompleteFiles}
	EKSAll        = flags.Spec{Long: "all", Usage: "kubeconfig: every cluster the profile can list in the region"}
	EKSDryRun     = flags.Spec{Long: "dry-run", Usage: "kubeconfig: print the change without writing"}
)

// Flag groups, each used by every command that takes it.
var (
	// CredentialFlags choose and shape the credentials of a profile.
	CredentialFlags = []flags.Spec{Profile, Region, Duration, MFAToken, MFAPrompt, Refresh, Debug}
	// AdHocSSOFlags name an IAM Identity Center role without a profile.
	AdHocSSOFlags = []flags.Spec{SSO, SSOStartURL, SSORegion, SSOAccountID, SSORoleName}
	// ConsoleFlags open the web console.
	ConsoleFlags = []flags.Spec{Console, Service, Destination, URL, Shell}
	// SSOTargetFlags choose the sso-session an `assume sso` command works on.
	SSOTargetFlags = []flags.Spec{SSOSession, SSOProfile, SSOStartURL, SSORegion}
)

// Credential holds the credential flag group.
type Credential struct {
	Profile, Region, Duration, MFAToken, MFAPrompt string
	Refresh, Debug                                 bool
}

// Bind binds the group's flags that fs declares.
func (c *Credential) Bind(fs *flags.FlagSet) {
	fs.BindString(&c.Profile, Profile.Long)
	fs.BindString(&c.Region, Region.Long)
	fs.BindString(&c.Duration, Duration.Long)
	fs.BindString(&c.MFAToken, MFAToken.Long)
	fs.BindString(&c.MFAPrompt, MFAPrompt.Long)
	fs.BindBool(&c.Refresh, Refresh.Long)
	fs.BindBool(&c.Debug, Debug.Long)
}

// TakeProfile takes the positional PROFILE of pos (at most one word) into
// c.Profile; it is an error next to a different --profile.
func (c *Credential) TakeProfile(pos []string) error {
	switch {
	case len(pos) == 0:
		return nil
	case len(pos) > 1:
		return usage("unexpected argument %q", pos[1])
	case c.Profile != "" && c.Profile != pos[0]:
		return usage("two profiles given: %q and --profile %q", pos[0], c.Profile)
	}
	c.Profile = pos[0]
	return nil
}

// AdHocSSO holds the ad-hoc IAM Identity Center flag group (assume --sso).
type AdHocSSO struct {
	SSO                                               bool
	SSOStartURL, SSORegion, SSOAccountID, SSORoleName string
}

// Bind binds the group's flags that fs declares.
func (a *AdHocSSO) Bind(fs *flags.FlagSet) {
	fs.BindBool(&a.SSO, SSO.Long)
	fs.BindString(&a.SSOStartURL, SSOStartURL.Long)
	fs.BindString(&a.SSORegion, SSORegion.Long)
	fs.BindString(&a.SSOAccountID, SSOAccountID.Long)
	fs.BindString(&a.SSORoleName, SSORoleName.Long)
}

// Check validates the group next to the profile the command was given:
// --sso names its role itself and takes no profile; the role flags go with
// --sso.
func (a *AdHocSSO) Check(profile string) error {
	switch {
	case a.SSO && profile != "":
		return usage("--sso takes no profile: it names the role with --sso-start-url, --sso-region, --account-id and --role-name")
	case !a.SSO && a.SSOStartURL+a.SSORegion+a.SSOAccountID+a.SSORoleName != "":
		return usage("--sso-start-url, --sso-region, --account-id and --role-name go with --sso")
	}
	return nil
}

// usage is a bad-invocation error (exit 2).
func usage(format string, a ...any) error {
	return exitcode.With(exitcode.Usage, fmt.Errorf(format, a...))
}
