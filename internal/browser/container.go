package browser

import (
	"hash/fnv"
	"net/url"
	"slices"
	"strings"
)

// ColorKey is the profile key (in ~/.aws/config) choosing the colour of the
// profile's Firefox container.
const ColorKey = "color"

// ContainerScheme is the URL scheme of the Firefox add-on "Open external
// links in a container": opening
//
//	ext+container:name=<container>&url=<url>&color=<color>&icon=<icon>
//
// in Firefox opens url in the container of that name, creating it with
// that colour and icon when it does not exist yet.
const ContainerScheme = "ext+container"

// Colors are the container colours Firefox knows.
var Colors = []string{"blue", "turquoise", "green", "yellow", "orange", "red", "pink", "purple", "toolbar"}

// Icons are the container icons Firefox knows.
var Icons = []string{"fingerprint", "briefcase", "dollar", "cart", "circle", "gift", "vacation", "food", "fruit", "pet", "tree", "chill", "fence"}

// DefaultIcon is the container icon when none is chosen.
const DefaultIcon = "fingerprint"

// ParseColor checks a profile's color value (case-insensitively). The
// empty value is allowed and means "pick one from the profile name".
func ParseColor(c string) (string, error) {
	return parseName("container color", c, Colors)
}

// ParseIcon checks a container icon name (case-insensitively); empty is
// allowed and means DefaultIcon.
func ParseIcon(i string) (string, error) {
	return parseName("container icon", i, Icons)
}

func parseName(what, v string, valid []string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(v))
	if n == "" || slices.Contains(valid, n) {
		return n, nil
	}
	return "", &UnknownNameError{What: what, Name: v, Suggestion: closest(n, valid), Valid: valid}
}

// ProfileColor is the colour a profile's container gets when the profile
// sets none: stable for a name, and never "toolbar", which looks like no
// colour at all.
func ProfileColor(profile string) string {
	h := fnv.New32a()
	h.Write([]byte(profile))
	real := Colors[:len(Colors)-1]
	return real[h.Sum32()%uint32(len(real))]
}

// ContainerURL is the ext+container URL that opens target in the Firefox
// container named after profile. color and icon must be valid (ParseColor,
// ParseIcon); empty ones are filled in. Every value is percent-encoded
// (spaces as %20), so '&', '=' and '#' in a profile name or the target
// cannot break the parameters apart.
func ContainerURL(profile, target, color, icon string) string {
	if color == "" {
		color = ProfileColor(profile)
	}
	if icon == "" {
		icon = DefaultIcon
	}
	return ContainerScheme + ":name=" + componentEscape(profile) +
		"&url=" + componentEscape(target) +
		"&color=" + componentEscape(color) +
		"&icon=" + componentEscape(icon)
}

// componentEscape percent-encodes s for a query value, spaces as %20 (the
// add-on's decoder and URLSearchParams both accept it; '+' would only be
// a space to the latter).
func componentEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// ParseContainerURL splits an ext+container URL into its parameters; it
// is the inverse of ContainerURL, for tests and --debug tools.
func ParseContainerURL(s string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(s, ContainerScheme+":")
	if !ok {
		return nil, false
	}
	q, err := url.ParseQuery(rest)
	if err != nil {
		return nil, false
	}
	out := map[string]string{}
	for k, v := range q {
		if len(v) != 1 {
			return nil, false
		}
		out[k] = v[0]
	}
	return out, true
}

// redactURL shortens a URL for debug output to scheme, host and path: the
// query and fragment of a sign-in URL carry a token.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.Scheme == "" {
		return "<url>"
	}
	out := u.Scheme + "://" + u.Host + u.EscapedPath()
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		out += "?…"
	}
	return out
}
