package awsmain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/populate"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/settings"
	"github.com/assume-cli/assume/internal/sso"
	"github.com/assume-cli/assume/internal/term"
)

// ssoUsage is the synopsis of `assume sso`, from its declaration
// (internal/commands), as the front end's help shows it.
func ssoUsage() string {
	var b strings.Builder
	b.WriteString("usage:")
	for _, u := range commands.Lookup("sso").UsageLines() {
		b.WriteString("\n  assume " + u)
	}
	return b.String()
}

// runSSO runs `assume sso ...` and returns the exit code.
func runSSO(ctx context.Context, args []string, s *term.Streams) int {
	if len(args) == 0 {
		fmt.Fprintln(s.Err, "assume: error: sso needs a command\n"+ssoUsage())
		return exitcode.Usage
	}
	var err error
	switch args[0] {
	case "login":
		err = ssoLogin(ctx, args[1:], s)
	case "logout":
		err = ssoLogout(ctx, args[1:], s)
	case "ls":
		err = ssoList(ctx, args[1:], s)
	case "populate":
		err = ssoPopulate(ctx, args[1:], s)
	case "-h", "--help", "help":
		fmt.Fprintln(s.Out, ssoUsage())
		return 0
	default:
		err = usage(fmt.Errorf("unknown sso command %q", args[0]))
	}
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	return printFailure(s, err)
}

// errHelp ends a subcommand that printed its usage (-h, --help; the front
// end answers those itself, this is for assume-aws run by hand).
var errHelp = errors.New("help shown")

func errHelpShown(s *term.Streams) error {
	fmt.Fprintln(s.Out, ssoUsage())
	return errHelp
}

// usageError marks bad invocations (exit 2).
type usageError struct{ error }

func usage(err error) error { return usageError{err} }

// printFailure prints err the way the front end does and returns its code.
func printFailure(s *term.Streams, err error) int {
	code := classify(err)
	var ue usageError
	if errors.As(err, &ue) {
		code = exitcode.Usage
	}
	msg := err.Error()
	if tl, ok := awssdk.AsTooLarge(err); ok {
		msg, code = tl.Error(), exitcode.Network
	} else if m, ok := awssdk.AsMalformed(err); ok {
		msg, code = m.Error(), exitcode.Network
	}
	s.Errorf("%s", strings.ReplaceAll(msg, "\n", " "))
	for _, h := range failure(err).Hints {
		s.Hintf("%s", h)
	}
	if code == exitcode.Usage {
		fmt.Fprintln(s.Err, ssoUsage())
	}
	return code
}

// ssoTarget is the session a command works on, from --sso-session or
// --profile (or $AWS_PROFILE).
type ssoTarget struct {
	session, profile    string
	startURL, ssoRegion string // a start URL without a profile (assume --sso)
}

// bind binds the session-selecting flags (commands.SSOTargetFlags).
func (t *ssoTarget) bind(fs *flags.FlagSet) {
	fs.BindString(&t.session, commands.SSOSession.Long)
	fs.BindString(&t.profile, commands.SSOProfile.Long)
	fs.BindString(&t.startURL, commands.SSOStartURL.Long)
	fs.BindString(&t.ssoRegion, commands.SSORegion.Long)
}

// resolve finds the sso.Session the flags name.
func (t *ssoTarget) resolve(s *term.Streams) (sso.Session, error) {
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return sso.Session{}, err
	}
	n := 0
	for _, v := range []string{t.session, t.profile, t.startURL} {
		if v != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return sso.Session{}, usage(errors.New("give one of --sso-session, --profile or --sso-start-url"))
	case t.session != "":
		return sso.LookupSession(files, t.session)
	case t.startURL != "":
		sess := sso.Session{StartURL: t.startURL, Region: t.ssoRegion}
		if t.ssoRegion == "" {
			return sso.Session{}, usage(errors.New("--sso-start-url needs --sso-region"))
		}
		return sess, sess.Validate()
	}
	profile := t.profile
	if profile == "" {
		profile = s.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		return sso.Session{}, usage(errors.New("which login? give --sso-session NAME or --profile P"))
	}
	plan, err := chain.Resolve(files, profile)
	if err != nil {
		return sso.Session{}, err
	}
	for _, st := range plan.Steps {
		if st.Kind == chain.KindSSO {
			return sso.SessionFromStep(st), nil
		}
	}
	return sso.Session{}, usage(fmt.Errorf("profile %q does not use IAM Identity Center (no sso_session or sso_start_url in its chain)", profile))
}

