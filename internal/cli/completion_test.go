package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assume-cli/assume/internal/term"
)

func TestComplete(t *testing.T) {
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(lsTestConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": home}
	tests := []struct {
		args    []string
		want    []string // lines that must be present
		notWant []string
		wantErr bool
	}{
		{args: []string{"profiles"}, want: []string{"dev", "portal", "default"}},
		{args: []string{"sso-sessions"}, want: []string{"corp"}, notWant: []string{"dev"}},
		{args: []string{"args"}, want: []string{"ls", "completion", "dev"}, notWant: []string{"__complete"}},
		{args: []string{"args", "--refresh"}, want: []string{"dev"}, notWant: []string{"ls"}},
		{args: []string{"args", "dev"}, notWant: []string{"dev", "ls"}},
		{args: []string{"args", "completion"}, want: completionShells},
		{args: []string{"args", "help"}, want: []string{"exit-codes"}},
		{args: []string{"flags", "ls"}, want: []string{"--json"}, notWant: []string{"--print"}},
		{args: []string{"flags", "dev"}, want: []string{"--print", "--profile"}},
		{args: []string{"flags"}, want: []string{"--exec"}},
		{args: []string{"nonsense"}, wantErr: true},
		{args: nil, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			err := runComplete(context.Background(), tt.args, newInvocation(term.Test(nil, &out, &bytes.Buffer{}, env)))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			has := map[string]bool{}
			for _, l := range lines {
				has[l] = true
			}
			for _, w := range tt.want {
				if !has[w] {
					t.Errorf("missing %q in %q", w, lines)
				}
			}
			for _, w := range tt.notWant {
				if has[w] {
					t.Errorf("unexpected %q in %q", w, lines)
				}
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, sh := range completionShells {
		t.Run(sh, func(t *testing.T) {
			var out bytes.Buffer
			if err := runCompletion(context.Background(), []string{sh}, newInvocation(term.Test(nil, &out, &bytes.Buffer{}, nil))); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"__complete profiles", "__complete sso-sessions", "__complete flags", "__complete args", "--print"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("%s script lacks %q", sh, want)
				}
			}
		})
	}
	for _, bad := range [][]string{nil, {"tcsh"}, {"bash", "zsh"}} {
		if err := runCompletion(context.Background(), bad, newInvocation(term.Test(nil, &bytes.Buffer{}, &bytes.Buffer{}, nil))); err == nil {
			t.Errorf("completion %q: no error", bad)
		}
	}
}
