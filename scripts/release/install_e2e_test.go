package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// install.sh's key is packaging/allowed_signers' key.
func TestInstallScriptSigner(t *testing.T) {
	root := repoRoot(t)
	var line string
	for _, l := range strings.Split(read(t, filepath.Join(root, "packaging/allowed_signers")), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			line = l
		}
	}
	if line == "" || !strings.Contains(read(t, filepath.Join(root, "install.sh")), "signer='"+line+"'\n") {
		t.Fatalf("install.sh does not carry the key of packaging/allowed_signers (%q)", line)
	}
}

// install.sh is POSIX sh: it parses with dash and with sh -n, and
// shellcheck finds nothing in it as sh.
func TestInstallScriptSyntax(t *testing.T) {
	for _, shell := range []string{"sh", "dash"} {
		if _, err := exec.LookPath(shell); err != nil {
			continue
		}
		sh(t, "", nil, shell, "-n", filepath.Join(repoRoot(t), "install.sh"))
	}
	// shellcheck as POSIX sh: no bashisms (scripts/install-test-deps.sh installs it).
	if _, err := exec.LookPath("shellcheck"); err == nil {
		sh(t, "", nil, "shellcheck", "-s", "sh", filepath.Join(repoRoot(t), "install.sh"))
		sh(t, "", nil, "shellcheck", filepath.Join(repoRoot(t), "scripts/release.sh"))
	}
}

// pathWithout is a folder of links to every program of /usr/bin but the
// named ones: PATH for "no curl" and "no ssh-keygen".
func pathWithout(t *testing.T, missing ...string) string {
	t.Helper()
	dir := t.TempDir()
	ents, err := os.ReadDir("/usr/bin")
	if err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{}
	for _, m := range missing {
		skip[m] = true
	}
	for _, e := range ents {
		if !skip[e.Name()] {
			os.Symlink(filepath.Join("/usr/bin", e.Name()), filepath.Join(dir, e.Name()))
		}
	}
	return dir
}

type installRun struct {
	out, err string
	code     int
}

// install runs install.sh with dash, the script on standard input as in
// `curl … | sh`, against url.
func install(t *testing.T, url, dir string, extra ...string) installRun {
	t.Helper()
	script, err := os.Open(filepath.Join(repoRoot(t), "install.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer script.Close()
	cmd := exec.Command("dash", "-s")
	cmd.Stdin = script
	home := t.TempDir()
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + home, "SHELL=/bin/zsh", "ASSUME_RELEASE_URL=" + url, "ASSUME_INSTALL_DIR=" + dir}, extra...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return installRun{out.String(), errb.String(), code}
}

func serve(t *testing.T, dir string) string {
	t.Helper()
	hs := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(hs.Close)
	return hs.URL
}

// copyDir copies a release folder (its files) for a test to change.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, _ := os.ReadDir(src)
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644)
	}
	return dst
}

