package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// MaxFileSize bounds the kubeconfig read.
const MaxFileSize = atomicfile.MaxConfigSize

// Read reads and parses the kubeconfig at path (a missing file is empty).
func Read(path string) (*File, atomicfile.Stamp, error) {
	data, stamp, err := atomicfile.Read(path, MaxFileSize)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, stamp, err
	}
	f, err := Parse(path, data)
	return f, stamp, err
}

// LockedError is a kubeconfig another program is editing.
type LockedError struct{ Lock string }

func (e *LockedError) Error() string {
	return e.Lock + " exists: another program (kubectl?) is editing the kubeconfig"
}

// Hint says what to do.
func (e *LockedError) Hint() string {
	return "try again; if no kubectl or assume is running, remove " + e.Lock
}

// lock takes the lock kubectl takes: path.lock created exclusively,
// removed when done. It waits a little for another holder.
func lock(path string) (func(), error) {
	l := path + ".lock"
	for i := 0; ; i++ {
		f, err := os.OpenFile(l, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(l) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if i == 20 {
			return nil, &LockedError{Lock: l}
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Update edits the kubeconfig at path under its lock: edit changes the
// parsed file, the previous file is kept as path.bak (its replaced
// secrets redacted, see Backup), and the new one replaces it atomically,
// 0600, through a symlink, and only if nobody changed it meanwhile. With
// dryRun nothing is locked or written. It returns the changes made.
func Update(path string, dryRun bool, edit func(*File) ([]Change, error)) ([]Change, error) {
	if dryRun {
		f, _, err := Read(path)
		if err != nil {
			return nil, err
		}
		return edit(f)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	unlock, err := lock(path)
	if err != nil {
		var le *LockedError
		if errors.As(err, &le) {
			return nil, err
		}
		return nil, fmt.Errorf("cannot write %s: locking: %w", path, err)
	}
	defer unlock()
	f, stamp, err := Read(path)
	if err != nil {
		return nil, err
	}
	old := f.Bytes()
	changes, err := edit(f)
	if err != nil {
		return nil, err
	}
	data := f.Bytes()
	if bytes.Equal(data, old) && stamp.Exists {
		return changes, nil
	}
	perm := fs.FileMode(0o600)
	if stamp.Exists {
		perm = stamp.Mode.Perm() & 0o700
		if err := atomicfile.Write(path+".bak", Backup(path, old, data), atomicfile.Options{Perm: 0o600}); err != nil {
			return nil, fmt.Errorf("cannot write %s: keeping a backup: %w", path, err)
		}
	}
	err = atomicfile.Write(path, data, atomicfile.Options{Perm: perm, FollowSymlink: true, Expect: &stamp})
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return changes, nil
}

// Diff renders changes for --dry-run: per entry a header, the lines it
// replaces (secrets redacted) with "-", the new ones with "+".
func Diff(path string, changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		what := "add"
		if len(c.Old) > 0 {
			what = "replace"
		}
		fmt.Fprintf(&b, "%s: %s %s %s\n", path, what, strings.TrimSuffix(c.Kind, "s"), c.Name)
		for _, l := range c.Old {
			b.WriteString("-" + redactLine(strings.TrimRight(l, "\n")) + "\n")
		}
		for _, l := range c.New {
			b.WriteString("+" + strings.TrimRight(l, "\n") + "\n")
		}
	}
	return b.String()
}

// redactLine hides the value of a "key: value" line whose key is a secret
// (the lines a --dry-run shows as replaced).
func redactLine(l string) string {
	t := strings.TrimLeft(l, " ")
	t = strings.TrimLeft(strings.TrimPrefix(t, "-"), " ")
	k, v, ok := strings.Cut(t, ":")
	if !ok || !IsSecretKey(strings.Trim(k, `"' `)) || strings.TrimSpace(v) == "" {
		return l
	}
	return l[:len(l)-len(v)] + " " + RedactedValue
}
