package awsmain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/browser"
	"github.com/assume-cli/assume/internal/commands"
	"github.com/assume-cli/assume/internal/exitcode"
	"github.com/assume-cli/assume/internal/flags"
	awslogin "github.com/assume-cli/assume/internal/login"
	"github.com/assume-cli/assume/internal/term"
)

// loginUsage is the synopsis of login and logout, from their declarations.
func loginUsage() string {
	var b strings.Builder
	b.WriteString("usage:")
	for _, name := range []string{"login", "logout"} {
		for _, u := range commands.Lookup(name).UsageLines() {
			b.WriteString("\n  assume " + u)
		}
	}
	return b.String()
}

// The keys that give a profile credentials another way; `assume login`
// does not turn such a profile into a login_session profile.
var otherCredentialKeys = []string{"aws_access_key_id", "role_arn", "credential_source", "credential_process",
	"web_identity_token_file", "sso_session", "sso_start_url", "sso_account_id"}

// runLogin runs `assume login`: the browser sign-in of `aws login`, the
// session cached where the AWS CLI keeps it, login_session (and region)
// written to the profile.
func runLogin(ctx context.Context, args []string, s *term.Streams) int {
	var profile, region string
	var remote, noBrowser, debug bool
	if ok, code := loginFlags("login", args, s, func(fs *flags.FlagSet) {
		fs.BindString(&profile, commands.LoginProfile.Long)
		fs.BindString(&region, commands.LoginRegion.Long)
		fs.BindBool(&remote, commands.LoginRemote.Long)
		fs.BindBool(&noBrowser, commands.LoginNoBrowser.Long)
		fs.BindBool(&debug, commands.Debug.Long)
	}); !ok {
		return code
	}
	if err := doLogin(ctx, s, profile, region, remote || noBrowser, debug); err != nil {
		return printFailure(s, err)
	}
	return 0
}

// loginFlags parses a login or logout command line with its declaration
// (bind binds the command's own flags); ok is false when the run ends here:
// help shown (code 0) or a usage error.
func loginFlags(name string, args []string, s *term.Streams, bind func(*flags.FlagSet)) (ok bool, code int) {
	var help bool
	fs := commands.Lookup(name).FlagSet()
	fs.BindBool(&help, commands.Help.Long)
	bind(fs)
	if err := fs.Parse(args); err != nil {
		return false, printFailure(s, usage(fmt.Errorf("%v\n%s", err, loginUsage())))
	}
	if help {
		fmt.Fprintln(s.Out, loginUsage())
		return false, 0
	}
	if len(fs.Args()) > 0 {
		return false, printFailure(s, usage(fmt.Errorf("unexpected argument %q\n%s", fs.Args()[0], loginUsage())))
	}
	return true, 0
}

func loginProfile(s *term.Streams, profile string) string {
	if profile == "" {
		profile = awsconfig.ProfileFromEnv(s.Getenv)
	}
	if profile == "" {
		profile = "default"
	}
	return profile
}

func doLogin(ctx context.Context, s *term.Streams, profile, region string, remote, debug bool) error {
	profile = loginProfile(s, profile)
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return err
	}
	p, found, err := files.Profile(profile)
	if err != nil {
		return err
	}
	if found {
		for _, k := range otherCredentialKeys {
			if v := p.Get(k); v.Set {
				return exitcode.With(exitcode.Config, fmt.Errorf("profile %q already gets its credentials from %s (%s)", profile, k, v.Where()),
					"sign in for another profile: assume login --profile NAME")
			}
		}
		if region == "" {
			region = p.Get("region").Text
		}
	}
	if region == "" {
		region = firstNonEmpty(s.Getenv("AWS_REGION"), s.Getenv("AWS_DEFAULT_REGION"))
	}
	if region == "" {
		return usage(fmt.Errorf("the profile %q has no region: give one with --region (the sign-in endpoint is regional)", profile))
	}
	o := awslogin.Options{Getenv: s.Getenv}
	if debug {
		o.Debug = debugWriter{s.Err}
	}
	c, err := awslogin.New(o)
	if err != nil {
		return err
	}
	so := awslogin.SignInOptions{Profile: profile, Region: region, Remote: remote || !browser.CanOpen(s.Getenv), Out: s.Err}
	if so.Remote {
		tty, err := openTTY(s)
		if err != nil {
			return err
		}
		defer tty.Close()
		so.In, so.Out = tty, tty
	} else {
		bo := browser.Options{}
		if debug {
			bo.Debug = debugWriter{s.Err}
		}
		opener, err := browser.New(s.Getenv, bo)
		if err != nil {
			return err
		}
		so.Browser = opener
	}
	arn, err := c.SignIn(ctx, so)
	if err != nil {
		return err
	}
	err = awsconfig.UpdateFile(cfgPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.ConfigFile, profile)
		if err := d.Set(header, "login_session", arn); err != nil {
			return err
		}
		if _, ok := d.Get(header, "region"); !ok {
			return d.Set(header, "region", region)
		}
		return nil
	})
	if err != nil {
		return exitcode.With(exitcode.Failure, fmt.Errorf("signed in, but %s could not be updated: %w", cfgPath, err),
			"add the line yourself to [profile "+profile+"]: login_session = "+arn)
	}
	fmt.Fprintf(s.Err, "assume: signed in as %s; profile %q uses the session (%s)\n", term.Clean(arn), profile, cfgPath)
	return nil
}

