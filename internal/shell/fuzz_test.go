package shell

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// quoteSeeds are values that have broken shell quoters somewhere.
var quoteSeeds = []string{
	"", "plain", "a b", "'", "''", `\`, `\\'`, `'\''`, `"`, "$HOME", "${x}", "$(id)", "`id`",
	"a\nb", "\r\n", "\t", "!event", "%PATH%", "’", "a’;echo pwned;’", "\u2018\u2019\u201A\u201B",
	"é😀", "\x01\x1b[31m\x7f", "\xff\xfe", "-n", "--", "~root", "*", "#x", "a=b", "\\n",
}

func FuzzQuotePOSIX(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quotePOSIX(s)
		got, rest, err := parsePOSIXWord(q)
		if err != nil || rest != "" || got != s {
			t.Fatalf("quotePOSIX(%q) = %q: parsed %q rest %q err %v", s, q, got, rest, err)
		}
	})
}

func FuzzQuoteFish(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quoteFish(s)
		got, rest, err := parseFishWord(q)
		if err != nil || rest != "" || got != s {
			t.Fatalf("quoteFish(%q) = %q: parsed %q rest %q err %v", s, q, got, rest, err)
		}
	})
}

func FuzzQuotePwsh(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Emit refuses these for pwsh
		}
		q := quotePwsh(s)
		got, rest, err := parsePwshWord(q)
		if err != nil || rest != "" || got != s {
			t.Fatalf("quotePwsh(%q) = %q: parsed %q rest %q err %v", s, q, got, rest, err)
		}
	})
}

func FuzzQuoteNu(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quoteNu(s)
		// Reference: '…' has no escapes; r#…'…'#… ends at the first quote
		// followed by as many hashes as it opened with.
		var got string
		switch {
		case strings.HasPrefix(q, "'"):
			inner := q[1 : len(q)-1]
			if len(q) < 2 || !strings.HasSuffix(q, "'") || strings.Contains(inner, "'") {
				t.Fatalf("quoteNu(%q) = %q: bad single-quoted string", s, q)
			}
			got = inner
		case strings.HasPrefix(q, "r#"):
			hashes := q[1:strings.IndexByte(q, '\'')]
			body := q[len("r")+len(hashes)+1:]
			end := strings.Index(body, "'"+hashes)
			if end < 0 || end+1+len(hashes) != len(body) {
				t.Fatalf("quoteNu(%q) = %q: raw string ends early or never", s, q)
			}
			got = body[:end]
		default:
			t.Fatalf("quoteNu(%q) = %q: unknown form", s, q)
		}
		if got != s {
			t.Fatalf("quoteNu(%q) = %q parses as %q", s, q, got)
		}
	})
}

// expectedPlan computes, independently of normalize, what a Script should
// become.
func expectedPlan(s Script) parsedScript {
	var p parsedScript
	for name, v := range s.Set {
		p.set = append(p.set, assignment{name, v})
	}
	slices.SortFunc(p.set, func(a, b assignment) int { return strings.Compare(a.name, b.name) })
	seen := map[string]bool{}
	for _, n := range s.Unset {
		if _, isSet := s.Set[n]; !isSet && !seen[n] {
			seen[n] = true
			p.unset = append(p.unset, n)
		}
	}
	slices.Sort(p.unset)
	return p
}

// parseBack parses Emit's output for format with the reference parsers.
func parseBack(format, out string) (parsedScript, error) {
	switch format {
	case Sh, Bash, Zsh:
		return parseScript(Sh, out)
	case Fish, Pwsh:
		return parseScript(format, out)
	case Nu:
		var obj map[string]*string
		if err := json.Unmarshal([]byte(out), &obj); err != nil {
			return parsedScript{}, err
		}
		var p parsedScript
		for k, v := range obj {
			if v == nil {
				p.unset = append(p.unset, k)
			} else {
				p.set = append(p.set, assignment{k, *v})
			}
		}
		slices.Sort(p.unset)
		slices.SortFunc(p.set, func(a, b assignment) int { return strings.Compare(a.name, b.name) })
		return p, nil
	case JSON:
		var obj struct {
			Set   map[string]string `json:"set"`
			Unset []string          `json:"unset"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			return parsedScript{}, err
		}
		if obj.Set == nil || obj.Unset == nil {
			return parsedScript{}, errors.New(`"set" or "unset" missing or null`)
		}
		p := parsedScript{unset: obj.Unset}
		for k, v := range obj.Set {
			p.set = append(p.set, assignment{k, v})
		}
		slices.SortFunc(p.set, func(a, b assignment) int { return strings.Compare(a.name, b.name) })
		return p, nil
	}
	return parsedScript{}, errors.New("unknown format")
}

func FuzzEmit(f *testing.F) {
	f.Add("AWS_ACCESS_KEY_ID", "ASIA", "AWS_SECRET_ACCESS_KEY", "it's", "AWS_PROFILE")
	f.Add("A", "", "B", "x\ny", "A")
	f.Add("X", "’’'", "Y", `\'`, "Z")
	f.Add("1X", "v", "Y", "v", "Z")
	f.Add("X", "a\x00b", "Y", "\xff", "")
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, u string) {
		s := Script{Set: map[string]string{n1: v1, n2: v2}, Unset: []string{u, u}}
		want := expectedPlan(s)
		namesOK := ValidName(n1) && ValidName(n2) && ValidName(u)
		for _, format := range Formats() {
			out, err := Emit(format, s)
			textual := format == Pwsh || format == Nu || format == JSON
			valuesOK := true // judged on the map: n1 == n2 keeps only v2
			for _, v := range s.Set {
				if strings.Contains(v, "\x00") || (textual && !utf8.ValidString(v)) {
					valuesOK = false
				}
			}
			if err != nil {
				if namesOK && valuesOK {
					t.Fatalf("%s: unexpected error %v", format, err)
				}
				continue
			}
			if !namesOK || !valuesOK {
				t.Fatalf("%s: accepted an invalid script", format)
			}
			got, err := parseBack(format, out)
			if err != nil {
				t.Fatalf("%s: output does not parse: %v\n%q", format, err, out)
			}
			if !slices.Equal(got.unset, want.unset) || !slices.Equal(got.set, want.set) {
				t.Fatalf("%s: round trip\n got %+v\nwant %+v\nfrom %q", format, got, want, out)
			}
		}
	})
}

func FuzzParseFD(f *testing.F) {
	for _, s := range []string{"3", "9", "10", "0", "2", "-1", "+3", " 3", "3 ", "0x3", "03", "1048576", "1048577", "99999999", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fd, err := parseFD(s)
		if err != nil {
			return
		}
		if fd < 3 || fd > maxFD {
			t.Fatalf("parseFD(%q) = %d", s, fd)
		}
		for _, c := range s {
			if c < '0' || c > '9' {
				t.Fatalf("parseFD(%q) accepted a non-digit", s)
			}
		}
	})
}
