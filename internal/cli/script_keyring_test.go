//go:build linux

package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/assume-cli/assume/internal/dbus"
)

const scriptBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
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

// keyringd: start a private D-Bus session with gnome-keyring-daemon serving
// the Secret Service (an unlocked login keyring), for this script only, and
// set DBUS_SESSION_BUS_ADDRESS. Both daemons stop when the script ends.
func cmdKeyringd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: keyringd")
	}
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			ts.Fatalf("%s is not installed (scripts/install-test-deps.sh installs it); guard the script with [exec:%s]", tool, tool)
		}
	}
	// Socket paths are limited to 108 bytes: not under $WORK.
	dir, err := os.MkdirTemp("", "kr")
	ts.Check(err)
	ts.Defer(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	ts.Check(os.WriteFile(conf, fmt.Appendf(nil, scriptBusConfig, sock), 0o600))
	addr := "unix:path=" + sock
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + ts.Getenv("HOME"),
		"XDG_RUNTIME_DIR=" + dir,
		"XDG_DATA_HOME=" + filepath.Join(ts.Getenv("WORK"), ".keyring-data"),
		"DBUS_SESSION_BUS_ADDRESS=" + addr,
	}
	start := func(stdin, name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env, cmd.Dir = env, dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Stdin = strings.NewReader(stdin)
		ts.Check(cmd.Start())
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		ts.Defer(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
	}
	getenv := func(k string) string {
		if k == "DBUS_SESSION_BUS_ADDRESS" {
			return addr
		}
		return ""
	}
	wait := func(what string, ok func() bool) {
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				ts.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	start("", "dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile")
	wait("the bus", func() bool {
		c, err := dbus.Dial(getenv)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	start("test-password", "gnome-keyring-daemon", "--foreground", "--components=secrets", "--unlock")
	wait("gnome-keyring-daemon", func() bool {
		c, err := dbus.Dial(getenv)
		if err != nil {
			return false
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		out, err := c.Call(ctx, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "org.freedesktop.secrets")
		return err == nil && len(out) == 1 && out[0] == true
	})
	ts.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	ts.Setenv("XDG_RUNTIME_DIR", dir)
}
