// Package worker owns the protocol between the two assume executables.
//
// `assume` is the front end: config, cache, shell code. It never links the
// AWS SDK or net/http, whose package initialisation alone costs several
// milliseconds, so the cached path stays close to a bare process start.
// Anything that needs the network runs in `assume-aws`, which the front end
// starts on a cache miss: it gets one Request and gives back one Response
// over two private pipes (file descriptors 3 and 4 on Unix; stdin and
// stdout on Windows), while the user's stdin, stdout, stderr and terminal
// stay its own, so MFA prompts and credential_process helpers behave as usual.
//
// Secrets travel only through those pipes: never in argv or the environment.
package worker
