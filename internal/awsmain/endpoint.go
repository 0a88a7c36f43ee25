package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/credserver"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// refreshTimeout bounds one refresh of an endpoint. It is generous because
// a refresh may wait for an MFA code typed on the terminal, or for another
// process that is getting the same credentials.
const refreshTimeout = 5 * time.Minute

// EnvProfile names the profile whose credentials an exec child receives
// through the endpoint. It is for prompts and scripts only: no SDK reads
// it (AWS_PROFILE would make the SDKs load the profile themselves instead
// of asking the endpoint).
const EnvProfile = "ASSUME_PROFILE"

// source provides an endpoint's credentials: the first fetch, made before
// the endpoint starts (so that its errors are reported like any other
// command's), then refreshes through creds.Get, which shares the cache and
// its single-flight lock with every other assume.
type source struct {
	plan *chain.Plan
	res  *creds.Resolver
	req  creds.Request

	mu      sync.Mutex
	pending *creds.Result // the first fetch, handed to the server once
	held    time.Time     // the expiry of the credentials the server holds
}

// provide implements credserver.Provider. A refresh (force) asks for
// credentials that expire later than the ones held: another process may
// have cached such already; else they are fetched, reusing the cached MFA
// session, so a refresh asks for a code only when that session is gone.
func (p *source) provide(ctx context.Context, force bool) (credserver.Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	res := p.pending
	p.pending = nil
	if res == nil {
		req := p.req
		req.Refresh, req.MFAToken = false, "" // a code works once
		if force {
			req.NewerThan = p.held
		}
		var err error
		if res, err = p.res.Get(ctx, p.plan, req); err != nil {
			return credserver.Credentials{}, err
		}
	}
	p.held = res.Expiration
	return credserver.Credentials{
		AccessKeyID:     res.AccessKeyID,
		SecretAccessKey: res.SecretAccessKey,
		SessionToken:    res.SessionToken,
		Expiration:      res.Expiration,
		AccountID:       res.AccountID,
	}, nil
}

// endpoint is a started credentials server and what it serves.
type endpoint struct {
	srv     *credserver.Server
	plan    *chain.Plan
	req     *awsproc.ResolveRequest
	profile string // "" for assume --sso
	account string // the account of the credentials served, when known
}

// handedOff parses the flags of the hand-off command name (exec, which
// needs a command after "--", or endpoint, which takes none) and reads its
// request; code != 0 is the exit status of a failure, already reported.
func handedOff(name string, args []string, s *term.Streams) (*endpointFlags, *awsproc.ResolveRequest, int) {
	f, err := parseEndpointFlags(name, args)
	switch {
	case err != nil:
	case name == awsproc.CmdExec && len(f.rest) == 0:
		err = badUsage{errors.New("exec needs a command after --")}
	case name != awsproc.CmdExec && len(f.rest) > 0:
		err = badUsage{fmt.Errorf("%s takes no command", name)}
	}
	if err != nil {
		return nil, nil, reportFailure(s, err)
	}
	req, err := awsproc.ReadHandOff(f.requestFile)
	if err != nil {
		return nil, nil, reportFailure(s, err)
	}
	return f, req, 0
}

// openEndpoint is startEndpoint for exec and endpoint: fetched is set once
// the first fetch returned (see exitIfStuck), and a failure is reported,
// as "cancelled" when a signal cancelled ctx; code != 0 is its exit status.
func openEndpoint(ctx context.Context, s *term.Streams, req *awsproc.ResolveRequest, addr string, fetched *atomic.Bool) (*endpoint, int) {
	e, err := startEndpoint(ctx, s, req, addr)
	fetched.Store(true)
	if err != nil {
		if ctx.Err() != nil {
			s.Errorf("cancelled")
			return nil, exitcode.Cancelled
		}
		return nil, reportFailure(s, err)
	}
	return e, 0
}

// startEndpoint resolves the request's credentials once (prompting on the
// terminal when allowed) and creates the server at addr ("" for the
// default, 127.0.0.1 on a free port). Serve it with srv.Serve.
func startEndpoint(ctx context.Context, s *term.Streams, req *awsproc.ResolveRequest, addr string) (*endpoint, error) {
	plan, err := loadPlan(s, req)
	if err != nil {
		return nil, err
	}
	c := resolveCall(req)
	src := &source{plan: plan, res: c.resolver(ctx, s), req: c.request()}
	src.req.CacheKey = plan.CacheKey()
	res, err := src.res.Get(ctx, plan, src.req)
	if err != nil {
		return nil, err
	}
	src.pending = res
	so := credserver.Options{Addr: addr, RefreshTimeout: refreshTimeout}
	if req.Debug {
		so.Debug = debugPrefix{s.Err}
	}
	srv, err := credserver.New(src.provide, so)
	if err != nil {
		return nil, badUsage{err}
	}
	// Hand the first credentials to the server now, so its first client
	// never waits.
	if _, err := srv.Credentials(ctx); err != nil {
		srv.Close()
		return nil, err
	}
	return &endpoint{srv: srv, plan: plan, req: req, profile: req.Profile, account: res.AccountID}, nil
}

// debugPrefix marks the endpoint's debug lines like the rest of assume's.
type debugPrefix struct{ w io.Writer }

