//go:build unix

package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The auto-refresh hook (assume init SHELL --auto-refresh) in the real
// shells, with this test binary standing in for assume (see fakeRefresh).

// hookDrivers walk each shell through the cases; "prompt" does what the
// shell does before drawing a prompt.
var hookDrivers = map[string]string{
	Bash: `PROMPT_COMMAND='echo "user hook saw $?"'
eval "$(cat "$T/init")"
eval "$(cat "$T/init")"
prompt() { eval "$PROMPT_COMMAND"; }
echo "installed: $PROMPT_COMMAND"
export AWS_PROFILE=manual AWS_CREDENTIAL_EXPIRATION=$SOON
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$LATER
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON
false; prompt
echo "now: $AWS_PROFILE $AWS_CREDENTIAL_EXPIRATION"
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON2
export HOOK_FAIL=1
prompt
prompt
echo "still here: $AWS_CREDENTIAL_EXPIRATION"
`,
	Zsh: `user_hook() { echo "user hook saw $?"; }
precmd_functions=(user_hook)
eval "$(cat "$T/init")"
eval "$(cat "$T/init")"
prompt() { local f; for f in $precmd_functions; do $f; done; }
echo "installed: ${precmd_functions[*]}"
export AWS_PROFILE=manual AWS_CREDENTIAL_EXPIRATION=$SOON
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$LATER
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON
false; __assume_auto_refresh; echo "user hook saw $?"
echo "now: $AWS_PROFILE $AWS_CREDENTIAL_EXPIRATION"
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON2
export HOOK_FAIL=1
prompt
prompt
echo "still here: $AWS_CREDENTIAL_EXPIRATION"
`,
	Fish: `cat $T/init | source
cat $T/init | source
function prompt; emit fish_prompt; end
echo "installed: "(functions --handlers-type generic | string match -r '__assume_auto_refresh' | count)
set -gx AWS_PROFILE manual; set -gx AWS_CREDENTIAL_EXPIRATION $SOON
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$LATER
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON
prompt
echo "now: $AWS_PROFILE $AWS_CREDENTIAL_EXPIRATION"
prompt
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON2
set -gx HOOK_FAIL 1
prompt
prompt
echo "still here: $AWS_CREDENTIAL_EXPIRATION"
`,
}

func TestAutoRefreshHook(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	stamp := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	soon, soon2, later, renewed := stamp(time.Minute), stamp(2*time.Minute), stamp(time.Hour), stamp(50*time.Minute)
	installed := map[string]string{
		Bash: `__assume_auto_refresh;echo "user hook saw $?"`,
		Zsh:  "user_hook __assume_auto_refresh",
		Fish: "1",
	}
	for _, shellName := range AutoRefreshShells() {
		t.Run(shellName, func(t *testing.T) {
			prog, err := exec.LookPath(shellName)
			if err != nil {
				t.Skipf("%s is not installed", shellName)
			}
			dir := t.TempDir()
			initCode, err := InitWith(shellName, exe, InitOptions{AutoRefresh: true})
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "init"), initCode)
			log := filepath.Join(dir, "log")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // a hang guard
			defer cancel()
			cmd := exec.CommandContext(ctx, prog, "-c", hookDrivers[shellName])
			// No fish history (an empty data folder): the fish hook reads the clock with date.
			cmd.Env = append(fakeEnviron(), "T="+dir, "XDG_DATA_HOME="+dir, "LC_ALL=C.UTF-8", "HOOK_LOG="+log, "HOOK_NEW_EXP="+renewed,
				"SOON="+soon, "SOON2="+soon2, "LATER="+later)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}
			// Not assume's variables, and far from expiry: no call. Within
			// the margin: one call that renews them (and $? survives).
			// Renewed: no call. A failure: one line, and no retry for the
			// same credentials.
			want := "installed: " + installed[shellName] + "\n"
			if shellName == Fish {
				want += "now: dev " + renewed + "\nstill here: " + soon2 + "\n"
			} else {
				want += "user hook saw 0\nuser hook saw 0\nuser hook saw 1\n" +
					"now: dev " + renewed + "\nuser hook saw 0\nuser hook saw 0\nuser hook saw 0\n" +
					"still here: " + soon2 + "\n"
			}
			// fish switches bracketed paste on and off around prompts.
			got := strings.NewReplacer("fake stdout\n", "", "\x1b[?2004h", "", "\x1b[?2004l", "").Replace(stdout.String())
			if got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", got, want, stderr.String())
			}
			calls, _ := os.ReadFile(log)
			if string(calls) != "dev\ndev\n" {
				t.Errorf("assume --auto-refresh ran for %q, want twice for dev", calls)
			}
			if n := strings.Count(stderr.String(), "could not refresh"); n != 1 {
				t.Errorf("failure lines: %d, want 1\n%s", n, stderr.String())
			}
		})
	}
}

