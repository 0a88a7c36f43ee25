package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/settings"
	"github.com/assume-cli/assume/internal/sso"
	"github.com/assume-cli/assume/internal/term"
)

// Main runs assume-aws with the commands assume starts it with: "serve"
// (one request over the private channel), "exec" (--exec through a
// credentials endpoint), "endpoint" (assume serve) and "sso".
func Main(args []string, s *term.Streams) int {
	harden.Process(s)
	if len(args) > 0 {
		switch args[0] {
		case awsproc.CmdExec:
			return runExec(args[1:], s)
		case awsproc.CmdEndpoint:
			return runEndpoint(args[1:], s)
		}
	}
	if len(args) > 0 && args[0] == awsproc.CmdEKS {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runEKS(ctx, args[1:], s)
	}
	if len(args) > 0 && args[0] == awsproc.CmdSSO {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runSSO(ctx, args[1:], s)
	}
	if len(args) > 0 && (args[0] == awsproc.CmdLogin || args[0] == awsproc.CmdLogout) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if args[0] == awsproc.CmdLogin {
			return runLogin(ctx, args[1:], s)
		}
		return runLogout(ctx, args[1:], s)
	}
	if len(args) != 1 || args[0] != awsproc.CmdServe {
		fmt.Fprintln(s.Err, "assume-aws: error: this program is started by assume; run assume instead")
		return exitcode.Usage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := awsproc.Serve(ctx, handlers(s)); err != nil {
		fmt.Fprintf(s.Err, "assume-aws: error: %v\n", err)
		return exitcode.Failure
	}
	return 0
}

// handlers are the operations of `assume-aws serve`.
func handlers(s *term.Streams) *awsproc.Handlers {
	return &awsproc.Handlers{
		Resolve: func(ctx context.Context, r *awsproc.ResolveRequest) (*awsproc.ResolveResponse, error) {
			return resolve(ctx, s, r)
		},
		Whoami: func(ctx context.Context, r *awsproc.WhoamiRequest) (*awsproc.WhoamiResponse, error) {
			return whoami(ctx, s, r)
		},
		Console: func(ctx context.Context, r *awsproc.ConsoleRequest) (*awsproc.ConsoleResponse, error) {
			return consoleSignin(ctx, s, r)
		},
		Clock: func(ctx context.Context, r *awsproc.ClockRequest) (*awsproc.ClockResponse, error) {
			return clockSkew(ctx, s, r)
		},
		Rotate: func(ctx context.Context, r *awsproc.RotateRequest) (*awsproc.RotateResponse, error) {
			return rotate(ctx, s, r)
		},
		EKSToken: func(ctx context.Context, r *awsproc.EKSTokenRequest) (*awsproc.EKSTokenResponse, error) {
			return eksToken(ctx, s, r)
		},
		Failure: failure,
	}
}

// call is what every operation tells creds: where, how long, whether it
// may prompt.
type call struct {
	Region   string
	Duration time.Duration
	MFAToken string
	Refresh  bool
	Debug    bool
	Prompt   bool
	// MFAPrompt is --mfa-prompt.
	MFAPrompt string
}

// resolveCall is the call of a resolve request (and of a hand-off).
func resolveCall(r *awsproc.ResolveRequest) call {
	return call{Region: r.Region, Duration: r.Duration, MFAToken: r.MFAToken, Refresh: r.Refresh, Debug: r.Debug, Prompt: r.Prompt,
		MFAPrompt: r.MFAPrompt}
}

// request is what c asks of creds.
func (c call) request() creds.Request {
	return creds.Request{Region: c.Region, Duration: c.Duration, Refresh: c.Refresh, MFAToken: c.MFAToken}
}

// options are the resolver and the request of c together.
func options(ctx context.Context, s *term.Streams, c call) creds.Options {
	return creds.Options{Resolver: *c.resolver(ctx, s), Request: c.request()}
}

// resolver is the resolver of c: --mfa-prompt wins over ASSUME_MFA_PROMPT.
func (c call) resolver(ctx context.Context, s *term.Streams) *creds.Resolver {
	r := resolver(ctx, s, c.Debug, c.Prompt)
	if c.MFAPrompt != "" {
		r.MFAPromptFlag = c.MFAPrompt
	}
	return r
}

