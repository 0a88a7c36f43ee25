package doctor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assume-cli/assume/internal/conformance"

	"github.com/assume-cli/assume/internal/vault"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// readOptional reads a corpus file; a missing one is empty.
func readOptional(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// envFrom reads KEY=VALUE lines into a Getenv func.
func envFrom(data []byte) func(string) string {
	env := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok {
			env[k] = v
		}
	}
	return func(k string) string { return env[k] }
}

// secretValues returns the values of the secret keys in data, which no
// finding may quote.
func secretValues(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if ok && (k == "aws_secret_access_key" || k == "aws_session_token") && strings.TrimSpace(v) != "" {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// TestCorpus runs doctor on every folder of testdata/corpus: the findings,
// as "code file:line" lines, must be exactly those of want.txt (an empty
// want.txt, as for clean/, means nothing is reported).
func TestCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cfg := readOptional(t, filepath.Join(dir, "config"))
			creds := readOptional(t, filepath.Join(dir, "credentials"))
			fs := Run(context.Background(), Input{
				ConfigPath: "config", ConfigData: cfg,
				CredentialsPath: "credentials", CredentialsData: creds,
				Getenv: envFrom(readOptional(t, filepath.Join(dir, "env"))),
			})
			var got, want []string
			for _, f := range fs {
				got = append(got, strings.TrimSpace(f.Code+" "+f.Where()))
			}
			for _, l := range strings.Split(string(readOptional(t, filepath.Join(dir, "want.txt"))), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					want = append(want, l)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				var b bytes.Buffer
				_ = Write(&b, fs, false)
				t.Errorf("findings %q, want %q\n%s", got, want, b.String())
			}
			secrets := append(secretValues(cfg), secretValues(creds)...)
			for _, f := range fs {
				if f.Message == "" {
					t.Errorf("%s: empty message", f.Code)
				}
				for _, s := range secrets {
					if strings.Contains(f.Message, s) || strings.Contains(f.Hint, s) {
						t.Errorf("%s: finding quotes a secret value", f.Code)
					}
				}
			}
		})
	}
}

// goldenInput is a broken pair of files plus every machine-wide problem.
func goldenInput(t *testing.T) Input {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	return Input{
		ConfigPath: "~/.aws/config", ConfigData: readOptional(t, filepath.Join("testdata", "golden", "config")),
		CredentialsPath: "~/.aws/credentials", CredentialsData: readOptional(t, filepath.Join("testdata", "golden", "credentials")),
		Getenv:    envFrom([]byte("SHELL=/usr/bin/zsh\nAWS_PROFILE=prdo")),
		Now:       now,
		Shell:     func() (bool, string) { return false, "ASSUME_SHELL is not set" },
		Keychain:  func() error { return fmt.Errorf("opening the login keyring: %w", vault.ErrLocked) },
		ClockSkew: func(context.Context) (time.Duration, error) { return -(7*time.Minute + 3*time.Second), nil },
		Sessions: []Session{
			{Profile: "dev", Kind: "sso token", Expires: now.Add(4 * time.Minute)},
			{Profile: "prod", Kind: "role credentials", Expires: now.Add(2 * time.Hour)},
			{Profile: "old", Kind: "role credentials", Expires: now.Add(-90 * time.Second)},
		},
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := readOptional(t, path)
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -run Golden -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestGolden(t *testing.T) {
	fs := Run(context.Background(), goldenInput(t))
	var plain, color, js bytes.Buffer
	if err := Write(&plain, fs, false); err != nil {
		t.Fatal(err)
	}
	if err := Write(&color, fs, true); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, fs); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.txt", plain.Bytes())
	checkGolden(t, "report.json", js.Bytes())
	if !bytes.Contains(color.Bytes(), []byte("\x1b[1;31merror\x1b[0m")) {
		t.Errorf("colour output has no red error:\n%s", color.String())
	}
	var r Report
	if err := json.Unmarshal(js.Bytes(), &r); err != nil {
		t.Fatalf("report does not read back: %v", err)
	}
	if len(r.Findings) != len(fs) || r.Worst != Error || r.ExitCode != ExitError {
		t.Errorf("report read back as %d findings, worst %v, exit %d", len(r.Findings), r.Worst, r.ExitCode)
	}
}

// TestConformance checks doctor against the cross-SDK parser suite: a case
// the specification rejects gets a syntax finding, any other case none.
func TestConformance(t *testing.T) {
	data := conformance.Read(t, "profile-parser-tests.json")
	var suite struct {
		Tests []struct {
			Name  string `json:"name"`
			Input struct {
				ConfigFile      *string `json:"configFile"`
				CredentialsFile *string `json:"credentialsFile"`
			} `json:"input"`
			Output struct {
				ErrorContaining string `json:"errorContaining"`
			} `json:"output"`
		} `json:"tests"`
	}
	if err := json.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	for _, tc := range suite.Tests {
		in := Input{ConfigPath: "config", CredentialsPath: "credentials"}
		if tc.Input.ConfigFile != nil {
			in.ConfigData = []byte(*tc.Input.ConfigFile)
		}
		if tc.Input.CredentialsFile != nil {
			in.CredentialsData = []byte(*tc.Input.CredentialsFile)
		}
		fs := Run(context.Background(), in)
		syntax := slices.ContainsFunc(fs, func(f Finding) bool { return f.Code == "syntax" })
		if want := tc.Output.ErrorContaining != ""; syntax != want {
			t.Errorf("%s: syntax finding %v, want %v", tc.Name, syntax, want)
		}
	}
}

func FuzzRun(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*"))
	for _, dir := range dirs {
		cfg, _ := os.ReadFile(filepath.Join(dir, "config"))
		creds, _ := os.ReadFile(filepath.Join(dir, "credentials"))
		f.Add(cfg, creds)
	}
	f.Add([]byte("[profile a]\nx = 1\n  y\n[profile a]\r\nx=2"), []byte("[a]\n\taws_secret_access_key=\"k\" # c"))
	f.Fuzz(func(t *testing.T, cfg, creds []byte) {
		fs := Run(context.Background(), Input{ConfigPath: "config", ConfigData: cfg, CredentialsPath: "credentials", CredentialsData: creds})
		lines := map[string]int{"config": bytes.Count(cfg, []byte{'\n'}) + 1, "credentials": bytes.Count(creds, []byte{'\n'}) + 1}
		for _, x := range fs {
			n, ok := lines[x.File]
			if !ok || x.Line < 1 || x.Line > n {
				t.Fatalf("%s located at %q line %d (file has %d lines)", x.Code, x.File, x.Line, n)
			}
			if x.Message == "" || x.Severity < Info || x.Severity > Error {
				t.Fatalf("malformed finding %+v", x)
			}
		}
	})
}
