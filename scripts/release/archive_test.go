package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var epochForTest = time.Unix(1765000000, 0).UTC()

// tree makes a small release folder with files written at different times
// and with different modes.
func tree(t *testing.T, root string, stamp time.Time) string {
	t.Helper()
	dir := filepath.Join(root, "assume_1.2.3_linux_amd64")
	for name, body := range map[string]string{"assume": "#!bin", "assume-aws": "#!bin2", "README.md": "readme", "completions/_assume": "z", "man/assume.1": ".TH"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o600)
		if strings.HasPrefix(name, "assume") {
			mode = 0o700
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Two folders with the same content, made at different times with
// different permissions on disk, give byte-identical archives with fixed
// metadata.
func TestArchiveReproducible(t *testing.T) {
	epoch := epochForTest
	for _, ext := range []string{".tar.gz", ".zip"} {
		a := tree(t, t.TempDir(), time.Now())
		b := tree(t, t.TempDir(), time.Now().Add(-48*time.Hour))
		os.Chmod(filepath.Join(b, "README.md"), 0o666)
		outA, outB := filepath.Join(t.TempDir(), "a"+ext), filepath.Join(t.TempDir(), "b"+ext)
		for _, p := range [][2]string{{outA, a}, {outB, b}} {
			entries, err := collect(p[1])
			if err != nil {
				t.Fatal(err)
			}
			if err := writeArchive(p[0], entries, epoch); err != nil {
				t.Fatal(err)
			}
		}
		ba, _ := os.ReadFile(outA)
		bb, _ := os.ReadFile(outB)
		if !bytes.Equal(ba, bb) {
			t.Fatalf("%s: two archives of the same files differ", ext)
		}
		got := listArchive(t, outA)
		want := "assume_1.2.3_linux_amd64/ 755 | assume_1.2.3_linux_amd64/README.md 644 | assume_1.2.3_linux_amd64/assume 755 | assume_1.2.3_linux_amd64/assume-aws 755 | " +
			"assume_1.2.3_linux_amd64/completions/ 755 | assume_1.2.3_linux_amd64/completions/_assume 644 | assume_1.2.3_linux_amd64/man/ 755 | assume_1.2.3_linux_amd64/man/assume.1 644"
		if got != want {
			t.Fatalf("%s entries:\n got %s\nwant %s", ext, got, want)
		}
	}
}

// listArchive lists "name mode" of every entry, checking the fixed
// metadata on the way: owner 0:0, no PAX records, no gzip name or time, no
// zip extra fields, and one mtime for all (the unit tests' epochForTest, or
// any when epoch is zero).
func listArchive(t *testing.T, file string) string { return listArchiveAt(t, file, epochForTest) }

func listArchiveAt(t *testing.T, file string, epoch time.Time) string {
	t.Helper()
	var out []string
	if strings.HasSuffix(file, ".zip") {
		zr, err := zip.OpenReader(file)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if len(f.Extra) != 0 {
				t.Errorf("%s: extra fields %x (times?)", f.Name, f.Extra)
			}
			out = append(out, f.Name+" "+octal(int64(f.Mode().Perm())))
		}
		return strings.Join(out, " | ")
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header has name %q time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var first time.Time
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if first.IsZero() {
			first = h.ModTime
		}
		if h.Uid != 0 || h.Gid != 0 || !h.ModTime.Equal(first) || (!epoch.IsZero() && !h.ModTime.Equal(epoch)) || len(h.PAXRecords) != 0 {
			t.Errorf("%s: uid %d gid %d mtime %v pax %v", h.Name, h.Uid, h.Gid, h.ModTime, h.PAXRecords)
		}
		out = append(out, h.Name+" "+octal(h.Mode))
	}
	return strings.Join(out, " | ")
}

func octal(m int64) string {
	var b []byte
	for m > 0 {
		b = append([]byte{byte('0' + m%8)}, b...)
		m /= 8
	}
	return string(b)
}

func TestArchiveRefusesSymlinks(t *testing.T) {
	dir := tree(t, t.TempDir(), time.Now())
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := collect(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("a symlink was archived: %v", err)
	}
}

func TestDosTime(t *testing.T) {
	d, tm := dosTime(time.Date(2026, 12, 7, 13, 45, 31, 0, time.UTC))
	if d != uint16(7|12<<5|46<<9) || tm != uint16(15|45<<5|13<<11) {
		t.Fatalf("dosTime = %x %x", d, tm)
	}
}
