// Package awsemu is a local, offline emulator of the AWS identity APIs that
// the assume CLI talks to, faithful at the wire level so that the real AWS
// CLI, botocore and the AWS SDK for Go v2 accept its responses.
//
// It owns:
//   - the world file (world.go): accounts, IAM users with access keys and
//     TOTP MFA devices, roles with trust rules and web-identity trust;
//   - SigV4 verification of incoming requests (sigv4.go);
//   - the STS Query API (sts.go): AssumeRole, GetSessionToken,
//     GetCallerIdentity, AssumeRoleWithWebIdentity, GetFederationToken, with
//     AWS's validation rules and error documents;
//   - credentials it issued, which keep working until they expire
//     (sessions.go);
//   - the IAM Query API for an IAM user's own access keys (iam.go):
//     CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
//     GetAccessKeyLastUsed and GetUser, with IAM's quota of two keys per
//     user; a created key signs STS and IAM calls at once, a deleted or
//     Inactive one is refused like an unknown one;
//   - IAM Identity Center (identitycenter.go): the world's identity_center
//     section, generated organisations (orggen.go), SSO OIDC with the
//     device-code, authorization-code + PKCE and refresh-token grants and
//     the browser sign-in pages (oidc.go), and the SSO portal's account
//     and role listings and role credentials (portal.go);
//   - console federation (signin.go): getSigninToken and login, and a
//     stand-in console page that shows where a sign-in landed;
//   - call counters and fault injection (faults.go), readable and settable
//     from Go and over a small admin HTTP API under /_awsemu/ (admin.go);
//   - RFC 6238 TOTP codes (totp.go);
//   - the awsemu command line (command.go), which cmd/awsemu wraps.
//
// The package imports nothing from the rest of the repository, and the
// product imports nothing from it: the emulator is an independent reading of
// the AWS protocols, and the real AWS clients run against it are the
// referee. Each API is one file registering its routes in server.go; every
// API shares one listener, told apart by path. STS and IAM both use the
// Query protocol on "/": a request is IAM's when its Version is 2010-05-08
// (or, without a Version, when its SigV4 credential scope names the service
// "iam"), else STS's.
//
// Pointing clients at the emulator: the AWS SDKs (Go v2, botocore) and AWS
// CLI versions from 2.13 honour AWS_ENDPOINT_URL (every service) and
// AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM (one service); set them to the
// emulator's URL. IAM is global: sign for us-east-1 (the emulator accepts
// any region). Older AWS CLI versions need --endpoint-url or the
// AWS_DATA_PATH endpoint rule sets the tests write.
package awsemu
