package keyring

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

// securityPath is where macOS keeps the keychain command-line tool.
const securityPath = "/usr/bin/security"

// securityValuePrefix starts every value we store, so that it is never
// empty and always printable (security -w prints other values in hex).
const securityValuePrefix = "b64:"

// securityStore keeps items as generic passwords of the default keychain
// (normally the login keychain), service opts.Service and account the
// encoded key, driven through the security(1) tool without cgo. Values are
// written with `security -i`, which reads the command from stdin, so a
// secret never appears in any process's arguments; they are read with
// `find-generic-password -w`, which prints the secret on stdout.
type securityStore struct {
	bin     string
	service string
	env     []string
	timeout time.Duration
}

func newSecurityStore(bin, service string, timeout time.Duration, env []string) *securityStore {
	return &securityStore{bin: bin, service: service, env: env, timeout: timeout}
}

// Exit statuses of security(1): the low byte of the OSStatus.
const (
	secNotFound            = 44  // errSecItemNotFound (-25300)
	secInteractionDisabled = 36  // errSecInteractionNotAllowed (-25308)
	secAuthFailed          = 51  // errSecAuthFailed (-25293)
	secUserCanceled        = 128 // errSecUserCanceled (-128)
	secNoSuchKeychain      = 50  // errSecNoSuchKeychain (-25294)
	secNoDefaultKeychain   = 49  // errSecNoDefaultKeychain (-25307)
)

func (s *securityStore) run(op string, stdin []byte, args ...string) (result, error) {
	r, err := runCommand(command{path: s.bin, args: args, env: s.env, stdin: stdin}, s.timeout)
	if err != nil {
		return r, &Error{Backend: Keychain, Op: op, Err: fmt.Errorf("running security: %w: %w", err, vault.ErrUnavailable)}
	}
	if r.timedOut {
		return r, timeoutError(Keychain, op, s.timeout)
	}
	// In interactive mode security may exit 0 after a failed command: its
	// complaint on stderr is what counts.
	if r.exitCode != 0 || (len(stdin) > 0 && len(bytes.TrimSpace(r.stderr)) > 0) {
		return r, securityError(op, r)
	}
	return r, nil
}

func securityError(op string, r result) error {
	msg := lastLine(string(r.stderr))
	lower := strings.ToLower(msg)
	switch {
	case r.exitCode == secNotFound || strings.Contains(lower, "could not be found in the keychain"):
		return vault.ErrNotFound
	case r.exitCode == secInteractionDisabled || r.exitCode == secAuthFailed || r.exitCode == secUserCanceled ||
		containsAny(lower, "interaction is not allowed", "user canceled", "authorization/authentication failed", "locked"):
		return &Error{Backend: Keychain, Op: op, Err: fmt.Errorf("%s: %w", msg, vault.ErrLocked),
			Hint: "unlock your login keychain (run `security unlock-keychain` or open Keychain Access) and retry, or set " + EnvBackend + "=file where there is no desktop session"}
	case r.exitCode == secNoSuchKeychain || r.exitCode == secNoDefaultKeychain || containsAny(lower, "keychain could not be found"):
		return &Error{Backend: Keychain, Op: op, Err: fmt.Errorf("%s: %w", msg, vault.ErrUnavailable),
			Hint: "there is no default keychain in this session (e.g. over ssh); set " + EnvBackend + "=file"}
	}
	if msg == "" {
		msg = fmt.Sprintf("security exited with status %d", r.exitCode)
	}
	return &Error{Backend: Keychain, Op: op, Err: errors.New(msg)}
}

// Get implements vault.Store.
func (s *securityStore) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, vault.ErrEmptyKey
	}
	r, err := s.run("get", nil, "find-generic-password", "-s", s.service, "-a", encodeKey(key), "-w")
	if err != nil {
		return nil, err
	}
	text := strings.TrimRight(string(r.stdout), "\r\n")
	b64, ok := strings.CutPrefix(text, securityValuePrefix)
	v, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil {
		return nil, &Error{Backend: Keychain, Op: "get", Err: fmt.Errorf("item %s/%s was not written by assume: %w", s.service, encodeKey(key), vault.ErrCorrupt),
			Hint: "delete it in Keychain Access"}
	}
	return v, nil
}

// setCommand is the line fed to `security -i`. Every token is made of
// characters that need no quoting: the service is checked, the account is
// encoded and the value is base64.
func (s *securityStore) setCommand(key string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "add-generic-password -U -s %s -a %s -l %s -w %s", s.service, encodeKey(key), s.service, securityValuePrefix)
	b.Write(base64.StdEncoding.AppendEncode(nil, data))
	b.WriteByte('\n')
	return b.Bytes()
}

// Set implements vault.Store.
func (s *securityStore) Set(key string, data []byte) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	_, err := s.run("set", s.setCommand(key, data), "-i")
	return err
}

// Delete implements vault.Store.
func (s *securityStore) Delete(key string) error {
	if key == "" {
		return vault.ErrEmptyKey
	}
	_, err := s.run("delete", nil, "delete-generic-password", "-s", s.service, "-a", encodeKey(key))
	return err
}

// List implements vault.Store. It reads the attributes (never the secrets)
// of every item with `security dump-keychain` and keeps the generic
// passwords of our service.
func (s *securityStore) List(prefix string) ([]string, error) {
	r, err := s.run("list", nil, "dump-keychain")
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, acct := range parseDump(r.stdout, s.service) {
		if k, err := decodeKey(acct); err == nil && strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// parseDump returns the accounts of the generic-password items of service
// in the output of `security dump-keychain`, which lists each item as
//
//	keychain: "/Users/me/Library/Keychains/login.keychain-db"
//	class: "genp"
//	attributes:
//	    "acct"<blob>="creds_2f_prod"
//	    "svce"<blob>="assume"
//
// Attributes that are not printable are shown as hex (<blob>=0x...) and are
// skipped: ours always are.
func parseDump(out []byte, service string) []string {
	var (
		accts             []string
		class, svce, acct string
	)
	flush := func() {
		if class == "genp" && svce == service && acct != "" {
			accts = append(accts, acct)
		}
		class, svce, acct = "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "keychain: "):
			flush()
		case strings.HasPrefix(line, "class: "):
			class = unquote(strings.TrimPrefix(line, "class: "))
		case strings.HasPrefix(line, `"svce"<blob>=`):
			svce = unquote(strings.TrimPrefix(line, `"svce"<blob>=`))
		case strings.HasPrefix(line, `"acct"<blob>=`):
			acct = unquote(strings.TrimPrefix(line, `"acct"<blob>=`))
		}
	}
	flush()
	return accts
}

// unquote returns the text between a leading and a trailing double quote,
// or "" when s is not quoted like that.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return ""
}
