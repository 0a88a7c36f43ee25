package cli

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/harden"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = "dev"

// runnerOf is the code of a command declared in internal/commands (nil:
// none; a test checks that every declared command has one).
func runnerOf(name string) func(ctx context.Context, args []string, s *invocation) error {
	switch name {
	case "init":
		return runInit
	case "explain":
		return runExplain
	case "whoami":
		return runWhoami
	case "credential-process":
		return runCredentialProcess
	case "serve":
		return runServe
	case "console":
		return runConsole
	case "creds":
		return runCreds
	case "doctor":
		return runDoctor
	case "ls":
		return runLs
	case "completion":
		return runCompletion
	case "__complete":
		return runComplete
	case "__man":
		return runMan
	case "sso":
		return handOffCommand(awsproc.CmdSSO)
	case "login":
		return handOffCommand(awsproc.CmdLogin)
	case "logout":
		return handOffCommand(awsproc.CmdLogout)
	case "eks":
		return runEKS
	case "settings":
		return runSettings
	case "version":
		return runVersion
	case "help":
		return runHelp
	}
	return nil
}

// isFault reports whether a recovered panic is a memory fault (a mapped file
// that shrank), which debug.SetPanicOnFault turns into a runtime.Error with
// the faulting address.
func isFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}

// Main runs assume with args (without the program name) and returns the
// process exit code. It never panics on bad input, and calls os.Exit only to
// end a run that has not noticed an INT or TERM within a second (signals.go).
func Main(args []string, streams *term.Streams) (code int) {
	s := newInvocation(streams)
	harden.Process(s.Streams)
	// Large config files are mapped, not copied (awsconfig.MapLargeFiles): a
	// program truncating one under us then faults this goroutine, which
	// becomes a recoverable panic reported below, not a crash.
	debug.SetPanicOnFault(true)
	awsconfig.MapLargeFiles = true
	// A bug must not end in a stack trace on the user's terminal (set
	// ASSUME_TRACEBACK=1 to see one).
	if s.Getenv("ASSUME_TRACEBACK") == "" {
		defer func() {
			if r := recover(); r != nil {
				if isFault(r) {
					s.Errorf("a config file changed while assume read it (another program rewrote it)")
					s.Hintf("run the command again")
					code = ExitFailure
					return
				}
				s.Errorf("internal error: %v", r)
				s.Hintf("this is a bug in assume %s; please report it with the command you ran (ASSUME_TRACEBACK=1 shows where it happened)", Version)
				code = ExitFailure
			}
		}()
	}
	// Fast path: nothing to set up for --version.
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-v") {
		io.WriteString(s.Out, "assume "+Version+"\n")
		return ExitOK
	}
	// The wrapper's channel is opened before anything can start a process,
	// so that it is close-on-exec before any child exists.
	ch, chErr := shell.OpenChannel(s.Getenv)
	if ch != nil {
		defer ch.Close()
	}
	ctx, stop := cancelOnSignal(s)
	defer stop()
	s.channel, s.channelErr = ch, chErr

	run := runAssume
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") && !strings.Contains(args[0], " ") {
		if c := commands.Lookup(args[0]); c != nil {
			topic := c.Name
			if len(args) > 1 && c.Subcommand(args[1]) != nil {
				topic += " " + args[1]
			}
			if h, ok := lookupHelp(topic); ok && wantsHelp(args[1:]) {
				if err := writeHelp(s.Out, h); err != nil {
					return ExitFailure
				}
				return ExitOK
			}
			run, args = runnerOf(c.Name), args[1:]
		}
	}
	if err := run(ctx, args, s); err != nil {
		var se *silentExit
		if errors.As(err, &se) {
			return se.code
		}
		if ctx.Err() != nil {
			s.Errorf("cancelled")
			return ExitCancelled
		}
		return report(s, err)
	}
	return ExitOK
}

const usageHead = `assume gets temporary AWS credentials for a profile and exports them into this shell.

Usage:
  assume                                 pick a profile (full-screen picker on a terminal)
  assume PROFILE [flags]                 assume a profile (through the shell function)
  assume PROFILE --exec -- CMD [ARGS...] run CMD with credentials that never expire under it
  assume PROFILE -c [-s SERVICE]         open the AWS console, signed in (exports nothing)
  assume PROFILE --print sh|fish|pwsh|json
                                         write the shell code / JSON to stdout (scripts)
  assume PROFILE --export [--as NAME]    write the session into ~/.aws/credentials
  assume PROFILE --env FILE              write the session into a dotenv file (0600)
  assume --unset                         clear every AWS variable assume sets
  assume init bash|zsh|fish|pwsh|nu      print the shell function (see README)
  assume console [PROFILE]               open the AWS console (default: this shell's credentials)
  assume ls [--json]                     the profiles: kind, account, role, region, cached session
  assume doctor [--json]                 check the AWS config, shell, keychain and clock
  assume creds add|import|ls|rm|export|rotate
                                         long-lived access keys in the OS keychain
  assume sso login|logout|ls|populate    IAM Identity Center
  assume login|logout [--profile P]      aws login sessions (console credentials)
  assume settings ls|get|set|unset       assume's settings (browser, keychain, ...)
  assume serve PROFILE [--print FORMAT]  serve PROFILE's credentials on a local endpoint (IDEs, long jobs)
  assume explain PROFILE [--json]        how PROFILE resolves, value by value, with file:line
  assume whoami                          the identity behind this shell's credentials
  assume credential-process --profile P  credential_process helper for AWS SDKs and the CLI
  assume completion bash|zsh|fish|pwsh   print the shell completion script
  assume help COMMAND                    help on a command (also: assume COMMAND --help)
  assume help exit-codes                 what each exit status means
`

const exitCodesText = `Exit codes of assume:
  0    success
  1    failure not covered below (an AWS call failed, a file could not be written)
  2    usage: bad flags or arguments, or the shell function is not set up
  3    configuration: unknown profile, source_profile loop, malformed config line, invalid value
  4    authentication: keys rejected, access denied, wrong MFA code, expired session
  5    interaction needed: an MFA code or login is needed but there is no terminal
  6    network: the endpoint is unreachable, timed out, kept throttling after retries, or sent
       an answer that is not AWS's (undecodable, or larger than 10 MiB)
  130  cancelled (Ctrl-C)
With --exec, assume exits with the command's own exit status once the command ran
(128+N when the command was killed by signal N).
`

// handOffCommand hands a command that lives on the SDK side (assume-aws)
// over with the user's streams.
func handOffCommand(name string) func(context.Context, []string, *invocation) error {
	return func(_ context.Context, args []string, s *invocation) error {
		return handOff(s, append([]string{name}, args...), nil)
	}
}
