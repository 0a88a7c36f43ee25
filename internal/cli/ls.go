package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/assume-cli/assume/internal/awsconfig"
	"github.com/assume-cli/assume/internal/cache"
	"github.com/assume-cli/assume/internal/chain"
	"github.com/assume-cli/assume/internal/flags"
	"github.com/assume-cli/assume/internal/secretstore"
	"github.com/assume-cli/assume/internal/term"
	"github.com/assume-cli/assume/internal/vault"
)

// lsHeapLimit is the heap size from which assume ls collects garbage.
const lsHeapLimit = 64 << 20

// lsRow is one profile as assume ls shows it.
type lsRow struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	Account string `json:"account,omitempty"`
	Role    string `json:"role,omitempty"`
	Region  string `json:"region,omitempty"`
	Source  string `json:"source,omitempty"`
	Session string `json:"session,omitempty"` // valid, expired
	Expires string `json:"expires,omitempty"`
	Error   string `json:"error,omitempty"`

	expires time.Time
}

// sessionLookup reports the cached session of a plan: valid (with its
// expiry), expired, or none.
type sessionLookup func(plan *chain.Plan) (state string, expires time.Time)

// runLs lists the profiles.
func runLs(_ context.Context, args []string, s *invocation) error {
	var asJSON, help bool
	pos, err := simpleFlags(s, "ls", args, func(fs *flags.FlagSet) {
		fs.BindBool(&asJSON, "json")
		fs.BindBool(&help, "help")
	})
	if err != nil {
		return err
	}
	if help {
		h, _ := lookupHelp("ls")
		err := writeHelp(s.Out, h)
		return err
	}
	if len(pos) > 0 {
		return usageErr("ls takes no arguments: assume ls [--json]")
	}
	// A listing allocates a few MiB per 1,000 profiles and frees little
	// before it ends: collecting on the way was a third of its CPU time at
	// 10,000 profiles (and did not lower its peak RSS). The collector runs
	// only once the heap nears lsHeapLimit.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(lsHeapLimit))
	set, err := loadProfileSet(s)
	if err != nil {
		return err
	}
	rows := listProfiles(set, cacheSessions(s.Getenv, time.Now))
	if asJSON {
		return writeLsJSON(s.Out, rows)
	}
	return writeLsTable(s.Out, rows)
}

// writeLsJSON writes rows exactly as json.MarshalIndent(rows, "", "  ")
// would, row by row through a buffer: no document of megabytes built twice
// (marshal, then indent) at 10,000 profiles.
func writeLsJSON(w io.Writer, rows []lsRow) error {
	if len(rows) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("[\n")
	for i := range rows {
		r := &rows[i]
		bw.WriteString("  {\n    \"name\": ")
		jsonString(bw, r.Name)
		for _, f := range [...]struct {
			key, value string
			always     bool
		}{{"kind", r.Kind, true}, {"account", r.Account, false}, {"role", r.Role, false}, {"region", r.Region, false},
			{"source", r.Source, false}, {"session", r.Session, false}, {"expires", r.Expires, false}, {"error", r.Error, false}} {
			if f.always || f.value != "" {
				bw.WriteString(",\n    \"")
				bw.WriteString(f.key)
				bw.WriteString("\": ")
				jsonString(bw, f.value)
			}
		}
		if i < len(rows)-1 {
			bw.WriteString("\n  },\n")
		} else {
			bw.WriteString("\n  }\n")
		}
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the profile list: %w", err)
	}
	return nil
}

// jsonString writes v as encoding/json does: printable ASCII other than
// the quote, the backslash and <, >, & (HTML-escaped by default) as is,
// anything else through json.Marshal.
func jsonString(bw *bufio.Writer, v string) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(v)
			bw.Write(b)
			return
		}
	}
	bw.WriteByte('"')
	bw.WriteString(v)
	bw.WriteByte('"')
}

