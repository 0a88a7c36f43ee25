//go:build linux

package secretservice

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/dbus"
	"github.com/assume-cli/assume/internal/keyring/keyringtest"
	"github.com/assume-cli/assume/internal/vault"
)

var serviceSeq atomic.Int64

// uniqueService scopes each store of a test to its own items.
func uniqueService() string { return fmt.Sprintf("assume-test-%d", serviceSeq.Add(1)) }

func TestSuite(t *testing.T) {
	s := startKeyring(t, "test-password")
	keyringtest.Run(t,
		func(t *testing.T) vault.Store { return s.open(t, Options{Service: uniqueService()}) },
		keyringtest.WithLock(func(t *testing.T, st vault.Store) vault.Store {
			s.lockAll(t)
			return st
		}),
		keyringtest.WithHangTimeout(20*time.Second),
	)
}

// TestLockedFreshStore: a store opened while the keyring is locked reports
// ErrLocked with the hint, and never runs the unlock prompt.
func TestLockedFreshStore(t *testing.T) {
	s := startKeyring(t, "test-password")
	st := s.open(t, Options{Service: uniqueService(), Timeout: 2 * time.Second})
	if err := st.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	s.lockAll(t)
	st2 := s.open(t, Options{Service: st.opts.Service, Timeout: 2 * time.Second})
	_, err := st2.Get("k")
	if !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("Get: err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "gnome-keyring-daemon --unlock") {
		t.Errorf("error has no hint: %v", err)
	}
	if err := st2.Delete("k"); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("Delete: err = %v, want ErrLocked", err)
	}
	// A missing key in a locked keyring is still just missing.
	if _, err := st2.Get("absent"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Get(absent): err = %v, want ErrNotFound", err)
	}
}

// TestInterop: items are readable by secret-tool (libsecret) and the other
// way round.
func TestInterop(t *testing.T) {
	needTools(t, "secret-tool")
	s := startKeyring(t, "test-password")
	st := s.open(t, Options{})
	value := []byte("AKIA-interop-value")
	if err := st.Set("prof/one", value); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("secret-tool", "lookup", "service", "assume", "key", "prof/one")
	cmd.Env = s.environ()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	if !bytes.Equal(out, value) {
		t.Errorf("secret-tool lookup = %q, want %q", out, value)
	}

	cmd = exec.Command("secret-tool", "store", "--label=from secret-tool", "service", "assume", "key", "prof/two")
	cmd.Env = s.environ()
	cmd.Stdin = strings.NewReader("written by libsecret")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v\n%s", err, out)
	}
	got, err := st.Get("prof/two")
	if err != nil || string(got) != "written by libsecret" {
		t.Errorf("Get(prof/two) = %q, %v", got, err)
	}
	keys, err := st.List("prof/")
	if err != nil || strings.Join(keys, ",") != "prof/one,prof/two" {
		t.Errorf("List = %q, %v", keys, err)
	}
	if err := st.Delete("prof/two"); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("secret-tool", "lookup", "service", "assume", "key", "prof/two")
	cmd.Env = s.environ()
	if out, err := cmd.Output(); err == nil {
		t.Errorf("secret-tool still finds the deleted item: %q", out)
	}
}

// TestReconnect: a store survives its connection being closed under it.
func TestReconnect(t *testing.T) {
	s := startKeyring(t, "test-password")
	st := s.open(t, Options{Service: uniqueService()})
	if err := st.Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	st.conn.Close()
	st.mu.Unlock()
	if _, err := st.Get("k"); err == nil {
		t.Fatal("Get on a closed connection succeeded")
	}
	if got, err := st.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get after reconnect = %q, %v", got, err)
	}
}

