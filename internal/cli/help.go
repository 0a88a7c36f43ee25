package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/assume-cli/assume/internal/console"
)

// commandHelp is the help of one command. The same text feeds
// `assume CMD --help`, `assume help CMD` and the man page (assume __man).
type commandHelp struct {
	name     string   // "sso login"
	usage    []string // lines after "Usage:", without the leading "assume "
	about    string   // one paragraph, wrapped by hand
	flags    [][2]string
	examples []string // command lines, each optionally followed by "  # comment"
}

// helpTopics lists the help of every command, in the order of the man page.
var helpTopics = []commandHelp{
	{
		name:  "init",
		usage: []string{"init bash|zsh|fish|pwsh|nu [--auto-refresh] [--no-completion]"},
		about: "Prints the shell function that lets assume set variables in the current shell. Put it in the\n" +
			"shell's rc file. The function passes stdin, stdout and stderr through untouched and applies\n" +
			"the credentials only when assume succeeds. With --auto-refresh (bash, zsh, fish) a prompt hook\n" +
			"also renews credentials that are about to expire. The shell's completion for assume comes with\n" +
			"it (zsh: after compinit), unless --no-completion.",
		flags: [][2]string{
			{"    --auto-refresh", "also renew expiring credentials before each prompt"},
			{"    --no-completion", "leave out the completion script"},
		},
		examples: []string{
			`eval "$(assume init zsh)"            # in ~/.zshrc`,
			`eval "$(assume init bash --auto-refresh)"`,
			`assume init fish | source            # in ~/.config/fish/config.fish`,
		},
	},
	{
		name:  "console",
		usage: []string{"PROFILE -c [-s SERVICE | --destination PATH] [-r REGION] [-d DURATION] [--url] [--shell]", "console [PROFILE] [flags]"},
		about: "Opens the AWS web console signed in as the profile, in a browser profile of its own, so several\n" +
			"accounts stay signed in side by side. Without PROFILE, `assume console` uses the credentials of\n" +
			"this shell. Nothing is exported into the shell unless --shell is given. Access keys go through\n" +
			"sts:GetFederationToken first (that session cannot call IAM or STS and carries no MFA).",
		flags: [][2]string{
			{"-c, --console", "open the console (with assume PROFILE)"},
			{"-s, --service NAME", "land on a service (assume help console lists the shortcuts)"},
			{"    --destination PATH", "land on any console path or console URL"},
			{"-r, --region REGION", "the console's region (default: the profile's)"},
			{"-d, --duration D", "the console session, 15m to 12h (default: as long as the credentials)"},
			{"    --url", "print the sign-in URL on stdout instead of opening a browser"},
			{"    --shell", "also export the credentials into this shell"},
		},
		examples: []string{
			"assume prod -c -s lambda             # Lambda in prod, signed in",
			"assume prod -c --destination '/cloudwatch/home#logsV2:log-groups'",
			"assume console                       # the console for this shell's credentials",
			"assume prod -c --url | pbcopy        # the sign-in URL, for another browser",
		},
	},
	{
		name:  "explain",
		usage: []string{"explain PROFILE [--json]"},
		about: "Shows how PROFILE resolves into a chain of credential steps, value by value, with the file and\n" +
			"line each value comes from. The --json output is stable (docs/explain.md).",
		flags:    [][2]string{{"    --json", "machine-readable output"}},
		examples: []string{"assume explain prod-admin", "assume explain prod-admin --json | jq .steps"},
	},
	{
		name:     "whoami",
		usage:    []string{"whoami [--json]"},
		about:    "Asks AWS (sts:GetCallerIdentity) whose credentials this shell holds and shows the time left.",
		flags:    [][2]string{{"    --json", "machine-readable output"}},
		examples: []string{"assume whoami", "assume prod --exec -- assume whoami"},
	},
	{
		name:  "ls",
		usage: []string{"ls [--json]"},
		about: "Lists every profile of the AWS config and credentials files, sorted by name: its kind,\n" +
			"account, role, region, source and whether a cached session exists. Nothing is sent to AWS.\n" +
			"\n" +
			"Columns (and --json fields; an unknown value is \"-\" in the table and absent from the JSON):\n" +
			"  name     the profile name\n" +
			"  kind     keys, keychain (assume creds), role, sso, process, web-identity, source\n" +
			"           (credential_source), or error when the profile does not resolve\n" +
			"  account  the account id: from role_arn, sso_account_id or aws_account_id\n" +
			"  role     the role name: from role_arn or sso_role_name\n" +
			"  region   the profile's region (or its source profile's)\n" +
			"  source   the profile's source_profile, sso_session or credential_source\n" +
			"  session  the cached session: \"valid until 15:04\" (JSON: \"valid\"), \"expired\", or \"-\"\n" +
			"JSON only:\n" +
			"  expires  when the cached session expires (RFC 3339, UTC)\n" +
			"  error    why the profile does not resolve (one line)",
		flags:    [][2]string{{"    --json", "machine-readable output"}},
		examples: []string{"assume ls", "assume ls --json | jq -r '.[] | select(.kind == \"sso\") | .name'"},
	},
	{
		name: "creds",
		usage: []string{"creds import PROFILE [--yes]", "creds add PROFILE [--stdin] [--force]", "creds ls [--json]",
			"creds rotate PROFILE", "creds export PROFILE [--yes]", "creds rm PROFILE [--yes]"},
		about: "Keeps IAM users' long-lived access keys in the OS keychain (macOS Keychain, Windows Credential\n" +
			"Manager, Secret Service, pass, or a passphrase-encrypted file) instead of ~/.aws/credentials.\n" +
			"import moves a profile's keys there and sets credential_process = assume credential-process\n" +
			"--profile PROFILE (lossless, atomic, backed up); add asks for them (not echoed); rotate creates a\n" +
			"new key through IAM, stores and verifies it, then deletes the old one; export writes them back in\n" +
			"plain text. Backups (.bak) never keep a secret an edit removed: its value reads REDACTED-by-assume;\n" +
			"import offers to redact plaintext backups of earlier versions. docs/keychain.md has the details;\n" +
			"ASSUME_KEYCHAIN or the keychain setting choose.",
		flags: [][2]string{
			{"    --stdin", "add: read the key id and the secret from two lines of stdin"},
			{"    --force", "add: replace the credentials the profile has"},
			{"-y, --yes", "rm, export: do not ask for confirmation; import: redact old plaintext backups without asking"},
			{"    --json", "ls: machine-readable output (never secrets)"},
		},
		examples: []string{"assume creds import my-user", "assume creds rotate my-user", "assume creds ls --json"},
	},
	{
		name:  "doctor",
		usage: []string{"doctor [--json] [--offline]"},
		about: "Checks the AWS config and credentials files (loops, missing profiles or sso-sessions, duplicate\n" +
			"sections or keys the AWS CLI rejects, quotes and inline comments SDKs read differently,\n" +
			"conflicting credential sources, plaintext keys), the shell integration, the keychain, the clock\n" +
			"against AWS and the cached sessions, and explains each problem with its file and line.\n" +
			"Exit status: 0 nothing to do (notes only), 1 warnings, 3 errors. docs/doctor.md lists the checks.",
		flags: [][2]string{
			{"    --json", "machine-readable findings"},
			{"    --offline", "skip the clock check (the only one that uses the network)"},
		},
		examples: []string{"assume doctor", "assume doctor --json | jq '.findings[] | select(.severity==\"error\")'"},
	},
	{
		name:  "credential-process",
		usage: []string{"credential-process --profile PROFILE [-r REGION] [-d DURATION] [--refresh]"},
		about: "Prints PROFILE's credentials in the credential_process format (Version 1) so that AWS SDKs and\n" +
			"the AWS CLI can use assume's cache, MFA and SSO handling:\n" +
			"  [profile prod-via-assume]\n" +
			"  credential_process = assume credential-process --profile prod",
		flags: [][2]string{
			{"-p, --profile NAME", "the profile"},
			{"-d, --duration D", "session duration"},
			{"    --mfa-token CODE", "the MFA code"},
			{"    --refresh", "ignore cached credentials"},
		},
		examples: []string{"assume credential-process --profile prod"},
	},
	{
		name:  "serve",
		usage: []string{"serve PROFILE [--addr HOST:PORT] [--print sh|fish|pwsh|json]"},
		about: "Serves PROFILE's credentials on a local container-credentials endpoint that renews them before\n" +
			"they expire, for IDEs and long jobs. Prints the variables that point SDKs at it, bearer token\n" +
			"included: stdout redirected to a file other users can read is made 0600 first (refused when\n" +
			"that is not possible).",
		flags: [][2]string{
			{"    --addr HOST:PORT", "listen here (default: a free loopback port)"},
			{"    --print FORMAT", "how to print the variables"},
		},
		examples: []string{"assume serve prod", "eval \"$(assume serve prod --print sh)\""},
	},
	{
		name:  "sso",
		usage: []string{"sso login [PROFILE | --sso-session NAME]", "sso logout [--sso-session NAME]", "sso ls [--sso-session NAME]", "sso populate [--sso-session NAME] [--prefix P] [--name-template T] [--prune] [--dry-run]"},
		about: "IAM Identity Center. `login` signs in (browser, PKCE; device code without a browser) and shares\n" +
			"the token cache ~/.aws/sso/cache with the AWS CLI both ways. `logout` signs out and drops the\n" +
			"cached role credentials that came from the session. `ls` lists the accounts and roles.\n" +
			"`populate` writes one profile per account and role into a managed block of ~/.aws/config\n" +
			"(lossless, atomic, backed up); --prune removes profiles of roles that are gone.",
		flags: [][2]string{
			{"    --sso-session NAME", "the sso-session section to use"},
			{"    --prefix P", "populate: prefix of the generated profile names"},
			{"    --name-template T", "populate: profile name template ({account_name}, {role_name} ...)"},
			{"    --prune", "populate: remove generated profiles that no longer exist"},
			{"    --dry-run", "populate: show the changes without writing"},
		},
		examples: []string{"assume sso login --sso-session corp", "assume sso populate --sso-session corp --dry-run"},
	},
	{
		name:  "login",
		usage: []string{"login [--profile P] [--region R] [--remote | --no-browser]"},
		about: "Signs in with your AWS console credentials, as `aws login` does: a browser sign-in\n" +
			"(authorization code + PKCE, the answer on 127.0.0.1 only; --remote: open the URL on any device\n" +
			"and paste the code it shows). The session is cached in ~/.aws/login/cache in the AWS CLI's format\n" +
			"(shared with aws both ways) and the profile gets login_session = ARN (and region). The profile's\n" +
			"credentials are then refreshed through the session, one process at a time, for up to 12 hours.",
		flags: [][2]string{
			{"    --profile P", "the profile to sign in (default: $AWS_PROFILE, else default)"},
			{"-r, --region R", "the sign-in region (default: the profile's region)"},
			{"    --remote", "sign in on another device: paste the code the page shows (also --no-browser)"},
		},
		examples: []string{"assume login --profile console --region eu-west-1", "assume console-profile"},
	},
	{
		name:     "logout",
		usage:    []string{"logout [--profile P | --all]"},
		about:    "Removes the profile's cached aws login session (--all: every one), as `aws logout` does.",
		examples: []string{"assume logout --profile console"},
	},
	{
		name:  "settings",
		usage: []string{"settings ls [--json]", "settings get KEY", "settings set KEY VALUE", "settings unset KEY", "settings browser [NAME]", "settings path"},
		about: "Shows and changes assume's own settings (browser, keychain, cache, default region, picker\n" +
			"order, auto-refresh ...), kept in $XDG_CONFIG_HOME/assume/settings. docs/settings.md lists them.",
		examples: []string{"assume settings browser firefox", "assume settings set cache_margin 10m", "assume settings ls"},
	},
	{
		name:  "completion",
		usage: []string{"completion bash|zsh|fish|pwsh"},
		about: "Prints the completion script of a shell: commands, flags, profile names, sso-session names and\n" +
			"console service shortcuts.",
		examples: []string{
			"assume completion bash > /etc/bash_completion.d/assume",
			"assume completion zsh > \"${fpath[1]}/_assume\"",
			"assume completion fish > ~/.config/fish/completions/assume.fish",
		},
	},
	{
		name:     "version",
		usage:    []string{"version"},
		about:    "Prints the version.",
		examples: []string{"assume version"},
	},
}

