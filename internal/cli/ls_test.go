package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/vault"
)

const lsTestConfig = `[default]
region = us-east-1

[profile dev]
role_arn = arn:aws:iam::222222222222:role/dev
source_profile = bob
region = eu-west-1

[profile deep]
role_arn = arn:aws-cn:iam::333333333333:role/team/deep-admin
source_profile = dev

[profile portal]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile tool]
credential_process = /bin/true

[profile ci]
role_arn = arn:aws:iam::555555555555:role/ci
web_identity_token_file = /tmp/token

[profile loop]
role_arn = arn:aws:iam::222222222222:role/x
source_profile = loop2

[profile loop2]
role_arn = arn:aws:iam::222222222222:role/y
source_profile = loop
`

const lsTestCredentials = `[bob]
aws_access_key_id = AKIABOB0000000000001
aws_secret_access_key = bob-secret
aws_account_id = 111111111111
`

func loadTestSet(t testing.TB, config, credentials string) *awsconfig.ProfileSet {
	t.Helper()
	set, err := awsconfig.NewFiles("config", []byte(config), "credentials", []byte(credentials)).Load()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestListProfiles(t *testing.T) {
	set := loadTestSet(t, lsTestConfig, lsTestCredentials)
	exp := time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)
	devPlan, err := chain.Resolve(set, "dev")
	if err != nil {
		t.Fatal(err)
	}
	sessions := func(plan *chain.Plan) (string, time.Time) {
		if plan.CacheKey() == devPlan.CacheKey() {
			return "valid", exp
		}
		return "", time.Time{}
	}
	rows := listProfiles(set, sessions)
	got := map[string]lsRow{}
	var names []string
	for _, r := range rows {
		got[r.Name] = r
		names = append(names, r.Name)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("rows not sorted: %v", names)
	}
	tests := []struct {
		name                                         string
		kind, account, role, region, source, session string
		errPart                                      string
	}{
		{name: "bob", kind: "keys", account: "111111111111"},
		{name: "default", kind: "error", region: "", errPart: "no credentials configured"},
		{name: "dev", kind: "role", account: "222222222222", role: "dev", region: "eu-west-1", source: "bob", session: "valid"},
		{name: "deep", kind: "role", account: "333333333333", role: "deep-admin", region: "eu-west-1", source: "dev"},
		{name: "portal", kind: "sso", account: "444444444444", role: "ReadOnly", source: "corp"},
		{name: "tool", kind: "process"},
		{name: "ci", kind: "web-identity", account: "555555555555", role: "ci"},
		{name: "loop", kind: "error", source: "loop2", errPart: "loop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := got[tt.name]
			if !ok {
				t.Fatalf("no row for %s", tt.name)
			}
			if r.Kind != tt.kind || r.Account != tt.account || r.Role != tt.role || r.Region != tt.region ||
				r.Source != tt.source || r.Session != tt.session {
				t.Errorf("row = %+v, want kind=%q account=%q role=%q region=%q source=%q session=%q",
					r, tt.kind, tt.account, tt.role, tt.region, tt.source, tt.session)
			}
			if !strings.Contains(r.Error, tt.errPart) || (tt.errPart == "") != (r.Error == "") {
				t.Errorf("error = %q, want it to contain %q", r.Error, tt.errPart)
			}
			if strings.Contains(r.Error, "\n") {
				t.Errorf("error spans lines: %q", r.Error)
			}
		})
	}
	if d := got["dev"]; d.Expires != "2030-01-02T03:04:00Z" {
		t.Errorf("dev expires = %q", d.Expires)
	}

	var buf bytes.Buffer
	if err := writeLsTable(&buf, rows); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "PROFILE ") {
		t.Errorf("no header: %q", out)
	}
	if strings.Contains(out, "bob-secret") {
		t.Error("the table shows a secret")
	}
	if n := strings.Count(out, "\n"); n != len(rows)+1 {
		t.Errorf("table has %d lines, want %d", n, len(rows)+1)
	}
}

// memStore is a vault.Store in memory.
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memStore) Get(key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, vault.ErrNotFound)
	}
	return b, nil
}

func (s *memStore) Set(key string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = data
	return nil
}

func (s *memStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok {
		return vault.ErrNotFound
	}
	delete(s.m, key)
	return nil
}

