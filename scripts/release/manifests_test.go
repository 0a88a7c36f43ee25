package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// checkManifests checks the manifests in dir/packaging against the release
// in dir: every URL names an archive of SHA256SUMS under base, with its
// checksum; when the archive itself is in dir, its checksum is the file's
// and it holds every file the manifest installs.
func checkManifests(t *testing.T, dir, version, base string, epoch time.Time) {
	t.Helper()
	sums, err := readSums(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	check := func(manifest, url, sum string, files []string) {
		t.Helper()
		name, ok := strings.CutPrefix(url, base+"/")
		if !ok {
			t.Errorf("%s: URL %s is not under %s", manifest, url, base)
			return
		}
		named[name] = true
		if want := sums[name]; !strings.EqualFold(sum, want) || want == "" {
			t.Errorf("%s: %s has checksum %s, SHA256SUMS says %q", manifest, name, sum, want)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return // not built here (a partial matrix): SHA256SUMS is the reference
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); !strings.EqualFold(got, sum) {
			t.Errorf("%s: %s is %s, the manifest says %s", manifest, name, got, sum)
		}
		have := map[string]bool{}
		for _, e := range strings.Split(listArchiveAt(t, filepath.Join(dir, name), epoch), " | ") {
			have[strings.Fields(e)[0]] = true
		}
		for _, f := range files {
			if !have[f] {
				t.Errorf("%s installs %s, which %s does not hold", manifest, f, name)
			}
		}
	}

	// Homebrew: four url/sha256 pairs; install names both executables, the
	// man page and the completions of bash, zsh and fish.
	rb := read(t, filepath.Join(dir, "packaging/homebrew/assume.rb"))
	pairs := regexp.MustCompile(`url "([^"]+)"\s+sha256 "([0-9a-f]{64})"`).FindAllStringSubmatch(rb, -1)
	if len(pairs) != 4 {
		t.Fatalf("homebrew: %d url/sha256 pairs, want 4 (darwin and linux, amd64 and arm64)", len(pairs))
	}
	for _, want := range []string{`bin.install "assume", "assume-aws"`, `man1.install "man/assume.1"`, `bash_completion.install "completions/assume.bash"`,
		`zsh_completion.install "completions/_assume"`, `fish_completion.install "completions/assume.fish"`, `version "` + version + `"`} {
		if !strings.Contains(rb, want) {
			t.Errorf("homebrew formula lacks %s", want)
		}
	}
	for _, p := range pairs {
		top := strings.TrimSuffix(filepath.Base(p[1]), ".tar.gz")
		check("homebrew", p[1], p[2], []string{top + "/assume", top + "/assume-aws", top + "/man/assume.1",
			top + "/completions/assume.bash", top + "/completions/_assume", top + "/completions/assume.fish"})
	}

	// Scoop: both Windows architectures, both executables.
	var scoop struct {
		Version      string
		Architecture map[string]struct {
			URL        string `json:"url"`
			Hash       string `json:"hash"`
			ExtractDir string `json:"extract_dir"`
		}
		Bin []string
	}
	if err := json.Unmarshal([]byte(read(t, filepath.Join(dir, "packaging/scoop/assume.json"))), &scoop); err != nil {
		t.Fatalf("scoop manifest: %v", err)
	}
	if scoop.Version != version || len(scoop.Architecture) != 2 || fmt.Sprint(scoop.Bin) != "[assume.exe assume-aws.exe]" {
		t.Errorf("scoop manifest: %+v", scoop)
	}
	for arch, a := range scoop.Architecture {
		if (arch == "64bit") != strings.HasSuffix(a.URL, "_windows_amd64.zip") {
			t.Errorf("scoop %s: %s", arch, a.URL)
		}
		check("scoop", a.URL, a.Hash, []string{a.ExtractDir + "/assume.exe", a.ExtractDir + "/assume-aws.exe"})
	}

	// winget: the installer manifest's two zips, each with both portable commands.
	wdir := filepath.Join(dir, "packaging/winget/manifests/a/assume-cli/assume", version)
	inst := read(t, filepath.Join(wdir, "assume-cli.assume.installer.yaml"))
	for _, f := range []string{"assume-cli.assume.yaml", "assume-cli.assume.locale.en-US.yaml"} {
		if s := read(t, filepath.Join(wdir, f)); !strings.Contains(s, "PackageVersion: "+version+"\n") {
			t.Errorf("winget %s: no PackageVersion %s", f, version)
		}
	}
	blocks := strings.Split(inst, "- Architecture: ")[1:]
	if len(blocks) != 2 {
		t.Fatalf("winget: %d installers, want x64 and arm64", len(blocks))
	}
	for _, b := range blocks {
		url := regexp.MustCompile(`InstallerUrl: (\S+)`).FindStringSubmatch(b)
		sum := regexp.MustCompile(`InstallerSha256: ([0-9A-F]{64})\n`).FindStringSubmatch(b)
		rel := regexp.MustCompile(`RelativeFilePath: (\S+)\n\s+PortableCommandAlias: (\S+)`).FindAllStringSubmatch(b, -1)
		if url == nil || sum == nil || len(rel) != 2 || rel[0][2] != "assume" || rel[1][2] != "assume-aws" {
			t.Fatalf("winget installer: %q", b)
		}
		if strings.HasPrefix(b, "x64\n") != strings.HasSuffix(url[1], "_windows_amd64.zip") {
			t.Errorf("winget: the installer for %s is %s", strings.SplitN(b, "\n", 2)[0], url[1])
		}
		check("winget", url[1], sum[1], []string{strings.ReplaceAll(rel[0][1], `\`, "/"), strings.ReplaceAll(rel[1][1], `\`, "/")})
	}
	for _, p := range manifestPlatforms {
		goos, goarch, _ := strings.Cut(p, "/")
		if !named[archiveName(version, goos, goarch)] {
			t.Errorf("no manifest names the %s archive", p)
		}
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The manifests of a release made of small stand-in archives.
func TestManifestsFromSums(t *testing.T) {
	dir := t.TempDir()
	const version, base = "1.2.3", "https://example.test/releases/v1.2.3"
	var sums strings.Builder
	for _, p := range manifestPlatforms {
		goos, goarch, _ := strings.Cut(p, "/")
		top := filepath.Join(t.TempDir(), topDir(version, goos, goarch))
		exe := ""
		if goos == "windows" {
			exe = ".exe"
		}
		for _, f := range []string{"assume" + exe, "assume-aws" + exe, "man/assume.1", "completions/assume.bash", "completions/_assume", "completions/assume.fish"} {
			os.MkdirAll(filepath.Dir(filepath.Join(top, f)), 0o755)
			os.WriteFile(filepath.Join(top, f), []byte(p+f), 0o755)
		}
		entries, err := collect(top)
		if err != nil {
			t.Fatal(err)
		}
		name := archiveName(version, goos, goarch)
		if err := writeArchive(filepath.Join(dir, name), entries, epochForTest); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, name))
		h := sha256.Sum256(b)
		fmt.Fprintf(&sums, "%x  %s\n", h, name)
	}
	os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums.String()), 0o644)
	if err := run([]string{"manifests", "-version", version, "-url", base + "/", "-sums", filepath.Join(dir, "SHA256SUMS"), "-out", filepath.Join(dir, "packaging")}); err != nil {
		t.Fatal(err)
	}
	checkManifests(t, dir, version, base, epochForTest)

	// A release without one of the platforms has no manifests.
	os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.SplitN(sums.String(), "\n", 2)[1]), 0o644)
	err := run([]string{"manifests", "-version", version, "-url", base, "-sums", filepath.Join(dir, "SHA256SUMS"), "-out", t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "no checksum of assume_1.2.3_darwin_amd64.tar.gz") {
		t.Fatalf("missing platform: %v", err)
	}
}

func FuzzReadSums(f *testing.F) {
	f.Add("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  assume_1.2.3_linux_amd64.tar.gz\n")
	f.Add("zz  x\n")
	f.Add("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  ../../etc/passwd\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p := filepath.Join(t.TempDir(), "SHA256SUMS")
		os.WriteFile(p, []byte(s), 0o644)
		sums, err := readSums(p)
		if err != nil {
			return
		}
		for name, sum := range sums {
			if len(sum) != 64 || strings.ContainsAny(name, "/\\ \n") || name == "" {
				t.Fatalf("accepted %q %q", sum, name)
			}
		}
	})
}
