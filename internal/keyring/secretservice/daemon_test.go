//go:build linux

package secretservice

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/dbus"
)

// session is a private D-Bus session bus, optionally with a
// gnome-keyring-daemon on it, that lives for one test.
type session struct {
	dir  string
	addr string
	env  map[string]string
}

func (s *session) getenv(k string) string { return s.env[k] }

// environ is the environment for child processes (secret-tool).
func (s *session) environ() []string {
	out := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range s.env {
		out = append(out, k+"="+v)
	}
	return out
}

const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// needTools skips the test when the daemons are not installed.
func needTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install dbus gnome-keyring libsecret-tools); skipping tests against a real Secret Service", tool)
		}
	}
}

// startBus starts a private dbus-daemon with no service activation, so
// nothing but what the test starts can appear on it.
func startBus(t testing.TB) *session {
	t.Helper()
	needTools(t, "dbus-daemon")
	// Not t.TempDir: socket paths are limited to 108 bytes.
	dir, err := os.MkdirTemp("", "ss")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"home", "run", "data", "config", "cache"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(dir, "run", "bus")
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, busConfig, sock), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &session{dir: dir, addr: "unix:path=" + sock, env: map[string]string{
		"DBUS_SESSION_BUS_ADDRESS": "unix:path=" + sock,
		"HOME":                     filepath.Join(dir, "home"),
		"XDG_RUNTIME_DIR":          filepath.Join(dir, "run"),
		"XDG_DATA_HOME":            filepath.Join(dir, "data"),
		"XDG_CONFIG_HOME":          filepath.Join(dir, "config"),
		"XDG_CACHE_HOME":           filepath.Join(dir, "cache"),
	}}
	s.start(t, "", "dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile")
	waitFor(t, "the bus to accept connections", func() bool {
		c, err := dbus.Dial(s.getenv)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return s
}

// start runs a daemon in its own process group, killed at cleanup.
func (s *session) start(t testing.TB, stdin string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = s.environ()
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdin = strings.NewReader(stdin)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
}

func waitFor(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startKeyring starts a private bus with gnome-keyring-daemon serving the
// Secret Service. With a password, the daemon creates and unlocks a
// "login" collection, which becomes the default alias; without one there
// is no default collection.
func startKeyring(t testing.TB, password string) *session {
	t.Helper()
	needTools(t, "dbus-daemon", "gnome-keyring-daemon")
	s := startBus(t)
	args := []string{"--foreground", "--components=secrets"}
	if password != "" {
		args = append(args, "--unlock")
	}
	s.start(t, password, "gnome-keyring-daemon", args...)
	s.waitOwned(t)
	return s
}

// waitOwned waits until org.freedesktop.secrets has an owner.
func (s *session) waitOwned(t testing.TB) {
	t.Helper()
	conn, err := dbus.Dial(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	waitFor(t, "gnome-keyring-daemon to own "+busName, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		out, err := conn.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", busName)
		if err != nil {
			t.Fatal(err)
		}
		return len(out) == 1 && out[0] == true
	})
}

// call makes one call to the Secret Service on a fresh connection.
func (s *session) call(t testing.TB, path dbus.ObjectPath, iface, method string, args ...any) []any {
	t.Helper()
	conn, err := dbus.Dial(s.getenv)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := conn.Call(ctx, busName, path, iface, method, args...)
	if err != nil {
		t.Fatalf("%s.%s: %v", iface, method, err)
	}
	return out
}

// lockAll locks the login collection (gnome-keyring locks without a prompt).
func (s *session) lockAll(t testing.TB) {
	t.Helper()
	out := s.call(t, servicePath, ifaceService, "Lock", []dbus.ObjectPath{"/org/freedesktop/secrets/collection/login"})
	if p, _ := out[1].(dbus.ObjectPath); p != "/" {
		t.Fatalf("Lock wants a prompt: %v", out)
	}
}

func (s *session) open(t testing.TB, opts Options) *Store {
	t.Helper()
	opts.Getenv = s.getenv
	st, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
