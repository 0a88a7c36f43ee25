package sso

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/assume-cli/assume/internal/chain"
)

// DefaultScopes are the registration scopes of an sso-session that configures
// none; they make IAM Identity Center issue refresh tokens.
var DefaultScopes = []string{"sso:account:access"}

// Session identifies one IAM Identity Center login: an [sso-session NAME]
// section, or the start URL of a legacy profile (one that sets sso_start_url
// and sso_region itself).
type Session struct {
	// Name is the sso-session name; "" for a legacy profile.
	Name string
	// Profile is the legacy profile the session was read from; it only
	// shapes hints ("assume sso login --profile P").
	Profile string
	// StartURL is the AWS access portal URL, exactly as configured.
	StartURL string
	// Region is the sso_region of the Identity Center instance.
	Region string
	// Scopes are the configured sso_registration_scopes; empty means
	// DefaultScopes for an sso-session and none for a legacy profile.
	Scopes []string
}

// Legacy reports whether the session is a legacy profile's start URL.
func (s Session) Legacy() bool { return s.Name == "" }

// CacheKey is the string whose SHA-1 names the token file: the session name,
// or the start URL of a legacy profile.
func (s Session) CacheKey() string {
	if s.Legacy() {
		return s.StartURL
	}
	return s.Name
}

// TokenFileName is the token cache file's name: lowercase hex SHA-1 of
// CacheKey, plus ".json".
func (s Session) TokenFileName() string { return sha1Hex(s.CacheKey()) + ".json" }

// RegistrationScopes are the scopes a client registration asks for.
func (s Session) RegistrationScopes() []string {
	switch {
	case s.Legacy():
		return nil
	case len(s.Scopes) > 0:
		return s.Scopes
	}
	return DefaultScopes
}

// String names the session for messages: `sso-session "NAME"`, or the start
// URL of a legacy profile.
func (s Session) String() string {
	if s.Legacy() {
		return s.StartURL
	}
	return fmt.Sprintf("sso-session %q", s.Name)
}

// loginCommand is the command that logs this session in.
func (s Session) loginCommand() string {
	switch {
	case !s.Legacy():
		return "assume sso login --sso-session " + s.Name
	case s.Profile != "":
		return "assume sso login --profile " + s.Profile
	}
	return "assume sso login"
}

// SessionFromStep returns the session of an SSO step of a plan (chain.KindSSO).
func SessionFromStep(st chain.Step) Session {
	s := Session{StartURL: st.SSOStartURL.Text, Region: st.SSORegion.Text}
	if st.SSOSession.Set {
		s.Name = st.SSOSession.Text
		s.Scopes = ParseScopes(st.SSORegistrationScopes.Text)
	} else {
		s.Profile = st.Profile
	}
	return s
}

// LookupSession reads the [sso-session NAME] section of the config file.
func LookupSession(src chain.Source, name string) (Session, error) {
	sec, found, err := src.SSOSession(name)
	if err != nil {
		return Session{}, fmt.Errorf("reading sso-session %q: %w", name, err)
	}
	if !found {
		return Session{}, &ConfigError{Session: name, Problem: "not found in the config file"}
	}
	url, region := sec.Get("sso_start_url"), sec.Get("sso_region")
	where := sec.Header.Where()
	switch {
	case !url.Set || url.Text == "":
		return Session{}, &ConfigError{Session: name, Where: where, Problem: "has no sso_start_url"}
	case !region.Set || region.Text == "":
		return Session{}, &ConfigError{Session: name, Where: where, Problem: "has no sso_region"}
	}
	return Session{
		Name:     name,
		StartURL: url.Text,
		Region:   region.Text,
		Scopes:   ParseScopes(sec.Get("sso_registration_scopes").Text),
	}, nil
}

// ParseScopes splits an sso_registration_scopes value as the AWS CLI does:
// comma-separated, blanks trimmed, empty entries dropped.
func ParseScopes(raw string) []string {
	var scopes []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

// regionRE accepts region names such as us-east-1, us-gov-west-1,
// cn-north-1 or eu-central-2.
var regionRE = regexp.MustCompile(`^[a-z]{2,}(-[a-z0-9]+)*-[0-9]{1,3}$`)

// Validate checks the start URL and region before any network call.
func (s Session) Validate() error {
	if err := checkStartURL(s.StartURL); err != nil {
		return &StartURLError{Session: s, Problem: err.Error()}
	}
	if !regionRE.MatchString(s.Region) {
		return &RegionError{Session: s, Problem: "is not a region name such as us-east-1"}
	}
	return nil
}

func checkStartURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("is empty")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return fmt.Errorf("is not a URL such as https://d-1234567890.awsapps.com/start")
	}
	return nil
}
