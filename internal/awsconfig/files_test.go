package awsconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[profile a]\nregion = x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Open(cfg, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	p, found, err := f.Profile("a")
	if err != nil || !found || p.Get("region").Where() != cfg+":2" {
		t.Fatalf("Profile = %+v, %v, %v", p, found, err)
	}
	if _, found, _ := f.Profile("b"); found {
		t.Error("found a missing profile")
	}
	if _, err := Open(dir, ""); err == nil {
		t.Error("Open of a folder did not fail")
	}
	if f, err := Open("", ""); err != nil || len(f.ProfileNames()) != 0 {
		t.Errorf("Open of nothing = %v, %v", f, err)
	}
}

func TestLazyLookup(t *testing.T) {
	cfg := "[profile a]\nx = 1\n[sso-session s]\nsso_region = r\n[services a]\ns3 =\n  endpoint_url = u\n[profile b]\nbroken line\n"
	f := NewFiles("config", []byte(cfg), "credentials", []byte("[c]\ny = 2\n"))
	if _, err := f.Load(); err == nil {
		t.Fatal("Load accepted a broken file")
	}
	// Only the sections read are checked: a and s are fine, b is not.
	if p, found, err := f.Profile("a"); err != nil || !found || p.Get("x").Text != "1" {
		t.Errorf("Profile(a) = %v %v %v", p, found, err)
	}
	if s, found, err := f.SSOSession("s"); err != nil || !found || s.Get("SSO_REGION").Text != "r" {
		t.Errorf("SSOSession(s) = %v %v %v", s, found, err)
	}
	var se *SyntaxError
	if _, _, err := f.Profile("b"); !errors.As(err, &se) || se.Line != 9 || se.File != "config" {
		t.Errorf("Profile(b) error = %v", err)
	}
	if got, want := f.ProfileNames(), []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ProfileNames = %v, want %v", got, want)
	}
	// A broken line just above a section counts for it.
	f = NewFiles("config", []byte("[profile a]\nx = 1\nbroken\n[profile b]\ny = 2\n[profile c]\n"), "", nil)
	if _, _, err := f.Profile("b"); !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("Profile(b) after a broken line = %v", err)
	}
	if _, _, err := f.Profile("c"); err != nil {
		t.Errorf("Profile(c) = %v", err)
	}
	// A malformed header anywhere fails every lookup, as it would the SDKs'.
	f = NewFiles("config", []byte("[profile a]\nx = 1\n[profile b\n"), "", nil)
	if _, _, err := f.Profile("a"); !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("Profile(a) with a broken header = %v", err)
	}
}

// FuzzLazyMatchesLoad checks that the lazy lookups agree with the full parse:
// the same profiles with the same values, files and lines when the files are
// valid; an error only where the full parse fails too, never on an earlier
// line of the same file.
func FuzzLazyMatchesLoad(f *testing.F) {
	f.Add([]byte("[default]\nx = 1\n[profile default]\ny = 2\n[profile a]\nz=3\n  c\n"), []byte("[a]\nz = 4\n[default]\nw = 5\n"))
	f.Add([]byte("[profile a]\nx = 1\n[profile b]\nbad\n"), []byte(""))
	f.Add([]byte("[sso-session s]\nk = v\n[ profile  s ]\n"), []byte("[s]\n[profile s]\n"))
	f.Add([]byte("# c\n[profile a]\ns3 =\n  k = v\n[profile a]\ns3 = x\n"), []byte("x"))
	f.Fuzz(func(t *testing.T, cfg, creds []byte) {
		files := NewFiles("config", cfg, "credentials", creds)
		set, fullErr := files.Load()
		names := map[string]bool{"default": true, "a": true, "s": true}
		for _, n := range files.ProfileNames() {
			names[n] = true
		}
		if set != nil {
			for n := range set.SSOSessions {
				names[n] = true
			}
		}
		check := func(kind, name string, props Properties, hdr Value, found bool, err error, want Properties, wantHdr Value, wantFound bool) {
			if err != nil {
				var se, fe *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%s(%q): error %v is not a *SyntaxError", kind, name, err)
				}
				if !errors.As(fullErr, &fe) {
					t.Fatalf("%s(%q) failed (%v), Load did not", kind, name, err)
				}
				if fe.File == se.File && fe.Line > se.Line {
					t.Fatalf("%s(%q) error at %d, Load's first at %d", kind, name, se.Line, fe.Line)
				}
				return
			}
			if fullErr != nil {
				return
			}
			if found != wantFound || !reflect.DeepEqual(map[string]Value(props), map[string]Value(want)) || hdr != wantHdr {
				t.Fatalf("%s(%q) = %v %+v %v, Load has %v %+v %v", kind, name, found, props, hdr, wantFound, want, wantHdr)
			}
		}
		for n := range names {
			p, found, err := files.Profile(n)
			var props, want Properties
			var hdr, wantHdr Value
			if p != nil {
				props, hdr = p.Properties, p.Header
			}
			var wp *Profile
			if set != nil {
				wp = set.Profiles[n]
			}
			if wp != nil {
				want, wantHdr = wp.Properties, wp.Header
			}
			check("Profile", n, props, hdr, found, err, want, wantHdr, wp != nil)

			s, found, err := files.SSOSession(n)
			props, hdr, want, wantHdr = nil, Value{}, nil, Value{}
			if s != nil {
				props, hdr = s.Properties, s.Header
			}
			var ws *SSOSession
			if set != nil {
				ws = set.SSOSessions[n]
			}
			if ws != nil {
				want, wantHdr = ws.Properties, ws.Header
			}
			check("SSOSession", n, props, hdr, found, err, want, wantHdr, ws != nil)
		}
		if fullErr == nil && !reflect.DeepEqual(files.ProfileNames(), set.ProfileNames()) {
			t.Fatalf("ProfileNames = %v, Load has %v", files.ProfileNames(), set.ProfileNames())
		}
	})
}

