//go:build !unix

package shell

import (
	"errors"
	"fmt"
	"os"
)

// openFD is Unix only: Windows wrappers (pwsh, nu) use a file channel.
func openFD(fd int) (*os.File, error) {
	return nil, errors.New("descriptor channels are not supported on this system")
}

// checkPrivateDir checks that the folder exists. On Windows the wrappers
// create it in the user's own temporary folder, which other users cannot
// enter.
func checkPrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output folder %q is not a folder", dir)
	}
	return nil
}
