// Package creds turns a chain.Plan into AWS credentials: it runs each step
// (static keys, credential_source, credential_process, web identity,
// AssumeRole with MFA) through the official AWS SDK for Go, and keeps the
// results in the cache so that the next run needs no network at all.
//
// It is the only package of the product that talks to AWS. Rules it keeps:
//
//   - The cache is checked first; a hit builds no SDK client or config.
//   - The SDK never reads ~/.aws again (the plan already holds what the files
//     say) but does honour its standard environment: AWS_ENDPOINT_URL(_STS),
//     AWS_CA_BUNDLE, HTTPS_PROXY/NO_PROXY, AWS_MAX_ATTEMPTS/AWS_RETRY_MODE.
//   - Every network operation is bounded by one timeout (default 10s,
//     ASSUME_HTTP_TIMEOUT) covering its retries, so an unreachable endpoint
//     fails fast with a clear error.
//   - Errors are typed, render as one line without secrets, and carry a hint
//     for the user (see [Hinter]).
//   - An MFA code is asked for once per MFA session, not once per role: an
//     IAM user's keys are exchanged for a GetSessionToken session (cached per
//     access key and MFA device) that then assumes any role without MFA.
//   - A cache miss is single-flight across processes: a lock file per cache
//     key (and one per MFA session) in the cache folder, so concurrent
//     callers make one set of AWS calls and ask for one MFA code; a killed
//     holder releases its lock at once (see Get and package flock).
package creds
