// Package awsproc owns the boundary between the two assume executables,
// both sides of it: the client that the front end (`assume`) uses to start
// the `assume-aws` process, and the server inside that process. The name
// says what it is about: the assume-aws process.
//
// `assume` is the front end: config, cache, shell code. It never links the
// AWS SDK or net/http, whose package initialisation alone costs several
// milliseconds, so the cached path stays close to a bare process start.
// Anything that needs the network runs in `assume-aws`, which the front end
// starts in one of two ways:
//
//   - An operation (Client.Resolve, Whoami, Console, Clock, Rotate):
//     `assume-aws serve` reads one request and writes one response over two
//     private pipes (file descriptors 3 and 4 on Unix; stdin and stdout on
//     Windows), while the user's stdin and stderr stay its own, so MFA
//     prompts and credential_process helpers behave as usual. Each
//     operation has one request and one response type; the client checks
//     the response once, so callers get complete answers or one error line.
//   - A hand-off (Client.HandOff): commands that live on in assume-aws
//     (`exec` for --exec, `endpoint` for serve, `sso …`) take over the
//     front end's streams and exit status. On Unix the front end replaces
//     itself with assume-aws (the request readable on fd 3); elsewhere it
//     runs it as a child and relays signals (package sigrelay). On Windows
//     the request travels in a private file named by --request-file.
//
// The server side (Serve, ReadHandOff) reads the request once per OS and
// dispatches it to the Handlers of package awsmain. Adding an operation is
// a request and a response type, an Op, a client method and a Handlers
// field here, and the handler in awsmain.
//
// Secrets travel only through those pipes (or the private file): never in
// argv or the environment. The package links no AWS SDK and no net, since
// the front end imports it.
package awsproc
