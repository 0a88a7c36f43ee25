package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
)

// assumeOptions holds the flags of `assume PROFILE`.
type assumeOptions struct {
	commands.Credential // -p -r -d --mfa-token --mfa-prompt --refresh --debug
	commands.AdHocSSO   // assume --sso: an IAM Identity Center role without a profile

	exec    bool
	static  bool // --exec with keys in the environment, not an endpoint
	print   string
	unset   bool
	help    bool
	version bool

	// autoRefresh is set by the shell hook of `assume init --auto-refresh`:
	// no prompts, no message on success, one line on failure, and the
	// shell's region kept.
	autoRefresh bool

	// console: assume PROFILE -c
	console     bool
	service     string
	destination string
	urlOnly     bool
	shell       bool // with -c: also export the credentials

	// files for tools that read no environment
	export  bool   // --export: into ~/.aws/credentials
	as      string // --as NAME: the section name for --export
	force   bool   // --force: --export may replace long-lived keys
	envFile string // --env FILE: a dotenv file

	cmd []string // after --, with --exec
}

// consoleOptions checks and returns the console flags.
func (o *assumeOptions) consoleOptions() (consoleOptions, error) {
	co := consoleOptions{service: o.service, destination: o.destination, urlOnly: o.urlOnly, debug: o.Debug}
	if !o.console {
		if o.service != "" || o.destination != "" || o.urlOnly {
			return co, usageErr("--service, --destination and --url go with --console (-c)")
		}
		if o.shell {
			return co, usageErr("--shell goes with --console (-c)")
		}
		return co, nil
	}
	if o.service != "" && o.destination != "" {
		return co, usageErr("give either --service or --destination, not both")
	}
	if o.exec || o.unset || o.autoRefresh {
		return co, usageErr("--console cannot be combined with --exec, --unset or --auto-refresh")
	}
	if o.urlOnly && o.shell {
		return co, usageErr("--url prints the sign-in URL on stdout; it cannot be combined with --shell")
	}
	if o.Duration != "" {
		d, err := parseDuration(o.Duration)
		if err != nil {
			return co, err
		}
		co.duration = d
	}
	return co, nil
}

// bind binds the options to the flags fs declares (assume PROFILE's, or
// console's).
func (o *assumeOptions) bind(fs *flags.FlagSet) {
	o.Credential.Bind(fs)
	o.AdHocSSO.Bind(fs)
	fs.BindBool(&o.exec, commands.Exec.Long)
	fs.BindBool(&o.static, commands.Static.Long)
	fs.BindBool(&o.autoRefresh, commands.AutoRefresh.Long)
	fs.BindString(&o.print, commands.Print.Long)
	fs.BindBool(&o.unset, commands.Unset.Long)
	fs.BindBool(&o.help, commands.Help.Long)
	fs.BindBool(&o.version, commands.Version.Long)
	fs.BindBool(&o.console, commands.Console.Long)
	fs.BindString(&o.service, commands.Service.Long)
	fs.BindString(&o.destination, commands.Destination.Long)
	fs.BindBool(&o.urlOnly, commands.URL.Long)
	fs.BindBool(&o.shell, commands.Shell.Long)
	fs.BindBool(&o.export, commands.Export.Long)
	fs.BindString(&o.as, commands.As.Long)
	fs.BindBool(&o.force, commands.Force.Long)
	fs.BindString(&o.envFile, commands.EnvFile.Long)
}

// parse splits args at "--" and parses the flags before it with c's
// declaration, allowing flags and the profile in any order.
func (o *assumeOptions) parse(c *commands.Command, args []string, positional int) ([]string, error) {
	var rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	fs := c.FlagSet()
	o.bind(fs)
	if err := fs.Parse(args); err != nil {
		return nil, usageErr("%v", err)
	}
	o.cmd = rest
	pos := fs.Args()
	if len(pos) > positional {
		return nil, usageErr("unexpected argument %q", pos[positional])
	}
	return pos, nil
}

// parseDuration accepts Go durations (1h, 90m) and plain seconds (3600).
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		return time.Duration(n) * time.Second, validDuration(time.Duration(n)*time.Second, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, usageErr("invalid --duration %q: use a duration like 1h, 90m or a number of seconds", s)
	}
	return d, validDuration(d, s)
}

