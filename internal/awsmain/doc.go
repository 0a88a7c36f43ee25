// Package awsmain is the main of assume-aws: the half of assume that links
// the AWS SDK. The front end (internal/cli) starts it through the client of
// package awsproc; `assume-aws serve` answers one operation through
// awsproc.Serve with the handlers here (resolve, whoami, console, clock,
// rotate), which run the request through chain and creds and classify
// failures into the front end's exit codes.
//
// Three commands are hand-offs (awsproc.Client.HandOff): the front end
// replaces itself with assume-aws, passing the request on fd 3, and they
// run on with its streams and exit status. `exec` (assume PROFILE --exec)
// serves the credentials to a command through a credentials endpoint
// (package credserver) that refreshes them through creds.Get, `endpoint`
// (assume serve) runs that endpoint on its own until it is stopped or its
// parent exits, and `sso …` (login, logout, ls, populate) runs the IAM
// Identity Center commands.
package awsmain
