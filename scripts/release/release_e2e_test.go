package main

// The end-to-end tests of a release (make release-test; ASSUME_RELEASE_TEST=1):
// scripts/release.sh --snapshot runs in two clones of HEAD at different paths,
// and the tests check that the artefacts are byte-identical, signed, complete,
// installable with dpkg, and installable with install.sh from a loopback
// server. They test the committed HEAD (a clone), not uncommitted changes.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var tmpRoot string

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

var snap struct {
	once       sync.Once
	a, b       string // the two dist folders
	version    string
	commit     string
	commitDate string
	err        error
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func sh(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// releases builds the two snapshots once for all tests.
func releases(t *testing.T) (a, b, version string) {
	t.Helper()
	if os.Getenv("ASSUME_RELEASE_TEST") == "" {
		t.Skip("builds a release: make release-test (ASSUME_RELEASE_TEST=1)")
	}
	snap.once.Do(func() {
		root := repoRoot(t)
		var err error
		if tmpRoot, err = os.MkdirTemp("", "assume-release-test-"); err != nil {
			snap.err = err
			return
		}
		head := strings.TrimSpace(sh(t, root, nil, "git", "rev-parse", "HEAD"))
		snap.commit = head
		snap.commitDate = strings.TrimSpace(sh(t, root, []string{"TZ=UTC"}, "git", "log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ", head))
		if dist := os.Getenv("ASSUME_RELEASE_DIST"); dist != "" {
			// A release made already (the release workflow checks its own
			// artefacts before it uploads them): no second build to compare.
			snap.a = dist
			snap.version = versionOf(t, dist)
			return
		}
		// linux/amd64 in both (the reproducibility check); the first clone builds
		// ASSUME_RELEASE_PLATFORMS too (make release-test: the full matrix, so
		// that the manifests are checked against real archives).
		more := os.Getenv("ASSUME_RELEASE_PLATFORMS")
		for i, clone := range []string{filepath.Join(tmpRoot, "a", "assume"), filepath.Join(tmpRoot, "b", "deeper", "src", "assume")} {
			sh(t, "", nil, "git", "clone", "-q", "--no-checkout", root, clone)
			sh(t, clone, nil, "git", "checkout", "-q", head)
			platforms := "linux/amd64"
			if i == 0 && more != "" {
				platforms = more
			}
			sh(t, clone, []string{"ASSUME_SIGNING_KEY=", "ASSUME_DOWNLOAD_URL="}, "./scripts/release.sh", "--snapshot", "--platforms", platforms)
		}
		snap.a, snap.b = filepath.Join(tmpRoot, "a", "assume", "dist"), filepath.Join(tmpRoot, "b", "deeper", "src", "assume", "dist")
		snap.version = versionOf(t, snap.a)
	})
	if snap.err != nil || snap.a == "" {
		t.Fatalf("the snapshot builds failed: %v", snap.err)
	}
	return snap.a, snap.b, snap.version
}

func versionOf(t *testing.T, dist string) string {
	t.Helper()
	m := regexp.MustCompile(`assume_(\S+)_linux_amd64\.tar\.gz`).FindStringSubmatch(read(t, filepath.Join(dist, "SHA256SUMS")))
	if m == nil {
		t.Fatalf("%s/SHA256SUMS names no linux/amd64 archive", dist)
	}
	return m[1]
}

// signers is the allowed_signers file that checks dist's signature: the
// throwaway key of a snapshot, else the repo's.
func signers(t *testing.T, dist string) string {
	if p := filepath.Join(dist, "allowed_signers.snapshot"); fileExists(p) {
		return p
	}
	return filepath.Join(repoRoot(t), "packaging/allowed_signers")
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Same commit, two clones at different paths → the same bytes.
func TestReleaseReproducible(t *testing.T) {
	a, b, version := releases(t)
	if b == "" {
		t.Skip("ASSUME_RELEASE_DIST: one release, nothing to compare it with")
	}
	files, _ := os.ReadDir(b)
	compared := 0
	for _, f := range files {
		switch f.Name() {
		case "SHA256SUMS.sig", "allowed_signers.snapshot", "SHA256SUMS": // throwaway keys; a's SHA256SUMS may list more platforms
			continue
		}
		ba, errA := os.ReadFile(filepath.Join(a, f.Name()))
		bb, errB := os.ReadFile(filepath.Join(b, f.Name()))
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v %v", f.Name(), errA, errB)
		}
		if !bytes.Equal(ba, bb) {
			t.Errorf("%s differs between two builds of one commit", f.Name())
		}
		compared++
	}
	// The archive, the .deb, the .rpm, the SBOM and install.sh.
	if compared < 5 {
		t.Fatalf("compared only %d files", compared)
	}
	// The clone's path is nowhere in the executables (-trimpath).
	x := extract(t, filepath.Join(a, archiveName(version, "linux", "amd64")))
	for _, exe := range []string{"assume", "assume-aws"} {
		bin, err := os.ReadFile(filepath.Join(x, exe))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bin, []byte(tmpRoot)) {
			t.Errorf("%s holds the build path %s", exe, tmpRoot)
		}
	}
}

// extract unpacks a .tar.gz into a new folder and returns the archive's top folder.
func extract(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	sh(t, dir, nil, "tar", "-xzf", archive)
	return filepath.Join(dir, strings.TrimSuffix(filepath.Base(archive), ".tar.gz"))
}

func TestReleaseArchive(t *testing.T) {
	a, _, version := releases(t)
	name := archiveName(version, "linux", "amd64")
	top := strings.TrimSuffix(name, ".tar.gz")
	want := []string{"", "LICENSE", "README.md", "assume", "assume-aws", "completions/", "completions/_assume", "completions/assume.bash",
		"completions/assume.fish", "completions/assume.ps1", "man/", "man/assume.1"}
	var got []string
	for _, e := range strings.Split(listArchive2(t, filepath.Join(a, name)), " | ") {
		got = append(got, strings.TrimPrefix(strings.TrimPrefix(strings.Fields(e)[0], top+"/"), top))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s holds\n %v\nwant\n %v", name, got, want)
	}
	x := extract(t, filepath.Join(a, name))
	var v struct {
		Version, Commit, Date, OS, Arch string
		Dirty                           bool
	}
	out := sh(t, x, nil, filepath.Join(x, "assume"), "version", "--json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("assume version --json: %v\n%s", err, out)
	}
	if v.Version != version || v.Commit != snap.commit || v.Date != snap.commitDate || v.Dirty || v.OS != "linux" || v.Arch != "amd64" {
		t.Fatalf("assume version --json = %+v, want version %s commit %s date %s, clean", v, version, snap.commit, snap.commitDate)
	}
	if out := sh(t, x, nil, filepath.Join(x, "assume"), "--version"); out != "assume "+version+"\n" {
		t.Fatalf("assume --version = %q", out)
	}
	// Static, and none of the release tools' modules linked in.
	for _, exe := range []string{"assume", "assume-aws"} {
		mods := sh(t, x, nil, "go", "version", "-m", filepath.Join(x, exe))
		for _, bad := range []string{"nfpm", "cyclonedx", "actionlint", "go-internal"} {
			if strings.Contains(mods, bad) {
				t.Errorf("%s links %s:\n%s", exe, bad, mods)
			}
		}
		if !strings.Contains(mods, "CGO_ENABLED=0") || !strings.Contains(mods, "-trimpath=true") {
			t.Errorf("%s: not a static -trimpath build:\n%s", exe, mods)
		}
	}
}

// listArchive2 is listArchive without its metadata checks of the unit test's
// fixed epoch.
func listArchive2(t *testing.T, file string) string {
	t.Helper()
	out := sh(t, "", nil, "tar", "-tzf", file)
	return strings.Join(strings.Fields(out), " | ")
}

func TestReleaseSignature(t *testing.T) {
	a, _, _ := releases(t)
	verify := func(sums string) error {
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers(t, a), "-I", "release@assume-cli",
			"-n", "assume-release", "-s", filepath.Join(a, "SHA256SUMS.sig"))
		cmd.Stdin = strings.NewReader(sums)
		return cmd.Run()
	}
	sums := read(t, filepath.Join(a, "SHA256SUMS"))
	if err := verify(sums); err != nil {
		t.Fatalf("the signature of SHA256SUMS does not verify: %v", err)
	}
	if err := verify(strings.Replace(sums, "0", "1", 1)); err == nil {
		t.Fatal("a changed SHA256SUMS verifies")
	}
	// Every artefact has its line, and each line is right.
	files, _ := os.ReadDir(a)
	listed, _ := readSums(filepath.Join(a, "SHA256SUMS"))
	for _, f := range files {
		n := f.Name()
		if f.IsDir() || strings.HasPrefix(n, "SHA256SUMS") || n == "allowed_signers.snapshot" {
			continue
		}
		if listed[n] == "" {
			t.Errorf("%s is not in SHA256SUMS", n)
		}
	}
	sh(t, a, nil, "sha256sum", "--quiet", "-c", "SHA256SUMS")
}