// loadProfileSet reads and parses the AWS config files once.
func loadProfileSet(s *invocation) (*awsconfig.ProfileSet, error) {
	cfgPath, credPath := s.configFiles()
	files, err := awsconfig.Open(cfgPath, credPath)
	if err != nil {
		return nil, configErr(err)
	}
	set, err := files.Load()
	if err != nil {
		return nil, configErr(err)
	}
	return set, nil
}

// listProfiles resolves every profile of set (no file is read again) and
// returns one row per profile, sorted by name. sessions may be nil.
func listProfiles(set *awsconfig.ProfileSet, sessions sessionLookup) []lsRow {
	names := set.ProfileNames() // sorted
	rows := make([]lsRow, len(names))
	// Resolving and hashing each plan is independent work: spread it over
	// the CPUs in chunks (a set is safe for concurrent reads).
	workers := runtime.GOMAXPROCS(0)
	if len(names) < 256 || workers < 2 {
		workers = 1
	}
	chunk := (len(names) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(names); lo += chunk {
		hi := min(lo+chunk, len(names))
		wg.Go(func() {
			var r chain.Resolver // one plan reused for the chunk
			for i := lo; i < hi; i++ {
				rows[i] = profileRow(&r, set, names[i], sessions)
			}
		})
	}
	wg.Wait()
	return rows
}

// profileRow describes one profile.
func profileRow(r *chain.Resolver, set *awsconfig.ProfileSet, name string, sessions sessionLookup) lsRow {
	row := lsRow{Name: name}
	if p, ok := set.Profiles[name]; ok {
		if v := p.Get("source_profile"); v.Text != "" {
			row.Source = v.Text
		} else if v := p.Get("sso_session"); v.Text != "" {
			row.Source = v.Text
		} else if v := p.Get("credential_source"); v.Text != "" {
			row.Source = v.Text
		}
	}
	plan, err := r.Resolve(set, name)
	if err != nil {
		row.Kind, row.Error = "error", oneLine(err.Error())
		return row
	}
	row.Region = plan.Region.Text
	if len(plan.Steps) == 0 {
		row.Kind = "error"
		row.Error = "the profile resolves to no credential step"
		return row
	}
	last := plan.Steps[len(plan.Steps)-1]
	row.Kind = kindName(last.Kind)
	switch last.Kind {
	case chain.KindAssumeRole, chain.KindWebIdentity:
		row.Account, row.Role = splitRoleARN(last.RoleARN.Text)
	case chain.KindSSO:
		row.Account, row.Role = last.SSOAccountID.Text, last.SSORoleName.Text
	case chain.KindStatic, chain.KindProcess:
		row.Account = last.AccountID.Text // aws_account_id
	case chain.KindLogin:
		row.Account = loginAccount(last.LoginSession.Text)
	}
	if last.Kind != chain.KindStatic && sessions != nil {
		state, exp := sessions(plan)
		row.Session, row.expires = state, exp
		if !exp.IsZero() {
			row.Expires = exp.UTC().Format(time.RFC3339)
		}
	}
	return row
}

// kindName is the kind of a profile as ls names it.
func kindName(k chain.Kind) string {
	switch k {
	case chain.KindStatic:
		return "keys"
	case chain.KindAssumeRole:
		return "role"
	case chain.KindSSO:
		return "sso"
	case chain.KindProcess:
		return "process"
	case chain.KindWebIdentity:
		return "web-identity"
	case chain.KindNamedSource:
		return "source"
	case chain.KindLogin:
		return "login"
	}
	return string(k)
}

// splitRoleARN returns the account id and role name of
// arn:PARTITION:iam::ACCOUNT:role/PATH/NAME ("" for what it cannot find).
func splitRoleARN(arn string) (account, role string) {
	parts, ok := chain.ARNFields(arn)
	if !ok || parts[0] != "arn" {
		return "", ""
	}
	account = parts[4]
	if res, ok := strings.CutPrefix(parts[5], "role/"); ok {
		role = res[strings.LastIndexByte(res, '/')+1:]
	}
	return account, role
}

// oneLine keeps the first line of a message.
func oneLine(msg string) string {
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

// cacheSessions looks sessions up in the credential cache. Only keys the
// store holds are read, so a listing of thousands of profiles costs one
// directory listing plus one read per cached session. Without a usable
// cache it returns nil.
func cacheSessions(getenv func(string) string, now func() time.Time) sessionLookup {
	st, err := secretstore.Cache(secretstore.Options{Getenv: getenv})
	if err != nil {
		return nil
	}
	return storeSessions(st, now)
}

// storeSessions is cacheSessions on a given store. Cache entries name the
// profile they were made for, so only the profiles that have an entry get
// their plan hashed (a listing of 10,000 profiles hashes a handful); when
// an entry predates that, every plan is hashed and looked up by key.
func storeSessions(st vault.Store, now func() time.Time) sessionLookup {
	live := cache.New(st, cache.WithClock(now))
	entries, err := live.Sessions()
	if err != nil || len(entries) == 0 {
		return nil
	}
	byProfile := map[string]bool{}
	anonymous := false
	for _, e := range entries {
		if e.Profile == "" {
			anonymous = true
		}
		byProfile[e.Profile] = true
	}
	margin := live.Margin()
	return func(plan *chain.Plan) (string, time.Time) {
		if !anonymous && !byProfile[plan.Profile] {
			return "", time.Time{}
		}
		e, ok := entries[plan.CacheKey()]
		if !ok {
			return "", time.Time{}
		}
		if !e.Expiration.IsZero() && e.Expiration.Sub(now()) <= margin {
			return "expired", e.Expiration
		}
		return "valid", e.Expiration
	}
}

// writeLsTable writes rows as an aligned table with a header, as a
// text/tabwriter with padding 2 would (a test compares): the widths come
// from a first pass over the cells, then each line is written at once, so
// 10,000 rows are not held a second time as the writer's cells.
func writeLsTable(w io.Writer, rows []lsRow) error {
	const cols = 7
	header := [cols]string{"PROFILE", "KIND", "ACCOUNT", "ROLE", "REGION", "SOURCE", "SESSION"}
	// Names may come from an identity provider (sso populate): cleaned,
	// so that none redraws the terminal or forges a row.
	cells := func(r *lsRow) [cols]string {
		return [cols]string{term.Clean(r.Name), r.Kind, term.Clean(dash(r.Account)), term.Clean(dash(r.Role)),
			term.Clean(dash(r.Region)), term.Clean(dash(r.Source)), sessionText(r)}
	}
	var width [cols - 1]int
	widen := func(c *[cols]string) {
		for j := range width {
			width[j] = max(width[j], utf8.RuneCountInString(c[j]))
		}
	}
	widen(&header)
	for i := range rows {
		c := cells(&rows[i])
		widen(&c)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	line := func(c *[cols]string) {
		for j := range width {
			bw.WriteString(c[j])
			for n := utf8.RuneCountInString(c[j]); n < width[j]+2; n++ {
				bw.WriteByte(' ')
			}
		}
		bw.WriteString(c[cols-1])
		bw.WriteByte('\n')
	}
	line(&header)
	for i := range rows {
		c := cells(&rows[i])
		line(&c)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the profile list: %w", err)
	}
	return nil
}

// sessionText is the SESSION column.
func sessionText(r *lsRow) string {
	switch r.Session {
	case "valid":
		if r.expires.IsZero() {
			return "valid"
		}
		layout := "15:04"
		if r.expires.Local().Format(time.DateOnly) != time.Now().Local().Format(time.DateOnly) {
			layout = "2006-01-02 15:04"
		}
		return "valid until " + r.expires.Local().Format(layout)
	case "expired":
		return "expired"
	}
	return "-"
}

func dash(v string) string {
	if v == "" {
		return "-"
	}
	return v
}

// loginAccount is the account of a login_session ARN (arn:aws:iam::ACCOUNT:…).
func loginAccount(arn string) string {
	parts, ok := chain.ARNFields(strings.TrimSpace(arn))
	if !ok || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
