package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Options tune Write.
type Options struct {
	// Perm is the mode the file gets.
	Perm fs.FileMode
	// FollowSymlink replaces the file a symlink at path finally points to,
	// so that the link stays a link (dotfiles managers link ~/.aws/config).
	// Without it a symlink at path is itself replaced, never written
	// through.
	FollowSymlink bool
	// Expect, when set, makes Write replace the file only if it is still
	// that version (a zero Stamp: only if there is still no file); else
	// Write leaves everything as it was and returns a *ChangedError.
	Expect *Stamp
	// NoSync skips the fsyncs, for files whose loss in a crash costs
	// nothing.
	NoSync bool
}

// StaleAfter is the age from which a temporary file of ours whose process
// is gone is removed by the next Write in its folder.
const StaleAfter = 30 * time.Second

// Write replaces the file at path with data, atomically: readers see the
// old or the new file, never a mix. See the package documentation.
func Write(path string, data []byte, o Options) error {
	target := path
	if o.FollowSymlink {
		t, err := Resolve(path)
		if err != nil {
			return err
		}
		target = t
	}
	dir := filepath.Dir(target)
	CleanStale(dir, filepath.Base(target))
	tmp, err := WriteTemp(target, data, o.Perm, o.NoSync)
	if err != nil {
		return err
	}
	if err := replace(tmp, target, o.Expect); err != nil {
		os.Remove(tmp)
		return bare(err)
	}
	if !o.NoSync {
		syncDir(dir)
	}
	return nil
}

// WriteTemp writes data to a new temporary file next to target, named
// .BASE.tmp-PID-RANDOM, created 0600 with O_EXCL (a symlink or file
// planted at that name is never followed nor reused), synced unless noSync,
// then given perm. It returns the temporary file's path; the caller renames
// or removes it.
func WriteTemp(target string, data []byte, perm fs.FileMode, noSync bool) (string, error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	var (
		f   *os.File
		tmp string
		err error
	)
	for range 10 {
		tmp = filepath.Join(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-"+randomHex())
		if f, err = openTemp(tmp); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", bare(err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", bare(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if !noSync {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	if err := f.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) && !isWindows {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", bare(err)
	}
	return tmp, nil
}

// bare drops the *PathError around err: the temporary file's name means
// nothing to the user, who is told which file was being written.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func tempPrefix(base string) string { return "." + base + ".tmp-" }

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// replace renames tmp over target; with expect, only if target is still
// that version.
func replace(tmp, target string, expect *Stamp) error {
	if expect == nil {
		return os.Rename(tmp, target)
	}
	now, err := StatPath(target)
	if err != nil {
		return err
	}
	if !now.Same(*expect) {
		return &ChangedError{Path: target, Op: "editing"}
	}
	return replaceExpect(tmp, target, *expect)
}

// Resolve follows the symlinks at path (each hop relative to the link's
// folder) to the file they finally name, which may not exist yet.
func Resolve(path string) (string, error) {
	p := path
	for hop := 0; ; hop++ {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if hop >= 40 {
			return "", fmt.Errorf("%s: too many levels of symbolic links", path)
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
}

// CleanStale removes the temporary files that Write left next to base in
// dir when its process was killed: regular files of this user named
// .BASE.tmp-PID-RANDOM whose process is gone, or named as older versions
// named them (.BASE.tmp-DIGITS), and last modified over StaleAfter ago.
// Anything else is left alone. Errors are ignored: cleaning is a courtesy.
func CleanStale(dir, base string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	prefix := tempPrefix(base)
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, prefix)
		if !ok {
			continue
		}
		pid, ok := tempPID(rest)
		if !ok {
			continue
		}
		p := filepath.Join(dir, n)
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || !ownedByUs(fi) || time.Since(fi.ModTime()) < StaleAfter {
			continue
		}
		if pid > 0 && pid != os.Getpid() && alive(pid) {
			continue
		}
		os.Remove(p)
	}
}

// tempPID parses what follows ".BASE.tmp-": "PID-16HEX" (pid > 0) or the
// digits os.CreateTemp used before (pid 0).
func tempPID(rest string) (int, bool) {
	if p, r, ok := strings.Cut(rest, "-"); ok {
		pid, err := strconv.Atoi(p)
		if err != nil || pid <= 0 || len(r) != 16 || strings.Trim(r, "0123456789abcdef") != "" {
			return 0, false
		}
		return pid, true
	}
	if rest == "" || strings.Trim(rest, "0123456789") != "" {
		return 0, false
	}
	return 0, true
}
