// Package doctor owns the checks of `assume doctor`: it looks at the shared
// config and credentials files, the environment and the machine, and
// explains every problem with the file and line at fault and what to do.
//
// The package is pure. Run takes an Input (the files' bytes, an environment
// lookup, the time) and returns Findings; whatever needs the network, the
// keychain or the credential cache comes in as a func or value the caller
// wires (Input.ClockSkew, Input.Keychain, Input.Shell, Input.Sessions), and
// a nil func means that check is skipped. Nothing here does I/O, so the
// front end can import it (no net, regexp, os/user or AWS SDK).
//
// # What the checks rely on
//
// awsconfig is the referee for what a file means and chain for what a
// profile resolves to; a small line scanner (lines.go) additionally keeps
// what the SDKs' parsers disagree about. The facts, from the SDKs' own
// parsers and the cross-SDK conformance suite profile-parser-tests.json:
//
//   - The AWS CLI (botocore) reads the files with Python's
//     configparser.RawConfigParser in strict mode. A section header written
//     twice in one file (DuplicateSectionError) or a key set twice in one
//     section, compared case-insensitively (DuplicateOptionError), makes the
//     whole file fail to load: every profile of it stops working in the CLI,
//     while the specification and the Go SDK merge the sections and let the
//     last key win. Headers that differ only in spacing ([profile dev] and
//     [profile  dev]) are different sections to configparser; botocore maps
//     both to profile dev and keeps only the later one.
//   - [default] and [profile default] both in the config file: the
//     specification and Go use [profile default]; the AWS CLI uses whichever
//     comes last.
//   - [DEFAULT] (upper case) is configparser's default section: the CLI adds
//     its keys to every section of the file. The SDKs ignore it.
//   - [profile x] in the credentials file is ignored by the specification
//     and Go, and read by the CLI as a profile named "profile x"; [x] without
//     the prefix in the config file is ignored by all (except [default]).
//     Section names outside [A-Za-z0-9_-/.%@:+] are ignored by the
//     specification; the CLI unquotes [profile "x"].
//   - Inline comments: the specification and Go end a value at '#' or ';'
//     preceded by white space ("us-east-1 # c" is "us-east-1"); configparser
//     has no inline comments, so the CLI reads "us-east-1 # c". A '#' or ';'
//     with no white space before it is part of the value for everyone; on a
//     continuation line the specification and the CLI keep it too.
//   - Quotes: the specification and the CLI keep "eu-west-1" with its
//     quotes; the Go SDK strips one pair. credential_process is exempt: every
//     SDK splits it into words shell-style.
//   - Keys are lower-cased by every parser (REGION is region), so upper case
//     alone is not reported; a key with characters outside the valid set
//     (such as a space) is dropped by the specification and read by the CLI.
//   - Continuation lines (a line starting with a space or tab) continue the
//     previous value; an indented "key = value" after a non-empty value is
//     part of that value for the specification and the CLI, but Go promotes
//     it to a key of its own. A line with ':' instead of '=' is accepted by
//     the CLI and Go but refused by the specification (and by assume).
//   - Credential sources: Go refuses a profile with more than one of
//     source_profile, credential_source, credential_process and
//     web_identity_token_file; the CLI uses one. With static keys and SSO
//     settings the CLI (and assume) use SSO and Go the keys; with
//     config-file keys and credential_process the CLI (and assume) run the
//     process and Go uses the keys; with credentials-file keys the CLI uses
//     the keys, assume still runs the process.
//     role_arn without source_profile or credential_source is refused by the
//     CLI; Go assumes the role with the profile's own credentials.
//
// # Exit status
//
// ExitCode proposes the status of `assume doctor`: 0 when there is nothing
// or only Info findings, 1 when the worst is a Warning (everything works
// today, something needs attention), 3 when there is at least one Error
// (something fails; 3 is the configuration status of docs/exit-codes.md).
//
// docs/doctor.md lists every check with its code, severity and remedy.
package doctor
