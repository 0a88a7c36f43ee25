package populate

// Profile names.
//
//   - A name is Prefix + Template with its placeholders filled in:
//     {{account_name}}, {{account_id}}, {{role_name}}, {{session}}.
//   - Each value is sanitised on its own (Sanitize): ASCII letters, digits and
//     _ . + @ are kept, case included; every other run of characters (spaces,
//     "/", ":", "=", ",", non-ASCII letters, "-" itself) becomes one "-", and
//     "-" is trimmed from both ends. An account name that sanitises to nothing
//     is replaced by the account id.
//   - The literal text of the template and the prefix may use the same
//     characters plus "-" and "/"; anything else is refused up front.
//   - "default" is never generated, nor a name a profile outside the block
//     has (other blocks included).
//   - A pair keeps the name it had in the block last time when that name is
//     still one of its candidates (below) and is free.
//   - Otherwise, pairs in order of account id then role name take the first
//     free candidate: NAME only for the first pair that wants it, then
//     NAME-ACCOUNTID, NAME-ACCOUNTID-2, NAME-ACCOUNTID-3 …

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultTemplate is the profile name template used when none is given.
const DefaultTemplate = "{{account_name}}/{{role_name}}"

// placeholders are the names a template may use.
var placeholders = map[string]bool{"account_name": true, "account_id": true, "role_name": true, "session": true}

// nameTemplate is a parsed template: literal text and placeholders in turn.
type nameTemplate struct {
	parts []tmplPart
}

type tmplPart struct {
	text string // literal text, or the placeholder name
	ph   bool
}

// nameVars are the values of the placeholders for one pair.
type nameVars struct {
	AccountName, AccountID, RoleName, Session string
}

// parseTemplate parses a template like "{{account_name}}/{{role_name}}".
func parseTemplate(s string) (*nameTemplate, error) {
	t := &nameTemplate{}
	rest := s
	n := 0
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			i = len(rest)
		}
		if lit := rest[:i]; lit != "" {
			if err := checkLiteral(lit); err != nil {
				return nil, fmt.Errorf("invalid name template %q: %w", s, err)
			}
			t.parts = append(t.parts, tmplPart{text: lit})
		}
		rest = rest[i:]
		if rest == "" {
			break
		}
		j := strings.Index(rest, "}}")
		if j < 0 {
			return nil, fmt.Errorf("invalid name template %q: \"{{\" without \"}}\"", s)
		}
		name := strings.TrimSpace(rest[2:j])
		if !placeholders[name] {
			return nil, fmt.Errorf("invalid name template %q: unknown placeholder {{%s}} (use account_name, account_id, role_name, session)", s, name)
		}
		t.parts = append(t.parts, tmplPart{text: name, ph: true})
		n++
		rest = rest[j+2:]
	}
	if n == 0 {
		return nil, fmt.Errorf("invalid name template %q: it has no placeholder", s)
	}
	return t, nil
}

// checkLiteral accepts the characters a template's or prefix's literal text
// may hold.
func checkLiteral(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !nameChar(c) && c != '-' && c != '/' {
			return fmt.Errorf("character %q is not allowed in profile names (use letters, digits and _.+@-/)", rune(c))
		}
	}
	return nil
}

// nameChar reports whether a sanitised value keeps c.
func nameChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '+' || c == '@'
}

// Sanitize turns a value (an account or role name) into text that can be
// part of a profile name: letters, digits and _.+@ are kept as they are
// (case included), every other run of characters becomes a single "-", and
// "-" is trimmed from both ends. The result may be empty.
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if nameChar(c) {
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteByte(c)
			continue
		}
		sep = true // a byte of a multi-byte rune counts too: one "-" for the run
	}
	return b.String()
}

// render fills in the template.
func (t *nameTemplate) render(v nameVars) string {
	var b strings.Builder
	for _, p := range t.parts {
		if !p.ph {
			b.WriteString(p.text)
			continue
		}
		switch p.text {
		case "account_name":
			s := Sanitize(v.AccountName)
			if s == "" {
				s = Sanitize(v.AccountID)
			}
			b.WriteString(s)
		case "account_id":
			b.WriteString(Sanitize(v.AccountID))
		case "role_name":
			b.WriteString(Sanitize(v.RoleName))
		case "session":
			b.WriteString(Sanitize(v.Session))
		}
	}
	return b.String()
}

// pairKey identifies an account/role pair.
type pairKey struct{ AccountID, Role string }

// wantedName is one pair and the name its template gives.
type wantedName struct {
	key  pairKey
	base string
}

// isCandidate reports whether name is one of the names the pair may get:
// base, base-ID, base-ID-N with N ≥ 2.
func isCandidate(name, base, accountID string) bool {
	if name == base {
		return true
	}
	suffixed := base + "-" + accountID
	if name == suffixed {
		return true
	}
	rest, ok := strings.CutPrefix(name, suffixed+"-")
	if !ok || rest == "" || rest[0] == '0' {
		return false
	}
	n, err := strconv.Atoi(rest)
	return err == nil && n >= 2
}

// assignNames gives each pair (sorted by account id, then role) a name that
// taken does not hold and no other pair gets. prev holds the names each pair
// had in the block before, in block order.
func assignNames(pairs []wantedName, taken map[string]string, prev map[pairKey][]string) []string {
	names := make([]string, len(pairs))
	used := map[string]bool{}
	free := func(n string) bool { _, t := taken[n]; return !t && !used[n] }
	take := func(i int, n string) { names[i] = n; used[n] = true }

	// 1. Last run's name, while it is still a candidate and free.
	for i, p := range pairs {
		for _, old := range prev[p.key] {
			if isCandidate(old, p.base, p.key.AccountID) && free(old) {
				take(i, old)
				break
			}
		}
	}
	// 2. The plain name, for the first pair that wants it.
	for i, p := range pairs {
		if names[i] == "" && free(p.base) {
			take(i, p.base)
		}
	}
	// 3. Suffixes.
	for i, p := range pairs {
		if names[i] != "" {
			continue
		}
		n := p.base + "-" + p.key.AccountID
		for k := 2; !free(n); k++ {
			n = p.base + "-" + p.key.AccountID + "-" + strconv.Itoa(k)
		}
		take(i, n)
	}
	return names
}
