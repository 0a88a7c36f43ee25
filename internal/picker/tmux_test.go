//go:build !windows

package picker

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The picker driven in a real terminal: tmux runs the demo program in a
// pane of a fixed size; keys are sent with send-keys and the screen read
// with capture-pane.

// artefactDir is where screen captures are kept: $ASSUME_ARTEFACTS when
// set, else the test's temporary folder.
func artefactDir(t *testing.T) string {
	if d := os.Getenv("ASSUME_ARTEFACTS"); d != "" {
		d = filepath.Join(d, "picker")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

type tmuxPane struct {
	t       *testing.T
	sock    string
	session string
	dir     string
}

func (p *tmuxPane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (p *tmuxPane) send(keys ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys", "-t", p.session}, keys...)...)
}

func (p *tmuxPane) screen() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-t", p.session)
}

// waitFor waits (generously: this is synchronisation, not a speed check)
// until the screen satisfies ok.
func (p *tmuxPane) waitFor(what string, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *tmuxPane) waitText(text string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

func (p *tmuxPane) file(name string) string {
	b, err := os.ReadFile(filepath.Join(p.dir, name))
	if err != nil {
		p.t.Fatal(err)
	}
	return string(b)
}

// finished waits for the demo to exit and checks the terminal is restored:
// out of the alternate screen and the same stty settings as before.
func (p *tmuxPane) finished() (rc int, stdout string) {
	p.t.Helper()
	p.waitText("PICKER-DONE")
	if alt := strings.TrimSpace(p.tmux("display-message", "-p", "-t", p.session, "#{alternate_on}")); alt != "0" {
		p.t.Errorf("alternate screen still on after exit (alternate_on=%s)", alt)
	}
	if before, after := p.file("stty-before"), p.file("stty-after"); before != after {
		p.t.Errorf("terminal settings not restored:\nbefore %s\nafter  %s", before, after)
	}
	rc, err := strconv.Atoi(strings.TrimSpace(p.file("rc")))
	if err != nil {
		p.t.Fatal(err)
	}
	return rc, p.file("stdout")
}

func buildDemo(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("tmux tests need a unix terminal")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: skipping the real-terminal picker tests")
	}
	bin := filepath.Join(t.TempDir(), "pickerdemo")
	out, err := exec.Command("go", "build", "-o", bin, "./internal/pickerdemo").CombinedOutput()
	if err != nil {
		t.Fatalf("building the demo: %v\n%s", err, out)
	}
	return bin
}

// startPane runs the demo with args in a new 110x30 tmux pane.
func startPane(t *testing.T, bin, sock, name string, items []Item, args ...string) *tmuxPane {
	t.Helper()
	dir := t.TempDir()
	data, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "items.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	var q []string
	for _, a := range append(args, filepath.Join(dir, "items.json")) {
		q = append(q, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	script := fmt.Sprintf(`cd '%s' || exit 1
stty -g > stty-before
PICKERDEMO_PIDFILE=pid '%s' %s > stdout 2> stderr
echo $? > rc
stty -g > stty-after
echo PICKER-DONE
exec sleep 600
`, dir, bin, strings.Join(q, " "))
	if err := os.WriteFile(filepath.Join(dir, "run.sh"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	p := &tmuxPane{t: t, sock: sock, session: name, dir: dir}
	p.tmux("new-session", "-d", "-s", name, "-x", "110", "-y", "30", "sh "+filepath.Join(dir, "run.sh"))
	t.Cleanup(func() {
		exec.Command("tmux", "-L", sock, "kill-session", "-t", name).Run()
	})
	return p
}

func TestTmux(t *testing.T) {
	bin := buildDemo(t)
	sock := fmt.Sprintf("assume-picker-test-%d", os.Getpid())
	t.Cleanup(func() { exec.Command("tmux", "-L", sock, "kill-server").Run() })
	// A session that outlives the others keeps the server up between
	// subtests (tmux exits when its last session ends).
	keeper := &tmuxPane{t: t, sock: sock}
	keeper.tmux("new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24", "sleep 600")
	items := []Item{
		{Profile: "prod-web", Account: "111111111111", AccountName: "web-prod", Role: "AdministratorAccess", Region: "eu-west-1", SSOSession: "corp", SessionUntil: time.Now().Add(2 * time.Hour)},
		{Profile: "prod-data", Account: "222222222222", AccountName: "data-prod", Role: "ReadOnlyAccess", Region: "us-east-1", SSOSession: "corp"},
		{Profile: "staging-web", Account: "333333333333", AccountName: "web-staging", Role: "Developer", Region: "eu-west-1", SSOSession: "corp"},
		{Profile: "dev-sandbox", Account: "444444444444", Role: "dev-role", Region: "eu-central-1", Kind: "role"},
		{Profile: "billing", Account: "555555555555", AccountName: "payer", Kind: "static"},
	}
	items = append(items, genItems(2000)...)

	t.Run("filter and Enter assumes", func(t *testing.T) {
		p := startPane(t, bin, sock, "enter", items)
		p.waitText("/2005")
		p.send("-l", "staging web")
		s := p.waitFor("the filter", func(s string) bool {
			return strings.Contains(s, "> staging web") && strings.Contains(s, "> staging-web")
		})
		name := filepath.Join(artefactDir(t), "picker-screen.txt")
		if err := os.WriteFile(name, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		ansi := p.tmux("capture-pane", "-p", "-e", "-t", p.session)
		if err := os.WriteFile(strings.TrimSuffix(name, ".txt")+".ansi", []byte(ansi), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screen capture saved to %s (with colours: picker-screen.ansi)", name)
		p.send("Enter")
		rc, out := p.finished()
		if rc != 0 || strings.TrimSpace(out) != `{"action":"assume","profile":"staging-web"}` {
			t.Fatalf("rc %d, stdout %q; stderr %q", rc, out, p.file("stderr"))
		}
	})

	t.Run("arrow keys then Ctrl-O opens the console", func(t *testing.T) {
		p := startPane(t, bin, sock, "console", items, "-alpha", "-query", "prod- corp")
		p.waitText("> prod- corp")
		p.send("Down") // prod-web is second in name order
		p.waitFor("the selection to move", func(s string) bool { return strings.Contains(s, "> prod-web ") })
		p.send("C-o")
		rc, out := p.finished()
		if rc != 0 || strings.TrimSpace(out) != `{"action":"console","profile":"prod-web"}` {
			t.Fatalf("rc %d, stdout %q; stderr %q", rc, out, p.file("stderr"))
		}
	})

	for _, tc := range []struct{ name, key string }{
		{"Esc cancels", "Escape"},
		{"Ctrl-C cancels", "C-c"},
		{"Ctrl-D cancels", "C-d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startPane(t, bin, sock, "cancel"+strings.ReplaceAll(tc.key, "-", ""), items)
			p.waitText("/2005")
			p.send("-l", "prod")
			p.waitText("> prod")
			p.send(tc.key)
			rc, out := p.finished()
			if rc != 1 || out != "" {
				t.Fatalf("rc %d, stdout %q; want 1 and nothing", rc, out)
			}
		})
	}

	t.Run("SIGTERM restores the terminal", func(t *testing.T) {
		p := startPane(t, bin, sock, "term", items)
		p.waitText("/2005")
		pid, err := strconv.Atoi(strings.TrimSpace(p.file("pid")))
		if err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		rc, out := p.finished()
		if rc != 2 || out != "" || !strings.Contains(p.file("stderr"), "interrupted") {
			t.Fatalf("rc %d, stdout %q, stderr %q", rc, out, p.file("stderr"))
		}
	})

	t.Run("resize redraws", func(t *testing.T) {
		p := startPane(t, bin, sock, "resize", items)
		p.waitText("/2005")
		p.tmux("resize-window", "-t", p.session, "-x", "60", "-y", "12")
		p.waitFor("a redraw at 60 columns", func(s string) bool {
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			return len(lines) <= 12 && strings.Contains(s, "/2005") && strings.Contains(lines[len(lines)-1], "move")
		})
		p.send("Escape")
		if rc, _ := p.finished(); rc != 1 {
			t.Fatalf("rc %d", rc)
		}
	})
}
