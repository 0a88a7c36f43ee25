package commands

import "github.com/assume-cli/assume/internal/flags"

var helpOnly = []flags.Spec{Help}

// Main is `assume PROFILE`.
var Main = Command{
	Usage: []string{"PROFILE [flags]"},
	Flags: [][]flags.Spec{
		CredentialFlags,
		{Exec, Static, Print, Unset, AutoRefresh},
		ConsoleFlags,
		{Export, As, Force, EnvFile},
		AdHocSSOFlags,
		{Help, Version},
	},
	Examples: []string{
		`eval "$(assume init zsh)"       # once, in ~/.zshrc`,
		"assume prod-admin               # credentials for prod-admin in this shell",
		"assume prod-admin -r eu-west-1  # ... exported with another region",
		"assume prod -c -s lambda        # Lambda in the prod console, in prod's own browser profile",
		"assume ci --mfa-token 123456 --exec -- terraform plan",
		"assume prod --exec -- terraform apply  # runs for hours: the credentials are renewed under it",
	},
	ArgKind: flags.CompleteProfiles,
}

// All lists the commands, in the order of the command list and the man
// page.
var All = []Command{
	{
		Name:    "init",
		Summary: "print the shell function to put in your shell's rc file",
		Usage:   []string{"init bash|zsh|fish|pwsh|nu [--auto-refresh] [--no-completion]"},
		About: "Prints the shell function that lets assume set variables in the current shell. Put it in the\n" +
			"shell's rc file. The function passes stdin, stdout and stderr through untouched and applies\n" +
			"the credentials only when assume succeeds. With --auto-refresh (bash, zsh, fish) a prompt hook\n" +
			"also renews credentials that are about to expire. The shell's completion for assume comes with\n" +
			"it (zsh: after compinit), unless --no-completion.",
		Flags: [][]flags.Spec{{InitAutoRefresh, NoCompletion, Help}},
		Examples: []string{
			`eval "$(assume init zsh)"            # in ~/.zshrc`,
			`eval "$(assume init bash --auto-refresh)"`,
			`assume init fish | source            # in ~/.config/fish/config.fish`,
		},
		Args: []string{"bash", "zsh", "fish", "pwsh", "nu"},
	},
	{
		Name:    "explain",
		Summary: "show how a profile resolves into a credential chain, value by value",
		Usage:   []string{"explain PROFILE [--json]"},
		About: "Shows how PROFILE resolves into a chain of credential steps, value by value, with the file and\n" +
			"line each value comes from. The --json output is stable (docs/explain.md).",
		Flags:    [][]flags.Spec{{JSON, Profile, Help}},
		Examples: []string{"assume explain prod-admin", "assume explain prod-admin --json | jq .steps"},
		ArgKind:  flags.CompleteProfiles,
	},
	{
		Name:     "whoami",
		Summary:  "show the AWS identity of this shell's credentials and the time left",
		Usage:    []string{"whoami [--json]"},
		About:    "Asks AWS (sts:GetCallerIdentity) whose credentials this shell holds and shows the time left.",
		Flags:    [][]flags.Spec{{JSON, Debug, Help}},
		Examples: []string{"assume whoami", "assume prod --exec -- assume whoami"},
	},
	{
		Name:    "credential-process",
		Summary: "serve a profile's credentials to AWS SDKs and the AWS CLI",
		Usage:   []string{"credential-process --profile PROFILE [-r REGION] [-d DURATION] [--refresh]"},
		About: "Prints PROFILE's credentials in the credential_process format (Version 1) so that AWS SDKs and\n" +
			"the AWS CLI can use assume's cache, MFA and SSO handling:\n" +
			"  [profile prod-via-assume]\n" +
			"  credential_process = assume credential-process --profile prod",
		Flags:    [][]flags.Spec{CredentialFlags, helpOnly},
		Examples: []string{"assume credential-process --profile prod"},
		ArgKind:  flags.CompleteProfiles,
	},
	{
		Name:    "serve",
		Summary: "serve a profile's credentials on a local endpoint that refreshes them",
		Usage:   []string{"serve PROFILE [--addr HOST:PORT] [--print sh|fish|pwsh|json]", "serve --sso --sso-start-url URL --sso-region R --account-id ID --role-name NAME"},
		About: "Serves PROFILE's credentials on a local container-credentials endpoint that renews them before\n" +
			"they expire, for IDEs and long jobs. Prints the variables that point SDKs at it, bearer token\n" +
			"included: stdout redirected to a file other users can read is made 0600 first (refused when\n" +
			"that is not possible).",
		Flags:    [][]flags.Spec{CredentialFlags, {Print, Addr}, AdHocSSOFlags, helpOnly},
		Examples: []string{"assume serve prod", "eval \"$(assume serve prod --print sh)\""},
		ArgKind:  flags.CompleteProfiles,
	},
	{
		Name:    "console",
		Summary: "open the AWS web console for a profile (or this shell's credentials)",
		Usage:   []string{"PROFILE -c [-s SERVICE | --destination PATH] [-r REGION] [-d DURATION] [--url] [--shell]", "console [PROFILE] [flags]"},
		About: "Opens the AWS web console signed in as the profile, in a browser profile of its own, so several\n" +
			"accounts stay signed in side by side. Without PROFILE, `assume console` uses the credentials of\n" +
			"this shell. Nothing is exported into the shell unless --shell is given (assume PROFILE -c only).\n" +
			"Access keys go through sts:GetFederationToken first (that session cannot call IAM or STS and\n" +
			"carries no MFA).",
		Flags: [][]flags.Spec{ConsoleFlags, CredentialFlags, AdHocSSOFlags, helpOnly},
		Examples: []string{
			"assume prod -c -s lambda             # Lambda in prod, signed in",
			"assume prod -c --destination '/cloudwatch/home#logsV2:log-groups'",
			"assume console                       # the console for this shell's credentials",
			"assume prod -c --url | pbcopy        # the sign-in URL, for another browser",
		},
		ArgKind: flags.CompleteProfiles,
	},
	{
		Name:    "creds",
		Summary: "long-lived IAM user keys in the OS keychain: add, import, ls, rm, export, rotate",
		About: "Keeps IAM users' long-lived access keys in the OS keychain (macOS Keychain, Windows Credential\n" +
			"Manager, Secret Service, pass, or a passphrase-encrypted file) instead of ~/.aws/credentials.\n" +
			"import moves a profile's keys there and sets credential_process = assume credential-process\n" +
			"--profile PROFILE (lossless, atomic, backed up); add asks for them (not echoed); rotate creates a\n" +
			"new key through IAM, stores and verifies it, then deletes the old one; export writes them back in\n" +
			"plain text. Backups (.bak) never keep a secret an edit removed: its value reads REDACTED-by-assume;\n" +
			"import offers to redact plaintext backups of earlier versions. docs/keychain.md has the details;\n" +
			"ASSUME_KEYCHAIN or the keychain setting choose.",
		Flags:    [][]flags.Spec{helpOnly},
		Examples: []string{"assume creds import my-user", "assume creds rotate my-user", "assume creds ls --json"},
		Sub: []Command{
			{Name: "creds import", Summary: "move a profile's keys into the keychain", Usage: []string{"creds import PROFILE [--yes]"},
				Flags: [][]flags.Spec{{CredsYes, Help}}, ArgKind: flags.CompleteProfiles},
			{Name: "creds add", Summary: "store a profile's keys, asked on the terminal", Usage: []string{"creds add PROFILE [--stdin] [--force]"},
				Flags: [][]flags.Spec{{CredsStdin, CredsForce, Help}}, ArgKind: flags.CompleteProfiles},
			{Name: "creds ls", Aliases: []string{"list"}, Summary: "list the profiles whose keys are in the keychain", Usage: []string{"creds ls [--json]"},
				Flags: [][]flags.Spec{{flags.Spec{Long: "json", Usage: "ls: machine-readable output (never secrets)"}, Help}}},
			{Name: "creds rotate", Summary: "replace a profile's key through IAM", Usage: []string{"creds rotate PROFILE [--debug]"},
				Flags: [][]flags.Spec{{Debug, Help}}, ArgKind: flags.CompleteProfiles},
			{Name: "creds export", Summary: "write a profile's keys back in plain text", Usage: []string{"creds export PROFILE [--yes]"},
				Flags: [][]flags.Spec{{CredsYes, Help}}, ArgKind: flags.CompleteProfiles},
			{Name: "creds rm", Aliases: []string{"remove"}, Summary: "delete a profile's keys from the keychain", Usage: []string{"creds rm PROFILE [--yes]"},
				Flags: [][]flags.Spec{{CredsYes, Help}}, ArgKind: flags.CompleteProfiles},
		},
	},
	{
		Name:    "doctor",
		Summary: "check the AWS config, shell integration, keychain, clock and cached sessions",
		Usage:   []string{"doctor [--json] [--offline]"},
		About: "Checks the AWS config and credentials files (loops, missing profiles or sso-sessions, duplicate\n" +
			"sections or keys the AWS CLI rejects, quotes and inline comments SDKs read differently,\n" +
			"conflicting credential sources, plaintext keys), the shell integration, the keychain, the clock\n" +
			"against AWS and the cached sessions, and explains each problem with its file and line.\n" +
			"Exit status: 0 nothing to do (notes only), 1 warnings, 3 errors. docs/doctor.md lists the checks.",
		Flags:    [][]flags.Spec{{flags.Spec{Long: "json", Usage: "machine-readable findings"}, Offline, Help}},
		Examples: []string{"assume doctor", "assume doctor --json | jq '.findings[] | select(.severity==\"error\")'"},
	},
	{
		Name:    "ls",
		Summary: "list the profiles: kind, account, role, region, source, cached session",
		Usage:   []string{"ls [--json]"},
		About: "Lists every profile of the AWS config and credentials files, sorted by name: its kind,\n" +
			"account, role, region, source and whether a cached session exists. Nothing is sent to AWS.\n" +
			"\n" +
			"Columns (and --json fields; an unknown value is \"-\" in the table and absent from the JSON):\n" +
			"  name     the profile name\n" +
			"  kind     keys, keychain (assume creds), role, sso, login (aws login), process, web-identity, source\n" +
			"           (credential_source), or error when the profile does not resolve\n" +
			"  account  the account id: from role_arn, sso_account_id or aws_account_id\n" +
			"  role     the role name: from role_arn or sso_role_name\n" +
			"  region   the profile's region (or its source profile's)\n" +
			"  source   the profile's source_profile, sso_session or credential_source\n" +
			"  session  the cached session: \"valid until 15:04\" (JSON: \"valid\"), \"expired\", or \"-\"\n" +
			"JSON only:\n" +
			"  expires  when the cached session expires (RFC 3339, UTC)\n" +
			"  error    why the profile does not resolve (one line)",
		Flags:    [][]flags.Spec{{JSON, Help}},
		Examples: []string{"assume ls", "assume ls --json | jq -r '.[] | select(.kind == \"sso\") | .name'"},
	},
	{
		Name:    "completion",
		Summary: "print the completion script of a shell",
		Usage:   []string{"completion bash|zsh|fish|pwsh"},
		About: "Prints the completion script of a shell: commands, flags, profile names, sso-session names and\n" +
			"console service shortcuts.",
		Flags: [][]flags.Spec{helpOnly},
		Examples: []string{
			"assume completion bash > /etc/bash_completion.d/assume",
			"assume completion zsh > \"${fpath[1]}/_assume\"",
			"assume completion fish > ~/.config/fish/completions/assume.fish",
		},
		Args: []string{"bash", "zsh", "fish", "pwsh"},
	},
	{Name: "__complete"}, // hidden: called by the completion scripts
	{Name: "__man"},      // hidden: make man
	{
		Name:    "sso",
		Summary: "IAM Identity Center: login, logout, ls, populate",
		About: "IAM Identity Center. `login` signs in (browser, PKCE; device code without a browser) and shares\n" +
			"the token cache ~/.aws/sso/cache with the AWS CLI both ways. `logout` signs out and drops the\n" +
			"cached role credentials that came from the session. `ls` lists the accounts and roles.\n" +
			"`populate` writes one profile per account and role into a managed block of ~/.aws/config\n" +
			"(lossless, atomic, backed up); --prune removes profiles of roles that are gone.",
		Flags:    [][]flags.Spec{helpOnly},
		Examples: []string{"assume sso login --sso-session corp", "assume sso populate --sso-session corp --dry-run"},
		Sub: []Command{
			{Name: "sso login", Summary: "sign in to IAM Identity Center",
				Usage: []string{"sso login [--sso-session NAME | --profile P | --sso-start-url URL --sso-region R] [--no-browser]"},
				Flags: [][]flags.Spec{SSOTargetFlags, {NoBrowser, Debug, Help}}},
			{Name: "sso logout", Summary: "sign out and drop the session's cached role credentials",
				Usage: []string{"sso logout [--sso-session NAME | --profile P]"},
				Flags: [][]flags.Spec{SSOTargetFlags, {Debug, Help}}},
			{Name: "sso ls", Summary: "list the accounts and roles",
				Usage: []string{"sso ls [--sso-session NAME | --profile P] [--json]"},
				Flags: [][]flags.Spec{SSOTargetFlags, {flags.Spec{Long: "json", Usage: "ls: machine-readable output"}, Debug, Help}}},
			{Name: "sso populate", Summary: "write one profile per account and role into ~/.aws/config",
				Usage: []string{"sso populate --sso-session NAME [--prefix P] [--name-template T] [--region R] [--prune] [--dry-run]"},
				Flags: [][]flags.Spec{{SSOSession, Prefix, NameTemplate, PopRegion, Prune, DryRun, Debug, Help}}},
		},
	},
	{
		Name:    "login",
		Summary: "sign in with the AWS console (aws login): a login_session profile",
		Usage:   []string{"login [--profile P] [--region R] [--remote | --no-browser]"},
		About: "Signs in with your AWS console credentials, as `aws login` does: a browser sign-in\n" +
			"(authorization code + PKCE, the answer on 127.0.0.1 only; --remote: open the URL on any device\n" +
			"and paste the code it shows). The session is cached in ~/.aws/login/cache in the AWS CLI's format\n" +
			"(shared with aws both ways) and the profile gets login_session = ARN (and region). Its\n" +
			"credentials are then refreshed through the session, one process at a time, for up to 12 hours.",
		Flags:    [][]flags.Spec{{LoginProfile, LoginRegion, LoginRemote, LoginNoBrowser, Debug, Help}},
		Examples: []string{"assume login --profile web --region eu-west-1", "assume web"},
	},
	{
		Name:     "logout",
		Summary:  "end a profile's aws login session",
		Usage:    []string{"logout [--profile P | --all]"},
		About:    "Removes the profile's cached aws login session (--all: every one), as `aws logout` does.",
		Flags:    [][]flags.Spec{{LoginProfile, LogoutAll, Help}},
		Examples: []string{"assume logout --profile web"},
	},
	{
		Name:    "eks",
		Summary: "Kubernetes on EKS: kubectl's credential plugin (token) and kubeconfig entries",
		About: "Kubernetes on EKS. `token` prints an ExecCredential with an EKS bearer token for kubectl's\n" +
			"exec plugin, from the profile's credentials exactly as `assume P` gets them; tokens are cached\n" +
			"(encrypted) until a minute before the 14 minutes they are reported for, and a cached one costs\n" +
			"no AWS call. Without a terminal it never prompts: it says which command to run. `kubeconfig`\n" +
			"asks EKS for the cluster's endpoint and CA and writes the cluster, user and context into the\n" +
			"kubeconfig (lossless for the rest of the file, atomic, locked, backed up), with a user that runs\n" +
			"`assume eks token`.",
		Flags: [][]flags.Spec{helpOnly},
		Examples: []string{
			"assume eks kubeconfig --cluster prod --profile prod-admin",
			"assume eks kubeconfig --all --profile dev --region eu-west-1 --dry-run",
			"assume eks token --cluster prod --profile prod-admin   # what kubectl runs",
		},
		Sub: []Command{
			{Name: "eks token", Summary: "print an ExecCredential for kubectl (cached)",
				Usage: []string{"eks token --cluster NAME [--profile P] [--region R] [--role-arn ARN]"},
				Flags: [][]flags.Spec{{EKSCluster, EKSProfile, Region, EKSRoleARN, Debug, Help}}},
			{Name: "eks kubeconfig", Summary: "write a cluster's entries into the kubeconfig",
				Usage: []string{"eks kubeconfig (--cluster NAME | --all) --profile P [--region R] [--alias A] [--kubeconfig FILE] [--dry-run]"},
				Flags: [][]flags.Spec{{EKSCluster, EKSProfile, Region, EKSAlias, EKSKubeconfig, EKSAll, EKSDryRun, Debug, Help}}},
		},
	},
	{
		Name:    "settings",
		Summary: "show and change assume's settings: browser, keychain, cache margin, region ...",
		About: "Shows and changes assume's own settings (browser, keychain, cache, default region, picker\n" +
			"order, auto-refresh ...), kept in $XDG_CONFIG_HOME/assume/settings. docs/settings.md lists them.",
		Flags:    [][]flags.Spec{helpOnly},
		Examples: []string{"assume settings browser firefox", "assume settings set cache_margin 10m", "assume settings ls"},
		Sub: []Command{
			{Name: "settings ls", Aliases: []string{"list"}, Summary: "every setting with its value and source", Usage: []string{"settings ls [--json]"},
				Flags: [][]flags.Spec{{JSON, Help}}},
			{Name: "settings get", Summary: "one setting's value", Usage: []string{"settings get KEY"}},
			{Name: "settings set", Summary: "change a setting", Usage: []string{"settings set KEY VALUE"}},
			{Name: "settings unset", Summary: "back to the default", Usage: []string{"settings unset KEY"}},
			{Name: "settings browser", Summary: "show or choose the browser", Usage: []string{"settings browser [NAME]"}},
			{Name: "settings path", Summary: "where the settings file is", Usage: []string{"settings path"}},
		},
	},
	{
		Name:    "version",
		Summary: "print the version, commit, build date, Go version and platform",
		Usage:   []string{"version [--json]"},
		About: "Prints the version, the commit it was built from (and whether the tree had uncommitted\n" +
			"changes), the commit's date (release builds are reproducible, so this is not the time of the\n" +
			"build), the Go version and the platform. assume --version prints the first line only.",
		Flags:    [][]flags.Spec{{JSON, Help}},
		Examples: []string{"assume version", "assume version --json"},
	},
	{Name: "help", Summary: "show help (also: help exit-codes)"},
}