// bigConfig generates a config of n role profiles ([profile acct-N-role]
// with role_arn, source_profile and region) and one base profile.
func bigConfig(n int) []byte {
	var b strings.Builder
	b.WriteString("# generated\n[profile base]\nregion = us-east-1\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[profile acct-%d-role]\nrole_arn = arn:aws:iam::%012d:role/OrganizationAccountAccess\nsource_profile = base\nregion = eu-west-1\n\n", i, 100000000000+i)
	}
	return []byte(b.String())
}

func TestBigConfigLookup(t *testing.T) {
	files := NewFiles("config", bigConfig(10000), "credentials", []byte("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n"))
	p, found, err := files.Profile("acct-9999-role")
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if v := p.Get("role_arn"); v.Text != "arn:aws:iam::100000009999:role/OrganizationAccountAccess" || v.Line != 5+5*9999+1 {
		t.Errorf("role_arn = %+v", v)
	}
	if n := len(files.ProfileNames()); n != 10001 {
		t.Errorf("%d names", n)
	}
}

func BenchmarkProfileLookup10k(b *testing.B) {
	data := bigConfig(10000)
	files := NewFiles("config", data, "credentials", []byte("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p, found, err := files.Profile("acct-5000-role")
		if err != nil || !found || p.Get("source_profile").Text != "base" {
			b.Fatal(found, err)
		}
	}
}

func BenchmarkLoad10k(b *testing.B) {
	files := NewFiles("config", bigConfig(10000), "", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := files.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenLookup10k is the cached path's file work: read a
// 10,000-profile config from disk and look one profile up.
func BenchmarkOpenLookup10k(b *testing.B) {
	dir := b.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, bigConfig(10000), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		files, err := Open(cfg, "")
		if err != nil {
			b.Fatal(err)
		}
		if _, found, err := files.Profile("acct-5000-role"); err != nil || !found {
			b.Fatal(found, err)
		}
	}
}

// Load in two halves (a large config) gives what Load in one pass gives:
// the same set, or the same first error.
func FuzzSplitLoadMatches(f *testing.F) {
	f.Add([]byte("[default]\nx = 1\n[profile default]\ny = 2\n[profile a]\nz=3\n  c\n[profile a]\nz = 9\n[default]\nx = 2\n"), []byte("[a]\nz = 4\n"))
	f.Add([]byte("[profile a]\nx = 1\n[profile b]\nbad\n[profile c]\nalso bad\n"), []byte(""))
	f.Add([]byte("[sso-session s]\nk = v\n[profile p]\nregion = x\n[sso-session s]\nk = w\nj = 1\n[ profile  s ]\n"), []byte("[s]\n"))
	f.Add([]byte("# c\n[profile a]\ns3 =\n  k = v\n[profile a]\ns3 = x\n[bad header\n"), []byte("x"))
	f.Fuzz(func(t *testing.T, cfg, creds []byte) {
		files := NewFiles("config", cfg, "credentials", creds)
		defer func(n int) { splitLoadAt = n }(splitLoadAt)
		splitLoadAt = 1 << 62
		whole, wholeErr := files.Load()
		splitLoadAt = 0
		split, splitErr := files.Load()
		if fmt.Sprint(wholeErr) != fmt.Sprint(splitErr) {
			t.Fatalf("errors: whole %v, split %v", wholeErr, splitErr)
		}
		if !reflect.DeepEqual(whole, split) {
			t.Fatalf("sets differ:\nwhole %+v\nsplit %+v", whole, split)
		}
	})
}
