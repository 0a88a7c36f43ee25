package awsconfig

import (
	"errors"
	"maps"
	"strings"
	"testing"
)

func TestDocumentEdits(t *testing.T) {
	const base = "# my config\n[default]\nregion = us-east-1 # home\n\n# dev account\n[profile dev]\nrole_arn=arn:aws:iam::111111111111:role/dev\n  \n[profile prod]\nregion = eu-west-1\n"
	tests := []struct {
		name string
		in   string
		edit func(d *Document) error
		want string
	}{
		{"replace keeps comment", base,
			func(d *Document) error { return d.Set("default", "region", "us-west-2") },
			strings.Replace(base, "us-east-1 # home", "us-west-2 # home", 1)},
		{"replace keeps tight spacing", base,
			func(d *Document) error { return d.Set("profile dev", "ROLE_ARN", "arn:aws:iam::222222222222:role/x") },
			strings.Replace(base, "role_arn=arn:aws:iam::111111111111:role/dev", "role_arn=arn:aws:iam::222222222222:role/x", 1)},
		{"add key after last property", base,
			func(d *Document) error { return d.Set("profile dev", "region", "eu-central-1") },
			strings.Replace(base, "role/dev\n", "role/dev\nregion = eu-central-1\n", 1)},
		{"add key to empty section", "[profile a]\n\n[profile b]\n",
			func(d *Document) error { return d.Set("profile a", "x", "1") },
			"[profile a]\nx = 1\n\n[profile b]\n"},
		{"add section", base,
			func(d *Document) error {
				_, err := d.AddSection("profile new", KeyValue{"region", "ap-south-1"}, KeyValue{"output", "json"})
				return err
			},
			base + "\n[profile new]\nregion = ap-south-1\noutput = json\n"},
		{"set creates section", "",
			func(d *Document) error { return d.Set("sso-session corp", "sso_region", "us-east-1") },
			"[sso-session corp]\nsso_region = us-east-1\n"},
		{"crlf kept", "[default]\r\nregion = a\r\n",
			func(d *Document) error { return d.Set("default", "output", "json") },
			"[default]\r\nregion = a\r\noutput = json\r\n"},
		{"missing final newline kept", "[default]\nregion = a",
			func(d *Document) error { return d.Set("default", "output", "json") },
			"[default]\nregion = a\noutput = json"},
		{"missing final newline kept on add section", "[default]\nregion = a",
			func(d *Document) error { _, err := d.AddSection("profile b", KeyValue{"x", "1"}); return err },
			"[default]\nregion = a\n\n[profile b]\nx = 1"},
		{"last line ending in CR keeps its CR", "[a]\nx = 1\r",
			func(d *Document) error { return d.Set("a", "y", "2") },
			"[a]\nx = 1\r\r\ny = 2"},
		{"multi-line value", "[default]\n",
			func(d *Document) error { return d.Set("default", "s3", "\nmax_concurrent_requests = 20") },
			"[default]\ns3 =\n  max_concurrent_requests = 20\n"},
		{"replace multi-line value", "[default]\ns3 =\n  a = 1\n\n  b = 2\n# after\nx = 1\n",
			func(d *Document) error { return d.Set("default", "s3", "v") },
			"[default]\ns3 = v\n# after\nx = 1\n"},
		{"replace last duplicate", "[profile a]\nx = 1\n[profile a]\nx = 2\n",
			func(d *Document) error { return d.Set("profile a", "x", "3") },
			"[profile a]\nx = 1\n[profile a]\nx = 3\n"},
		{"set empty value", "[default]\nx = 1 ; c\n",
			func(d *Document) error { return d.Set("default", "x", "") },
			"[default]\nx = ; c\n"},
		{"fill empty value", "[default]\nx =\n",
			func(d *Document) error { return d.Set("default", "x", "1") },
			"[default]\nx = 1\n"},
		{"delete key", base,
			func(d *Document) error {
				if n := d.Delete("default", "Region"); n != 1 {
					t.Errorf("Delete = %d", n)
				}
				return nil
			},
			strings.Replace(base, "region = us-east-1 # home\n", "", 1)},
		{"delete key with continuation", "[default]\nx = 1\n  2\ny = 3\n",
			func(d *Document) error { d.Delete("default", "x"); return nil },
			"[default]\ny = 3\n"},
		{"remove middle section with its comment", base,
			func(d *Document) error {
				if n := d.RemoveSection("profile dev"); n != 1 {
					t.Errorf("RemoveSection = %d", n)
				}
				return nil
			},
			"# my config\n[default]\nregion = us-east-1 # home\n\n[profile prod]\nregion = eu-west-1\n"},
		{"remove last section", base,
			func(d *Document) error { d.RemoveSection("profile prod"); return nil },
			"# my config\n[default]\nregion = us-east-1 # home\n\n# dev account\n[profile dev]\nrole_arn=arn:aws:iam::111111111111:role/dev\n"},
		{"remove first section keeps file comment", "# top\n[a]\nx = 1\n\n[b]\ny = 2\n",
			func(d *Document) error { d.RemoveSection("a"); return nil },
			"# top\n[b]\ny = 2\n"},
		{"remove first section", "[a]\nx = 1\n\n[b]\ny = 2\n",
			func(d *Document) error { d.RemoveSection("a"); return nil },
			"[b]\ny = 2\n"},
		{"remove duplicates", "[a]\nx = 1\n\n[b]\n\n[ a ]\ny = 2\n",
			func(d *Document) error {
				if n := d.RemoveSection("a"); n != 2 {
					t.Errorf("RemoveSection = %d", n)
				}
				return nil
			},
			"[b]\n"},
		{"remove keeps comment of next", "[a]\nx = 1\n# x was 2\n\n# about b\n[b]\n",
			func(d *Document) error { d.RemoveSection("a"); return nil },
			"# about b\n[b]\n"},
		{"remove only section without final newline", "[a]\nx = 1",
			func(d *Document) error { d.RemoveSection("a"); return nil },
			""},
		{"profile header for default", "[default]\n",
			func(d *Document) error { return d.Set(d.ProfileHeader(ConfigFile, "default"), "x", "1") },
			"[default]\nx = 1\n"},
		{"profile header prefers profile default", "[default]\n[profile default]\n",
			func(d *Document) error { return d.Set(d.ProfileHeader(ConfigFile, "default"), "x", "1") },
			"[default]\n[profile default]\nx = 1\n"},
		{"credentials header", "",
			func(d *Document) error {
				return d.Set(d.ProfileHeader(CredentialsFile, "dev"), "aws_access_key_id", "AKIAEXAMPLE")
			},
			"[dev]\naws_access_key_id = AKIAEXAMPLE\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(d); err != nil {
				t.Fatal(err)
			}
			if got := string(d.Bytes()); got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			if _, err := Parse(d.Bytes()); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestDocumentRefusals(t *testing.T) {
	d, _ := Parse([]byte("[default]\nx = 1\n"))
	before := string(d.Bytes())
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"leading space", d.Set("default", "x", " padded")},
		{"trailing space", d.Set("default", "x", "padded ")},
		{"comment-like", d.Set("default", "x", "a #b")},
		{"blank continuation", d.Set("default", "x", "a\n\nb")},
		{"bad sub-property", d.Set("default", "x", "\nnot a property")},
		{"carriage return", d.Set("default", "x", "a\rb")},
		{"invalid key", d.Set("default", "in valid", "1")},
		{"empty key", d.Set("default", "", "1")},
		{"invalid header", d.Set("profile a b", "x", "1")},
		{"header with bracket", d.Set("profile a]", "x", "1")},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := d.AddSection("default"); !errors.Is(err, ErrSectionExists) {
		t.Errorf("AddSection of existing = %v", err)
	}
	if got := string(d.Bytes()); got != before {
		t.Errorf("refused edits changed the document: %q", got)
	}
	if err := d.Set("default", "x", "wJalrSECRET #x"); err == nil || strings.Contains(err.Error(), "wJalr") {
		t.Errorf("error quotes the value: %v", err)
	}
}

func TestDocumentSections(t *testing.T) {
	d, _ := Parse([]byte("# c\n[default]\nx = 1\n[ profile\ta ] # c\ny = 2\nY = 3\n[bad\n"))
	secs := d.Sections()
	if len(secs) != 3 {
		t.Fatalf("%d sections", len(secs))
	}
	if secs[1].Header() != "profile\ta" || secs[1].Name() != "a" || secs[1].Line() != 4 {
		t.Errorf("section 1: %q %q %d", secs[1].Header(), secs[1].Name(), secs[1].Line())
	}
	if got := secs[1].Keys(); len(got) != 1 || got[0] != "y" {
		t.Errorf("Keys = %v", got)
	}
	if v, ok := d.Get("profile a", "y"); !ok || v != "3" {
		t.Errorf("Get = %q %v", v, ok)
	}
	if len(d.Find("profile a")) != 1 || len(d.Find("bad")) != 0 {
		t.Error("Find")
	}
	d.RemoveSection("default")
	if secs[0].Line() != 0 || secs[0].Set("x", "2") == nil || secs[1].Line() != 2 {
		t.Errorf("after removal: lines %d %d", secs[0].Line(), secs[1].Line())
	}
}

// meaning reads every section of a file by section identity, values only,
// merged as the SDKs merge duplicates, for comparing what a file means before
// and after an edit.
func meaning(t *testing.T, data []byte) map[sectionID]map[string]string {
	type sec struct {
		id    sectionID
		props Properties
	}
	var secs []sec
	err := walk(data, "", nil, func(inner []byte, _ int) (Properties, bool) {
		s := sec{idOf(inner), Properties{}}
		secs = append(secs, s)
		return s.props, true
	})
	if err != nil {
		t.Fatalf("document does not parse: %v\n%q", err, data)
	}
	out := map[sectionID]map[string]string{}
	for _, s := range secs {
		if out[s.id] == nil {
			out[s.id] = map[string]string{}
		}
		for k, v := range s.props {
			out[s.id][k] = v.Text
		}
	}
	return out
}

func FuzzDocumentEdit(f *testing.F) {
	f.Add([]byte("[default]\nregion = us-east-1 # c\n\n[profile a]\nx=1\n  2\n"), uint8(0), "default", "region", "eu-west-1")
	f.Add([]byte("# top\n[profile a]\n\n# about b\n[profile b]\ny = 2"), uint8(2), "profile b", "y", "")
	f.Add([]byte("[a]\r\nx = 1\r\n"), uint8(1), "a", "X", "")
	f.Add([]byte(""), uint8(3), "sso-session s", "sso_region", "us-east-1")
	f.Add([]byte("[profile a]\ns3 =\n  k = v\n"), uint8(0), "profile a", "s3", "\nk = w\nz = 1")
	f.Fuzz(func(t *testing.T, data []byte, op uint8, header, key, value string) {
		d, err := Parse(data)
		if err != nil {
			return
		}
		before := meaning(t, data)
		want := maps.Clone(before)
		id := idOf([]byte(header))
		lkey := strings.ToLower(key)
		switch op % 4 {
		case 0:
			if d.Set(header, key, value) != nil {
				if string(d.Bytes()) != string(data) {
					t.Fatal("failed Set changed the document")
				}
				return
			}
			m := maps.Clone(want[id])
			if m == nil {
				m = map[string]string{}
			}
			m[lkey] = value
			want[id] = m
			if got, ok := d.Get(header, key); !ok || got != value {
				t.Fatalf("Get after Set = %q, %v", got, ok)
			}
		case 1:
			d.Delete(header, key)
			if want[id] != nil {
				m := maps.Clone(want[id])
				delete(m, lkey)
				want[id] = m
			}
		case 2:
			d.RemoveSection(header)
			delete(want, id)
		case 3:
			if _, err := d.AddSection(header, KeyValue{key, value}); err != nil {
				return
			}
			want[id] = map[string]string{lkey: value}
		}
		out := d.Bytes()
		got := meaning(t, out)
		if !maps.EqualFunc(got, want, func(a, b map[string]string) bool { return maps.Equal(a, b) }) {
			t.Fatalf("op %d on %q:\n%q\nmeaning\n got %v\nwant %v", op%4, data, out, got, want)
		}
		if len(data) > 0 && len(out) > 0 && (data[len(data)-1] == '\n') != (out[len(out)-1] == '\n') {
			t.Fatalf("final newline changed: %q -> %q", data, out)
		}
	})
}
