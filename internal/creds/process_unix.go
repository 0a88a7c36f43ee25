//go:build !windows

package creds

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// processGroup puts the helper into a process group of its own when own is
// set, and makes the deadline kill that whole group or, without one, the
// helper and its descendants.
func processGroup(cmd *exec.Cmd, own bool) {
	if own {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	cmd.Cancel = func() error {
		killGroup(cmd, own)
		return nil
	}
}

// controllingTerminal reports whether this process has a terminal that a
// helper could prompt on through /dev/tty. A helper in a process group of
// its own would be stopped (SIGTTIN) when it reads it.
func controllingTerminal() bool {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// killGroup kills the helper's process group, or, when it has none of its
// own, the helper and the processes below it (found in /proc where there
// is one).
func killGroup(cmd *exec.Cmd, own bool) {
	if cmd.Process == nil {
		return
	}
	if own {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return
	}
	for _, pid := range descendants(cmd.Process.Pid) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	cmd.Process.Kill()
}

// descendants lists the processes below pid, from /proc/*/stat; none where
// there is no /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold anything, so parse
		// after its last ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(string(f[1])); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	for queue := children[pid]; len(queue) > 0; queue = queue[1:] {
		out = append(out, queue[0])
		queue = append(queue, children[queue[0]]...)
	}
	return out
}
