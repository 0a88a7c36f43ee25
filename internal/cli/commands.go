package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// simpleFlags parses the flags of command name (no interspersed "--"
// command) with its declaration (internal/commands); define binds the
// flags the command reads. -h/--help prints the command's help.
func simpleFlags(s *invocation, name string, args []string, define func(fs *flags.FlagSet)) ([]string, error) {
	c := commands.Lookup(name)
	if c == nil {
		panic("cli: command " + name + " is not declared in internal/commands")
	}
	fs := c.FlagSet()
	var help bool
	fs.BindBool(&help, commands.Help.Long)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageErr("%s: %v", name, err)
	}
	if help {
		if err := writeHelp(s.Out, c); err != nil {
			return nil, err
		}
		return nil, &silentExit{code: ExitOK}
	}
	return fs.Args(), nil
}

// runInit prints the shell function for a shell.
func runInit(_ context.Context, args []string, s *invocation) error {
	var autoRefresh, noCompletion bool
	pos, err := simpleFlags(s, "init", args, func(fs *flags.FlagSet) {
		fs.BindBool(&autoRefresh, "auto-refresh")
		fs.BindBool(&noCompletion, "no-completion")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		guess := shell.Detect(s.Getenv("SHELL"))
		if guess == "" {
			guess = "zsh"
		}
		return usageErr("init needs a shell: assume init %s (one of %s)", guess, strings.Join(shell.Shells(), ", "))
	}
	if !autoRefresh && loadSettings(s).AutoRefresh() && slices.Contains(shell.AutoRefreshShells(), pos[0]) {
		autoRefresh = true // the auto_refresh setting
	}
	if autoRefresh && !slices.Contains(shell.AutoRefreshShells(), pos[0]) && slices.Contains(shell.Shells(), pos[0]) {
		return usageErr("init --auto-refresh is available for %s", strings.Join(shell.AutoRefreshShells(), ", "))
	}
	code, err := shell.InitWith(pos[0], selfPath(), shell.InitOptions{AutoRefresh: autoRefresh})
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// The completion of the shell comes with the function (bash, zsh, fish,
	// pwsh), unless --no-completion.
	if c, ok := completionScript(pos[0]); ok && !noCompletion {
		code += "\n" + c
	}
	_, err = io.WriteString(s.Out, code)
	return err
}

// runExplain shows how a profile resolves, value by value, with file:line.
func runExplain(_ context.Context, args []string, s *invocation) error {
	var asJSON bool
	var profile string
	pos, err := simpleFlags(s, "explain", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindString(&profile, "profile")
	})
	if err != nil {
		return err
	}
	if len(pos) == 1 && profile == "" {
		profile = pos[0]
	} else if len(pos) > 0 {
		return usageErr("explain takes one profile")
	}
	if profile == "" {
		return usageErr("explain needs a profile: assume explain PROFILE [--json]")
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return err
	}
	if asJSON {
		b, err := json.MarshalIndent(plan, "", "  ")
		if err != nil {
			return err
		}
		_, err = s.Out.Write(append(b, '\n'))
		return err
	}
	return plan.WriteExplain(s.Out)
}

// processOutput is the credential_process JSON (Version 1).
type processOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
	AccountID       string `json:"AccountId,omitempty"`
}

