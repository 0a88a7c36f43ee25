package keyring

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

func TestOpenUnknownName(t *testing.T) {
	tests := []struct{ name, suggestion string }{
		{"passs", Pass},
		{"keychian", Keychain},
		{"secretservice", SecretService},
		{"wincreds", WinCred},
		{"gnome", ""},
	}
	for _, tt := range tests {
		_, err := Open(tt.name, Options{})
		var ue *UnknownBackendError
		if !errors.As(err, &ue) || ue.Suggestion != tt.suggestion {
			t.Errorf("Open(%q) = %v, want UnknownBackendError suggesting %q", tt.name, err, tt.suggestion)
			continue
		}
		for _, n := range Names() {
			if !strings.Contains(err.Error(), n) {
				t.Errorf("error %q does not list %q", err, n)
			}
		}
	}
}

func TestOpenBackendOfAnotherOS(t *testing.T) {
	_, err := Open(WinCred, Options{})
	if !errors.Is(err, vault.ErrUnavailable) || HintOf(err) == "" {
		t.Fatalf("Open(wincred) on linux = %v, want ErrUnavailable with a hint", err)
	}
}

func TestBadService(t *testing.T) {
	for _, svc := range []string{"a/b", "..", "a b", "x:y"} {
		if _, err := Open(File, Options{Service: svc}); err == nil {
			t.Errorf("service %q accepted", svc)
		}
	}
}

func TestDefaultOrder(t *testing.T) {
	tests := map[string][]string{
		"darwin":  {Keychain, Pass, File},
		"windows": {WinCred, File},
		"linux":   {SecretService, Pass, File},
		"freebsd": {SecretService, Pass, File},
	}
	for goos, want := range tests {
		if got := DefaultOrder(goos); !slices.Equal(got, want) {
			t.Errorf("DefaultOrder(%s) = %v, want %v", goos, got, want)
		}
	}
}

func TestAutoSelection(t *testing.T) {
	dir := t.TempDir()
	noBus := map[string]string{"HOME": dir, "PASSWORD_STORE_DIR": dir + "/none", "XDG_DATA_HOME": dir}
	tests := []struct {
		name     string
		env      map[string]string
		settings string
		want     string
		wantErr  bool
	}{
		{"nothing available falls back to file", noBus, "", File, false},
		{"settings choose", noBus, File, File, false},
		{"env wins over settings", merge(noBus, map[string]string{EnvBackend: File}), "passs", File, false},
		{"env auto defers to settings", merge(noBus, map[string]string{EnvBackend: "auto"}), "nope", "", true},
		{"unknown env", merge(noBus, map[string]string{EnvBackend: "fiel"}), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, s, err := autoFor("linux", Options{Getenv: envMap(tt.env), Backend: tt.settings})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Auto chose %q, want an error", name)
				}
				return
			}
			if err != nil || name != tt.want || s == nil {
				t.Fatalf("Auto = %q, %v, want %q", name, err, tt.want)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

// stuck is a store whose calls never return until released.
type stuck struct{ release chan struct{} }

func (s stuck) Get(string) ([]byte, error)    { <-s.release; return nil, nil }
func (s stuck) Set(string, []byte) error      { <-s.release; return nil }
func (s stuck) Delete(string) error           { <-s.release; return nil }
func (s stuck) List(string) ([]string, error) { <-s.release; return nil, nil }

func TestBoundedTimesOut(t *testing.T) {
	st := stuck{release: make(chan struct{})}
	defer close(st.release)
	Register(Backend{Name: "stuck-test", Open: func(Options) (vault.Store, error) { return st, nil }})
	names = append(names, "stuck-test")
	defer func() { names = names[:len(names)-1] }()
	s, err := Open("stuck-test", Options{Timeout: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"get":    func() error { _, err := s.Get("k"); return err },
		"set":    func() error { return s.Set("k", []byte("v")) },
		"delete": func() error { return s.Delete("k") },
		"list":   func() error { _, err := s.List(""); return err },
	}
	for op, call := range calls {
		err := call()
		if !errors.Is(err, vault.ErrTimeout) || !strings.Contains(err.Error(), op) || HintOf(err) == "" {
			t.Errorf("%s = %v, want ErrTimeout naming the call, with a hint", op, err)
		}
	}
}

func TestCommandTimeout(t *testing.T) {
	r, err := runCommand(command{path: "/bin/sh", args: []string{"-c", "sleep 30"}}, 50*time.Millisecond)
	if err != nil || !r.timedOut {
		t.Fatalf("runCommand = %+v, %v; want timed out", r, err)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"pass", "pass", 0}, {"pass", "passs", 1}, {"keychian", "keychain", 2}, {"", "abc", 3}}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
