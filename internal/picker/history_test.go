package picker

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestHistoryPath(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    string
		wantErr bool
	}{
		{env: map[string]string{"XDG_STATE_HOME": "/state", "HOME": "/home/u"}, want: "/state/assume/history"},
		{env: map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/home/u"}, want: "/home/u/.local/state/assume/history"},
		{env: map[string]string{"HOME": "/home/u"}, want: "/home/u/.local/state/assume/history"},
		{env: map[string]string{}, wantErr: true},
	}
	for _, tc := range tests {
		got, err := HistoryPath(func(k string) string { return tc.env[k] })
		if (err != nil) != tc.wantErr || filepath.ToSlash(got) != tc.want {
			t.Errorf("HistoryPath(%v) = %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

func TestHistoryRecordAndLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "assume")
	path := filepath.Join(dir, "history")
	h, err := LoadHistory(path)
	if err != nil || len(h.Uses()) != 0 {
		t.Fatalf("missing file: %v, %v", h.Uses(), err)
	}
	at := time.Unix(1_700_000_000, 0)
	for i, p := range []string{"prod", "dev", "prod", "my profile"} {
		if err := h.Record(p, at.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v, %v; want 0600", fi.Mode(), err)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("dir mode %v, %v; want 0700", fi.Mode(), err)
		}
	}
	data, _ := os.ReadFile(path)
	if want := "1700000000 prod\n1700000060 dev\n1700000120 prod\n1700000180 my profile\n"; string(data) != want {
		t.Errorf("file:\n%s\nwant:\n%s", data, want)
	}
	h2, err := LoadHistory(path)
	if err != nil || len(h2.Uses()) != 4 || h2.Uses()[3].Profile != "my profile" {
		t.Fatalf("reloaded %v, %v", h2.Uses(), err)
	}
	// Record merges what another process wrote meanwhile.
	if err := h2.Record("other", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := h.Record("mine", at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	h3, _ := LoadHistory(path)
	if n := len(h3.Uses()); n != 6 {
		t.Errorf("after two writers: %d uses, want 6", n)
	}
	// No temporary files are left.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want 1", len(entries))
	}
	for _, bad := range []string{"", "a\nb", "a\rb"} {
		if err := h.Record(bad, at); err == nil {
			t.Errorf("Record(%q) accepted", bad)
		}
	}
}

func TestHistoryBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	for i := 0; i < MaxHistory+19; i++ {
		fmt.Fprintf(&b, "%d p%d\n", i, i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	h, _ := LoadHistory(path)
	if err := h.Record(fmt.Sprintf("p%d", MaxHistory+19), time.Unix(MaxHistory+19, 0)); err != nil {
		t.Fatal(err)
	}
	h2, _ := LoadHistory(path)
	uses := h2.Uses()
	if len(uses) != MaxHistory || uses[0].Profile != "p20" || uses[len(uses)-1].Profile != fmt.Sprintf("p%d", MaxHistory+19) {
		t.Fatalf("%d uses, first %v", len(uses), uses[0])
	}
}

func TestHistoryCorrupt(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string
	}{
		{"garbage", "\x00\x01\xff garbage\n", nil},
		{"mixed", "12 ok\nnot-a-number x\n-5 neg\n\n13\n14 fine too\r\n", []string{"ok", "fine too"}},
		{"no newline at end", "1 a\n2 b", []string{"a", "b"}},
		{"long line", "1 " + strings.Repeat("x", 2<<20) + "\n2 b\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history")
			os.WriteFile(path, []byte(tc.data), 0o600)
			h, err := LoadHistory(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range h.Uses() {
				got = append(got, u.Profile)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("uses %q, want %q", got, tc.want)
			}
			// Recording over a damaged file works.
			if err := h.Record("new", time.Unix(99, 0)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFrecencyOrder(t *testing.T) {
	now := time.Unix(10_000_000, 0)
	day := 24 * time.Hour
	h := &History{}
	// "often" used 5 times two weeks ago; "recent" once an hour ago;
	// "old" once a year ago.
	for i := 0; i < 5; i++ {
		h.Record("often", now.Add(-14*day))
	}
	h.Record("recent", now.Add(-time.Hour))
	h.Record("old", now.Add(-365*day))
	f := h.Frecency(now)
	if !(f["often"] > f["recent"] && f["recent"] > f["old"] && f["old"] > 0 && f["never"] == 0) {
		t.Errorf("frecency %v", f)
	}
	items := []Item{{Profile: "a"}, {Profile: "old"}, {Profile: "recent"}, {Profile: "often"}, {Profile: "b"}}
	md := newModel(items, Options{History: h, Now: func() time.Time { return now }})
	if got := profiles(items, md.matches); fmt.Sprint(got) != "[often recent old a b]" {
		t.Errorf("empty-query order %v", got)
	}
	md = newModel(items, Options{History: h, Now: func() time.Time { return now }, Order: "alpha"})
	if got := profiles(items, md.matches); fmt.Sprint(got) != "[a b often old recent]" {
		t.Errorf("alpha order %v", got)
	}
	// With a query, equal scores fall back to frecency.
	items = []Item{{Profile: "x-prod"}, {Profile: "y-prod"}}
	h = &History{}
	h.Record("y-prod", now)
	md = newModel(items, Options{History: h, Now: func() time.Time { return now }, Query: "prod"})
	if got := profiles(items, md.matches); fmt.Sprint(got) != "[y-prod x-prod]" {
		t.Errorf("query order %v", got)
	}
}

func FuzzParseHistory(f *testing.F) {
	f.Add([]byte("1 a\n2 b c\n"))
	f.Add([]byte("x\n\n-1 y\r\n99999999999999999999 z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		uses := parseHistory(data)
		if len(uses) > MaxHistory {
			t.Fatalf("%d uses", len(uses))
		}
		// What was parsed survives a write and a read.
		again := parseHistory(formatHistory(uses))
		if len(again) != len(uses) {
			t.Fatalf("round trip: %d uses, want %d", len(again), len(uses))
		}
		for i := range uses {
			if again[i].Profile != uses[i].Profile || !again[i].At.Equal(uses[i].At) {
				t.Fatalf("round trip: %v != %v", again[i], uses[i])
			}
		}
	})
}
