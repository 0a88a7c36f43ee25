package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/shell"
)

// endpointRequest is the request handed to assume-aws for exec and serve.
func endpointRequest(s *invocation, plan *chain.Plan, req resolveRequest) *awsproc.ResolveRequest {
	return req.awsRequest(pickRegion(req.region, plan, s))
}

// execEndpoint runs `assume PROFILE --exec -- CMD` the default way: CMD
// gets its credentials from a local credentials endpoint that refreshes
// them, run by assume-aws, which takes over from here (see handOff).
func execEndpoint(s *invocation, plan *chain.Plan, req resolveRequest, argv []string) error {
	// A command that cannot run fails now, before any prompt.
	if _, err := lookCommand(argv[0]); err != nil {
		return err
	}
	if req.debug {
		s.Noticef("debug: --exec: handing over to %s, which serves the credentials to %s through an endpoint", awsproc.Executable, argv[0])
	}
	return handOff(s, append([]string{awsproc.CmdExec, "--"}, argv...), endpointRequest(s, plan, req))
}

// runServe runs `assume serve PROFILE`: a credentials endpoint on loopback
// for IDEs and long-lived tools, until it is stopped or its parent exits.
func runServe(_ context.Context, args []string, s *invocation) error {
	var o assumeOptions
	var addr string
	fs := commands.Lookup("serve").FlagSet()
	o.bind(fs)
	fs.BindString(&addr, commands.Addr.Long)
	if err := fs.Parse(args); err != nil {
		return usageErr("serve: %v", err)
	}
	if len(fs.Args()) > 1 {
		return usageErr("serve takes one profile")
	}
	err := o.TakeProfile(fs.Args())
	if err == nil {
		err = o.AdHocSSO.Check(o.Profile)
	}
	if err != nil {
		return err
	}
	if o.print == "" {
		o.print = shell.Sh
	}
	if !slices.Contains(shell.PrintFormats(), o.print) {
		return usageErr("unknown --print format %q: use one of %s", o.print, strings.Join(shell.PrintFormats(), ", "))
	}
	var plan *chain.Plan
	var adhoc *awsproc.AdHocSSO
	switch {
	case o.SSO:
		adhoc = &awsproc.AdHocSSO{StartURL: o.SSOStartURL, Region: o.SSORegion, AccountID: o.SSOAccountID, RoleName: o.SSORoleName}
		plan, err = chain.AdHocSSO(adhoc.StartURL, adhoc.Region, adhoc.AccountID, adhoc.RoleName)
		err = configErr(err)
	case o.Profile == "":
		return usageErr("serve needs a profile: assume serve PROFILE [--print sh|fish|pwsh|json]")
	default:
		plan, err = loadPlan(s, o.Profile)
	}
	if err != nil {
		return err
	}
	dur, err := parseDuration(o.Duration)
	if err != nil {
		return err
	}
	req := resolveRequest{profile: o.Profile, region: o.Region, duration: dur, mfaToken: o.MFAToken,
		mfaPrompt: o.MFAPrompt, refresh: o.Refresh, debug: o.Debug, sso: adhoc}
	if err := req.check(); err != nil {
		return err
	}
	wargs := []string{awsproc.CmdEndpoint, "--print", o.print}
	if addr != "" {
		wargs = append(wargs, "--addr", addr)
	}
	return handOff(s, wargs, endpointRequest(s, plan, req))
}

// autoRefresh is `assume PROFILE --auto-refresh`, run by the prompt hook of
// `assume init SHELL --auto-refresh` when the shell's credentials are about
// to expire: the same as `assume PROFILE` (the cache first, else AWS), but
// it never prompts, keeps the shell's region, prints nothing when it
// worked and exactly one line when it did not, so the shell stays usable.
func autoRefresh(ctx context.Context, s *invocation, plan *chain.Plan, req resolveRequest) error {
	req.noPrompt = true
	if req.region == "" {
		req.region = s.Getenv("AWS_REGION")
	}
	fail := func(err error) error {
		msg := strings.ReplaceAll(err.Error(), "\n", " ")
		if strings.Contains(msg, "there is no terminal") {
			msg = strings.Replace(msg, "there is no terminal to ask for it", "the prompt hook never asks", 1)
		}
		fmt.Fprintf(s.Err, "assume: could not refresh the credentials of %s: %s; run assume %s\n", req.profile, msg, req.profile)
		return &silentExit{code: exitCodeOf(err)}
	}
	out, err := openOutput(ctx, s, "", false)
	if err != nil {
		return fail(errors.New("the shell function is not loaded"))
	}
	defer out.Close()
	res, err := resolveCredentials(ctx, s, plan, req)
	if err != nil {
		return fail(err)
	}
	if !res.Expiration.IsZero() && !res.Expiration.After(time.Now()) {
		return fail(errors.New("the credentials have expired"))
	}
	if err := out.Apply(exportVars(res)); err != nil {
		return fail(err)
	}
	return nil
}
