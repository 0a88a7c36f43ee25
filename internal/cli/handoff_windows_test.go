package cli

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// --exec on Windows: no process replacement, so the worker runs as a child
// and gets the request in a private file placed before the command's "--".
func TestPassRequestWindows(t *testing.T) {
	if err := replaceProcess("assume-aws.exe", nil, nil, nil); err != nil {
		t.Fatalf("replaceProcess = %v, want nil (the caller runs a child)", err)
	}
	cmd := exec.Command(`C:\bin\assume-aws.exe`, "exec", "--", "cmd", "/c", "echo")
	body := []byte(`{"profile":"dev"}`)
	cleanup, err := passRequest(cmd, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmd.Args) != 8 || cmd.Args[1] != "exec" || cmd.Args[2] != "--request-file" ||
		!slices.Equal(cmd.Args[4:], []string{"--", "cmd", "/c", "echo"}) {
		t.Fatalf("args = %q", cmd.Args)
	}
	file := cmd.Args[3]
	got, err := os.ReadFile(file)
	if err != nil || string(got) != string(body) {
		t.Fatalf("request file: %q, %v", got, err)
	}
	cleanup()
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the request file outlived cleanup: %v", err)
	}
}
