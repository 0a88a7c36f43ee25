package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awscreds"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/eks"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/flags"
)

// runEKS is `assume eks token|kubeconfig`.
func runEKS(ctx context.Context, args []string, s *invocation) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		return writeHelp(s.Out, commands.Lookup("eks"))
	}
	switch args[0] {
	case "token":
		return runEKSToken(ctx, args[1:], s)
	case "kubeconfig":
		return runEKSKubeconfig(ctx, args[1:], s)
	}
	return usageErr("unknown eks command %q: use token or kubeconfig (assume eks --help)", args[0])
}

// eksTarget is whose credentials an eks command uses, and where.
type eksTarget struct {
	profile string                // "" with env
	env     *awscreds.Credentials // the environment's keys, without a profile
	plan    *chain.Plan
	region  string
}

// eksTargetOf applies the rule of --profile: the flag, else AWS_PROFILE,
// else the keys in the environment.
func eksTargetOf(s *invocation, profile, region string) (*eksTarget, error) {
	if profile == "" {
		profile = s.Getenv("AWS_PROFILE")
	}
	t := &eksTarget{profile: profile}
	if profile == "" {
		id, secret := s.Getenv("AWS_ACCESS_KEY_ID"), s.Getenv("AWS_SECRET_ACCESS_KEY")
		if id == "" || secret == "" {
			return nil, withCode(ExitConfig, errors.New("no credentials: no --profile, no AWS_PROFILE and no AWS_ACCESS_KEY_ID in the environment"),
				"give the profile: assume eks token --cluster NAME --profile P")
		}
		t.env = &awscreds.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: s.Getenv("AWS_SESSION_TOKEN")}
		t.region = pickRegion(region, nil, s)
		return t, nil
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return nil, err
	}
	t.plan, t.region = plan, pickRegion(region, plan, s)
	return t, nil
}

// who names the credentials in the token cache key.
func (t *eksTarget) who() string {
	if t.env != nil {
		return "env:" + t.env.AccessKeyID
	}
	return t.plan.CacheKey()
}

// resolveRequest is the request of the target's credentials.
func (t *eksTarget) resolveRequest(debug, prompt bool) awsproc.ResolveRequest {
	return awsproc.ResolveRequest{Profile: t.profile, Region: t.region, Debug: debug, Prompt: prompt}
}

// runEKSToken is `assume eks token`: kubectl's exec credential plugin.
func runEKSToken(ctx context.Context, args []string, s *invocation) error {
	var cluster, profile, region, roleARN string
	var debug bool
	pos, err := simpleFlags(s, "eks token", args, func(fs *flags.FlagSet) {
		fs.BindString(&cluster, commands.EKSCluster.Long)
		fs.BindString(&profile, commands.EKSProfile.Long)
		fs.BindString(&region, commands.Region.Long)
		fs.BindString(&roleARN, commands.EKSRoleARN.Long)
		fs.BindBool(&debug, commands.Debug.Long)
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("eks token takes no arguments: assume eks token --cluster NAME [--profile P]")
	}
	if cluster == "" {
		return usageErr("eks token needs --cluster NAME")
	}
	info, err := eks.ParseExecInfo(s.Getenv(eks.ExecInfoEnv))
	if err != nil {
		return withCode(ExitUsage, err)
	}
	t, err := eksTargetOf(s, profile, region)
	if err != nil {
		return err
	}
	debugf := func(format string, a ...any) {
		if debug {
			s.Noticef("debug: "+format, a...)
		}
	}
	key := eks.CacheKey(t.who(), cluster, t.region, roleARN)
	c := openCache(s)
	if c != nil {
		tok, err := c.EKSToken(key)
		if err == nil {
			debugf("eks token cache hit for %s in %s, expires %s", cluster, t.region, tok.Expiration.UTC().Format(time.RFC3339))
			return writeExecCredential(s.Out, info.APIVersion, tok.Token, tok.Expiration)
		}
		debugf("eks token cache: %v", err)
	}
	// kubectl says whether it gave us its terminal; run by hand, the
	// terminal decides.
	prompt := s.CanPrompt() && (!info.Known || info.Interactive)
	req := &awsproc.EKSTokenRequest{Resolve: t.resolveRequest(debug, prompt), RoleARN: roleARN, Cluster: cluster}
	if t.env != nil {
		env := awsproc.Credentials(*t.env)
		req.Credentials = &env
	}
	resp, err := s.assumeAWS().EKSToken(ctx, req)
	if err != nil {
		return withHintInline(err)
	}
	exp := eks.Expires(resp.Signed, resp.CredentialsExpire)
	if c != nil {
		if err := c.PutEKSToken(key, &cache.EKSToken{Token: resp.Token, Expiration: exp}); err != nil {
			debugf("eks token cache: not written: %v", err)
		}
	}
	return writeExecCredential(s.Out, info.APIVersion, resp.Token, exp)
}

func writeExecCredential(w io.Writer, apiVersion, token string, exp time.Time) error {
	b, err := eks.Credential(apiVersion, token, exp)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// withHintInline folds the hint of a failure that needs the user (a prompt
// without a terminal) into its message: kubectl shows the plugin's
// stderr, and one line saying which command to run reads best there.
func withHintInline(err error) error {
	code := exitcode.Of(err)
	if code != ExitInteraction {
		return err
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return withCode(code, fmt.Errorf("%s: %s", strings.TrimSuffix(err.Error(), "."), h.Hint()))
	}
	return err
}
