// Package console owns the pure parts of signing in to the AWS web console:
// partitions and their sign-in and console hosts, the table of service
// shortcuts, console destination URLs, and the federation URLs of the
// sign-in flow (getSigninToken and login, aws-protocols.md §8).
//
// It does no network I/O and imports no AWS SDK: callers fetch the sign-in
// token over HTTP themselves (with the URL SigninTokenURL builds, parsing
// the answer with ParseSigninTokenResponse) and open the URL LoginURL
// builds in a browser.
//
// The sign-in endpoint may be overridden with the environment variable
// ASSUME_SIGNIN_ENDPOINT (see SigninEndpoint), which tests point at awsemu.
package console
