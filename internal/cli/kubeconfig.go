package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/kubeconfig"
)

// eksKubeconfigOptions are the flags of `assume eks kubeconfig`.
type eksKubeconfigOptions struct {
	cluster, profile, region, alias, file string
	all, dryRun, debug                    bool
}

// runEKSKubeconfig is `assume eks kubeconfig`: DescribeCluster (through
// assume-aws), then the cluster, user and context entries in the
// kubeconfig, the user running `assume eks token`.
func runEKSKubeconfig(ctx context.Context, args []string, s *invocation) error {
	var o eksKubeconfigOptions
	pos, err := simpleFlags(s, "eks kubeconfig", args, func(fs *flags.FlagSet) {
		fs.BindString(&o.cluster, commands.EKSCluster.Long)
		fs.BindString(&o.profile, commands.EKSProfile.Long)
		fs.BindString(&o.region, commands.Region.Long)
		fs.BindString(&o.alias, commands.EKSAlias.Long)
		fs.BindString(&o.file, commands.EKSKubeconfig.Long)
		fs.BindBool(&o.all, commands.EKSAll.Long)
		fs.BindBool(&o.dryRun, commands.EKSDryRun.Long)
		fs.BindBool(&o.debug, commands.Debug.Long)
	})
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usageErr("eks kubeconfig takes no arguments: assume eks kubeconfig --cluster NAME --profile P")
	case o.cluster == "" && !o.all:
		return usageErr("eks kubeconfig needs --cluster NAME or --all")
	case o.cluster != "" && o.all:
		return usageErr("eks kubeconfig takes --cluster NAME or --all, not both")
	case o.all && o.alias != "":
		return usageErr("--alias names one context: it does not go with --all")
	}
	t, err := eksTargetOf(s, o.profile, o.region)
	if err != nil {
		return err
	}
	if t.profile == "" {
		return usageErr("eks kubeconfig needs a profile for the kubeconfig user to run assume eks token with: --profile P")
	}
	path, err := kubeconfig.Path(o.file, s.Getenv)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// A file that cannot be edited is refused before any AWS call.
	if _, _, err := kubeconfig.Read(path); err != nil {
		return kubeconfigErr(err)
	}
	req := &awsproc.EKSClustersRequest{Resolve: t.resolveRequest(o.debug, s.CanPrompt()), All: o.all}
	if o.cluster != "" {
		req.Names = []string{o.cluster}
	}
	resp, err := s.assumeAWS().EKSClusters(ctx, req)
	if err != nil {
		return withHintInline(err)
	}
	if len(resp.Clusters) == 0 {
		return withCode(ExitConfig, fmt.Errorf("profile %s sees no EKS cluster in %s", t.profile, t.region),
			"check --region; the clusters are listed per region")
	}
	_, statErr := os.Stat(path)
	existed := statErr == nil
	var contexts []string
	changes, err := kubeconfig.Update(path, o.dryRun, func(f *kubeconfig.File) ([]kubeconfig.Change, error) {
		var out []kubeconfig.Change
		for _, c := range resp.Clusters {
			id := c.ARN
			if id == "" {
				id = c.Name
			}
			ctxName := id
			if o.alias != "" {
				ctxName = o.alias
			}
			args := []string{"eks", "token", "--cluster", c.Name, "--profile", t.profile, "--region", t.region}
			for _, e := range []struct {
				kind, name string
				body       []string
			}{
				{kubeconfig.Clusters, id, kubeconfig.ClusterBody(id, c.Endpoint, c.CAData)},
				{kubeconfig.Users, id, kubeconfig.ExecUserBody(id, "assume", args)},
				{kubeconfig.Contexts, ctxName, kubeconfig.ContextBody(ctxName, id, id)},
			} {
				ch, err := f.Set(e.kind, e.name, e.body)
				if err != nil {
					return nil, err
				}
				out = append(out, ch)
			}
			contexts = append(contexts, ctxName)
		}
		if len(contexts) == 1 {
			if err := f.SetCurrentContext(contexts[0]); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
	if err != nil {
		return kubeconfigErr(err)
	}
	if o.dryRun {
		_, err := io.WriteString(s.Out, kubeconfig.Diff(path, changes))
		return err
	}
	for _, c := range contexts {
		s.Noticef("context %s in %s", c, path)
	}
	if len(contexts) == 1 {
		s.Noticef("kubectl now uses it (current-context)")
	}
	if existed {
		s.Noticef("the previous file is kept as %s.bak (secrets it replaced redacted)", path)
	}
	return nil
}

// kubeconfigErr classifies the editor's errors: a file that is not a
// kubeconfig is a configuration error, one that cannot be written a
// failure.
func kubeconfigErr(err error) error {
	var pe *kubeconfig.ParseError
	if errors.As(err, &pe) {
		return withCode(ExitConfig, err, pe.Hint())
	}
	var le *kubeconfig.LockedError
	if errors.As(err, &le) {
		return withCode(ExitFailure, err, le.Hint())
	}
	if errors.Is(err, os.ErrPermission) {
		return withCode(ExitFailure, err, "the kubeconfig (or its folder) is not writable: fix its permissions or pass --kubeconfig FILE")
	}
	return err
}
