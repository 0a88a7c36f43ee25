package cli

import (
	"context"
	"errors"

	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
)

// eksKubeconfigOptions are the flags of `assume eks kubeconfig`.
type eksKubeconfigOptions struct {
	cluster, profile, region, alias, file string
	all, dryRun, debug                    bool
}

// runEKSKubeconfig is `assume eks kubeconfig`.
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
	if len(pos) > 0 {
		return usageErr("eks kubeconfig takes no arguments: assume eks kubeconfig --cluster NAME --profile P")
	}
	return errors.New("eks kubeconfig: not written yet")
}