func TestReleaseSBOM(t *testing.T) {
	a, _, version := releases(t)
	var bom struct {
		BOMFormat  string `json:"bomFormat"`
		Components []struct {
			Name, Version string
		}
	}
	if err := json.Unmarshal([]byte(read(t, filepath.Join(a, "assume_"+version+"_sbom.cdx.json"))), &bom); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range bom.Components {
		names[c.Name] = true
	}
	if bom.BOMFormat != "CycloneDX" || !names["github.com/aws/aws-sdk-go-v2"] || !names["golang.org/x/sys"] || !names["std"] {
		t.Fatalf("SBOM: %s, components %v", bom.BOMFormat, names)
	}
	for _, n := range []string{"github.com/rogpeppe/go-internal", "github.com/goreleaser/nfpm/v2"} {
		if names[n] {
			t.Errorf("SBOM lists %s, which the executables do not link", n)
		}
	}
}

func TestReleaseManifests(t *testing.T) {
	a, _, version := releases(t)
	if !fileExists(filepath.Join(a, "packaging")) {
		t.Skip("a partial matrix has no manifests (make release-test RELEASE_TEST_PLATFORMS=all builds them)")
	}
	base := os.Getenv("ASSUME_DOWNLOAD_URL")
	if base == "" {
		base = "https://github.com/assume-cli/assume/releases/download/v" + version
	}
	checkManifests(t, a, version, strings.TrimRight(base, "/"), time.Time{})
}
