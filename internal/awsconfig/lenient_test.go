package awsconfig

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// lenientTrace records what ScanLenient reports, reading every section.
func lenientTrace(data []byte) (sections []map[string]string, skips []string) {
	ScanLenient(data, func([]byte, int) bool {
		sections = append(sections, map[string]string{})
		return true
	}, func(key, value string, line int) {
		sections[len(sections)-1][key] = value
	}, func(line int, why Skip) {
		skips = append(skips, fmt.Sprintf("%d:%d", line, why))
	})
	return sections, skips
}

func TestScanLenient(t *testing.T) {
	data := "x = 1\n" + // 1: before a header
		"[settings] # c\n" + // 2
		"Browser = firefox ; a comment\n" + // 3
		"  --new-window\n" + // 4: continues browser
		"noequals\n" + // 5
		"  orphan\n" + // 6: continues nothing
		"= novalue\n" + // 7
		"sub =\r\n" + // 8
		"  k = v\n" + // 9
		"[broken\n" + // 10
		"lost = 1\n" + // 11
		"[other]\n" + // 12: not read
		"also = lost\n" + // 13
		"[ settings ]\n" + // 14
		"last=1" // 15
	var headers []int
	props := map[string]string{}
	var lines []int
	var skips []string
	ScanLenient([]byte(data), func(inner []byte, line int) bool {
		headers = append(headers, line)
		return strings.TrimSpace(string(inner)) == "settings"
	}, func(key, value string, line int) {
		props[key] = value
		lines = append(lines, line)
	}, func(line int, why Skip) {
		skips = append(skips, fmt.Sprintf("%d:%d", line, why))
	})
	if want := []int{2, 12, 14}; !slices.Equal(headers, want) {
		t.Errorf("headers on lines %v, want %v", headers, want)
	}
	wantProps := map[string]string{"browser": "firefox\n--new-window", "sub": "\nk = v", "last": "1"}
	if fmt.Sprint(props) != fmt.Sprint(wantProps) {
		t.Errorf("properties %q, want %q", props, wantProps)
	}
	if want := []int{3, 8, 15}; !slices.Equal(lines, want) {
		t.Errorf("properties on lines %v, want %v", lines, want)
	}
	want := []string{
		fmt.Sprintf("1:%d", SkipBeforeHeader), fmt.Sprintf("5:%d", SkipNoEquals), fmt.Sprintf("6:%d", SkipNoProperty),
		fmt.Sprintf("7:%d", SkipNoEquals), fmt.Sprintf("10:%d", SkipHeaderEnd),
	}
	if !slices.Equal(skips, want) {
		t.Errorf("skipped %v, want %v", skips, want)
	}
}

func TestHasInlineComment(t *testing.T) {
	for s, want := range map[string]bool{
		"firefox": false, "a#b": false, "a;b": false, "a #b": true, "a\t;b": true, "a\v#b": true,
		"a\u00a0#b": true, " x ": false, "#x": false, "": false,
	} {
		if got := HasInlineComment(s); got != want {
			t.Errorf("HasInlineComment(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzScanLenient: the lenient mode never fails and reports lines that
// exist; on a file Parse accepts it skips nothing and reads, section by
// section, the values of the strict tokenizer.
func FuzzScanLenient(f *testing.F) {
	for _, s := range []string{
		"", "[settings]\nbrowser = firefox\n", "[profile a]\r\nx = 1 # c\r\n  y\r\n",
		"[profile a]\ns3 =\n  k = v\n\n  k2 = v2", "x = 1\n[settings\n[b]\n\tx\n", "[a]\nb=\n =", "\xff[\xfe]\n",
		"[a]\nK = 1\nk = 2\n  more\n[a]\nk=3",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sections, skips := lenientTrace(data)
		n := strings.Count(string(data), "\n") + 1
		for _, s := range skips {
			var line, why int
			fmt.Sscanf(s, "%d:%d", &line, &why)
			if line < 1 || line > n || why < int(SkipHeaderEnd) || why > int(SkipNoEquals) {
				t.Fatalf("skip %s in a file of %d lines", s, n)
			}
		}
		var strict []Properties
		err := walk(data, "", nil, func([]byte, int) (Properties, bool) {
			strict = append(strict, Properties{})
			return strict[len(strict)-1], true
		})
		if err != nil {
			return
		}
		if len(skips) > 0 {
			t.Fatalf("a file Parse accepts: skipped %v", skips)
		}
		if len(sections) != len(strict) {
			t.Fatalf("%d sections, the strict tokenizer read %d", len(sections), len(strict))
		}
		for i, props := range strict {
			for k, v := range props {
				if got, ok := sections[i][k]; !ok || got != v.Text {
					t.Fatalf("section %d, %s: lenient %q (%v), strict %q", i, k, got, ok, v.Text)
				}
			}
			for k := range sections[i] {
				if _, ok := props[k]; !ok && validIdent(k) {
					t.Fatalf("section %d: lenient reads %s, strict does not", i, k)
				}
			}
		}
	})
}
