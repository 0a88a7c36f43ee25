package shell

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testCompletionFlags has one flag of each kind, named after the kind.
var testCompletionFlags = CompletionFlags{
	Profiles:    []string{"-p", "--profile-flag"},
	SSOSessions: []string{"--session-flag"},
	Services:    []string{"--service-flag"},
	Print:       []string{"--print-flag"},
	Files:       []string{"--file-flag"},
	None:        []string{"--none-flag"},
}

func TestCompletion(t *testing.T) {
	for _, sh := range CompletionShells() {
		t.Run(sh, func(t *testing.T) {
			got, ok := Completion(sh, testCompletionFlags)
			if !ok {
				t.Fatal("no script")
			}
			if strings.Contains(got, "{{") {
				t.Error("a placeholder was left in the script")
			}
			for _, want := range []string{"--profile-flag", "--session-flag", "--service-flag", "--print-flag", "--file-flag",
				"--none-flag", "__complete profiles", "__complete flags", PrintFormats()[0]} {
				if !strings.Contains(got, want) {
					t.Errorf("script lacks %q", want)
				}
			}
			// bash and zsh case patterns end in an unpaired ")": their
			// syntax is checked by the shells themselves below.
			if sh == Fish || sh == Pwsh {
				if err := balanced(got); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for _, sh := range []string{Nu, Sh, "powershell", "tcsh", ""} {
		if _, ok := Completion(sh, testCompletionFlags); ok {
			t.Errorf("Completion(%q) gave a script", sh)
		}
	}
}

func TestCompletionSyntaxRealShells(t *testing.T) {
	for sh, args := range map[string][]string{Bash: {"-n"}, Zsh: {"-n"}, Fish: {"--no-execute"}} {
		t.Run(sh, func(t *testing.T) {
			prog, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("%s is not installed", sh)
			}
			code, _ := Completion(sh, testCompletionFlags)
			file := filepath.Join(t.TempDir(), "completion")
			if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(prog, append(args, file)...).CombinedOutput(); err != nil {
				t.Errorf("%s rejects the completion script: %v\n%s", sh, err, out)
			}
		})
	}
}
