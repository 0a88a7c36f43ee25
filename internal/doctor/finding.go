package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Severity says how much a finding needs attention. The zero value, None,
// is the Worst of no findings.
type Severity int

// The severities, least to most serious.
const (
	None    Severity = iota // no finding at all
	Info                    // worth knowing; nothing to fix
	Warning                 // works today, but not everywhere or not for long
	Error                   // something fails: a command, a tool or a whole file
)

// String names the severity as the human output does: "info", "warning",
// "error" ("none" for None).
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// MarshalText renders the severity's name, so JSON carries "warning", not 2.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name MarshalText wrote.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, c := range []Severity{None, Info, Warning, Error} {
		if string(b) == c.String() {
			*s = c
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Finding is one problem doctor found. File and Line locate the offending
// line (the key's line, or the section header) when the problem is in a
// file; they are empty for machine-wide checks (shell, keychain, clock,
// cached sessions). Message and Hint never quote a secret.
type Finding struct {
	Code     string   `json:"code"` // stable identifier, see docs/doctor.md
	Severity Severity `json:"severity"`
	File     string   `json:"file,omitempty"` // the path as given in Input
	Line     int      `json:"line,omitempty"` // 1-based
	Profile  string   `json:"profile,omitempty"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"` // what to do; may be several lines
}

// Where renders "file:line", "file" or "".
func (f Finding) Where() string {
	switch {
	case f.File == "":
		return ""
	case f.Line <= 0:
		return f.File
	}
	return f.File + ":" + strconv.Itoa(f.Line)
}

// Worst returns the highest severity among fs, or None when fs is empty.
func Worst(fs []Finding) Severity {
	w := None
	for _, f := range fs {
		w = max(w, f.Severity)
	}
	return w
}

// The exit statuses ExitCode proposes for `assume doctor`.
const (
	ExitOK      = 0 // no findings, or Info only
	ExitWarning = 1 // warnings, no errors: everything works today, something needs attention
	ExitError   = 3 // at least one error: a command or a tool fails (3 is the configuration status)
)

// ExitCode maps findings to the exit status of `assume doctor`: ExitOK,
// ExitWarning or ExitError.
func ExitCode(fs []Finding) int {
	switch Worst(fs) {
	case Error:
		return ExitError
	case Warning:
		return ExitWarning
	}
	return ExitOK
}

// ANSI colours for the severity word.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
)

func ansiFor(s Severity) string {
	switch s {
	case Error:
		return "\x1b[1;31m"
	case Warning:
		return "\x1b[1;33m"
	}
	return "\x1b[1;36m"
}

// Write renders findings for people, one per line:
//
//	~/.aws/config:12: error: profile prod: source_profile loop prod -> a -> prod
//	  hint: remove source_profile from one of these profiles
//
// followed by a summary line ("2 errors, 1 warning" or "no problems found").
// With color the severity word is coloured with ANSI escapes.
func Write(w io.Writer, fs []Finding, color bool) error {
	var b strings.Builder
	for _, f := range fs {
		if where := f.Where(); where != "" {
			b.WriteString(where)
			b.WriteString(": ")
		}
		if color {
			b.WriteString(ansiFor(f.Severity) + f.Severity.String() + ansiReset)
		} else {
			b.WriteString(f.Severity.String())
		}
		b.WriteString(": ")
		if f.Profile != "" {
			b.WriteString("profile " + f.Profile + ": ")
		}
		b.WriteString(oneLine(f.Message))
		b.WriteByte('\n')
		if f.Hint != "" {
			for _, h := range strings.Split(f.Hint, "\n") {
				if color {
					b.WriteString("  " + ansiBold + "hint:" + ansiReset + " " + h + "\n")
				} else {
					b.WriteString("  hint: " + h + "\n")
				}
			}
		}
	}
	b.WriteString(Summary(fs))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// oneLine keeps a message on one output line.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// Summary counts the findings: "2 errors, 1 warning, 1 note", or
// "no problems found" (with ", N note(s)" when there are Info findings).
func Summary(fs []Finding) string {
	var n [4]int
	for _, f := range fs {
		if f.Severity >= None && f.Severity <= Error {
			n[f.Severity]++
		}
	}
	plural := func(k int, word string) string {
		if k == 1 {
			return "1 " + word
		}
		return strconv.Itoa(k) + " " + word + "s"
	}
	var parts []string
	if n[Error] > 0 {
		parts = append(parts, plural(n[Error], "error"))
	}
	if n[Warning] > 0 {
		parts = append(parts, plural(n[Warning], "warning"))
	}
	if len(parts) == 0 {
		parts = append(parts, "no problems found")
	}
	if n[Info] > 0 {
		parts = append(parts, plural(n[Info], "note"))
	}
	return strings.Join(parts, ", ")
}

// Report is the JSON document WriteJSON writes.
type Report struct {
	Findings []Finding `json:"findings"` // never null
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Infos    int       `json:"infos"`
	Worst    Severity  `json:"worst"`     // "none" when there are no findings
	ExitCode int       `json:"exit_code"` // as ExitCode
}

// WriteJSON writes the findings as one indented Report object.
func WriteJSON(w io.Writer, fs []Finding) error {
	r := Report{Findings: fs, Worst: Worst(fs), ExitCode: ExitCode(fs)}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, f := range fs {
		switch f.Severity {
		case Error:
			r.Errors++
		case Warning:
			r.Warnings++
		case Info:
			r.Infos++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing doctor report: %w", err)
	}
	return nil
}
