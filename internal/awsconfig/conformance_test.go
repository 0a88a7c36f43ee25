package awsconfig

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"testing"

	"github.com/assume-cli/assume/internal/conformance"
)

func readSuite(t *testing.T, name string, v any) {
	t.Helper()
	path := name
	data := conformance.Read(t, name)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// suiteErrors maps the suite's error texts to ours.
var suiteErrors = map[string]string{
	"Profile definition must end with ']'":               msgHeaderEnd,
	"Expected a profile definition":                      msgNoSection,
	"Property did not have a name":                       msgNoName,
	"Expected an '=' sign defining a property":           msgNoEquals,
	"Expected a property definition":                     msgNoProperty,
	"Expected a property definition, found continuation": msgNoProperty,
	"Expected an '=' sign defining a sub-property":       msgSubNoEquals,
	"Sub-property did not have a name":                   msgSubNoName,
}

type parserCase struct {
	Name  string `json:"name"`
	Input struct {
		ConfigFile      *string `json:"configFile"`
		CredentialsFile *string `json:"credentialsFile"`
	} `json:"input"`
	Output struct {
		ErrorContaining string `json:"errorContaining"`
		Config          struct {
			Profiles    map[string]map[string]string `json:"profiles"`
			SSOSessions map[string]map[string]string `json:"sso_sessions"`
		} `json:"config"`
	} `json:"output"`
}

func texts(p Properties) map[string]string {
	m := map[string]string{}
	for k, v := range p {
		m[k] = v.Text
	}
	return m
}

func TestProfileParserConformance(t *testing.T) {
	var suite struct {
		Tests []parserCase `json:"tests"`
	}
	readSuite(t, "profile-parser-tests.json", &suite)
	if len(suite.Tests) == 0 {
		t.Fatal("empty suite")
	}
	for _, tc := range suite.Tests {
		t.Run(tc.Name, func(t *testing.T) {
			var cfg, creds []byte
			if tc.Input.ConfigFile != nil {
				cfg = []byte(*tc.Input.ConfigFile)
			}
			if tc.Input.CredentialsFile != nil {
				creds = []byte(*tc.Input.CredentialsFile)
			}
			f := NewFiles("config", cfg, "credentials", creds)
			set, err := f.Load()

			// The Document model is lossless for every input, and reports
			// the same syntax errors.
			for _, in := range [][]byte{cfg, creds} {
				doc, derr := Parse(in)
				if got := doc.Bytes(); string(got) != string(in) {
					t.Errorf("Document round trip: got %q, want %q", got, in)
				}
				if derr != nil && err == nil {
					t.Errorf("Parse reported %v, Load did not", derr)
				}
			}

			if want := tc.Output.ErrorContaining; want != "" {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("Load error = %v, want a *SyntaxError like %q", err, want)
				}
				if ours, ok := suiteErrors[want]; !ok || se.Msg != ours {
					t.Errorf("error %q, want ours for %q (%q)", se.Msg, want, ours)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := map[string]map[string]string{}
			for n, p := range set.Profiles {
				got[n] = texts(p.Properties)
			}
			want := tc.Output.Config.Profiles
			if want == nil {
				want = map[string]map[string]string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("profiles\n got %v\nwant %v", got, want)
			}
			gotSSO := map[string]map[string]string{}
			for n, s := range set.SSOSessions {
				gotSSO[n] = texts(s.Properties)
			}
			wantSSO := tc.Output.Config.SSOSessions
			if wantSSO == nil {
				wantSSO = map[string]map[string]string{}
			}
			if !reflect.DeepEqual(gotSSO, wantSSO) {
				t.Errorf("sso_sessions\n got %v\nwant %v", gotSSO, wantSSO)
			}

			// The lazy path finds the same.
			var names []string
			for n := range want {
				names = append(names, n)
			}
			sort.Strings(names)
			if got := f.ProfileNames(); !reflect.DeepEqual(got, names) && !(len(got) == 0 && len(names) == 0) {
				t.Errorf("ProfileNames = %v, want %v", got, names)
			}
			for n, props := range want {
				p, found, err := f.Profile(n)
				if err != nil || !found {
					t.Fatalf("Profile(%q) = found %v, err %v", n, found, err)
				}
				if got := texts(p.Properties); !reflect.DeepEqual(got, props) {
					t.Errorf("Profile(%q) = %v, want %v", n, got, props)
				}
			}
			for n, props := range wantSSO {
				s, found, err := f.SSOSession(n)
				if err != nil || !found {
					t.Fatalf("SSOSession(%q) = found %v, err %v", n, found, err)
				}
				if got := texts(s.Properties); !reflect.DeepEqual(got, props) {
					t.Errorf("SSOSession(%q) = %v, want %v", n, got, props)
				}
			}
		})
	}
}

func TestFileLocationConformance(t *testing.T) {
	var suite struct {
		Tests []struct {
			Name        string            `json:"name"`
			Environment map[string]string `json:"environment"`
			Platform    string            `json:"platform"`
			Profile     string            `json:"profile"`
			Config      string            `json:"configLocation"`
			Credentials string            `json:"credentialsLocation"`
		} `json:"tests"`
	}
	readSuite(t, "file-location-tests.json", &suite)
	if len(suite.Tests) == 0 {
		t.Fatal("empty suite")
	}
	for _, tc := range suite.Tests {
		t.Run(tc.Name, func(t *testing.T) {
			getenv := func(k string) string { return tc.Environment[k] }
			cfg, creds := LocateOn(tc.Platform, getenv)
			if cfg != tc.Config || creds != tc.Credentials {
				t.Errorf("LocateOn(%s) = %q, %q; want %q, %q", tc.Platform, cfg, creds, tc.Config, tc.Credentials)
			}
			if tc.Profile != "" {
				if got := ProfileFromEnv(getenv); got != tc.Profile {
					t.Errorf("ProfileFromEnv = %q, want %q", got, tc.Profile)
				}
			}
		})
	}
}
