package cli

import (
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/settings"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// invocation is one run of assume, handed explicitly to every command: the
// user's streams, the shell function's channel (opened by Main before
// anything can start a process), and what several steps of a run need,
// each found at most once and only when first asked for: the settings, the
// located AWS config files and the assume-aws client.
type invocation struct {
	*term.Streams

	channel    *shell.Channel // nil when the shell function did not pass one
	channelErr error          // why the channel it passed cannot be used

	settingsRead     bool
	settingsValue    *settings.Settings
	located          bool
	cfgPath, credPth string
	aws              *awsproc.Client
	armSignals       func() // arms INT and TERM (signals.go); nil in tests
}

// newInvocation is a run with the streams s and no channel (tests, and
// Main before it opens the channel).
func newInvocation(s *term.Streams) *invocation { return &invocation{Streams: s} }

// settings are the settings, read once per run (problems are reported by
// the commands that show settings). Never nil.
func (inv *invocation) settings() *settings.Settings {
	if !inv.settingsRead {
		inv.settingsValue, _ = settings.Load(inv.Getenv)
		inv.settingsRead = true
	}
	return inv.settingsValue
}

// configFiles are the AWS config and credentials files, located once per
// run (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~/.aws).
func (inv *invocation) configFiles() (configPath, credentialsPath string) {
	if !inv.located {
		inv.cfgPath, inv.credPth = awsconfig.Locate(inv.Getenv)
		inv.located = true
	}
	return inv.cfgPath, inv.credPth
}

// assumeAWS is the client that starts assume-aws with the user's streams
// and awsEnv; made once per run, so the executable is found once.
func (inv *invocation) assumeAWS() *awsproc.Client {
	if inv.aws == nil {
		inv.aws = &awsproc.Client{Getenv: inv.Getenv, Env: awsEnv(inv), Stdin: inv.In, Stdout: inv.Out, Stderr: inv.Err}
	}
	return inv.aws
}
