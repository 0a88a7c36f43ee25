package awsconfig

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"header without bracket", "[profile a]\nx = 1\n[profile b\n", 3, msgHeaderEnd},
		{"text after header", "[profile a] junk\n", 1, msgHeaderEnd},
		{"comment cuts header", "[profile a#b]\n", 1, msgHeaderEnd},
		{"property before section", "# c\n\nregion = x\n[default]\n", 3, msgNoSection},
		{"continuation before section", "  x\n", 1, msgNoSection},
		{"continuation after header", "[default]\n\n  x\n", 3, msgNoProperty},
		{"no equals", "[default]\nregion\n", 2, msgNoEquals},
		{"colon is not equals", "[default]\nregion: x\n", 2, msgNoEquals},
		{"no name", "[default]\n= x\n", 2, msgNoName},
		{"bad sub-property", "[default]\ns3 =\n  x = 1\n  y\n", 4, msgSubNoEquals},
		{"sub-property without name", "[default]\ns3 =\n  = 1\n", 3, msgSubNoName},
		{"crlf line numbers", "[default]\r\nx = 1\r\n\r\ny\r\n", 4, msgNoEquals},
		{"bom is not whitespace", "\ufeff[default]\n", 1, msgNoSection},
		{"indented comment is a continuation", "[default]\n  # c\n", 2, msgNoProperty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFiles("/h/.aws/config", []byte(tc.in), "", nil).Load()
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Load error = %v, want *SyntaxError", err)
			}
			if se.Line != tc.line || se.Msg != tc.msg || se.File != "/h/.aws/config" {
				t.Errorf("got %+v, want line %d %q", se, tc.line, tc.msg)
			}
			if want := "/h/.aws/config:" + itoa(tc.line) + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want prefix %q", err, want)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSyntaxErrorNeverQuotesTheLine(t *testing.T) {
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	for _, in := range []string{
		"aws_secret_access_key " + secret,
		"[default]\naws_secret_access_key " + secret,
		"[default " + secret,
		"[default]\nx =\n  " + secret,
	} {
		_, err := NewFiles("c", []byte(in), "", nil).Load()
		if err == nil {
			t.Fatalf("%q: no error", in)
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "wJalr") {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

func TestParseSemantics(t *testing.T) {
	tests := []struct {
		name, config, creds string
		profile, key, want  string
		line                int
		file                string
	}{
		{"inline comment needs whitespace", "[profile a]\nregion = us-east-1#x\n", "", "a", "region", "us-east-1#x", 2, "config"},
		{"inline comment", "[profile a]\nregion = us-east-1\t; c\n", "", "a", "region", "us-east-1", 2, "config"},
		{"quotes kept", "[profile a]\nregion = \"x\"\n", "", "a", "region", `"x"`, 2, "config"},
		{"key case folded", "[profile a]\nREGION = x\n", "", "a", "region", "x", 2, "config"},
		{"credentials win", "[profile a]\nregion = x\n", "[a]\nregion = y\n", "a", "region", "y", 2, "credentials"},
		{"last duplicate wins", "[profile a]\nregion = x\n\n[profile a]\nregion = y\n", "", "a", "region", "y", 5, "config"},
		{"continuation keeps key line", "[profile a]\nx = 1\n  2\n", "", "a", "x", "1\n2", 2, "config"},
		{"lone CR kept", "[profile a]\nx = 1\r2\n", "", "a", "x", "1\r2", 2, "config"},
		{"profile default beats default", "[default]\nx = 1\n[profile default]\ny = 2\n", "", "default", "x", "", 0, ""},
		{"bare default", "[default]\nx = 1\n", "", "default", "x", "1", 2, "config"},
		{"credentials default", "", "[default]\nx = 1\n", "default", "x", "1", 2, "credentials"},
		{"spaced header", "[ profile\t a ]\nx = 1\n", "", "a", "x", "1", 2, "config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFiles("config", []byte(tc.config), "credentials", []byte(tc.creds))
			p, found, err := f.Profile(tc.profile)
			if err != nil || !found {
				t.Fatalf("Profile = %v, %v", found, err)
			}
			v := p.Get(tc.key)
			if v.Text != tc.want || v.Line != tc.line || v.File != tc.file || v.Set != (tc.line != 0) {
				t.Errorf("got %+v, want %q at %s:%d", v, tc.want, tc.file, tc.line)
			}
			set, err := f.Load()
			if err != nil {
				t.Fatal(err)
			}
			if full := set.Profiles[tc.profile].Get(tc.key); full != v {
				t.Errorf("Load gives %+v, Profile gives %+v", full, v)
			}
		})
	}
}

func TestProfileHeaderLocation(t *testing.T) {
	f := NewFiles("config", []byte("# c\n[profile a]\n[profile a]\nx = 1\n"), "credentials", []byte("[a]\n[b]\n"))
	p, _, _ := f.Profile("a")
	if p.Header.Where() != "config:2" || p.Header.Text != "profile a" {
		t.Errorf("header of a = %+v", p.Header)
	}
	p, _, _ = f.Profile("b")
	if p.Header.Where() != "credentials:2" {
		t.Errorf("header of b = %+v", p.Header)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "[default]\nregion = us-east-1\n", "[profile a]\r\nx = 1 # c\r\n  y\r\n",
		"[profile a]\ns3 =\n  k = v\n\n  k2 = v2", "# c\n;d\n[sso-session s]\nsso_start_url=https://x\n",
		"x", "[", "[]", "\r", "[a]\n\r", "[a]\nb=\n =", "\xff[\xfe]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if got := doc.Bytes(); string(got) != string(data) {
			t.Fatalf("round trip: got %q, want %q", got, data)
		}
		for _, kind := range []FileKind{ConfigFile, CredentialsFile} {
			files := NewFiles("c", data, "", nil)
			if kind == CredentialsFile {
				files = NewFiles("", nil, "c", data)
			}
			_, lerr := files.Load()
			if (err == nil) != (lerr == nil) {
				t.Fatalf("Parse error %v, Load error %v", err, lerr)
			}
			if lerr != nil {
				var se *SyntaxError
				if !errors.As(lerr, &se) || se.Line < 1 {
					t.Fatalf("Load error %#v is not a located *SyntaxError", lerr)
				}
			}
		}
	})
}
