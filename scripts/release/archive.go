package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// entry is one file of an archive: its path inside and where it comes from.
type entry struct {
	name string // slash-separated, under the top folder
	src  string
	exec bool
	dir  bool
}

func runArchive(args []string) error {
	fl := flag.NewFlagSet("archive", flag.ContinueOnError)
	epoch := fl.Int64("epoch", -1, "the mtime of every entry (SOURCE_DATE_EPOCH)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 2 || *epoch < 0 {
		return errors.New("usage: release archive -epoch N OUT.tar.gz|OUT.zip DIR")
	}
	entries, err := collect(fl.Arg(1))
	if err != nil {
		return err
	}
	return writeArchive(fl.Arg(0), entries, time.Unix(*epoch, 0).UTC())
}

// collect lists DIR's folders and regular files, sorted by path, named
// under DIR's base name. Symlinks and other special files are refused.
func collect(dir string) ([]entry, error) {
	top := filepath.Base(filepath.Clean(dir))
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(top, filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			out = append(out, entry{name: name + "/", src: p, dir: true})
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			out = append(out, entry{name: name, src: p, exec: info.Mode()&0o111 != 0})
		default:
			return fmt.Errorf("%s: not a regular file or folder", p)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, err
}

// writeArchive writes entries to out (.tar.gz or .zip by its name) through
// a temporary file, renamed into place when complete.
func writeArchive(out string, entries []entry, mtime time.Time) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".archive-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		err = writeTarGz(tmp, entries, mtime)
	case strings.HasSuffix(out, ".zip"):
		err = writeZip(tmp, entries, mtime)
	default:
		err = fmt.Errorf("%s: want a .tar.gz or .zip name", out)
	}
	if err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func mode(e entry) int64 {
	switch {
	case e.dir:
		return 0o755
	case e.exec:
		return 0o755
	}
	return 0o644
}

func writeTarGz(w io.Writer, entries []entry, mtime time.Time) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	// No name and no time in the gzip header (gzip -n).
	gz.Header = gzip.Header{OS: 255}
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: mode(e), ModTime: mtime, Uid: 0, Gid: 0, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			info, err := os.Stat(e.src)
			if err != nil {
				return err
			}
			h.Size = info.Size()
		}
		// PAX records would carry access and change times: USTAR fields only
		// where the names fit (they do: short names).
		h.Format = tar.FormatUSTAR
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !e.dir {
			if err := copyFile(tw, e.src); err != nil {
				return err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, entries []entry, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		if e.dir {
			h.Method = zip.Store
		}
		fm := fs.FileMode(mode(e))
		if e.dir {
			fm |= fs.ModeDir
		}
		h.SetMode(fm)
		// Modified would add an extended-timestamp field; the DOS time alone
		// (local-time free: it is the UTC wall clock) keeps the bytes fixed.
		h.Modified = time.Time{}
		h.ModifiedDate, h.ModifiedTime = dosTime(mtime)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if !e.dir {
			if err := copyFile(fw, e.src); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// dosTime is t (UTC) in MS-DOS date and time fields; years before 1980 are
// 1980-01-01.
func dosTime(t time.Time) (date, tm uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	tm = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, tm
}

func copyFile(w io.Writer, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
