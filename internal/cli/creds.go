package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/awsproc"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/vault"
)

const (
	keyAccessKeyID       = "aws_access_key_id"
	keySecretAccessKey   = "aws_secret_access_key"
	keySessionToken      = "aws_session_token"
	keyCredentialProcess = "credential_process"
)

// credSourceKeys are the keys that give a profile credentials of its own;
// `creds add` refuses a profile that already has one.
var credSourceKeys = []string{keyAccessKeyID, keySecretAccessKey, keySessionToken, "credential_source",
	"web_identity_token_file", "sso_session", "sso_start_url", "sso_account_id", keyCredentialProcess, "source_profile"}

// runCreds is `assume creds add|import|ls|rm|export|rotate`: long-lived IAM
// user keys in the OS keychain instead of ~/.aws/credentials.
func runCreds(ctx context.Context, args []string, s *invocation) error {
	if len(args) == 0 {
		return usageErr("creds needs a subcommand: add, import, ls, rm, export or rotate (assume help creds)")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		return credsAdd(s, rest)
	case "import":
		return credsImport(s, rest)
	case "ls", "list":
		return credsLs(s, rest)
	case "rm", "remove":
		return credsRm(s, rest)
	case "export":
		return credsExport(s, rest)
	case "rotate":
		return credsRotate(ctx, s, rest)
	}
	return usageErr("creds: unknown subcommand %q (add, import, ls, rm, export, rotate)", sub)
}

// keychain opens the keychain, as an error the user can act on.
func keychain(s *invocation) (string, vault.Store, error) {
	name, st, err := secretstore.Keychain(secretStoreOptions(s))
	if err != nil {
		return "", nil, withCode(ExitFailure, fmt.Errorf("the keychain cannot be used: %w", err),
			"choose another with assume settings set keychain NAME (secret-service, pass, file, ...)")
	}
	return name, st, nil
}

// keychainErr reports a failed keychain operation.
func keychainErr(op string, err error) error {
	if errors.Is(err, vault.ErrNotFound) {
		return withCode(ExitConfig, fmt.Errorf("%s: %w", op, err))
	}
	return withCode(ExitFailure, fmt.Errorf("%s: %w", op, err))
}

func credsAdd(s *invocation, args []string) error {
	var useStdin, force bool
	profile, err := oneProfile(s, "add", args, func(fs *flags.FlagSet) {
		fs.BindBool(&useStdin, "stdin")
		fs.BindBool(&force, "force")
	})
	if err != nil {
		return err
	}
	cfgPath, credPath := s.configFiles()
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return configErr(err)
	}
	if p, found, err := files.Profile(profile); err != nil {
		return configErr(err)
	} else if found && !force {
		for _, k := range credSourceKeys {
			v := p.Get(k)
			if !v.Set || (k == keyCredentialProcess && chain.IsStoredProcess(v.Text, profile)) {
				continue
			}
			return withCode(ExitConfig, fmt.Errorf("%s: profile %s already has credentials (%s)", v.Where(), profile, k),
				"to move its keys into the keychain: assume creds import "+profile+"; to replace them: --force")
		}
	}
	var id, secret string
	switch {
	case useStdin:
		s.arm()
		r := bufio.NewReader(s.In)
		id, _ = r.ReadString('\n')
		secret, _ = r.ReadString('\n')
		id, secret = strings.TrimSpace(id), strings.TrimSpace(secret)
	case s.CanPrompt():
		if id, err = s.Prompt("AWS access key ID: ", false); err != nil {
			return err
		}
		if secret, err = s.Prompt("AWS secret access key (not shown): ", true); err != nil {
			return err
		}
	default:
		return withCode(ExitInteraction, errors.New("creds add asks for the keys on the terminal, and there is none"),
			"give them on stdin, the access key id then the secret on two lines: assume creds add "+profile+" --stdin")
	}
	if err := secretstore.CheckKeys(id, secret); err != nil {
		return withCode(ExitUsage, err)
	}
	backend, st, err := keychain(s)
	if err != nil {
		return err
	}
	if err := secretstore.PutUserKeys(st, profile, secretstore.UserKeys{AccessKeyID: id, SecretAccessKey: secret}); err != nil {
		return keychainErr("storing the keys", err)
	}
	if err := secretstore.LinkProfile(cfgPath, profile, false); err != nil {
		return updateErr(cfgPath, err, "the keys are stored in the keychain; the config file was left as it was")
	}
	s.Noticef("stored access key %s of profile %s in the keychain (%s); %s: [profile %s] %s = %s",
		id, profile, backend, displayPath(cfgPath, s.Getenv("HOME")), profile, keyCredentialProcess, chain.StoredProcessCommand(profile))
	return nil
}

