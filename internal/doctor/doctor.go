package doctor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/shell"
	"github.com/assume-cli/assume/internal/vault"
)

// Clock-skew thresholds: SigV4 requests signed more than 5 minutes off are
// rejected (SignatureDoesNotMatch / RequestExpired), so beyond that nothing
// works; beyond a minute it is worth fixing before it grows.
const (
	SkewError   = 5 * time.Minute
	SkewWarning = time.Minute
)

// DefaultExpiringWithin is the window Input.ExpiringWithin defaults to.
const DefaultExpiringWithin = 15 * time.Minute

// ShellCheck reports whether the assume shell function is loaded in the
// shell that runs doctor; detail says what was looked at (may be "").
type ShellCheck func() (installed bool, detail string)

// Session is one cached session (SSO token or role credentials) as doctor
// sees it: no secret, just what and until when.
type Session struct {
	Profile string    // the profile (or sso-session) it belongs to
	Kind    string    // what it is, for the message: "sso token", "role credentials"
	Expires time.Time // zero: does not expire; not reported
}

// Input is everything doctor looks at. The files come as bytes; what needs
// the network, the keychain or the cache comes as a func or value the
// caller wires, and a nil func means "not checked".
type Input struct {
	// ConfigPath and CredentialsPath label the findings in those files;
	// pass them as the user should read them (e.g. "~/.aws/config").
	// Empty labels become "config" and "credentials".
	ConfigPath, CredentialsPath string
	ConfigData, CredentialsData []byte
	// ConfigErr and CredentialsErr are errors met reading the files (a
	// missing file is no error: pass nil data). They are reported as
	// "unreadable" and the file is treated as empty.
	ConfigErr, CredentialsErr error

	// ConfigBackupData and CredentialsBackupData are the files' backups
	// (path+".bak"; nil: none). Findings in them are labelled with the
	// file's label plus ".bak".
	ConfigBackupData, CredentialsBackupData []byte

	Getenv func(string) string // nil: an empty environment
	Now    time.Time           // zero: time.Now()

	Shell     ShellCheck                                   // nil: not checked
	Keychain  func() error                                 // nil: not checked; else tries the vault backend
	ClockSkew func(context.Context) (time.Duration, error) // local clock minus AWS's; nil: not checked

	Sessions       []Session
	ExpiringWithin time.Duration // 0: DefaultExpiringWithin
}

// Run runs every check and returns the findings sorted by file and line;
// findings without a file (machine-wide checks) come last. It never fails:
// anything doctor cannot check becomes a finding too.
func Run(ctx context.Context, in Input) []Finding {
	if in.Getenv == nil {
		in.Getenv = func(string) string { return "" }
	}
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if in.ConfigPath == "" {
		in.ConfigPath = "config"
	}
	if in.CredentialsPath == "" {
		in.CredentialsPath = "credentials"
	}
	if in.ExpiringWithin <= 0 {
		in.ExpiringWithin = DefaultExpiringWithin
	}
	var out []Finding
	out = append(out, checkFiles(in)...)
	out = append(out, checkBackups(in)...)
	out = append(out, checkShell(in)...)
	out = append(out, checkKeychain(in)...)
	out = append(out, checkClock(ctx, in)...)
	out = append(out, checkSessions(in)...)
	sortFindings(out)
	return out
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File == "" || b.File == "" {
			return a.File != "" && b.File == "" // machine-wide findings last, in the order they were made
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Code < b.Code
	})
}

// checkFiles runs the syntax, line and profile checks on the two files.
func checkFiles(in Input) []Finding {
	var out []Finding
	cfgData, credData := in.ConfigData, in.CredentialsData
	for _, r := range []struct {
		path string
		err  error
		data *[]byte
	}{{in.ConfigPath, in.ConfigErr, &cfgData}, {in.CredentialsPath, in.CredentialsErr, &credData}} {
		if r.err != nil {
			out = append(out, Finding{Code: "unreadable", Severity: Error, File: r.path,
				Message: "cannot read the file: " + r.err.Error(),
				Hint:    "check the file's permissions; the AWS CLI and the SDKs cannot read it either"})
			*r.data = nil
		}
	}
	syntaxOK := true
	for _, r := range []struct {
		kind awsconfig.FileKind
		path string
		data []byte
	}{{awsconfig.ConfigFile, in.ConfigPath, cfgData}, {awsconfig.CredentialsFile, in.CredentialsPath, credData}} {
		if _, err := awsconfig.Parse(r.data); err != nil {
			syntaxOK = false
			out = append(out, syntaxFinding(r.path, r.data, err))
		}
		out = append(out, checkLines(scan(r.kind, r.path, r.data))...)
	}
	if !syntaxOK {
		return out
	}
	set, err := awsconfig.NewFiles(in.ConfigPath, cfgData, in.CredentialsPath, credData).Load()
	if err != nil {
		// Parse accepted both files, so Load should too; report it anyway.
		out = append(out, Finding{Code: "syntax", Severity: Error, Message: err.Error()})
		return out
	}
	out = append(out, checkProfiles(set, in.CredentialsPath)...)
	out = append(out, checkEnvProfile(set, in.Getenv)...)
	return out
}

// checkBackups finds secrets in plain text in a backup that the file itself
// no longer holds: backups written before assume redacted what an edit
// removed (assume creds import used to leave the moved key there).
func checkBackups(in Input) []Finding {
	var out []Finding
	for _, b := range []struct {
		path      string
		bak, live []byte
	}{{in.ConfigPath, in.ConfigBackupData, in.ConfigData}, {in.CredentialsPath, in.CredentialsBackupData, in.CredentialsData}} {
		for _, line := range awsconfig.LeftoverSecrets(b.bak, b.live) {
			out = append(out, Finding{Code: "secret-in-backup", Severity: Warning, File: b.path + ".bak", Line: line,
				Message: "a secret in plain text that " + b.path + " no longer holds (a backup written by an earlier version of assume)",
				Hint:    "remove the file (rm " + b.path + ".bak), or let assume creds import redact it (it asks; --yes without a terminal)"})
		}
	}
	return out
}

