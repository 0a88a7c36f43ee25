package awsconfig

// What a backup holds: UpdateFile keeps the previous file as path+".bak" so
// that a bad edit can be undone, but an edit that removed or replaced a
// secret (assume creds import, rotate, --export over an older session…)
// must not leave that secret behind in the backup. The backup is therefore
// the previous file with every secret value the edit removed or replaced
// redacted: the line stays (key, spacing, inline comment), its value becomes
// RedactedValue. Secret values the new file still holds are kept (they are
// in the file anyway), and so is everything that is not a secret, access key
// IDs included: an access key ID identifies a key (AWS prints it in
// CloudTrail, assume in its messages) and cannot sign anything, and keeping
// it tells the reader of the backup which key was there.

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/assume-cli/assume/internal/atomicfile"
	"strings"
)

// RedactedValue replaces a secret in a backup.
const RedactedValue = "REDACTED-by-assume"

// IsSecretKey reports whether the values of key are secrets: the secret
// access key, the session token (and its old name aws_security_token), and
// any key whose name says it holds a secret, a password, a passphrase or a
// token (web_identity_token_file, a path, does not).
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	switch k {
	case "aws_secret_access_key", "aws_session_token", "aws_security_token":
		return true
	}
	return strings.Contains(k, "secret") || strings.Contains(k, "password") ||
		strings.Contains(k, "passphrase") || strings.HasSuffix(k, "_token")
}

// secretValues is the set of secret values a file holds.
func secretValues(data []byte) map[string]bool {
	d, _ := Parse(data)
	kept := map[string]bool{}
	for _, s := range d.sections {
		for _, sp := range s.spans() {
			if IsSecretKey(sp.key) {
				kept[s.value(sp)] = true
			}
		}
	}
	return kept
}

// leftover visits, last first within each section, the secret properties
// of d whose value is not in kept (and not already redacted or empty).
func leftover(d *Document, kept map[string]bool, visit func(s *Section, sp span)) {
	for _, s := range d.sections {
		sps := s.spans()
		for i := len(sps) - 1; i >= 0; i-- {
			sp := sps[i]
			if !IsSecretKey(sp.key) {
				continue
			}
			if v := s.value(sp); v != "" && v != RedactedValue && !kept[v] {
				visit(s, sp)
			}
		}
	}
}

// Backup returns what the backup of an edit from old to updated holds: old
// with every secret value that updated no longer holds replaced by
// RedactedValue. Everything else is old byte for byte.
func Backup(old, updated []byte) []byte {
	d, _ := Parse(old)
	n := 0
	leftover(d, secretValues(updated), func(s *Section, sp span) {
		first := s.body[sp.start]
		text, ok := keepLayout(first.text, RedactedValue)
		if !ok {
			text = []byte(sp.key + " = " + RedactedValue)
		}
		line := rawLine{text: text, eol: s.body[sp.end].eol}
		s.body = splice(s.body, sp.start, sp.end+1, []rawLine{line})
		n++
	})
	if n == 0 {
		return old
	}
	return d.Bytes()
}

// LeftoverSecrets returns the 1-based lines of a backup that hold a secret
// value the live file no longer holds: plaintext an edit removed, as
// backups written before assume redacted them keep it.
func LeftoverSecrets(backup, live []byte) []int {
	d, _ := Parse(backup)
	var lines []int
	leftover(d, secretValues(live), func(s *Section, sp span) {
		lines = append(lines, s.Line()+1+sp.start)
	})
	slices.Sort(lines)
	return lines
}

// CleanBackup redacts, under the file's lock, the secrets in path+".bak"
// that path no longer holds (see Backup), and returns how many lines it
// redacted. A missing backup is nothing to clean.
func CleanBackup(path string) (int, error) {
	bak := path + ".bak"
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return 0, fmt.Errorf("cleaning %s: locking: %w", bak, err)
	}
	defer unlock()
	old, _, err := atomicfile.Read(bak, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cleaning %s: %w", bak, err)
	}
	live, _, err := atomicfile.Read(path, MaxFileSize)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("cleaning %s: %w", bak, err)
	}
	n := len(LeftoverSecrets(old, live))
	if n == 0 {
		return 0, nil
	}
	if err := atomicfile.Write(bak, Backup(old, live), atomicfile.Options{Perm: 0o600}); err != nil {
		return 0, fmt.Errorf("cleaning %s: %w", bak, err)
	}
	return n, nil
}
