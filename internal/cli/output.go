package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/assume-cli/assume/internal/shell"
)

// output is where the variables go: the shell function's channel, or
// stdout with --print.
type output struct {
	ch     *shell.Channel
	format string // with --print
	w      io.Writer
}

// openOutput opens the channel to the shell function, or prepares --print.
// Without either, assume cannot change the shell and says how to set it up.
func openOutput(ctx context.Context, s *invocation, print string, execMode bool) (*output, error) {
	if print != "" {
		if !slices.Contains(shell.PrintFormats(), print) {
			return nil, usageErr("unknown --print format %q: use one of %s", print, strings.Join(shell.PrintFormats(), ", "))
		}
		return &output{format: print, w: s.Out}, nil
	}
	ch, err := s.channel, s.channelErr
	if err != nil && execMode {
		// --exec does not need the channel; a broken one is no reason to fail.
		return nil, nil
	}
	if err != nil {
		return nil, withCode(ExitUsage, err, "reload the shell function: "+shell.SetupHint(shell.Detect(s.Getenv("SHELL"))))
	}
	if ch == nil {
		if execMode {
			return nil, nil
		}
		return nil, withCode(ExitUsage,
			fmt.Errorf("the assume shell function is not set up, so this shell cannot receive credentials"),
			shell.SetupHint(shell.Detect(s.Getenv("SHELL")))+", or use --exec -- CMD, or --print sh for scripts")
	}
	return &output{ch: ch}, nil
}

// Close releases the channel if nothing was sent (the wrapper then applies
// nothing).
func (o *output) Close() {
	if o != nil && o.ch != nil {
		o.ch.Close()
	}
}

// Apply sends the variables.
func (o *output) Apply(vs varSet) error {
	sc := vs.script()
	if o.ch != nil {
		err := o.ch.Send(sc)
		o.ch = nil
		return err
	}
	code, err := shell.Emit(o.format, sc)
	if err != nil {
		return err
	}
	_, err = io.WriteString(o.w, code)
	return err
}

// emitUnset clears every exported variable.
func emitUnset(ctx context.Context, s *invocation, print string) error {
	out, err := openOutput(ctx, s, print, false)
	if err != nil {
		return err
	}
	defer out.Close()
	if err := out.Apply(unsetAll()); err != nil {
		return err
	}
	if print == "" {
		s.Noticef("cleared the AWS variables")
	}
	return nil
}

// selfPath is the path `assume init` embeds: the `assume` found on PATH
// when it is this very binary, else the running executable.
func selfPath() string {
	exe, err := os.Executable()
	if err == nil {
		if p, err := exec.LookPath("assume"); err == nil && filepath.IsAbs(p) {
			a, errA := os.Stat(p)
			b, errB := os.Stat(exe)
			if errA == nil && errB == nil && os.SameFile(a, b) {
				return p
			}
		}
	}
	return shell.SelfPath()
}
