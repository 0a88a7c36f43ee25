package awsemu

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestMainOneShotCommands(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout *regexp.Regexp
		stderr string
	}{
		{"example-world", []string{"example-world"}, "", ExitOK, regexp.MustCompile(`(?s)^\{\n  "comment": .*\}\n$`), ""},
		{"totp", []string{"totp", aliceSeed}, "", ExitOK, regexp.MustCompile(`^\d{6}\n$`), ""},
		{"totp from stdin", []string{"totp", "-"}, aliceSeed + "\n", ExitOK, regexp.MustCompile(`^\d{6}\n$`), ""},
		{"totp bad seed", []string{"totp", "!!"}, "", ExitError, regexp.MustCompile(`^$`), "awsemu: error: TOTP seed is not valid base32"},
		{"totp no seed", []string{"totp"}, "", ExitUsage, regexp.MustCompile(`^$`), "needs exactly one SEED"},
		{"help", []string{"help"}, "", ExitOK, regexp.MustCompile(`^usage:`), ""},
		{"unknown command", []string{"frobnicate"}, "", ExitUsage, regexp.MustCompile(`^$`), `unknown command "frobnicate"`},
		{"unknown flag", []string{"--nope"}, "", ExitUsage, regexp.MustCompile(`^$`), "flag provided but not defined"},
		{"remote listen refused", []string{"--listen", "0.0.0.0:0"}, "", ExitUsage, regexp.MustCompile(`^$`), "not a loopback address"},
		{"all interfaces refused", []string{"serve", "--listen", ":8080"}, "", ExitUsage, regexp.MustCompile(`^$`), "not a loopback address"},
		{"missing world", []string{"--world", filepath.Join(t.TempDir(), "none.json")}, "", ExitError, regexp.MustCompile(`^$`), "reading world file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errb.String())
			}
			if !tt.stdout.MatchString(out.String()) {
				t.Errorf("stdout %q", out.String())
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errb.String(), tt.stderr)
			}
			if strings.Contains(errb.String(), aliceSeed) {
				t.Error("stderr echoes the seed")
			}
		})
	}
}

func TestCheckListenAddr(t *testing.T) {
	tests := []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:0", false, true},
		{"127.0.0.2:8765", false, true},
		{"[::1]:0", false, true},
		{"localhost:4566", false, true},
		{"0.0.0.0:0", false, false},
		{":0", false, false},
		{"192.0.2.1:80", false, false},
		{"example.com:80", false, false},
		{"0.0.0.0:0", true, true},
		{"no-port", false, false},
	}
	for _, tt := range tests {
		if err := CheckListenAddr(tt.addr, tt.remote); (err == nil) != tt.ok {
			t.Errorf("CheckListenAddr(%q, %v) = %v", tt.addr, tt.remote, err)
		}
	}
}

func TestMainServe(t *testing.T) {
	world := filepath.Join(t.TempDir(), "world.json")
	if err := os.WriteFile(world, ExampleWorldJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--listen", "127.0.0.1:0", "--world", world, "--log"}, strings.NewReader(""), pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL line: %v", err)
	}
	base := strings.TrimSpace(line)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("first line %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	resp, err := http.Get(base + "/_awsemu/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health %d", resp.StatusCode)
	}
	resp, err = http.Post(base+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=GetCallerIdentity&Version=2011-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("unsigned call %d", resp.StatusCode)
	}
	cancel()
	if code := <-done; code != ExitOK {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "code=MissingAuthenticationToken") {
		t.Errorf("--log did not log the call: %q", errb.String())
	}
}
