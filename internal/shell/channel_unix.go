//go:build unix

package shell

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openFD adopts an inherited pipe descriptor as the channel.
func openFD(fd int) (*os.File, error) {
	// Close-on-exec first, before anything else can fork.
	syscall.CloseOnExec(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		if errors.Is(err, syscall.EBADF) {
			return nil, errors.New("descriptor is not open")
		}
		return nil, fmt.Errorf("inspecting descriptor: %w", err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFIFO {
		// Not what any wrapper passes: refuse to write secrets into an
		// unrelated file, socket or terminal that happens to be open there.
		return nil, errors.New("descriptor is not a pipe")
	}
	return os.NewFile(uintptr(fd), "assume-channel"), nil
}

// checkPrivateDir refuses a folder that other users may write to.
func checkPrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("output folder %q is not a folder", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("output folder %q is writable by others (mode %04o)", dir, fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("output folder %q belongs to another user", dir)
	}
	return nil
}