func credsImport(s *invocation, args []string) error {
	var yes bool
	profile, err := oneProfile(s, "import", args, func(fs *flags.FlagSet) { fs.BindBool(&yes, "yes") })
	if err != nil {
		return err
	}
	cfgPath, credPath := s.configFiles()
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return configErr(err)
	}
	p, found, err := files.Profile(profile)
	if err != nil {
		return configErr(err)
	}
	if !found {
		return withCode(ExitConfig, fmt.Errorf("profile %s not found in %s or %s", profile, cfgPath, credPath),
			"assume creds add "+profile+" stores keys typed on the terminal")
	}
	id, secret, token := p.Get(keyAccessKeyID), p.Get(keySecretAccessKey), p.Get(keySessionToken)
	if !id.Set || !secret.Set {
		if v := p.Get(keyCredentialProcess); v.Set && chain.IsStoredProcess(v.Text, profile) {
			return withCode(ExitConfig, fmt.Errorf("profile %s already takes its keys from the keychain", profile))
		}
		return withCode(ExitConfig, fmt.Errorf("profile %s has no access keys to import", profile),
			"assume creds add "+profile+" stores keys typed on the terminal")
	}
	if token.Set && token.Text != "" {
		return withCode(ExitConfig, fmt.Errorf("%s: profile %s holds temporary credentials (aws_session_token); only long-lived keys are imported", token.Where(), profile))
	}
	if err := secretstore.CheckKeys(id.Text, secret.Text); err != nil {
		return withCode(ExitConfig, fmt.Errorf("%s: %w", id.Where(), err))
	}
	backend, st, err := keychain(s)
	if err != nil {
		return err
	}
	if err := secretstore.PutUserKeys(st, profile, secretstore.UserKeys{AccessKeyID: id.Text, SecretAccessKey: secret.Text}); err != nil {
		return keychainErr("storing the keys", err)
	}
	// The config first: the keys are in the keychain already, and the
	// credential_process line wins over key lines still present (static
	// keys come last), so the profile works at every step.
	inConfig := secret.File == cfgPath
	if err := secretstore.LinkProfile(cfgPath, profile, inConfig); err != nil {
		return updateErr(cfgPath, err, "the keys are stored in the keychain; the config file was left as it was")
	}
	if secret.File == credPath || id.File == credPath {
		if err := secretstore.RemoveFileKeys(credPath, profile); err != nil {
			return updateErr(credPath, err, "the keys are in the keychain and still in the file; remove the two key lines of ["+profile+"] by hand")
		}
	}
	s.Noticef("moved access key %s of profile %s into the keychain (%s); the secret is gone from %s and its backup (%s.bak keeps the line, redacted)",
		id.Text, profile, backend, displayPath(secret.File, s.Getenv("HOME")), displayPath(secret.File, s.Getenv("HOME")))
	return cleanOldBackups(s, yes, cfgPath, credPath)
}

// cleanOldBackups offers to redact the secrets that backups written by
// earlier versions of assume (which copied the whole previous file) still
// hold although the file itself no longer does: on the terminal, or with
// yes. Without either it says so and leaves them.
func cleanOldBackups(s *invocation, yes bool, paths ...string) error {
	home := s.Getenv("HOME")
	for _, p := range paths {
		bak, err := readIfExists(p + ".bak")
		if err != nil || bak == nil {
			continue
		}
		live, _ := readIfExists(p)
		lines := awsconfig.LeftoverSecrets(bak, live)
		if len(lines) == 0 {
			continue
		}
		shown := displayPath(p+".bak", home)
		question := fmt.Sprintf("%s:%d holds in plain text %d secret(s) that %s no longer has (a backup of an earlier version of assume); redact them?",
			shown, lines[0], len(lines), displayPath(p, home))
		if !yes && !s.CanPrompt() {
			s.Noticef("warning: %s:%d holds in plain text %d secret(s) that %s no longer has", shown, lines[0], len(lines), displayPath(p, home))
			s.Noticef("hint: remove the file (rm %s), or redact it: add --yes to assume creds import", shown)
			continue
		}
		if err := confirm(s, question, yes, "--yes"); err != nil {
			var se *silentExit
			if errors.As(err, &se) {
				s.Noticef("left %s as it is", shown)
				continue
			}
			return err
		}
		n, err := awsconfig.CleanBackup(p)
		if err != nil {
			return withCode(ExitFailure, fmt.Errorf("cannot clean %s: %w", shown, unwrapPath(err)), "remove the file: rm "+shown)
		}
		s.Noticef("redacted %d secret(s) in %s", n, shown)
	}
	return nil
}

// credRow is one line of creds ls.
type credRow struct {
	Profile     string    `json:"profile"`
	AccessKeyID string    `json:"access_key_id"`
	Added       time.Time `json:"added,omitzero"`
	InConfig    bool      `json:"in_config"`
}

