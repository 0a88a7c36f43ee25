package shell

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Property test through real shells: many random values are emitted for a
// shell, applied by that shell the way the wrappers (or a user's
// `eval "$(assume P --print sh)"`) apply them, and read back byte for byte
// from `env -0`. All values go through one shell process per shell.

// pieces are the fragments random values are made of.
var pieces = []string{
	"'", `"`, "$", "`", `\`, "\n", "\r", "\t", " ", "!", "%", "’", "‘", "‚", "‛", "é", "😀", "\u00a0",
	"$(echo pwned)", "${HOME}", "`id`", ";", "&", "|", "*", "?", "[a]", "~", "#", "{a,b}", "(", ")",
	"<", ">", "=", "\x01", "\x1b", "\x7f", "\\'", "'\\''", "\\\\", "-", "--", "a", "Z", "0", "ASIA",
	"%s", "\\n", "\\x41", "\u2028", "\ufeff",
}

// rawPieces are byte strings that are not UTF-8, for shells that take bytes.
var rawPieces = []string{"\xff", "\xfe", "\x80", "\xc3", "\xed\xa0\x80"}

// randomValues returns n values built from pieces (and rawPieces when
// bytes is set), plus fixed hard cases.
func randomValues(n int, bytes bool, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 42))
	vals := []string{
		"", "'", "''", `\`, "\n", "trailing newline\n", "\n\nleading newlines", " ", "a’;echo pwned;’",
		strings.Repeat("long'\"$`\\\n", 2000), // 20 KB
		strings.Repeat("x", 60000),
	}
	for len(vals) < n {
		var b strings.Builder
		k := r.IntN(12)
		for range k {
			if bytes && r.IntN(8) == 0 {
				b.WriteString(rawPieces[r.IntN(len(rawPieces))])
			} else {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		}
		vals = append(vals, b.String())
	}
	return vals
}

// readEnv0 parses `env -0` output into a map.
func readEnv0(out []byte) map[string]string {
	env := map[string]string{}
	for _, kv := range bytes.Split(out, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if ok {
			env[k] = v
		}
	}
	return env
}

// requireEnv0 skips tests that read the environment back with `env -0`
// (GNU and busybox env) where env lacks it.
func requireEnv0(t *testing.T) {
	t.Helper()
	if err := exec.Command("env", "-0").Run(); err != nil {
		t.Skip("env -0 is not supported here")
	}
}

func TestRealShellRoundTrip(t *testing.T) {
	requireEnv0(t)
	tests := []struct {
		shell  string // program
		format string
		bytes  bool   // values may be any bytes but NUL
		script string // applies the code in file $ASSUMETEST_CODE, then runs env -0
	}{
		{"bash", Bash, true, `eval "$(cat "$ASSUMETEST_CODE")" && exec env -0`},
		{"zsh", Zsh, true, `emulate zsh; eval "$(cat "$ASSUMETEST_CODE")" && exec env -0`},
		{"dash", Sh, true, `eval "$(cat "$ASSUMETEST_CODE")" && exec env -0`},
		{"bash", Sh, true, `set -o posix; . "$ASSUMETEST_CODE" && exec env -0`},
		{"fish", Fish, true, `cat $ASSUMETEST_CODE | read -z code; and eval $code; and exec env -0`},
		// nu gets JSON (UTF-8 text only); null unsets, as its function does.
		{"nu", Nu, false, `let c = (open --raw $env.ASSUMETEST_CODE | decode utf-8 | from json)
let gone = ($c | columns | where {|n| ($c | get $n) == null })
hide-env --ignore-errors ...$gone
load-env ($c | reject ...$gone)
^env -0`},
	}
	for i, tt := range tests {
		t.Run(tt.shell+"/"+tt.format, func(t *testing.T) {
			prog, err := exec.LookPath(tt.shell)
			if err != nil {
				t.Skipf("%s is not installed", tt.shell)
			}
			values := randomValues(300, tt.bytes, uint64(i)+1)
			script := Script{Set: map[string]string{}}
			want := map[string]string{}
			for j, v := range values {
				name := fmt.Sprintf("ASSUMETEST_V%03d", j)
				script.Set[name] = v
				want[name] = v
			}
			// Variables to unset exist beforehand, plus one that never did.
			var environ []string
			for _, k := range []string{"ASSUMETEST_U1", "ASSUMETEST_U2", "ASSUMETEST_NEVER"} {
				script.Unset = append(script.Unset, k)
				if k != "ASSUMETEST_NEVER" {
					environ = append(environ, k+"=old value")
				}
			}
			code, err := Emit(tt.format, script)
			if err != nil {
				t.Fatal(err)
			}
			codeFile := filepath.Join(t.TempDir(), "code")
			if err := os.WriteFile(codeFile, []byte(code), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(prog, "-c", tt.script)
			cmd.Env = append(os.Environ(), environ...)
			cmd.Env = append(cmd.Env, "ASSUMETEST_CODE="+codeFile, "LC_ALL=C.UTF-8")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tt.shell, err, stderr.String())
			}
			got := readEnv0(out)
			for k, v := range want {
				if gv, ok := got[k]; !ok {
					t.Errorf("%s not set", k)
				} else if gv != v {
					t.Errorf("%s: got %q, want %q", k, trunc(gv), trunc(v))
				}
			}
			for _, k := range script.Unset {
				if _, ok := got[k]; ok {
					t.Errorf("%s still set", k)
				}
			}
		})
	}
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// TestRandomValuesCoverage keeps the generator honest: the property test
// is only as good as its inputs.
func TestRandomValuesCoverage(t *testing.T) {
	all := strings.Join(randomValues(300, true, 1), "")
	for _, must := range []string{"'", `"`, "$", "`", `\`, "\n", "\r", "\t", "!", "%", "’", "😀"} {
		if !strings.Contains(all, must) {
			t.Errorf("no value contains %q", must)
		}
	}
	if utf8.ValidString(all) {
		t.Error("no value holds bytes that are not UTF-8")
	}
}
