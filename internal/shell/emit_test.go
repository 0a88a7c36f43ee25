package shell

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestEmitGolden(t *testing.T) {
	script := Script{
		Unset: []string{"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_PROFILE", "AWS_REGION"},
		Set: map[string]string{
			"AWS_REGION":        "eu-west-1",
			"AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
			"X_QUOTES":          `it's "q" \ ’`,
		},
	}
	tests := []struct {
		format string
		want   string
	}{
		{Sh, "unset AWS_PROFILE\nunset AWS_SESSION_TOKEN\n" +
			"export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\nexport AWS_REGION='eu-west-1'\n" +
			`export X_QUOTES='it'\''s "q" \ ’'` + "\n"},
		{Bash, "unset AWS_PROFILE\nunset AWS_SESSION_TOKEN\n" +
			"export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\nexport AWS_REGION='eu-west-1'\n" +
			`export X_QUOTES='it'\''s "q" \ ’'` + "\n"},
		{Fish, "set -e -g AWS_PROFILE\nset -e -g AWS_SESSION_TOKEN\n" +
			"set -g -x AWS_ACCESS_KEY_ID 'ASIAEXAMPLE'\nset -g -x AWS_REGION 'eu-west-1'\n" +
			`set -g -x X_QUOTES 'it\'s "q" \\ ’'` + "\n"},
		{Pwsh, "Remove-Item -LiteralPath Env:AWS_PROFILE -ErrorAction Ignore\n" +
			"Remove-Item -LiteralPath Env:AWS_SESSION_TOKEN -ErrorAction Ignore\n" +
			"$env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n$env:AWS_REGION = 'eu-west-1'\n" +
			`$env:X_QUOTES = 'it''s "q" \ ’’'` + "\n"},
		{Nu, `{"AWS_ACCESS_KEY_ID":"ASIAEXAMPLE","AWS_PROFILE":null,"AWS_REGION":"eu-west-1",` +
			`"AWS_SESSION_TOKEN":null,"X_QUOTES":"it's \"q\" \\ ’"}` + "\n"},
		{JSON, `{"set":{"AWS_ACCESS_KEY_ID":"ASIAEXAMPLE","AWS_REGION":"eu-west-1","X_QUOTES":"it's \"q\" \\ ’"},` +
			`"unset":["AWS_PROFILE","AWS_SESSION_TOKEN"]}` + "\n"},
		{"powershell", "Remove-Item -LiteralPath Env:AWS_PROFILE -ErrorAction Ignore\n" +
			"Remove-Item -LiteralPath Env:AWS_SESSION_TOKEN -ErrorAction Ignore\n" +
			"$env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE'\n$env:AWS_REGION = 'eu-west-1'\n" +
			`$env:X_QUOTES = 'it''s "q" \ ’’'` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got, err := Emit(tt.format, script)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Emit(%s):\n got %q\nwant %q", tt.format, got, tt.want)
			}
			again, _ := Emit(tt.format, script)
			if again != got {
				t.Error("output is not deterministic")
			}
		})
	}
}

