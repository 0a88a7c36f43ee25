package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/console"
)

// consoleOptions are the console flags of `assume PROFILE -c` and
// `assume console`.
type consoleOptions struct {
	service     string
	destination string
	urlOnly     bool // --url: print the sign-in URL instead of opening it
	duration    time.Duration
	debug       bool
}

// consoleTarget is what the console is opened for.
type consoleTarget struct {
	profile string // isolation key and label; "" for the shell's own credentials
	color   string // the profile's color key
	creds   *resolved
}

// consoleDestination checks the service/destination flags before any
// credentials are fetched, so a typo costs no MFA prompt.
func consoleDestination(region string, o consoleOptions) (dest, partition string, err error) {
	p := console.PartitionForRegion(region)
	dest, err = console.Destination(p.ID, region, o.service, o.destination)
	if err != nil {
		var us *console.UnknownServiceError
		if errors.As(err, &us) {
			return "", "", withCode(ExitUsage, err, "assume help console lists the service shortcuts; any console path works with --destination")
		}
		return "", "", withCode(ExitUsage, err)
	}
	return dest, p.ID, nil
}

// openConsole signs in to the console with t's credentials and opens it
// (or prints the URL).
func openConsole(ctx context.Context, s *invocation, t consoleTarget, o consoleOptions) error {
	if o.duration == 0 {
		o.duration = loadSettings(s).ConsoleDuration()
	}
	dest, partition, err := consoleDestination(t.creds.region, o)
	if err != nil {
		return err
	}
	name := t.profile
	if name == "" {
		name = "assume"
	}
	c, err := s.assumeAWS().Console(ctx, &awsproc.ConsoleRequest{
		Region:      t.creds.region,
		Debug:       o.debug,
		Credentials: awsproc.Credentials(t.creds.Credentials),
		Destination: dest, Partition: partition, SessionDuration: o.duration, FederationName: name,
	})
	if err != nil {
		return err
	}
	what := consoleWhat(t, o)
	if c.Federated {
		s.Noticef("%s has long-term access keys: the console runs as a GetFederationToken session with the user's permissions, but it cannot call IAM or STS (except GetCallerIdentity) and carries no MFA",
			orPlaceholder(t.profile))
	}
	if o.urlOnly {
		_, err := io.WriteString(s.Out, c.URL+"\n")
		if err == nil {
			s.Noticef("sign-in URL for %s (valid 15 minutes; it signs in whoever opens it)", what)
		}
		return err
	}
	opener, how, err := consoleOpener(s, t, o.debug)
	if err == nil {
		err = opener.Open(c.URL)
	}
	if err != nil {
		// No browser: the URL is the way in.
		if _, werr := io.WriteString(s.Out, c.URL+"\n"); werr != nil {
			return werr
		}
		hint := "choose a browser with assume settings browser NAME, or ASSUME_BROWSER='CMD {url}'"
		if errors.Is(err, browser.ErrDisabled) {
			s.Noticef("sign-in URL for %s printed above (valid 15 minutes): opening a browser is turned off", what)
			return nil
		}
		s.Noticef("could not open a browser (%v); open the sign-in URL above within 15 minutes", err)
		s.Noticef("hint: %s", hint)
		return nil
	}
	line := "opened the AWS console: " + what
	if !c.Expires.IsZero() {
		line += ", until " + clockText(c.Expires, time.Now())
	}
	if how != "" {
		line += " (" + how + ")"
	}
	s.Noticef("%s", line)
	return nil
}

// consoleWhat describes the console target for messages.
func consoleWhat(t consoleTarget, o consoleOptions) string {
	var b strings.Builder
	if t.profile != "" {
		b.WriteString(t.profile)
	} else {
		b.WriteString("this shell's credentials")
	}
	b.WriteString(" in " + t.creds.region)
	switch {
	case o.service != "":
		b.WriteString(", " + strings.ToLower(o.service))
	case o.destination != "":
		b.WriteString(", " + o.destination)
	}
	return b.String()
}

// errNoDisplay is returned when no browser can be shown (no display, an
// SSH session) and none was chosen explicitly.
var errNoDisplay = errors.New("no display to show a browser on (SSH session or no DISPLAY)")

// consoleOpener returns the browser to open the console in and a few words
// on how (for the message): the browser setting, else ASSUME_BROWSER, else
// the system's default when it can be isolated, else the first installed.
func consoleOpener(s *invocation, t consoleTarget, debug bool) (browser.Opener, string, error) {
	var dbg io.Writer
	if debug {
		dbg = s.Err
	}
	setting, exe := browserSetting(s)
	env := strings.TrimSpace(s.Getenv(browser.EnvBrowser))
	if setting == "" && (env == "" || env == "auto" || env == "default") && !browser.CanOpen(s.Getenv) {
		return nil, "", errNoDisplay
	}
	var l *browser.Launch
	var err error
	if k, kerr := browser.ParseKind(setting); kerr == nil && exe != "" && (k.Chromium() || k.Firefox()) {
		// browser_path: this kind, installed where the user says.
		l, err = browser.NewLaunch(browser.Found{Kind: k, Path: exe}, t.profile, t.color, browser.Env{Getenv: s.Getenv})
		if l != nil {
			l.Debug = dbg
		}
	} else {
		l, err = browser.ForProfile(setting, t.profile, t.color, browser.Env{Getenv: s.Getenv}, dbg)
	}
	if err != nil {
		return nil, "", err
	}
	return l, l.Describe(), nil
}

// consoleTargetFor is the console target of profile's credentials.
func consoleTargetFor(s *invocation, profile string, res *resolved) consoleTarget {
	return consoleTarget{profile: profile, color: profileColor(s, profile), creds: res}
}