// runCredentialProcess prints a profile's credentials in the
// credential_process format for AWS SDKs and the AWS CLI.
func runCredentialProcess(ctx context.Context, args []string, s *invocation) error {
	var profile, region, duration, mfaToken, mfaPrompt string
	var refresh, debug bool
	pos, err := simpleFlags(s, "credential-process", args, func(fs *flags.FlagSet) {
		fs.BindString(&profile, "profile")
		fs.BindString(&region, "region")
		fs.BindString(&duration, "duration")
		fs.BindString(&mfaToken, "mfa-token")
		fs.BindString(&mfaPrompt, "mfa-prompt")
		fs.BindBool(&refresh, "refresh")
		fs.BindBool(&debug, "debug")
	})
	if err != nil {
		return err
	}
	if len(pos) == 1 && profile == "" {
		profile = pos[0]
	} else if len(pos) > 0 {
		return usageErr("credential-process takes one profile")
	}
	if profile == "" {
		return usageErr("credential-process needs --profile PROFILE")
	}
	dur, err := parseDuration(duration)
	if err != nil {
		return err
	}
	plan, err := loadPlan(s, profile)
	if err != nil {
		return err
	}
	r, err := resolveCredentials(ctx, s, plan, resolveRequest{
		profile: profile, region: region, duration: dur, mfaToken: mfaToken, mfaPrompt: mfaPrompt, refresh: refresh, debug: debug,
	})
	if err != nil {
		return err
	}
	out := processOutput{Version: 1, AccessKeyID: r.AccessKeyID, SecretAccessKey: r.SecretAccessKey, SessionToken: r.SessionToken}
	if !r.Expiration.IsZero() {
		out.Expiration = r.Expiration.UTC().Format(time.RFC3339)
	}
	if chain.IsAccountID(r.AccountID) {
		out.AccountID = r.AccountID
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.Out.Write(append(b, '\n'))
	return err
}

// runWhoami asks AWS who this shell's credentials are and shows the time
// left.
func runWhoami(ctx context.Context, args []string, s *invocation) error {
	var asJSON, debug bool
	pos, err := simpleFlags(s, "whoami", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindBool(&debug, "debug")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("whoami takes no arguments: it reports on this shell's credentials")
	}
	akid, secret := s.Getenv("AWS_ACCESS_KEY_ID"), s.Getenv("AWS_SECRET_ACCESS_KEY")
	// Under `assume PROFILE --exec` the credentials come from an endpoint,
	// which assume-aws asks.
	fromEndpoint := (akid == "" || secret == "") && s.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != ""
	if (akid == "" || secret == "") && !fromEndpoint {
		return withCode(ExitUsage, errors.New("no AWS credentials in this shell"), "run assume PROFILE first")
	}
	profile := s.Getenv("AWS_PROFILE")
	if profile == "" {
		profile = s.Getenv("ASSUME_PROFILE") // set for an --exec command
	}
	var expires time.Time
	for _, k := range []string{"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION"} {
		if v := s.Getenv(k); v != "" {
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				expires = t
				break
			}
		}
	}
	if !expires.IsZero() && !expires.After(time.Now()) {
		layout := "15:04 MST"
		if now := time.Now(); expires.Local().Format("2006-01-02") != now.Local().Format("2006-01-02") {
			layout = "2006-01-02 15:04 MST"
		}
		return withCode(ExitAuth, fmt.Errorf("the credentials in this shell expired at %s", expires.Local().Format(layout)),
			"run assume "+orPlaceholder(profile)+" again")
	}
	region := pickRegion("", nil, s)
	wreq := &awsproc.WhoamiRequest{Region: region, Debug: debug}
	if !fromEndpoint {
		wreq.Credentials = &awsproc.Credentials{
			AccessKeyID: akid, SecretAccessKey: secret, SessionToken: s.Getenv("AWS_SESSION_TOKEN"),
		}
	}
	id, err := s.assumeAWS().Whoami(ctx, wreq)
	var we *awsproc.Error
	if errors.As(err, &we) && we.Code == ExitAuth {
		// assume-aws's hints are about profiles; here the keys came from
		// the environment.
		return withCode(ExitAuth, errors.New(we.Message), "run assume "+orPlaceholder(profile)+" again for fresh credentials")
	}
	if err != nil {
		return err
	}
	if fromEndpoint {
		expires = id.Expiration
	}
	if asJSON {
		out := map[string]any{"arn": id.ARN, "account": id.Account, "user_id": id.UserID,
			"profile": profile, "region": region}
		if fromEndpoint {
			out["credentials_endpoint"] = true
		}
		if !expires.IsZero() {
			out["expiration"] = expires.UTC().Format(time.RFC3339)
			out["seconds_left"] = int(time.Until(expires).Seconds())
		}
		b, _ := json.MarshalIndent(out, "", "  ")
		_, err = s.Out.Write(append(b, '\n'))
		return err
	}
	// The identity is remote text: printed through term.Clean.
	fmt.Fprintln(s.Out, term.Clean(id.ARN))
	line := fmt.Sprintf("account %s", id.Account)
	if profile != "" {
		line += ", profile " + profile
	}
	line += ", region " + region
	if expires.IsZero() {
		line += ", long-lived keys"
	} else {
		line += ", " + expiryText(expires, time.Now())
	}
	fmt.Fprintln(s.Out, term.Clean(line))
	return nil
}