// openTTY is the terminal the cross-device code is pasted into.
func openTTY(s *term.Streams) (interface {
	Read([]byte) (int, error)
	Write([]byte) (int, error)
	Close() error
}, error) {
	if s.OpenTTY == nil {
		return nil, exitcode.With(exitcode.Interaction, errors.New("the sign-in without a browser needs a terminal to paste the code into"),
			"run assume login in a terminal, or where a browser can be opened")
	}
	return s.OpenTTY()
}

// runLogout runs `assume logout`: the profile's cached session is removed
// (--all: every aws login session in the cache), as `aws logout` does.
func runLogout(_ context.Context, args []string, s *term.Streams) int {
	var profile string
	var all bool
	if ok, code := loginFlags("logout", args, s, func(fs *flags.FlagSet) {
		fs.BindString(&profile, commands.LoginProfile.Long)
		fs.BindBool(&all, commands.LogoutAll.Long)
	}); !ok {
		return code
	}
	if all && profile != "" {
		return printFailure(s, usage(fmt.Errorf("give --profile P or --all\n%s", loginUsage())))
	}
	c, err := awslogin.New(awslogin.Options{Getenv: s.Getenv})
	if err != nil {
		return printFailure(s, err)
	}
	if all {
		n, err := logoutAll(c)
		if err != nil {
			return printFailure(s, err)
		}
		fmt.Fprintf(s.Err, "assume: signed out of %d aws login session(s)\n", n)
		return 0
	}
	profile = loginProfile(s, profile)
	files, err := awsconfig.Open(awsconfig.Locate(s.Getenv))
	if err != nil {
		return printFailure(s, err)
	}
	p, found, err := files.Profile(profile)
	if err != nil {
		return printFailure(s, err)
	}
	v := awsconfig.Value{}
	if found {
		v = p.Get("login_session")
	}
	if !v.Set {
		return printFailure(s, exitcode.With(exitcode.Config, fmt.Errorf("profile %q has no login_session", profile),
			"assume login --profile "+profile+" creates one"))
	}
	removed, err := c.Logout(awslogin.Session{ARN: strings.TrimSpace(v.Text), Profile: profile})
	if err != nil {
		return printFailure(s, err)
	}
	if removed {
		fmt.Fprintf(s.Err, "assume: signed out of %s (profile %q)\n", term.Clean(v.Text), profile)
	} else {
		fmt.Fprintf(s.Err, "assume: profile %q was not signed in\n", profile)
	}
	return 0
}

// logoutAll removes every cache file that holds an aws login session (an
// accessToken.accessKeyId, as aws logout --all decides).
func logoutAll(c *awslogin.Client) (int, error) {
	ents, err := os.ReadDir(c.CacheDir())
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(c.CacheDir(), e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var doc struct {
			AccessToken struct {
				AccessKeyID string `json:"accessKeyId"`
			} `json:"accessToken"`
		}
		if json.Unmarshal(data, &doc) != nil || doc.AccessToken.AccessKeyID == "" {
			continue // as aws logout --all: only files holding credentials
		}
		if os.Remove(path) == nil {
			n++
		}
	}
	return n, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
