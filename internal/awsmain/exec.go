package awsmain

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/sigrelay"
	"github.com/assume-cli/assume/internal/term"
)

// runExec runs `assume-aws exec -- CMD ARGS...`: the default of `assume
// PROFILE --exec`. The profile and flags come from assume as a request
// (never in argv); the credentials are resolved, a credentials endpoint is
// started on loopback, and CMD runs with the endpoint's variables instead
// of keys, so every AWS SDK in it refreshes on its own, however long it
// runs. Signals sent to this process are relayed to CMD, and its exit
// status (128+N when killed by signal N) becomes ours.
func runExec(args []string, s *term.Streams) int {
	f, req, code := handedOff(awsproc.CmdExec, args, s)
	if code != 0 {
		return code
	}
	argv := f.rest
	path, code, err := sigrelay.LookPath(argv[0])
	if err != nil {
		s.Errorf("%v", err)
		return code
	}

	// Signals are caught from the start. While the credentials are being
	// fetched (maybe at a prompt), INT, TERM and HUP cancel; once the
	// command runs, it shares our terminal, so Ctrl-C reaches it directly:
	// we relay only the signals sent to us alone, and stay until it exits.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, sigrelay.Forwarded...)
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
					sigrelay.Forward(p, sig)
				} else if sig == os.Interrupt || sig == syscall.SIGTERM || sigrelay.IsHangup(sig) {
					cancel()
					exitIfStuck(s, &fetched)
				}
			case <-done:
				return
			}
		}
	}()

	e, code := openEndpoint(ctx, s, req, "", &fetched)
	if code != 0 {
		return code
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
		return sigrelay.CannotRun
	}
	child.Store(cmd.Process)
	status, _ := sigrelay.Status(cmd.Wait())
	return status
}
