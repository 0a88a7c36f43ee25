package shell

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const oddPath = `/opt/it's "odd" $HOME ’/assume`

func TestInit(t *testing.T) {
	tests := []struct {
		shell    string
		path     string
		contains []string
	}{
		{Bash, "/usr/local/bin/assume", []string{"function assume {", "ASSUME_SHELL=bash ASSUME_SHELL_PID=$$ ASSUME_OUTPUT_FD=3 '/usr/local/bin/assume' \"$@\"", "trap -- '' INT", "Hook point"}},
		{Bash, oddPath, []string{`'/opt/it'\''s "odd" $HOME ’/assume'`}},
		{Bash, "", []string{"ASSUME_OUTPUT_FD=3 command assume \"$@\""}},
		{Zsh, "/usr/local/bin/assume", []string{"function assume {", "emulate -L zsh", "ASSUME_SHELL=zsh ASSUME_SHELL_PID=$$ ASSUME_OUTPUT_FD=3 '/usr/local/bin/assume' \"$@\"", "Hook point"}},
		{Zsh, "", []string{"command assume \"$@\""}},
		{Fish, "/usr/local/bin/assume", []string{"function assume", "ASSUME_SHELL=fish ASSUME_SHELL_PID=$fish_pid ASSUME_OUTPUT_FD=3 '/usr/local/bin/assume' $argv", "Hook point"}},
		{Fish, oddPath, []string{`'/opt/it\'s "odd" $HOME ’/assume'`}},
		{Fish, "", []string{"command assume $argv"}},
		{Pwsh, `C:\Program Files\assume\assume.exe`, []string{"function assume {", `$assumeBin = 'C:\Program Files\assume\assume.exe'`, "$env:ASSUME_OUTPUT_FILE", "CreateTempSubdirectory", "Invoke-Expression", "Hook point"}},
		{Pwsh, oddPath, []string{`'/opt/it''s "odd" $HOME ’’/assume'`}},
		{Pwsh, "", []string{"Get-Command -Name 'assume' -CommandType Application"}},
		{"powershell", "/x", []string{"function assume {"}},
		{Nu, "/usr/local/bin/assume", []string{"def --env --wrapped assume", "let bin = '/usr/local/bin/assume'", "ASSUME_OUTPUT_FILE: $file", "hide-env", "load-env", "Hook point"}},
		{Nu, oddPath, []string{`let bin = r#'/opt/it's "odd" $HOME ’/assume'#`}},
		{Nu, "", []string{"let bin = 'assume'"}},
	}
	for _, tt := range tests {
		t.Run(tt.shell+" "+tt.path, func(t *testing.T) {
			got, err := Init(tt.shell, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(got, "@ASSUME_") {
				t.Error("a placeholder was left in the script")
			}
			for _, want := range tt.contains {
				if !strings.Contains(got, want) {
					t.Errorf("script lacks %q", want)
				}
			}
			if err := balanced(got); err != nil {
				t.Error(err)
			}
		})
	}
}

// balanced checks (), {} and [] nest properly outside comment lines and
// quotes: a cheap syntax check for the shells that cannot run here.
func balanced(script string) error {
	var stack []rune
	pairs := map[rune]rune{')': '(', '}': '{', ']': '['}
	for _, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		var quote rune
		for _, r := range line {
			switch {
			case quote != 0:
				if r == quote {
					quote = 0
				}
			case r == '\'' || r == '"':
				quote = r
			case r == '(' || r == '{' || r == '[':
				stack = append(stack, r)
			case pairs[r] != 0:
				if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
					return errors.New("unbalanced " + string(r) + " in: " + line)
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) != 0 {
		return errors.New("unclosed " + string(stack))
	}
	return nil
}

func TestInitSyntaxRealShells(t *testing.T) {
	checks := []struct {
		shell string
		args  []string
	}{
		{Bash, []string{"-n"}},
		{Zsh, []string{"-n"}},
		{Fish, []string{"--no-execute"}},
	}
	for _, c := range checks {
		t.Run(c.shell, func(t *testing.T) {
			prog, err := exec.LookPath(c.shell)
			if err != nil {
				t.Skipf("%s is not installed", c.shell)
			}
			for _, path := range []string{"/usr/bin/assume", oddPath, ""} {
				code, err := Init(c.shell, path)
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(t.TempDir(), "init")
				if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(prog, append(c.args, file)...).CombinedOutput(); err != nil {
					t.Errorf("%s rejects the init script for %q: %v\n%s", c.shell, path, err, out)
				}
			}
		})
	}
}

func TestInitErrors(t *testing.T) {
	for _, name := range []string{Sh, JSON, "tcsh", "", "cmd"} {
		_, err := Init(name, "/x")
		var ue *UnsupportedError
		if !errors.As(err, &ue) || !slices.Equal(ue.Supported, Shells()) {
			t.Errorf("Init(%q): got %v, want *UnsupportedError listing %v", name, err, Shells())
		}
	}
	if _, err := Init(Bash, "/x\x00y"); err == nil {
		t.Error("accepted a path with a NUL byte")
	}
}

func TestDetect(t *testing.T) {
	tests := map[string]string{
		"/bin/bash": Bash, "-bash": Bash, "bash": Bash, "/usr/bin/zsh": Zsh, "-zsh": Zsh,
		"/usr/local/bin/fish": Fish, "pwsh": Pwsh, `C:\Program Files\PowerShell\7\pwsh.exe`: Pwsh,
		"powershell.exe": Pwsh, "/opt/homebrew/bin/nu": Nu, "nushell": Nu,
		"/bin/sh": "", "dash": "", "tcsh": "", "": "", "json": "", "/bin/bash/": Bash,
	}
	for in, want := range tests {
		if got := Detect(in); got != want {
			t.Errorf("Detect(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSetupHint(t *testing.T) {
	for _, s := range Shells() {
		h := SetupHint(s)
		if !strings.Contains(h, "assume init "+s) {
			t.Errorf("SetupHint(%s) = %q does not say how to run init", s, h)
		}
		if strings.Contains(h, "\n") {
			t.Errorf("SetupHint(%s) is not one line", s)
		}
	}
	if h := SetupHint("tcsh"); !strings.Contains(h, strings.Join(Shells(), ", ")) {
		t.Errorf("SetupHint(tcsh) = %q does not list the shells", h)
	}
}

func TestSelfPath(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	got := SelfPath()
	if !filepath.IsAbs(got) || !sameFile(got, exe) {
		t.Errorf("SelfPath() = %q, want a path to %q", got, exe)
	}
}

func TestNamesLists(t *testing.T) {
	for _, f := range PrintFormats() {
		if !slices.Contains(Formats(), f) {
			t.Errorf("print format %q is not an Emit format", f)
		}
	}
	for _, s := range Shells() {
		if !slices.Contains(Formats(), s) || !hasInitFile(s) {
			t.Errorf("shell %q has no format or no init script", s)
		}
		if Detect(s) != s {
			t.Errorf("Detect(%q) = %q", s, Detect(s))
		}
	}
}

func hasInitFile(s string) bool { _, ok := initFile(s); return ok }
