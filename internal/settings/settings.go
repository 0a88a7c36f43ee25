package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/atomicfile"
	"github.com/assume-cli/assume/internal/awsconfig"
)

// Path returns the settings file: $XDG_CONFIG_HOME/assume/settings when
// XDG_CONFIG_HOME is an absolute path, else ~/.config/assume/settings (on
// every system, like the credential cache's key). getenv is os.Getenv when
// nil.
func Path(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "assume", "settings"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil || h == "" {
			return "", errors.New("cannot find the settings file: set HOME or XDG_CONFIG_HOME")
		}
		home = h
	}
	return filepath.Join(home, ".config", "assume", "settings"), nil
}

// MaxFileSize is the largest settings file Load reads (1 MiB); a larger
// one, or one that is not a regular file, is reported and ignored.
const MaxFileSize = atomicfile.MaxSmallSize

// Problem is a line of the settings file (or an environment variable) that
// Load skipped.
type Problem struct {
	File string // "" for an environment variable
	Line int    // 1-based; 0 for an environment variable
	Msg  string
}

// String renders "file:line: msg", or msg alone.
func (p Problem) String() string {
	if p.File == "" {
		return p.Msg
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ": " + p.Msg
}

// Settings are the effective settings: environment, then file, then
// defaults. The zero value is not usable; use Load or Parse.
type Settings struct {
	path     string
	vals     [numKeys]slot
	problems []Problem
}

// slot is one setting's effective value and where it came from.
type slot struct {
	value string
	line  int    // > 0: the file's line
	env   string // != "": the environment variable
}

// Load reads the settings file (a missing one is fine: the defaults apply)
// and the environment read through getenv (os.Getenv when nil). It always
// returns usable Settings; the error says that the file exists but could
// not be read, or that it cannot be located, and callers may print it as a
// warning and go on. Lines it skipped are in Problems.
func Load(getenv func(string) string) (*Settings, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	path, err := Path(getenv)
	if err != nil {
		return Parse("", nil, getenv), err
	}
	data, _, err := atomicfile.Read(path, MaxFileSize)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Parse(path, nil, getenv), fmt.Errorf("reading the settings: %w", err)
	}
	return Parse(path, data, getenv), nil
}

// Parse builds the settings from the content of the file at path and the
// environment read through getenv (nil: none). It never fails: lines it
// cannot use are in Problems.
func Parse(path string, data []byte, getenv func(string) string) *Settings {
	s := &Settings{path: path}
	for i := range specs {
		s.vals[i] = slot{value: specs[i].Default}
	}
	if len(data) > 0 {
		s.parse(data)
	}
	if getenv != nil {
		s.applyEnv(getenv)
	}
	return s
}

func (s *Settings) parse(data []byte) {
	problem := func(line int, msg string) {
		s.problems = append(s.problems, Problem{File: s.path, Line: line, Msg: msg})
	}
	scan(data, func(key, value string, line int) {
		i := index(key)
		if i < 0 {
			_, err := Lookup(key)
			problem(line, err.Error()+" (ignored)")
			return
		}
		v, err := specs[i].Check(value)
		if err != nil {
			problem(line, err.Error()+" (ignored)")
			return
		}
		s.vals[i] = slot{value: v, line: line}
	}, problem)
}

// applyEnv lets the environment override the file. ASSUME_BROWSER takes any
// command (the browser package reads it as a template, with the URL
// appended when it has no {url}). NO_COLOR, when set, wins over everything.
func (s *Settings) applyEnv(getenv func(string) string) {
	for i := range specs {
		sp := &specs[i]
		if sp.Env == "" {
			continue
		}
		raw := getenv(sp.Env)
		if raw == "" {
			continue
		}
		v, err := sp.Check(raw)
		if err != nil && sp.Type == TypeBrowser {
			v, err = strings.Trim(raw, " \t"), nil
		}
		if err != nil {
			s.problems = append(s.problems, Problem{Msg: "ignoring " + sp.Env + ": " + err.Error()})
			continue
		}
		s.vals[i] = slot{value: v, env: sp.Env}
	}
	if getenv("NO_COLOR") != "" {
		s.vals[iColor] = slot{value: "never", env: "NO_COLOR"}
	}
}

// File returns the path of the settings file ("" when it cannot be
// located).
func (s *Settings) File() string { return s.path }

// Problems returns what Load skipped, in file order, then the environment's.
// Print them once, as warnings.
func (s *Settings) Problems() []Problem { return s.problems }

// source says where setting i came from: "default", "FILE:LINE" or
// "env NAME".
func (s *Settings) source(i int) string {
	switch v := s.vals[i]; {
	case v.env != "":
		return "env " + v.env
	case v.line > 0:
		return s.path + ":" + strconv.Itoa(v.line)
	}
	return "default"
}

// Get returns the effective value of key and where it came from: "default",
// "FILE:LINE" or "env NAME". An unknown key gives an *UnknownKeyError.
func (s *Settings) Get(key string) (value, source string, err error) {
	sp, err := Lookup(key)
	if err != nil {
		return "", "", err
	}
	i := index(sp.Key)
	return s.vals[i].value, s.source(i), nil
}