func TestInstallScript(t *testing.T) {
	a, _, version := releases(t)
	signers := "ASSUME_ALLOWED_SIGNERS=" + signers(t, a)
	url := serve(t, a)
	installed := func(t *testing.T, dir string) string {
		t.Helper()
		out := sh(t, "", nil, filepath.Join(dir, "assume"), "--version")
		if _, err := os.Stat(filepath.Join(dir, "assume-aws")); err != nil {
			t.Fatalf("assume-aws not installed: %v", err)
		}
		return out
	}
	noLeftovers := func(t *testing.T, dir string) {
		t.Helper()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != "assume" && e.Name() != "assume-aws" {
				t.Errorf("%s left in %s", e.Name(), dir)
			}
		}
	}

	t.Run("happy path", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, url, dir, signers)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		if got := installed(t, dir); got != "assume "+version+"\n" {
			t.Fatalf("installed: %q", got)
		}
		noLeftovers(t, dir)
		if !strings.Contains(r.err, "is not on PATH; add to your shell's rc file: export PATH=\""+dir+":$PATH\"") ||
			strings.TrimSpace(r.out) != `eval "$(assume init zsh)"   # in ~/.zshrc` {
			t.Errorf("the lines to add:\nstdout %q\nstderr %s", r.out, r.err)
		}
	})

	t.Run("tampered archive", func(t *testing.T) {
		bad := copyDir(t, a)
		name := filepath.Join(bad, archiveName(version, "linux", "amd64"))
		b, _ := os.ReadFile(name)
		b[len(b)/2] ^= 0xff
		os.WriteFile(name, b, 0o644)
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, serve(t, bad), dir, signers)
		if r.code == 0 || !strings.Contains(r.err, "assume-install: error: checksum mismatch for "+filepath.Base(name)) || !strings.Contains(r.err, "nothing was installed") {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%s exists after a refused install", dir)
		}
	})

	t.Run("tampered checksums", func(t *testing.T) {
		// A mirror that changes the archive and its line in SHA256SUMS fails
		// the signature.
		bad := copyDir(t, a)
		sums := read(t, filepath.Join(bad, "SHA256SUMS"))
		os.WriteFile(filepath.Join(bad, "SHA256SUMS"), []byte(strings.Replace(sums, sums[:4], "0000", 1)), 0o644)
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, serve(t, bad), dir, signers)
		if r.code == 0 || !strings.Contains(r.err, "the signature of SHA256SUMS does not verify: nothing was installed") {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		// And a snapshot, signed with a throwaway key, fails install.sh's own key.
		if fileExists(filepath.Join(a, "allowed_signers.snapshot")) {
			r = install(t, url, dir)
			if r.code == 0 || !strings.Contains(r.err, "does not verify") {
				t.Fatalf("a snapshot verified with the release key: exit %d\n%s", r.code, r.err)
			}
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("%s exists after a refused install", dir)
		}
	})

	t.Run("unknown architecture", func(t *testing.T) {
		fake := t.TempDir()
		os.WriteFile(filepath.Join(fake, "uname"), []byte("#!/bin/sh\ncase $1 in -m) echo riscv64 ;; *) echo Linux ;; esac\n"), 0o755)
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, url, dir, signers, "PATH="+fake+":/usr/bin:/bin")
		if r.code == 0 || !strings.Contains(r.err, "assume-install: error: unsupported architecture: riscv64 (releases are built for amd64 and arm64)") ||
			!strings.Contains(r.err, "assume-install: hint: build from source: go install") {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
	})

	t.Run("older install replaced", func(t *testing.T) {
		dir := t.TempDir()
		for _, f := range []string{"assume", "assume-aws"} {
			os.WriteFile(filepath.Join(dir, f), []byte("#!/bin/sh\necho assume 0.0.1\n"), 0o755)
		}
		old, _ := os.Stat(filepath.Join(dir, "assume"))
		// A process that has the old file open keeps reading the old bytes
		// (a rename, not a rewrite in place).
		held, err := os.Open(filepath.Join(dir, "assume"))
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		r := install(t, url, dir, signers, "PATH="+dir+":/usr/bin:/bin")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		if got := installed(t, dir); got != "assume "+version+"\n" {
			t.Fatalf("after the upgrade: %q", got)
		}
		now, _ := os.Stat(filepath.Join(dir, "assume"))
		if os.SameFile(old, now) {
			t.Error("the old file was rewritten in place, not replaced")
		}
		b := make([]byte, 32)
		n, _ := held.Read(b)
		if string(b[:n]) != "#!/bin/sh\necho assume 0.0.1\n" {
			t.Errorf("the open old file changed: %q", b[:n])
		}
		noLeftovers(t, dir)
		if strings.Contains(r.err, "not on PATH") {
			t.Errorf("asked to add a folder that is on PATH:\n%s", r.err)
		}
	})

	t.Run("wget without curl", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, url, dir, signers, "PATH="+pathWithout(t, "curl"))
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		installed(t, dir)
		r = install(t, url, filepath.Join(t.TempDir(), "bin"), signers, "PATH="+pathWithout(t, "curl", "wget"))
		if r.code == 0 || !strings.Contains(r.err, "assume-install: error: neither curl nor wget found") {
			t.Fatalf("without curl and wget: exit %d\n%s", r.code, r.err)
		}
	})

	t.Run("no ssh-keygen", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bin")
		r := install(t, url, dir, "PATH="+pathWithout(t, "ssh-keygen"))
		if r.code != 0 || !strings.Contains(r.err, "ssh-keygen not found: the signature is not checked (the checksums are)") {
			t.Fatalf("exit %d\n%s", r.code, r.err)
		}
		installed(t, dir)
	})
}
