// Package backend is the assume-aws executable: the half of assume that
// links the AWS SDK. The front end (internal/cli) starts it on a cache miss
// and gets one answer over the private channel of package worker; here the
// request is run through chain and creds, and failures are classified into
// the front end's exit codes.
package backend