func (d debugPrefix) Write(p []byte) (int, error) {
	if _, err := io.WriteString(d.w, "assume: debug: "); err != nil {
		return 0, err
	}
	return d.w.Write(p)
}

// staleVars are variables of an earlier `assume` in the environment: the
// endpoint's clients must not see them (credserver.ConflictingEnv covers
// the rest), nor the shell function's channel.
var staleVars = []string{"AWS_SESSION_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCOUNT_ID", EnvProfile,
	shell.EnvShell, shell.EnvOutputFD, shell.EnvOutputFile}

// childEnv is the environment of a command served by e: environ without
// credentials of its own or a profile, with the endpoint's two variables,
// the region, and ASSUME_PROFILE.
func (e *endpoint) childEnv(environ []string) []string {
	var base []string
next:
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		for _, v := range staleVars {
			if strings.EqualFold(name, v) {
				continue next
			}
		}
		base = append(base, kv)
	}
	env := e.srv.ChildEnv(base)
	env = append(env, "AWS_REGION="+e.req.Region, "AWS_DEFAULT_REGION="+e.req.Region)
	if e.profile != "" {
		env = append(env, EnvProfile+"="+e.profile)
	}
	if chain.IsAccountID(e.account) {
		env = append(env, "AWS_ACCOUNT_ID="+e.account)
	}
	return env
}

// vars is what `assume serve` prints: the endpoint's variables and the
// region to set, and every variable that would keep an SDK from using
// the endpoint to clear.
func (e *endpoint) vars() shell.Script {
	sc := shell.Script{Set: map[string]string{
		credserver.EnvFullURI: e.srv.URL(),
		credserver.EnvToken:   e.srv.Token(),
		"AWS_REGION":          e.req.Region,
		"AWS_DEFAULT_REGION":  e.req.Region,
	}}
	if chain.IsAccountID(e.account) {
		sc.Set["AWS_ACCOUNT_ID"] = e.account
	}
	for _, v := range append(credserver.ConflictingEnv(), "AWS_SESSION_EXPIRATION", "AWS_ACCOUNT_ID") {
		if _, set := sc.Set[v]; !set {
			sc.Unset = append(sc.Unset, v)
		}
	}
	return sc
}

// warnDefaultProfile says when the default profile has credentials of its
// own: the SDKs look at it before the container endpoint (no variable can
// turn that off without hiding the config files), so a command would use
// those credentials instead of the profile's.
func warnDefaultProfile(s *term.Streams, profile string) {
	if profile == "default" {
		return
	}
	if plan, err := chain.Load(s.Getenv, "default"); err == nil && len(plan.Steps) > 0 {
		s.Noticef("warning: the default profile has credentials of its own, and AWS SDKs use them before the credentials endpoint; use --static, or move them out of the default profile")
	}
}

// badUsage marks a bad invocation of exec or endpoint (exit 2).
type badUsage struct{ error }

func (e badUsage) Unwrap() error { return e.error }

// reportFailure prints err like the front end does (one error line, then
// hints) and returns its exit code.
func reportFailure(s *term.Streams, err error) int {
	var ue badUsage
	if errors.As(err, &ue) {
		s.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", " "))
		return exitcode.Usage
	}
	f := failure(err)
	s.Errorf("%s", strings.ReplaceAll(f.Message, "\n", " "))
	for _, h := range f.Hints {
		s.Hintf("%s", h)
	}
	return f.Code
}

// stopSignals end an endpoint (and cancel the first fetch of exec).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// stuckGrace is how long a cancelled first fetch may take to return.
const stuckGrace = 300 * time.Millisecond

// exitIfStuck ends the process with "cancelled" (exit 130) unless done is
// set within stuckGrace: an MFA prompt waiting on the terminal cannot be
// cancelled, and Ctrl-C must not wait for Enter. Nothing is left half
// done: the kernel drops our locks, cache files are replaced atomically.
func exitIfStuck(s *term.Streams, done *atomic.Bool) {
	time.AfterFunc(stuckGrace, func() {
		if !done.Load() {
			s.Errorf("cancelled")
			os.Exit(exitcode.Cancelled)
		}
	})
}

// signalContext returns a context that ends on INT, TERM or HUP; until
// fetched is set, a signal also ends the process if the work does not
// return promptly (see exitIfStuck).
func signalContext(s *term.Streams, fetched *atomic.Bool) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
			exitIfStuck(s, fetched)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// endpointFlags parses the flags of `assume-aws exec` and `assume-aws
// endpoint`; rest is what follows "--".
type endpointFlags struct {
	requestFile string
	print       string
	addr        string
	rest        []string
}

func parseEndpointFlags(name string, args []string) (*endpointFlags, error) {
	var f endpointFlags
	for i, a := range args {
		if a == "--" {
			args, f.rest = args[:i], args[i+1:]
			break
		}
	}
	fs := flags.New(name)
	fs.String(&f.requestFile, "request-file", "")
	fs.String(&f.print, "print", "")
	fs.String(&f.addr, "addr", "")
	if err := fs.Parse(args); err != nil {
		return nil, badUsage{fmt.Errorf("%s: %v", name, err)}
	}
	if len(fs.Args()) > 0 {
		return nil, badUsage{fmt.Errorf("%s: unexpected argument %q", name, fs.Args()[0])}
	}
	return &f, nil
}
