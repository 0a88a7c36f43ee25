// Package cli owns the command tree of assume: flags, help, exit codes and
// the wiring of the domain packages (awsconfig → chain → creds → shell). It
// holds no domain logic of its own; tests call Main in-process.
package cli