func TestNoDefaultCollection(t *testing.T) {
	s := startKeyring(t, "")
	st := s.open(t, Options{Service: uniqueService()})
	err := st.Set("k", []byte("v"))
	if !errors.Is(err, vault.ErrUnavailable) {
		t.Fatalf("Set: err = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "hint") {
		t.Errorf("error has no hint: %v", err)
	}
	// The session collection always exists in gnome-keyring.
	st2 := s.open(t, Options{Service: uniqueService(), Collection: "/org/freedesktop/secrets/collection/session"})
	if err := st2.Set("k", []byte("v")); err != nil {
		t.Fatalf("Set in the session collection: %v", err)
	}
	if got, err := st2.Get("k"); err != nil || string(got) != "v" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestNoSecretService(t *testing.T) {
	s := startBus(t)
	_, err := Open(Options{Getenv: s.getenv})
	if !errors.Is(err, vault.ErrUnavailable) {
		t.Fatalf("Open: err = %v, want ErrUnavailable", err)
	}
}

func TestNoBus(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "bus")
	tests := map[string]map[string]string{
		"nothing set":    {},
		"missing socket": {"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + missing},
		"runtime dir":    {"XDG_RUNTIME_DIR": t.TempDir()},
	}
	for name, env := range tests {
		t.Run(name, func(t *testing.T) {
			getenv := func(k string) string { return env[k] }
			if Available(getenv) {
				t.Error("Available = true")
			}
			_, err := Open(Options{Getenv: getenv})
			if !errors.Is(err, vault.ErrUnavailable) {
				t.Fatalf("Open: err = %v, want ErrUnavailable", err)
			}
		})
	}
}

// TestSilentBus: a bus that accepts but never answers gives ErrTimeout,
// not a hang.
func TestSilentBus(t *testing.T) {
	dir, err := os.MkdirTemp("", "ss")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bus")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan struct{})
	defer func() { l.Close(); <-accepted }()
	go func() {
		defer close(accepted)
		var conns []net.Conn // held open, silent, until the test ends
		for {
			c, err := l.Accept()
			if err != nil {
				break
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
	}()
	getenv := func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return "unix:path=" + path
		}
		return ""
	}
	if !Available(getenv) {
		t.Error("Available = false with a socket present")
	}
	done := make(chan error, 1)
	go func() {
		_, err := Open(Options{Getenv: getenv, Timeout: 300 * time.Millisecond})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, vault.ErrTimeout) {
			t.Fatalf("Open: err = %v, want ErrTimeout", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Open hung on a silent bus")
	}
}

func TestEmptyKey(t *testing.T) {
	// Checked before any bus traffic, so no daemon is needed.
	st := &Store{}
	if _, err := st.Get(""); !errors.Is(err, vault.ErrEmptyKey) {
		t.Errorf("Get: %v", err)
	}
	if err := st.Set("", nil); !errors.Is(err, vault.ErrEmptyKey) {
		t.Errorf("Set: %v", err)
	}
	if err := st.Delete("bad\xff"); err == nil {
		t.Errorf("Delete of invalid UTF-8 succeeded")
	}
}

// BenchmarkGet measures the cached path of assume: one Get of an existing
// item on an open store (SearchItems + GetSecret, two round trips).
func BenchmarkGet(b *testing.B) {
	s := startKeyring(b, "test-password")
	st := s.open(b, Options{Service: uniqueService()})
	if err := st.Set("bench", bytes.Repeat([]byte("x"), 1024)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := st.Get("bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenGet measures a cold process: connect, Hello, ReadAlias,
// OpenSession, then Get.
func BenchmarkOpenGet(b *testing.B) {
	benchOpenGet(b, false)
}

// BenchmarkOpenGetEncrypted is BenchmarkOpenGet with Options.Encrypt.
func BenchmarkOpenGetEncrypted(b *testing.B) {
	benchOpenGet(b, true)
}

func benchOpenGet(b *testing.B, encrypt bool) {
	s := startKeyring(b, "test-password")
	service := uniqueService()
	st := s.open(b, Options{Service: service})
	if err := st.Set("bench", bytes.Repeat([]byte("x"), 1024)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		st, err := Open(Options{Service: service, Getenv: s.getenv, Encrypt: encrypt})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Get("bench"); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
}

// TestManyShortConnections is the pattern of assume itself: each process
// connects, reads one item and exits. gnome-keyring-daemon used to abort
// about once in a few hundred such connections when OpenSession was the
// first call (see Store.connect); the daemon must survive them all.
func TestManyShortConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: many connections")
	}
	s := startKeyring(t, "test-password")
	service := uniqueService()
	if err := s.open(t, Options{Service: service}).Set("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		// Every other connection is encrypted, which also checks that the
		// shared secret is padded as the daemon pads it (1 in 256 has a
		// leading zero byte).
		st, err := Open(Options{Service: service, Getenv: s.getenv, Encrypt: i%2 == 1})
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		if got, err := st.Get("k"); err != nil || string(got) != "v" {
			t.Fatalf("connection %d: Get = %q, %v", i, got, err)
		}
		st.Close()
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		kind     error
		wantHint bool
	}{
		{"not found", vault.ErrNotFound, vault.ErrNotFound, false},
		{"prompt", locked{"prompt"}, vault.ErrLocked, true},
		{"is locked", &dbus.Error{Name: errIsLocked}, vault.ErrLocked, true},
		{"no service", &dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, vault.ErrUnavailable, true},
		{"no reply", &dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, vault.ErrTimeout, false},
		{"no object", &dbus.Error{Name: errNoSuchObj}, vault.ErrUnavailable, true},
		{"timeout", dbus.ErrTimeout, vault.ErrTimeout, false},
		{"no bus", dbus.ErrNoBus, vault.ErrUnavailable, false},
		{"closed", dbus.ErrClosed, vault.ErrUnavailable, false},
		{"other", &dbus.Error{Name: "org.example.Odd"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wrap("get", "k", tt.err)
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap the cause", err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("%v does not wrap %v", err, tt.kind)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			if (e.Hint() != "") != tt.wantHint {
				t.Errorf("Hint() = %q, want a hint: %v", e.Hint(), tt.wantHint)
			}
		})
	}
}
