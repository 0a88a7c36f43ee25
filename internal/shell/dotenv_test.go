package shell

import (
	"errors"
	"strings"
	"testing"
)

func TestDotenv(t *testing.T) {
	got, err := Dotenv("written by a test\nsecond line", Script{
		Unset: []string{"AWS_PROFILE"},
		Set:   map[string]string{"B": "plain", "A": "two words", "C": `q"$x` + "\n`y`\\", "D": ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "# written by a test second line\n" +
		"A=\"two words\"\n" +
		"B=plain\n" +
		"C=\"q\\\"\\$x\\n\\`y\\`\\\\\"\n" +
		"D=\"\"\n"
	if got != want {
		t.Errorf("Dotenv:\n%s\nwant:\n%s", got, want)
	}
	if got, _ := Dotenv("", Script{Set: map[string]string{"A": "1"}}); got != "A=1\n" {
		t.Errorf("without a header: %q", got)
	}
	var ne *InvalidNameError
	if _, err := Dotenv("", Script{Set: map[string]string{"A B": "1"}}); !errors.As(err, &ne) {
		t.Errorf("a bad name: %v", err)
	}
	var ve *InvalidValueError
	if _, err := Dotenv("", Script{Set: map[string]string{"A": "x\x00secret"}}); !errors.As(err, &ve) || strings.Contains(err.Error(), "secret") {
		t.Errorf("a NUL byte: %v", err)
	}
}

// parseDotenvValue is the reference reader of a dotenv value: verbatim
// unless double-quoted, where \\ \" \n \$ \` are escapes.
func parseDotenvValue(q string) (string, bool) {
	if !strings.HasPrefix(q, `"`) {
		return q, true
	}
	if len(q) < 2 || !strings.HasSuffix(q, `"`) {
		return "", false
	}
	var b strings.Builder
	inner := q[1 : len(q)-1]
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		switch {
		case c == '"':
			return "", false // unescaped quote inside
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(inner):
			return "", false
		default:
			i++
			switch inner[i] {
			case '\\', '"', '$', '`':
				b.WriteByte(inner[i])
			case 'n':
				b.WriteByte('\n')
			default:
				return "", false
			}
		}
	}
	return b.String(), true
}

func FuzzQuoteDotenv(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quoteDotenv(s)
		if strings.Contains(q, "\n") {
			t.Fatalf("quoteDotenv(%q) = %q spans lines", s, q)
		}
		got, ok := parseDotenvValue(q)
		if !ok || got != s {
			t.Fatalf("quoteDotenv(%q) = %q: read back %q (ok %v)", s, q, got, ok)
		}
	})
}
