package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/awssdk"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/ekssdk"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/kubeconfig"
	"github.com/assume-cli/assume/internal/term"
)

// runEKS is `assume-aws eks kubeconfig …`, handed off by the front end
// (which parsed and checked the flags, decided the kubeconfig's path and
// the region): the kubeconfig editor, with its YAML library, lives here so
// that the front end's start-up stays free of it. The profile and region
// come in the hand-off request; the rest in argv.
func runEKS(ctx context.Context, args []string, s *term.Streams) int {
	var requestFile string
	if len(args) > 1 && args[0] == "--request-file" { // Windows: the request's file
		requestFile, args = args[1], args[2:]
	}
	if len(args) == 0 || args[0] != "kubeconfig" {
		s.Errorf("this program is started by assume; run assume eks kubeconfig instead")
		return exitcode.Usage
	}
	var o struct {
		cluster, profile, region, alias, file string
		all, dryRun, debug, help              bool
	}
	fs := commands.Lookup("eks kubeconfig").FlagSet()
	fs.BindString(&o.cluster, commands.EKSCluster.Long)
	fs.BindString(&o.profile, commands.EKSProfile.Long) // from the request
	fs.BindString(&o.region, commands.Region.Long)      // from the request
	fs.BindString(&o.alias, commands.EKSAlias.Long)
	fs.BindString(&o.file, commands.EKSKubeconfig.Long)
	fs.BindBool(&o.all, commands.EKSAll.Long)
	fs.BindBool(&o.dryRun, commands.EKSDryRun.Long)
	fs.BindBool(&o.debug, commands.Debug.Long)
	fs.BindBool(&o.help, commands.Help.Long)
	if err := fs.Parse(args[1:]); err != nil {
		s.Errorf("eks kubeconfig: %v", err)
		return exitcode.Usage
	}
	req, err := awsproc.ReadHandOff(requestFile)
	if err != nil {
		s.Errorf("%v", err)
		return exitcode.Usage
	}
	if o.file == "" || req.Profile == "" || (o.cluster == "") == !o.all {
		s.Errorf("eks kubeconfig: incomplete hand-off (run assume eks kubeconfig)")
		return exitcode.Usage
	}
	changes, contexts, existed, err := eksKubeconfig(ctx, s, req, o.file, o.cluster, o.alias, o.all, o.dryRun)
	if err != nil {
		e := failure(kubeconfigErr(err))
		s.Errorf("%s", strings.ReplaceAll(e.Message, "\n", " "))
		for _, h := range e.Hints {
			s.Hintf("%s", h)
		}
		return e.Code
	}
	if o.dryRun {
		if _, err := io.WriteString(s.Out, kubeconfig.Diff(o.file, changes)); err != nil {
			return exitcode.Failure
		}
		return 0
	}
	for _, c := range contexts {
		s.Noticef("context %s in %s", c, o.file)
	}
	if len(contexts) == 1 {
		s.Noticef("kubectl now uses it (current-context)")
	}
	if existed {
		s.Noticef("the previous file is kept as %s.bak (secrets it replaced redacted)", o.file)
	}
	return 0
}

// eksKubeconfig describes the clusters (DescribeCluster, ListClusters with
// all) and writes their cluster, user and context entries into path.
func eksKubeconfig(ctx context.Context, s *term.Streams, req *awsproc.ResolveRequest, path, cluster, alias string, all, dryRun bool) (changes []kubeconfig.Change, contexts []string, existed bool, err error) {
	// A file that cannot be edited is refused before any AWS call.
	if _, _, err := kubeconfig.Read(path); err != nil {
		return nil, nil, false, err
	}
	_, statErr := os.Stat(path)
	existed = statErr == nil
	c, err := eksCredentials(ctx, s, req, nil, "")
	if err != nil {
		return nil, nil, false, err
	}
	cfg, err := eksConfig(s, c, req.Region)
	if err != nil {
		return nil, nil, false, err
	}
	timeout, _ := awssdk.Timeout(0, s.Getenv)
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var names []string
	if cluster != "" {
		names = []string{cluster}
	}
	cls, err := ekssdk.Describe(dctx, cfg, req.Region, names, all)
	if err != nil {
		return nil, nil, false, err
	}
	if len(cls) == 0 {
		return nil, nil, false, exitcode.With(exitcode.Config, fmt.Errorf("profile %s sees no EKS cluster in %s", req.Profile, req.Region),
			"check --region; the clusters are listed per region")
	}
	changes, err = kubeconfig.Update(path, dryRun, func(f *kubeconfig.File) ([]kubeconfig.Change, error) {
		var out []kubeconfig.Change
		contexts = contexts[:0]
		for _, cl := range cls {
			id := cl.ARN
			if id == "" {
				id = cl.Name
			}
			ctxName := id
			if alias != "" {
				ctxName = alias
			}
			args := []string{"eks", "token", "--cluster", cl.Name, "--profile", req.Profile, "--region", req.Region}
			for _, e := range []struct {
				kind, name string
				body       []string
			}{
				{kubeconfig.Clusters, id, kubeconfig.ClusterBody(id, cl.Endpoint, cl.CAData)},
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
	return changes, contexts, existed, err
}

// kubeconfigErr classifies the editor's errors: a file that is not a
// kubeconfig is a configuration error, one that cannot be written a
// failure.
func kubeconfigErr(err error) error {
	var pe *kubeconfig.ParseError
	if errors.As(err, &pe) {
		return exitcode.With(exitcode.Config, err, pe.Hint())
	}
	var le *kubeconfig.LockedError
	if errors.As(err, &le) {
		return exitcode.With(exitcode.Failure, err, le.Hint())
	}
	if errors.Is(err, os.ErrPermission) {
		return exitcode.With(exitcode.Failure, err, "the kubeconfig (or its folder) is not writable: fix its permissions or pass --kubeconfig FILE")
	}
	return err
}
