package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
)

// editAttempts is how often UpdateFile starts over when another program
// changed the file during an edit, before it gives up with an
// *atomicfile.ChangedError.
const editAttempts = 5

// quietFor is how long a file must have been left alone before UpdateFile
// edits it: a program rewriting it in place (aws configure set opens it with
// O_TRUNC, then writes) is given that long to finish.
var quietFor = 100 * time.Millisecond

// UpdateFile edits the file at path under an exclusive cross-process lock
// and replaces it atomically:
//
//  1. create the folder (0700) if needed and lock path+".lock";
//  2. read the file (a missing file is an empty Document) once nothing has
//     written it for a moment, and parse it; a file with a syntax error is
//     left alone and the *SyntaxError returned;
//  3. call edit; if it fails, or changes nothing, nothing is written;
//  4. save the previous content as path+".bak" (0600), write the new content
//     to a temporary file next to the file, fsync it, give it the file's
//     mode less any group or other access perm does not grant (a new file:
//     perm), and rename it over the file, unless the
//     file changed since it was read: then start again from step 2 (edit may
//     be called several times), up to a few times, and then fail with an
//     *atomicfile.ChangedError.
//
// A symlink at path stays a link: the file it points to is replaced. A
// reader therefore sees either the old or the new file, never a mix, and
// neither two assume processes editing at once nor another program
// rewriting the file meanwhile lose each other's changes.
func UpdateFile(path string, perm os.FileMode, edit func(*Document) error) error {
	target, err := atomicfile.Resolve(path)
	if err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("updating %s: locking: %w", path, err)
	}
	defer unlock()

	for attempt := 1; ; attempt++ {
		err := updateOnce(path, target, perm, edit)
		if !errors.Is(err, atomicfile.ErrChanged) || attempt == editAttempts {
			return err
		}
	}
}

func updateOnce(path, target string, perm os.FileMode, edit func(*Document) error) error {
	old, stamp, err := atomicfile.ReadQuiet(target, MaxFileSize, quietFor)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		var ce *atomicfile.ChangedError
		if errors.As(err, &ce) {
			return &atomicfile.ChangedError{Path: path, Op: "editing"}
		}
		return fmt.Errorf("updating %s: %w", path, err)
	}
	doc, err := Parse(old)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.File = path
		}
		return fmt.Errorf("updating %s: the file has a syntax error, fix it first: %w", path, err)
	}
	if err := edit(doc); err != nil {
		return err
	}
	data := doc.Bytes()
	if bytes.Equal(data, old) && (stamp.Exists || len(data) == 0) {
		return nil
	}
	if stamp.Exists {
		// The file keeps its mode, without group or other access that
		// perm does not grant (credentials: none).
		perm = stamp.Mode.Perm() & (perm | 0o700)
		backup := Backup(old, data)
		if err := atomicfile.Write(path+".bak", backup, atomicfile.Options{Perm: 0o600}); err != nil {
			return fmt.Errorf("updating %s: keeping a backup: %w", path, err)
		}
	}
	err = atomicfile.Write(target, data, atomicfile.Options{Perm: perm, Expect: &stamp})
	var ce *atomicfile.ChangedError
	if errors.As(err, &ce) {
		return &atomicfile.ChangedError{Path: path, Op: "editing"}
	}
	if err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	return nil
}