// validDuration checks d, given by the user as text.
func validDuration(d time.Duration, text string) error {
	if d < 15*time.Minute || d > 12*time.Hour {
		return usageErr("--duration %s is out of range: AWS allows 15m to 12h", text)
	}
	return nil
}

// assumeMode is what one run of assume PROFILE does, decided from its
// flags alone.
type assumeMode int

const (
	modeShell        assumeMode = iota // export into the shell (or --print)
	modeHelp                           // -h
	modeVersion                        // -v
	modeUnset                          // --unset
	modeExec                           // --exec -- CMD: an endpoint, or keys in its environment
	modeAutoRefresh                    // --auto-refresh: the prompt hook
	modeFiles                          // --export, --env
	modeConsole                        // -c: open the console, export nothing
	modeConsoleShell                   // -c --shell, -c --print: the console, then the shell
)

// decision is the pure outcome of the flags: the mode, whether the picker
// chooses the profile first, and the parsed values.
type decision struct {
	mode     assumeMode
	pick     bool           // no profile: the picker chooses one
	duration time.Duration  // -d (not with -c: then it is the console's)
	console  consoleOptions // with -c
}

// exclusive is the usage error msg when more than one of set is true.
func exclusive(msg string, set ...bool) error {
	n := 0
	for _, b := range set {
		if b {
			n++
		}
	}
	if n > 1 {
		return usageErr("%s", msg)
	}
	return nil
}

// decide checks the flags of assume PROFILE against each other and returns
// what the run does. It does no I/O.
func (o *assumeOptions) decide() (decision, error) {
	var d decision
	switch {
	case o.help:
		return decision{mode: modeHelp}, nil
	case o.version:
		return decision{mode: modeVersion}, nil
	}
	co, err := o.consoleOptions()
	if err != nil {
		return d, err
	}
	d.console = co
	files := o.export || o.envFile != ""
	for _, c := range []struct {
		bad bool
		msg string
	}{
		{o.exec && len(o.cmd) == 0, "--exec needs a command after --, e.g. assume " + orPlaceholder(o.Profile) + " --exec -- aws sts get-caller-identity"},
		{!o.exec && len(o.cmd) > 0, "a command after -- needs --exec"},
		{o.static && !o.exec, "--static goes with --exec: assume " + orPlaceholder(o.Profile) + " --exec --static -- CMD"},
		{o.autoRefresh && (o.exec || o.unset || o.SSO || o.Profile == ""), "--auto-refresh is for the shell hook of assume init --auto-refresh: assume PROFILE --auto-refresh"},
		{o.unset && (o.Profile != "" || o.exec), "--unset takes no profile"},
		{(o.as != "" || o.force) && !o.export, "--as and --force go with --export"},
	} {
		if c.bad {
			return d, usageErr("%s", c.msg)
		}
	}
	if err := exclusive("--exec and --print cannot be combined", o.exec, o.print != ""); err != nil {
		return d, err
	}
	if err := exclusive("--export and --env write files; they cannot be combined with --exec, --console or --print",
		files, o.exec || o.console || o.print != ""); err != nil {
		return d, err
	}
	if err := exclusive("--auto-refresh renews the shell's credentials; it cannot be combined with --export or --env",
		files, o.autoRefresh); err != nil {
		return d, err
	}
	if o.unset {
		return decision{mode: modeUnset}, nil
	}
	if err := o.AdHocSSO.Check(o.Profile); err != nil {
		return d, err
	}
	if !o.SSO && o.Profile == "" {
		if o.exec || o.print != "" || files || o.autoRefresh {
			return d, usageErr("no profile given: run assume PROFILE (assume help for more)")
		}
		d.pick = true
	}
	if !o.console { // with --console, -d is the console session's length
		if d.duration, err = parseDuration(o.Duration); err != nil {
			return d, err
		}
	}
	switch {
	case o.exec:
		d.mode = modeExec
	case o.autoRefresh:
		d.mode = modeAutoRefresh
	case files:
		d.mode = modeFiles
	case o.console && !o.shell && o.print == "":
		d.mode = modeConsole
	case o.console:
		d.mode = modeConsoleShell
	default:
		d.mode = modeShell
	}
	return d, nil
}

