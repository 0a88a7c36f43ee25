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
//   - call counters and fault injection (faults.go), readable and settable
//     from Go and over a small admin HTTP API under /_awsemu/ (admin.go);
//   - RFC 6238 TOTP codes (totp.go);
//   - the awsemu command line (command.go), which cmd/awsemu wraps.
//
// The package imports nothing from the rest of the repository, and the
// product imports nothing from it: the emulator is an independent reading of
// the AWS protocols, and the real AWS clients run against it are the
// referee. Later APIs (SSO OIDC, the SSO portal, console sign-in, IAM access
// keys) are added as one file each, registering their routes in server.go.
package awsemu
