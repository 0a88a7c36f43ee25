//go:build unix

package shell

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rawPipe returns a pipe whose ends are NOT close-on-exec, like the
// descriptor a shell passes to the binary.
func rawPipe(t *testing.T) (r *os.File, wfd int) {
	t.Helper()
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	syscall.CloseOnExec(p[0]) // only the write end is under test
	return os.NewFile(uintptr(p[0]), "pipe-r"), p[1]
}

// childSeesFD reports whether a child process started now inherits fd.
func childSeesFD(t *testing.T, fd int) bool {
	t.Helper()
	out, err := exec.Command("sh", "-c", `if [ -e /dev/fd/`+strconv.Itoa(fd)+` ]; then echo open; else echo closed; fi`).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out)) == "open"
}

func TestOpenChannelFDCloseOnExec(t *testing.T) {
	if _, err := os.Stat("/dev/fd"); err != nil {
		t.Skip("no /dev/fd on this system")
	}
	r, wfd := rawPipe(t)
	defer r.Close()
	if !childSeesFD(t, wfd) {
		t.Fatal("control failed: a child does not see the raw pipe, so this test proves nothing")
	}
	ch, err := OpenChannel(envMap(map[string]string{EnvShell: "bash", EnvOutputFD: strconv.Itoa(wfd)}))
	if err != nil {
		t.Fatal(err)
	}
	if childSeesFD(t, wfd) {
		t.Error("a child still inherits the channel descriptor")
	}

	// A process left running (a daemon, an --exec child) must not keep the
	// pipe open: once we close our end, the reader sees EOF at once.
	sleeper := exec.Command("sleep", "120")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	if err := ch.Send(Script{Set: map[string]string{"K": "v"}}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(r)
		got <- string(data)
	}()
	// A hang guard, not a speed check.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case data := <-got:
		if data != "export K='v'\n" {
			t.Errorf("read %q", data)
		}
	case <-ctx.Done():
		t.Fatal("reader never saw EOF: the sleeping child holds the pipe")
	}
}

func TestOpenChannelFDRefusals(t *testing.T) {
	// A descriptor that is not open.
	r, wfd := rawPipe(t)
	r.Close()
	syscall.Close(wfd)
	if _, err := OpenChannel(envMap(map[string]string{EnvShell: "bash", EnvOutputFD: strconv.Itoa(wfd)})); err == nil ||
		!strings.Contains(err.Error(), "not open") {
		t.Errorf("closed descriptor: got %v", err)
	}
	// A regular file is not what a wrapper passes: refuse to write there.
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := OpenChannel(envMap(map[string]string{EnvShell: "zsh", EnvOutputFD: strconv.Itoa(int(f.Fd()))})); err == nil ||
		!strings.Contains(err.Error(), "not a pipe") {
		t.Errorf("regular file: got %v", err)
	}
}

func TestOpenChannelFileModes(t *testing.T) {
	tests := []struct {
		name    string
		dirMode os.FileMode
		wantErr string
	}{
		{"private folder", 0o700, ""},
		{"readable folder is fine", 0o755, ""},
		{"group-writable folder", 0o770, "writable by others"},
		{"world-writable folder", 0o777, "writable by others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "chan")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tt.dirMode); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "env.json")
			ch, err := OpenChannel(envMap(map[string]string{EnvShell: "nu", EnvOutputFile: path}))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ch.Close()
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("file mode %04o, want 0600", fi.Mode().Perm())
			}
		})
	}
	// A symlink planted where the file goes is never followed.
	dir := t.TempDir()
	os.Chmod(dir, 0o700)
	target := filepath.Join(t.TempDir(), "target")
	link := filepath.Join(dir, "env.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenChannel(envMap(map[string]string{EnvShell: "nu", EnvOutputFile: link})); err == nil {
		t.Error("followed a symlink")
	}
	if _, err := os.Lstat(target); err == nil {
		t.Error("created the symlink's target")
	}
}
