package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/doctor"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/term"
)

// useColor says whether output to a stream may be coloured: never with
// NO_COLOR (https://no-color.org) or TERM=dumb, else when it is a terminal.
func useColor(s *term.Streams, tty bool) bool {
	if s.Getenv("NO_COLOR") != "" || s.Getenv("TERM") == "dumb" {
		return false
	}
	if st := settingsFor(s.Getenv); st != nil {
		switch st.Color() {
		case "always":
			return true
		case "never":
			return false
		}
	}
	return tty
}

// runDoctor checks the AWS config files, the shell integration, the
// keychain, the clock and the cached sessions, and explains each problem.
func runDoctor(ctx context.Context, args []string, s *term.Streams) error {
	var asJSON, offline bool
	pos, err := simpleFlags(s, "doctor", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindBool(&offline, "offline")
	})
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("doctor takes no arguments")
	}
	cfgPath, credPath := awsconfig.Locate(s.Getenv)
	in := doctor.Input{
		ConfigPath:      displayPath(cfgPath, s.Getenv("HOME")),
		CredentialsPath: displayPath(credPath, s.Getenv("HOME")),
		Getenv:          s.Getenv,
		Now:             time.Now(),
		Shell: func() (bool, string) {
			if sh := s.Getenv(shell.EnvShell); sh != "" {
				return true, "the " + sh + " function of assume init is active"
			}
			return false, "assume was not started by the shell function of assume init"
		},
	}
	in.ConfigData, in.ConfigErr = readIfExists(cfgPath)
	in.CredentialsData, in.CredentialsErr = readIfExists(credPath)
	in.ConfigBackupData, _ = readIfExists(cfgPath + ".bak")
	in.CredentialsBackupData, _ = readIfExists(credPath + ".bak")
	if !offline {
		in.ClockSkew = func(ctx context.Context) (time.Duration, error) { return measureSkew(ctx, s) }
	}
	// Cached sessions, by profile (the same lookup as assume ls).
	if in.ConfigErr == nil && in.CredentialsErr == nil {
		files := awsconfig.NewFiles(cfgPath, in.ConfigData, credPath, in.CredentialsData)
		if set, err := files.Load(); err == nil {
			for _, r := range listProfiles(set, cacheSessions(s.Getenv, time.Now)) {
				if r.Session != "" {
					in.Sessions = append(in.Sessions, doctor.Session{Profile: r.Name, Kind: r.Kind, Expires: r.expires})
				}
			}
		}
	}
	// The keychain is checked only when something uses it: a profile whose
	// keys live there, or the cache setting.
	if keychainInUse(s, in.ConfigData) {
		in.Keychain = func() error { return probeKeychain(s) }
	}
	findings := doctor.Run(ctx, in)
	if asJSON {
		err = doctor.WriteJSON(s.Out, findings)
	} else {
		err = doctor.Write(s.Out, findings, useColor(s, s.StdoutTTY))
	}
	if err != nil {
		return err
	}
	if code := doctor.ExitCode(findings); code != 0 {
		return &silentExit{code: code}
	}
	return nil
}

// readIfExists reads a file; a missing file is nil data and no error.
func readIfExists(path string) ([]byte, error) {
	b, _, err := atomicfile.Read(path, atomicfile.MaxConfigSize)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// displayPath shortens a path under home to ~/...
func displayPath(p, home string) string {
	if home != "" && strings.HasPrefix(p, home+string(os.PathSeparator)) {
		return "~" + p[len(home):]
	}
	return p
}

// measureSkew asks assume-aws for the clock skew against STS.
func measureSkew(ctx context.Context, s *term.Streams) (time.Duration, error) {
	resp, err := assumeAWS(s).Clock(ctx, &awsproc.ClockRequest{Region: pickRegion("", nil, s.Getenv)})
	if err != nil {
		return 0, err
	}
	return resp.Skew, nil
}

// probeKeychain checks that the keychain answers, without prompting.
func probeKeychain(s *term.Streams) error {
	_, st, err := secretstore.Keychain(secretstore.Options{Getenv: s.Getenv})
	if err != nil {
		return err
	}
	_, err = st.List("")
	return err
}

// keychainInUse reports a config with a profile whose keys are in the
// keychain, or cached sessions kept there.
func keychainInUse(s *term.Streams, config []byte) bool {
	if st := settingsFor(s.Getenv); st.Cache() == "keychain" || st.SSOCache() == "keychain" {
		return true
	}
	return bytes.Contains(config, []byte("credential-process"))
}