// syntaxFinding turns a parse error into a finding at its line.
func syntaxFinding(path string, data []byte, err error) Finding {
	f := Finding{Code: "syntax", Severity: Error, File: path,
		Message: "the SDKs refuse to read this file: " + err.Error(),
		Hint:    "fix this line; until then no profile of the file can be used"}
	var se *awsconfig.SyntaxError
	if errors.As(err, &se) {
		f.Line, f.Message = se.Line, "the SDKs refuse to read this file: "+se.Msg
		if l := lineText(data, se.Line); l != nil && colonProperty(l) {
			f.Hint = "write key = value: the AWS CLI accepts ':' but the SDKs that follow the specification (and assume) refuse the whole file"
		}
	}
	return f
}

// lineText returns line n (1-based) of data, or nil.
func lineText(data []byte, n int) []byte {
	lines := bytes.Split(data, []byte{'\n'})
	if n < 1 || n > len(lines) {
		return nil
	}
	return lines[n-1]
}

// colonProperty reports whether a line reads as "key : value".
func colonProperty(l []byte) bool {
	k, _, ok := strings.Cut(stripComment(l), ":")
	return ok && !strings.Contains(k, "=") && validIdent(trimWS(k))
}

// checkEnvProfile reports AWS_PROFILE or AWS_DEFAULT_PROFILE naming a
// profile that does not exist.
func checkEnvProfile(set *awsconfig.ProfileSet, getenv func(string) string) []Finding {
	var out []Finding
	for _, v := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		name := getenv(v)
		if name == "" {
			continue
		}
		if _, ok := set.Profiles[name]; ok {
			continue
		}
		hint := "unset " + v + ", or add the profile"
		if s := suggest(set, name); s != "" {
			hint = s + "\n" + hint
		}
		out = append(out, Finding{Code: "missing-profile", Severity: Error,
			Message: fmt.Sprintf("%s names profile %q, which does not exist; every AWS tool run from this shell fails", v, name),
			Hint:    hint})
	}
	return out
}

func checkShell(in Input) []Finding {
	if in.Shell == nil {
		return nil
	}
	ok, detail := in.Shell()
	if ok {
		return nil
	}
	msg := "the assume shell function is not loaded, so `assume PROFILE` cannot set variables in this shell"
	if detail != "" {
		msg += " (" + detail + ")"
	}
	return []Finding{{Code: "shell-not-installed", Severity: Warning, Message: msg,
		Hint: shell.SetupHint(shell.Detect(in.Getenv("SHELL"))) + ", then open a new shell"}}
}

// hinter is an error that says what to do about it.
type hinter interface{ Hint() string }

func checkKeychain(in Input) []Finding {
	if in.Keychain == nil {
		return nil
	}
	err := in.Keychain()
	if err == nil {
		return nil
	}
	var h hinter
	hint := ""
	switch {
	case errors.As(err, &h) && h.Hint() != "":
		hint = h.Hint()
	case errors.Is(err, vault.ErrLocked):
		hint = "unlock the keychain (log in to the desktop session or start its agent) and run assume doctor again"
	case errors.Is(err, vault.ErrTimeout):
		hint = "the keychain did not answer: look for an unlock prompt waiting on the desktop"
	case errors.Is(err, vault.ErrUnavailable):
		hint = "start a keychain service (such as gnome-keyring or KeePassXC's Secret Service) or choose another vault backend"
	}
	return []Finding{{Code: "keychain", Severity: Error, Message: "the keychain cannot be used: " + err.Error(), Hint: hint}}
}

func checkClock(ctx context.Context, in Input) []Finding {
	if in.ClockSkew == nil {
		return nil
	}
	skew, err := in.ClockSkew(ctx)
	if err != nil {
		return []Finding{{Code: "clock-skew", Severity: Info, Message: "could not compare the clock with AWS: " + err.Error()}}
	}
	abs, dir := skew, "ahead of"
	if skew < 0 {
		abs, dir = -skew, "behind"
	}
	sev := None
	switch {
	case abs > SkewError:
		sev = Error
	case abs > SkewWarning:
		sev = Warning
	}
	if sev == None {
		return nil
	}
	msg := fmt.Sprintf("this machine's clock is %s %s AWS's", abs.Round(time.Second), dir)
	if sev == Error {
		msg += "; AWS rejects requests signed more than 5 minutes off"
	}
	return []Finding{{Code: "clock-skew", Severity: sev, Message: msg,
		Hint: "turn on network time synchronisation (e.g. timedatectl set-ntp true)"}}
}

func checkSessions(in Input) []Finding {
	var out []Finding
	for _, s := range in.Sessions {
		if s.Expires.IsZero() {
			continue
		}
		kind := s.Kind
		if kind == "" {
			kind = "cached session"
		}
		left := s.Expires.Sub(in.Now)
		switch {
		case left <= 0:
			out = append(out, Finding{Code: "session-expired", Severity: Info, Profile: s.Profile,
				Message: fmt.Sprintf("%s expired %s ago", kind, (-left).Round(time.Second)),
				Hint:    "the next use renews it (an SSO token may need assume login)"})
		case left <= in.ExpiringWithin:
			out = append(out, Finding{Code: "session-expiring", Severity: Info, Profile: s.Profile,
				Message: fmt.Sprintf("%s expires in %s", kind, left.Round(time.Second))})
		}
	}
	return out
}
