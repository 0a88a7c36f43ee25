// Package credserver owns the local container-credentials endpoint: a tiny
// HTTP server on the loopback interface that hands temporary AWS
// credentials to child processes through the SDKs' container credential
// provider (AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN), refreshing them before they expire so
// that long-running tools never hold stale credentials.
//
// Rules it keeps:
//
//   - It listens only on a loopback address (127.0.0.1 on a random port by
//     default) and answers only requests whose Host is loopback or
//     localhost, so that a web page cannot reach it through DNS rebinding.
//   - Every server has its own random 256-bit authorization token, compared
//     in constant time, and a random URL path. Answers to unauthorised
//     requests carry no credential bytes.
//   - Secrets never appear in errors, debug output or error bodies.
//   - The credentials served are valid for at least a margin: they are
//     refreshed when less than min(Margin, half their lifetime) remains
//     (Margin defaults to 15 minutes; the half-lifetime rule makes short test
//     sessions work: 60-second credentials are refreshed 30 seconds before
//     they expire). A background loop refreshes ahead of time; a request
//     that finds them due refreshes on demand. Either way only one refresh
//     runs at a time and every request waits for it (single flight).
//   - When a refresh fails, the last good credentials are served until they
//     really expire; after that requests get a 500 with a one-line reason.
//     Failed refreshes are retried no sooner than RetryInterval later.
//   - The Expiration served is the real one, so SDKs refresh on their own
//     schedule (the Go SDK 5 minutes before, botocore 15/10 minutes before;
//     with very short sessions they simply ask on every call).
//
// Which clients accept which URL: AWS CLI 2.9 only http://127.0.0.1,
// http://localhost or 169.254.170.2; newer botocore and the Go SDK any
// loopback address. Keep the default address for the widest support.
package credserver
