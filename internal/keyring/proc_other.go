//go:build !unix

package keyring

import "os/exec"

// detach does nothing where there are no sessions: the command is killed
// alone when cancelled.
func detach(cmd *exec.Cmd) {}