func ssoClient(s *term.Streams, debug bool) (*sso.Client, error) {
	o := sso.Options{Getenv: s.Getenv}
	if debug {
		o.Debug = debugWriter{s.Err}
	}
	// sso_cache = keychain: tokens in the keychain only.
	so := secretstore.Options{Getenv: s.Getenv}
	if s.CanPrompt() {
		so.Prompt = func(label string) (string, error) { return s.Prompt(label, true) }
	}
	kc, err := secretstore.SSO(so)
	if err != nil {
		return nil, err
	}
	o.Keychain = kc
	return sso.New(o)
}

// login signs in interactively: PKCE in a browser where one can be opened,
// else (or with noBrowser) the device code flow.
func login(ctx context.Context, s *term.Streams, c *sso.Client, sess sso.Session, noBrowser, debug bool) (*sso.Token, error) {
	bo := browser.Options{}
	if debug {
		bo.Debug = debugWriter{s.Err}
	}
	opener, err := browser.New(s.Getenv, bo)
	if err != nil {
		return nil, err
	}
	return c.Login(ctx, sso.LoginOptions{
		Session:   sess,
		NoBrowser: noBrowser || !browser.CanOpen(s.Getenv),
		Browser:   opener,
		Out:       s.Err,
		Progress:  s.StderrTTY,
	})
}

// ssoCommand parses a subcommand's flags (the session-selecting ones,
// --debug, and those define adds), then finds the session and builds the
// client: the common start of login, logout and ls.
func ssoCommand(name string, args []string, s *term.Streams, define func(fs *flags.FlagSet)) (sso.Session, *sso.Client, bool, error) {
	var t ssoTarget
	var debug bool
	var help bool
	fs := commands.Lookup(name).FlagSet()
	t.bind(fs)
	fs.BindBool(&debug, commands.Debug.Long)
	fs.BindBool(&help, commands.Help.Long)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return sso.Session{}, nil, false, usage(err)
	}
	if help {
		return sso.Session{}, nil, false, errHelpShown(s)
	}
	if len(fs.Args()) > 0 {
		return sso.Session{}, nil, false, usage(fmt.Errorf("unexpected argument %q", fs.Args()[0]))
	}
	sess, err := t.resolve(s)
	if err != nil {
		return sso.Session{}, nil, false, err
	}
	c, err := ssoClient(s, debug)
	return sess, c, debug, err
}

func ssoLogin(ctx context.Context, args []string, s *term.Streams) error {
	var noBrowser bool
	sess, c, debug, err := ssoCommand("sso login", args, s, func(fs *flags.FlagSet) { fs.BindBool(&noBrowser, commands.NoBrowser.Long) })
	if err != nil {
		return err
	}
	_, err = login(ctx, s, c, sess, noBrowser, debug) // it says where it logged in, and until when
	return err
}

func ssoLogout(ctx context.Context, args []string, s *term.Streams) error {
	sess, c, _, err := ssoCommand("sso logout", args, s, nil)
	if err != nil {
		return err
	}
	removed, err := c.Logout(ctx, sess)
	if err != nil {
		return err
	}
	if removed {
		s.Noticef("signed out of %s", sess.StartURL)
	} else {
		s.Noticef("not signed in to %s", sess.StartURL)
	}
	return forgetDerived(s, sess.StartURL)
}

// forgetDerived drops the cached role credentials that came from the
// session signed out of, so that they are not served after the logout.
func forgetDerived(s *term.Streams, startURL string) error {
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return err
	}
	set, _ := settings.Load(s.Getenv)
	n, err := secretstore.ForgetSSOSessions(secretstore.Options{Getenv: s.Getenv, Settings: set}, files, startURL)
	if err != nil {
		return fmt.Errorf("signed out, but the cached credentials it gave could not all be dropped: %w", err)
	}
	if n > 0 {
		s.Noticef("dropped %d cached session(s) derived from it", n)
	}
	return nil
}

// ssoToken returns a usable token, signing in on a terminal when needed.
func ssoToken(ctx context.Context, s *term.Streams, c *sso.Client, sess sso.Session, debug bool) (*sso.Token, error) {
	tok, err := c.Token(ctx, sess)
	var lr *sso.LoginRequiredError
	if errors.As(err, &lr) && s.CanPrompt() {
		return login(ctx, s, c, sess, false, debug)
	}
	return tok, err
}

type lsAccount struct {
	ID    string   `json:"account_id"`
	Name  string   `json:"account_name"`
	Email string   `json:"email,omitempty"`
	Roles []string `json:"roles"`
}

