// Package backend is the assume-aws executable: the half of assume that
// links the AWS SDK. The front end (internal/cli) starts it on a cache miss
// and gets one answer over the private channel of package worker; here the
// request is run through chain and creds, and failures are classified into
// the front end's exit codes.
//
// Two commands run on as servers after the front end handed over to them
// (it replaces itself with assume-aws, passing the request on fd 3):
// `exec` (assume PROFILE --exec) serves the credentials to a command
// through a credentials endpoint (package credserver) that refreshes them
// through creds.Get, and `endpoint` (assume serve) runs that endpoint on
// its own until it is stopped or its parent exits.
package backend
