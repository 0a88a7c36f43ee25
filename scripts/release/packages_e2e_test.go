package main

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/awsemu"
)

// emulator serves awsemu on loopback and returns the environment that
// points assume at it with bob's keys.
func emulator(t *testing.T) []string {
	t.Helper()
	w, err := awsemu.LoadWorld(filepath.Join(repoRoot(t), "internal/cli/testdata/world.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := awsemu.New(w, awsemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return []string{"AWS_ENDPOINT_URL_STS=" + hs.URL, "AWS_ACCESS_KEY_ID=AKIABOB0000000000001",
		"AWS_SECRET_ACCESS_KEY=bob-secret-00000000000000000000000001", "AWS_REGION=eu-west-1", "ASSUME_HTTP_TIMEOUT=5s",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent"}
}

// tree lists every path under root but dpkg's database, "path" or "path/".
func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		if rel == "var/lib/dpkg" {
			return filepath.SkipDir
		}
		if d.IsDir() {
			rel += "/"
		}
		out = append(out, rel)
		return nil
	})
	sort.Strings(out)
	return out
}

func glob1(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) != 1 {
		t.Fatalf("%s: %v", pattern, m)
	}
	return m[0]
}

// The .deb installed with the real dpkg into a root of its own (--root: a
// dpkg database of its own, so nothing on this shared machine changes):
// assume works, its bash completion loads in a fresh bash from the vendor
// folder, an upgrade keeps the user's files, removing and purging leave
// nothing of ours behind.
func TestDeb(t *testing.T) {
	a, _, version := releases(t)
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("no dpkg")
	}
	deb := glob1(t, filepath.Join(a, "assume_*_amd64.deb"))
	root := t.TempDir()
	for _, d := range []string{"info", "updates", "triggers"} {
		os.MkdirAll(filepath.Join(root, "var/lib/dpkg", d), 0o755)
	}
	for _, f := range []string{"status", "available"} {
		os.WriteFile(filepath.Join(root, "var/lib/dpkg", f), nil, 0o644)
	}
	// The user's files, which no package step may touch.
	user := map[string]string{"home/u/.aws/config": "[profile x]\nregion = eu-west-1\n", "home/u/.config/assume/settings": "browser = none\n"}
	for p, body := range user {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o700)
		os.WriteFile(filepath.Join(root, p), []byte(body), 0o600)
	}
	before := listTree(t, root)
	dpkg := func(args ...string) string {
		return sh(t, "", nil, "dpkg", append([]string{"--root=" + root}, args...)...)
	}

	dpkg("-i", deb)
	for _, f := range []string{"usr/bin/assume", "usr/bin/assume-aws", "usr/share/man/man1/assume.1.gz", "usr/share/bash-completion/completions/assume",
		"usr/share/zsh/vendor-completions/_assume", "usr/share/fish/vendor_completions.d/assume.fish", "usr/share/doc/assume/copyright"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the package did not install %s", f)
		}
	}
	bin := filepath.Join(root, "usr/bin")
	if out := sh(t, "", nil, filepath.Join(bin, "assume"), "--version"); out != "assume "+version+"\n" {
		t.Fatalf("installed assume --version: %q", out)
	}
	// assume finds its assume-aws next to it and talks to (the emulated) AWS.
	env := append(emulator(t), "PATH="+bin+":/usr/bin:/bin", "HOME="+filepath.Join(root, "home/u"))
	if out := sh(t, "", env, filepath.Join(bin, "assume"), "whoami", "--json"); !strings.Contains(out, "arn:aws:iam::111111111111:user/bob") {
		t.Fatalf("installed assume whoami: %s", out)
	}
	// The completion loads in a fresh bash through bash-completion's loader.
	if _, err := os.Stat("/usr/share/bash-completion/bash_completion"); err == nil {
		out := sh(t, "", []string{"XDG_DATA_DIRS=" + filepath.Join(root, "usr/share"), "PATH=" + bin + ":/usr/bin:/bin"}, "bash", "--norc", "--noprofile", "-c",
			`source /usr/share/bash-completion/bash_completion; __load_completion assume; f=$(complete -p assume | sed -n 's/.*-F \([^ ]*\) .*/\1/p'); COMP_WORDS=(assume vers); COMP_CWORD=1; COMP_LINE="assume vers"; COMP_POINT=11; "$f" assume vers assume; echo "${COMPREPLY[*]}"`)
		if strings.TrimSpace(out) != "version" {
			t.Errorf("bash completion of 'assume vers': %q", out)
		}
	} else {
		t.Log("bash-completion not installed: the completion's loading is not checked (scripts/install-test-deps.sh installs it)")
	}

	// An upgrade (the same package, a later version).
	x := t.TempDir()
	sh(t, "", nil, "dpkg-deb", "-R", deb, x)
	ctl := filepath.Join(x, "DEBIAN/control")
	c := read(t, ctl)
	os.WriteFile(ctl, []byte(strings.Replace(c, "\nVersion: ", "\nVersion: 1:", 1)), 0o644)
	deb2 := filepath.Join(t.TempDir(), "assume-next.deb")
	sh(t, "", []string{"SOURCE_DATE_EPOCH=1765000000"}, "dpkg-deb", "--root-owner-group", "-b", x, deb2)
	dpkg("-i", deb2)
	if st := dpkg("-s", "assume"); !strings.Contains(st, "Version: 1:") {
		t.Fatalf("not upgraded:\n%s", st)
	}
	for p, body := range user {
		if got := read(t, filepath.Join(root, p)); got != body {
			t.Errorf("the upgrade changed %s", p)
		}
	}
	dpkg("-r", "assume")
	if got := listTree(t, root); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("after dpkg -r:\n%s\nbefore install:\n%s", strings.Join(got, "\n"), strings.Join(before, "\n"))
	}
	dpkg("-P", "assume")
	if st := read(t, filepath.Join(root, "var/lib/dpkg/status")); strings.Contains(st, "Package: assume") {
		t.Errorf("purged, yet dpkg still knows assume:\n%s", st)
	}
	if m, _ := filepath.Glob(filepath.Join(root, "var/lib/dpkg/info/assume.*")); len(m) != 0 {
		t.Errorf("purged, yet dpkg keeps %v", m)
	}
}

// The .rpm, read with rpm: its name, version and files.
func TestRpm(t *testing.T) {
	a, _, version := releases(t)
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("no rpm (scripts/install-test-deps.sh installs it)")
	}
	pkg := glob1(t, filepath.Join(a, "assume-*.x86_64.rpm"))
	info := sh(t, "", nil, "rpm", "-qp", "--queryformat", "%{NAME} %{VERSION} %{ARCH} %{LICENSE}", pkg)
	if want := "assume " + strings.ReplaceAll(version, "-", "~") + " x86_64 MIT"; info != want {
		t.Errorf("rpm -qp: %q, want %q", info, want)
	}
	files := strings.Fields(sh(t, "", nil, "rpm", "-qlp", pkg))
	want := []string{"/usr/bin/assume", "/usr/bin/assume-aws", "/usr/share/bash-completion/completions/assume", "/usr/share/fish/vendor_completions.d/assume.fish",
		"/usr/share/licenses/assume/LICENSE", "/usr/share/man/man1/assume.1.gz", "/usr/share/zsh/site-functions/_assume"}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Errorf("rpm -qlp:\n %v\nwant\n %v", files, want)
	}
}
