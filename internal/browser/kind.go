package browser

import (
	"fmt"
	"strings"

	"github.com/assume-cli/assume/internal/suggest"
)

// Kind names a way of opening URLs: a browser we know how to isolate, the
// system launcher, a command template or nothing at all.
type Kind string

// The kinds, in the order Kinds lists them.
const (
	// KindAuto picks the system default browser when it is one we can
	// isolate, else the first installed one in discovery order, else the
	// system launcher.
	KindAuto Kind = "auto"
	// KindDefault is the system launcher (xdg-open, open, rundll32): the
	// user's default browser, without isolation.
	KindDefault Kind = "default"
	// KindChrome is Google Chrome.
	KindChrome Kind = "chrome"
	// KindChromium is Chromium.
	KindChromium Kind = "chromium"
	// KindBrave is Brave.
	KindBrave Kind = "brave"
	// KindEdge is Microsoft Edge.
	KindEdge Kind = "edge"
	// KindVivaldi is Vivaldi.
	KindVivaldi Kind = "vivaldi"
	// KindFirefox is Firefox with one container per AWS profile.
	KindFirefox Kind = "firefox"
	// KindFirefoxPlain is Firefox with plain tabs (no containers).
	KindFirefoxPlain Kind = "firefox-plain"
	// KindCustom is a command template with {url} and {profile}.
	KindCustom Kind = "custom"
	// KindNone opens nothing: callers print the URL.
	KindNone Kind = "none"
)

var allKinds = []Kind{
	KindAuto, KindDefault,
	KindChrome, KindChromium, KindBrave, KindEdge, KindVivaldi,
	KindFirefox, KindFirefoxPlain,
	KindCustom, KindNone,
}

// kindAliases are other names users type for a kind: executable and
// package names (a slice: a map literal is built at every start).
var kindAliases = []struct {
	name string
	kind Kind
}{
	{"google-chrome", KindChrome},
	{"google-chrome-stable", KindChrome},
	{"chromium-browser", KindChromium},
	{"brave-browser", KindBrave},
	{"msedge", KindEdge},
	{"microsoft-edge", KindEdge},
	{"firefox-no-container", KindFirefoxPlain},
	{"print", KindNone},
	{"system", KindDefault},
}

// Kinds returns the kind names, for help text and completion.
func Kinds() []string {
	out := make([]string, len(allKinds))
	for i, k := range allKinds {
		out[i] = string(k)
	}
	return out
}

// Chromium reports whether k is a Chromium-family browser (isolated by
// one user data directory per AWS profile).
func (k Kind) Chromium() bool {
	switch k {
	case KindChrome, KindChromium, KindBrave, KindEdge, KindVivaldi:
		return true
	}
	return false
}

// Firefox reports whether k is Firefox, with or without containers.
func (k Kind) Firefox() bool { return k == KindFirefox || k == KindFirefoxPlain }

// ParseKind reads a kind name, case-insensitively, accepting a few aliases
// (google-chrome, msedge, ...). The empty string is KindAuto. An unknown
// name is an *UnknownNameError suggesting the closest kind.
func ParseKind(s string) (Kind, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	if n == "" {
		return KindAuto, nil
	}
	for _, k := range allKinds {
		if n == string(k) {
			return k, nil
		}
	}
	for _, a := range kindAliases {
		if a.name == n {
			return a.kind, nil
		}
	}
	return "", &UnknownNameError{What: "browser", Name: s, Suggestion: closest(n, Kinds()), Valid: Kinds()}
}

// UnknownNameError reports a browser kind, container colour or icon we do
// not know; Suggestion is the closest valid name, if any is close.
type UnknownNameError struct {
	What       string // "browser", "container color", "container icon"
	Name       string
	Suggestion string
	Valid      []string
}

func (e *UnknownNameError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.What, e.Name)
	if e.Suggestion != "" {
		return msg + fmt.Sprintf("; did you mean %q?", e.Suggestion)
	}
	return msg + " (valid: " + strings.Join(e.Valid, ", ") + ")"
}

// closest returns the candidate nearest to s by edit distance (a swap of
// adjacent letters is one edit), or "" when none is near enough to be a
// plausible typo. A candidate that s is a prefix of also counts ("chro"
// suggests "chrome").
func closest(s string, candidates []string) string {
	s = strings.ToLower(s)
	if s == "" {
		return ""
	}
	best, ok := suggest.Closest(s, candidates, suggest.Options{Swaps: true, Prefix: 3})
	// Allow about one typo per three letters, at least one, at most three.
	if !ok || best.Distance > min(max(len(best.Name)/3, 1), 3) {
		return ""
	}
	return best.Name
}
