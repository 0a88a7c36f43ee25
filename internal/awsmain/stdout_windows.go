//go:build windows

package awsmain

// detachStdout does nothing on Windows: the front end waits for this
// process, so its output ends only when it does.
func detachStdout() {}
