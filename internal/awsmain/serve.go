package awsmain

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/credserver"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// runEndpoint runs `assume-aws endpoint [--print FORMAT] [--addr ADDR]`,
// behind `assume serve PROFILE`: it resolves the credentials (prompting when
// allowed), starts the credentials endpoint, prints the variables that
// point an SDK at it, and serves until it is stopped (INT, TERM, HUP) or
// the process that started it exits, or the interactive shell whose
// shell function started it (ASSUME_SHELL_PID) exits.
func runEndpoint(args []string, s *term.Streams) int {
	f, req, code := handedOff(awsproc.CmdEndpoint, args, s)
	if code != 0 {
		return code
	}
	format := f.print
	if format == "" {
		format = shell.Sh
	}
	var fetched atomic.Bool
	ctx, stop := signalContext(s, &fetched)
	defer stop()
	ctx, stopWatching := credserver.StopWhenParentDies(ctx)
	defer stopWatching()
	ctx, stopWatchingShell := credserver.StopWhenShellExits(ctx, shellPid(s.Getenv), time.Second)
	defer stopWatchingShell()

	e, code := openEndpoint(ctx, s, req, f.addr, &fetched)
	if code != 0 {
		return code
	}
	defer e.srv.Close()
	if err := privateOutput(s); err != nil {
		return reportFailure(s, err)
	}
	script, err := shell.Emit(format, e.vars())
	if err != nil {
		return reportFailure(s, badUsage{err})
	}
	if _, err := io.WriteString(s.Out, script); err != nil {
		return reportFailure(s, err)
	}
	detachStdout()
	if req.Profile != "" {
		warnDefaultProfile(s, req.Profile)
	}
	what := req.Profile
	if what == "" && req.SSO != nil {
		what = req.SSO.AccountID + "/" + req.SSO.RoleName
	}
	s.Noticef("serving the credentials of %s at %s until stopped", what, e.srv.URL())
	if err := e.srv.Serve(ctx); err != nil {
		return reportFailure(s, err)
	}
	if errors.Is(context.Cause(ctx), credserver.ErrParentExited) {
		return 0
	}
	if errors.Is(context.Cause(ctx), credserver.ErrShellExited) {
		s.Noticef("stopped serving %s: the shell that started it exited", what)
		return 0
	}
	s.Noticef("stopped serving %s", what)
	return 0
}

// shellPid is ASSUME_SHELL_PID, the interactive shell's PID that the shell
// functions of `assume init` pass (bash and zsh run the binary in a
// subshell, which stays while the server runs); 0 when unset or invalid.
func shellPid(getenv func(string) string) int {
	pid, err := strconv.Atoi(getenv(shell.EnvShellPID))
	if err != nil || pid <= 1 {
		return 0
	}
	return pid
}

// privateOutput keeps the bearer token that serve prints out of a file
// other users can read (`assume serve prod > file &` under umask 022): when
// stdout is a regular file with group or other permission bits, it is made
// 0600 before anything is written (a notice says so); a file that cannot be
// changed (not the user's) is refused. Terminals and pipes are left alone.
func privateOutput(s *term.Streams) error {
	f, ok := s.Out.(*os.File)
	if !ok || runtime.GOOS == "windows" {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return badUsage{fmt.Errorf("stdout is a file other users can read (mode %04o) and cannot be made private (%v): serve prints a bearer token there; "+
			"write to a file of your own made under umask 077: (umask 077; assume serve PROFILE > FILE)", fi.Mode().Perm(), errors.Unwrap(err))}
	}
	s.Noticef("made stdout, a file other users could read (mode %04o), private (0600): it will hold the bearer token", fi.Mode().Perm())
	return nil
}
