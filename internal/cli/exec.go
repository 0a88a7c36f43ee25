package cli

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/assume-cli/assume/internal/sigrelay"
	"github.com/assume-cli/assume/internal/term"
)

// runExec runs argv with the credentials in its environment, forwards
// signals to it and exits with its exit status.
func runExec(ctx context.Context, s *term.Streams, vs varSet, argv []string) error {
	path, err := lookCommand(argv[0])
	if err != nil {
		return err
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = environ(s.Environ(), vs)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.In, s.Out, s.Err

	// The child shares our terminal, so Ctrl-C reaches it directly; we only
	// relay signals that were sent to us alone, and stay alive until it exits.
	status, err := sigrelay.Run(cmd)
	if err != nil {
		return withCode(sigrelay.CannotRun, fmt.Errorf("cannot run %q: %v", argv[0], err))
	}
	if status != 0 {
		return &silentExit{code: status}
	}
	return nil
}

// lookCommand finds the command to run: exit 127 when it does not exist,
// 126 when it cannot be run (e.g. not executable), as a shell reports them.
func lookCommand(name string) (string, error) {
	path, status, err := sigrelay.LookPath(name)
	if err != nil {
		return "", withCode(status, err)
	}
	return path, nil
}

// silentExit ends assume with a code and prints nothing (the child already
// spoke for itself).
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }
