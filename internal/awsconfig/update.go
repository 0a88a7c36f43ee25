package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// UpdateFile edits the file at path under an exclusive cross-process lock
// and replaces it atomically:
//
//  1. create the folder (0700) if needed and lock path+".lock";
//  2. read the file (a missing file is an empty Document) and parse it; a
//     file with a syntax error is left alone and the *SyntaxError returned;
//  3. call edit; if it fails, or changes nothing, nothing is written;
//  4. save the previous content as path+".bak" (0600), write the new content
//     to a temporary file in the same folder, fsync it, give it perm, and
//     rename it over path.
//
// A reader therefore sees either the old or the new file, never a mix, and
// two assume processes editing at once do not lose each other's changes.
func UpdateFile(path string, perm os.FileMode, edit func(*Document) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return fmt.Errorf("updating %s: locking: %w", path, err)
	}
	defer unlock()

	old, err := os.ReadFile(path)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
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
	if bytes.Equal(data, old) && (existed || len(data) == 0) {
		return nil
	}
	if existed {
		if err := writeAtomic(path+".bak", Backup(old, data), 0o600); err != nil {
			return fmt.Errorf("updating %s: keeping a backup: %w", path, err)
		}
	}
	if err := writeAtomic(path, data, perm); err != nil {
		return fmt.Errorf("updating %s: %w", path, err)
	}
	return nil
}

// writeAtomic writes data to a temporary file next to path and renames it
// over path.
func writeAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}
