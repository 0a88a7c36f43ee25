// Package sso owns IAM Identity Center (formerly AWS SSO): the login
// (authorization code with PKCE through a loopback redirect, or the device
// code flow), the token cache it shares with the AWS CLI and SDKs, silent
// token refresh, and the portal calls that turn a token into role
// credentials or list the accounts and roles a user may use.
//
// Compatibility is the point. The files under ~/.aws/sso/cache are the AWS
// CLI's: the token file of an [sso-session NAME] is named after the SHA-1 of
// NAME (of the start URL for a legacy profile), the client registration
// after the SHA-1 of the CLI's own JSON key, with the same JSON keys and
// timestamp format, so `aws sso login` and `assume sso login` can each use
// the other's login. Rewrites keep keys this package does not know.
//
// When the user opts into keychain-only (sso_cache = keychain; the caller
// passes Options.Keychain), the same records go to the keychain instead:
// one item per file, named like the file ("<sha1>.json"), holding the same
// JSON bytes. Nothing is then read from or written to the cache folder; the
// login locks move to DefaultLockDir.
//
// Rules it keeps:
//   - Files holding tokens are written 0600 in a 0700 folder, atomically
//     (temporary file and rename). The cache is used through a small
//     interface (read, write, remove) with a file and a keychain side.
//   - One login per session at a time across processes (an flock next to the
//     token file); a process that waited for another's login uses its token.
//   - Tokens, refresh tokens, client secrets, device and authorization codes
//     and role credentials never appear in errors, logs or debug output.
//   - Errors are typed and render as one line; each has a Hint for the user.
//
// Every AWS call goes through the AWS SDK for Go (service/ssooidc and
// service/sso), configured from the SDK's environment only (so
// AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO, AWS_CA_BUNDLE and proxies
// apply), with one bounded timeout per call.
package sso