// The hook turns RFC 3339 times into seconds since 1970 with shell
// arithmetic alone; leap years, January and February, and numbers with a
// leading zero (octal in bash) are the traps.
func TestAutoRefreshEpoch(t *testing.T) {
	stamps := []string{
		"1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2000-02-29T12:00:00Z", "2000-03-01T00:00:00Z",
		"2024-01-31T08:09:09Z", "2024-02-29T23:59:59Z", "2025-08-09T09:08:07Z", "2026-12-31T23:59:59Z",
		"2100-02-28T00:00:00Z", "2100-03-01T00:00:00Z", "2400-02-29T00:00:00Z",
	}
	calls := map[string]string{
		Bash: `for s in $STAMPS; do __assume_epoch "$s"; echo "$__assume_t"; done; __assume_epoch 2024-1-1T00:00:00Z || echo bad`,
		Zsh:  `for s in ${=STAMPS}; do __assume_epoch "$s"; echo "$__assume_t"; done; __assume_epoch 2024-1-1T00:00:00Z || echo bad`,
		Fish: `for s in (string split ' ' -- $STAMPS); __assume_epoch $s; end; __assume_epoch 2024-1-1T00:00:00Z; or echo bad`,
	}
	var want strings.Builder
	for _, s := range stamps {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&want, ts.Unix())
	}
	want.WriteString("bad\n")
	for _, shellName := range AutoRefreshShells() {
		t.Run(shellName, func(t *testing.T) {
			prog, err := exec.LookPath(shellName)
			if err != nil {
				t.Skipf("%s is not installed", shellName)
			}
			initCode, err := InitWith(shellName, "/usr/bin/assume", InitOptions{AutoRefresh: true})
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "init")
			writeFile(t, file, initCode)
			src := `eval "$(cat "$F")"; `
			if shellName == Fish {
				src = "source $F; "
			}
			cmd := exec.Command(prog, "-c", src+calls[shellName])
			cmd.Env = append(os.Environ(), "F="+file, "STAMPS="+strings.Join(stamps, " "))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if string(out) != want.String() {
				t.Errorf("got:\n%s\nwant:\n%s", out, want.String())
			}
		})
	}
}