func TestEmitEmpty(t *testing.T) {
	for _, f := range Formats() {
		got, err := Emit(f, Script{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want := ""
		switch f {
		case Nu:
			want = "{}\n"
		case JSON:
			want = `{"set":{},"unset":[]}` + "\n"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", f, got, want)
		}
	}
}

func TestEmitPwshSmartQuotes(t *testing.T) {
	// Every PowerShell single quote is doubled, so none can end the string.
	got, err := Emit(Pwsh, Script{Set: map[string]string{"X": "a\u2018b\u2019c\u201Ad\u201Be'f; echo pwned"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "$env:X = 'a\u2018\u2018b\u2019\u2019c\u201A\u201Ad\u201B\u201Be''f; echo pwned'\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEmitErrors(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tests := []struct {
		name     string
		format   string
		script   Script
		wantName bool   // an InvalidNameError
		reason   string // substring of an InvalidValueError reason
	}{
		{"bad set name", Sh, Script{Set: map[string]string{"1X": "v"}}, true, ""},
		{"dash in name", Fish, Script{Set: map[string]string{"A-B": "v"}}, true, ""},
		{"empty name", Pwsh, Script{Set: map[string]string{"": "v"}}, true, ""},
		{"bad unset name", Sh, Script{Unset: []string{"A B"}}, true, ""},
		{"unicode name", JSON, Script{Unset: []string{"É"}}, true, ""},
		{"name with =", Nu, Script{Set: map[string]string{"A=B": "v"}}, true, ""},
		{"NUL sh", Sh, Script{Set: map[string]string{"S": secret + "\x00"}}, false, "NUL"},
		{"NUL fish", Fish, Script{Set: map[string]string{"S": "\x00" + secret}}, false, "NUL"},
		{"NUL json", JSON, Script{Set: map[string]string{"S": secret + "\x00"}}, false, "NUL"},
		{"bad utf8 pwsh", Pwsh, Script{Set: map[string]string{"S": secret + "\xff"}}, false, "UTF-8"},
		{"bad utf8 nu", Nu, Script{Set: map[string]string{"S": secret + "\xc3"}}, false, "UTF-8"},
		{"bad utf8 json", JSON, Script{Set: map[string]string{"S": "\xed\xa0\x80" + secret}}, false, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Emit(tt.format, tt.script)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error reveals the value: %v", err)
			}
			var ne *InvalidNameError
			var ve *InvalidValueError
			switch {
			case tt.wantName:
				if !errors.As(err, &ne) {
					t.Errorf("got %T %v, want *InvalidNameError", err, err)
				}
			default:
				if !errors.As(err, &ve) || !strings.Contains(ve.Reason, tt.reason) {
					t.Errorf("got %T %v, want *InvalidValueError about %s", err, err, tt.reason)
				}
			}
		})
	}
}

func TestEmitSafeBytesAllowedInShells(t *testing.T) {
	// Byte strings that are not UTF-8 are fine for the byte-oriented shells.
	for _, f := range []string{Sh, Bash, Zsh, Fish} {
		if _, err := Emit(f, Script{Set: map[string]string{"B": "\xff\xfe\x80"}}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestEmitUnsupported(t *testing.T) {
	for _, name := range []string{"", "tcsh", "cmd", "elvish", "SH "} {
		_, err := Emit(name, Script{})
		var ue *UnsupportedError
		if name == "SH " {
			if err != nil {
				t.Errorf("%q should be accepted as sh: %v", name, err)
			}
			continue
		}
		if !errors.As(err, &ue) {
			t.Errorf("Emit(%q): got %v, want *UnsupportedError", name, err)
			continue
		}
		if !slices.Equal(ue.Supported, Formats()) {
			t.Errorf("Supported = %v", ue.Supported)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name      string
		script    Script
		wantUnset []string
		wantSet   []string
	}{
		{"sorted and deduplicated", Script{Unset: []string{"B", "A", "B", "C"}}, []string{"A", "B", "C"}, nil},
		{"set wins over unset", Script{Unset: []string{"X", "Y"}, Set: map[string]string{"X": "1"}}, []string{"Y"}, []string{"X"}},
		{"sets sorted", Script{Set: map[string]string{"b": "", "_": "", "B": "", "a1": ""}}, nil, []string{"B", "_", "a1", "b"}},
		{"caller slice untouched", Script{Unset: []string{"Z", "A"}}, []string{"A", "Z"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.script.Unset)
			p, err := tt.script.normalize(Sh, false)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range p.set {
				names = append(names, a.name)
			}
			if !slices.Equal(p.unset, tt.wantUnset) || !slices.Equal(names, tt.wantSet) {
				t.Errorf("got unset %v set %v, want %v %v", p.unset, names, tt.wantUnset, tt.wantSet)
			}
			if !slices.Equal(before, tt.script.Unset) {
				t.Errorf("normalize changed the caller's slice: %v", tt.script.Unset)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := map[string]bool{
		"A": true, "_": true, "a_b9": true, "AWS_ACCESS_KEY_ID": true, "__x": true,
		"": false, "9": false, "9A": false, "A-B": false, "A B": false, "A.B": false,
		"Ä": false, "A\x00": false, "A=": false, "$A": false,
	}
	for name, want := range tests {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestJSONShape(t *testing.T) {
	// The documented shape of --print json, decoded by a consumer.
	out, err := Emit(JSON, Script{Unset: []string{"OLD"}, Set: map[string]string{"NEW": "v\n"}})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Set   map[string]string `json:"set"`
		Unset []string          `json:"unset"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Set["NEW"] != "v\n" || !slices.Equal(got.Unset, []string{"OLD"}) {
		t.Errorf("got %+v", got)
	}
}
