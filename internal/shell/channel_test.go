package shell

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envMap is a getenv over a fixed map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestOpenChannelNotUnderWrapper(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{EnvOutputFD: "3"}, // a stray descriptor variable alone means nothing
		{EnvOutputFile: "/tmp/x"},
	} {
		ch, err := OpenChannel(envMap(env))
		if ch != nil || err != nil {
			t.Errorf("OpenChannel(%v) = %v, %v; want nil, nil", env, ch, err)
		}
	}
}

func TestOpenChannelErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		want string // substring of the error
	}{
		{"unknown shell", map[string]string{EnvShell: "tcsh", EnvOutputFD: "3"}, "unknown shell"},
		{"print format is not a wrapper", map[string]string{EnvShell: "json", EnvOutputFD: "3"}, "unknown shell"},
		{"no channel variable", map[string]string{EnvShell: "bash"}, "neither"},
		{"both channel variables", map[string]string{EnvShell: "bash", EnvOutputFD: "3", EnvOutputFile: "/x"}, "both"},
		{"fd not a number", map[string]string{EnvShell: "bash", EnvOutputFD: "x"}, "invalid descriptor"},
		{"fd negative", map[string]string{EnvShell: "bash", EnvOutputFD: "-3"}, "invalid descriptor"},
		{"fd is stdout", map[string]string{EnvShell: "zsh", EnvOutputFD: "1"}, "stdin, stdout or stderr"},
		{"fd huge", map[string]string{EnvShell: "zsh", EnvOutputFD: "99999999"}, "invalid descriptor"},
		{"relative file", map[string]string{EnvShell: "pwsh", EnvOutputFile: "env.ps1"}, "not an absolute path"},
		{"missing folder", map[string]string{EnvShell: "nu", EnvOutputFile: filepath.Join(dir, "nope", "env.json")}, "output folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := OpenChannel(envMap(tt.env))
			if err == nil {
				ch.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrNoChannel) {
				t.Errorf("error %v does not wrap ErrNoChannel", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestOpenChannelFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "env.ps1")
	env := map[string]string{EnvShell: "PowerShell", EnvOutputFile: path}
	ch, err := OpenChannel(envMap(env))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Shell != Pwsh {
		t.Errorf("Shell = %q, want %q", ch.Shell, Pwsh)
	}
	if err := ch.Send(Script{Set: map[string]string{"AWS_PROFILE": "dev"}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "$env:AWS_PROFILE = 'dev'\n" {
		t.Errorf("file holds %q", data)
	}
	// A second binary (or an attacker) must not reuse an existing file.
	if _, err := OpenChannel(envMap(env)); err == nil || !strings.Contains(err.Error(), "creating output file") {
		t.Errorf("existing file: got %v", err)
	}
}

func TestOpenFromEnvClearsVariables(t *testing.T) {
	dir := t.TempDir()
	os.Chmod(dir, 0o700)
	t.Setenv(EnvShell, "nu")
	t.Setenv(EnvOutputFile, filepath.Join(dir, "env.json"))
	t.Setenv(EnvOutputFD, "")
	ch, err := OpenFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	for _, k := range []string{EnvShell, EnvOutputFD, EnvOutputFile} {
		if _, ok := os.LookupEnv(k); ok {
			t.Errorf("%s is still in the environment", k)
		}
	}
}

// bufCloser is an in-memory channel end.
type bufCloser struct {
	bytes.Buffer
	closed bool
}

func (b *bufCloser) Close() error { b.closed = true; return nil }

func TestChannelSend(t *testing.T) {
	tests := []struct {
		shell   string
		script  Script
		want    string
		wantErr bool
	}{
		{Bash, Script{Unset: []string{"A"}, Set: map[string]string{"B": "x y"}}, "unset A\nexport B='x y'\n", false},
		{Fish, Script{Set: map[string]string{"B": `\`}}, `set -g -x B '\\'` + "\n", false},
		{Nu, Script{Unset: []string{"A"}, Set: map[string]string{"B": "1"}}, `{"A":null,"B":"1"}` + "\n", false},
		{Zsh, Script{Set: map[string]string{"BAD NAME": "1"}}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			w := &bufCloser{}
			err := (&Channel{Shell: tt.shell, WriteCloser: w}).Send(tt.script)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if w.String() != tt.want {
				t.Errorf("wrote %q, want %q", w.String(), tt.want)
			}
			if !w.closed {
				t.Error("channel not closed")
			}
		})
	}
}
