package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/shell"
)

// ExpirationKey is the key assume writes next to exported session
// credentials in ~/.aws/credentials; SDKs ignore it, assume ls and doctor
// read it.
const ExpirationKey = "x_assume_expiration"

// LongLivedKeysError refuses to overwrite a credentials-file profile that
// holds long-lived keys.
type LongLivedKeysError struct {
	Name, File string
	Line       int
}

func (e *LongLivedKeysError) Error() string {
	return fmt.Sprintf("%s:%d: profile %s holds long-lived access keys; exporting session credentials there would replace them", e.File, e.Line, e.Name)
}

// exportToCredentials writes r's credentials into the credentials file
// under name: lossless (other sections, comments and layout kept), atomic,
// locked and backed up by awsconfig.UpdateFile.
func exportToCredentials(s *invocation, r *resolved, name string, force bool) (string, error) {
	if err := checkProfileName(name); err != nil {
		return "", err
	}
	if err := checkExportValues(r); err != nil {
		return "", err
	}
	_, credPath := s.configFiles()
	err := awsconfig.UpdateFile(credPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.CredentialsFile, name)
		secs := d.Find(header)
		if len(secs) > 1 {
			return withCode(ExitConfig, fmt.Errorf("%s:%d: profile %s appears %d times; the AWS CLI refuses such a file", credPath, secs[1].Line(), name, len(secs)),
				"merge the sections first (assume doctor lists such problems)")
		}
		if len(secs) == 1 && !force {
			sec := secs[0]
			_, hasKey := sec.Get("aws_access_key_id")
			_, hasToken := sec.Get("aws_session_token")
			_, ours := sec.Get(ExpirationKey)
			if hasKey && !hasToken && !ours {
				return withCode(ExitUsage, &LongLivedKeysError{Name: name, File: credPath, Line: sec.Line()},
					"export under another name with --as NAME, or add --force to replace them")
			}
		}
		if len(secs) == 0 {
			if _, err := d.AddSection(header); err != nil {
				return err
			}
		}
		set := func(k, v string) error { return d.Set(header, k, v) }
		if err := set("aws_access_key_id", r.AccessKeyID); err != nil {
			return err
		}
		if err := set("aws_secret_access_key", r.SecretAccessKey); err != nil {
			return err
		}
		if r.SessionToken != "" {
			if err := set("aws_session_token", r.SessionToken); err != nil {
				return err
			}
		} else {
			d.Delete(header, "aws_session_token")
		}
		// The SDKs read aws_account_id for account-based endpoints.
		if chain.IsAccountID(r.AccountID) {
			if err := set("aws_account_id", r.AccountID); err != nil {
				return err
			}
		} else {
			d.Delete(header, "aws_account_id")
		}
		if !r.Expiration.IsZero() {
			return set(ExpirationKey, r.Expiration.UTC().Format(time.RFC3339))
		}
		d.Delete(header, ExpirationKey)
		return nil
	})
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return credPath, err
		}
		if errors.Is(err, atomicfile.ErrChanged) {
			return credPath, withCode(ExitFailure, err) // says what to do
		}
		return credPath, withCode(ExitFailure, fmt.Errorf("cannot write %s: %w", credPath, unwrapPath(err)), "check the file's and folder's permissions")
	}
	return credPath, nil
}

// checkProfileName refuses names that the config parser would not select
// as a profile (the same rule the parser applies), so that an exported
// profile is always usable.
func checkProfileName(name string) error {
	if !awsconfig.ValidProfileName(name) {
		return usageErr("invalid --as name %q: a profile name may hold only letters, digits and _-/.%%@:+", name)
	}
	return nil
}

// checkExportValues refuses credentials that a credentials file cannot hold
// on one line; the message names the field, never the value.
func checkExportValues(r *resolved) error {
	for _, f := range []struct{ name, value string }{
		{"access key id", r.AccessKeyID}, {"secret access key", r.SecretAccessKey}, {"session token", r.SessionToken},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			return withCode(ExitFailure, fmt.Errorf("cannot export: the %s holds a line break, which a credentials file cannot hold", f.name),
				"the credentials' source printed a malformed value; check it with assume explain PROFILE")
		}
	}
	return nil
}

// writeDotenv writes r's variables as a dotenv file (0600), atomically.
func writeDotenv(path string, r *resolved) error {
	header := "written by assume; temporary AWS credentials"
	if !r.Expiration.IsZero() {
		header += ", expiring " + r.Expiration.UTC().Format(time.RFC3339)
	}
	text, err := shell.Dotenv(header, exportVars(r).script())
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("cannot write %s: %w", path, err))
	}
	err = atomicfile.Write(path, []byte(text), atomicfile.Options{Perm: 0o600, FollowSymlink: true})
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err)), "check that the folder exists and is writable and that the path is not a folder")
	}
	return nil
}

// unwrapPath drops the *PathError wrapper (whose path we already name).
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
