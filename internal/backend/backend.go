package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/creds"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/settings"
	"github.com/assume-cli/assume/internal/sso"
	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/worker"
)

// Main runs assume-aws with the commands assume starts it with: "serve"
// (one request over the private channel), "exec" (--exec through a
// credentials endpoint), "endpoint" (assume serve) and "sso".
func Main(args []string, s *term.Streams) int {
	harden.Process(s)
	if len(args) > 0 {
		switch args[0] {
		case "exec":
			return runExec(args[1:], s)
		case "endpoint":
			return runEndpoint(args[1:], s)
		}
	}
	if len(args) > 0 && args[0] == "sso" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runSSO(ctx, args[1:], s)
	}
	if len(args) != 1 || args[0] != "serve" {
		fmt.Fprintln(s.Err, "assume-aws: error: this program is started by assume; run assume instead")
		return exitcode.Usage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := worker.Serve(ctx, func(ctx context.Context, req *worker.Request) *worker.Response {
		return handle(ctx, s, req)
	}); err != nil {
		fmt.Fprintf(s.Err, "assume-aws: error: %v\n", err)
		return exitcode.Failure
	}
	return 0
}

func handle(ctx context.Context, s *term.Streams, req *worker.Request) *worker.Response {
	switch req.Op {
	case worker.OpResolve:
		return resolve(ctx, s, req)
	case worker.OpWhoami:
		return whoami(ctx, s, req)
	case worker.OpConsole:
		return consoleSignin(ctx, s, req)
	case worker.OpClock:
		return clockSkew(ctx, s, req)
	case worker.OpRotate:
		return rotate(ctx, s, req)
	}
	return failure(fmt.Errorf("unknown request %q", req.Op))
}

func options(ctx context.Context, s *term.Streams, req *worker.Request) creds.Options {
	o := creds.Options{
		Region:   req.Region,
		Duration: req.Duration,
		Refresh:  req.Refresh,
		MFAToken: req.MFAToken,
		Notice:   func(msg string) { s.Noticef("%s", msg) },
		Getenv:   s.Getenv,
		Stdin:    s.In,
		Stderr:   s.Err,
	}
	if req.Prompt && s.CanPrompt() {
		o.Prompt = func(_ context.Context, serial string, attempt int) (string, error) {
			q := fmt.Sprintf("Enter MFA code for %s: ", serial)
			if attempt > 1 {
				q = fmt.Sprintf("That code was not accepted (try %d of %d). Enter MFA code for %s: ", attempt, 3, serial)
			}
			return s.Prompt(q, false)
		}
	}
	if req.Debug {
		o.Debug = debugWriter{s.Err}
	}
	if req.Prompt && s.CanPrompt() {
		o.SSOLogin = func(sess sso.Session) (*sso.Token, error) {
			c, err := ssoClient(s, req.Debug)
			if err != nil {
				return nil, err
			}
			s.Noticef("the IAM Identity Center session for %s needs a sign-in", sess.StartURL)
			return login(ctx, s, c, sess, false, req.Debug)
		}
	}
	set, _ := settings.Load(s.Getenv)
	// --mfa-prompt, else ASSUME_MFA_PROMPT, win over a profile's
	// mfa_prompt; the settings file does not. A bad ASSUME_MFA_PROMPT is
	// passed as it is, so that creds says so when a code is needed.
	o.MFAPromptFlag = req.MFAPrompt
	if o.MFAPromptFlag == "" {
		o.MFAPromptFlag = strings.ToLower(strings.TrimSpace(s.Getenv(creds.MFAPromptEnv)))
	}
	o.MFAPromptSetting = set.MFAPrompt()
	if set.SSOCache() == "keychain" && req.Prompt && s.CanPrompt() {
		// SSO tokens in the keychain: a client that may ask for the
		// passphrase of the encrypted-file keychain.
		if c, err := ssoClient(s, req.Debug); err == nil {
			o.SSO = c
		}
	}
	if st, err := secretstore.Cache(secretstore.Options{Getenv: s.Getenv, Settings: set}); err == nil {
		o.Cache = cache.New(st, cache.WithMargin(set.CacheMargin()))
	}
	return o
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

func resolve(ctx context.Context, s *term.Streams, req *worker.Request) *worker.Response {
	plan, err := loadPlan(s, req)
	if err != nil {
		return failure(err)
	}
	opts := options(ctx, s, req)
	opts.CacheKey = plan.CacheKey()
	res, err := creds.Get(ctx, plan, opts)
	if err != nil {
		return failure(err)
	}
	return &worker.Response{
		FromCache: res.FromCache,
		Credentials: &worker.Credentials{
			AccessKeyID:     res.AccessKeyID,
			SecretAccessKey: res.SecretAccessKey,
			SessionToken:    res.SessionToken,
			Expiration:      res.Expiration,
			AccountID:       res.AccountID,
		},
	}
}

// loadPlan resolves the request's profile, or builds the plan of an ad-hoc
// SSO role exactly as the front end did (so both compute one cache key).
func loadPlan(s *term.Streams, req *worker.Request) (*chain.Plan, error) {
	if a := req.SSO; a != nil {
		return chain.AdHocSSO(a.StartURL, a.Region, a.AccountID, a.RoleName)
	}
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return nil, err
	}
	plan, err := chain.Resolve(files, req.Profile)
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

func whoami(ctx context.Context, s *term.Streams, req *worker.Request) *worker.Response {
	var c creds.Credentials
	var served *worker.Credentials
	if req.Credentials == nil {
		// No keys in the environment: those of a credentials endpoint
		// (assume PROFILE --exec), whose expiry is reported back.
		var err error
		if c, err = endpointCredentials(ctx, s); err != nil {
			return failure(err)
		}
		served = &worker.Credentials{AccessKeyID: c.AccessKeyID, Expiration: c.Expiration}
	} else {
		c = creds.Credentials{
			AccessKeyID:     req.Credentials.AccessKeyID,
			SecretAccessKey: req.Credentials.SecretAccessKey,
			SessionToken:    req.Credentials.SessionToken,
		}
	}
	arn, account, userID, err := creds.CallerIdentity(ctx, c, options(ctx, s, req))
	if err != nil {
		return failure(err)
	}
	return &worker.Response{Identity: &worker.Identity{ARN: arn, Account: account, UserID: userID}, Credentials: served}
}

// failure turns err into the answer the front end prints.
func failure(err error) *worker.Response {
	if tl, ok := awssdk.AsTooLarge(err); ok {
		// The SDK's wrapping (operation, deserialization ...) says nothing
		// the user can act on: the refusal and its hint are the message.
		return &worker.Response{Error: &worker.Error{Message: tl.Error(), Code: exitcode.Network, Hints: []string{tl.Hint()}}}
	}
	if m, ok := awssdk.AsMalformed(err); ok {
		return &worker.Response{Error: &worker.Error{Message: m.Error(), Code: exitcode.Network, Hints: []string{m.Hint()}}}
	}
	e := &worker.Error{Message: err.Error(), Code: classify(err)}
	if h := creds.HintOf(err); h != "" {
		e.Hints = append(e.Hints, h)
	} else {
		var h interface{ Hint() string }
		if errors.As(err, &h) && h.Hint() != "" {
			e.Hints = append(e.Hints, h.Hint())
		}
	}
	return &worker.Response{Error: e}
}

// withExit gives an error its exit code class.
func withExit(code int, err error) error { return exitcode.With(code, err) }

// classify maps an error to its exit code class: domain errors say their
// own (ExitCode methods, internal/exitcode).
func classify(err error) int { return exitcode.Of(err) }