func TestInitAutoRefresh(t *testing.T) {
	tests := []struct {
		shell    string
		contains string
	}{
		{Bash, `PROMPT_COMMAND="__assume_auto_refresh${PROMPT_COMMAND:+;$PROMPT_COMMAND}"`},
		{Zsh, "add-zsh-hook precmd __assume_auto_refresh"},
		{Fish, "function __assume_auto_refresh --on-event fish_prompt"},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			with, err := InitWith(tt.shell, "/usr/bin/assume", InitOptions{AutoRefresh: true})
			if err != nil {
				t.Fatal(err)
			}
			without, _ := Init(tt.shell, "/usr/bin/assume")
			if !strings.Contains(with, tt.contains) || strings.Contains(without, tt.contains) {
				t.Errorf("hook %q: with %v, without %v", tt.contains, strings.Contains(with, tt.contains), strings.Contains(without, tt.contains))
			}
			if strings.Contains(with, "@ASSUME_") || !strings.HasPrefix(with, without[:strings.Index(without, "# Hook point")]) {
				t.Error("the hook is not just added at the hook point")
			}
			if err := balanced(with); err != nil {
				t.Error(err)
			}
			prog, err := exec.LookPath(tt.shell)
			if err != nil {
				return
			}
			file := filepath.Join(t.TempDir(), "init")
			writeFile(t, file, with)
			flag := "-n"
			if tt.shell == Fish {
				flag = "--no-execute"
			}
			if out, err := exec.Command(prog, flag, file).CombinedOutput(); err != nil {
				t.Errorf("%s rejects the script: %v\n%s", tt.shell, err, out)
			}
		})
	}
	for _, name := range []string{Pwsh, Nu, "tcsh"} {
		_, err := InitWith(name, "/x", InitOptions{AutoRefresh: true})
		var ue *UnsupportedError
		if !errors.As(err, &ue) || (name != "tcsh" && !slices.Equal(ue.Supported, AutoRefreshShells())) {
			t.Errorf("InitWith(%q, AutoRefresh): %v", name, err)
		}
	}
}

// The fish hook reads the time from fish's history (the last command's
// start plus $CMD_DURATION), so a prompt starts no process: with PATH
// emptied, any external command (date, before) would fail with "Unknown
// command". The refresh itself runs the binary by its absolute path.
func TestAutoRefreshFishNoProcess(t *testing.T) {
	prog, err := exec.LookPath(Fish)
	if err != nil {
		t.Skip("fish is not installed")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	initCode, err := InitWith(Fish, exe, InitOptions{AutoRefresh: true})
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "init"), initCode)
	now := time.Now().UTC()
	// fish's history: the last command ran a minute before the prompt
	// and took 60 s ($CMD_DURATION), so it is "now" at the prompt.
	if err := os.MkdirAll(filepath.Join(dir, "fish"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "fish", "fish_history"), fmt.Sprintf("- cmd: make\n  when: %d\n", now.Add(-time.Minute).Unix()))
	stamp := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	log := filepath.Join(dir, "log")
	script := `source $T/init
set -g CMD_DURATION 60000
set -gx PATH /nonexistent
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$LATER
emit fish_prompt; emit fish_prompt
echo "later: $AWS_CREDENTIAL_EXPIRATION"
assume set AWS_PROFILE=dev AWS_CREDENTIAL_EXPIRATION=$SOON
emit fish_prompt
echo "soon: $AWS_CREDENTIAL_EXPIRATION"
`
	cmd := exec.Command(prog, "-c", script)
	// 6 minutes: beyond the margin from the history's command start alone,
	// within it from the command's end (start + $CMD_DURATION).
	cmd.Env = append(fakeEnviron(), "T="+dir, "XDG_DATA_HOME="+dir, "LC_ALL=C.UTF-8", "HOOK_LOG="+log,
		"HOOK_NEW_EXP="+stamp(time.Hour), "SOON="+stamp(4*time.Minute+30*time.Second), "LATER="+stamp(time.Hour))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	want := "later: " + stamp(time.Hour) + "\nsoon: " + stamp(time.Hour) + "\n"
	if got := strings.NewReplacer("fake stdout\n", "", "\x1b[?2004h", "", "\x1b[?2004l", "").Replace(stdout.String()); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
	}
	if e := strings.ReplaceAll(stderr.String(), "fake stderr\n", ""); e != "" {
		t.Errorf("a prompt ran a command:\n%s", e)
	}
	if calls, _ := os.ReadFile(log); string(calls) != "dev\n" {
		t.Errorf("assume --auto-refresh ran for %q, want once for dev", calls)
	}
}
