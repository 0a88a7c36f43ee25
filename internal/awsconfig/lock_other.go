//go:build !unix && !windows

package awsconfig

// lockFile is a no-op where the platform has no file locks (js, wasip1,
// plan9): edits are still atomic, but concurrent editors may lose changes.
func lockFile(string) (func(), error) { return func() {}, nil }
