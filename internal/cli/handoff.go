package cli

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/worker"
)

// handOff passes a command that lives on as a server (exec through a
// credentials endpoint, serve) to assume-aws for good: the request goes
// over a private channel, never argv or the environment (it may hold an
// MFA code), and assume-aws takes over our standard streams and exit
// status. Where it can, handOff replaces this process with assume-aws (it
// returns only on failure), so that no idle front end stays around and
// assume-aws sees the real parent (the shell, the IDE) when it watches for
// its parent's exit. Otherwise it runs assume-aws as a child, relays
// signals to it and returns its exit status as a *silentExit.
func handOff(s *term.Streams, args []string, req *worker.Request) error {
	path, err := worker.Find(s.Getenv)
	if err != nil {
		return err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if ownStreams(s) {
		if err := replaceProcess(path, args, body, workerEnv(s)); err != nil {
			return err
		}
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.In, s.Out, s.Err
	cmd.Env = workerEnv(s)
	cleanup, err := passRequest(cmd, body)
	if err != nil {
		return err
	}
	defer cleanup()
	return runRelayed(cmd)
}

// ownStreams reports whether s are this process's own standard streams,
// which a replacing executable inherits.
func ownStreams(s *term.Streams) bool {
	return s.In == os.Stdin && s.Out == os.Stdout && s.Err == os.Stderr
}

// runRelayed runs cmd, relays the signals sent to us alone (Ctrl-C reaches
// the whole process group by itself) and turns its exit into a silentExit.
func runRelayed(cmd *exec.Cmd) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	relaying.Add(1)
	defer relaying.Add(-1)
	if err := cmd.Start(); err != nil {
		return withCode(ExitFailure, errors.New("cannot run "+cmd.Path+": "+err.Error()))
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-sigs:
				if sig != os.Interrupt {
					cmd.Process.Signal(sig)
				}
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		return &silentExit{code: code}
	}
	return err
}
