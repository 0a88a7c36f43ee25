package shell

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// fakeEnv, when set to 1, turns the test binary into a stand-in for the
// assume binary: the wrapper tests run it through the real init scripts,
// so the Go side of the channel (OpenFromEnv, Send) is exercised too.
const fakeEnv = "ASSUME_SHELL_TEST_FAKE"

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnv) == "1" {
		os.Exit(fakeAssume(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakeAssume implements the fake binary's subcommands:
//
//	set NAME=VALUE...   print to stdout and stderr, send the assignments, exit 0
//	unset NAME...       send the unsets, exit 0
//	values FILE         send the assignments of a JSON object in FILE, exit 0
//	fail                send FAKE_FAILED=1, then exit 3 (the wrapper must ignore it)
//	args ARG...         print each argument quoted, one per line
//	cat                 copy stdin to stdout
//	daemon PIDFILE      leave `sleep 120` running (no stdio), send DAEMON=started
//	exec                run a child that reports what it inherited, send EXEC=done
//	PROFILE --auto-refresh  the prompt hook's call: see fakeRefresh
func fakeAssume(args []string) int {
	ch, err := OpenFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake:", err)
		return 98
	}
	send := func(s Script) int {
		if ch == nil {
			fmt.Fprintln(os.Stderr, "fake: not started by a wrapper")
			return 97
		}
		if err := ch.Send(s); err != nil {
			fmt.Fprintln(os.Stderr, "fake:", err)
			return 96
		}
		return 0
	}
	defer func() {
		if ch != nil {
			ch.Close() // idempotent enough for a test: errors ignored
		}
	}()
	if len(args) == 0 {
		return 2
	}
	if len(args) == 2 && args[1] == "--auto-refresh" {
		return fakeRefresh(args[0], send)
	}
	switch args[0] {
	case "set":
		fmt.Println("fake stdout")
		fmt.Fprintln(os.Stderr, "fake stderr")
		s := Script{Set: map[string]string{}}
		for _, kv := range args[1:] {
			k, v, _ := strings.Cut(kv, "=")
			s.Set[k] = v
		}
		return send(s)
	case "unset":
		return send(Script{Unset: args[1:]})
	case "values":
		data, err := os.ReadFile(args[1])
		if err != nil {
			return 95
		}
		s := Script{}
		if err := json.Unmarshal(data, &s.Set); err != nil {
			return 95
		}
		return send(s)
	case "fail":
		send(Script{Set: map[string]string{"FAKE_FAILED": "1"}})
		return 3
	case "args":
		for _, a := range args[1:] {
			fmt.Printf("arg:%q\n", a)
		}
		return 0
	case "cat":
		io.Copy(os.Stdout, os.Stdin)
		return 0
	case "daemon":
		// Like a credential server left behind: no stdio, but it would
		// inherit the channel if the channel were not close-on-exec.
		cmd := exec.Command("sleep", "120")
		if err := cmd.Start(); err != nil {
			return 94
		}
		os.WriteFile(args[1], []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
		return send(Script{Set: map[string]string{"DAEMON": "started"}})
	case "exec":
		// Like `assume P --exec -- cmd`: the child's stdout is ours.
		cmd := exec.Command("sh", "-c", `echo "child: ${ASSUME_SHELL-unset} ${ASSUME_OUTPUT_FD-unset} ${ASSUME_OUTPUT_FILE-unset}"
if [ -e /dev/fd/3 ]; then echo "child: fd3 open"; else echo "child: fd3 closed"; fi`)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return 93
		}
		return send(Script{Set: map[string]string{"EXEC": "done"}})
	}
	return 2
}

// fakeRefresh stands for `assume PROFILE --auto-refresh`: it appends
// "PROFILE" to $HOOK_LOG, then fails (exit 4, one line) when $HOOK_FAIL is
// set, else sends AWS_PROFILE=PROFILE and AWS_CREDENTIAL_EXPIRATION=$HOOK_NEW_EXP.
func fakeRefresh(profile string, send func(Script) int) int {
	f, err := os.OpenFile(os.Getenv("HOOK_LOG"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 95
	}
	fmt.Fprintln(f, profile)
	f.Close()
	if os.Getenv("HOOK_FAIL") != "" {
		fmt.Fprintln(os.Stderr, "assume: could not refresh the credentials of "+profile)
		return 4
	}
	return send(Script{Set: map[string]string{"AWS_PROFILE": profile, "AWS_CREDENTIAL_EXPIRATION": os.Getenv("HOOK_NEW_EXP")}})
}