func credsLs(s *invocation, args []string) error {
	var asJSON bool
	pos, err := simpleFlags(s, "creds ls", args, func(fs *flags.FlagSet) { fs.BindBool(&asJSON, "json") })
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr("creds ls takes no arguments")
	}
	_, st, err := keychain(s)
	if err != nil {
		return err
	}
	names, err := secretstore.ListUserKeys(st)
	if err != nil {
		return keychainErr("listing the keychain", err)
	}
	cfgPath, credPath := s.configFiles()
	files, _ := awsconfig.Open(cfgPath, credPath)
	rows := []credRow{}
	for _, n := range names {
		k, err := secretstore.GetUserKeys(st, n)
		if err != nil {
			continue
		}
		r := credRow{Profile: n, AccessKeyID: k.AccessKeyID, Added: k.Added}
		if files != nil {
			if p, ok, _ := files.Profile(n); ok {
				r.InConfig = chain.IsStoredProcess(p.Get(keyCredentialProcess).Text, n)
			}
		}
		rows = append(rows, r)
	}
	if asJSON {
		return writeJSON(s, rows)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %-22s %-11s %s\n", "PROFILE", "ACCESS KEY", "ADDED", "CONFIG")
	for _, r := range rows {
		added, cfg := "-", "not used by any profile"
		if !r.Added.IsZero() {
			added = r.Added.Local().Format("2006-01-02")
		}
		if r.InConfig {
			cfg = "credential_process"
		}
		fmt.Fprintf(&b, "%-24s %-22s %-11s %s\n", r.Profile, r.AccessKeyID, added, cfg)
	}
	_, err = io.WriteString(s.Out, b.String())
	return err
}

// storedProfile parses `creds rm|export PROFILE [--yes]` and reads the
// profile's stored keys.
func storedProfile(s *invocation, name string, args []string) (profile string, yes bool, st vault.Store, k secretstore.UserKeys, err error) {
	profile, err = oneProfile(s, name, args, func(fs *flags.FlagSet) { fs.BindBool(&yes, "yes") })
	if err != nil {
		return
	}
	if _, st, err = keychain(s); err != nil {
		return
	}
	if k, err = secretstore.GetUserKeys(st, profile); err != nil {
		err = keychainErr("profile "+profile, err)
	}
	return
}

func credsRm(s *invocation, args []string) error {
	profile, yes, st, k, err := storedProfile(s, "rm", args)
	if err != nil {
		return err
	}
	if err := confirm(s, fmt.Sprintf("delete access key %s of profile %s from the keychain (AWS keeps the key active)?", k.AccessKeyID, profile), yes, "--yes"); err != nil {
		return err
	}
	if err := secretstore.DeleteUserKeys(st, profile); err != nil {
		return keychainErr("deleting the keys", err)
	}
	cfgPath, _ := s.configFiles()
	if err := secretstore.UnlinkProfile(cfgPath, profile); err != nil {
		return updateErr(cfgPath, err)
	}
	s.Noticef("deleted access key %s of profile %s from the keychain; the key is still active in AWS (aws iam delete-access-key to revoke it)", k.AccessKeyID, profile)
	return nil
}

func credsExport(s *invocation, args []string) error {
	profile, yes, st, k, err := storedProfile(s, "export", args)
	if err != nil {
		return err
	}
	cfgPath, credPath := s.configFiles()
	if err := confirm(s, fmt.Sprintf("write the keys of profile %s in plain text to %s?", profile, credPath), yes, "--yes"); err != nil {
		return err
	}
	err = awsconfig.UpdateFile(credPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.CredentialsFile, profile)
		if err := d.Set(header, keyAccessKeyID, k.AccessKeyID); err != nil {
			return err
		}
		return d.Set(header, keySecretAccessKey, k.SecretAccessKey)
	})
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("cannot write %s: %w", credPath, unwrapPath(err)), "the keys are still in the keychain")
	}
	if err := secretstore.UnlinkProfile(cfgPath, profile); err != nil {
		return updateErr(cfgPath, err)
	}
	if err := secretstore.DeleteUserKeys(st, profile); err != nil {
		return keychainErr("the keys are in "+credPath+" now, but deleting them from the keychain failed", err)
	}
	s.Noticef("warning: the keys of profile %s are in plain text in %s again; anyone who can read the file can use them", profile, displayPath(credPath, s.Getenv("HOME")))
	return nil
}

func credsRotate(ctx context.Context, s *invocation, args []string) error {
	var debug bool
	profile, err := oneProfile(s, "rotate", args, func(fs *flags.FlagSet) { fs.BindBool(&debug, "debug") })
	if err != nil {
		return err
	}
	r, err := s.assumeAWS().Rotate(ctx, &awsproc.RotateRequest{Profile: profile, Debug: debug,
		Region: pickRegion("", nil, s), Prompt: true})
	if err != nil {
		return err
	}
	s.Noticef("rotated the access key of profile %s (%s): %s is stored and works; %s is deleted", profile, r.UserARN, r.NewAccessKeyID, r.OldAccessKeyID)
	if r.Warning != "" {
		s.Noticef("warning: %s", r.Warning)
	}
	return nil
}

// updateErr reports a failed edit of the config or credentials file path.
func updateErr(path string, err error, hints ...string) error {
	return withCode(ExitFailure, fmt.Errorf("cannot update %s: %w", path, unwrapPath(err)), hints...)
}
