package cli

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
)

// eksKubeconfigOptions are the flags of `assume eks kubeconfig`.
type eksKubeconfigOptions struct {
	cluster, profile, region, alias, file string
	all, dryRun, debug                    bool
}

// runEKSKubeconfig is `assume eks kubeconfig`: the flags are checked here,
// then assume-aws (internal/awsmain/ekskubeconfig.go) calls DescribeCluster
// and writes the cluster, user and context entries into the kubeconfig,
// the user running `assume eks token`.
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
	path, err := kubeconfigPath(o.file, s.Getenv)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// The editor (and its YAML library) lives in assume-aws: the front
	// end's start-up, which every cached assume pays, stays free of it.
	hand := []string{awsproc.CmdEKS, "kubeconfig", "--" + commands.EKSKubeconfig.Long, path}
	if o.cluster != "" {
		hand = append(hand, "--"+commands.EKSCluster.Long, o.cluster)
	}
	if o.alias != "" {
		hand = append(hand, "--"+commands.EKSAlias.Long, o.alias)
	}
	for _, b := range []struct {
		on   bool
		flag string
	}{{o.all, commands.EKSAll.Long}, {o.dryRun, commands.EKSDryRun.Long}, {o.debug, commands.Debug.Long}} {
		if b.on {
			hand = append(hand, "--"+b.flag)
		}
	}
	return handOff(s, hand, &awsproc.ResolveRequest{Profile: t.profile, Region: t.region, Debug: o.debug, Prompt: true})
}

// kubeconfigPath is the kubeconfig to edit: the flag, else the first file
// of $KUBECONFIG, else ~/.kube/config (as kubectl writes).
func kubeconfigPath(flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	for _, p := range filepath.SplitList(getenv("KUBECONFIG")) {
		if p != "" {
			return p, nil
		}
	}
	home := getenv("HOME")
	if home == "" {
		home = getenv("USERPROFILE")
	}
	if home == "" {
		return "", errors.New("no HOME to find ~/.kube/config in; pass --kubeconfig FILE")
	}
	return filepath.Join(home, ".kube", "config"), nil
}
