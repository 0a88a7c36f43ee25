package cli

import (
	"context"
	"io"
	"strings"

	"github.com/assume-cli/assume/internal/commands"
)

// runMan prints the man page (roff), built from the same text as --help:
// `make man` writes it to docs/man/assume.1.
func runMan(_ context.Context, _ []string, s *invocation) error {
	_, err := io.WriteString(s.Out, manPage())
	return err
}

// roffEscape makes text safe for roff: backslashes, and lines that would
// start with a control character.
func roffEscape(t string) string {
	t = strings.ReplaceAll(t, `\`, `\e`)
	t = strings.ReplaceAll(t, "-", `\-`)
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// manPage renders the whole manual.
func manPage() string {
	var b strings.Builder
	w := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
	}
	w(".TH ASSUME 1 \"\" \"assume\" \"User Commands\"\n")
	w(".SH NAME\nassume \\- get temporary AWS credentials for a profile into this shell\n")
	w(".SH SYNOPSIS\n.nf\n")
	usage := usageHead[strings.Index(usageHead, "Usage:\n")+len("Usage:\n"):]
	for _, l := range strings.Split(strings.TrimRight(usage, "\n"), "\n") {
		// The descriptions start in column 41.
		if len(l) > 41 {
			l = l[:41]
		}
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "assume ") {
			w(roffEscape(l), "\n")
		}
	}
	w(".fi\n")
	w(".SH DESCRIPTION\n", roffEscape(strings.SplitN(usageHead, "\n", 2)[0]), "\n")
	w(".PP\nThe shell function of \\fBassume init\\fR applies the credentials to the current shell; see \\fBinit\\fR below.\n")
	w(".SH OPTIONS\n.nf\n")
	var fl strings.Builder
	writeFlagLines(&fl, commands.Main.OwnFlags())
	w(roffEscape(strings.TrimRight(fl.String(), "\n")), "\n")
	w(".fi\n")
	w(".SH COMMANDS\n")
	for i := range commands.All {
		h, ok := lookupHelp(commands.All[i].Name)
		if !ok || h != &commands.All[i] {
			continue
		}
		w(".SS ", strings.ToUpper(h.Name), "\n.nf\n")
		for _, u := range h.UsageLines() {
			w(roffEscape("assume "+u), "\n")
		}
		w(".fi\n.PP\n", roffEscape(h.About), "\n")
		if fl := h.AllFlags(); len(fl) > 0 {
			w(".PP\n.nf\n")
			for _, f := range fl {
				w(roffEscape(strings.TrimSpace(f.Label())+"\t"+strings.ReplaceAll(f.Usage, "\n", " ")), "\n")
			}
			w(".fi\n")
		}
		if len(h.Examples) > 0 {
			w(".PP\nExamples:\n.nf\n")
			for _, e := range h.Examples {
				w(roffEscape(e), "\n")
			}
			w(".fi\n")
		}
	}
	w(".SH EXIT STATUS\n.nf\n", roffEscape(strings.TrimSpace(exitCodesText)), "\n.fi\n")
	w(".SH ENVIRONMENT\n.TP\n\\fBAWS_CONFIG_FILE\\fR, \\fBAWS_SHARED_CREDENTIALS_FILE\\fR\nwhere the AWS config and credentials files are\n")
	w(".TP\n\\fBAWS_ENDPOINT_URL_STS\\fR, \\fBAWS_ENDPOINT_URL_SSO\\fR, \\fBAWS_CA_BUNDLE\\fR, \\fBHTTPS_PROXY\\fR\nthe AWS SDK's standard settings, honoured\n")
	w(".TP\n\\fBASSUME_BROWSER\\fR\na command template ({url}, {profile}) or \\fBnone\\fR to only print URLs\n")
	w(".TP\n\\fBASSUME_KEYCHAIN\\fR\nthe keychain backend (overrides the setting): keychain, wincred, secret-service, pass, file\n")
	w(".TP\n\\fBASSUME_PASSPHRASE\\fR\nthe passphrase of the encrypted-file keychain (else asked on the terminal)\n")
	w(".TP\n\\fBASSUME_SIGNIN_ENDPOINT\\fR\nthe console federation endpoint (default: the partition's, e.g. https://signin.aws.amazon.com/federation)\n")
	w(".TP\n\\fBASSUME_\\fIKEY\\fR\nany setting of assume settings ls, e.g. ASSUME_CACHE_MARGIN=10m\n")
	w(".TP\n\\fBASSUME_HTTP_TIMEOUT\\fR\nthe time bound of each network operation, retries included (default 10s)\n")
	w(".TP\n\\fBASSUME_PROCESS_TIMEOUT\\fR\nthe time bound of a credential_process, an mfa_process or ykman, which is then killed with the processes it started (default 1m)\n")
	w(".TP\n\\fBNO_COLOR\\fR\nno colours in any output\n")
	w(".SH FILES\n.TP\n~/.aws/config, ~/.aws/credentials\nprofiles, read as the AWS CLI reads them\n")
	w(".TP\n~/.aws/sso/cache\nIAM Identity Center tokens, shared with the AWS CLI\n")
	w(".TP\n$XDG_CONFIG_HOME/assume/settings\nassume's settings\n")
	w(".TP\n$XDG_CACHE_HOME/assume\nencrypted cached sessions\n")
	w(".SH EXAMPLES\n.nf\n")
	for _, e := range commands.Main.Examples {
		w(roffEscape("  "+e), "\n")
	}
	w(".fi\n.SH SEE ALSO\n\\fBaws\\fR(1)\n")
	return b.String()
}
