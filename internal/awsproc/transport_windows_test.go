package awsproc

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// --exec on Windows: no process replacement, so assume-aws runs as a child
// and gets the request in a private file placed before the command's "--";
// assume-aws reads it once and removes its folder.
func TestHandOffRequestFileWindows(t *testing.T) {
	if err := replaceProcess("assume-aws.exe", nil, nil, nil); err != nil {
		t.Fatalf("replaceProcess = %v, want nil (the caller runs a child)", err)
	}
	cmd := exec.Command(`C:\bin\assume-aws.exe`, "exec", "--", "cmd", "/c", "echo")
	body := []byte(`{"profile":"dev"}`)
	cleanup, err := passRequest(cmd, body)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if len(cmd.Args) != 8 || cmd.Args[1] != "exec" || cmd.Args[2] != "--request-file" ||
		!slices.Equal(cmd.Args[4:], []string{"--", "cmd", "/c", "echo"}) {
		t.Fatalf("args = %q", cmd.Args)
	}
	file := cmd.Args[3]
	r, done, err := handOffChannel(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	done()
	if err != nil || string(got) != string(body) {
		t.Fatalf("request: %q, %v", got, err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the request file outlived the hand-off: %v", err)
	}
	cleanup() // idempotent after the worker removed it
}

func TestHandOffChannelRefusesWindows(t *testing.T) {
	if _, _, err := handOffChannel(""); !errors.Is(err, errNotByHand) {
		t.Errorf("no --request-file: %v", err)
	}
	if _, _, err := handOffChannel(`request.json`); err == nil {
		t.Error("a relative --request-file was accepted")
	}
}
