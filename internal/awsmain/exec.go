package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/term"
)

// Exit codes of a command that could not be run, as a shell reports them.
const (
	exitCannotRun = 126
	exitNotFound  = 127
)

// runExec runs `assume-aws exec -- CMD ARGS...`: the default of `assume
// PROFILE --exec`. The profile and flags come from assume as a request
// (never in argv); the credentials are resolved, a credentials endpoint is
// started on loopback, and CMD runs with the endpoint's variables instead
// of keys, so every AWS SDK in it refreshes on its own, however long it
// runs. Signals sent to this process are relayed to CMD, and its exit
// status (128+N when killed by signal N) becomes ours.
func runExec(args []string, s *term.Streams) int {
	f, err := parseEndpointFlags("exec", args)
	if err == nil && len(f.rest) == 0 {
		err = badUsage{errors.New("exec needs a command after --")}
	}
	if err != nil {
		return reportFailure(s, err)
	}
	req, err := awsproc.ReadHandOff(f.requestFile)
	if err != nil {
		return reportFailure(s, err)
	}
	argv := f.rest
	path, code, err := lookPath(argv[0])
	if err != nil {
		s.Errorf("%v", err)
		return code
	}

	// Signals are caught from the start. While the credentials are being
	// fetched (maybe at a prompt), INT, TERM and HUP cancel; once the
	// command runs, it shares our terminal, so Ctrl-C reaches it directly:
	// we relay only the signals sent to us alone, and stay until it exits.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var child atomic.Pointer[os.Process]
	var fetched atomic.Bool
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				if p := child.Load(); p != nil {
					if sig != os.Interrupt {
						p.Signal(sig)
					}
				} else if sig == os.Interrupt || sig == syscall.SIGTERM || isHangup(sig) {
					cancel()
					exitIfStuck(s, &fetched)
				}
			case <-done:
				return
			}
		}
	}()

	e, err := startEndpoint(ctx, s, req, "")
	fetched.Store(true)
	if err != nil {
		if ctx.Err() != nil {
			s.Errorf("cancelled")
			return exitcode.Cancelled
		}
		return reportFailure(s, err)
	}
	defer e.srv.Close()
	if req.Profile != "" {
		warnDefaultProfile(s, req.Profile)
	}
	sctx, stopServing := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(sctx) }()
	defer func() {
		stopServing()
		<-served
	}()

	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = harden.Scrub(e.childEnv(s.Environ()))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.In, s.Out, s.Err
	if err := cmd.Start(); err != nil {
		s.Errorf("cannot run %q: %v", argv[0], err)
		return exitCannotRun
	}
	child.Store(cmd.Process)
	return exitStatus(cmd.Wait())
}

// exitStatus is the status to exit with after the command ended with err.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return exitcode.Failure
}

// lookPath finds the command like the front end's --static path does, with
// the same messages and exit codes (127 not found, 126 not runnable).
func lookPath(name string) (string, int, error) {
	path, err := exec.LookPath(name)
	switch {
	case err == nil:
		return path, 0, nil
	case errors.Is(err, exec.ErrNotFound):
		return "", exitNotFound, fmt.Errorf("cannot run %q: not found on PATH", name)
	case errors.Is(err, fs.ErrNotExist):
		return "", exitNotFound, fmt.Errorf("cannot run %q: no such file", name)
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err
	}
	return "", exitCannotRun, fmt.Errorf("cannot run %q: %v", name, err)
}