// parseAssume parses the argv of assume PROFILE.
func parseAssume(args []string) (*assumeOptions, error) {
	var o assumeOptions
	pos, err := o.parse(&commands.Main, args, 1)
	if err != nil {
		return nil, err
	}
	if !o.help && !o.version {
		if err := o.TakeProfile(pos); err != nil {
			return nil, err
		}
	}
	return &o, nil
}

func runAssume(ctx context.Context, args []string, s *invocation) error {
	o, err := parseAssume(args)
	if err != nil {
		return err
	}
	return runAssumeParsed(ctx, s, o)
}

// runAssumeParsed runs assume with parsed options: decide, let the picker
// choose a missing profile, load the plan, dispatch.
func runAssumeParsed(ctx context.Context, s *invocation, o *assumeOptions) error {
	d, err := o.decide()
	if err != nil {
		return err
	}
	switch d.mode {
	case modeHelp:
		return runHelp(ctx, nil, s)
	case modeVersion:
		fmt.Fprintln(s.Out, "assume", Version)
		return nil
	case modeUnset:
		return emitUnset(ctx, s, o.print)
	}
	if d.pick {
		if d, err = pickInto(ctx, s, o, d); err != nil {
			return err
		}
	}
	var plan *chain.Plan
	var files *awsconfig.Files
	var adhoc *awsproc.AdHocSSO
	if o.SSO {
		adhoc = &awsproc.AdHocSSO{StartURL: o.SSOStartURL, Region: o.SSORegion, AccountID: o.SSOAccountID, RoleName: o.SSORoleName}
	}
	req := resolveRequest{profile: o.Profile, region: o.Region, duration: d.duration, mfaToken: o.MFAToken, mfaPrompt: o.MFAPrompt,
		refresh: o.Refresh, debug: o.Debug, sso: adhoc}
	var memo *planMemo
	if d.mode == modeShell {
		// The usual run: cached credentials into the shell, maybe without
		// reading the config files at all.
		var res *resolved
		if res, memo = memoCached(s, req); res != nil {
			return exportResolved(ctx, s, req, o, d, func() (*resolved, error) { return res, nil })
		}
	}
	if o.SSO {
		plan, err = chain.AdHocSSO(adhoc.StartURL, adhoc.Region, adhoc.AccountID, adhoc.RoleName)
		err = configErr(err)
	} else {
		plan, files, err = loadPlanFiles(s, o.Profile)
	}
	if err != nil {
		return err
	}
	switch d.mode {
	case modeExec:
		// Credentials that expire are served to an --exec command through a
		// credentials endpoint that refreshes them; long-lived keys never
		// expire, so they go into its environment (as with --static).
		if !o.static && !longLived(plan) {
			return execEndpoint(s, plan, req, o.cmd)
		}
		return exportToShell(ctx, s, plan, req, o, d)
	case modeAutoRefresh:
		return autoRefresh(ctx, s, plan, req)
	case modeFiles:
		return exportFiles(ctx, s, plan, req, o)
	case modeConsole:
		// Opening the console exports nothing unless asked (--shell).
		if _, err := consoleForPlan(ctx, s, plan, req, d.console); err != nil {
			return err
		}
		recordUse(s, req.profile)
		return nil
	}
	return exportResolved(ctx, s, req, o, d, func() (*resolved, error) {
		res, err := resolveCredentials(ctx, s, plan, req)
		if err == nil {
			memo.record(s, files, plan, req.debug)
		}
		return res, err
	})
}

// pickInto lets the picker choose the profile (and maybe the console) of
// a run that named none.
func pickInto(ctx context.Context, s *invocation, o *assumeOptions, d decision) (decision, error) {
	// The picker's profile goes to the shell: without the shell function
	// say so before the picker, not after a choice (console: not needed).
	// (Without a terminal either, the picker's own error says it best.)
	if !o.console && s.StderrTTY {
		if _, err := openOutput(ctx, s, "", false); err != nil {
			return d, err
		}
	}
	p, console, err := pickProfile(s)
	if err != nil {
		return d, err
	}
	o.Profile = p
	if console && !o.console {
		o.console = true
		return o.decide()
	}
	return d, nil
}

// exportToShell resolves the credentials and applies them: to the shell
// (or --print), to the --exec command's environment, after opening the
// console with -c --shell.
func exportToShell(ctx context.Context, s *invocation, plan *chain.Plan, req resolveRequest, o *assumeOptions, d decision) error {
	return exportResolved(ctx, s, req, o, d, func() (*resolved, error) { return resolveCredentials(ctx, s, plan, req) })
}