// resolver is the long-lived side of creds for this process: the terminal
// (prompts when allowed), the debug trace, the SSO client and sign-in, the
// session cache.
func resolver(ctx context.Context, s *term.Streams, debug, prompt bool) *creds.Resolver {
	r := &creds.Resolver{
		Notice: func(msg string) { s.Noticef("%s", msg) },
		Getenv: s.Getenv,
		Stdin:  s.In,
		Stderr: s.Err,
	}
	prompt = prompt && s.CanPrompt()
	if prompt {
		r.Prompt = creds.TerminalPrompt(func(q string) (string, error) { return s.Prompt(q, false) })
		r.SSOLogin = func(sess sso.Session) (*sso.Token, error) {
			c, err := ssoClient(s, debug)
			if err != nil {
				return nil, err
			}
			s.Noticef("the IAM Identity Center session for %s needs a sign-in", sess.StartURL)
			return login(ctx, s, c, sess, false, debug)
		}
	}
	if debug {
		r.Debug = debugWriter{s.Err}
	}
	set, _ := settings.Load(s.Getenv)
	// --mfa-prompt, else ASSUME_MFA_PROMPT, win over a profile's
	// mfa_prompt; the settings file does not. A bad ASSUME_MFA_PROMPT is
	// passed as it is, so that creds says so when a code is needed.
	r.MFAPromptFlag = strings.ToLower(strings.TrimSpace(s.Getenv(creds.MFAPromptEnv)))
	r.MFAPromptSetting = set.MFAPrompt()
	if set.SSOCache() == "keychain" && prompt {
		// SSO tokens in the keychain: a client that may ask for the
		// passphrase of the encrypted-file keychain.
		if c, err := ssoClient(s, debug); err == nil {
			r.SSO = c
		}
	}
	if c, err := secretstore.SessionCache(secretstore.Options{Getenv: s.Getenv, Settings: set}); err == nil {
		r.Cache = c
	}
	return r
}

// debugWriter prefixes debug output so it is told apart from messages
// (creds writes "debug: creds: ..." lines); a browser's own output goes
// here too, so every line is cleaned (term.CleanLines).
type debugWriter struct{ w io.Writer }

func (d debugWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(d.w, "assume: "+term.CleanLines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func resolve(ctx context.Context, s *term.Streams, req *awsproc.ResolveRequest) (*awsproc.ResolveResponse, error) {
	plan, err := loadPlan(s, req)
	if err != nil {
		return nil, err
	}
	c := resolveCall(req)
	cr := c.request()
	cr.CacheKey = plan.CacheKey()
	res, err := c.resolver(ctx, s).Get(ctx, plan, cr)
	if err != nil {
		return nil, err
	}
	return &awsproc.ResolveResponse{FromCache: res.FromCache, Credentials: awsproc.Credentials(res.Credentials)}, nil
}

// loadPlan resolves the request's profile, or builds the plan of an ad-hoc
// SSO role exactly as the front end did (so both compute one cache key).
func loadPlan(s *term.Streams, req *awsproc.ResolveRequest) (*chain.Plan, error) {
	if a := req.SSO; a != nil {
		return chain.AdHocSSO(a.StartURL, a.Region, a.AccountID, a.RoleName)
	}
	plan, err := chain.Load(s.Getenv, req.Profile)
	if err != nil {
		return nil, err
	}
	// Keys kept in the keychain (assume creds) become static keys here.
	o := secretstore.Options{Getenv: s.Getenv}
	if req.Prompt && s.CanPrompt() {
		o.Prompt = func(label string) (string, error) { return s.Prompt(label, true) }
	}
	return secretstore.WithStoredKeys(plan, o)
}

func whoami(ctx context.Context, s *term.Streams, req *awsproc.WhoamiRequest) (*awsproc.WhoamiResponse, error) {
	var c creds.Credentials
	var out awsproc.WhoamiResponse
	if req.Credentials == nil {
		// No keys in the environment: those of a credentials endpoint
		// (assume PROFILE --exec), whose expiry is reported back.
		var err error
		if c, err = endpointCredentials(ctx, s); err != nil {
			return nil, err
		}
		out.Expiration = c.Expiration
	} else {
		c = creds.Credentials(*req.Credentials)
	}
	var err error
	out.ARN, out.Account, out.UserID, err = resolver(ctx, s, req.Debug, false).CallerIdentity(ctx, c, creds.Request{Region: req.Region})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// failure turns err into the answer the front end prints.
func failure(err error) *awsproc.Error {
	if tl, ok := awssdk.AsTooLarge(err); ok {
		// The SDK's wrapping (operation, deserialization ...) says nothing
		// the user can act on: the refusal and its hint are the message.
		return &awsproc.Error{Message: tl.Error(), Code: exitcode.Network, Hints: []string{tl.Hint()}}
	}
	if m, ok := awssdk.AsMalformed(err); ok {
		return &awsproc.Error{Message: m.Error(), Code: exitcode.Network, Hints: []string{m.Hint()}}
	}
	e := &awsproc.Error{Message: err.Error(), Code: classify(err)}
	if h := creds.HintOf(err); h != "" {
		e.Hints = append(e.Hints, h)
	} else {
		var h interface{ Hint() string }
		if errors.As(err, &h) && h.Hint() != "" {
			e.Hints = append(e.Hints, h.Hint())
		}
	}
	return e
}

// withExit gives an error its exit code class.
func withExit(code int, err error) error { return exitcode.With(code, err) }

// classify maps an error to its exit code class: domain errors say their
// own (ExitCode methods, internal/exitcode).
func classify(err error) int { return exitcode.Of(err) }
