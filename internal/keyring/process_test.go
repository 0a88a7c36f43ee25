package keyring

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

// writerEnv makes the test binary a writer process (see TestMain): its
// value is "<backend> <id> <items> <dir>".
const writerEnv = "KEYRING_TEST_WRITER"

// runWriter opens the backend from the environment and writes items keys
// of its own plus the key "shared".
func runWriter(spec string) int {
	var backend, id, dir string
	var items int
	if _, err := fmt.Sscan(spec, &backend, &id, &items, &dir); err != nil {
		fmt.Fprintln(os.Stderr, "bad writer spec:", err)
		return 2
	}
	s, err := Open(backend, Options{Dir: dir, Timeout: 60 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for i := range items {
		k := fmt.Sprintf("p%s/i%d", id, i)
		if err := s.Set(k, []byte("value of "+k)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := s.Set("shared", []byte("writer "+id)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// crossProcess runs two writer processes on one store at once and checks
// that every item of both arrived intact.
func crossProcess(t *testing.T, backend, dir string, s vault.Store, env []string, items int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for p := range errs {
		wg.Go(func() {
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(slices.Clone(env), fmt.Sprintf("%s=%s %d %d %s", writerEnv, backend, p, items, dir))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[p] = fmt.Errorf("writer %d: %v\n%s", p, err, out)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	for p := range 2 {
		for i := range items {
			k := fmt.Sprintf("p%d/i%d", p, i)
			want = append(want, k)
			if v, err := s.Get(k); err != nil || string(v) != "value of "+k {
				t.Errorf("Get(%q) = %q, %v", k, v, err)
			}
		}
	}
	if v, err := s.Get("shared"); err != nil || (string(v) != "writer 0" && string(v) != "writer 1") {
		t.Errorf("Get(shared) = %q, %v; want one writer's value", v, err)
	}
	want = append(want, "shared")
	slices.Sort(want)
	if got, err := s.List(""); err != nil || !slices.Equal(got, want) {
		t.Errorf("List = %q, %v; want %q", got, err, want)
	}
}

func TestFileTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	s := openTestFile(t, dir, "pw", nil)
	crossProcess(t, File, dir, s, append(os.Environ(), vault.EnvPassphrase+"=pw"), 10)
}

func TestPassTwoProcesses(t *testing.T) {
	g := newGPGHome(t)
	s, storeDir := newPassStore(t, g)
	env := append(g.env(), "PASSWORD_STORE_DIR="+storeDir)
	crossProcess(t, Pass, "-", s, env, 3)
}