// exportResolved is exportToShell with the credentials from resolve, which
// runs once the output is open.
func exportResolved(ctx context.Context, s *invocation, req resolveRequest, o *assumeOptions, d decision, resolve func() (*resolved, error)) error {
	out, err := openOutput(ctx, s, o.print, o.exec)
	if err != nil {
		return err
	}
	if out != nil {
		defer out.Close()
	}
	res, err := resolve()
	if err != nil {
		return err
	}
	vars := exportVars(res)
	if d.mode == modeExec {
		return runExec(ctx, s, vars, o.cmd)
	}
	if d.mode == modeConsoleShell {
		// --shell or --print: the console opens, then the credentials go to
		// the shell.
		t := consoleTargetFor(s, req.profile, res)
		if err := openConsole(ctx, s, t, d.console); err != nil {
			return err
		}
	}
	if err := out.Apply(vars); err != nil {
		return err
	}
	s.Noticef("%s", activeLine(res, time.Now()))
	recordUse(s, req.profile)
	return nil
}

// exportFiles writes the credentials to ~/.aws/credentials (--export)
// and/or a dotenv file (--env); nothing is exported into the shell.
func exportFiles(ctx context.Context, s *invocation, plan *chain.Plan, req resolveRequest, o *assumeOptions) error {
	if o.export {
		name := o.as
		if name == "" {
			name = req.profile
		}
		if name == "" {
			return usageErr("--export needs a name for the credentials: --as NAME")
		}
		if err := checkProfileName(name); err != nil {
			return err
		}
	}
	res, err := resolveCredentials(ctx, s, plan, req)
	if err != nil {
		return err
	}
	until := "long-lived keys"
	if !res.Expiration.IsZero() {
		until = "until " + res.Expiration.Local().Format("15:04 MST")
	}
	if o.export {
		name := o.as
		if name == "" {
			name = req.profile
		}
		path, err := exportToCredentials(s, res, name, o.force)
		if err != nil {
			return err
		}
		s.Noticef("wrote %s's credentials to %s as profile %s (%s)", res.label(), path, name, until)
	}
	if o.envFile != "" {
		if err := writeDotenv(o.envFile, res); err != nil {
			return err
		}
		s.Noticef("wrote %s's credentials to %s (%s)", res.label(), o.envFile, until)
	}
	return nil
}

// longLived reports a plan of long-lived keys alone: no AWS call, no
// expiry.
func longLived(plan *chain.Plan) bool {
	return len(plan.Steps) == 1 && (plan.Steps[0].Kind == chain.KindStatic || plan.Steps[0].Kind == chain.KindStored)
}

func orPlaceholder(p string) string {
	if p == "" {
		return "PROFILE"
	}
	return p
}

// activeLine is the one line that tells the user what is now active.
func activeLine(r *resolved, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s", r.label(), r.region)
	if r.Expiration.IsZero() {
		b.WriteString(", long-lived keys (no expiry)")
	} else {
		b.WriteString(", " + expiryText(r.Expiration, now))
	}
	if r.fromCache {
		b.WriteString(" [cached]")
	}
	return b.String()
}

func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "<1m"
	case d >= 365*24*time.Hour:
		return "more than a year"
	case d >= 48*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours())/24)
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", h, m)
}

// clockText is t as a local clock time; with the date unless t is in the
// next 20 hours (then the time alone cannot be misread, even past
// midnight).
func clockText(t, now time.Time) string {
	if d := t.Sub(now); d > 0 && d < 20*time.Hour {
		return t.Local().Format("15:04 MST")
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// expiryText says when credentials expire, sanely for any expiry an
// endpoint or a credential_process may send: "expires 15:04 UTC (in
// 42m)", "expires 2026-12-09 10:00 UTC (in 2d)", "expires 9999-12-31
// 23:00 UTC (in more than a year)", "expired at 2020-01-02 03:04 UTC".
func expiryText(expires, now time.Time) string {
	if !expires.After(now) {
		return "expired at " + clockText(expires, now)
	}
	return fmt.Sprintf("expires %s (in %s)", clockText(expires, now), humanDuration(expires.Sub(now).Round(time.Minute)))
}
