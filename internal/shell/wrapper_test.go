//go:build unix

package shell

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The wrapper tests load the real `assume init` output into bash, zsh, fish
// and nu, with this test binary standing in for assume (see fakeAssume), and
// check the contract: success applies, failure applies nothing and keeps
// the exit status, stdio is untouched, arguments pass through intact, and a
// process left behind by the binary does not hold the shell up.

// posixDriver is the scenario for bash and zsh; %TRAP% prints the INT trap.
// The alias stands for another tool's: the init script must replace it.
const posixDriver = `shopt -s expand_aliases 2>/dev/null || true
alias assume='echo ALIASED'
eval "$(cat "$T/init")"
trap 'echo trapped' INT
assume set FOO=bar 'BAZ=a b' "Q=it's"; echo "rc=$? FOO=$FOO BAZ=$BAZ Q=$Q"
assume fail; echo "rc=$? failed=${FAKE_FAILED-unset}"
assume args 'a b' '' '$HOME' '*' --flag; echo "rc=$?"
printf 'from stdin\n' | assume cat
assume args to-file > "$T/out"; echo "file: $(cat "$T/out")"
assume args piped | tr a-z A-Z
assume daemon "$T/pid"; echo "rc=$? daemon=$DAEMON"
assume exec; echo "rc=$? exec=$EXEC"
assume unset FOO; echo "rc=$? FOO=${FOO-unset}"
echo "leak=${ASSUME_SHELL-none}/${ASSUME_OUTPUT_FD-none}/${ASSUME_OUTPUT_FILE-none}"
%TRAP%
assume values "$T/values.json"; echo "rc=$?"; env -0 > "$T/env0"
set -e; assume fail || echo "caught $?"; echo "still here"
`

// In fish, a command substitution in an argument runs before $status is
// expanded, hence the "set rc $status" lines.
const fishDriver = `alias assume 'echo ALIASED'
cat $T/init | source
function show; set -q $argv[1]; and echo $$argv[1]; or echo $argv[2]; end
assume set FOO=bar 'BAZ=a b' "Q=it's"; echo "rc=$status FOO=$FOO BAZ=$BAZ Q=$Q"
assume fail; set rc $status; echo "rc=$rc failed="(show FAKE_FAILED unset)
assume args 'a b' '' '$HOME' '*' --flag; echo "rc=$status"
printf 'from stdin\n' | assume cat
assume args to-file > $T/out; echo "file: "(cat $T/out)
assume args piped | tr a-z A-Z
assume daemon $T/pid; echo "rc=$status daemon=$DAEMON"
assume exec; echo "rc=$status exec=$EXEC"
assume unset FOO; set rc $status; echo "rc=$rc FOO="(show FOO unset)
echo "leak="(show ASSUME_SHELL none)/(show ASSUME_OUTPUT_FD none)/(show ASSUME_OUTPUT_FILE none)
assume values $T/values.json; echo "rc=$status"; env -0 > $T/env0
assume fail; or echo "caught $status"; echo "still here"
`

const wantCommon = `fake stdout
rc=0 FOO=bar BAZ=a b Q=it's
rc=3 failed=unset
arg:"a b"
arg:""
arg:"$HOME"
arg:"*"
arg:"--flag"
rc=0
from stdin
file: arg:"to-file"
ARG:"PIPED"
rc=0 daemon=started
child: unset unset unset
child: fd3 closed
rc=0 exec=done
rc=0 FOO=unset
leak=none/none/none
`