func (s *memStore) List(prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

func TestStoreSessions(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, named := range []bool{true, false} {
		st := &memStore{m: map[string][]byte{}}
		c := cache.New(st, cache.WithClock(func() time.Time { return now }))
		put := func(profile string, exp time.Time) {
			t.Helper()
			e := &cache.Entry{AccessKeyID: "ASIA1", SecretAccessKey: "s", SessionToken: "t", Expiration: exp}
			if named { // entries of older versions name no profile
				e.Profile = profile
			}
			if err := c.PutCredentials((&chain.Plan{Profile: profile}).CacheKey(), e); err != nil {
				t.Fatal(err)
			}
		}
		put("valid", now.Add(time.Hour))
		put("margin", now.Add(time.Minute))
		put("old", now.Add(-time.Hour))
		st.m["creds/"+(&chain.Plan{Profile: "garbled"}).CacheKey()] = []byte("not an entry")
		lookup := storeSessions(st, func() time.Time { return now })
		tests := []struct {
			profile, state string
			exp            time.Time
		}{
			{"valid", "valid", now.Add(time.Hour)},
			{"margin", "expired", now.Add(time.Minute)},
			{"old", "expired", now.Add(-time.Hour)},
			{"garbled", "", time.Time{}},
			{"absent", "", time.Time{}},
		}
		for _, tt := range tests {
			state, exp := lookup(&chain.Plan{Profile: tt.profile})
			if state != tt.state || !exp.Equal(tt.exp) {
				t.Errorf("named=%v: lookup(%q) = %q, %v; want %q, %v", named, tt.profile, state, exp, tt.state, tt.exp)
			}
		}
	}
	if storeSessions(&memStore{m: map[string][]byte{}}, time.Now) != nil {
		t.Error("an empty store gives a lookup")
	}
}

func TestSplitRoleARN(t *testing.T) {
	tests := []struct{ arn, account, role string }{
		{"arn:aws:iam::222222222222:role/dev", "222222222222", "dev"},
		{"arn:aws-us-gov:iam::333333333333:role/a/b/c", "333333333333", "c"},
		{"arn:aws:iam::222222222222:user/bob", "222222222222", ""},
		{"not-an-arn", "", ""},
		{"", "", ""},
		{"arn:aws:iam::1:role/", "1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			a, r := splitRoleARN(tt.arn)
			if a != tt.account || r != tt.role {
				t.Errorf("splitRoleARN(%q) = %q, %q; want %q, %q", tt.arn, a, r, tt.account, tt.role)
			}
		})
	}
}

func FuzzSplitRoleARN(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::222222222222:role/dev", "arn:aws:iam::1:role/a/b", "arn:::::", ":", "", "arn:aws:iam::1:role/x/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		a, r := splitRoleARN(arn)
		if !strings.Contains(arn, a) || !strings.Contains(arn, r) {
			t.Errorf("splitRoleARN(%q) = %q, %q: not parts of the input", arn, a, r)
		}
		if strings.Contains(r, "/") || strings.Contains(a, ":") {
			t.Errorf("splitRoleARN(%q) = %q, %q", arn, a, r)
		}
	})
}

// FuzzListProfiles feeds arbitrary config files to ls: it never panics, and
// every profile gets exactly one row with a kind.
func FuzzListProfiles(f *testing.F) {
	f.Add(lsTestConfig, lsTestCredentials)
	f.Add("[profile a]\nsource_profile = a\nrole_arn = arn:aws:iam::1:role/r\n", "")
	f.Add("[profile a]\nsso_session = s\n[sso-session s]\n", "[a]\naws_access_key_id = x\n")
	f.Fuzz(func(t *testing.T, config, credentials string) {
		set, err := awsconfig.NewFiles("config", []byte(config), "credentials", []byte(credentials)).Load()
		if err != nil {
			return
		}
		rows := listProfiles(set, func(*chain.Plan) (string, time.Time) { return "", time.Time{} })
		if len(rows) != len(set.ProfileNames()) {
			t.Fatalf("%d rows for %d profiles", len(rows), len(set.ProfileNames()))
		}
		for _, r := range rows {
			if r.Kind == "" || strings.Contains(r.Error, "\n") {
				t.Errorf("bad row %+v", r)
			}
		}
		if err := writeLsTable(&bytes.Buffer{}, rows); err != nil {
			t.Error(err)
		}
	})
}

// lsBenchConfig is a config of n role profiles over one user.
func lsBenchConfig(n int) string {
	var b strings.Builder
	b.WriteString("[profile base]\nregion = eu-west-1\n")
	for i := range n {
		fmt.Fprintf(&b, "[profile p%05d]\nrole_arn = arn:aws:iam::%012d:role/r%d\nsource_profile = base\n", i, 100000000000+i, i)
	}
	return b.String()
}

