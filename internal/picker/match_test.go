package picker

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

var matchItems = []Item{
	{Profile: "prod", Account: "111122223333", AccountName: "main", Role: "Admin", Region: "eu-west-1"},
	{Profile: "production-eu", Account: "444455556666", AccountName: "prod-eu", Role: "ReadOnly", Region: "eu-central-1", SSOSession: "corp"},
	{Profile: "dev-product", Account: "777788889999", AccountName: "dev", Role: "Developer", Region: "us-east-1", SSOSession: "corp"},
	{Profile: "sandbox", Account: "123456789012", AccountName: "Playground", Role: "PowerUser", Region: "ap-southeast-2", SSOSession: "lab"},
	{Profile: "billing", Account: "000000000001", AccountName: "payer", Role: "BillingViewer", Region: "us-east-1"},
	{Profile: "Ünïcode-Prof", Account: "999999999999", AccountName: "Ärger", Region: "eu-north-1"},
}

func profiles(items []Item, ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, items[m.Index].Profile)
	}
	return out
}

func TestFilter(t *testing.T) {
	tests := []struct {
		query string
		want  []string // exact order when order is set, else set
		order bool
	}{
		{query: "", want: []string{"billing", "dev-product", "prod", "production-eu", "sandbox", "Ünïcode-Prof"}, order: true},
		{query: "   ", want: []string{"billing", "dev-product", "prod", "production-eu", "sandbox", "Ünïcode-Prof"}, order: true},
		// A prefix of the profile name wins over a match elsewhere.
		// (sandbox matches through p-la-yg-r-o-un-d.)
		{query: "prod", want: []string{"prod", "production-eu", "dev-product", "sandbox"}, order: true},
		{query: "PROD", want: []string{"prod", "production-eu", "dev-product", "sandbox"}, order: true},
		// Across fields: account id, account name, role, region, sso-session.
		{query: "5555", want: []string{"production-eu"}},
		{query: "playground", want: []string{"sandbox"}},
		{query: "billingview", want: []string{"billing"}},
		{query: "ap-south", want: []string{"sandbox"}},
		{query: "corp", want: []string{"production-eu", "dev-product"}},
		// Terms are AND-ed, each may match a different field.
		{query: "corp us-east", want: []string{"dev-product"}},
		{query: "corp lab", want: nil},
		// Subsequence.
		{query: "sbx", want: []string{"sandbox"}},
		{query: "zzz", want: nil},
		// Non-ASCII, case-insensitive.
		{query: "ünï", want: []string{"Ünïcode-Prof"}},
		{query: "ärg", want: []string{"Ünïcode-Prof"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := profiles(matchItems, Filter(matchItems, tc.query))
			want := tc.want
			if !tc.order {
				slices.Sort(got)
				want = slices.Clone(want)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Filter(%q) = %q, want %q", tc.query, got, want)
			}
		})
	}
}

func TestMatchFieldScoring(t *testing.T) {
	tests := []struct {
		hay, better, worse string
	}{
		{"prod-web", "prod", "pwb"},    // contiguous beats scattered
		{"my-web-prod", "web", "ywe"},  // word start beats middle
		{"staging-web", "sw", "ti"},    // two word starts beat a gap-free middle pair
		{"production", "prod", "rodu"}, // field start
	}
	for _, tc := range tests {
		h := []rune(tc.hay)
		pos, tmp := make([]int, 16), make([]int, 16)
		b, ok1 := matchField(h, []rune(tc.better), pos, tmp)
		w, ok2 := matchField(h, []rune(tc.worse), pos, tmp)
		if !ok1 || !ok2 || b <= w {
			t.Errorf("%q: score(%q)=%d (%v) should beat score(%q)=%d (%v)", tc.hay, tc.better, b, ok1, tc.worse, w, ok2)
		}
	}
}

func TestMatchPositionsContiguous(t *testing.T) {
	// "web" occurs scattered early and contiguous at a word start later:
	// the contiguous one is chosen.
	h := []rune("x-w-e-b-web")
	pos, tmp := make([]int, 3), make([]int, 3)
	if _, ok := matchField(h, []rune("web"), pos, tmp); !ok || !slices.Equal(pos, []int{8, 9, 10}) {
		t.Fatalf("positions %v, want [8 9 10]", pos)
	}
}

// isSubseq reports whether t is a case-folded subsequence of h.
func isSubseq(h, t string) bool {
	hr := []rune(h)
	i := 0
	for _, r := range t {
		r = unicode.ToLower(sanitize(r))
		for i < len(hr) && unicode.ToLower(sanitize(hr[i])) != r {
			i++
		}
		if i == len(hr) {
			return false
		}
		i++
	}
	return true
}

func checkFilter(t *testing.T, items []Item, query string) {
	m := newMatcher(items, nil)
	full := m.filter(query, nil)
	// Every match really matches every term in some field, and nothing
	// that matches is missing.
	in := make(map[int]bool)
	for _, mt := range full {
		if mt.Index < 0 || mt.Index >= len(items) || in[mt.Index] {
			t.Fatalf("bad or repeated index %d", mt.Index)
		}
		in[mt.Index] = true
	}
	for i, it := range items {
		ok := true
		for _, term := range strings.Fields(query) {
			found := false
			for _, f := range []string{it.Profile, it.Account, it.AccountName, it.Role, it.Region, it.SSOSession} {
				if isSubseq(f, term) {
					found = true
					break
				}
			}
			ok = ok && found
		}
		if ok != in[i] {
			t.Fatalf("query %q item %d (%+v): matched=%v want %v", query, i, it, in[i], ok)
		}
	}
	// Sorted by score.
	for i := 1; i < len(full); i++ {
		if full[i].Score > full[i-1].Score {
			t.Fatalf("not sorted by score at %d", i)
		}
	}
	// Incremental filtering from any prefix gives the same result.
	qr := []rune(query)
	for k := 0; k < len(qr); k++ {
		prev := m.filter(string(qr[:k]), nil)
		inc := m.filter(query, prev)
		if !slices.Equal(inc, full) {
			t.Fatalf("incremental filter from %q differs for %q", string(qr[:k]), query)
		}
	}
	// Highlighting marks one character per query rune of each term.
	ts := terms(query)
	for _, mt := range full {
		p := &m.items[mt.Index]
		mark := make([]bool, len(p.lower))
		m.highlight(p, ts, mark)
		n := 0
		for _, b := range mark {
			if b {
				n++
			}
		}
		if n == 0 && len(ts) > 0 {
			t.Fatalf("no highlight for a match of %q", query)
		}
	}
}

func TestFilterProperties(t *testing.T) {
	items := append(slices.Clone(matchItems), genItems(300)...)
	for _, q := range []string{"p", "pr", "prod web", "eu west", "corp-", "9", "x y z", "admin prod eu"} {
		checkFilter(t, items, q)
	}
}

func FuzzFilter(f *testing.F) {
	f.Add("prod", "prod-web", "eu-west-1", "a b")
	f.Add("Ünï", "Ünïcode", "\x00\x1b[31m", "ü")
	f.Add("", "", "", " ")
	f.Add("\xff\xfe", "a\xffb", "x", "a\xff")
	f.Fuzz(func(t *testing.T, a, b, c, query string) {
		items := []Item{
			{Profile: a, Account: b, Region: c},
			{Profile: b, Role: a, SSOSession: c},
			{Profile: c + a, AccountName: b},
		}
		checkFilter(t, items, query)
	})
}
