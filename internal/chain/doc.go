// Package chain turns a profile into a Plan: the ordered credential steps
// that produce its credentials, each value with the file and line it came
// from. Steps[0] is the base (static keys, web identity, credential_source,
// credential_process or SSO); every later step is an sts:AssumeRole made with
// the credentials of the step before.
//
// The rules are the cross-SDK ones (assume-role-tests.json is the referee):
// a source_profile chain is followed until a profile with static keys or a
// base of its own; a source profile's static keys stop the chain (its own
// role_arn is then ignored); a profile may name itself as source_profile to
// use its own keys; loops, missing profiles and half-configured profiles are
// typed errors. On top of the specification, Resolve checks the values an
// AWS call would reject (role ARN, duration, session name, external id,
// credential_source), so mistakes show up with their file:line before any
// network call.
//
// The package is pure: it reads profiles through the Source interface
// (satisfied by *awsconfig.Files and *awsconfig.ProfileSet), does no I/O and
// imports no AWS SDK; only Load, the plan loader of both executables, opens
// the files that awsconfig.Locate names. Running a plan is the creds package's job.
package chain
