package cli

import (
	"strings"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// assumeAWS is the client that starts assume-aws with the user's streams
// and awsEnv.
func assumeAWS(s *term.Streams) *awsproc.Client {
	return &awsproc.Client{Getenv: s.Getenv, Env: awsEnv(s), Stdin: s.In, Stdout: s.Out, Stderr: s.Err}
}

// handOff passes a command that lives on in assume-aws (exec through a
// credentials endpoint, serve, sso) to it for good (awsproc.Client.HandOff);
// when assume-aws ran as a child, its exit status becomes ours.
func handOff(s *term.Streams, args []string, req *awsproc.ResolveRequest) error {
	status, err := assumeAWS(s).HandOff(args, req)
	if err != nil {
		return err
	}
	if status != 0 {
		return &silentExit{code: status}
	}
	return nil
}

// awsEnv is the environment of assume-aws: ours, minus the shell
// function's channel variables.
func awsEnv(s *term.Streams) []string {
	var env []string
	for _, e := range s.Environ() {
		name, _, _ := strings.Cut(e, "=")
		switch name {
		case shell.EnvShell, shell.EnvOutputFD, shell.EnvOutputFile:
			continue
		}
		env = append(env, e)
	}
	return env
}