// BenchmarkListProfiles10k is ls on 10,000 profiles: parse once, resolve
// each against the parsed set, look the cache up, write the table. The
// target is well under 100 ms per op.
func BenchmarkListProfiles10k(b *testing.B) {
	config := []byte(lsBenchConfig(10000))
	creds := []byte("[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
	st := &memStore{m: map[string][]byte{}}
	c := cache.New(st)
	set, err := awsconfig.NewFiles("config", config, "credentials", creds).Load()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"p00001", "p05000"} {
		plan, err := chain.Resolve(set, name)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.PutCredentials(plan.CacheKey(), &cache.Entry{AccessKeyID: "ASIA1", SecretAccessKey: "s", Expiration: time.Now().Add(time.Hour), Profile: name}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		set, err := awsconfig.NewFiles("config", config, "credentials", creds).Load()
		if err != nil {
			b.Fatal(err)
		}
		rows := listProfiles(set, storeSessions(st, time.Now))
		if len(rows) != 10001 {
			b.Fatalf("%d rows", len(rows))
		}
		if err := writeLsTable(&bytes.Buffer{}, rows); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad10k is the parse alone, for comparison with
// BenchmarkListProfiles10k.
func BenchmarkLoad10k(b *testing.B) {
	config := []byte(lsBenchConfig(10000))
	for b.Loop() {
		if _, err := awsconfig.NewFiles("config", config, "credentials", nil).Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListProfiles10kNoCache is ls on 10,000 profiles with an empty
// cache: no plan is hashed.
func BenchmarkListProfiles10kNoCache(b *testing.B) {
	config := []byte(lsBenchConfig(10000))
	creds := []byte("[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
	b.ReportAllocs()
	for b.Loop() {
		set, err := awsconfig.NewFiles("config", config, "credentials", creds).Load()
		if err != nil {
			b.Fatal(err)
		}
		if rows := listProfiles(set, nil); len(rows) != 10001 {
			b.Fatalf("%d rows", len(rows))
		}
	}
}

// TestListProfilesParallel covers the chunked, concurrent path (run it with
// -race): every row is filled, in order, and cached sessions are found.
func TestListProfilesParallel(t *testing.T) {
	set := loadTestSet(t, lsBenchConfig(600), "[base]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n")
	st := &memStore{m: map[string][]byte{}}
	plan, err := chain.Resolve(set, "p00450")
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.New(st).PutCredentials(plan.CacheKey(), &cache.Entry{AccessKeyID: "ASIA1", SecretAccessKey: "s", Expiration: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	rows := listProfiles(set, storeSessions(st, time.Now))
	if len(rows) != 601 {
		t.Fatalf("%d rows, want 601", len(rows))
	}
	for i, r := range rows {
		want := "valid"
		if r.Name != "p00450" {
			want = ""
		}
		if r.Session != want {
			t.Errorf("%s: session %q, want %q", r.Name, r.Session, want)
		}
		if i > 0 && rows[i-1].Name >= r.Name {
			t.Errorf("row %d (%s) out of order", i, r.Name)
		}
		if r.Name != "base" && (r.Kind != "role" || r.Source != "base" || r.Region != "eu-west-1") {
			t.Errorf("row %+v", r)
		}
	}
}

// writeLsJSON writes what json.MarshalIndent writes, byte for byte.
func TestLsJSONIsMarshalIndent(t *testing.T) {
	for _, rows := range [][]lsRow{
		nil,
		{{Name: "a", Kind: "role"}},
		{{Name: "dev", Kind: "role", Account: "123456789012", Role: "Admin", Region: "eu-west-1", Source: "base", Session: "valid", Expires: "2026-01-02T03:04:05Z"},
			{Name: "odd <&> \"q\" \\ é \u2028 \x01", Kind: "error", Error: "line 3: no <credentials> & \"more\""},
			{Name: "k", Kind: "keys", Account: "1"}},
	} {
		want, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if rows == nil {
			want = []byte("[]")
		}
		var got bytes.Buffer
		if err := writeLsJSON(&got, rows); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("writeLsJSON:\n%s\nwant:\n%s", got.String(), want)
		}
	}
}

// writeLsTable aligns as a text/tabwriter with padding 2 does.
func TestLsTableIsTabwriter(t *testing.T) {
	rows := []lsRow{
		{Name: "dev", Kind: "role", Account: "123456789012", Role: "Admin", Region: "eu-west-1", Source: "base", Session: "expired"},
		{Name: "a-much-longer-profile-name-é", Kind: "error", Error: "x"},
		{Name: "k", Kind: "keys", Account: "1", Role: "ünïcödé"},
	}
	var want bytes.Buffer
	tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tKIND\tACCOUNT\tROLE\tREGION\tSOURCE\tSESSION")
	for i := range rows {
		r := &rows[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", term.Clean(r.Name), r.Kind, term.Clean(dash(r.Account)), term.Clean(dash(r.Role)),
			term.Clean(dash(r.Region)), term.Clean(dash(r.Source)), sessionText(r))
	}
	tw.Flush()
	for _, rs := range [][]lsRow{rows, nil} {
		if rs == nil {
			want.Reset()
			tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PROFILE\tKIND\tACCOUNT\tROLE\tREGION\tSOURCE\tSESSION")
			tw.Flush()
		}
		var got bytes.Buffer
		if err := writeLsTable(&got, rs); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("writeLsTable:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}