// profileColor reads the color key of profile (the AWS CLI ignores it).
func profileColor(s *invocation, profile string) string {
	if profile == "" {
		return ""
	}
	cfgPath, credPath := s.configFiles()
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return ""
	}
	p, found, err := files.Profile(profile)
	if err != nil || !found {
		return ""
	}
	if c := p.Properties.Get(browser.ColorKey).Text; c != "" {
		return c
	}
	return p.Properties.Get("granted_color").Text // profiles written by Granted
}

// credsPartition is the partition the credentials of plan (nil: this
// shell's) belong to, and the evidence for it: the partition of the last
// role ARN, else of the SSO region, else of the region the profile (or the
// shell, or the settings) is set to without -r. A profile of aws-cn or
// aws-us-gov always has such a region: STS of those partitions is only
// reached through one.
func credsPartition(plan *chain.Plan, s *invocation) (console.Partition, string) {
	if plan != nil {
		for i := len(plan.Steps) - 1; i >= 0; i-- {
			st := plan.Steps[i]
			if arn := st.RoleARN.Text; arn != "" {
				if parts := strings.SplitN(arn, ":", 3); len(parts) == 3 && parts[0] == "arn" {
					if p, ok := console.PartitionByID(parts[1]); ok {
						return p, "role_arn " + arn
					}
				}
			}
			if r := st.SSORegion.Text; r != "" {
				return console.PartitionForRegion(r), "sso_region " + r
			}
		}
	}
	r := pickRegion("", plan, s)
	return console.PartitionForRegion(r), "region " + r
}

// checkPartition refuses a console region outside the credentials'
// partition: the sign-in would send the credentials to another
// partition's sign-in host, which cannot accept them anyway.
func checkPartition(region, label string, plan *chain.Plan, s *invocation) error {
	want, why := credsPartition(plan, s)
	got := console.PartitionForRegion(region)
	if got.ID == want.ID {
		return nil
	}
	return withCode(ExitUsage,
		fmt.Errorf("the console region %s is in the %s partition, but the credentials of %s are in %s (%s): not sending them to %s",
			region, got.ID, label, want.ID, why, got.SigninHost),
		fmt.Sprintf("choose a region of %s with -r (e.g. %s), or a profile of %s", want.ID, want.DefaultRegion, got.ID))
}

// consoleForPlan resolves plan's credentials and opens the console.
func consoleForPlan(ctx context.Context, s *invocation, plan *chain.Plan, req resolveRequest, o consoleOptions) (*resolved, error) {
	region := pickRegion(req.region, plan, s)
	// Check the flags before asking for credentials (and maybe an MFA code).
	if _, _, err := consoleDestination(region, o); err != nil {
		return nil, err
	}
	if err := checkPartition(region, orPlaceholder(req.profile), plan, s); err != nil {
		return nil, err
	}
	res, err := resolveCredentials(ctx, s, plan, req)
	if err != nil {
		return nil, err
	}
	t := consoleTargetFor(s, req.profile, res)
	if req.sso != nil {
		t.profile = res.adhoc
	}
	return res, openConsole(ctx, s, t, o)
}

// runConsole is `assume console [PROFILE]`: without a profile, the
// credentials of this shell.
func runConsole(ctx context.Context, args []string, s *invocation) error {
	var o assumeOptions
	pos, err := o.parse(commands.Lookup("console"), args, 1)
	if err != nil {
		return err
	}
	if o.help {
		return writeConsoleHelp(s.Out)
	}
	if len(pos) == 1 {
		if o.Profile != "" && o.Profile != pos[0] {
			return usageErr("two profiles given: %q and --profile %q", pos[0], o.Profile)
		}
		o.Profile = pos[0]
	}
	if o.exec || o.unset || o.print != "" || o.shell {
		return usageErr("assume console opens the console only; to also set credentials: assume PROFILE -c --shell")
	}
	o.console = true
	if o.Profile != "" || o.SSO {
		return runAssumeParsed(ctx, s, &o)
	}
	co, err := o.consoleOptions()
	if err != nil {
		return err
	}
	akid, secret := s.Getenv("AWS_ACCESS_KEY_ID"), s.Getenv("AWS_SECRET_ACCESS_KEY")
	if akid == "" || secret == "" {
		return withCode(ExitUsage, errors.New("no AWS credentials in this shell"), "name a profile: assume console PROFILE, or run assume PROFILE first")
	}
	if v := s.Getenv("AWS_CREDENTIAL_EXPIRATION"); v != "" {
		if exp, err := time.Parse(time.RFC3339, v); err == nil && !exp.After(time.Now()) {
			return withCode(ExitAuth, fmt.Errorf("the credentials in this shell expired at %s", exp.Local().Format("15:04 MST")),
				"run assume "+orPlaceholder(s.Getenv("AWS_PROFILE"))+" again")
		}
	}
	if err := checkPartition(pickRegion(o.Region, nil, s), "this shell", nil, s); err != nil {
		return err
	}
	res := &resolved{
		profile: s.Getenv("AWS_PROFILE"), region: pickRegion(o.Region, nil, s),
		Credentials: awscreds.Credentials{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: s.Getenv("AWS_SESSION_TOKEN")},
	}
	t := consoleTargetFor(s, res.profile, res)
	return openConsole(ctx, s, t, co)
}

// writeConsoleHelp prints the console help with the table of shortcuts.
func writeConsoleHelp(w io.Writer) error {
	h, _ := lookupHelp("console")
	return writeHelp(w, h)
}
