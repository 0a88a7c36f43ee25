package secretstore

import (
	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/chain"
)

// The keys of a profile that the edits below touch.
const (
	keyAccessKeyID       = "aws_access_key_id"
	keySecretAccessKey   = "aws_secret_access_key"
	keyCredentialProcess = "credential_process"
)

// LinkProfile points profile at the keys stored for it: it sets
// credential_process = assume credential-process --profile PROFILE in its
// section of the config file cfgPath (lossless, atomic, backed up, by
// awsconfig.UpdateFile). With dropKeys it also removes the section's key
// lines.
func LinkProfile(cfgPath, profile string, dropKeys bool) error {
	return awsconfig.UpdateFile(cfgPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.ConfigFile, profile)
		if dropKeys {
			d.Delete(header, keyAccessKeyID)
			d.Delete(header, keySecretAccessKey)
		}
		return d.Set(header, keyCredentialProcess, chain.StoredProcessCommand(profile))
	})
}

// UnlinkProfile removes the credential_process line LinkProfile wrote
// (another command is left alone) from profile's section of the config
// file, and the section when nothing else is left in it.
func UnlinkProfile(cfgPath, profile string) error {
	return awsconfig.UpdateFile(cfgPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.ConfigFile, profile)
		v, ok := d.Get(header, keyCredentialProcess)
		if !ok || !chain.IsStoredProcess(v, profile) {
			return nil
		}
		d.Delete(header, keyCredentialProcess)
		removeIfEmpty(d, header)
		return nil
	})
}

// RemoveFileKeys removes the key lines of profile from the credentials
// file credPath once they are stored, and the section when nothing else is
// left in it.
func RemoveFileKeys(credPath, profile string) error {
	return awsconfig.UpdateFile(credPath, 0o600, func(d *awsconfig.Document) error {
		header := d.ProfileHeader(awsconfig.CredentialsFile, profile)
		d.Delete(header, keyAccessKeyID)
		d.Delete(header, keySecretAccessKey)
		removeIfEmpty(d, header)
		return nil
	})
}

// removeIfEmpty removes the sections with header when none holds a key.
func removeIfEmpty(d *awsconfig.Document, header string) {
	for _, sec := range d.Find(header) {
		if len(sec.Keys()) > 0 {
			return
		}
	}
	d.RemoveSection(header)
}
