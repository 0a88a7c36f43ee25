// Package secretstore owns which secret store holds what, for both
// executables:
//
//   - Long-lived IAM user access keys (assume creds) live in the keychain
//     the settings choose (keychain = auto picks the platform's: macOS
//     Keychain, Windows Credential Manager, Secret Service, pass, or the
//     passphrase-encrypted file), under the service name "assume", one item
//     per profile named "iam-user/PROFILE" holding JSON
//     {"akid": ..., "secret": ..., "added": RFC 3339}. The profile's config
//     section points at its item with credential_process = assume
//     credential-process --profile PROFILE, a line this package writes and
//     removes (LinkProfile, UnlinkProfile).
//   - Cached role sessions, MFA sessions and caller identities live in the
//     encrypted file store by default (the fast path), or in the same
//     keychain under the service name "assume-cache" when the cache setting
//     says keychain.
//   - IAM Identity Center tokens and client registrations stay in
//     ~/.aws/sso/cache (shared with the AWS CLI) unless sso_cache says
//     keychain: then they are keychain items under the service name
//     "assume-sso", named and shaped like the AWS CLI's files.
//
// Everything goes through vault.Store, so callers never see a backend.
package secretstore