// lookupHelp finds the help of a command ("sso login" falls back to "sso").
func lookupHelp(name string) (commandHelp, bool) {
	for _, h := range helpTopics {
		if h.name == name {
			return h, true
		}
	}
	if i := strings.IndexByte(name, ' '); i > 0 {
		return lookupHelp(name[:i])
	}
	return commandHelp{}, false
}

// writeHelp prints a command's help.
func writeHelp(w io.Writer, h commandHelp) error {
	var b strings.Builder
	b.WriteString("Usage:\n")
	for _, u := range h.usage {
		b.WriteString("  assume " + u + "\n")
	}
	b.WriteString("\n" + h.about + "\n")
	if len(h.flags) > 0 {
		b.WriteString("\nFlags:\n")
		for _, f := range h.flags {
			fmt.Fprintf(&b, "  %-26s %s\n", f[0], f[1])
		}
	}
	if len(h.examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, e := range h.examples {
			b.WriteString("  " + e + "\n")
		}
	}
	if h.name == "console" {
		b.WriteString("\nService shortcuts (-s):\n")
		for _, sv := range console.Services() {
			scope := ""
			if sv.Global {
				scope = " (global)"
			}
			fmt.Fprintf(&b, "  %-16s %s%s\n", sv.Name, sv.Title, scope)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wantsHelp reports -h/--help among a command's arguments (before "--").
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--help":
			return true
		}
	}
	return false
}
