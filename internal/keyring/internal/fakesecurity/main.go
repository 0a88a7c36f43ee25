// Command fakesecurity imitates the parts of macOS's /usr/bin/security that
// the keychain backend uses, so that the backend is tested on every
// platform. Its state folder is $KEYRING_FAKE_SECURITY_DIR.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/flock"
)

func main() {
	dir := os.Getenv("KEYRING_FAKE_SECURITY_DIR")
	if dir == "" {
		fmt.Fprintln(os.Stderr, "fakesecurity: KEYRING_FAKE_SECURITY_DIR is not set")
		os.Exit(2)
	}
	os.Exit(fakeSecurity(dir, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// fakeItem is one generic password of the fake keychain.
type fakeItem struct{ Service, Account, Password string }

// fakeSecurity implements the subset of security(1) the backend uses, with
// its exit statuses and messages. The keychain is a JSON file; a file named
// "locked" next to it makes secret reads and writes fail as on a locked
// keychain in a session without UI. Every argument list is logged to
// "argv", so tests can check that no secret is passed there.
func fakeSecurity(dir string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := flock.Lock(ctx, filepath.Join(dir, "lock"))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer u.Unlock()
	logf, _ := os.OpenFile(filepath.Join(dir, "argv"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	fmt.Fprintf(logf, "%q\n", args)
	logf.Close()

	var items []fakeItem
	db := filepath.Join(dir, "keychain.json")
	if b, err := os.ReadFile(db); err == nil {
		json.Unmarshal(b, &items)
	}
	_, lockedErr := os.Stat(filepath.Join(dir, "locked"))
	locked := lockedErr == nil
	save := func() {
		b, _ := json.Marshal(items)
		os.WriteFile(db, b, 0o600)
	}
	flags := func(args []string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(args); i++ {
			if a := args[i]; strings.HasPrefix(a, "-") {
				if strings.Contains("-s-a-l-w", a) && i+1 < len(args) { // getopt: these take a value
					m[a] = args[i+1]
					i++
				} else {
					m[a] = ""
				}
			}
		}
		return m
	}
	find := func(f map[string]string) int {
		return slices.IndexFunc(items, func(it fakeItem) bool { return it.Service == f["-s"] && it.Account == f["-a"] })
	}
	notFound := func(cmd string) int {
		fmt.Fprintf(stderr, "security: %s: The specified item could not be found in the keychain.\n", cmd)
		return 44
	}
	var do func(args []string) int
	do = func(args []string) int {
		if len(args) == 0 {
			return 2
		}
		f := flags(args[1:])
		switch args[0] {
		case "-i":
			sc := bufio.NewScanner(stdin)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if code := do(strings.Fields(sc.Text())); code != 0 {
					return 0 // interactive mode keeps going: only stderr tells
				}
			}
			return 0
		case "find-generic-password":
			if locked {
				fmt.Fprintln(stderr, "security: SecKeychainSearchCopyNext: User interaction is not allowed.")
				return 36
			}
			i := find(f)
			if i < 0 {
				return notFound("SecKeychainSearchCopyNext")
			}
			fmt.Fprintln(stdout, items[i].Password)
			return 0
		case "add-generic-password":
			if locked {
				fmt.Fprintln(stderr, "security: SecKeychainItemCreateFromContent (<default>): User interaction is not allowed.")
				return 36
			}
			it := fakeItem{Service: f["-s"], Account: f["-a"], Password: f["-w"]}
			if i := find(f); i >= 0 {
				if _, upd := f["-U"]; !upd {
					fmt.Fprintln(stderr, "security: SecKeychainItemCreateFromContent (<default>): The specified item already exists in the keychain.")
					return 45
				}
				items[i] = it
			} else {
				items = append(items, it)
			}
			save()
			return 0
		case "delete-generic-password":
			i := find(f)
			if i < 0 {
				return notFound("SecKeychainSearchCopyNext")
			}
			items = slices.Delete(items, i, i+1)
			save()
			return 0
		case "dump-keychain":
			fmt.Fprintf(stdout, "keychain: \"/Users/test/Library/Keychains/login.keychain-db\"\nversion: 512\nclass: 0x00000011 \nattributes:\n    \"atyp\"<blob>=\"dflt\"\n")
			for _, it := range items {
				fmt.Fprintf(stdout, "keychain: \"/Users/test/Library/Keychains/login.keychain-db\"\nversion: 512\nclass: \"genp\"\nattributes:\n")
				fmt.Fprintf(stdout, "    0x00000007 <blob>=%q\n    \"acct\"<blob>=%q\n    \"cdat\"<timedate>=0x32303236  \"2026\\000\"\n    \"svce\"<blob>=%q\n", it.Service, it.Account, it.Service)
			}
			return 0
		}
		fmt.Fprintf(stderr, "security: unknown command %q\n", args[0])
		return 2
	}
	return do(args)
}
