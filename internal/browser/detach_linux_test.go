package browser

import (
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestCommandOwnProcessGroup(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	c := &Command{Args: []string{"sh", "-c", `cut -d' ' -f5 /proc/$$/stat > "$1"`, "x", out}}
	if err := c.Open("https://example.test/"); err != nil {
		t.Fatal(err)
	}
	pgrp, err := strconv.Atoi(waitFor(t, out))
	if err != nil {
		t.Fatal(err)
	}
	if pgrp == syscall.Getpgrp() {
		t.Errorf("launcher runs in our process group %d; Ctrl-C would reach it", pgrp)
	}
}