func ssoList(ctx context.Context, args []string, s *term.Streams) error {
	var asJSON bool
	sess, c, debug, err := ssoCommand("sso ls", args, s, func(fs *flags.FlagSet) { fs.BindBool(&asJSON, commands.JSON.Long) })
	if err != nil {
		return err
	}
	tok, err := ssoToken(ctx, s, c, sess, debug)
	if err != nil {
		return err
	}
	accounts, err := c.Accounts(ctx, tok)
	if err != nil {
		return err
	}
	out := make([]lsAccount, 0, len(accounts))
	for _, a := range accounts {
		roles, err := c.Roles(ctx, tok, a.ID)
		if err != nil {
			return err
		}
		la := lsAccount{ID: a.ID, Name: a.Name, Email: a.Email, Roles: []string{}}
		for _, r := range roles {
			la.Roles = append(la.Roles, r.Name)
		}
		out = append(out, la)
	}
	return writeAccounts(s.Out, out, asJSON)
}

func writeAccounts(w io.Writer, accounts []lsAccount, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(accounts, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tNAME\tEMAIL\tROLES")
	for _, a := range accounts {
		// The names come from the identity provider: an escape sequence or
		// newline in one must not redraw the terminal or forge a row.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", term.Clean(a.ID), term.Clean(a.Name), term.Clean(a.Email), term.Clean(strings.Join(a.Roles, ", ")))
	}
	return tw.Flush()
}

// portalLister adapts the SSO client to populate.Lister: one request per
// call, failures classified so that populate owns pacing and retries.
type portalLister struct {
	c   *sso.Client
	tok *sso.Token
}

func (l portalLister) ListAccounts(ctx context.Context, next string) ([]populate.Account, string, error) {
	accts, next, err := l.c.AccountsPage(ctx, l.tok, next)
	out := make([]populate.Account, len(accts))
	for i, a := range accts {
		out[i] = populate.Account{ID: a.ID, Name: a.Name}
	}
	return out, next, classifyPortal(err)
}

func (l portalLister) ListAccountRoles(ctx context.Context, accountID, next string) ([]string, string, error) {
	roles, next, err := l.c.RolesPage(ctx, l.tok, accountID, next)
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = r.Name
	}
	return out, next, classifyPortal(err)
}

// classifyPortal marks throttling and transient failures for populate's
// retry logic; everything else (401, 404 ...) is fatal.
func classifyPortal(err error) error {
	if err == nil {
		return nil
	}
	var (
		th  *sso.ThrottledError
		net *sso.NetworkError
		api *sso.APIError
	)
	switch {
	case errors.As(err, &th):
		return &populate.RequestError{Kind: populate.Throttled, Err: err}
	case errors.As(err, &net) && net.Timeout == 0:
		return &populate.RequestError{Kind: populate.Transient, Err: err}
	case errors.As(err, &api) && api.Status >= 500:
		return &populate.RequestError{Kind: populate.Transient, Err: err}
	}
	return err
}

func ssoPopulate(ctx context.Context, args []string, s *term.Streams) error {
	var o populate.Options
	var debug bool
	fs := commands.Lookup("sso populate").FlagSet()
	fs.BindString(&o.SSOSession, commands.SSOSession.Long)
	fs.BindString(&o.Prefix, commands.Prefix.Long)
	fs.BindString(&o.Template, commands.NameTemplate.Long)
	fs.BindString(&o.Region, commands.PopRegion.Long)
	fs.BindBool(&o.Prune, commands.Prune.Long)
	fs.BindBool(&o.DryRun, commands.DryRun.Long)
	fs.BindBool(&debug, commands.Debug.Long)
	var help bool
	fs.BindBool(&help, commands.Help.Long)
	if err := fs.Parse(args); err != nil {
		return usage(err)
	}
	if help {
		return errHelpShown(s)
	}
	if len(fs.Args()) > 0 {
		return usage(fmt.Errorf("unexpected argument %q", fs.Args()[0]))
	}
	if o.SSOSession == "" {
		return usage(errors.New("populate needs --sso-session NAME"))
	}
	t := ssoTarget{session: o.SSOSession}
	sess, err := t.resolve(s)
	if err != nil {
		return err
	}
	c, err := ssoClient(s, debug)
	if err != nil {
		return err
	}
	tok, err := ssoToken(ctx, s, c, sess, debug)
	if err != nil {
		return err
	}
	o.ConfigPath, _ = awsconfig.Locate(s.Getenv)
	o.Lister = portalLister{c: c, tok: tok}
	o.Progress, o.ProgressTTY = s.Err, s.StderrTTY
	sum, err := populate.Populate(ctx, o)
	if err != nil {
		return err
	}
	if o.DryRun {
		io.WriteString(s.Out, sum.Diff)
	}
	s.Noticef("%s", sum)
	return nil
}