// Entry is one setting as `assume settings ls` shows it.
type Entry struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Source  string `json:"source"` // "default", "FILE:LINE" or "env NAME"
	Default string `json:"default"`
}

// List returns every setting with its effective value and source, in
// registry order.
func (s *Settings) List() []Entry {
	out := make([]Entry, numKeys)
	for i := range specs {
		out[i] = Entry{Key: specs[i].Key, Value: s.vals[i].value, Source: s.source(i), Default: specs[i].Default}
	}
	return out
}

// Browser is the browser to open: auto, default (the system's launcher),
// none (print URLs only), a browser name (chrome, chromium, brave, edge,
// vivaldi, firefox, firefox-plain) or a command template. From the
// environment (ASSUME_BROWSER) it may be any command, with or without {url}.
func (s *Settings) Browser() string { return s.vals[iBrowser].value }

// BrowserPath is the browser's executable when set ("" means: search for
// it).
func (s *Settings) BrowserPath() string { return s.vals[iBrowserPath].value }

// Keychain is the secret store: auto, keychain, wincred, secret-service,
// pass or file.
func (s *Settings) Keychain() string { return s.vals[iKeychain].value }

// Cache is where cached role and MFA sessions go: file or keychain.
func (s *Settings) Cache() string { return s.vals[iCache].value }

// SSOCache is where SSO tokens go: file (~/.aws/sso/cache) or keychain.
func (s *Settings) SSOCache() string { return s.vals[iSSOCache].value }

// CacheMargin is how long before expiry a cached session stops being used.
func (s *Settings) CacheMargin() time.Duration { return s.duration(iCacheMargin) }

// DefaultRegion is the region used when neither the profile nor the
// environment names one.
func (s *Settings) DefaultRegion() string { return s.vals[iDefaultRegion].value }

// PickerOrder is the profile picker's order: frecent or alpha.
func (s *Settings) PickerOrder() string { return s.vals[iPickerOrder].value }

// AutoRefresh reports whether the shell's credentials are renewed before
// they expire.
func (s *Settings) AutoRefresh() bool { return s.vals[iAutoRefresh].value == "true" }

// Color is auto, always or never (never whenever NO_COLOR is set).
func (s *Settings) Color() string { return s.vals[iColor].value }

// ConsoleDuration is the console sign-in's length; 0 means AWS's default.
func (s *Settings) ConsoleDuration() time.Duration { return s.duration(iConsoleDuration) }

// MFAPrompt is how MFA codes are asked for, when the file or
// ASSUME_MFA_PROMPT sets it; "" otherwise (a profile's mfa_prompt, else
// the terminal, apply).
func (s *Settings) MFAPrompt() string {
	if v := s.vals[iMFAPrompt]; v.line > 0 || v.env != "" {
		return v.value
	}
	return ""
}

func (s *Settings) duration(i int) time.Duration {
	d, _ := parseDuration(s.vals[i].value)
	return d
}

// Set validates value for key and writes it to the settings file at path
// (creating the file and its folder when needed), changing only that key's
// line. Errors: *UnknownKeyError, *InvalidValueError, an error wrapping
// *awsconfig.SyntaxError when the file is malformed (fix it first), or an
// I/O error.
func Set(path, key, value string) error {
	sp, err := Lookup(key)
	if err != nil {
		return err
	}
	v, err := checkStorable(sp, value)
	if err != nil {
		return err
	}
	return awsconfig.UpdateFile(path, 0o600, func(d *awsconfig.Document) error {
		return d.Set(Section, sp.Key, v)
	})
}

// checkStorable is Check, and then makes sure the settings file can hold
// the value unchanged: written as Set writes it, Load must read it back
// (a value starting with '#' or ';', say, would read as a comment).
func checkStorable(sp Spec, value string) (string, error) {
	v, err := sp.Check(value)
	if err != nil {
		return "", err
	}
	doc, _ := awsconfig.Parse(nil)
	if err := doc.Set(Section, sp.Key, v); err == nil {
		if got := Parse("", doc.Bytes(), nil).vals[index(sp.Key)]; got.line > 0 && got.value == v {
			return v, nil
		}
	}
	return "", &InvalidValueError{Key: sp.Key, Value: value, Reason: "the settings file cannot hold it unchanged (a value cannot start with '#' or ';', nor hold them after a space)"}
}

// Unset removes key from the settings file at path, so that its default
// applies, and reports whether it was there. A key unknown to this version
// of assume may be removed when the file has it.
func Unset(path, key string) (removed bool, err error) {
	k := lowerASCII(key)
	_, lerr := Lookup(k)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, lerr
	}
	err = awsconfig.UpdateFile(path, 0o600, func(d *awsconfig.Document) error {
		if n := d.Delete(Section, k); n > 0 {
			removed = true
			return nil
		}
		return lerr
	})
	if err != nil {
		return false, err
	}
	return removed, nil
}
