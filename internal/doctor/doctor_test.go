package doctor

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/vault"
)

func TestWorstAndExitCode(t *testing.T) {
	for _, tc := range []struct {
		sevs  []Severity
		worst Severity
		code  int
	}{
		{nil, None, ExitOK},
		{[]Severity{Info, Info}, Info, ExitOK},
		{[]Severity{Info, Warning}, Warning, ExitWarning},
		{[]Severity{Error, Warning, Info}, Error, ExitError},
	} {
		var fs []Finding
		for _, s := range tc.sevs {
			fs = append(fs, Finding{Severity: s})
		}
		if got := Worst(fs); got != tc.worst {
			t.Errorf("Worst(%v) = %v, want %v", tc.sevs, got, tc.worst)
		}
		if got := ExitCode(fs); got != tc.code {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.sevs, got, tc.code)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		sevs []Severity
		want string
	}{
		{nil, "no problems found"},
		{[]Severity{Info}, "no problems found, 1 note"},
		{[]Severity{Error, Error, Warning}, "2 errors, 1 warning"},
		{[]Severity{Warning, Warning, Info, Info}, "2 warnings, 2 notes"},
	} {
		var fs []Finding
		for _, s := range tc.sevs {
			fs = append(fs, Finding{Severity: s})
		}
		if got := Summary(fs); got != tc.want {
			t.Errorf("Summary(%v) = %q, want %q", tc.sevs, got, tc.want)
		}
	}
}

func TestSeverityText(t *testing.T) {
	for _, s := range []Severity{None, Info, Warning, Error} {
		b, _ := s.MarshalText()
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%v round-trips to %v, %v", s, back, err)
		}
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("unknown severity accepted")
	}
}

func TestWrite(t *testing.T) {
	fs := []Finding{
		{Code: "source-loop", Severity: Error, File: "~/.aws/config", Line: 12, Profile: "prod",
			Message: "source_profile loop prod -> a -> prod", Hint: "first\nsecond"},
		{Code: "keychain", Severity: Warning, Message: "multi\nline"},
	}
	var b bytes.Buffer
	if err := Write(&b, fs, false); err != nil {
		t.Fatal(err)
	}
	want := "~/.aws/config:12: error: profile prod: source_profile loop prod -> a -> prod\n" +
		"  hint: first\n  hint: second\n" +
		"warning: multi line\n" +
		"1 error, 1 warning\n"
	if b.String() != want {
		t.Errorf("Write:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteJSON(&b, nil); err != nil || !strings.Contains(b.String(), `"findings": []`) {
		t.Errorf("WriteJSON(nil) = %s, %v", b.String(), err)
	}
}

type hintErr struct{}

func (hintErr) Error() string { return "backend says no" }
func (hintErr) Hint() string  { return "do the backend thing" }

func TestMachineChecks(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	skew := func(d time.Duration, err error) func(context.Context) (time.Duration, error) {
		return func(context.Context) (time.Duration, error) { return d, err }
	}
	for _, tc := range []struct {
		name string
		in   Input
		want []string // "code severity hint-substring"
	}{
		{"nothing checked", Input{}, nil},
		{"shell installed", Input{Shell: func() (bool, string) { return true, "" }}, nil},
		{"shell missing zsh", Input{Shell: func() (bool, string) { return false, "" },
			Getenv: func(k string) string { return map[string]string{"SHELL": "/bin/zsh"}[k] }},
			[]string{"shell-not-installed warning ~/.zshrc"}},
		{"shell missing fish", Input{Shell: func() (bool, string) { return false, "" },
			Getenv: func(k string) string { return map[string]string{"SHELL": "/usr/bin/fish"}[k] }},
			[]string{"shell-not-installed warning config.fish"}},
		{"keychain ok", Input{Keychain: func() error { return nil }}, nil},
		{"keychain locked", Input{Keychain: func() error { return vault.ErrLocked }}, []string{"keychain error unlock"}},
		{"keychain unavailable", Input{Keychain: func() error { return vault.ErrUnavailable }}, []string{"keychain error start a keychain"}},
		{"keychain own hint", Input{Keychain: func() error { return hintErr{} }}, []string{"keychain error do the backend thing"}},
		{"clock fine", Input{ClockSkew: skew(30*time.Second, nil)}, nil},
		{"clock at one minute", Input{ClockSkew: skew(time.Minute, nil)}, nil},
		{"clock warning", Input{ClockSkew: skew(-2*time.Minute, nil)}, []string{"clock-skew warning ntp"}},
		{"clock error", Input{ClockSkew: skew(6*time.Minute, nil)}, []string{"clock-skew error ntp"}},
		{"clock unknown", Input{ClockSkew: skew(0, errors.New("no route"))}, []string{"clock-skew info "}},
		{"sessions", Input{Now: now, Sessions: []Session{
			{Profile: "a", Expires: now.Add(5 * time.Minute)},
			{Profile: "b", Expires: now.Add(time.Hour)},
			{Profile: "c", Expires: now.Add(-time.Minute)},
			{Profile: "d"},
		}}, []string{"session-expiring info ", "session-expired info renews"}},
		{"sessions window", Input{Now: now, ExpiringWithin: 2 * time.Hour, Sessions: []Session{
			{Profile: "b", Expires: now.Add(time.Hour)},
		}}, []string{"session-expiring info "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := Run(context.Background(), tc.in)
			if len(fs) != len(tc.want) {
				t.Fatalf("got %d findings %+v, want %q", len(fs), fs, tc.want)
			}
			for i, w := range tc.want {
				parts := strings.SplitN(w, " ", 3)
				f := fs[i]
				if f.Code != parts[0] || f.Severity.String() != parts[1] || !strings.Contains(f.Hint, parts[2]) || f.File != "" {
					t.Errorf("finding %d = %+v, want %q", i, f, w)
				}
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	fs := Run(context.Background(), Input{ConfigPath: "config", ConfigErr: errors.New("permission denied"),
		CredentialsPath: "credentials", CredentialsData: []byte("[a]\nregion = x\n")})
	if len(fs) != 1 || fs[0].Code != "unreadable" || fs[0].File != "config" || fs[0].Severity != Error {
		t.Errorf("got %+v", fs)
	}
}

// BenchmarkRunLarge measures doctor on a config of 2,000 profiles.
func BenchmarkRunLarge(b *testing.B) {
	var cfg bytes.Buffer
	for i := range 1000 {
		cfg.WriteString("[profile base" + strconv.Itoa(i) + "]\ncredential_process = get-creds\nregion = us-east-1\n\n")
		cfg.WriteString("[profile role" + strconv.Itoa(i) + "]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base" + strconv.Itoa(i) + "\n\n")
	}
	in := Input{ConfigPath: "config", ConfigData: cfg.Bytes()}
	for b.Loop() {
		if fs := Run(context.Background(), in); len(fs) != 0 {
			b.Fatalf("unexpected findings: %v", fs[0])
		}
	}
}