// wrapperValues are tricky values sent through the whole wrapper path.
var wrapperValues = map[string]string{
	"TRICKY_QUOTES":  `it's "quoted" ’smart’ \back\slash\`,
	"TRICKY_DOLLAR":  "$HOME $(echo pwned) `id` ${x}",
	"TRICKY_LINES":   "line 1\nline 2\r\n\ttabbed\n",
	"TRICKY_EMPTY":   "",
	"TRICKY_UNICODE": "é 😀 \u2028 ‛‚",
	"TRICKY_BANG":    "!! !$ %PATH% #c",
}

func TestWrapperRealShells(t *testing.T) {
	requireEnv0(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		shell  string
		driver string
		trap   string // command printing the INT trap, and its expected output
		want   string
	}{
		{Bash, posixDriver, "trap -p INT", "trap -- 'echo trapped' SIGINT\n"},
		{Zsh, posixDriver, "trap", "trap -- 'echo trapped' INT\n"},
		{Fish, fishDriver, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			prog, err := exec.LookPath(tt.shell)
			if err != nil {
				t.Skipf("%s is not installed", tt.shell)
			}
			dir := t.TempDir()
			initCode, err := Init(tt.shell, exe)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "init"), initCode)
			values, _ := json.Marshal(wrapperValues)
			writeFile(t, filepath.Join(dir, "values.json"), string(values))
			t.Cleanup(func() { killDaemon(t, filepath.Join(dir, "pid")) })

			driver := strings.ReplaceAll(tt.driver, "%TRAP%", tt.trap)
			// A hang guard, not a speed check: without close-on-exec the
			// shell would wait for the daemon's 120 seconds.
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, prog, "-c", driver)
			cmd.Env = append(fakeEnviron(), "T="+dir, "LC_ALL=C.UTF-8")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.WaitDelay = 5 * time.Second
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", tt.shell, err, stdout.String(), stderr.String())
			}
			want := wantCommon + tt.want + "rc=0\ncaught 3\nstill here\n"
			if got := stdout.String(); got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", got, want, stderr.String())
			}
			if !strings.Contains(stderr.String(), "fake stderr") {
				t.Errorf("the binary's stderr did not reach the caller's: %q", stderr.String())
			}
			env0, err := os.ReadFile(filepath.Join(dir, "env0"))
			if err != nil {
				t.Fatal(err)
			}
			got := readEnv0(env0)
			for k, v := range wrapperValues {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestWrapperBinaryPaths checks that the wrapper runs the binary from a
// path full of quotes, blanks and dollars, and, without an embedded path,
// through PATH (finding the binary, not calling itself).
func TestWrapperBinaryPaths(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, shellName := range []string{Bash, Zsh, Fish} {
		for _, viaPATH := range []bool{false, true} {
			name := shellName + "/odd path"
			if viaPATH {
				name = shellName + "/PATH lookup"
			}
			t.Run(name, func(t *testing.T) {
				prog, err := exec.LookPath(shellName)
				if err != nil {
					t.Skipf("%s is not installed", shellName)
				}
				dir := filepath.Join(t.TempDir(), `it's "odd" $HOME `+"’ \\")
				if err := os.Mkdir(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				bin := filepath.Join(dir, "assume")
				if err := os.Symlink(exe, bin); err != nil {
					t.Fatal(err)
				}
				embedded, path := bin, os.Getenv("PATH")
				if viaPATH {
					embedded, path = "", dir+string(os.PathListSeparator)+path
				}
				initCode, err := Init(shellName, embedded)
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(t.TempDir(), "init")
				writeFile(t, file, initCode)
				driver := `. "$INIT"; assume set WHERE=ok >/dev/null 2>&1; echo "rc=$? WHERE=$WHERE"`
				if shellName == Fish {
					driver = `source $INIT; assume set WHERE=ok >/dev/null 2>&1; echo "rc=$status WHERE=$WHERE"`
				}
				cmd := exec.Command(prog, "-c", driver)
				cmd.Env = append(fakeEnviron(), "INIT="+file, "PATH="+path)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if string(out) != "rc=0 WHERE=ok\n" {
					t.Errorf("got %q", out)
				}
			})
		}
	}
}

// fakeEnviron is the environment for shells that run the fake binary. With
// -race, each exit of the binary would sleep a second (GORACE's
// atexit_sleep_ms defaults to 1000); turn that off.
func fakeEnviron() []string {
	race := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	return append(os.Environ(), fakeEnv+"=1", "GORACE="+race)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// killDaemon ends the sleep the fake binary left behind, by its pid.
func killDaemon(t *testing.T, pidFile string) {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(string(data)); err == nil && pid > 0 {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// nuDriver is a shorter scenario for nushell (its function applies a JSON
// file, not shell code): success applies, failure applies nothing and keeps
// the status, unset, no leaked variables, tricky values exact. %INIT% is the
// init file (nu's source needs a constant path).
const nuDriver = `source '%INIT%'
assume set FOO=bar 'BAZ=a b' "Q=it's"; print $"rc=($env.LAST_EXIT_CODE) FOO=($env.FOO) BAZ=($env.BAZ) Q=($env.Q)"
assume fail; print $"rc=($env.LAST_EXIT_CODE) failed=($env.FAKE_FAILED? | default unset)"
assume args 'a b' '' '$HOME' '*' '(pwned)' --flag; print $"rc=($env.LAST_EXIT_CODE)"
assume unset FOO; print $"rc=($env.LAST_EXIT_CODE) FOO=($env.FOO? | default unset)"
print $"leak=($env.ASSUME_SHELL? | default none)/($env.ASSUME_SHELL_PID? | default none)/($env.ASSUME_OUTPUT_FILE? | default none)"
assume values $"($env.T)/values.json"; print $"rc=($env.LAST_EXIT_CODE)"
^env -0 | save --raw $"($env.T)/env0"
`

func TestWrapperNushell(t *testing.T) {
	requireEnv0(t)
	prog, err := exec.LookPath(Nu)
	if err != nil {
		t.Skip("nu is not installed (scripts/install-test-deps.sh installs it)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	initCode, err := Init(Nu, exe)
	if err != nil {
		t.Fatal(err)
	}
	initFile := filepath.Join(dir, "init")
	writeFile(t, initFile, initCode)
	values, _ := json.Marshal(wrapperValues)
	writeFile(t, filepath.Join(dir, "values.json"), string(values))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, "--no-config-file", "-c", strings.ReplaceAll(nuDriver, "%INIT%", initFile))
	cmd.Env = append(fakeEnviron(), "T="+dir, "LC_ALL=C.UTF-8")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("nu: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	want := "fake stdout\nrc=0 FOO=bar BAZ=a b Q=it's\nrc=3 failed=unset\n" +
		"arg:\"a b\"\narg:\"\"\narg:\"$HOME\"\narg:\"*\"\narg:\"(pwned)\"\narg:\"--flag\"\nrc=0\n" +
		"rc=0 FOO=unset\nleak=none/none/none\nrc=0\n"
	if got := stdout.String(); got != want {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr:\n%s", got, want, stderr.String())
	}
	env0, err := os.ReadFile(filepath.Join(dir, "env0"))
	if err != nil {
		t.Fatal(err)
	}
	got := readEnv0(env0)
	for k, v := range wrapperValues {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
