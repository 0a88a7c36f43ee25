package chain

import (
	"fmt"
	"strings"

	"github.com/assume-cli/assume/internal/awsconfig"
)

// NotFoundError is returned when the selected profile does not exist.
type NotFoundError struct {
	Name        string
	Suggestions []string // up to 3 existing profiles with the closest names, closest first
}

// Error says which profile is missing; Hint has the suggestions.
func (e *NotFoundError) Error() string { return fmt.Sprintf("profile %q not found", e.Name) }

// Hint suggests the closest names ("did you mean "prod-admin"?"), or returns
// "" when there are none. The CLI prints it on its own hint line.
func (e *NotFoundError) Hint() string {
	switch len(e.Suggestions) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("did you mean %q?", e.Suggestions[0])
	}
	q := make([]string, len(e.Suggestions))
	for i, s := range e.Suggestions {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "did you mean one of " + strings.Join(q, ", ") + "?"
}

// MissingProfileError is returned when a source_profile names a profile that
// does not exist.
type MissingProfileError struct {
	Name           string          // the missing profile
	ReferencedFrom string          // the profile whose source_profile names it
	Value          awsconfig.Value // that source_profile value
}

// Error names the missing profile and where it is referenced.
func (e *MissingProfileError) Error() string {
	return prefix(e.Value) + fmt.Sprintf("source profile %q (referenced from profile %q) not found", e.Name, e.ReferencedFrom)
}

// LoopError is returned when source_profile references form a cycle.
type LoopError struct {
	Path []string // the profiles in the order visited, ending with the one seen twice
}

// Error renders the loop as "a -> b -> a".
func (e *LoopError) Error() string {
	return "source_profile references form a loop: " + strings.Join(e.Path, " -> ")
}

// PartialKeysError is returned when a profile whose static keys would be
// used has one of aws_access_key_id and aws_secret_access_key but not the
// other.
type PartialKeysError struct {
	Profile string
	Missing string          // the key that is absent
	Present string          // a key that is set
	Value   awsconfig.Value // where Present is set; its Text is never shown
}

// Error says which key is missing and where the other one is set.
func (e *PartialKeysError) Error() string {
	return prefix(e.Value) + fmt.Sprintf("profile %q has %s but no %s", e.Profile, e.Present, e.Missing)
}

// ConfigError is a profile setting that cannot work: an invalid value, a
// missing companion key, or keys that contradict each other. Msg is
// self-contained and names the key; it never holds a secret.
type ConfigError struct {
	Profile string
	Key     string          // the offending key; "" when the profile as a whole is at fault
	Value   awsconfig.Value // the offending value (unset when the key is missing)
	Section awsconfig.Value // the profile's header, located when Value is not
	Msg     string
}

// Error renders "file:line: profile \"NAME\": MSG".
func (e *ConfigError) Error() string {
	at := e.Value
	if !at.Set || at.File == "" {
		at = e.Section
	}
	return prefix(at) + fmt.Sprintf("profile %q: %s", e.Profile, e.Msg)
}

// prefix renders "file:line: " for a located value, else "".
func prefix(v awsconfig.Value) string {
	if w := v.Where(); w != "" {
		return w + ": "
	}
	return ""
}
